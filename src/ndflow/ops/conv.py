"""Convolution and pooling, channels last (NWC, NHWC, NDHWC) as TensorFlow computes them.

>>> import ndflow as tf
>>> x = tf.ones((1, 4, 4, 1)); k = tf.ones((3, 3, 1, 1))
>>> tf.nn.conv2d(x, k, strides=1, padding="SAME").numpy()[0, :, :, 0]
array([[4., 6., 6., 4.], ...

A convolution is im2col: a strided view of the padded input holds every window
(``as_strided``: no copy), one reshape copies it into a matrix of rows, and one matmul (a
batched one for grouped convolutions) applies the kernel. Three primitives are closed
under differentiation, as a bilinear map ``y = B(x, w)`` and its two adjoints:

* ``conv(x, w)``             -> y    (x: N,*S,C   w: *K,C/groups,F   y: N,*O,F)
* ``conv_input_grad(g, w)``  -> dx   (a transposed convolution: one matmul + a scatter-add
  of the column gradient per kernel offset)
* ``conv_filter_grad(x, g)`` -> dw   (one matmul of the columns with the output gradient)

``conv`` may carry a bias and a relu/tanh activation applied in place (one tape entry for a
Keras Conv layer). Pooling works on the same windows: max pooling routes the gradient to
the first maximum of each window (as TensorFlow), average pooling spreads it over the valid
(non-padding) cells.
"""

import itertools
import math
import numbers

import numpy as np

from ndflow.autodiff.engine_ops import reshape
from ndflow.autodiff.primitive import bind, defvjp, defvjp_all, defvjp_raw, primitive
from ndflow.backend.xp import array_module
from ndflow.core.errors import InvalidArgumentError, InvalidTypeError
from ndflow.ops._operands import as_tensor
from ndflow.ops.array import transpose
from ndflow.ops.cast import cast
from ndflow.ops.nn import _relu_grad
from ndflow.ops.reduction import reduce_sum

__all__ = [
    "avg_pool",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "conv1d",
    "conv1d_transpose",
    "conv2d",
    "conv2d_transpose",
    "conv3d",
    "conv3d_transpose",
    "conv_transpose",
    "convolution",
    "depthwise_conv2d",
    "max_pool",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "separable_conv2d",
]

CONV_ACTIVATIONS = ("linear", "relu", "tanh")


# -- windows -------------------------------------------------------------------------
def _pad(x, pads, value=0):
    """``x`` (N, *S, C) with ``pads[i] = (lo, hi)`` cells around spatial axis i."""
    if not any(lo or hi for lo, hi in pads):
        return x
    shape = (x.shape[0], *(d + lo + hi for d, (lo, hi) in zip(x.shape[1:-1], pads)),
             x.shape[-1])
    out = np.full_like(x, value, shape=shape)
    out[_interior(x.shape, pads)] = x
    return out


def _interior(shape, pads):
    """The index of the unpadded cells in a padded array."""
    return (slice(None), *(slice(lo, lo + d) for d, (lo, _) in zip(shape[1:-1], pads)),
            slice(None))


def _out_size(padded, kernel, strides, dilations):
    return tuple((p - (k - 1) * d - 1) // s + 1
                 for p, k, s, d in zip(padded, kernel, strides, dilations))


def _windows(xp, kernel, strides, dilations, out):
    """A view (N, *O, *K, C) of every window of the padded input ``xp`` (no copy)."""
    st = xp.strides
    shape = (xp.shape[0], *out, *kernel, xp.shape[-1])
    strides_ = (st[0], *(t * s for t, s in zip(st[1:-1], strides)),
                *(t * d for t, d in zip(st[1:-1], dilations)), st[-1])
    return array_module(xp).lib.stride_tricks.as_strided(xp, shape, strides_, writeable=False)


def _offset(k, out, strides, dilations):
    """The cells of a padded input that kernel offset ``k`` meets, one per output cell."""
    return (slice(None), *(slice(i * d, i * d + (o - 1) * s + 1, s)
                           for i, o, s, d in zip(k, out, strides, dilations)), slice(None))


# -- convolution primitives ----------------------------------------------------------
def _cols(x, kernel, strides, pads, dilations):
    """The im2col matrix (N * prod(O), prod(K) * C) of ``x`` and the output size O."""
    xp = _pad(x, pads)
    out = _out_size(xp.shape[1:-1], kernel, strides, dilations)
    cols = _windows(xp, kernel, strides, dilations, out)
    return cols.reshape(x.shape[0] * math.prod(out), -1), out


def _grouped(cols, groups, cin_g):
    """(M, K*C) columns as (groups, M, K*C/groups): each group's own input channels."""
    m = cols.shape[0]
    return cols.reshape(m, -1, groups, cin_g).transpose(2, 0, 1, 3).reshape(groups, m, -1)


def _grouped_kernel(w, groups):
    """(*K, C/groups, F) kernel as (groups, K*C/groups, F/groups)."""
    cin_g, f = w.shape[-2:]
    kw = w.reshape(-1, cin_g, groups, f // groups).transpose(2, 0, 1, 3)
    return kw.reshape(groups, -1, f // groups)


def _conv_linear(x, w, strides, pads, dilations, groups):
    kernel = w.shape[:-2]
    cols, out = _cols(x, kernel, strides, pads, dilations)
    f = w.shape[-1]
    if groups == 1:
        y = np.dot(cols, w.reshape(-1, f))
    else:
        y = np.matmul(_grouped(cols, groups, w.shape[-2]), _grouped_kernel(w, groups))
        y = y.transpose(1, 0, 2).reshape(-1, f)
    return y.reshape(x.shape[0], *out, f)


def _conv_forward(x, w, bias=None, strides=(), pads=(), dilations=(), groups=1,
                  activation="linear"):
    y = _conv_linear(x, w, strides, pads, dilations, groups)
    if bias is not None:
        y += bias  # y is a fresh array
    if activation == "relu":
        np.maximum(y, 0, out=y)
    elif activation == "tanh":
        np.tanh(y, out=y)
    return y


def _input_grad_forward(g, w, x_shape, strides, pads, dilations, groups):
    """The transposed convolution: columns ``g @ w.T`` scattered back onto the input."""
    kernel, f = w.shape[:-2], w.shape[-1]
    out = g.shape[1:-1]
    rows = g.reshape(-1, f)
    if groups == 1:
        dcols = np.dot(rows, w.reshape(-1, f).T)
    else:
        gg = rows.reshape(rows.shape[0], groups, f // groups).transpose(1, 0, 2)
        dc = np.matmul(gg, _grouped_kernel(w, groups).transpose(0, 2, 1))  # G, M, K*Cg
        dc = dc.reshape(groups, rows.shape[0], -1, w.shape[-2]).transpose(1, 2, 0, 3)
        dcols = dc.reshape(rows.shape[0], -1)
    c = x_shape[-1]
    dcols = dcols.reshape(g.shape[0], *out, math.prod(kernel), c)
    padded = (x_shape[0], *(d + lo + hi for d, (lo, hi) in zip(x_shape[1:-1], pads)), c)
    dxp = np.zeros_like(g, shape=padded)
    for i, k in enumerate(itertools.product(*map(range, kernel))):
        dxp[_offset(k, out, strides, dilations)] += dcols[..., i, :]
    if any(lo or hi for lo, hi in pads):
        return dxp[_interior(x_shape, pads)]  # a view is enough: dxp is ours
    return dxp


def _filter_grad_forward(x, g, w_shape, strides, pads, dilations, groups):
    kernel, f = w_shape[:-2], w_shape[-1]
    cols, _ = _cols(x, kernel, strides, pads, dilations)
    rows = g.reshape(-1, f)
    if groups == 1:
        return np.dot(cols.T, rows).reshape(w_shape)
    gg = rows.reshape(rows.shape[0], groups, f // groups).transpose(1, 0, 2)
    dw = np.matmul(_grouped(cols, groups, w_shape[-2]).transpose(0, 2, 1), gg)  # G, K*Cg, F/G
    dw = dw.reshape(groups, -1, w_shape[-2], f // groups).transpose(1, 2, 0, 3)
    return dw.reshape(w_shape)


conv_p = primitive("conv", _conv_forward)
conv_input_grad_p = primitive("conv_input_grad", _input_grad_forward)
conv_filter_grad_p = primitive("conv_filter_grad", _filter_grad_forward)


def _geometry(params):
    return {k: params[k] for k in ("strides", "pads", "dilations", "groups")}


def _input_grad(g, w, x_shape, geo):
    return bind(conv_input_grad_p, g, w, x_shape=x_shape, **geo)


def _filter_grad(x, g, w_shape, geo):
    return bind(conv_filter_grad_p, x, g, w_shape=w_shape, **geo)


def _conv(x, w, geo):
    return bind(conv_p, x, w, **geo, activation="linear")


def _conv_vjp(needed, g, y, x, w, *bias, activation, **geo):
    if activation == "relu":
        g = _relu_grad(g, y)
    elif activation == "tanh":
        g = g * (1 - y * y)
    grads = [None, None, None]
    if needed[0]:
        grads[0] = _input_grad(g, w, x._value.shape, geo)
    if needed[1]:
        grads[1] = _filter_grad(x, g, w._value.shape, geo)
    if bias and needed[2]:
        grads[2] = reduce_sum(g, axis=tuple(range(g._value.ndim - 1)))
    return grads[:2 + len(bias)]


def _conv_raw_vjp(needed, g, y, x, w, *bias, activation, **geo):
    if activation == "relu":
        g = np.multiply(g, y > y.dtype.type(0))
    elif activation == "tanh":
        g = g * (1 - y * y)
    grads = [None, None, None]
    if needed[0]:
        grads[0] = _input_grad_forward(g, w, x.shape, **geo)
    if needed[1]:
        grads[1] = _filter_grad_forward(x, g, w.shape, **geo)
    if bias and needed[2]:
        grads[2] = g.reshape(-1, g.shape[-1]).sum(axis=0)
    return grads[:2 + len(bias)]


def _input_grad_vjp(needed, gx, dx, g, w, x_shape, **geo):
    return [_conv(gx, w, geo) if needed[0] else None,
            _filter_grad(gx, g, w._value.shape, geo) if needed[1] else None]


def _input_grad_raw_vjp(needed, gx, dx, g, w, x_shape, **geo):
    return [_conv_forward(gx, w, **geo) if needed[0] else None,
            _filter_grad_forward(gx, g, w.shape, **geo) if needed[1] else None]


def _filter_grad_vjp(needed, gw, dw, x, g, w_shape, **geo):
    return [_input_grad(g, gw, x._value.shape, geo) if needed[0] else None,
            _conv(x, gw, geo) if needed[1] else None]


def _filter_grad_raw_vjp(needed, gw, dw, x, g, w_shape, **geo):
    return [_input_grad_forward(g, gw, x.shape, **geo) if needed[0] else None,
            _conv_forward(x, gw, **geo) if needed[1] else None]


defvjp_all(conv_p, _conv_vjp, masked=True)
defvjp_raw(conv_p, _conv_raw_vjp)
defvjp_all(conv_input_grad_p, _input_grad_vjp, masked=True)
defvjp_raw(conv_input_grad_p, _input_grad_raw_vjp)
defvjp_all(conv_filter_grad_p, _filter_grad_vjp, masked=True)
defvjp_raw(conv_filter_grad_p, _filter_grad_raw_vjp)


# -- pooling primitives --------------------------------------------------------------
def _lowest(dtype):
    return -np.inf if dtype.kind == "f" else np.iinfo(dtype).min


def _max_pool_forward(x, ksize, strides, pads):
    # one np.maximum per kernel offset over strided views: several times faster than a
    # multi-axis max over a window view
    xp = _pad(x, pads, _lowest(x.dtype))
    out = _out_size(xp.shape[1:-1], ksize, strides, (1,) * len(ksize))
    offsets = itertools.product(*map(range, ksize))
    y = xp[_offset(next(offsets), out, strides, (1,) * len(ksize))].copy()
    for k in offsets:
        np.maximum(y, xp[_offset(k, out, strides, (1,) * len(ksize))], out=y)
    return y


def _first_max_masks(x, y, ksize, strides, pads):
    """For each kernel offset: its cells of the padded input and where it holds the window's
    first maximum."""
    xp = _pad(x, pads, _lowest(x.dtype))
    out = y.shape[1:-1]
    ones = (1,) * len(ksize)
    taken = None
    for k in itertools.product(*map(range, ksize)):
        cells = _offset(k, out, strides, ones)
        hit = np.equal(xp[cells], y)
        if taken is None:
            taken = hit.copy()
        else:
            np.greater(hit, taken, out=hit)  # a maximum not already taken
            taken |= hit
        yield cells, hit


def _max_pool_grad_forward(g, x, y, ksize, strides, pads):
    """``g`` routed to the first maximum of each window."""
    padded = (x.shape[0], *(d + lo + hi for d, (lo, hi) in zip(x.shape[1:-1], pads)),
              x.shape[-1])
    dxp = np.zeros_like(g, shape=padded)
    disjoint = all(s >= k for s, k in zip(strides, ksize))  # windows never share a cell
    for cells, hit in _first_max_masks(x, y, ksize, strides, pads):
        if disjoint:
            np.multiply(g, hit, out=dxp[cells])
        else:
            dxp[cells] += g * hit
    return dxp[_interior(x.shape, pads)] if padded != x.shape else dxp


def _max_pool_select_forward(h, x, y, ksize, strides, pads):
    """``h`` (input-shaped) read at the first maximum of each window."""
    hp = _pad(h, pads)
    out = np.zeros_like(y, dtype=h.dtype)
    for cells, hit in _first_max_masks(x, y, ksize, strides, pads):
        out += hp[cells] * hit
    return out


max_pool_p = primitive("max_pool", _max_pool_forward)
max_pool_grad_p = primitive("max_pool_grad", _max_pool_grad_forward)
max_pool_select_p = primitive("max_pool_select", _max_pool_select_forward)


def _max_pool_vjp(g, y, x, ksize, strides, pads):
    return bind(max_pool_grad_p, g, x, y, ksize=ksize, strides=strides, pads=pads)


def _max_pool_grad_vjp(gx, dx, g, x, y, ksize, strides, pads):
    # routing is piecewise constant in x (and in y, which follows x)
    return bind(max_pool_select_p, gx, x, y, ksize=ksize, strides=strides, pads=pads)


def _max_pool_select_vjp(gy, out, h, x, y, ksize, strides, pads):
    return bind(max_pool_grad_p, gy, x, y, ksize=ksize, strides=strides, pads=pads)


defvjp(max_pool_p, _max_pool_vjp)
defvjp_raw(max_pool_p, lambda needed, g, y, x, **p: (_max_pool_grad_forward(g, x, y, **p),))
defvjp(max_pool_grad_p, _max_pool_grad_vjp, None, None)
defvjp(max_pool_select_p, _max_pool_select_vjp, None, None)


def _valid_counts(shape, ksize, strides, pads, dtype):
    """How many non-padding cells each window holds, shaped to broadcast (1, *O, 1)."""
    counts = None
    for axis, (n, k, s, (lo, hi)) in enumerate(zip(shape[1:-1], ksize, strides, pads)):
        o = (n + lo + hi - k) // s + 1
        start = np.arange(o) * s - lo
        c = np.minimum(start + k, n) - np.maximum(start, 0)
        view = [1] * (len(ksize) + 2)
        view[axis + 1] = o
        c = c.reshape(view)
        counts = c if counts is None else counts * c
    return counts.astype(dtype)


def _avg_pool_forward(x, ksize, strides, pads):
    xp = _pad(x, pads)
    out = _out_size(xp.shape[1:-1], ksize, strides, (1,) * len(ksize))
    win = _windows(xp, ksize, strides, (1,) * len(ksize), out)
    total = win.sum(axis=tuple(range(1 + len(out), 1 + 2 * len(out))))
    if any(lo or hi for lo, hi in pads):
        total /= array_module(x).asarray(_valid_counts(x.shape, ksize, strides, pads, x.dtype))
    else:
        total /= x.dtype.type(math.prod(ksize))
    return total


def _avg_pool_grad_forward(g, x_shape, ksize, strides, pads):
    """``g`` spread evenly over the valid cells of each window."""
    if any(lo or hi for lo, hi in pads):
        g = g / array_module(g).asarray(_valid_counts(x_shape, ksize, strides, pads, g.dtype))
    else:
        g = g / g.dtype.type(math.prod(ksize))
    padded = (x_shape[0], *(d + lo + hi for d, (lo, hi) in zip(x_shape[1:-1], pads)),
              x_shape[-1])
    dxp = np.zeros_like(g, shape=padded)
    out = g.shape[1:-1]
    for k in itertools.product(*map(range, ksize)):
        dxp[_offset(k, out, strides, (1,) * len(ksize))] += g
    return dxp[_interior(x_shape, pads)] if padded != tuple(x_shape) else dxp


avg_pool_p = primitive("avg_pool", _avg_pool_forward)
avg_pool_grad_p = primitive("avg_pool_grad", _avg_pool_grad_forward)
defvjp(avg_pool_p, lambda g, y, x, **p: bind(avg_pool_grad_p, g, x_shape=x._value.shape, **p))
defvjp_raw(avg_pool_p,
           lambda needed, g, y, x, **p: (_avg_pool_grad_forward(g, x.shape, **p),))
defvjp(avg_pool_grad_p, lambda gx, dx, g, x_shape, **p: bind(avg_pool_p, gx, **p))


# -- argument handling ---------------------------------------------------------------
_FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW"), 3: ("NDHWC", "NCDHW")}


def _float_input(x, op, what="input"):
    x = as_tensor(x)
    if x._value.dtype.kind not in "fc":
        if x._value.dtype.kind in "iub" and op.startswith(("max_pool", "avg_pool")):
            return x if op.startswith("max_pool") else cast(x, np.float32)
        raise InvalidTypeError(f"{op}: {what} must be a floating-point tensor, got "
                               f"{x.dtype.name}")
    return x


def _channels_first(data_format, rank, op):
    """Whether ``data_format`` puts channels on axis 1 (validated for ``rank`` spatial axes)."""
    fmt = _FORMATS[rank]
    if data_format is None or data_format == fmt[0]:
        return False
    if data_format == fmt[1]:
        return True
    raise InvalidArgumentError(f"{op}: data_format must be {fmt[0]!r} or {fmt[1]!r}, got "
                               f"{data_format!r}")


def _spatial(value, rank, name, op, channels_first=False, default=1):
    """Strides, dilations or ksize as ``rank`` ints: TF accepts 1, rank or rank+2 values."""
    if value is None:
        return (default,) * rank
    if isinstance(value, numbers.Integral):
        vals = (int(value),) * rank
    else:
        v = [int(a) for a in np.asarray(value).reshape(-1).tolist()]
        if len(v) == 1:
            vals = tuple(v) * rank
        elif len(v) == rank:
            vals = tuple(v)
        elif len(v) == rank + 2:
            outer = (v[0], v[1]) if channels_first else (v[0], v[-1])
            if outer != (1, 1):
                raise InvalidArgumentError(
                    f"{op}: {name} on the batch and channel dimensions must be 1, got {v}")
            vals = tuple(v[2:]) if channels_first else tuple(v[1:-1])
        else:
            raise InvalidArgumentError(f"{op}: {name} must have 1, {rank} or {rank + 2} "
                                       f"elements, got {v}")
    if any(a < 1 for a in vals):
        raise InvalidArgumentError(f"{op}: {name} must be positive, got {list(vals)}")
    return vals


def _pads(padding, in_sizes, kernel, strides, dilations, op, channels_first=False):
    """Per spatial axis (lo, hi) padding: 'VALID', 'SAME' (TF's arithmetic, extra cell
    after) or explicit ``[[lo, hi], ...]`` over all dimensions."""
    rank = len(in_sizes)
    if isinstance(padding, str):
        mode = padding.upper()
        if mode == "VALID":
            return ((0, 0),) * rank
        if mode == "SAME":
            pads = []
            for n, k, s, d in zip(in_sizes, kernel, strides, dilations):
                total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
                pads.append((total // 2, total - total // 2))
            return tuple(pads)
        raise InvalidArgumentError(f"{op}: padding must be 'SAME', 'VALID' or explicit pairs, "
                                   f"got {padding!r}")
    p = np.asarray(padding)
    if p.shape != (rank + 2, 2) or p.dtype.kind not in "iu" or (p < 0).any():
        raise InvalidArgumentError(f"{op}: explicit padding must be {rank + 2} pairs of "
                                   f"non-negative ints, got {p.tolist()}")
    spatial = p[2:] if channels_first else p[1:-1]
    outer = p[:2] if channels_first else p[[0, -1]]
    if outer.any():
        raise InvalidArgumentError(f"{op}: explicit padding of the batch and channel "
                                   f"dimensions must be 0, got {p.tolist()}")
    return tuple((int(lo), int(hi)) for lo, hi in spatial.tolist())


def _check_rank(x, rank, op, what="input"):
    if x._value.ndim != rank + 2:
        raise InvalidArgumentError(f"{op}: {what} must be rank {rank + 2}, got shape "
                                   f"{list(x._value.shape)} (rank {x._value.ndim})")


def _to_last(x, channels_first):
    if not channels_first:
        return x
    r = x._value.ndim
    return transpose(x, (0, *range(2, r), 1))


def _to_first(x, channels_first):
    if not channels_first:
        return x
    r = x._value.ndim
    return transpose(x, (0, r - 1, *range(1, r - 1)))


def _check_output(op, in_sizes, pads, kernel, dilations, what="filter"):
    for n, (lo, hi), k, d in zip(in_sizes, pads, kernel, dilations):
        if n + lo + hi < (k - 1) * d + 1:
            raise InvalidArgumentError(
                f"{op}: the {what} (spatial size {list(kernel)}, dilations {list(dilations)}) "
                f"is larger than the padded input (spatial size {list(in_sizes)}, padding "
                f"{list(pads)}): the output would be empty")


def _conv_geometry(xs, ws, strides, padding, dilations, op, groups=None):
    """Check channels-last input and kernel shapes; return the primitive's parameters."""
    rank = len(ws) - 2
    if rank < 1 or len(xs) != rank + 2:
        raise InvalidArgumentError(f"{op}: input of shape {list(xs)} (rank {len(xs)}) and "
                                   f"filters of shape {list(ws)} (rank {len(ws)}) must have "
                                   "the same rank, 3 to 5")
    cin, cin_g, f = xs[-1], ws[-2], ws[-1]
    if cin_g == 0 or cin % cin_g:
        raise InvalidArgumentError(
            f"{op}: input channels ({cin}, input shape {list(xs)}) must be a multiple of the "
            f"filter's in-channels ({cin_g}, filter shape {list(ws)})")
    g = cin // cin_g
    if groups is not None and g != groups:
        raise InvalidArgumentError(f"{op}: with groups={groups} the filter's in-channels must "
                                   f"be {cin // groups}, got {cin_g} (filter shape {list(ws)})")
    if f % g:
        raise InvalidArgumentError(f"{op}: the number of filters ({f}) must be divisible by "
                                   f"the number of groups ({g}, input channels {cin} / filter "
                                   f"in-channels {cin_g})")
    kernel = ws[:-2]
    pads = _pads(padding, xs[1:-1], kernel, strides, dilations, op)
    _check_output(op, xs[1:-1], pads, kernel, dilations)
    return {"strides": strides, "pads": pads, "dilations": dilations, "groups": g}


def _same_dtype(x, w, op):
    if x._value.dtype != w._value.dtype:
        raise InvalidTypeError(f"{op}: input and filters must have the same dtype, got "
                               f"{x.dtype.name} and {w.dtype.name}")


# -- public convolutions -------------------------------------------------------------
def _convolve(input, filters, strides, padding, data_format, dilations, rank, op):
    x = _float_input(input, op)
    w = _float_input(filters, op, "filters")
    _same_dtype(x, w, op)
    _check_rank(x, rank, op)
    _check_rank(w, rank, op, "filters")
    cf = _channels_first(data_format, rank, op)
    strides = _spatial(strides, rank, "strides", op, cf)
    dilations = _spatial(dilations, rank, "dilations", op, cf)
    x = _to_last(x, cf)
    if not isinstance(padding, str) and cf:
        p = np.asarray(padding)
        padding = np.concatenate([p[:1], p[2:], p[1:2]]) if p.ndim == 2 else padding
    geo = _conv_geometry(x._value.shape, w._value.shape, strides, padding, dilations, op)
    return _to_first(bind(conv_p, x, w, **geo, activation="linear"), cf)


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None, name=None):
    """1-D convolution of ``input`` (N, W, C) with ``filters`` (K, C, F)."""
    return _convolve(input, filters, stride, padding, data_format, dilations, 1, "conv1d")


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None, name=None):
    """2-D convolution of ``input`` (N, H, W, C) with ``filters`` (KH, KW, C, F).

    >>> y = ndflow.nn.conv2d(x, k, strides=1, padding="SAME")
    """
    return _convolve(input, filters, strides, padding, data_format, dilations, 2, "conv2d")


def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None, name=None):
    """3-D convolution of ``input`` (N, D, H, W, C) with ``filters`` (KD, KH, KW, C, F)."""
    return _convolve(input, filters, strides, padding, data_format, dilations, 3, "conv3d")


def convolution(input, filters, strides=None, padding="VALID", data_format=None,
                dilations=None, name=None):
    """N-d convolution (1, 2 or 3 spatial dimensions, from the filters' rank)."""
    rank = as_tensor(filters)._value.ndim - 2
    if rank not in _FORMATS:
        raise InvalidArgumentError(f"convolution: filters must be rank 3 to 5, got shape "
                                   f"{list(as_tensor(filters)._value.shape)}")
    return _convolve(input, filters, strides, padding, data_format, dilations, rank,
                     "convolution")


def fused_conv(x, kernel, bias=None, activation="linear", strides=None, padding="VALID",
               dilations=None, groups=None):
    """``activation(conv(x, kernel) + bias)`` channels last, as one recorded op (for layers).

    ``padding`` is 'VALID', 'SAME' or ``((lo, hi), ...)`` per spatial axis; ``activation``
    one of ``CONV_ACTIVATIONS``.
    """
    rank = kernel._value.ndim - 2
    strides = _spatial(strides, rank, "strides", "conv")
    dilations = _spatial(dilations, rank, "dilations", "conv")
    if isinstance(padding, str):
        geo = _conv_geometry(x._value.shape, kernel._value.shape, strides, padding, dilations,
                             "conv", groups)
    else:
        full = [(0, 0), *padding, (0, 0)]
        geo = _conv_geometry(x._value.shape, kernel._value.shape, strides, full, dilations,
                             "conv", groups)
    if bias is None:
        return bind(conv_p, x, kernel, **geo, activation=activation)
    return bind(conv_p, x, kernel, bias, **geo, activation=activation)


def _transpose_conv(input, filters, output_shape, strides, padding, data_format, dilations,
                    rank, op):
    x = _float_input(input, op)
    w = _float_input(filters, op, "filters")
    _same_dtype(x, w, op)
    _check_rank(x, rank, op)
    _check_rank(w, rank, op, "filters")
    cf = _channels_first(data_format, rank, op)
    strides = _spatial(strides, rank, "strides", op, cf)
    dilations = _spatial(dilations, rank, "dilations", op, cf)
    shape = [int(d) for d in np.asarray(
        output_shape.numpy() if hasattr(output_shape, "numpy") else output_shape).tolist()]
    if len(shape) != rank + 2:
        raise InvalidArgumentError(f"{op}: output_shape must have {rank + 2} elements, got "
                                   f"{shape}")
    if cf:
        shape = [shape[0], *shape[2:], shape[1]]
    x = _to_last(x, cf)
    xs, ws = x._value.shape, w._value.shape
    if shape[-1] != ws[-2]:
        raise InvalidArgumentError(f"{op}: output_shape's channels ({shape[-1]}) must equal "
                                   f"the filters' output channels (dimension -2 of filter "
                                   f"shape {list(ws)})")
    if xs[-1] != ws[-1]:
        raise InvalidArgumentError(f"{op}: input channels ({xs[-1]}, input shape {list(xs)}) "
                                   f"must equal the filters' in-channels (last dimension of "
                                   f"filter shape {list(ws)})")
    if shape[0] != xs[0]:
        raise InvalidArgumentError(f"{op}: output_shape's batch ({shape[0]}) must equal the "
                                   f"input's ({xs[0]})")
    geo = _conv_geometry(tuple(shape), ws, strides, padding, dilations, op)
    expected = _out_size([n + lo + hi for n, (lo, hi) in zip(shape[1:-1], geo["pads"])],
                         ws[:-2], strides, dilations)
    if tuple(expected) != tuple(xs[1:-1]):
        raise InvalidArgumentError(
            f"{op}: input spatial size {list(xs[1:-1])} does not match output_shape "
            f"{shape}: a convolution of that output with this filter, strides {list(strides)}"
            f" and padding {padding!r} would give {list(expected)}")
    y = bind(conv_input_grad_p, x, w, x_shape=tuple(shape), **geo)
    return _to_first(y, cf)


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME",
                     data_format="NHWC", dilations=None, name=None):
    """The transpose (gradient) of conv2d: ``filters`` are (KH, KW, out_channels, in_channels).
    """
    return _transpose_conv(input, filters, output_shape, strides, padding, data_format,
                           dilations, 2, "conv2d_transpose")


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME",
                     data_format="NWC", dilations=None, name=None):
    """The transpose of conv1d: ``filters`` are (K, out_channels, in_channels)."""
    return _transpose_conv(input, filters, output_shape, strides, padding, data_format,
                           dilations, 1, "conv1d_transpose")


def conv3d_transpose(input, filters, output_shape, strides, padding="SAME",
                     data_format="NDHWC", dilations=None, name=None):
    """The transpose of conv3d: ``filters`` are (KD, KH, KW, out_channels, in_channels)."""
    return _transpose_conv(input, filters, output_shape, strides, padding, data_format,
                           dilations, 3, "conv3d_transpose")


def conv_transpose(input, filters, output_shape, strides, padding="SAME", data_format=None,
                   dilations=None, name=None):
    """The transpose of an N-d convolution (rank from ``output_shape``)."""
    rank = len(np.asarray(output_shape.numpy() if hasattr(output_shape, "numpy")
                          else output_shape).reshape(-1)) - 2
    if rank not in _FORMATS:
        raise InvalidArgumentError(f"conv_transpose: output_shape must have 3 to 5 elements, "
                                   f"got {output_shape}")
    return _transpose_conv(input, filters, output_shape, strides, padding, data_format,
                           dilations, rank, "conv_transpose")


def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None,
                     name=None):
    """Each input channel convolved with its own ``channel_multiplier`` filters.

    ``filter`` is (KH, KW, in_channels, channel_multiplier); output channel
    ``c * channel_multiplier + m`` comes from input channel ``c``.
    """
    op = "depthwise_conv2d"
    x = _float_input(input, op)
    w = _float_input(filter, op, "filter")
    _same_dtype(x, w, op)
    _check_rank(x, 2, op)
    _check_rank(w, 2, op, "filter")
    cf = _channels_first(data_format, 2, op)
    strides = _spatial(strides, 2, "strides", op, cf)
    dilations = _spatial(dilations, 2, "dilations", op, cf)
    x = _to_last(x, cf)
    kh, kw, c, m = w._value.shape
    if x._value.shape[-1] != c:
        raise InvalidArgumentError(f"{op}: input channels ({x._value.shape[-1]}, input shape "
                                   f"{list(x._value.shape)}) must equal the filter's "
                                   f"in_channels ({c}, filter shape {list(w._value.shape)})")
    wg = reshape(w, (kh, kw, 1, c * m))
    geo = _conv_geometry(x._value.shape, wg._value.shape, strides, padding, dilations, op,
                         groups=c)
    return _to_first(bind(conv_p, x, wg, **geo, activation="linear"), cf)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,
                     data_format=None, dilations=None, name=None):
    """A depthwise convolution followed by a 1x1 convolution mixing the channels.

    ``pointwise_filter`` is (1, 1, in_channels * channel_multiplier, out_channels).
    """
    cf = _channels_first(data_format, 2, "separable_conv2d")
    x = _to_last(_float_input(input, "separable_conv2d"), cf)
    fmt = "NHWC"
    y = depthwise_conv2d(x, depthwise_filter, strides, padding, fmt, dilations)
    pw = _float_input(pointwise_filter, "separable_conv2d", "pointwise_filter")
    if tuple(pw._value.shape[:2]) != (1, 1):
        raise InvalidArgumentError(f"separable_conv2d: pointwise_filter must be (1, 1, "
                                   f"channels, filters), got shape {list(pw._value.shape)}")
    return _to_first(conv2d(y, pw, 1, "VALID", fmt), cf)


# -- public pooling ------------------------------------------------------------------
def _pool(prim, input, ksize, strides, padding, data_format, rank, op):
    x = _float_input(input, op)
    if rank is None:
        rank = x._value.ndim - 2
        if rank not in _FORMATS:
            raise InvalidArgumentError(f"{op}: input must be rank 3 to 5, got shape "
                                       f"{list(x._value.shape)}")
    _check_rank(x, rank, op)
    cf = _channels_first(data_format, rank, op)
    ksize = _spatial(ksize, rank, "ksize", op, cf)
    strides = _spatial(strides, rank, "strides", op, cf)
    if not isinstance(padding, str) or padding.upper() not in ("SAME", "VALID"):
        raise InvalidArgumentError(f"{op}: padding must be 'SAME' or 'VALID', got {padding!r}")
    x = _to_last(x, cf)
    pads = _pads(padding, x._value.shape[1:-1], ksize, strides, (1,) * rank, op)
    _check_output(op, x._value.shape[1:-1], pads, ksize, (1,) * rank, "window")
    return _to_first(bind(prim, x, ksize=ksize, strides=strides, pads=pads), cf)


def max_pool(input, ksize, strides, padding, data_format=None, name=None):
    """Max pooling over 1, 2 or 3 spatial dimensions (from the input's rank)."""
    return _pool(max_pool_p, input, ksize, strides, padding, data_format, None, "max_pool")


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """Max pooling of ``input`` (N, W, C) over windows of ``ksize``."""
    return _pool(max_pool_p, input, ksize, strides, padding, data_format, 1, "max_pool1d")


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """Max pooling of ``input`` (N, H, W, C) over windows of ``ksize``."""
    return _pool(max_pool_p, input, ksize, strides, padding, data_format, 2, "max_pool2d")


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """Max pooling of ``input`` (N, D, H, W, C) over windows of ``ksize``."""
    return _pool(max_pool_p, input, ksize, strides, padding, data_format, 3, "max_pool3d")


def avg_pool(input, ksize, strides, padding, data_format=None, name=None):
    """Average pooling over 1, 2 or 3 spatial dimensions; SAME averages valid cells only."""
    return _pool(avg_pool_p, input, ksize, strides, padding, data_format, None, "avg_pool")


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None):
    """Average pooling of ``input`` (N, W, C); SAME averages valid cells only."""
    return _pool(avg_pool_p, input, ksize, strides, padding, data_format, 1, "avg_pool1d")


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None):
    """Average pooling of ``input`` (N, H, W, C); SAME averages valid cells only."""
    return _pool(avg_pool_p, input, ksize, strides, padding, data_format, 2, "avg_pool2d")


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None):
    """Average pooling of ``input`` (N, D, H, W, C); SAME averages valid cells only."""
    return _pool(avg_pool_p, input, ksize, strides, padding, data_format, 3, "avg_pool3d")
