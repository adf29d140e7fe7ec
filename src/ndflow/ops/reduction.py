"""Reductions (sum, mean, max ...), arg-reductions, cumulative ops, sorting."""

import numpy as np

from ndflow.autodiff.engine_ops import broadcast_to, reshape
from ndflow.autodiff.primitive import bind, defvjp, primitive
from ndflow.ops._operands import as_tensor


def _axis_tuple(axis, ndim):
    """Normalize ``axis`` (None, int, list, tensor) to a sorted tuple of positive axes."""
    if axis is None:
        return tuple(range(ndim))
    if hasattr(axis, "_value"):
        axis = axis._value.tolist()
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise ValueError(f"Invalid reduction axis {a} for a tensor of rank {ndim}")
        out.append(a % ndim if ndim else 0)
    return tuple(sorted(set(out)))


def _keepdims_shape(shape, axes):
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def _expand_back(g, x, axes, keepdims):
    """Reshape a reduced gradient so it broadcasts against ``x``."""
    if keepdims:
        return g
    return reshape(g, _keepdims_shape(np.shape(x), axes))


reduce_sum_p = primitive("reduce_sum",
                         lambda x, axes, keepdims: np.sum(x, axis=axes, keepdims=keepdims))
defvjp(reduce_sum_p, lambda g, y, x, axes, keepdims: broadcast_to(
    _expand_back(g, x, axes, keepdims), np.shape(x)))


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """Sum over ``axis`` (all axes when None)."""
    x = as_tensor(input_tensor)
    return bind(reduce_sum_p, x, axes=_axis_tuple(axis, x.ndim), keepdims=bool(keepdims))


def _mean_forward(x, axes, keepdims):
    if x.dtype.kind in "iu":  # TensorFlow keeps the integer dtype (truncating)
        n = int(np.prod([x.shape[a] for a in axes])) or 1
        return (np.sum(x, axis=axes, keepdims=keepdims) // n).astype(x.dtype)
    return np.mean(x, axis=axes, keepdims=keepdims)


reduce_mean_p = primitive("reduce_mean", _mean_forward)


def _mean_vjp(g, y, x, axes, keepdims):
    n = int(np.prod([np.shape(x)[a] for a in axes]))
    return broadcast_to(_expand_back(g, x, axes, keepdims), np.shape(x)) / max(n, 1)


defvjp(reduce_mean_p, _mean_vjp)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """Mean over ``axis`` (all axes when None)."""
    x = as_tensor(input_tensor)
    return bind(reduce_mean_p, x, axes=_axis_tuple(axis, x.ndim), keepdims=bool(keepdims))
