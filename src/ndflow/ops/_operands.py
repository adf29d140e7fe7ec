"""Operand preparation shared by elementwise ops: dtype promotion and weak Python data.

Two tensors of different dtypes meet at ``backend.promotion.result_type`` (a recorded
``cast``, so gradients flow back in the original dtypes). Anything that is not a tensor
— a Python scalar, a list, a NumPy array — is *weak*: it takes the dtype of the tensor
it meets, unless it holds floats (or complex numbers) and the tensor holds integers or
booleans, when it becomes ``floatx`` (or complex).
"""

import numpy as np

from ndflow.autodiff.engine_ops import stack
from ndflow.autodiff.primitive import bind
from ndflow.backend.config import floatx
from ndflow.backend.promotion import PromotionError, result_type, weak_scalar_dtype
from ndflow.core.convert import to_array
from ndflow.core.errors import InvalidArgumentError, InvalidTypeError
from ndflow.core.tensor import Tensor, wrap
from ndflow.ops.cast import cast_p

_PY_SCALARS = (int, float, complex, bool)


def _weak(value, dtype):
    """Convert non-tensor data to the tensor it becomes next to a tensor of ``dtype``."""
    if isinstance(value, _PY_SCALARS):
        return wrap(np.asarray(value, dtype=weak_scalar_dtype(value, dtype)))
    if isinstance(value, (list, tuple)) and _holds_tensors(value):
        return as_tensor(value)
    arr = to_array(value)
    kind, own = dtype.kind, arr.dtype.kind
    if own == kind or own == "b" or (own in "iu" and kind in "iufc") or (
        own == "f" and kind in "fc"
    ):
        target = dtype
    elif own == "f":
        target = np.dtype(floatx())
    else:
        target = result_type(arr.dtype, dtype)
    return wrap(arr if arr.dtype == target else arr.astype(target))


def _cast(t, dtype):
    return t if t._value.dtype == dtype else bind(cast_p, t, dtype=dtype)


def _scalar_operand(tensor, value, op):
    """Fast path: a Python number next to a tensor of a kind it can join weakly.

    Returns a NumPy scalar of the tensor's dtype (NumPy keeps the tensor's dtype for
    it), or None when the general rules are needed.
    """
    t = type(value)
    dtype = tensor._value.dtype
    if (t is float and dtype.kind in "fc") or (t is int and dtype.kind in "iufc"):
        try:
            return dtype.type(value)
        except OverflowError:
            raise InvalidArgumentError(
                f"{op}: the Python number {value} does not fit in the tensor's dtype "
                f"{dtype.name}") from None
    return None


def _tensor_and_data(tensor, data, op):
    """Promote a tensor and non-tensor data; returns them in that order."""
    fast = _scalar_operand(tensor, data, op)
    if fast is not None:
        return tensor, fast
    other = _weak(data, tensor._value.dtype)
    return _promote_tensors(tensor, other, op)


def _promote_tensors(x, y, op):
    dx, dy = x._value.dtype, y._value.dtype
    if dx is dy or dx == dy:
        return x, y
    try:
        rt = result_type(dx, dy)
    except PromotionError as e:
        raise InvalidTypeError(f"{op}: cannot combine dtypes {dx} and {dy}: {e}") from None
    return _cast(x, rt), _cast(y, rt)


def promote(x, y, op="op"):
    """Return ``x`` and ``y`` ready for one elementwise primitive, by the rules above.

    Tensors come back as tensors of one dtype; a Python number next to a float tensor
    may come back as a NumPy scalar of the tensor's dtype.
    """
    if isinstance(x, Tensor):
        if isinstance(y, Tensor):
            if x._value.dtype is y._value.dtype:
                return x, y
            return _promote_tensors(x, y, op)
        return _tensor_and_data(x, y, op)
    if isinstance(y, Tensor):
        y, x = _tensor_and_data(y, x, op)
        return x, y
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


def invalid_axis_message(op, axis, ndim):
    """The one message every op gives for an axis outside ``[-ndim, ndim)``."""
    valid = f"in [{-ndim}, {ndim})" if ndim else "none: the tensor is a scalar"
    return f"{op}: invalid axis {axis} for a tensor of rank {ndim} (valid axes: {valid})"


def normalize_axis(axis, ndim, op):
    """Return one axis (an int, NumPy integer or scalar tensor) as an int in ``[0, ndim)``."""
    if isinstance(axis, Tensor):
        axis = axis._value.item() if axis._value.size == 1 else axis._value.tolist()
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise InvalidArgumentError(f"{op}: axis must be an int, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise InvalidArgumentError(invalid_axis_message(op, int(axis), ndim))
    return int(axis) % ndim


def as_tensor(x):
    """Return ``x`` as a Tensor (Variables stay themselves, so gradients reach them).

    A list or tuple holding tensors is stacked, differentiably: ``abs([t1, t2])``.
    """
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (list, tuple)) and _holds_tensors(x):
        return stack(promote_all(list(x), "stack"))
    return wrap(to_array(x))


def _holds_tensors(values):
    return any(isinstance(v, Tensor) or (isinstance(v, (list, tuple)) and _holds_tensors(v))
               for v in values)
