"""ndflow.function: tracing once per signature, replay, variables, tapes, control flow."""

import warnings

import numpy as np
import pytest

import ndflow as nd


def test_traces_once_per_signature_and_replays_with_new_values():
    traces = []

    @nd.function
    def f(x, y):
        traces.append(1)  # a Python side effect: runs while tracing only
        return nd.reduce_sum(x * y + nd.sin(x))

    x, y = nd.constant([1.0, 2.0]), nd.constant([3.0, 4.0])
    first = f(x, y)
    second = f(x, y * 2.0)
    assert len(traces) == 1
    expected = np.sum(x.numpy() * y.numpy() * 2 + np.sin(x.numpy()))
    np.testing.assert_allclose(second.numpy(), expected, rtol=1e-6)
    assert first.numpy() != second.numpy()
    f(nd.constant([1.0, 2.0, 3.0]), nd.constant([1.0, 1.0, 1.0]))  # a new shape
    f(np.array([1.0, 2.0]), np.array([1.0, 1.0]))  # float64 arrays: a new dtype
    assert len(traces) == 3


def test_python_arguments_are_part_of_the_signature():
    @nd.function
    def scale(x, k):
        return x * k

    x = nd.constant([1.0, 2.0])
    np.testing.assert_allclose(scale(x, 2.0).numpy(), [2.0, 4.0])
    np.testing.assert_allclose(scale(x, 3.0).numpy(), [3.0, 6.0])
    assert scale.experimental_get_tracing_count() == 2


def test_many_retraces_warn():
    @nd.function
    def f(x):
        return x + 1.0

    with pytest.warns(UserWarning, match="traced 6 times"):
        for n in range(1, 7):
            f(nd.zeros((n,)))


def test_the_graph_is_exposed_and_printable():
    @nd.function
    def f(x):
        return nd.exp(x) * 2.0

    concrete = f.get_concrete_function(nd.TensorSpec((None, 3), nd.float32))
    graph = concrete.graph
    assert [n.name for n in graph.nodes] == ["exp", "multiply"]
    assert "exp" in graph.pretty() and graph.to_dot().startswith('digraph "f"')
    np.testing.assert_allclose(concrete(nd.ones((1, 3))).numpy(), 2 * np.e * np.ones((1, 3)),
                               rtol=1e-6)


def test_input_signature_is_checked():
    @nd.function(input_signature=[nd.TensorSpec((None,), nd.float32)])
    def f(x):
        return x * 2.0

    np.testing.assert_allclose(f(nd.constant([1.0, 2.0, 3.0])).numpy(), [2.0, 4.0, 6.0])
    with pytest.raises(ValueError, match="does not match its input_signature"):
        f(nd.constant([[1.0]]))


def test_variables_are_read_and_assigned_when_the_graph_runs():
    v = nd.Variable([1.0, 2.0])
    counter = nd.Variable(0, dtype="int32")

    @nd.function
    def step(x):
        counter.assign_add(1)
        v.assign(v * x)
        return nd.reduce_sum(v)

    x = nd.constant([2.0, 3.0])
    for _ in range(3):
        out = step(x)
    np.testing.assert_allclose(v.numpy(), [8.0, 54.0])
    assert out.numpy() == pytest.approx(62.0)
    assert int(counter.numpy()) == 3
    v.assign([1.0, 1.0])  # a change from outside is seen by the next run
    np.testing.assert_allclose(step(x).numpy(), 5.0)


def test_a_training_step_with_a_tape_inside_matches_eager():
    x = nd.constant(np.random.default_rng(0).standard_normal((8, 3)).astype(np.float32))
    y = nd.constant(np.random.default_rng(1).standard_normal((8, 1)).astype(np.float32))

    def make():
        return nd.Variable(np.full((3, 1), 0.5, np.float32)), nd.Variable(np.zeros(1, np.float32))

    def step(w, b):
        with nd.GradientTape() as tape:
            pred = nd.matmul(x, w) + b
            loss = nd.reduce_mean((pred - y) ** 2)
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(0.1 * gw)
        b.assign_sub(0.1 * gb)
        return loss

    eager_w, eager_b = make()
    graph_w, graph_b = make()
    compiled = nd.function(step)
    for _ in range(20):
        eager_loss = step(eager_w, eager_b)
        graph_loss = compiled(graph_w, graph_b)
    np.testing.assert_allclose(graph_w.numpy(), eager_w.numpy(), rtol=1e-6)
    np.testing.assert_allclose(graph_loss.numpy(), eager_loss.numpy(), rtol=1e-6)
    assert compiled.experimental_get_tracing_count() == 1


def test_gradients_flow_through_a_compiled_function():
    @nd.function
    def f(x):
        return nd.reduce_sum(nd.sin(x) * x)

    x = nd.constant([0.5, 1.5])
    f(x)  # traced before the tape: the tape sees the replay
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    g = tape.gradient(y, x).numpy()
    np.testing.assert_allclose(g, np.cos([0.5, 1.5]) * [0.5, 1.5] + np.sin([0.5, 1.5]),
                               rtol=1e-6)
    with nd.GradientTape() as outer:  # and second derivatives
        outer.watch(x)
        with nd.GradientTape() as inner:
            inner.watch(x)
            y = f(x)
        dy = inner.gradient(y, x)
    d2 = outer.gradient(dy, x).numpy()
    xs = np.array([0.5, 1.5])
    np.testing.assert_allclose(d2, 2 * np.cos(xs) - xs * np.sin(xs), rtol=1e-5)


def test_gradients_reach_the_arguments_of_a_function_first_traced_under_the_tape():
    f = nd.function(lambda x, y: x * x * y)
    x, y = nd.constant([1.0, 2.0]), nd.constant([3.0, 4.0])
    with nd.GradientTape() as tape:
        tape.watch([x, y])
        out = f(x, y)  # traced now, while the tape records
    dx, dy = tape.gradient(out, [x, y])
    np.testing.assert_allclose(dx.numpy(), [6.0, 16.0])
    np.testing.assert_allclose(dy.numpy(), [1.0, 4.0])


def test_one_tensor_passed_as_two_arguments_stays_two_inputs():
    f = nd.function(lambda a, b: a * 2.0 + b * 10.0)
    x, y = nd.constant([1.0]), nd.constant([5.0])
    with nd.GradientTape() as tape:  # under a tape, such a call runs eagerly
        tape.watch(x)
        out = f(x, x)
    np.testing.assert_allclose(tape.gradient(out, x).numpy(), [12.0])
    np.testing.assert_allclose(f(x, x).numpy(), [12.0])  # traced with x twice
    np.testing.assert_allclose(f(x, y).numpy(), [52.0])  # the same graph, two inputs
    assert f.experimental_get_tracing_count() == 1


def test_random_ops_draw_anew_on_each_run():
    @nd.function
    def noise():
        return nd.random.uniform((4,))

    assert not np.array_equal(noise().numpy(), noise().numpy())


def test_custom_gradient_inside_falls_back_to_eager_with_a_warning():
    @nd.custom_gradient
    def clip_grad(x):
        return nd.identity(x), lambda g: nd.clip_by_value(g, -1.0, 1.0)

    @nd.function
    def f(x):
        return clip_grad(x) * 3.0

    with pytest.warns(UserWarning, match="runs eagerly"):
        f(nd.constant([1.0]))
    np.testing.assert_allclose(f(nd.constant([2.0])).numpy(), [6.0])


def test_cond_eager_and_traced():
    def pick(x):
        return nd.cond(nd.reduce_sum(x) > 0, lambda: x * 2.0, lambda: x - 1.0)

    compiled = nd.function(pick)
    pos, neg = nd.constant([1.0, 2.0]), nd.constant([-3.0, 1.0])
    np.testing.assert_allclose(pick(pos).numpy(), [2.0, 4.0])
    np.testing.assert_allclose(compiled(pos).numpy(), [2.0, 4.0])
    np.testing.assert_allclose(compiled(neg).numpy(), [-4.0, 0.0])  # same graph, other branch
    assert compiled.experimental_get_tracing_count() == 1


def test_while_loop_eager_and_traced():
    def collatz_steps(n):
        def body(i, k):
            even = nd.equal(k % 2, 0)
            return i + 1, nd.where(even, k // 2, 3 * k + 1)
        return nd.while_loop(lambda i, k: k > 1, body, (nd.constant(0), n))[0]

    compiled = nd.function(collatz_steps)
    assert int(collatz_steps(nd.constant(6)).numpy()) == 8
    assert int(compiled(nd.constant(6)).numpy()) == 8
    assert int(compiled(nd.constant(27)).numpy()) == 111  # data-dependent trip count
    assert compiled.experimental_get_tracing_count() == 1


def _branchy(x, w):
    """cond and while_loop on a captured tensor, an input and a variable."""
    y = nd.cond(nd.reduce_sum(x) > 0, lambda: x * x * w, lambda: x * 3.0)
    _, power = nd.while_loop(lambda i, p: i < 3, lambda i, p: (i + 1, p * x),
                             (nd.constant(0), nd.ones_like(x)))
    return nd.reduce_sum(y) + nd.reduce_sum(power)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_gradients_through_traced_cond_and_while_loop(sign):
    w = nd.Variable(2.0)
    compiled = nd.function(_branchy)
    x = nd.constant([1.0, 2.0]) * sign
    for _ in range(3):  # the first trace, the check trace, then replays of the graph
        with nd.GradientTape() as outer:
            outer.watch(x)
            with nd.GradientTape() as inner:
                inner.watch(x)
                out = compiled(x, w)
            dx, dw = inner.gradient(out, [x, w])
        d2x = outer.gradient(dx, x)
        xs = x.numpy()
        if sign > 0:  # w x^2 + x^3
            expected = (2 * 2 * xs + 3 * xs ** 2, np.sum(xs ** 2), 2 * 2 + 6 * xs)
        else:  # 3x + x^3; w unused
            expected = (3 + 3 * xs ** 2, None, 6 * xs)
        np.testing.assert_allclose(dx.numpy(), expected[0], rtol=1e-6)
        assert (dw is None) == (expected[1] is None)
        if dw is not None:
            np.testing.assert_allclose(dw.numpy(), expected[1], rtol=1e-6)
        np.testing.assert_allclose(d2x.numpy(), expected[2], rtol=1e-6)
    assert compiled.experimental_get_tracing_count() == 1


def test_nested_cond_under_a_tape_and_a_branch_taken_only_at_replay():
    @nd.function
    def f(x):
        return nd.cond(x[0] > 0,
                       lambda: nd.cond(x[1] > 0, lambda: x * x, lambda: x * 5.0),
                       lambda: -x)

    for value, slope in (([1.0, 2.0], [2.0, 4.0]), ([1.0, -2.0], [5.0, 5.0]),
                         ([-1.0, 2.0], [-1.0, -1.0])):
        x = nd.constant(value)
        with nd.GradientTape() as tape:
            tape.watch(x)
            y = nd.reduce_sum(f(x))
        np.testing.assert_allclose(tape.gradient(y, x).numpy(), slope)
    assert f.experimental_get_tracing_count() == 1


def test_cond_under_a_tape_opened_inside_the_function_says_it_is_not_supported():
    @nd.function
    def f(x):
        with nd.GradientTape() as tape:
            tape.watch(x)
            y = nd.cond(nd.reduce_sum(x) > 0, lambda: x * x, lambda: x)
        return tape.gradient(y, x)

    with pytest.raises(NotImplementedError, match="GradientTape opened inside the function"):
        f(nd.constant([1.0]))


def test_methods_compile_per_instance():
    class Scaler:
        def __init__(self, k):
            self.k = nd.Variable(k)

        @nd.function
        def __call__(self, x):
            return x * self.k

    a, b = Scaler(2.0), Scaler(3.0)
    np.testing.assert_allclose(a(nd.constant([1.0])).numpy(), [2.0])
    np.testing.assert_allclose(b(nd.constant([1.0])).numpy(), [3.0])


def test_no_warning_for_a_plain_function():
    @nd.function
    def f(x):
        return nd.square(x)

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        f(nd.constant(2.0))
        f(nd.constant(3.0))


def test_a_data_dependent_shape_is_checked_and_runs_eagerly():
    from ndflow.autodiff.primitive import run_on_arrays

    def positives(a):
        return a[a > 0]

    @nd.function
    def f(x):
        kept = nd.convert_to_tensor(run_on_arrays("positives", positives, x._value,
                                                  data_dependent_shape=True))
        return nd.reduce_sum(kept * 2.0)

    f(nd.constant([1.0, -1.0, 2.0]))
    np.testing.assert_allclose(f(nd.constant([3.0, 1.0, -2.0])).numpy(), 8.0)  # same shape
    with pytest.warns(UserWarning, match="shapes inside it change"):
        for values in ([1.0, 2.0, 3.0], [-1.0, -2.0, 5.0], [4.0, 4.0, 4.0]):
            out = f(nd.constant(values))
            np.testing.assert_allclose(out.numpy(), 2 * sum(v for v in values if v > 0))


@pytest.mark.parametrize("make", [lambda: __import__("ndflow").keras.optimizers.SGD(0.1),
                                  lambda: __import__("ndflow").keras.optimizers.Adam(0.1)])
def test_optimizer_updates_run_on_every_call(make):
    def train(compiled):
        w = nd.Variable([1.0, 2.0])
        opt = make()

        def step(x):
            with nd.GradientTape() as tape:
                loss = nd.reduce_sum((w * x) ** 2)
            opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
            return w * 1.0  # read after the update, inside the graph

        fn = nd.function(step) if compiled else step
        outs = [fn(nd.constant([1.0, 0.5])).numpy() for _ in range(4)]
        return w.numpy(), int(opt.iterations.numpy()), outs

    w_graph, steps_graph, outs_graph = train(True)
    w_eager, steps_eager, outs_eager = train(False)
    assert steps_graph == steps_eager == 4
    np.testing.assert_allclose(w_graph, w_eager, rtol=1e-6)
    np.testing.assert_allclose(outs_graph, outs_eager, rtol=1e-6)


def test_graphs_run_as_generated_code_that_holds_no_name_from_the_graph():
    w = nd.Variable([2.0], name='w"); import os  # ')

    @nd.function
    def f(x):
        return x * w + 1.0

    np.testing.assert_allclose(f(nd.constant([3.0])).numpy(), [7.0])
    graph = f.get_concrete_function(nd.constant([3.0])).graph
    source = graph.source()
    assert source.startswith("def run(arrays):") and "import" not in source
    assert len(source.splitlines()) >= len(graph.nodes) + 2
    w.assign([5.0])  # read when the graph runs
    np.testing.assert_allclose(f(nd.constant([3.0])).numpy(), [16.0])
