"""Reductions (sum, mean, max ...), arg-reductions, cumulative ops, sorting.

Reductions take ``axis`` as None (all axes), an int, a list or a tensor, negative
values counting from the end, and ``keepdims``. Results keep the input's dtype as
TensorFlow's do (integer sums stay int32, integer means truncate toward zero).
"""

import collections
import math

import numpy as np

from ndflow.autodiff.engine_ops import reshape
from ndflow.autodiff.primitive import bind, defvjp, defvjp_raw, primitive
from ndflow.backend.xp import array_module
from ndflow.core import dtypes
from ndflow.core.dtypes import to_np_dtype
from ndflow.core.errors import InvalidArgumentError, InvalidTypeError, shape_str
from ndflow.core.tensor import wrap
from ndflow.ops._operands import as_tensor, invalid_axis_message
from ndflow.ops._operands import normalize_axis as _one_axis
from ndflow.ops.cast import cast
from ndflow.ops.math import _select, exp, ones_like, sqrt, square, zeros_like
from ndflow.ops.math import abs as _abs

__all__ = [
    "argmax", "argmin", "argsort", "count_nonzero", "cumprod", "cumsum", "reduce_all",
    "reduce_any", "reduce_euclidean_norm", "reduce_logsumexp", "reduce_max", "reduce_mean",
    "reduce_min", "reduce_prod", "reduce_std", "reduce_sum", "reduce_variance", "sort",
    "top_k",
]


def _axis_tuple(axis, ndim, op="reduction"):
    """Normalize ``axis`` (None, int, list, tensor) to a sorted tuple of positive axes."""
    if axis is None:
        return tuple(range(ndim))
    if hasattr(axis, "_value"):
        axis = axis._value.tolist()
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = set()
    for a in axes:
        a = int(a)
        if not -ndim <= a < ndim:
            raise InvalidArgumentError(invalid_axis_message(op, a, ndim))
        out.add(a % ndim)
    return tuple(sorted(out))


def _require(x, kinds, op):
    if x._value.dtype.kind not in kinds:
        allowed = {"b": "boolean", "f": "floating-point", "fc": "floating-point or complex",
                   "iuf": "real numeric"}[kinds]
        raise InvalidTypeError(f"{op} expects a {allowed} tensor, got {x.dtype.name}")


def _keepdims_shape(shape, axes):
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def _expand_back(g, shape, axes, keepdims):
    """Reshape a reduced tensor so it broadcasts against the input of ``shape``."""
    if keepdims or g._value.ndim == 0:  # a scalar broadcasts as it is
        return g
    return reshape(g, _keepdims_shape(shape, axes))


def _spread_forward(g, shape, axes, keepdims, divisor):
    if not keepdims and g.ndim:
        g = g.reshape(_keepdims_shape(shape, axes))
    if divisor != 1:
        g = g / divisor  # before spreading: fewer values to divide
    out = array_module(g).empty(shape, g.dtype)
    out[...] = g
    return out


# The gradient of a sum (divisor 1) or a mean over ``axes``: ``g / divisor`` spread back
# over the reduced axes, in one op; its own gradient is the matching reduction.
def _spread_vjp(gg, y, g, shape, axes, keepdims, divisor):
    summed = bind(reduce_sum_p, gg, axes=axes, keepdims=keepdims)
    return summed if divisor == 1 else summed / divisor


spread_p = primitive("reduction_spread", _spread_forward)
defvjp(spread_p, _spread_vjp)


def _spread(g, x, axes, keepdims, divisor=1):
    """The reduced gradient ``g`` (divided by ``divisor``) spread back to ``x``'s shape."""
    return bind(spread_p, g, shape=x._value.shape, axes=axes, keepdims=keepdims,
                divisor=divisor)


def _reducer(name, forward, doc, kinds=None):
    prim = primitive(name, forward)

    def op(input_tensor, axis=None, keepdims=False, name=None):
        x = as_tensor(input_tensor)
        if kinds is not None and x._value.dtype.kind not in kinds:
            _require(x, kinds, prim.name)
        return bind(prim, x, axes=_axis_tuple(axis, x.ndim, prim.name), keepdims=bool(keepdims))

    op.__name__ = op.__qualname__ = prim.name
    op.__doc__ = doc
    return prim, op


_FLOAT16 = np.dtype(np.float16)


# -- sum, mean, product --------------------------------------------------------------
def _sum_forward(x, axes, keepdims):
    kind = x.dtype.kind
    if kind in "iu":  # NumPy would widen to int64
        return x.sum(axis=axes, keepdims=keepdims, dtype=x.dtype)
    if x.dtype is _FLOAT16:  # accumulate in float32, as TensorFlow does
        return x.sum(axis=axes, keepdims=keepdims, dtype=np.float32).astype(np.float16)
    return x.sum(axis=axes, keepdims=keepdims)


reduce_sum_p, reduce_sum = _reducer("reduce_sum", _sum_forward,
                                    "Sum over ``axis`` (all axes when None).")
defvjp(reduce_sum_p, lambda g, y, x, axes, keepdims: _spread(g, x, axes, keepdims))
defvjp_raw(reduce_sum_p, lambda needed, g, y, x, axes, keepdims: (
    _spread_forward(g, x.shape, axes, keepdims, 1),))


def _mean_forward(x, axes, keepdims):
    kind = x.dtype.kind
    if kind in "iu":  # TensorFlow keeps the integer dtype, truncating toward zero
        n = math.prod(x.shape[a] for a in axes) or 1
        s = x.sum(axis=axes, keepdims=keepdims, dtype=x.dtype)
        q = np.abs(s) // n
        return (q if kind == "u" else np.where(s < 0, -q, q)).astype(x.dtype, copy=False)
    n = math.prod(x.shape[a] for a in axes)
    if x.dtype is _FLOAT16:
        return (x.sum(axis=axes, keepdims=keepdims, dtype=np.float32) / n).astype(x.dtype)
    return x.sum(axis=axes, keepdims=keepdims) / n  # as np.mean, without its overhead


def _mean_vjp(g, y, x, axes, keepdims):
    n = math.prod(x._value.shape[a] for a in axes)
    return _spread(g, x, axes, keepdims, max(n, 1))


reduce_mean_p, reduce_mean = _reducer("reduce_mean", _mean_forward,
                                      "Mean over ``axis`` (all axes when None).")
defvjp(reduce_mean_p, _mean_vjp)
defvjp_raw(reduce_mean_p, lambda needed, g, y, x, axes, keepdims: (_spread_forward(
    g, x.shape, axes, keepdims, max(math.prod(x.shape[a] for a in axes), 1)),))


def _prod_forward(x, axes, keepdims):
    if x.dtype.kind in "iu":
        return x.prod(axis=axes, keepdims=keepdims, dtype=x.dtype)
    return x.prod(axis=axes, keepdims=keepdims)


def _prod_vjp(g, y, x, axes, keepdims):
    shape = x._value.shape
    gx = _spread(g, x, axes, keepdims)
    zero = x._value == 0
    if not zero.any():
        return gx * _expand_back(y, shape, axes, keepdims) / x
    # With zeros, the product of the others is that of the nonzero ones (one zero, at
    # the zero) or 0 (elsewhere, or two zeros or more): y / x would divide 0 by 0.
    count = zero.sum(axis=axes, keepdims=True)
    keep = wrap((count == 0) | (zero & (count == 1)))
    safe = _select(wrap(zero), ones_like(x), x)
    others = reduce_prod(safe, axes, keepdims=True) / safe
    return gx * _select(keep, others, zeros_like(others))


reduce_prod_p, reduce_prod = _reducer("reduce_prod", _prod_forward,
                                      "Product over ``axis`` (all axes when None).")
defvjp(reduce_prod_p, _prod_vjp)


# -- max and min ---------------------------------------------------------------------
def _extremum_forward(np_reduce, identity):
    def forward(x, axes, keepdims):
        if x.size == 0:  # the identity: -inf for max, +inf for min (int limits for ints)
            return np_reduce(x, axis=axes, keepdims=keepdims, initial=identity(x.dtype))
        return np_reduce(x, axis=axes, keepdims=keepdims)

    return forward


def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _highest(dtype):
    return np.inf if dtype.kind == "f" else np.iinfo(dtype).max


def _extremum_vjp(g, y, x, axes, keepdims):
    # Ties share the gradient evenly, as in TensorFlow; the weights are constants.
    shape = x._value.shape
    yv = y._value if keepdims else y._value.reshape(_keepdims_shape(shape, axes))
    hit = (x._value == yv).astype(g._value.dtype)
    hit /= hit.sum(axis=axes, keepdims=True)
    return _spread(g, x, axes, keepdims) * wrap(hit)


reduce_max_p, reduce_max = _reducer("reduce_max", _extremum_forward(np.max, _lowest),
                                    "Maximum over ``axis`` (all axes when None).", "iuf")
defvjp(reduce_max_p, _extremum_vjp)

reduce_min_p, reduce_min = _reducer("reduce_min", _extremum_forward(np.min, _highest),
                                    "Minimum over ``axis`` (all axes when None).", "iuf")
defvjp(reduce_min_p, _extremum_vjp)


# -- logical -------------------------------------------------------------------------
reduce_any_p, reduce_any = _reducer(
    "reduce_any", lambda x, axes, keepdims: x.any(axis=axes, keepdims=keepdims),
    "Logical OR over ``axis`` of a boolean tensor.", "b")
reduce_all_p, reduce_all = _reducer(
    "reduce_all", lambda x, axes, keepdims: x.all(axis=axes, keepdims=keepdims),
    "Logical AND over ``axis`` of a boolean tensor.", "b")


def count_nonzero(input, axis=None, keepdims=None, dtype=dtypes.int64, name=None):
    """Number of nonzero (or non-empty string) elements over ``axis``."""
    x = as_tensor(input)
    axes = _axis_tuple(axis, x.ndim, "count_nonzero")
    return bind(count_nonzero_p, x, axes=axes, keepdims=bool(keepdims),
                dtype=to_np_dtype(dtype))


def _count_nonzero_forward(x, axes, keepdims, dtype):
    kind = x.dtype.kind
    nonzero = x != ("" if kind == "U" else b"" if kind == "S" else 0)
    return nonzero.sum(axis=axes, keepdims=keepdims, dtype=dtype)


count_nonzero_p = primitive("count_nonzero", _count_nonzero_forward)


# -- compositions: variance, standard deviation, norms, log-sum-exp ------------------
def _variance(input_tensor, axis, keepdims, op):
    x = as_tensor(input_tensor)
    _require(x, "fc", op)
    axes = _axis_tuple(axis, x.ndim, op)
    d = x - reduce_mean(x, axes, keepdims=True)
    if d._value.dtype.kind == "c":
        d = _abs(d)
    return reduce_mean(square(d), axes, keepdims=keepdims)


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Variance over ``axis`` (the population variance, dividing by N)."""
    return _variance(input_tensor, axis, keepdims, "reduce_variance")


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Standard deviation over ``axis`` (square root of the population variance)."""
    return sqrt(_variance(input_tensor, axis, keepdims, "reduce_std"))


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """Euclidean norm ``sqrt(sum(|x|**2))`` over ``axis``."""
    x = as_tensor(input_tensor)
    axes = _axis_tuple(axis, x.ndim, "reduce_euclidean_norm")
    kind = x._value.dtype.kind
    if kind in "iu":  # computed in float64, truncated back as TensorFlow's integer kernel
        return cast(reduce_euclidean_norm(cast(x, "float64"), axes, keepdims), x.dtype)
    _require(x, "fc", "reduce_euclidean_norm")
    return sqrt(reduce_sum(square(_abs(x) if kind == "c" else x), axes, keepdims=keepdims))


def _logsumexp_forward(x, axes, keepdims):
    m = x.max(axis=axes, keepdims=True) if x.size else np.zeros_like(x, shape=())
    m = np.where(np.isfinite(m), m, 0)  # all -inf stays -inf; +inf stays inf
    out = np.log(np.exp(x - m).sum(axis=axes, keepdims=True))
    out += m
    return out if keepdims else np.squeeze(out, axis=axes)


reduce_logsumexp_p, reduce_logsumexp = _reducer(
    "reduce_logsumexp", _logsumexp_forward,
    "``log(sum(exp(x)))`` over ``axis``, computed without overflow.", "f")
# d/dx logsumexp = softmax(x) = exp(x - y)
defvjp(reduce_logsumexp_p, lambda g, y, x, axes, keepdims: _spread(g, x, axes, keepdims) * (
    exp(x - _expand_back(y, x._value.shape, axes, keepdims))))


# -- arg-reductions ------------------------------------------------------------------
def _arg_forward(np_arg):
    def forward(x, axis, dtype):
        return np_arg(x, axis=axis).astype(dtype, copy=False)

    return forward


argmax_p = primitive("argmax", _arg_forward(np.argmax))
argmin_p = primitive("argmin", _arg_forward(np.argmin))


def _arg(prim, input, axis, output_type):
    x = as_tensor(input)
    _require(x, "iuf", prim.name)
    axis = _one_axis(0 if axis is None else axis, x.ndim, prim.name)
    if x._value.shape[axis] == 0:
        raise InvalidArgumentError(f"{prim.name}: reduction axis {axis} is empty in shape "
                                   f"{shape_str(x._value.shape)}")
    dtype = to_np_dtype(output_type)
    if dtype not in (np.int32, np.int64):
        raise InvalidTypeError(f"{prim.name}: output_type must be int32 or int64, got {dtype}")
    return bind(prim, x, axis=axis, dtype=dtype)


def argmax(input, axis=None, output_type=dtypes.int64, name=None):
    """Index of the largest value along ``axis`` (0 when None); the first one on ties."""
    return _arg(argmax_p, input, axis, output_type)


def argmin(input, axis=None, output_type=dtypes.int64, name=None):
    """Index of the smallest value along ``axis`` (0 when None); the first one on ties."""
    return _arg(argmin_p, input, axis, output_type)


# -- cumulative sum and product ------------------------------------------------------
def _cumulative(np_cum, identity):
    def forward(x, axis, exclusive, reverse):
        if reverse:
            x = np.flip(x, axis)
        out = np_cum(x, axis=axis, dtype=x.dtype)
        if exclusive:  # shift by one along axis, starting from the identity
            shifted = np.empty_like(out)
            head = (slice(None),) * axis
            shifted[head + (slice(0, 1),)] = identity
            shifted[head + (slice(1, None),)] = out[head + (slice(None, -1),)]
            out = shifted
        return np.flip(out, axis) if reverse else out

    return forward


cumsum_p = primitive("cumsum", _cumulative(np.cumsum, 0))
defvjp(cumsum_p, lambda g, y, x, axis, exclusive, reverse: cumsum(
    g, axis, exclusive=exclusive, reverse=not reverse))

cumprod_p = primitive("cumprod", _cumulative(np.cumprod, 1))
# Inputs with exact zeros get NaN gradients here, as in TensorFlow (it divides by x).
defvjp(cumprod_p, lambda g, y, x, axis, exclusive, reverse: cumsum(
    g * y, axis, exclusive=exclusive, reverse=not reverse) / x)


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative sum along ``axis``; ``exclusive`` starts from 0, ``reverse`` from the end."""
    x = as_tensor(x)
    return bind(cumsum_p, x, axis=_one_axis(axis, x.ndim, "cumsum"),
                exclusive=bool(exclusive), reverse=bool(reverse))


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """Cumulative product along ``axis``; ``exclusive`` starts from 1, ``reverse`` from the end."""
    x = as_tensor(x)
    return bind(cumprod_p, x, axis=_one_axis(axis, x.ndim, "cumprod"),
                exclusive=bool(exclusive), reverse=bool(reverse))


# -- sorting -------------------------------------------------------------------------
def _argsort_array(x, axis, descending, stable):
    if not descending:
        return np.argsort(x, axis=axis, kind="stable" if stable else None)
    # Descending with ties in their original order: sort the reversed array ascending
    # (ties then come latest-first), map back to indices and reverse the result.
    n = x.shape[axis]
    order = np.argsort(np.flip(x, axis), axis=axis, kind="stable")
    return np.flip(n - 1 - order, axis)


# ``gather_along`` picks ``idx`` along ``axis``; ``scatter_along`` (its transpose)
# writes values back at ``idx`` into zeros. The indices never repeat along the axis
# (they come from sorting), so the scatter needs no accumulation.
def _gather_forward(x, idx, axis):
    return np.take_along_axis(x, idx, axis=axis)


def _scatter_forward(v, idx, axis, shape):
    out = np.zeros_like(v, shape=shape)
    np.put_along_axis(out, idx, v, axis=axis)
    return out


gather_along_p = primitive("gather_along", _gather_forward)
scatter_along_p = primitive("scatter_along", _scatter_forward)
defvjp(gather_along_p,
       lambda g, y, x, idx, axis: bind(scatter_along_p, g, idx, axis=axis,
                                       shape=x._value.shape),
       None)
defvjp(scatter_along_p,
       lambda g, y, v, idx, axis, shape: bind(gather_along_p, g, idx, axis=axis), None)


def _sort_forward(x, axis, descending):
    out = np.sort(x, axis=axis)
    return np.flip(out, axis) if descending else out


sort_p = primitive("sort", _sort_forward)
defvjp(sort_p, lambda g, y, x, axis, descending: bind(
    scatter_along_p, g, wrap(_argsort_array(x._value, axis, descending, True)), axis=axis,
    shape=x._value.shape))


def _direction(direction, op):
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"{op}: direction must be 'ASCENDING' or 'DESCENDING', got "
                         f"{direction!r}")
    return direction == "DESCENDING"


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """Sorted copy of ``values`` along ``axis`` (gradients flow back to the elements)."""
    x = as_tensor(values)
    _require(x, "iuf", "sort")
    descending = _direction(direction, "sort")
    return bind(sort_p, x, axis=_one_axis(axis, x.ndim, "sort"), descending=descending)


argsort_p = primitive(
    "argsort", lambda x, axis, descending, stable: _argsort_array(
        x, axis, descending, stable).astype(np.int32, copy=False))


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """Int32 indices that sort ``values`` along ``axis``; ``stable`` keeps ties in order."""
    x = as_tensor(values)
    _require(x, "iuf", "argsort")
    descending = _direction(direction, "argsort")
    return bind(argsort_p, x, axis=_one_axis(axis, x.ndim, "argsort"), descending=descending,
                stable=bool(stable))


TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def top_k(input, k=1, sorted=True, index_type=dtypes.int32, name=None):
    """The ``k`` largest entries along the last axis and their indices, largest first.

    Ties go to the lower index. Returns ``TopKV2(values, indices)``; gradients flow
    from the values back to the chosen elements.
    """
    x = as_tensor(input)
    _require(x, "iuf", "top_k")
    k = int(k._value if hasattr(k, "_value") else k)
    if x.ndim == 0:
        raise InvalidArgumentError("top_k: input must be at least rank 1, got a scalar")
    n = x._value.shape[-1]
    if not 0 <= k <= n:
        raise InvalidArgumentError(f"top_k: k must be in [0, {n}] (the size of the last "
                                   f"axis of shape {shape_str(x._value.shape)}), got {k}")
    idx = _argsort_array(x._value, -1, True, True)[..., :k]
    values = bind(gather_along_p, x, wrap(idx), axis=-1)
    return TopKV2(values, wrap(idx.astype(to_np_dtype(index_type), copy=False)))
