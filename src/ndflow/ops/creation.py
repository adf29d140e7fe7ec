"""New tensors: from data (constant), of a shape (zeros, ones, fill, eye), sequences
(range, linspace) and encodings (one_hot).

Arrays made from Python data live on the default device (``backend.xp.default_xp``).
Ops whose inputs may be tensors computed at run time (fill, range, linspace, one_hot)
are primitives, so a traced graph keeps them as operations instead of baking in values.
"""

import builtins
import math as _pymath
import numbers

import numpy as np

from ndflow.autodiff.engine_ops import broadcast_to, reshape
from ndflow.autodiff.primitive import bind, defvjp, primitive
from ndflow.backend.xp import array_module, default_xp
from ndflow.core.convert import to_array
from ndflow.core.dtypes import as_dtype, float32, to_np_dtype
from ndflow.core.errors import InvalidArgumentError, InvalidTypeError, shape_str
from ndflow.core.tensor import Tensor, wrap
from ndflow.core.variable import Variable
from ndflow.ops._operands import as_tensor, promote
from ndflow.ops.array import identity
from ndflow.ops.cast import cast
from ndflow.ops.math import ones_like, zeros_like
from ndflow.ops.reduction import reduce_sum

__all__ = [
    "constant",
    "eye",
    "fill",
    "linspace",
    "one_hot",
    "ones",
    "ones_like",
    "range",
    "zeros",
    "zeros_like",
]

_FLOAT32 = np.dtype(np.float32)


def _shape_arg(shape, op):
    """A shape given as an int, a list or tuple of ints, a TensorShape or a 1-D tensor."""
    if isinstance(shape, Tensor):
        shape = shape._value.tolist()
    elif isinstance(shape, np.ndarray):
        shape = shape.tolist()
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        dims = [shape]
    elif isinstance(shape, (list, tuple)):
        dims = list(shape)
    else:
        raise InvalidTypeError(f"{op}: shape must be an int or a list of ints, got "
                               f"{shape!r} (type {type(shape).__name__})")
    out = []
    for d in dims:
        if isinstance(d, Tensor) and d.ndim == 0:
            d = d._value.item()
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)):
            raise InvalidTypeError(f"{op}: shape must be a list of ints, got {shape!r}"
                                   + (" (None dimensions are not allowed)" if d is None else ""))
        out.append(int(d))
    if any(d < 0 for d in out):
        raise InvalidArgumentError(f"{op}: shape {shape_str(out)} has a negative dimension")
    return tuple(out)


# -- constant ----------------------------------------------------------------------------
def constant(value, dtype=None, shape=None, name=None):
    """A tensor holding ``value`` (Python data, a NumPy array or a tensor), as ``tf.constant``.

    ``dtype`` converts (refusing lossy conversions of Python data); ``shape`` reshapes a
    value with as many elements, or fills the shape with a one-element value. NumPy input
    is copied; a tensor or Variable passes through (cast if ``dtype`` differs), so
    gradients flow through it as in TensorFlow.

    >>> constant([[1, 2], [3, 4]]).dtype
    ndflow.int32
    >>> constant(0.0, shape=(2, 3)).numpy()
    array([[0., 0., 0.],
           [0., 0., 0.]], dtype=float32)
    """
    if isinstance(value, Tensor):
        if isinstance(value, Variable):
            value = identity(value)
        t = value if dtype is None else cast(value, dtype)
        return t if shape is None else _reshape_tensor(t, _shape_arg(shape, "constant"))
    arr = _constant_array(value, dtype)
    if shape is not None:
        arr = _reshape_array(arr, _shape_arg(shape, "constant"))
    return wrap(arr)


def _constant_array(value, dtype):
    arr = to_array(value, dtype)
    if arr.dtype.kind == "O":
        arr = _object_array(arr, value)
    if isinstance(value, (list, tuple, str, bytes)) or (
            isinstance(value, numbers.Number) and not isinstance(value, np.generic)):
        return arr  # freshly made from Python data, on the default device
    xp = default_xp()
    if xp is not np and isinstance(arr, np.ndarray):
        return xp.asarray(arr)
    return arr.copy()  # the caller may change their array later


def _object_array(arr, value):
    """NumPy object arrays convert only when they hold strings (a string tensor)."""
    flat = arr.reshape(-1).tolist()
    if flat and all(isinstance(v, str) for v in flat):
        return arr.astype(str)
    if flat and all(isinstance(v, bytes) for v in flat):
        return arr.astype(bytes)
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    raise TypeError(f"Cannot convert {text} to a Tensor: a NumPy object array converts only "
                    "when every element is a string")


def _too_many(size, shape):
    n = _pymath.prod(shape)
    return TypeError(f"constant: the value has {size} elements, which cannot be reshaped or "
                     f"broadcast to shape {shape_str(shape)} with {n} elements; give a "
                     f"scalar or a value with {n} elements")


def _reshape_array(arr, shape):
    if arr.shape == shape:
        return arr
    if arr.size == _pymath.prod(shape):
        return arr.reshape(shape)
    if arr.size == 1:
        return array_module(arr).broadcast_to(arr.reshape(()), shape).copy()
    raise _too_many(arr.size, shape)


def _reshape_tensor(t, shape):
    if tuple(t.shape) == shape:
        return t
    size = t._value.size
    if size == _pymath.prod(shape):
        return reshape(t, shape)
    if size == 1:
        return broadcast_to(reshape(t, ()), shape)
    raise _too_many(size, shape)


# -- zeros, ones, fill, eye --------------------------------------------------------------
def zeros(shape, dtype=float32, name=None, layout=None):
    """A tensor of zeros of ``shape`` (float32 unless ``dtype`` is given)."""
    return wrap(default_xp().zeros(_shape_arg(shape, "zeros"), dtype=to_np_dtype(dtype)))


def ones(shape, dtype=float32, name=None, layout=None):
    """A tensor of ones of ``shape`` (float32 unless ``dtype`` is given)."""
    return wrap(default_xp().ones(_shape_arg(shape, "ones"), dtype=to_np_dtype(dtype)))


fill_p = primitive("fill", lambda value, shape: array_module(value).full(
    shape, value, dtype=value.dtype))
defvjp(fill_p, lambda g, y, value, shape: g)  # the tape sums g back to the scalar


def fill(dims, value, name=None, layout=None):
    """A tensor of shape ``dims`` filled with the scalar ``value`` (its dtype: Python ints
    give int32, floats float32)."""
    v = as_tensor(value)
    if v.ndim != 0:
        raise InvalidArgumentError(f"fill: value must be a scalar, got shape "
                                   f"{shape_str(v.shape)}")
    return bind(fill_p, v, shape=_shape_arg(dims, "fill"))


def eye(num_rows, num_columns=None, batch_shape=None, dtype=float32, name=None):
    """Identity matrix [num_rows, num_columns] (square by default), or a batch of them."""
    n = _dim(num_rows, "eye", "num_rows")
    m = n if num_columns is None else _dim(num_columns, "eye", "num_columns")
    xp = default_xp()
    out = xp.eye(n, m, dtype=to_np_dtype(dtype))
    if batch_shape is not None:
        batch = _shape_arg(batch_shape, "eye")
        out = xp.broadcast_to(out, batch + (n, m)).copy()
    return wrap(out)


def _dim(value, op, what):
    if isinstance(value, Tensor):
        value = value._value.item()
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InvalidTypeError(f"{op}: {what} must be an int, got {value!r}")
    if value < 0:
        raise InvalidArgumentError(f"{op}: {what} must be non-negative, got {value}")
    return int(value)


# -- range, linspace ---------------------------------------------------------------------
_RANGE_ORDER = [np.dtype(t) for t in (np.int32, np.int64, np.float32, np.float64)]


def _range_forward(start, limit, delta, dtype):
    xp = array_module(start)
    s, lim, d = (np.asarray(v.item()).astype(dtype)[()] for v in (start, limit, delta))
    if d == 0:
        raise ValueError(f"Requires delta != 0: {d}")
    if d > 0 and s > lim:
        raise ValueError(f"Requires start <= limit when delta > 0: {s}/{lim}")
    if d < 0 and s < lim:
        raise ValueError(f"Requires start >= limit when delta < 0: {s}/{lim}")
    if dtype.kind in "iu":
        return xp.arange(int(s), int(lim), int(d), dtype=dtype)
    size = int(np.ceil(np.abs((lim - s) / d)))  # in the target dtype, as TensorFlow counts
    return (xp.arange(size, dtype=dtype) * d + s).astype(dtype, copy=False)


range_p = primitive("range", _range_forward,
                    lambda arrays, params, error: f"range: {error}")


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001
    """Numbers from ``start`` up to (not including) ``limit`` in steps of ``delta``.

    ``range(5)`` is [0, 1, 2, 3, 4] (int32); a float argument makes it float32, as
    TensorFlow infers the dtype from the widest argument.
    """
    if limit is None:
        start, limit = 0, start
    args = [as_tensor(v) for v in (start, limit, delta)]
    for v, what in zip(args, ("start", "limit", "delta")):
        if v.ndim != 0:
            raise InvalidArgumentError(f"range: {what} must be a scalar, got shape "
                                       f"{shape_str(v.shape)}")
        if v._value.dtype.kind not in "iuf":
            raise InvalidTypeError(f"range: {what} must be a number, got {v.dtype.name}")
    if dtype is None:
        dts = [v._value.dtype for v in args]
        if all(dt in _RANGE_ORDER for dt in dts):
            np_dtype = builtins.max(dts, key=_RANGE_ORDER.index)
        else:
            np_dtype = np.result_type(*dts)
    else:
        np_dtype = to_np_dtype(dtype)
    return bind(range_p, *args, dtype=np_dtype)


def _linspace_forward(start, stop, num, axis):
    return np.linspace(start, stop, num, axis=axis, dtype=start.dtype)


linspace_p = primitive("linspace", _linspace_forward)


def _linspace_weights(g, num, axis):
    """The fraction of the way from start to stop of each point, shaped to broadcast."""
    xp = array_module(g._value)
    shape = [1] * g.ndim
    shape[axis % g.ndim] = num
    return wrap(xp.linspace(0, 1, num, dtype=g._value.dtype).reshape(shape))


defvjp(linspace_p,
       lambda g, y, a, b, num, axis: reduce_sum(g * (1 - _linspace_weights(g, num, axis)),
                                                axis=axis),
       lambda g, y, a, b, num, axis: reduce_sum(g * _linspace_weights(g, num, axis),
                                                axis=axis))


def linspace(start, stop, num, name=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive (float32 for Python
    numbers); tensors ``start``/``stop`` give a new axis ``axis`` of length ``num``."""
    start, stop = (v if isinstance(v, Tensor) else wrap(to_array(v)) for v in (start, stop))
    start, stop = (cast(v, _FLOAT32) if v._value.dtype.kind not in "fc" else v
                   for v in (start, stop))
    start, stop = promote(start, stop, "linspace")
    n = _dim(num, "linspace", "num")
    rank = builtins.max(start.ndim, stop.ndim) + 1
    axis = int(axis)
    if not -rank <= axis < rank:
        raise InvalidArgumentError(f"linspace: axis {axis} is out of range for a result of "
                                   f"rank {rank}")
    return bind(linspace_p, start, stop, num=n, axis=axis % rank)


# -- one_hot -----------------------------------------------------------------------------
def _one_hot_forward(indices, depth, on, off, axis, dtype):
    xp = array_module(indices)
    hot = indices[..., None] == xp.arange(depth)
    if on == 1 and off == 0:
        out = hot.astype(dtype)
    else:
        out = xp.where(hot, xp.asarray(on, dtype=dtype), xp.asarray(off, dtype=dtype))
    return out if axis == indices.ndim else xp.moveaxis(out, -1, axis)


one_hot_p = primitive("one_hot", _one_hot_forward)


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """One-hot encoding: a new axis of length ``depth`` holding ``on_value`` (1) at each
    index and ``off_value`` (0) elsewhere; indices outside [0, depth) give all
    ``off_value``. float32 unless ``dtype`` or the on/off values say otherwise.

    >>> one_hot([0, 2], depth=3).numpy()
    array([[1., 0., 0.],
           [0., 0., 1.]], dtype=float32)
    """
    idx = as_tensor(indices)
    if idx._value.dtype.kind not in "iu":
        raise InvalidTypeError(f"one_hot: indices must be integers (uint8, int32 or int64), "
                               f"got {idx.dtype.name}")
    depth = _dim(depth, "one_hot", "depth")
    if dtype is None:
        given = on_value if on_value is not None else off_value
        np_dtype = _FLOAT32 if given is None else as_tensor(given)._value.dtype
    else:
        np_dtype = to_np_dtype(dtype)
    on = _scalar(1 if on_value is None else on_value, np_dtype, "on_value")
    off = _scalar(0 if off_value is None else off_value, np_dtype, "off_value")
    ax = idx.ndim if axis is None or axis == -1 else int(axis)
    if not 0 <= ax <= idx.ndim:
        raise InvalidArgumentError(f"one_hot: expected axis to be -1 or between [0, "
                                   f"{idx.ndim + 1}), but received {axis}")
    return bind(one_hot_p, idx, depth=depth, on=on, off=off, axis=ax, dtype=np_dtype)


def _scalar(value, np_dtype, what):
    arr = to_array(value)
    if getattr(arr, "ndim", 0) != 0:
        raise InvalidArgumentError(f"one_hot: {what} must be a scalar, got shape "
                                   f"{shape_str(arr.shape)}")
    item = arr.item()
    if np.asarray(item).astype(np_dtype).item() != item and np_dtype.kind in "biu":
        raise InvalidTypeError(f"one_hot: {what}={item!r} does not fit dtype "
                               f"{as_dtype(np_dtype).name}")
    return item

