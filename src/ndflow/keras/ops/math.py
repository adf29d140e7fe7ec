"""Math ops of ``keras.ops`` (``keras.ops.math``): log-sum-exp, top-k, segment reductions,
erf, rsqrt, log-determinants."""

import numpy as np

from ndflow.core.errors import InvalidArgumentError, shape_str
from ndflow.keras.ops.numpy import _floating, _t, take_along_axis
from ndflow.ops import array as _array
from ndflow.ops import creation as _creation
from ndflow.ops import linalg as _linalg
from ndflow.ops import math as _math
from ndflow.ops import reduction as _reduction
from ndflow.ops.cast import cast

__all__ = [
    "erf", "in_top_k", "logdet", "logsumexp", "rsqrt", "segment_max", "segment_sum", "top_k",
]


def logsumexp(x, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` over ``axis`` (all axes when None), without overflow."""
    return _reduction.reduce_logsumexp(_floating(x), axis, keepdims)


def top_k(x, k, sorted=True):
    """The ``k`` largest values along the last axis and their int32 indices, largest
    first: ``(values, indices)``."""
    values, indices = _reduction.top_k(_t(x), k, sorted=sorted)
    return values, indices


def in_top_k(targets, predictions, k):
    """Whether each target class is among the ``k`` highest predictions of its row (ties
    count as inside)."""
    p = _t(predictions)
    target = _t(targets)
    if p.ndim != 2 or target.ndim != 1 or target.shape[0] != p.shape[0]:
        raise InvalidArgumentError(f"in_top_k: predictions must be [batch, classes] and "
                                   f"targets [batch], got {shape_str(p.shape)} and "
                                   f"{shape_str(target.shape)}")
    chosen = take_along_axis(p, _array.expand_dims(target, -1), axis=1)
    above = _reduction.reduce_sum(cast(_math.greater(p, chosen), "int32"), axis=1)
    return _math.less(above, k)


def erf(x):
    """Elementwise Gauss error function."""
    return _math.erf(_floating(x))


def rsqrt(x):
    """Elementwise ``1 / sqrt(x)``."""
    return _math.rsqrt(_floating(x))


def _segments(data, segment_ids, num_segments, op):
    data, ids = _t(data), _t(segment_ids)
    if ids.ndim != 1 or data.ndim < 1 or ids.shape[0] != data.shape[0]:
        raise InvalidArgumentError(f"{op}: segment_ids must be 1-D with one id per row of "
                                   f"data, got {shape_str(ids.shape)} for data "
                                   f"{shape_str(data.shape)}")
    if ids._value.dtype.kind not in "iu":
        raise InvalidArgumentError(f"{op}: segment_ids must be integers, got {ids.dtype.name}")
    if num_segments is None:
        found = ids.numpy()
        num_segments = int(found.max()) + 1 if found.size else 0
    return data, ids, int(num_segments)


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    """Sum of the rows of ``data`` sharing each segment id (zeros for empty segments)."""
    data, ids, n = _segments(data, segment_ids, num_segments, "segment_sum")
    shape = (n,) + tuple(data.shape)[1:]
    return _array.scatter_nd(_array.expand_dims(ids, -1), data, shape)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    """Maximum of the rows of ``data`` sharing each segment id (the dtype's lowest value
    for empty segments)."""
    data, ids, n = _segments(data, segment_ids, num_segments, "segment_max")
    member = _math.equal(_array.expand_dims(ids, -1), _creation.range(n, dtype=ids.dtype))
    member = _array.reshape(member, tuple(member.shape) + (1,) * (data.ndim - 1))
    rows = _array.expand_dims(data, 1)  # [rows, 1, ...] against member [rows, n, ...]
    dtype = data._value.dtype
    lowest = -np.inf if dtype.kind == "f" else np.iinfo(dtype).min
    masked = _math.where(member, rows, _math.zeros_like(rows) + lowest)
    return _reduction.reduce_max(masked, axis=0)


def logdet(x):
    """Log of the determinant of each Hermitian positive definite matrix."""
    return _linalg.logdet(_floating(x))
