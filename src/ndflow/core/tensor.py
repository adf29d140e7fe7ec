"""Tensor: an immutable n-dimensional array with a dtype, the value every op returns.

Arithmetic operators, indexing and iteration are attached by ``ndflow.ops.overloads``
(they are ops, which live above this layer).
"""

import numpy as np

from ndflow.backend.xp import to_numpy
from ndflow.core.dtypes import as_dtype
from ndflow.core.shape import TensorShape


class Tensor:
    """An immutable multi-dimensional array, as ``tf.Tensor``."""

    __slots__ = ("_value", "_keras_mask", "_keras_logits", "__weakref__")
    __array_priority__ = 100  # numpy defers `ndarray + Tensor` to Tensor.__radd__

    def __init__(self, value):
        raise TypeError(
            "Tensors are created by ops: use ndflow.constant(value) or "
            "ndflow.convert_to_tensor(value)"
        )

    @property
    def shape(self) -> TensorShape:
        # an array's shape is already a tuple of ints: skip TensorShape's conversions
        return _new_shape(TensorShape, self._value.shape)

    @property
    def dtype(self):
        return as_dtype(self._value.dtype)

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def device(self) -> str:
        return "CPU:0" if type(self._value).__module__.startswith("numpy") else "GPU:0"

    def numpy(self):
        """Return the value as a NumPy array (a copy; a NumPy scalar for rank 0)."""
        value = to_numpy(self._value)
        if isinstance(value, np.generic):  # np.str_ is a str: value[()] would index it
            return value
        if value.ndim == 0:
            return value[()]
        return np.array(value, copy=True)

    def __array__(self, dtype=None, copy=None):
        value = to_numpy(self._value)
        if dtype is not None and np.dtype(dtype) != value.dtype:
            return np.asarray(value, dtype=dtype)  # an array also for NumPy scalars
        return np.array(value, copy=True) if copy else np.asarray(value)

    def __len__(self):
        if self._value.ndim == 0:
            raise TypeError("len() of a scalar (rank-0) tensor is not defined")
        return self._value.shape[0]

    def _scalar(self, what):
        if self._value.size != 1:
            raise ValueError(
                f"{what} of a tensor is only defined for one element; this tensor has shape "
                f"{tuple(self._value.shape)}. Use ndflow.reduce_any/reduce_all for many."
            )
        return to_numpy(self._value).reshape(()).item()

    def __bool__(self):
        return bool(self._scalar("The truth value"))

    def __float__(self):
        return float(self._scalar("float()"))

    def __int__(self):
        return int(self._scalar("int()"))

    def __complex__(self):
        return complex(self._scalar("complex()"))

    def __index__(self):
        if self._value.dtype.kind not in "iu":
            raise TypeError(f"Only integer tensors can be used as an index, got {self.dtype.name}")
        return int(self._scalar("An index"))

    __hash__ = None  # == is elementwise, as in TensorFlow; use .ref() as a dict key

    def ref(self):
        """A hashable reference to this tensor (compares by identity)."""
        return _Ref(self)

    def __repr__(self):
        values = np.array2string(to_numpy(self._value), separator=", ", threshold=200)
        sep = "\n" if "\n" in values else ""
        return (
            f"<{self._type_name()}: shape={self.shape}, dtype={self.dtype.name}, "
            f"numpy={sep}{values}>"
        )

    def __str__(self):
        values = np.array2string(to_numpy(self._value), threshold=200)
        return f"{self._type_name()}({values}, shape={self.shape}, dtype={self.dtype.name})"

    def _type_name(self):
        return "ndflow.Tensor"

    def __reduce__(self):
        return _rebuild_tensor, (to_numpy(self._value),)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class _Ref:
    """Hashable identity wrapper returned by ``Tensor.ref()``."""

    __slots__ = ("_tensor",)

    def __init__(self, tensor):
        self._tensor = tensor

    def deref(self):
        return self._tensor

    def __hash__(self):
        return id(self._tensor)

    def __eq__(self, other):
        return isinstance(other, _Ref) and other._tensor is self._tensor


_new = object.__new__
_new_shape = tuple.__new__


def wrap(array) -> Tensor:
    """Wrap a raw array as a Tensor without copying or checks (the eager hot path)."""
    t = _new(Tensor)
    t._value = array
    return t


def _rebuild_tensor(array):
    return wrap(array)


def is_tensor(x) -> bool:
    """True for Tensors and Variables."""
    return isinstance(x, Tensor)
