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
from ndflow.core.tensor import Tensor, wrap
from ndflow.core.variable import Variable
from ndflow.graph.tracer import Tracer

__all__ = ["ConcreteFunction", "Function", "TensorSpec", "function"]

# TensorFlow warns when one function has been traced this many times.
RETRACE_WARNING = 5


class TensorSpec:
    """The shape and dtype a tensor argument must have (``None``: any size)."""

    def __init__(self, shape, dtype="float32", name=None):
        self.shape = None if shape is None else tuple(None if d is None else int(d)
                                                      for d in shape)
        self.dtype = as_dtype(dtype)
        self.name = name

    def is_compatible_with(self, value) -> bool:
        """Whether a tensor or array fits this spec."""
        shape = tuple(np.shape(value._value if isinstance(value, Tensor) else value))
        dtype = value.dtype if isinstance(value, Tensor) else as_dtype(np.asarray(value).dtype)
        if dtype != self.dtype:
            return False
        if self.shape is None:
            return True
        return len(shape) == len(self.shape) and all(
            s is None or s == d for s, d in zip(self.shape, shape))

    def __eq__(self, other):
        return (isinstance(other, TensorSpec) and self.shape == other.shape
                and self.dtype == other.dtype)

    def __hash__(self):
        return hash((self.shape, self.dtype.name))

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype.name}, name={self.name!r})"


class ConcreteFunction:
    """One traced graph of a :class:`Function`, for one input signature."""

    def __init__(self, graph, is_tensor, fallback_reason=None):
        self.graph = graph
        self._is_tensor = is_tensor  # which flat outputs are tensors
        self.fallback_reason = fallback_reason

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
                 jit_compile=None, name=None):
        self.python_function = python_function
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
                             self.name)
            instance.__dict__[f"_ndflow_function_{self.name}"] = bound
        return bound

    @property
    def experimental_get_tracing_count(self):
        return lambda: self._trace_count

    def __call__(self, *args, **kwargs):
        args, kwargs = self._check_signature(args, kwargs)
        leaves, key = _tensor_leaves((args, kwargs))
        concrete = self._cache.get(key)
        if concrete is None:
            return self._trace_and_run(args, kwargs, leaves, key)
        if concrete.fallback_reason is not None or (
                state.recorders and not concrete.graph.differentiable_replay):
            # the graph holds raw gradient or update steps a tape cannot differentiate
            return self.python_function(*args, **kwargs)
        return concrete._run(leaves)

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
        self._trace_count += 1
        if self._trace_count > RETRACE_WARNING and "retrace" not in self._warned:
            self._warned.add("retrace")
            warnings.warn(
                f"ndflow.function '{self.name}' has been traced {self._trace_count} times: "
                "each new shape, dtype or Python argument value traces again. Pass tensors "
                "instead of Python numbers, keep shapes fixed, or give an input_signature.",
                stacklevel=3)
        tracer = Tracer(self.name)
        placeholders = [_fresh(t, tracer) for t in leaves]
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
        reason = "; ".join(tracer.problems) or None
        if reason is not None and "fallback" not in self._warned:
            self._warned.add("fallback")
            warnings.warn(f"ndflow.function '{self.name}' runs eagerly: {reason}",
                          stacklevel=3)
        self._cache[key] = ConcreteFunction(graph, is_tensor, reason)
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
             experimental_follow_type_hints=None, name=None):
    """Compile ``func`` into graphs, one per input signature, as ``tf.function``.

    Works as ``@function`` and ``@function(input_signature=[...])``. Python control flow
    and side effects run while tracing only; use ``ndflow.cond`` and
    ``ndflow.while_loop`` for control flow that depends on tensor values.
    """
    def decorate(f):
        return Function(f, input_signature, reduce_retracing or bool(experimental_relax_shapes),
                        jit_compile, name)

    return decorate if func is None else decorate(func)


# -- helpers ---------------------------------------------------------------------------
def _tensor_leaves(structure):
    """The tensor leaves of the arguments and the cache key of the call.

    NumPy arrays count as tensors (TensorFlow converts them); every other leaf is part
    of the key by value.
    """
    leaves, key = [], []
    for leaf in nest.flatten(structure):
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


def _fresh(t, tracer):
    """The tensor standing for a graph input while tracing."""
    placeholder = wrap(t._value)
    tracer.add_input(placeholder)
    return placeholder


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
