"""``cond`` and ``while_loop``: control flow that depends on tensor values.

Eagerly they are plain Python ``if`` and ``while``. While ``ndflow.function`` traces,
each branch or loop body is traced into a graph of its own, and the traced graph holds
one node that picks the branch, or runs the loop, from the values it gets each time it
runs. A tape outside the function differentiates through that node: the node replays the
branch or the loop body through ``bind``, so the tape records the operations taken (any
order of derivatives). A tape *inside* the compiled function cannot differentiate through
it yet (its backward pass would be traced for one branch only): that raises an error
that says so.
"""

from ndflow.autodiff.primitive import graph_tracer, state
from ndflow.core import nest
from ndflow.core import variable as variable_module
from ndflow.core.convert import convert_to_tensor
from ndflow.core.tensor import wrap
from ndflow.graph.tracer import Tracer

__all__ = ["cond", "while_loop"]


def _truth(pred, op):
    value = getattr(pred, "_value", None)
    value = convert_to_tensor(pred)._value if value is None else value
    if value.size != 1:
        raise ValueError(f"{op}: the predicate must be a scalar boolean, got shape "
                         f"{tuple(value.shape)}")
    return bool(value.reshape(()))


def _graph_tracer(op):
    """``(tracer, tapes)``: the tracer of an enclosing ndflow.function (None when running
    eagerly) and the tapes outside that function that record its traced run."""
    tracer = graph_tracer()
    if tracer is None:
        return None, ()
    tapes = [r for r in state.recorders if r is not tracer]
    outer = tracer.outer_recorders
    if any(not any(t is o for o in outer) for t in tapes):
        raise NotImplementedError(
            f"{op} inside ndflow.function under a GradientTape opened inside the function: "
            "its gradient would be traced for one branch only; open the tape outside the "
            "function, or compute it eagerly")
    return tracer, tapes


class _Branch:
    """A sub-graph traced from a Python function of some tensors."""

    def __init__(self, fn, inputs, name):
        self.name = name
        self.tracer = Tracer(name)
        self.placeholders = [wrap(t._value) for t in inputs]
        for p in self.placeholders:
            self.tracer.add_input(p)
        saved = state.recorders
        state.recorders = [self.tracer]
        variable_module.observers.append(self.tracer)
        try:
            result = fn(*self.placeholders)
        finally:
            variable_module.observers.remove(self.tracer)
            state.recorders = saved
        self.result = result
        flat = [convert_to_tensor(r) for r in nest.flatten(result)]
        self.graph = self.tracer.graph(flat, result)
        if self.tracer.problems:
            raise NotImplementedError(f"{name}: {'; '.join(self.tracer.problems)}")
        self.outer_keys, self.outer_positions = [], []

    def run(self, inputs, outer_values):
        """Run on raw arrays, with the enclosing graph's current values for its captures."""
        for (_, slot), position in zip(self.outer_keys, self.outer_positions):
            self.graph.set_constant(slot, outer_values[position])
        return self.graph.run(inputs)

    def run_recorded(self, inputs, outer_tensors):
        """Run through ``bind`` on tensors, so tapes record it."""
        if not self.graph.differentiable_replay:
            raise NotImplementedError(
                f"{self.name}: a tape cannot differentiate through this branch, which "
                "changes variables or computes on raw arrays")
        captured = {slot: outer_tensors[position]
                    for (_, slot), position in zip(self.outer_keys, self.outer_positions)}
        return self.graph.run_recorded(inputs, captured)

    def outer_tensors(self, outer):
        """The tensors the captured values came from, where this branch captured them."""
        return {key: self.tracer.captured_tensors[key[1]] for key in self.outer_keys
                if key[1] in self.tracer.captured_tensors}


class _Cond:
    """The function of a traced ``cond`` node: ``(pred, *captured) -> branch outputs``."""

    def __init__(self, branches):
        self.branches = branches
        self.differentiable = all(b.graph.differentiable_replay for b in branches)

    def _branch(self, pred):
        return self.branches[0] if _truth(pred, "cond") else self.branches[1]

    def __call__(self, pred, *outer_values):
        return self._branch(pred).run([], outer_values)

    def replay_recorded(self, pred, *outer_tensors):
        return self._branch(pred).run_recorded([], outer_tensors)


class _WhileLoop:
    """The function of a traced ``while_loop`` node: ``(*state, *captured) -> state``."""

    def __init__(self, test, step, count, maximum_iterations):
        self.test, self.step, self.count = test, step, count
        self.maximum_iterations = maximum_iterations
        self.differentiable = test.graph.differentiable_replay and \
            step.graph.differentiable_replay

    def _loop(self, values, run):
        state_values, captured = list(values[:self.count]), values[self.count:]
        done = 0
        while _truth(run(self.test, state_values, captured)[0], "while_loop") and (
                self.maximum_iterations is None or done < self.maximum_iterations):
            state_values = run(self.step, state_values, captured)
            done += 1
        return state_values

    def __call__(self, *values):
        return self._loop(values, lambda branch, v, c: branch.run(v, c))

    def replay_recorded(self, *tensors):
        return self._loop(tensors, lambda branch, v, c: branch.run_recorded(v, c))


def _record(tracer, tapes, name, node_fn, arrays, outer_tensors):
    """Record ``node_fn`` in ``tracer``; compute it now, through the tapes when any
    record (on ``outer_tensors``, the tensors behind ``arrays``), else on raw arrays."""
    if not tapes:
        return [wrap(v) if hasattr(v, "shape") else v
                for v in tracer.call_raw(name, node_fn, arrays, {})]
    if not node_fn.differentiable:
        raise NotImplementedError(
            f"{name} under a recording GradientTape: a branch or loop body changes "
            "variables or computes on raw arrays, which the tape cannot differentiate")
    saved = state.recorders
    state.recorders = list(tapes)  # the tapes record the taken branch; the tracer one node
    try:
        results = node_fn.replay_recorded(*outer_tensors)
    finally:
        state.recorders = saved
    tracer.record_raw(name, node_fn, arrays, [r._value for r in results], {})
    return results


def _captures(tracer, branches, arrays):
    """The arrays to feed the node (``arrays`` first, then the captured values the
    enclosing graph computes) and the tensors behind them."""
    outer = _outer_values(tracer, branches)
    behind = {}
    for b in branches:
        behind.update(b.outer_tensors(outer))
    tensors = [behind[key] if key in behind else wrap(value) for key, value in outer.items()]
    return [*arrays, *outer.values()], tensors


def cond(pred, true_fn=None, false_fn=None, name=None):
    """``true_fn()`` if ``pred`` else ``false_fn()``, as ``tf.cond``."""
    if true_fn is None or false_fn is None:
        raise TypeError("cond needs both true_fn and false_fn")
    tracer, tapes = _graph_tracer("cond")
    if tracer is None:
        return true_fn() if _truth(pred, "cond") else false_fn()
    branches = [_Branch(true_fn, [], "cond_true"), _Branch(false_fn, [], "cond_false")]
    pred_t = convert_to_tensor(pred)
    arrays, tensors = _captures(tracer, branches, [pred_t._value])
    node = _Cond(branches)
    flat = _record(tracer, tapes, "cond", node, arrays, [pred_t, *tensors])
    taken = node._branch(pred_t)
    return nest.pack_sequence_as(taken.result, flat)


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, maximum_iterations=None, name=None):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``, as
    ``tf.while_loop``; returns the final loop variables (same structure)."""
    tracer, tapes = _graph_tracer("while_loop")
    structure = loop_vars
    flat = [convert_to_tensor(v) for v in nest.flatten(loop_vars)]

    def as_args(values):
        packed = nest.pack_sequence_as(structure, list(values))
        return packed if isinstance(structure, (list, tuple)) else (packed,)

    if tracer is None:
        count = 0
        while _truth(cond(*as_args(flat)), "while_loop") and (
                maximum_iterations is None or count < maximum_iterations):
            flat = [convert_to_tensor(v) for v in nest.flatten(body(*as_args(flat)))]
            count += 1
        return nest.pack_sequence_as(structure, flat)
    test = _Branch(lambda *v: cond(*as_args(v)), flat, "while_cond")
    step = _Branch(lambda *v: body(*as_args(v)), flat, "while_body")
    arrays, tensors = _captures(tracer, [test, step], [t._value for t in flat])
    node = _WhileLoop(test, step, len(flat), maximum_iterations)
    # run the loop once now, on the traced values, so tracing continues from its result
    result = _record(tracer, tapes, "while_loop", node, arrays, [*flat, *tensors])
    return nest.pack_sequence_as(structure, result)


def _outer_values(tracer, branches):
    """``{(branch index, constant slot): array}`` for branch constants the enclosing
    graph computes, so each run feeds the current values instead of traced ones."""
    outer = {}
    for i, b in enumerate(branches):
        for slot, value in b.graph.constants.items():
            if hasattr(value, "shape") and id(value) in tracer._slots:
                outer[(i, slot)] = value
    keys = list(outer)
    for i, b in enumerate(branches):
        b.outer_keys = [k for k in keys if k[0] == i]
        b.outer_positions = [keys.index(k) for k in b.outer_keys]
    return outer
