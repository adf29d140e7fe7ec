"""``cond`` and ``while_loop``: control flow that depends on tensor values.

Eagerly they are plain Python ``if`` and ``while``. While ``ndflow.function`` traces,
each branch or loop body is traced into a graph of its own, and the traced graph holds
one node that picks the branch, or runs the loop, from the values it gets each time it
runs. Tapes inside a compiled function cannot differentiate through such a node yet:
differentiating a traced ``cond``/``while_loop`` raises an error that says so.
"""

from ndflow.autodiff.primitive import array_tracer, graph_tracer, state
from ndflow.core import nest
from ndflow.core import variable as variable_module
from ndflow.core.convert import convert_to_tensor
from ndflow.core.tensor import wrap
from ndflow.graph.tracer import Tracer

__all__ = ["cond", "while_loop"]


def _truth(pred, op):
    value = convert_to_tensor(pred)._value
    if value.size != 1:
        raise ValueError(f"{op}: the predicate must be a scalar boolean, got shape "
                         f"{tuple(value.shape)}")
    return bool(value.reshape(()))


def _graph_tracer(op):
    """The tracer of an enclosing ndflow.function, or None when running eagerly."""
    tracer = array_tracer()
    if tracer is None and graph_tracer() is not None:
        raise NotImplementedError(
            f"{op} inside ndflow.function under a recording GradientTape: gradients "
            "through graph control flow are not supported yet; compute them eagerly")
    return tracer


class _Branch:
    """A sub-graph traced from a Python function of some tensors."""

    def __init__(self, fn, inputs, name):
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

    def captured(self):
        """Constants of the branch that are values of the enclosing graph."""
        return self.graph.constants


def cond(pred, true_fn=None, false_fn=None, name=None):
    """``true_fn()`` if ``pred`` else ``false_fn()``, as ``tf.cond``."""
    if true_fn is None or false_fn is None:
        raise TypeError("cond needs both true_fn and false_fn")
    tracer = _graph_tracer("cond")
    if tracer is None:
        return true_fn() if _truth(pred, "cond") else false_fn()
    branches = [_Branch(true_fn, [], "cond_true"), _Branch(false_fn, [], "cond_false")]
    taken = branches[0] if _truth(pred, "cond") else branches[1]
    pred_t = convert_to_tensor(pred)
    outer = _outer_values(tracer, branches)

    def pick(p, *values):
        branch = branches[0] if bool(p.reshape(())) else branches[1]
        _bind_outer(branch, outer, values)
        return branch.graph.run([])

    flat = tracer.call_raw("cond", pick, (pred_t._value, *[v for v in outer.values()]), {})
    return _pack(taken, flat)


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10,
               back_prop=True, swap_memory=False, maximum_iterations=None, name=None):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``, as
    ``tf.while_loop``; returns the final loop variables (same structure)."""
    tracer = _graph_tracer("while_loop")
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
    outer = _outer_values(tracer, [test, step])
    n = len(flat)

    def loop(*values):
        state_values, captured = list(values[:n]), values[n:]
        _bind_outer(test, outer, captured)
        _bind_outer(step, outer, captured)
        count = 0
        while bool(test.graph.run(state_values)[0].reshape(())) and (
                maximum_iterations is None or count < maximum_iterations):
            state_values = step.graph.run(state_values)
            count += 1
        return state_values

    # run the loop once now, on the traced values, so tracing continues from its result
    result = tracer.call_raw("while_loop", loop, (*[t._value for t in flat],
                                                  *outer.values()), {})
    return nest.pack_sequence_as(structure, [wrap(r) for r in result])


def _outer_values(tracer, branches):
    """``{(branch index, constant slot): array}`` for branch constants the enclosing
    graph computes, so each run feeds the current values instead of traced ones."""
    outer = {}
    for i, b in enumerate(branches):
        for slot, value in b.captured().items():
            if hasattr(value, "shape") and id(value) in tracer._slots:
                outer[(i, slot)] = value
    for i, b in enumerate(branches):
        b.outer_keys = [k for k in outer if k[0] == i]
        b.outer_positions = [list(outer).index(k) for k in b.outer_keys]
    return outer


def _bind_outer(branch, outer, values):
    for (_, slot), position in zip(branch.outer_keys, branch.outer_positions):
        branch.graph.constants[slot] = values[position]
    if branch.outer_keys:
        branch.graph.invalidate()


def _pack(branch, flat):
    values = [wrap(v) if hasattr(v, "shape") else v for v in flat]
    return nest.pack_sequence_as(branch.result, values)
