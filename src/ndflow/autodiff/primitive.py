"""Primitives and ``bind``: the one path every operation takes.

A primitive is a forward function on raw arrays plus gradient rules (VJPs) written with
ndflow ops, so that the backward pass can itself be recorded and differentiated again.
``bind`` unwraps the arguments, runs the forward, wraps the result and, only when a
recorder (a GradientTape, later a graph tracer) is active, lets it record the call.
"""

import threading

from ndflow.core.convert import to_array
from ndflow.core.errors import op_error_class
from ndflow.core.tensor import Tensor, wrap
from ndflow.core.variable import Variable


class Primitive:
    """One operation: ``forward(*arrays, **params)`` and its gradient rules.

    ``vjps[i](g, out, *args, **params)`` returns the gradient for argument ``i`` given
    the output gradient ``g`` (a rule may return a broadcast shape: the tape reduces
    it). ``vjp_all`` may replace the per-argument rules when they share work; it
    returns one gradient (or None) per argument. A ``masked`` ``vjp_all`` takes first a
    list of booleans saying which arguments' gradients the tape needs. ``raw_vjp``, for
    the hottest primitives, is the same rule on raw arrays (masked), used by first-order
    backward passes that nothing records.
    """

    __slots__ = ("name", "forward", "vjps", "vjp_all", "masked", "raw_vjp", "explain")

    def __init__(self, name, forward, explain=None):
        self.name = name
        self.forward = forward
        self.vjps = None
        self.vjp_all = None
        self.masked = False
        self.raw_vjp = None
        self.explain = explain

    @property
    def differentiable(self) -> bool:
        return self.vjps is not None or self.vjp_all is not None

    def __repr__(self):
        return f"Primitive({self.name!r})"


registry: dict = {}


def primitive(name, forward, explain=None) -> Primitive:
    """Create and register a primitive under a unique name."""
    if name in registry:
        raise ValueError(f"A primitive named {name!r} is already registered")
    prim = registry[name] = Primitive(name, forward, explain)
    return prim


def defvjp(prim: Primitive, *rules) -> None:
    """Attach one gradient rule per argument (None for a non-differentiable argument)."""
    prim.vjps = rules


def defvjp_all(prim: Primitive, rule, masked=False) -> None:
    """Attach one rule computing the gradients of all arguments together.

    With ``masked=True`` the rule is called as ``rule(needed, g, out, *args, **params)``,
    ``needed[i]`` saying whether argument ``i``'s gradient is wanted, so shared work is
    done once and unwanted gradients not at all.
    """
    prim.vjp_all = rule
    prim.masked = masked


def defvjp_raw(prim: Primitive, rule) -> None:
    """Attach ``rule(needed, g, out, *arrays, **params)``: the gradient rule on raw arrays.

    It must agree with the op-level rules (the gradient tests run both): the tape uses it
    when no recorder is active, skipping the ops' wrapping and bookkeeping.
    """
    if not prim.differentiable:
        raise ValueError(f"{prim.name}: define the op-level rule (defvjp) before the raw one")
    prim.raw_vjp = rule


class _RecordingState(threading.local):
    """Per-thread list of active recorders (tapes), so data threads never record."""

    def __init__(self):
        self.recorders = []


state = _RecordingState()


def bind(prim: Primitive, *args, **params) -> Tensor:
    """Run ``prim`` on the arguments (Tensors, arrays or Python data) and wrap the result."""
    # Unrolled for one to three arguments: this is the hottest line of eager execution.
    n = len(args)
    if n == 1:
        a = args[0]
        arrays = (a._value if isinstance(a, Tensor) else to_array(a),)
    elif n == 2:
        a, b = args
        arrays = (a._value if isinstance(a, Tensor) else to_array(a),
                  b._value if isinstance(b, Tensor) else to_array(b))
    elif n == 3:
        a, b, c = args
        arrays = (a._value if isinstance(a, Tensor) else to_array(a),
                  b._value if isinstance(b, Tensor) else to_array(b),
                  c._value if isinstance(c, Tensor) else to_array(c))
    else:
        arrays = [a._value if isinstance(a, Tensor) else to_array(a) for a in args]
    try:
        out = prim.forward(*arrays, **params)
    except (ValueError, TypeError, IndexError) as e:
        raise _op_error(prim, arrays, params, e) from None
    result = wrap(out)
    recorders = state.recorders
    if recorders:
        _record(recorders, prim, args, result, params)
    return result


def _record(recorders, prim, args, result, params):
    """Hand an executed operation to every active recorder.

    A Variable argument is recorded through a snapshot of its current value (as
    TensorFlow reads variables), so an ``assign`` after the operation does not change the
    values its gradient rule sees; each recorder maps the snapshot's gradient back to the
    Variable (``record_read``).
    """
    for a in args:
        if type(a) is Variable:
            args = tuple(_read(a, recorders) if type(a) is Variable else a for a in args)
            break
    for r in recorders:
        r.record(prim, args, result, params)


def _read(variable, recorders):
    snapshot = wrap(variable._value)
    for r in recorders:
        r.record_read(variable, snapshot)
    return snapshot


def graph_tracer():
    """The graph tracer among the active recorders (ndflow.function is tracing), or None."""
    for r in state.recorders:
        if getattr(r, "traces_arrays", False):
            return r
    return None


def array_tracer():
    """The graph tracer recording now, when it is the only recorder (else None).

    Code that computes on raw arrays outside primitives (a tape's first-order backward
    pass, an optimizer update) hands that computation to the tracer, so a compiled
    function replays it.
    """
    recorders = state.recorders
    if len(recorders) == 1 and getattr(recorders[0], "traces_arrays", False):
        return recorders[0]
    return None


def run_on_arrays(name, fn, *arrays, effect=False, data_dependent_shape=False, **params):
    """``fn(*arrays, **params)`` on raw arrays; a tracing graph records it as one node.

    ``effect`` marks a call that changes state outside its result (an optimizer update);
    ``data_dependent_shape`` a result whose shape can change with the values of the
    inputs, which a replay then checks.
    """
    tracer = graph_tracer()  # tapes beside the tracer do not differentiate this
    if tracer is not None:
        return tracer.call_raw(name, fn, arrays, params, effect=effect,
                               guard_shape=data_dependent_shape)
    return fn(*arrays, **params)


def _op_error(prim, arrays, params, error):
    """Build the error a user sees when a primitive's forward fails on their input."""
    if prim.explain is not None:
        message = prim.explain(arrays, params, error)
        if message:
            return op_error_class(error)(f"{message} [Op:{prim.name}]")
    shapes = ", ".join(f"{list(getattr(a, 'shape', ()))}:{getattr(a, 'dtype', '?')}"
                       for a in arrays)
    return op_error_class(error)(f"{error} (inputs: {shapes}) [Op:{prim.name}]")
