"""``ndflow.function``: trace a Python function into a graph once per input signature.

The first call with a new signature (the shapes and dtypes of the tensor arguments and
the values of the other arguments) runs the Python function on its real inputs while a
tracer records every operation; later calls with that signature replay the recorded
graph on raw arrays, without running the Python code again. As in TensorFlow, Python
side effects (print, appending to a list) therefore happen only while tracing, and
values computed with NumPy from tensors are constants of the graph.
"""

import functools
import warnings

import numpy as np

from ndflow.autodiff.primitive import state
from ndflow.core import nest
from ndflow.core import variable as variable_module
from ndflow.core.convert import convert_to_tensor
from ndflow.core.dtypes import as_dtype
from ndflow.core.shape import TensorShape
from ndflow.core.tensor import Tensor, wrap
from ndflow.core.variable import Variable
from ndflow.graph.ir import GuardFailed
from ndflow.graph.tracer import Tracer

__all__ = ["ConcreteFunction", "Function", "TensorSpec", "function"]

# TensorFlow warns when one function has been traced this many times.
RETRACE_WARNING = 5
# After this many calls whose inner shapes differed from the trace, a function stops
# trying its graph and runs eagerly.
GUARD_FAILURES = 3
# Verified functions: how many differing first traces are taken for warm-up (building
# weights, creating state) before the function is declared unfit for replay.
_WARMUP_CALLS = 2


class TensorSpec:
    """The shape and dtype a tensor must have (``None`` in the shape: any size)."""

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = None if shape is None else TensorShape(shape)
        self.dtype = as_dtype(dtype)
        self.name = name

    def is_compatible_with(self, value) -> bool:
        """Whether a tensor, array or spec has this dtype and a shape that fits."""
        if isinstance(value, (TensorSpec, Tensor)):
            dtype, shape = as_dtype(value.dtype), value.shape
        else:
            array = np.asarray(value)
            dtype, shape = as_dtype(array.dtype), array.shape
        if dtype != self.dtype:
            return False
        if self.shape is None or shape is None:
            return True
        shape = tuple(shape)
        return len(shape) == len(self.shape) and all(
            a is None or b is None or a == b for a, b in zip(self.shape, shape))

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and self.shape == other.shape
                and self.dtype == other.dtype and self.name == other.name)

    def __hash__(self):
        return hash((None if self.shape is None else tuple(self.shape), self.dtype,
                     self.name))

    def __repr__(self):
        shape = None if self.shape is None else tuple(self.shape)
        return f"TensorSpec(shape={shape}, dtype={self.dtype!r}, name={self.name!r})"


class ConcreteFunction:
    """One traced graph of a :class:`Function`, for one input signature."""

    def __init__(self, graph, is_tensor, fallback_reason=None, pending=False):
        self.graph = graph
        self._is_tensor = is_tensor  # which flat outputs are tensors
        self.fallback_reason = fallback_reason
        self.pending = pending  # to be checked against a second trace before replaying
        self.warmups = 0  # traces that differed from the next one so far
        self.guard_failures = 0

    def _run(self, flat_inputs):
        if state.recorders:  # a tape outside records each operation of the replay
            flat = self.graph.run_recorded(flat_inputs)
        else:
            flat = self.graph.run([t._value for t in flat_inputs])
            flat = [wrap(v) if is_t else v for v, is_t in zip(flat, self._is_tensor)]
        return self.graph.structured(flat)

    def __call__(self, *args, **kwargs):
        flat, _ = _tensor_leaves((args, kwargs))
        return self._run(flat)

    def __repr__(self):
        return f"<ConcreteFunction {self.graph.name}: {len(self.graph)} nodes>"


class Function:
    """A Python function compiled per input signature (see the module docstring)."""

    def __init__(self, python_function, input_signature=None, reduce_retracing=False,
                 jit_compile=None, name=None, verify=False, optimize=True):
        self.python_function = python_function
        # optimize: run graph.passes on each trace (True: the default passes, or a list)
        self._optimize = optimize
        # verify: trace a second call too and replay only if both traces agree (see
        # _unfaithful); used where the traced code is not the user's to vouch for
        self._verify = verify
        self._verified = False
        self.input_signature = None if input_signature is None else list(input_signature)
        self.reduce_retracing = reduce_retracing
        self.jit_compile = jit_compile
        self.name = name or getattr(python_function, "__name__", "function")
        self._cache = {}
        self._trace_count = 0
        self._warned = set()
        functools.update_wrapper(self, python_function)

    def __get__(self, instance, owner):
        """Methods: bind to the instance, with one cache per instance."""
        if instance is None:
            return self
        bound = instance.__dict__.get(f"_ndflow_function_{self.name}")
        if bound is None:
            bound = Function(self.python_function.__get__(instance, owner),
                             self.input_signature, self.reduce_retracing, self.jit_compile,
                             self.name, optimize=self._optimize)
            instance.__dict__[f"_ndflow_function_{self.name}"] = bound
        return bound

    def experimental_get_tracing_count(self) -> int:
        """How many times this function has been traced."""
        return self._trace_count

    def __call__(self, *args, **kwargs):
        args, kwargs = self._check_signature(args, kwargs)
        leaves, key = _tensor_leaves((args, kwargs))
        concrete = self._cache.get(key)
        if concrete is None:
            return self._trace_and_run(args, kwargs, leaves, key)
        if concrete.pending:
            return self._check_and_run(concrete, args, kwargs, leaves, key)
        if concrete.fallback_reason is not None or (
                state.recorders and not concrete.graph.differentiable_replay):
            # the graph holds raw gradient or update steps a tape cannot differentiate
            return self.python_function(*args, **kwargs)
        try:
            return concrete._run(leaves)
        except GuardFailed as e:
            if e.effects_done:
                raise RuntimeError(f"ndflow.function '{self.name}': {e}, after the graph had "
                                   "changed variables; give that layer a fixed output "
                                   "shape") from None
            concrete.guard_failures += 1
            if concrete.guard_failures >= GUARD_FAILURES:
                concrete.fallback_reason = (
                    f"shapes inside it change from call to call ({e}); a layer with a "
                    "fixed output shape (e.g. TextVectorization(output_sequence_length=...)) "
                    "lets it compile")
                warnings.warn(f"ndflow.function '{self.name}' runs eagerly: "
                              f"{concrete.fallback_reason}", stacklevel=2)
            return self.python_function(*args, **kwargs)

    def get_concrete_function(self, *args, **kwargs):
        """The traced graph for these arguments (tensors or TensorSpecs), tracing if needed."""
        args, kwargs = nest.map_structure(_spec_to_zeros, (list(args), kwargs))
        args, kwargs = self._check_signature(tuple(args), kwargs)
        leaves, key = _tensor_leaves((args, kwargs))
        if key not in self._cache:
            self._trace_and_run(args, kwargs, leaves, key)
        return self._cache[key]

    # -- tracing -----------------------------------------------------------------------
    def _trace_and_run(self, args, kwargs, leaves, key):
        if state.recorders and len({id(t._value) for t in leaves}) < len(leaves):
            # one tensor passed as two arguments: its stand-in for the second would hide
            # that argument's gradient from the tapes, so run this call eagerly
            return self.python_function(*args, **kwargs)
        self._trace_count += 1
        if self._trace_count > RETRACE_WARNING and "retrace" not in self._warned:
            self._warned.add("retrace")
            warnings.warn(
                f"ndflow.function '{self.name}' has been traced {self._trace_count} times: "
                "each new shape, dtype or Python argument value traces again. Pass tensors "
                "instead of Python numbers, keep shapes fixed, or give an input_signature.",
                stacklevel=3)
        tracer = Tracer(self.name)
        tracer.outer_recorders = tuple(state.recorders)
        seen = set()
        placeholders = [_fresh(t, tracer, seen) for t in leaves]
        args, kwargs = _replace_leaves((args, kwargs), placeholders)
        saved = state.recorders
        # tapes recording outside keep recording the ops of this first, traced run
        state.recorders = [tracer, *saved]
        variable_module.observers.append(tracer)
        try:
            result = self.python_function(*args, **kwargs)
        finally:
            variable_module.observers.remove(tracer)
            state.recorders = saved
        flat_out = nest.flatten(result)
        is_tensor = [isinstance(o, Tensor) for o in flat_out]
        graph = tracer.graph(flat_out, result)
        if self._optimize and not tracer.problems:
            from ndflow.graph.passes import DEFAULT, optimize

            graph = optimize(graph, DEFAULT if self._optimize is True else self._optimize)
        reason = "; ".join(tracer.problems) or None
        if reason is not None and "fallback" not in self._warned:
            self._warned.add("fallback")
            warnings.warn(f"ndflow.function '{self.name}' runs eagerly: {reason}",
                          stacklevel=3)
        self._cache[key] = ConcreteFunction(graph, is_tensor, reason,
                                            pending=self._verify and not self._verified)
        return result

    def _check_and_run(self, first, args, kwargs, leaves, key):
        """Trace this second call as well; replay later calls only if the two traces
        have the same operations and the same captured constants."""
        self._trace_count -= 1  # a check, not a retrace
        result = self._trace_and_run(args, kwargs, leaves, key)
        second = self._cache[key]
        reason = second.fallback_reason or _unfaithful(first.graph, second.graph)
        if reason is None:
            self._verified = True
            for concrete in self._cache.values():  # as for signatures traced from now on
                concrete.pending = False
        elif second.fallback_reason is None and first.warmups < _WARMUP_CALLS:
            # the first calls may build weights or state: compare the next two instead
            second.warmups = first.warmups + 1
        else:
            second.pending = False
            second.fallback_reason = reason
            if "fallback" not in self._warned:
                self._warned.add("fallback")
                warnings.warn(f"ndflow.function '{self.name}' runs eagerly: {reason}",
                              stacklevel=3)
        return result

    def _check_signature(self, args, kwargs):
        if self.input_signature is None:
            return args, kwargs
        specs = self.input_signature
        if len(args) != len(specs):
            raise TypeError(f"ndflow.function '{self.name}' was given {len(args)} positional "
                            f"arguments, but its input_signature has {len(specs)}")
        converted = []
        for i, (a, spec) in enumerate(zip(args, specs)):
            for leaf, s in zip(nest.flatten(a), nest.flatten(spec)):
                if not s.is_compatible_with(leaf):
                    raise ValueError(
                        f"ndflow.function '{self.name}': argument {i} "
                        f"({_describe(leaf)}) does not match its input_signature {s!r}")
            converted.append(nest.map_structure(
                lambda x, s: convert_to_tensor(x, dtype=s.dtype), a, spec))
        return tuple(converted), kwargs


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None, name=None, optimize=True):
    """Compile ``func`` into graphs, one per input signature, as ``tf.function``.

    Works as ``@function`` and ``@function(input_signature=[...])``. Python control flow
    and side effects run while tracing only; use ``ndflow.cond`` and
    ``ndflow.while_loop`` for control flow that depends on tensor values. Each graph is
    optimised by ``ndflow.graph.passes`` (``optimize=False``: replayed as traced).
    """
    def decorate(f):
        if not callable(f):
            raise TypeError(f"ndflow.function: expected a function to wrap, got {f!r}")
        return Function(f, input_signature, reduce_retracing or bool(experimental_relax_shapes),
                        jit_compile, name, optimize=optimize)

    return decorate if func is None else decorate(func)


# -- helpers ---------------------------------------------------------------------------
def _unfaithful(first, second):
    """Why two traces of one signature differ (None when they agree).

    A value computed from the inputs outside ndflow's ops (with NumPy, or in Python) is
    captured as a constant; traced on other data it differs, and replaying the graph
    would reuse the stale value. Different operations mean Python control flow that
    depends on the data.
    """
    if [n.name for n in first.nodes] != [n.name for n in second.nodes]:
        return ("the operations depend on the data (Python control flow on tensor values; "
                "use ndflow.cond / ndflow.while_loop)")
    if first.constants.keys() != second.constants.keys():
        return "the captured constants differ between two calls"
    for slot, a in first.constants.items():
        b = second.constants[slot]
        if hasattr(a, "shape") != hasattr(b, "shape"):
            return "the captured constants differ between two calls"
        if hasattr(a, "shape"):
            same = np.shape(a) == np.shape(b) and np.array_equal(
                np.asarray(a), np.asarray(b), equal_nan=np.asarray(a).dtype.kind in "fc")
        else:
            try:
                same = bool(a == b)
            except Exception:  # an object without a plain equality
                same = a is b
        if not same:
            node = next((n.name for n in second.nodes if slot in n.inputs), "the outputs")
            return (f"a value computed outside ndflow ops (NumPy or Python on tensor data) "
                    f"feeds '{node}' as a constant, so a replay would reuse stale data")
    return None


def _tensor_leaves(structure):
    """The tensor leaves of the arguments and the cache key of the call.

    NumPy arrays count as tensors (TensorFlow converts them); every other leaf is part
    of the key by value.
    """
    args, kwargs = structure
    # without keyword arguments the leaves are those of args (flat ones found fastest)
    flat = nest.flatten(args if not kwargs else structure)
    leaves, key = [], []
    for leaf in flat:
        if isinstance(leaf, Variable):  # read inside the graph, not an input
            key.append(("variable", id(leaf)))
        elif isinstance(leaf, Tensor):
            leaves.append(leaf)
            key.append((leaf._value.shape, leaf._value.dtype.str))
        elif isinstance(leaf, np.ndarray):
            t = convert_to_tensor(leaf)
            leaves.append(t)
            key.append((t._value.shape, t._value.dtype.str))
        else:
            key.append(("value", _hashable(leaf)))
    return leaves, tuple(key)


def _hashable(value):
    try:
        hash(value)
        return (type(value).__name__, value)
    except TypeError:
        return (type(value).__name__, id(value))


def _fresh(t, tracer, seen):
    """The tensor standing for a graph input while tracing: the argument itself, so tapes
    recording outside the function connect the traced run to it; a view of it when the
    same array came as an earlier argument too (the tracer tells inputs apart by array)."""
    if id(t._value) in seen:
        t = wrap(t._value.view())
    seen.add(id(t._value))
    tracer.add_input(t)
    return t


def _replace_leaves(structure, placeholders):
    it = iter(placeholders)

    def swap(leaf):
        if isinstance(leaf, np.ndarray) or (isinstance(leaf, Tensor)
                                            and not isinstance(leaf, Variable)):
            return next(it)
        return leaf

    return nest.map_structure(swap, structure)


def _spec_to_zeros(value):
    if isinstance(value, TensorSpec):
        shape = tuple(1 if d is None else d for d in (value.shape or ()))
        return wrap(np.zeros(shape, dtype=value.dtype.as_numpy_dtype))
    return value


def _describe(value):
    if isinstance(value, Tensor):
        return f"shape {tuple(value.shape)}, {value.dtype.name}"
    return repr(value)
