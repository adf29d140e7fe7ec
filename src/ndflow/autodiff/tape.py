"""GradientTape: records operations on watched tensors and runs them backwards."""

import contextlib
import enum
import warnings

import numpy as np

from ndflow.autodiff.engine_ops import _sum_to_shape, add_any, reshape, stack, sum_to_shape
from ndflow.autodiff.primitive import array_tracer, state
from ndflow.core import nest
from ndflow.core.convert import convert_to_tensor
from ndflow.core.tensor import Tensor, wrap
from ndflow.core.variable import Variable


class UnconnectedGradients(enum.Enum):
    """What ``gradient`` returns for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


def _is_differentiable(t) -> bool:
    return t._value.dtype.kind in "fc"


class GradientTape:
    """Record operations for automatic differentiation, as ``tf.GradientTape``.

    >>> x = Variable(3.0)
    >>> with GradientTape() as tape:
    ...     y = x ** 2
    >>> float(tape.gradient(y, x))
    6.0
    """

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = bool(persistent)
        self._watch_accessed_variables = bool(watch_accessed_variables)
        self._watched = {}  # id -> tensor (kept alive so ids stay unique)
        self._entries = []  # (primitive, args, output, params) in execution order
        self._reads = {}  # id(snapshot) -> the Variable it was read from
        self._recording = False
        self._used = False

    # -- context ----------------------------------------------------------------------
    def __enter__(self):
        if self._recording:
            raise ValueError("This GradientTape is already recording (nested `with` on "
                             "the same tape)")
        self._push()
        return self

    def __exit__(self, *exc):
        self._pop()
        return False

    def _push(self):
        state.recorders.append(self)
        self._recording = True

    def _pop(self):
        recorders = state.recorders
        for i in range(len(recorders) - 1, -1, -1):
            if recorders[i] is self:
                del recorders[i]
                break
        self._recording = False

    @contextlib.contextmanager
    def stop_recording(self):
        """Temporarily stop recording operations on this tape."""
        if not self._recording:
            raise RuntimeError("stop_recording() needs the tape to be recording (inside its "
                               "`with` block)")
        self._pop()
        try:
            yield
        finally:
            self._push()

    def reset(self):
        """Forget everything recorded so far (the tape keeps recording if it was)."""
        self._watched.clear()
        self._entries.clear()
        self._reads.clear()
        self._used = False

    # -- watching and recording -------------------------------------------------------
    def watch(self, tensor):
        """Track a tensor (or a nested structure of them) so gradients can flow to it."""
        for t in nest.flatten(tensor):
            if not isinstance(t, Tensor):
                raise ValueError(f"GradientTape.watch expects tensors or variables, got "
                                 f"{type(t).__name__}: convert it with ndflow.constant first")
            if not _is_differentiable(t):
                warnings.warn(
                    f"The dtype of the watched tensor must be floating (e.g. float32), got "
                    f"{t.dtype.name}", stacklevel=2)
                continue
            self._watched[id(t)] = t

    def watched_variables(self):
        """The Variables this tape has watched, in the order they were first seen."""
        return tuple(t for t in self._watched.values() if isinstance(t, Variable))

    def record_read(self, variable, snapshot):
        """Called by ``bind`` when an op reads a Variable into the tensor ``snapshot``."""
        watched = self._watched
        if id(variable) not in watched:
            if not (self._watch_accessed_variables and variable.trainable
                    and _is_differentiable(variable)):
                return
            watched[id(variable)] = variable
        watched[id(snapshot)] = snapshot
        self._reads[id(snapshot)] = variable

    def record(self, prim, args, out, params):
        """Called by ``bind`` for every operation while this tape is recording."""
        if prim.vjps is None and prim.vjp_all is None:
            return
        watched = self._watched
        hit = False
        for a in args:
            if id(a) in watched:
                hit = True
            elif (self._watch_accessed_variables and type(a) is Variable and a.trainable
                  and _is_differentiable(a)):
                watched[id(a)] = a
                hit = True
        if hit and out._value.dtype.kind in "fc":
            watched[id(out)] = out
            self._entries.append((prim, args, out, params))

    # -- differentiation --------------------------------------------------------------
    def gradient(self, target, sources, output_gradients=None,
                 unconnected_gradients=UnconnectedGradients.NONE):
        """Gradient of ``target`` (summed if not scalar) w.r.t. each of ``sources``.

        ``sources`` may be a tensor, a list, a dict or any nested structure; the result
        has the same structure. A source the target does not depend on gives None
        (or zeros with ``unconnected_gradients='zero'``).
        """
        self._check_usable("gradient")
        unconnected = _unconnected(unconnected_gradients)
        flat_sources = nest.flatten(sources)
        for s in flat_sources:
            if not isinstance(s, Tensor):
                raise ValueError(f"GradientTape.gradient: sources must be tensors or "
                                 f"variables, got {type(s).__name__}")
        flat_targets = [convert_to_tensor(t) for t in nest.flatten(target)]
        seeds = self._seeds(flat_targets, output_gradients)
        grads = self._backward(flat_targets, seeds, flat_sources)
        results = []
        for s in flat_sources:
            g = grads.get(id(s)) if _is_differentiable(s) else None
            if g is None and unconnected is UnconnectedGradients.ZERO:
                g = wrap(np.zeros_like(s._value))
            results.append(g)
        if not self._persistent:
            self._release()
        return nest.pack_sequence_as(sources, results)

    def _check_usable(self, what):
        if self._used:
            raise RuntimeError(
                f"GradientTape.{what} can only be called once on a non-persistent tape: "
                "create the tape with GradientTape(persistent=True) to compute several "
                "gradients or jacobians")

    def _release(self):
        self._used = True
        self._entries = []
        self._watched = {}
        self._reads = {}

    def _seeds(self, targets, output_gradients):
        if output_gradients is None:
            return [wrap(_ones_like(t._value)) for t in targets]
        flat = nest.flatten(output_gradients)
        if len(flat) != len(targets):
            raise ValueError(f"output_gradients has {len(flat)} entries for "
                             f"{len(targets)} targets")
        seeds = []
        for t, g in zip(targets, flat):
            if g is None:
                seeds.append(wrap(_ones_like(t._value)))
                continue
            g = convert_to_tensor(g, dtype_hint=t.dtype)
            if tuple(g.shape) != tuple(t.shape):
                raise ValueError(f"output_gradients shape {tuple(g.shape)} does not match "
                                 f"the target shape {tuple(t.shape)}")
            seeds.append(g)
        return seeds

    def _backward(self, targets, seeds, sources):
        """Walk the recorded entries in reverse; return gradients keyed by tensor id.

        When no recorder is active, nothing can differentiate the walk itself, so it runs
        on raw arrays: primitives with a ``raw_vjp`` use it, the others' rules run on
        tensors wrapped for them. Otherwise every rule runs through recorded ops, which
        is what makes gradients of gradients possible.
        """
        # a graph tracer alone records raw rules as nodes: compiled backward passes
        tracer = array_tracer()
        raw = not state.recorders or tracer is not None
        # the walk may itself be recorded on this tape: iterate over copies then
        entries = list(self._entries) if self._recording else self._entries
        reads = dict(self._reads) if self._recording else self._reads
        reach = self._reachable(entries, sources, reads)
        keep = {id(s) for s in sources}
        grads = {}
        for t, seed in zip(targets, seeds):
            if id(t) in reach:
                _accumulate(grads, t, seed._value if raw else seed, reads, raw, tracer)
        for prim, args, out, params in reversed(entries):
            key = id(out)
            # An intermediate's gradient is complete once its producer is reached: free it.
            g = grads.get(key) if key in keep else grads.pop(key, None)
            if g is None:
                continue
            if raw:
                arg_grads = _raw_rule_grads(prim, g, out, args, params, reach, tracer)
            else:
                arg_grads = _rule_grads(prim, g, out, args, params, reach)
            for a, ga in zip(args, arg_grads):
                if ga is not None and id(a) in reach:
                    _accumulate(grads, a, ga, reads, raw, tracer)
        if raw:  # hand out tensors
            for key in keep:
                if key in grads:
                    grads[key] = wrap(grads[key])
        return grads

    def _reachable(self, entries, sources, reads):
        """Ids of the sources and of every recorded output that depends on one."""
        reach = {id(s) for s in sources}
        reach.update(key for key, variable in reads.items() if id(variable) in reach)
        for _, args, out, _ in entries:
            for a in args:
                if id(a) in reach:
                    reach.add(id(out))
                    break
        return reach

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE,
                 parallel_iterations=None, experimental_use_pfor=True):
        """Full Jacobian: for each source, shape ``target.shape + source.shape``."""
        self._check_usable("jacobian")
        target = convert_to_tensor(target)
        flat_sources = nest.flatten(sources)
        rows = [[] for _ in flat_sources]
        for j in range(int(np.prod(target.shape))):
            seed = np.zeros_like(target._value)
            seed.reshape(-1)[j] = 1  # one output element at a time
            for k, g in enumerate(self._one_gradient(target, wrap(seed), flat_sources)):
                rows[k].append(g)
        if not self._persistent:
            self._release()
        results = [self._assemble(r, tuple(target.shape), s, unconnected_gradients)
                   for s, r in zip(flat_sources, rows)]
        return nest.pack_sequence_as(sources, results)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE,
                       parallel_iterations=None, experimental_use_pfor=True):
        """Per-example Jacobian: shape ``(batch,) + target.shape[1:] + source.shape[1:]``.

        Assumes example ``i`` of the target depends only on example ``i`` of the source.
        """
        self._check_usable("batch_jacobian")
        target = convert_to_tensor(target)
        if target.ndim < 1 or source.ndim < 1 or target.shape[0] != source.shape[0]:
            raise ValueError(f"batch_jacobian needs target and source with the same first "
                             f"(batch) dimension, got {tuple(target.shape)} and "
                             f"{tuple(source.shape)}")
        batch = target.shape[0]
        m = int(np.prod(target.shape[1:]))
        cols = []
        for j in range(m):
            seed = np.zeros_like(target._value)
            seed.reshape(batch, m)[:, j] = 1  # the same output element of every example
            cols.append(self._one_gradient(target, wrap(seed), [source])[0])
        if not self._persistent:
            self._release()
        shape = (batch, *target.shape[1:], *source.shape[1:])
        if all(c is None for c in cols):
            if _unconnected(unconnected_gradients) is UnconnectedGradients.NONE:
                return None
            return wrap(np.zeros(shape, dtype=source._value.dtype))
        zero = wrap(np.zeros_like(source._value))
        out = stack([zero if c is None else c for c in cols], axis=1)
        return reshape(out, shape)

    def _one_gradient(self, target, seed, sources):
        grads = self._backward([target], [seed], sources)
        return [grads.get(id(s)) if _is_differentiable(s) else None for s in sources]

    def _assemble(self, rows, target_shape, source, unconnected):
        if all(r is None for r in rows):
            if _unconnected(unconnected) is UnconnectedGradients.NONE:
                return None
            return wrap(np.zeros(target_shape + tuple(source.shape),
                                 dtype=source._value.dtype))
        zero = wrap(np.zeros_like(source._value))
        full = stack([zero if r is None else r for r in rows], axis=0)
        return reshape(full, target_shape + tuple(source.shape))


def _ones_like(array):
    """The seed of a target: ones of its shape (a NumPy scalar for a NumPy scalar loss)."""
    if array.ndim == 0 and isinstance(array, (np.ndarray, np.generic)):
        return array.dtype.type(1)
    return np.ones_like(array)


def _unconnected(value) -> UnconnectedGradients:
    """Accept UnconnectedGradients members or their names ('none', 'zero')."""
    if type(value) is UnconnectedGradients:
        return value
    try:
        return UnconnectedGradients(getattr(value, "value", value))
    except ValueError:
        raise ValueError(f"unconnected_gradients must be 'none' or 'zero', got {value!r}") \
            from None


def _rule_grads(prim, g, out, args, params, reach):
    """The gradient rules' results, one per argument (None where not needed)."""
    if prim.vjp_all is not None:
        if prim.masked:
            return prim.vjp_all([id(a) in reach for a in args], g, out, *args, **params)
        return prim.vjp_all(g, out, *args, **params)
    return [rule(g, out, *args, **params) if rule is not None and id(a) in reach else None
            for a, rule in zip(args, prim.vjps)]


def _raw_rule_grads(prim, g, out, args, params, reach, tracer=None):
    """As ``_rule_grads``, on and to raw arrays (``g`` is one)."""
    if prim.raw_vjp is not None:
        arrays = [a._value if isinstance(a, Tensor) else a for a in args]
        needed = [id(a) in reach for a in args]
        if tracer is not None:
            return tracer.call_raw(f"{prim.name}_grad", _RawRule(prim.raw_vjp, needed),
                                   (g, out._value, *arrays), params)
        return prim.raw_vjp(needed, g, out._value, *arrays, **params)
    results = _rule_grads(prim, wrap(g), out, args, params, reach)
    return [ga._value if isinstance(ga, Tensor) else ga for ga in results]


class _RawRule:
    """A raw gradient rule with its argument mask bound, as a graph node's function."""

    __slots__ = ("rule", "needed")

    def __init__(self, rule, needed):
        self.rule, self.needed = rule, needed

    def __call__(self, g, out, *arrays, **params):
        return list(self.rule(self.needed, g, out, *arrays, **params))


def _accumulate(grads, tensor, g, reads, raw=False, tracer=None):
    """Add ``g`` (reduced to the tensor's shape) into ``grads[id(tensor)]``.

    The gradient of a Variable's snapshot goes to the Variable itself (``reads``). With
    ``raw``, gradients are arrays (never updated in place: a rule may pass one through).
    """
    shape = tensor._value.shape if isinstance(tensor, Tensor) else np.shape(tensor)
    key = id(tensor)
    if key in reads:
        key = id(reads[key])
    prev = grads.get(key)
    if raw:
        if not hasattr(g, "shape"):
            g = np.asarray(g)
        if tracer is not None:
            if g.shape != shape:
                g = tracer.call_raw("sum_to_shape", _sum_to_shape, (g, shape), {})
            grads[key] = g if prev is None else tracer.call_raw("add", np.add, (prev, g), {})
            return
        if g.shape != shape:
            g = _sum_to_shape(g, shape)
        grads[key] = g if prev is None else prev + g
        return
    if not isinstance(g, Tensor):
        g = wrap(np.asarray(g))
    if g._value.shape != shape:
        g = sum_to_shape(g, shape)
    grads[key] = g if prev is None else add_any(prev, g)
