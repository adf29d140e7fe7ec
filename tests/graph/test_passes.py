"""Graph optimisation passes: node counts before and after, and unchanged results.

Each pass is tested alone on a function traced twice, without passes (``optimize=[]``)
and with that pass only; then the whole pipeline on a compiled Keras train step and on
a physics-informed step with nested tapes.

Fusion micro-benchmark (``python tests/graph/test_passes.py``): the backward of a tanh
layer, ``reduce_sum(g * (1 - y*y))``, replayed by ``Graph.run``, microseconds per run
on a busy 2-core machine (10th percentile of 30 rounds of 100, one BLAS thread; the
large case moves by a quarter with the machine's load, the ratios hold):

    elements     traced   fused   fused + buffers
       4,096        9.5     9.1        8.4
      16,384       16.8    14.7       15.0
     262,144      183     138        137

On the loss and gradients of the physics-informed step of benchmarks/pinn_step.py
(1,000 points, 3 x 64 tanh, u'' + u = 0, nested tapes), the passes take the graph from
167 nodes to 82 and its node time from 12.3 ms to 9.5 ms (the elementwise nodes from
5.0 ms to 2.4 ms).
"""

import threading
import warnings

import numpy as np
import pytest

import ndflow as nd
from ndflow import keras
from ndflow.autodiff.primitive import bind, registry
from ndflow.core import nest
from ndflow.graph.ir import Graph, Node, VariableRead
from ndflow.graph.passes import (
    DEFAULT,
    OptimizedGraph,
    buffers,
    constant_folding,
    cse,
    dead_code,
    fusion,
    optimize,
    simplify,
    softmax_xent,
)
from ndflow.graph.passes.fusion import _CHECKED_UFUNCS, FusedKernel
from ndflow.keras import layers
from ndflow.ops.cast import cast_p

RNG = np.random.default_rng(0)
BIG = 4096  # elements: above fusion.MIN_SIZE


def _rand(*shape, low=-1.0, high=1.0):
    return nd.constant(RNG.uniform(low, high, shape).astype(np.float32))


def _graphs(fn, passes, *args):
    """The graph of ``fn`` traced without passes and with ``passes``."""
    before = nd.function(fn, optimize=[]).get_concrete_function(*args).graph
    after = nd.function(fn, optimize=passes).get_concrete_function(*args).graph
    return before, after


def _flat(result):
    return [np.asarray(r) for r in nest.flatten(result)]


def _same_results(fn, passes, calls, rtol=1e-6):
    """The optimised function gives the unoptimised one's results on every call."""
    optimised, traced = nd.function(fn, optimize=passes), nd.function(fn, optimize=[])
    for args in calls:
        for a, b in zip(_flat(optimised(*args)), _flat(traced(*args))):
            np.testing.assert_allclose(a, b, rtol=rtol, atol=0)


def _names(graph):
    return [n.name for n in graph.nodes]


# -- dead code ---------------------------------------------------------------------------
def test_dead_code_removes_unused_values_but_keeps_effects_and_draws():
    v = nd.Variable([0.0, 0.0])

    def f(x):
        nd.exp(x) * 3.0  # unused: removed
        v.assign(x * 2.0)  # an effect: kept, with the value it assigns
        nd.random.normal([2])  # advances the random state: kept
        return nd.sin(x)

    x = _rand(2)
    before, after = _graphs(f, [dead_code.run], x)
    assert len(before) == 6 and len(after) == 4
    assert "exp" not in _names(after) and "random_normal" in _names(after)
    assert any(n.effect for n in after.nodes)
    _same_results(f, [dead_code.run], [(_rand(2),) for _ in range(3)])
    g = nd.function(f, optimize=[dead_code.run])
    x = _rand(2)
    g(x)
    np.testing.assert_allclose(v.numpy(), 2 * x.numpy())


def test_dead_code_keeps_a_multi_output_node_with_one_used_output():
    w = nd.Variable(RNG.standard_normal((3, 2)).astype(np.float32))

    def f(x):
        with nd.GradientTape() as tape:
            loss = nd.reduce_sum(nd.tanh(x @ w))
        return tape.gradient(loss, w)  # the raw matmul gradient computes both; one used

    x = _rand(4, 3)
    before, after = _graphs(f, [dead_code.run], x)
    assert any(n.multi for n in after.nodes) and len(after) == len(before)
    _same_results(f, [dead_code.run], [(_rand(4, 3),) for _ in range(3)])


# -- constant folding ------------------------------------------------------------------
def test_constant_folding_computes_constant_subgraphs_once():
    c = nd.constant([1.0, 2.0, 3.0])

    def f(x):
        k = nd.exp(c) * 2.0 + nd.cast(nd.range(3), nd.float32)  # constants only
        return x * k

    x = _rand(3)
    before, after = _graphs(f, [constant_folding.run], x)
    assert _names(before) == ["exp", "multiply", "range", "cast", "add", "multiply"]
    assert _names(after) == ["multiply"]
    _same_results(f, [constant_folding.run], [(_rand(3),) for _ in range(3)])


def test_constant_folding_leaves_draws_reads_and_returned_values():
    w = nd.Variable(2.0)

    def draw(x):
        return x + nd.random.uniform([3])  # the draw has constant inputs only

    def scaled(x):
        return x * (w * 3.0), nd.exp(nd.constant(1.0))  # a read; a returned value

    x = _rand(3)
    for fn in (draw, scaled):
        before, after = _graphs(fn, [constant_folding.run], x)
        assert _names(before) == _names(after)
    g = nd.function(draw, optimize=[constant_folding.run])
    assert not np.array_equal(g(x).numpy(), g(x).numpy())
    h = nd.function(scaled, optimize=[constant_folding.run])
    np.testing.assert_allclose(h(x)[0].numpy(), x.numpy() * 6.0, rtol=1e-6)
    w.assign(5.0)
    np.testing.assert_allclose(h(x)[0].numpy(), x.numpy() * 15.0, rtol=1e-6)


# -- common subexpressions ---------------------------------------------------------------
def test_cse_computes_each_value_once():
    def f(x, y):
        a = nd.sin(x) * y
        b = nd.sin(x) * y
        return a + b + x * 2.0 + x * 2.0  # the two constants 2.0 are merged too

    args = (_rand(5), _rand(5))
    before, after = _graphs(f, [cse.run], *args)
    assert len(before) == 9 and len(after) == 6
    assert _names(after).count("sin") == 1
    assert len(after.constants) == 1
    _same_results(f, [cse.run], [(_rand(5), _rand(5)) for _ in range(3)])


def test_cse_merges_no_draws_and_no_reads_across_an_assignment():
    v = nd.Variable(1.0)

    def draws(x):
        return x + nd.random.normal([3]) - nd.random.normal([3])

    def reads(x):
        a = x * v
        v.assign_add(1.0)
        return a, x * v  # the second product reads the new value

    x = _rand(3)
    for fn in (draws, reads):
        before, after = _graphs(fn, [cse.run], x)
        assert len(before) == len(after)
    v.assign(1.0)
    g = nd.function(reads, optimize=[cse.run])
    for k in range(1, 4):
        a, b = g(x)
        np.testing.assert_allclose(a.numpy(), k * x.numpy(), rtol=1e-6)
        np.testing.assert_allclose(b.numpy(), (k + 1) * x.numpy(), rtol=1e-6)
    noisy = nd.function(draws, optimize=[cse.run])(x)
    assert not np.allclose(noisy.numpy(), x.numpy())


def test_cse_merges_reads_of_a_variable_unless_an_effect_runs_between():
    v = nd.Variable([1.0, 2.0])

    def assign(value):  # an effect node's function: installs a new array
        v._value = value.copy()
        return v._value

    def graph(*middle):
        reads = [Node("read:v", VariableRead(v), (), (0,)), *middle,
                 Node("read:v", VariableRead(v), (), (2,))]
        add = registry["add"]
        nodes = [*reads, Node("add", add.forward, (0, 2), (3,), prim=add)]
        return Graph(5, {}, [1], nodes, [3], None)

    merged = cse.run(graph())
    assert _names(merged) == ["read:v", "add"] and merged.nodes[-1].inputs == (0, 0)
    kept = cse.run(graph(Node("assign:v", assign, (1,), (4,), effect=True)))
    assert _names(kept) == ["read:v", "assign:v", "read:v", "add"]
    x = np.array([10.0, 20.0], np.float32)
    np.testing.assert_allclose(kept.run([x])[0], [11.0, 22.0])


# -- algebraic simplification ------------------------------------------------------------
def test_simplify_drops_neutral_operations_and_chains():
    def f(x):
        y = 1.0 * (x * 1.0)
        y = 0.0 + (y + 0.0)
        y = (y - 0.0) / 1.0
        y = nd.transpose(nd.transpose(y))
        y = nd.reshape(nd.reshape(y, [-1]), [4, 3])
        y = bind(cast_p, y, dtype=np.dtype(np.float32))
        return nd.exp(y)

    x = _rand(4, 3)
    before, after = _graphs(f, [simplify.run], x)
    assert len(before) == 12 and _names(after) == ["exp"]
    _same_results(f, [simplify.run], [(_rand(4, 3),) for _ in range(3)])


def test_simplify_composes_transposes_and_reshapes():
    def f(x):
        t = nd.transpose(nd.transpose(x, [1, 0, 2]), [0, 2, 1])
        r = nd.reshape(nd.reshape(x, [6, 4]), [4, 6])
        return nd.exp(t), nd.exp(r)

    x = _rand(2, 3, 4)
    before, after = _graphs(f, [simplify.run], x)
    assert _names(after).count("transpose") == 1 and _names(after).count("reshape") == 1
    assert len(after) == len(before) - 2
    _same_results(f, [simplify.run], [(_rand(2, 3, 4),) for _ in range(3)])


def test_simplify_keeps_broadcasts_and_returned_values():
    zeros = nd.constant(np.zeros((3, 1), np.float32))

    def broadcast(x):
        return nd.exp(x + zeros)  # (3,) + (3, 1) is (3, 3): not x

    def returned(x):
        return x * 1.0  # each call hands out its own array

    x = _rand(3)
    for fn in (broadcast, returned):
        before, after = _graphs(fn, [simplify.run], x)
        assert _names(before) == _names(after)
    assert nd.function(broadcast, optimize=[simplify.run])(x).shape == (3, 3)


# -- fusion ------------------------------------------------------------------------------
def _tanh_backward(g, y):
    return nd.reduce_sum(g * (1.0 - y * y))


def test_fusion_makes_one_kernel_of_an_elementwise_chain():
    args = (_rand(BIG), _rand(BIG))
    before, after = _graphs(_tanh_backward, [fusion.run], *args)
    assert _names(before) == ["multiply", "subtract", "multiply", "reduce_sum"]
    assert _names(after) == ["fused[multiply>subtract>multiply]", "reduce_sum"]
    kernel = after.nodes[0].fn
    assert isinstance(kernel, FusedKernel) and kernel.num_buffers == 1  # one array
    assert "out=b0" in kernel.source
    optimised = nd.function(_tanh_backward, optimize=[fusion.run])
    for _ in range(3):
        g, y = _rand(BIG), _rand(BIG)
        expected = np.sum(g.numpy() * (np.float32(1) - y.numpy() * y.numpy()))
        assert optimised(g, y).numpy() == expected  # the same ufunc loops: identical


def test_fusion_of_a_tree_with_broadcast_operands_and_relu():
    def f(x, b, s):
        return nd.reduce_sum(nd.nn.relu(x * s + b) + nd.tanh(x) * nd.exp(x))

    args = (_rand(64, 32), _rand(32), _rand(64, 32))
    before, after = _graphs(f, [fusion.run], *args)
    assert len(before) == 8 and len(after) == 2
    assert after.nodes[0].fn.num_buffers == 3  # relu(...), tanh(x), exp(x) live at once
    _same_results(f, [fusion.run], [(_rand(64, 32), _rand(32), _rand(64, 32))
                                    for _ in range(3)], rtol=0)


def test_fusion_leaves_small_shared_returned_and_effect_crossing_values():
    v = nd.Variable(np.zeros(BIG, np.float32))

    def shared(x):
        t = x * x  # two users: stays a value of its own
        return nd.reduce_sum(nd.exp(t) + t)

    def returned(x):
        t = x * x
        return t, nd.reduce_sum(nd.exp(t))

    def crossing(x):
        a = x * 2.0
        v.assign(x)  # fusing would move the product past the assignment
        return nd.reduce_sum(nd.exp(a))

    for fn, n in ((_tanh_backward, 8), (shared, BIG), (returned, BIG), (crossing, BIG)):
        args = (_rand(n), _rand(n))[:fn.__code__.co_argcount]
        before, after = _graphs(fn, [fusion.run], *args)
        fused = [name for name in _names(after) if name.startswith("fused")]
        if fn is shared:  # exp and add fuse; the shared product stays out
            assert fused == ["fused[exp>add]"] and "multiply" in _names(after)
        else:
            assert fused == [] and len(before) == len(after)


def test_kernels_follow_shapes_that_change_after_a_boolean_mask():
    def f(x):
        y = nd.boolean_mask(x, x > 0)  # as many elements as x has positive values
        return nd.reduce_sum(y * (1.0 - y * y)), y * 2.0 + 1.0

    optimised = nd.function(f)
    optimised(_rand(BIG))
    graph = optimised.get_concrete_function(_rand(BIG)).graph
    assert sum(isinstance(n.fn, FusedKernel) for n in graph.nodes) == 2
    for _ in range(3):
        x = _rand(BIG)
        for a, b in zip(optimised(x), f(x)):
            assert a.shape == b.shape
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


def test_the_checked_ufunc_table_matches_the_primitives():
    x = RNG.uniform(0.1, 0.9, 16).astype(np.float32)
    for name, ufunc in _CHECKED_UFUNCS.items():
        prim = registry[name]
        args = (x + 1.0,) * ufunc.nin if name == "arccosh" else (x,) * ufunc.nin
        np.testing.assert_array_equal(prim.forward(*args), ufunc(*args), err_msg=name)


# -- buffer planning ---------------------------------------------------------------------
def test_kernels_reuse_their_result_arrays_only_when_they_stay_inside_the_run():
    def f(g, y):
        kept = g * (1.0 - y * y)  # read by a sum only: reused
        returned = g * (2.0 + y)  # returned: a fresh array each run
        viewed = nd.reshape(y * (3.0 - g), [64, 64])  # a view of it is returned
        return nd.reduce_sum(kept), returned, viewed

    passes = [fusion.run, buffers.run]
    args = (_rand(BIG), _rand(BIG))
    _, after = _graphs(f, passes, *args)
    reuse = {n.name: n.fn.reuse for n in after.nodes if isinstance(n.fn, FusedKernel)}
    assert reuse == {"fused[multiply>subtract>multiply]": True,
                     "fused[add>multiply]": False, "fused[subtract>multiply]": False}
    optimised = nd.function(f, optimize=passes)
    calls = [(_rand(BIG), _rand(BIG)) for _ in range(3)]
    first = [r.numpy().copy() for r in optimised(*calls[0])]
    held = optimised(*calls[0])
    for args in calls[1:]:
        optimised(*args)  # later runs must not write into arrays handed out before
    for a, b in zip(first, held):
        np.testing.assert_array_equal(a, b.numpy())
    _same_results(f, passes, calls)


def test_a_lone_elementwise_node_gets_a_reused_buffer():
    def f(x, y):
        t = x * y  # two users, so not fused: a one-step kernel writing into its buffer
        return nd.reduce_sum(t) + nd.reduce_mean(t)

    args = (_rand(BIG), _rand(BIG))
    before, after = _graphs(f, [fusion.run, buffers.run], *args)
    assert _names(after) == _names(before)
    assert after.nodes[0].fn.reuse and after.nodes[0].prim is None
    _same_results(f, [fusion.run, buffers.run], [(_rand(BIG), _rand(BIG)) for _ in range(3)])


def test_values_are_released_after_their_last_use():
    def f(x):
        a = nd.exp(x)
        b = nd.sin(a)
        return nd.cos(b) + x, a

    x = _rand(3)
    _, after = _graphs(f, [buffers.run], x)
    released = [s for slots in after.release.values() for s in slots]
    assert released and not set(released) & set(after.output_slots)
    for k, node in enumerate(after.nodes):  # nothing read after it was released
        later = {s for n in after.nodes[k + 1:] for s in n.inputs}
        assert not set(after.release.get(node, ())) & later
    _same_results(f, [buffers.run], [(_rand(3),) for _ in range(3)])


def test_threads_running_one_graph_get_their_own_buffers():
    optimised = nd.function(_tanh_backward)
    optimised(_rand(BIG), _rand(BIG))
    graph = optimised.get_concrete_function(_rand(BIG), _rand(BIG)).graph
    assert any(getattr(n.fn, "reuse", False) for n in graph.nodes)
    inputs = [(_rand(BIG)._value, _rand(BIG)._value) for _ in range(4)]
    expected = [graph.run(list(a))[0] for a in inputs]
    errors = []

    def worker(k):
        for _ in range(200):
            if graph.run(list(inputs[k]))[0] != expected[k]:
                errors.append(k)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


# -- softmax and cross-entropy ------------------------------------------------------------
def _classifier_step(w, x, labels, sparse=True, softmax_axis=-1, late_labels=False):
    """Probabilities, the mean cross-entropy on the logits and its gradient for ``w``."""
    with nd.GradientTape() as tape:
        tape.watch(w)
        logits = nd.matmul(x, w)
        probabilities = nd.nn.softmax(logits, axis=softmax_axis)
        if late_labels:  # computed after the softmax, as Keras's losses cast them
            labels = nd.cast(nd.cast(labels, "float32"), labels.dtype)
        if sparse:
            losses = nd.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)
        else:
            losses = nd.nn.softmax_cross_entropy_with_logits(labels, logits)
        loss = nd.reduce_mean(losses)
    return probabilities, loss, tape.gradient(loss, w)


def _classifier_args(sparse):
    labels = RNG.integers(0, 3, 8)
    labels = nd.constant(labels) if sparse else nd.constant(np.eye(3, dtype=np.float32)[labels])
    return _rand(4, 3), _rand(8, 4), labels


@pytest.mark.parametrize("late_labels", [False, True])
@pytest.mark.parametrize("sparse", [True, False])
def test_softmax_xent_shares_one_pass_and_gives_the_same_bits(sparse, late_labels):
    def step(w, x, labels):
        return _classifier_step(w, x, labels, sparse, late_labels=late_labels)

    args = _classifier_args(sparse)
    before, after = _graphs(step, [softmax_xent.run], *args)
    assert len(after) == len(before) - 1
    merged = [n for n in after.nodes if n.name.startswith("softmax+")]
    assert len(merged) == 1 and len(merged[0].outputs) == 2
    rule = next(n for n in after.nodes if n.name.endswith("cross_entropy_with_logits_grad"))
    assert merged[0].outputs[0] in rule.inputs  # the gradient reads the probabilities
    optimised, traced = nd.function(step, optimize=[softmax_xent.run]), nd.function(
        step, optimize=[])
    for call in [args, _classifier_args(sparse), _classifier_args(sparse)]:
        for a, b in zip(_flat(optimised(*call)), _flat(traced(*call))):
            np.testing.assert_array_equal(a, b)


def test_softmax_xent_keeps_the_label_check_and_other_axes_apart():
    def step(w, x, labels):
        return _classifier_step(w, x, labels)

    compiled = nd.function(step)
    w, x, labels = _classifier_args(True)
    compiled(w, x, labels)
    with pytest.raises(nd.errors.InvalidArgumentError, match="label value of 3"):
        compiled(w, x, nd.constant(np.full(8, 3)))

    def other_axis(w, x, labels):  # a softmax over the rows is another function
        return _classifier_step(w, x, labels, sparse=False, softmax_axis=0)

    before, after = _graphs(other_axis, [softmax_xent.run], *_classifier_args(False))
    assert _names(after) == _names(before)


# -- the pipeline ------------------------------------------------------------------------
def test_optimize_copies_the_graph_and_counts_nodes_per_pass():
    traced = nd.function(_tanh_backward, optimize=False)
    args = (_rand(BIG), _rand(BIG))
    graph = traced.get_concrete_function(*args).graph
    nodes = list(graph.nodes)
    result = optimize(graph)
    assert isinstance(result, OptimizedGraph) and result.original is graph
    assert graph.nodes == nodes and not isinstance(graph, OptimizedGraph)
    assert list(result.stats) == [p.__module__.rsplit(".", 1)[-1] for p in DEFAULT]
    assert result.stats["fusion"] == (4, 2) and len(result) == 2
    np.testing.assert_allclose(result.run([a._value for a in args])[0],
                               graph.run([a._value for a in args])[0], rtol=1e-6)


def test_a_failing_pass_leaves_the_graph_unoptimised_with_a_warning():
    def broken(graph):
        raise RuntimeError("bug")

    graph = nd.function(_tanh_backward, optimize=False).get_concrete_function(
        _rand(3), _rand(3)).graph
    with pytest.warns(RuntimeWarning, match="'test_passes' failed"):
        assert optimize(graph, [broken]) is graph


def test_a_tape_outside_replays_the_traced_primitives():
    optimised = nd.function(lambda x: nd.reduce_sum(nd.tanh(x * 2.0) * x))
    x = _rand(BIG)
    optimised(x)
    graph = optimised.get_concrete_function(x).graph
    assert any(isinstance(n.fn, FusedKernel) for n in graph.nodes)
    assert graph.differentiable_replay  # through the traced graph it keeps
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = optimised(x)
    t = np.tanh(2 * x.numpy())
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), t + 2 * x.numpy() * (1 - t * t),
                               rtol=1e-5, atol=1e-6)


def _train(run_eagerly):
    nd.random.set_seed(3)
    x = np.random.default_rng(3).standard_normal((400, 4)).astype(np.float32)
    y = np.sin(x[:, :1]) - x[:, 1:2] ** 2
    model = keras.Sequential([keras.Input((4,)), layers.Dense(16, activation="tanh"),
                              layers.Dense(16, activation="tanh"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", run_eagerly=run_eagerly)
    model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)  # 50 steps
    return model


def test_a_compiled_keras_train_step_trains_as_eagerly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no pass fails, no fallback to eager
        compiled = _train(False)
    eager = _train(True)
    concrete = next(iter(compiled._step_functions["train_step"]._cache.values()))
    assert concrete.fallback_reason is None and not concrete.pending
    assert isinstance(concrete.graph, OptimizedGraph) and concrete.graph.release
    for a, b in zip(compiled.weights, eager.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


def test_a_pinn_step_with_nested_tapes_is_optimised_and_unchanged():
    nd.random.set_seed(4)
    model = keras.Sequential([keras.Input((1,)), layers.Dense(32, activation="tanh"),
                              layers.Dense(32, activation="tanh"), layers.Dense(1)])

    def step(x):
        with nd.GradientTape() as outer:
            with nd.GradientTape() as mid:
                mid.watch(x)
                with nd.GradientTape() as inner:
                    inner.watch(x)
                    u = model(x)
                du = inner.gradient(u, x)
            d2u = mid.gradient(du, x)
            loss = nd.reduce_mean((d2u + u) ** 2)
        return loss, outer.gradient(loss, model.trainable_weights)

    x = nd.constant(np.linspace(0, 6, 128, dtype=np.float32)[:, None])
    before, after = _graphs(step, True, x)
    stats = after.stats
    assert stats["cse"][1] < stats["cse"][0] and stats["fusion"][1] < stats["fusion"][0]
    assert len(after) < 0.7 * len(before)
    calls = [(nd.constant(RNG.uniform(0, 6, (128, 1)).astype(np.float32)),)
             for _ in range(3)]
    _same_results(step, True, calls, rtol=1e-5)
    for (x,) in calls:  # and the traced step agrees with eager execution
        for a, b in zip(_flat(nd.function(step)(x)), _flat(step(x))):
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-7)


def _benchmark():
    """Print microseconds per replay of the tanh backward, traced / fused / + buffers."""
    import time

    variants = {"traced": [], "fused": [fusion.run], "fused + buffers": [fusion.run,
                                                                         buffers.run]}
    for n in (4096, 16384, 262144):
        args = [_rand(n), _rand(n)]
        graphs = {k: nd.function(_tanh_backward, optimize=p).get_concrete_function(
            *args).graph for k, p in variants.items()}
        arrays = [a._value for a in args]
        times = {k: [] for k in graphs}
        for _ in range(30):
            for k, graph in graphs.items():
                start = time.perf_counter()
                for _ in range(100):
                    graph.run(arrays)
                times[k].append((time.perf_counter() - start) * 1e4)
        print(f"{n:>9,} elements: " + "  ".join(
            f"{k} {np.percentile(t, 10):.1f} us" for k, t in times.items()))


if __name__ == "__main__":
    _benchmark()
