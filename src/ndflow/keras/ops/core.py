"""Core ops of ``keras.ops`` (``keras.ops.core``): conversion, dtypes, shapes, slicing and
scattering."""

import builtins

import numpy as np

from ndflow.backend.xp import array_module
from ndflow.core.convert import convert_to_tensor as _convert_to_tensor
from ndflow.core.dtypes import as_dtype, to_np_dtype
from ndflow.core.errors import InvalidArgumentError, shape_str
from ndflow.core.tensor import Tensor, wrap
from ndflow.keras.ops.numpy import _ints, _t
from ndflow.ops import array as _array
from ndflow.ops import math as _math
from ndflow.ops.cast import cast as _cast

__all__ = [
    "cast", "convert_to_numpy", "convert_to_tensor", "dtype", "is_tensor", "saturate_cast",
    "scatter", "scatter_update", "shape", "slice", "slice_update", "stop_gradient", "unstack",
]


def cast(x, dtype):
    """``x`` converted to ``dtype`` (floats to integers truncate toward zero)."""
    return _cast(_t(x), dtype)


def _limits(dtype):
    return np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype)


def saturate_cast(x, dtype):
    """``x`` converted to ``dtype``, values outside its range clipped to its limits."""
    x = _t(x)
    target, source = to_np_dtype(dtype), x._value.dtype
    if target.kind in "iuf" and source.kind in "iuf":
        lo = builtins.max(_limits(target).min, _limits(source).min)
        hi = builtins.min(_limits(target).max, _limits(source).max)
        # the bounds in x's dtype, rounded inward so the cast cannot overflow
        lo_x, hi_x = np.asarray(lo).astype(source), np.asarray(hi).astype(source)
        if source.kind == "f":
            # compared as Python numbers: exactly, unlike NumPy's float-int comparison
            lo_x = lo_x if float(lo_x) >= lo else np.nextafter(lo_x, source.type(np.inf))
            hi_x = hi_x if float(hi_x) <= hi else np.nextafter(hi_x, source.type(-np.inf))
        x = _math.clip_by_value(x, lo_x[()], hi_x[()])
    return _cast(x, target)


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """A tensor from ``x``; a tensor of another dtype is cast to ``dtype``."""
    if isinstance(x, Tensor):
        return x if dtype is None else _cast(x, dtype)
    return _convert_to_tensor(x, dtype)


def convert_to_numpy(x):
    """A NumPy array holding the value of ``x``."""
    return np.array(x)


def is_tensor(x):
    """Whether ``x`` is an ndflow tensor (or Variable)."""
    return isinstance(x, Tensor)


def dtype(x):
    """The dtype of ``x`` as a standardized string, e.g. ``'float32'``."""
    dt = getattr(x, "dtype", None)
    if dt is None:
        dt = convert_to_tensor(x).dtype
    return as_dtype(dt).name


def shape(x):
    """The shape of ``x`` as a tuple of ints."""
    if isinstance(x, Tensor):
        return tuple(x._value.shape)
    dims = getattr(x, "shape", None)
    return tuple(dims) if dims is not None else np.shape(x)


def stop_gradient(variable):
    """The same value, seen as a constant by gradient computations."""
    return _array.stop_gradient(_t(variable))


def unstack(x, num=None, axis=0):
    """The slices of ``x`` along ``axis``, as a list."""
    return _array.unstack(_t(x), num=num, axis=axis)


def slice(inputs, start_indices, shape):
    """The block of ``inputs`` starting at ``start_indices`` with extent ``shape``."""
    return _array.slice(_t(inputs), start_indices, shape)


def slice_update(inputs, start_indices, updates):
    """A copy of ``inputs`` with the block at ``start_indices`` replaced by ``updates``."""
    inputs, updates = _t(inputs), _t(updates)
    start = _ints(start_indices)
    if len(start) != inputs.ndim or updates.ndim != inputs.ndim:
        raise InvalidArgumentError(
            f"slice_update: start_indices {list(start)} and updates of shape "
            f"{shape_str(updates.shape)} must both match the rank of inputs "
            f"{shape_str(inputs.shape)}")
    for i, (s, n, d) in enumerate(zip(start, updates.shape, inputs.shape)):
        if s < 0 or s + n > d:
            raise InvalidArgumentError(
                f"slice_update: the block of shape {shape_str(updates.shape)} at "
                f"{list(start)} leaves inputs of shape {shape_str(inputs.shape)} along "
                f"axis {i}")
    xp = array_module(inputs._value)
    block = xp.indices(tuple(updates.shape)).reshape(updates.ndim, -1).T
    indices = wrap(block + xp.asarray(start))
    flat = _array.reshape(updates, (-1,))
    return _array.tensor_scatter_nd_update(inputs, indices, _cast(flat, inputs.dtype))


def scatter(indices, values, shape):
    """Zeros of ``shape`` with ``values`` added at ``indices`` (repeats add up)."""
    return _array.scatter_nd(indices, values, shape)


def scatter_update(inputs, indices, updates):
    """A copy of ``inputs`` with the entries at ``indices`` replaced by ``updates``."""
    return _array.tensor_scatter_nd_update(_t(inputs), indices, updates)
