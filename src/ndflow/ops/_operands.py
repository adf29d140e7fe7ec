"""Operand preparation shared by elementwise ops: dtype promotion and weak Python data.

Two tensors of different dtypes meet at ``backend.promotion.result_type`` (a recorded
``cast``, so gradients flow back in the original dtypes). Anything that is not a tensor
— a Python scalar, a list, a NumPy array — is *weak*: it takes the dtype of the tensor
it meets, unless it holds floats (or complex numbers) and the tensor holds integers or
booleans, when it becomes ``floatx`` (or complex).
"""

import numpy as np

from ndflow.autodiff.primitive import bind
from ndflow.backend.config import floatx
from ndflow.backend.promotion import PromotionError, result_type, weak_scalar_dtype
from ndflow.core.convert import to_array
from ndflow.core.errors import InvalidTypeError
from ndflow.core.tensor import Tensor, wrap
from ndflow.ops.cast import cast_p

_PY_SCALARS = (int, float, complex, bool)


def _weak(value, dtype):
    """Convert non-tensor data to the array it becomes next to a tensor of ``dtype``."""
    if isinstance(value, _PY_SCALARS):
        return wrap(np.asarray(value, dtype=weak_scalar_dtype(value, dtype)))
    arr = to_array(value)
    kind, own = dtype.kind, arr.dtype.kind
    if own == kind or (own in "biu" and kind in "biufc") or (own == "f" and kind in "fc"):
        target = dtype
    elif own == "f":
        target = np.dtype(floatx())
    else:
        target = result_type(arr.dtype, dtype)
    return wrap(arr if arr.dtype == target else arr.astype(target))


def _cast(t, dtype):
    return t if t._value.dtype == dtype else bind(cast_p, t, dtype=dtype)


def promote(x, y, op="op"):
    """Return ``x`` and ``y`` as tensors of one dtype, by the rules above."""
    tx, ty = isinstance(x, Tensor), isinstance(y, Tensor)
    if tx and ty:
        dx, dy = x._value.dtype, y._value.dtype
        if dx is dy or dx == dy:
            return x, y
        try:
            rt = result_type(dx, dy)
        except PromotionError as e:
            raise InvalidTypeError(f"{op}: cannot combine dtypes {dx} and {dy}: {e}") from None
        return _cast(x, rt), _cast(y, rt)
    if tx:
        return x, _weak(y, x._value.dtype)
    if ty:
        return _weak(x, y._value.dtype), y
    return promote(wrap(to_array(x)), y, op)


def promote_all(values, op="op"):
    """Promote a list of values to one common dtype (for concat, stack, add_n)."""
    tensors = [v for v in values if isinstance(v, Tensor)]
    if not tensors:
        tensors = [wrap(to_array(values[0]))]
        values = [tensors[0], *values[1:]]
    dtype = tensors[0]._value.dtype
    for t in tensors[1:]:
        try:
            dtype = result_type(dtype, t._value.dtype)
        except PromotionError as e:
            raise InvalidTypeError(f"{op}: cannot combine dtypes: {e}") from None
    return [_cast(v, dtype) if isinstance(v, Tensor) else _weak(v, dtype) for v in values]


def as_tensor(x):
    """Return ``x`` as a Tensor (Variables stay themselves, so gradients reach them)."""
    return x if isinstance(x, Tensor) else wrap(to_array(x))
