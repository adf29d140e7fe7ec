"""Variable: a mutable tensor holding model state (weights), as ``tf.Variable``."""

import itertools

import numpy as np

from ndflow.backend.xp import array_module
from ndflow.core.convert import to_array
from ndflow.core.dtypes import as_dtype, to_np_dtype
from ndflow.core.tensor import Tensor, wrap

_uid = itertools.count()
# Graph tracers (ndflow.graph) watching reads and assignments while they trace; empty
# otherwise, so eager code pays one falsy check.
observers: list = []
# tf.Variable arguments about distribution and graphs; accepted and ignored here.
_IGNORED_TF_ARGUMENTS = {"validate_shape", "caching_device", "synchronization", "aggregation",
                         "import_scope", "experimental_enable_variable_lifting"}


class Variable(Tensor):
    """A tensor whose value can change with ``assign``; usable anywhere a Tensor is.

    >>> v = Variable([1.0, 2.0], name="v")
    >>> v.assign_add([1.0, 1.0]).numpy()
    array([2., 3.], dtype=float32)
    """

    __slots__ = ("name", "trainable", "constraint", "_uid")

    def __init__(self, initial_value=None, trainable=True, name=None, dtype=None,
                 shape=None, constraint=None, **kwargs):
        unknown = set(kwargs) - _IGNORED_TF_ARGUMENTS
        if unknown:
            raise TypeError(f"Variable got unexpected keyword arguments: {sorted(unknown)}")
        if initial_value is None:
            raise ValueError("Variable needs an initial_value (a value or a callable)")
        if callable(initial_value):
            initial_value = initial_value()
        value = to_array(initial_value) if dtype is None else _convert(initial_value, dtype)
        # A variable owns its buffer: copy, so later changes to the source don't leak in.
        self._value = array_module(value).array(value, copy=True)
        if shape is not None and tuple(shape) != self._value.shape and None not in shape:
            raise ValueError(f"Variable {name!r}: initial value has shape "
                             f"{tuple(self._value.shape)}, but shape={tuple(shape)} was given")
        self.name = name if name is not None else "Variable"
        self.trainable = bool(trainable)
        self.constraint = constraint
        self._uid = next(_uid)

    # -- assignment -------------------------------------------------------------------
    def _checked(self, value, op):
        """Convert ``value`` for assignment, raising before anything changes."""
        target = self._value.dtype
        if isinstance(value, Tensor):
            if value._value.dtype != target:
                raise TypeError(
                    f"Variable '{self.name}' ({op}): dtype mismatch, the variable is "
                    f"{as_dtype(target).name} but the value is {value.dtype.name}; "
                    f"cast it first with ndflow.cast(value, {as_dtype(target).name!r})"
                )
            arr = value._value
        else:
            arr = _convert(value, target)
        if arr.shape != self._value.shape:
            raise ValueError(
                f"Variable '{self.name}' ({op}): cannot assign a value of shape "
                f"{tuple(arr.shape)} to a variable of shape {tuple(self._value.shape)}"
            )
        return arr

    # The variable's array is never written in place: each assignment installs a new
    # array, so tensors computed earlier (including views such as reshapes or slices of
    # the variable) keep the values they had.
    def assign(self, value, use_locking=None, name=None, read_value=True):
        """Set the value (same shape and dtype); returns the variable."""
        arr = self._checked(value, "assign")
        old, self._value = self._value, arr.copy()
        if observers:
            _notify_assign(self, "assign", arr, old)
        return self if read_value else None

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        """Add ``delta`` to the value; returns the variable."""
        arr = self._checked(delta, "assign_add")
        old, self._value = self._value, self._value + arr
        if observers:
            _notify_assign(self, "assign_add", arr, old)
        return self if read_value else None

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        """Subtract ``delta`` from the value; returns the variable."""
        arr = self._checked(delta, "assign_sub")
        old, self._value = self._value, self._value - arr
        if observers:
            _notify_assign(self, "assign_sub", arr, old)
        return self if read_value else None

    def read_value(self) -> Tensor:
        """Return the current value as an immutable Tensor (a snapshot)."""
        snapshot = wrap(self._value)
        for o in observers:
            o.record_read(self, snapshot)
        return snapshot

    def value(self) -> Tensor:
        return self.read_value()

    # -- display ----------------------------------------------------------------------
    def _type_name(self):
        return "ndflow.Variable"

    def __repr__(self):
        base = super().__repr__()
        return base.replace("<ndflow.Variable:", f"<ndflow.Variable '{self.name}':", 1)

    def __reduce__(self):
        return _rebuild_variable, (np.asarray(self), self.trainable, self.name)

    def __deepcopy__(self, memo):
        return Variable(self._value, trainable=self.trainable, name=self.name,
                        constraint=self.constraint)

    def __copy__(self):
        return self.__deepcopy__(None)


def _notify_assign(variable, kind, value, old):
    for o in observers:
        o.record_assign(variable, kind, value, old, variable._value)


def _convert(value, dtype):
    """Convert data to ``dtype`` for a variable; lossy conversions raise TypeError."""
    np_dtype = to_np_dtype(dtype)
    if isinstance(value, Tensor):
        if value._value.dtype != np_dtype:
            raise TypeError(f"Cannot use a {value.dtype.name} tensor as a "
                            f"{as_dtype(np_dtype).name} variable value; cast it first")
        return value._value
    if isinstance(value, np.ndarray) or hasattr(value, "__array_namespace__"):
        src = value.dtype
        if src != np_dtype and not np.can_cast(src, np_dtype, "same_kind") and not (
            src.kind in "biu" and np_dtype.kind in "fc"
        ):
            raise TypeError(f"Cannot convert an array of dtype {src} to the variable's "
                            f"dtype {as_dtype(np_dtype).name}")
        return value.astype(np_dtype, copy=False)
    return to_array(value, np_dtype)


def _rebuild_variable(array, trainable, name):
    return Variable(array, trainable=trainable, name=name)
