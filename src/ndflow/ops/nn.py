"""Neural-network ops: activations, softmax, cross-entropies on logits, moments, dropout.

>>> import ndflow as tf
>>> tf.nn.softmax([[1000.0, 0.0]]).numpy()
array([[1., 0.]], dtype=float32)

Fused primitives (softmax, log_softmax, the cross-entropies) are stable for any logits
and carry their own gradient rules, written with ndflow ops so that they can be
differentiated again. ``g`` is the upstream gradient, ``y`` the op's output, ``x`` its
input (``z`` the labels).
"""

import numbers

import numpy as np

from ndflow.autodiff.engine_ops import reshape
from ndflow.autodiff.primitive import bind, defvjp, defvjp_raw, primitive
from ndflow.backend import rng
from ndflow.backend.xp import array_module, to_numpy
from ndflow.core.convert import to_array
from ndflow.core.errors import InvalidArgumentError, InvalidTypeError, shape_str
from ndflow.core.tensor import Tensor, wrap
from ndflow.ops._operands import as_tensor
from ndflow.ops._operands import normalize_axis as _axis
from ndflow.ops.cast import cast
from ndflow.ops.math import (
    abs,
    exp,
    maximum,
    negative,
    rsqrt,
    sigmoid,
    square,
    squared_difference,
    tanh,
    where,
)
from ndflow.ops.random import dropout_mask
from ndflow.ops.reduction import reduce_mean, reduce_sum

__all__ = [
    "batch_normalization",
    "bias_add",
    "dropout",
    "elu",
    "gelu",
    "l2_loss",
    "l2_normalize",
    "leaky_relu",
    "log_softmax",
    "moments",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "sigmoid_cross_entropy_with_logits",
    "silu",
    "softmax",
    "softmax_cross_entropy_with_logits",
    "softplus",
    "softsign",
    "sparse_softmax_cross_entropy_with_logits",
    "swish",
    "tanh",
    "weighted_cross_entropy_with_logits",
]


# -- argument checks -----------------------------------------------------------------
def _float_tensor(x, op, what="features"):
    x = as_tensor(x)
    if x._value.dtype.kind != "f":
        raise InvalidTypeError(f"{op}: {what} must be a floating-point tensor (float16, "
                               f"float32 or float64), got {x.dtype.name}")
    return x


def _expand(g, axis):
    """``g`` with a length-1 axis inserted at ``axis`` (to broadcast a reduced gradient)."""
    shape = list(g._value.shape)
    shape.insert(axis if axis >= 0 else len(shape) + 1 + axis, 1)
    return reshape(g, shape)


def _own_message(arrays, params, error):
    return str(error) if isinstance(error, InvalidArgumentError) else None


# -- rectifiers ----------------------------------------------------------------------
def _leaky_relu_forward(x, alpha):
    if 0 <= alpha <= 1:
        return np.maximum(x, x * alpha)  # much faster than np.where on random signs
    return np.where(x > 0, x, x * alpha)


relu_p = primitive("relu", lambda x: np.maximum(x, 0))
relu6_p = primitive("relu6", lambda x: np.clip(x, 0, 6))
leaky_relu_p = primitive("leaky_relu", _leaky_relu_forward)


def _relu_grad_forward(g, x, alpha, cap):
    """``g`` times the slope of a piecewise-linear rectifier: 1 on (0, cap), alpha below 0."""
    if alpha:
        slope = (x > 0).astype(g.dtype)
        slope *= 1 - alpha
        slope += alpha
    else:
        slope = x > x.dtype.type(0)  # a zero of x's dtype compares faster than Python's 0
    if cap is not None:
        slope = slope * (x < cap)
    return np.multiply(g, slope)  # the ufunc skips the operator's dispatch checks


# The slope is constant between kinks, so this op is linear in g and flat in x.
relu_grad_p = primitive("relu_grad", _relu_grad_forward)
defvjp(relu_grad_p, lambda gg, y, g, x, alpha, cap: _relu_grad(gg, x, alpha, cap), None)


def _relu_grad(g, x, alpha=0.0, cap=None):
    return bind(relu_grad_p, g, x, alpha=alpha, cap=cap)


defvjp(relu_p, lambda g, y, x: _relu_grad(g, x))
defvjp_raw(relu_p, lambda needed, g, y, x: (_relu_grad_forward(g, x, 0.0, None),))
defvjp(relu6_p, lambda g, y, x: _relu_grad(g, x, cap=6))
defvjp(leaky_relu_p, lambda g, y, x, alpha: _relu_grad(g, x, alpha))


def relu(features, name=None):
    """Rectified linear unit: ``max(features, 0)``.

    >>> ndflow.nn.relu([-1.0, 2.0]).numpy()
    array([0., 2.], dtype=float32)
    """
    return bind(relu_p, as_tensor(features))


def relu6(features, name=None):
    """Rectified linear unit capped at 6: ``min(max(features, 0), 6)``."""
    return bind(relu6_p, as_tensor(features))


def leaky_relu(features, alpha=0.2, name=None):
    """Leaky rectifier: ``features`` where positive, ``alpha * features`` elsewhere."""
    x = as_tensor(features)
    if x._value.dtype.kind in "biu":
        x = cast(x, np.float32)
    return bind(leaky_relu_p, x, alpha=float(alpha))


# -- exponential units ---------------------------------------------------------------
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _elu_forward(x, alpha, scale):
    y = np.expm1(np.minimum(x, 0))
    if alpha != 1:
        y *= alpha
    y += np.maximum(x, 0)
    if scale != 1:
        y *= scale
    return y


elu_p = primitive("elu", _elu_forward)
# y < 0 exactly where x < 0; at x = 0 the slope is taken from the right, as TensorFlow
defvjp(elu_p, lambda g, y, x, alpha, scale: where(y < 0, g * (y + scale * alpha), g * scale))


def elu(features, name=None):
    """Exponential linear unit: ``features`` where positive, ``exp(features) - 1`` elsewhere."""
    return bind(elu_p, _float_tensor(features, "elu"), alpha=1.0, scale=1.0)


def selu(features, name=None):
    """Scaled exponential linear unit, ``scale * elu`` with the self-normalizing constants."""
    return bind(elu_p, _float_tensor(features, "selu"), alpha=_SELU_ALPHA, scale=_SELU_SCALE)


# -- smooth activations ----------------------------------------------------------------
def _softplus_forward(x):
    return np.logaddexp(x, 0)  # log(1 + exp(x)) without overflow


softplus_p = primitive("softplus", _softplus_forward)
defvjp(softplus_p, lambda g, y, x: g * sigmoid(x))

softsign_p = primitive("softsign", lambda x: x / (1 + np.abs(x)))
defvjp(softsign_p, lambda g, y, x: g / square(1 + abs(x)))


def softplus(features, name=None):
    """Softplus: ``log(exp(features) + 1)``, computed without overflow."""
    return bind(softplus_p, _float_tensor(features, "softplus"))


def softsign(features, name=None):
    """Softsign: ``features / (abs(features) + 1)``."""
    return bind(softsign_p, _float_tensor(features, "softsign"))


def silu(features, beta=1.0, name=None):
    """Sigmoid-weighted linear unit (swish): ``features * sigmoid(beta * features)``."""
    x = _float_tensor(features, "silu")
    return x * sigmoid(x if beta == 1.0 else x * beta)


swish = silu


# -- GELU: x * Phi(x), with Phi the standard normal CDF ------------------------------------
# erfc(z) = t * exp(-z*z + P(s)) for z >= 0, with t = 2 / (2 + z) and s = (2 - z) / (2 + z)
# in (-1, 1]: P is the Chebyshev interpolant of log(erfc(z) / t) + z*z, written in powers
# of s (lowest first). The short one (within 7e-9) is evaluated in float32 for float32 and
# float16 inputs, the long one (within 5e-15) in float64.
_ERFC_SHORT = (
    -0.6717940840566925, 0.6726431522588243, 0.04734334109350111, -0.04689359030467165,
    -0.009873662468858176, 0.008808544323016957, 0.001767003254456143,
    -0.0022881236560286056, -0.00017580547601498135, 0.0005731254983236376,
    -3.8254101963690356e-05, -8.705098812167635e-05, 1.5401816190436936e-05,
)
_ERFC_LONG = (
    -0.6717940840566916, 0.6726432239776704, 0.04734330684173145, -0.046895610232525406,
    -0.009872689357362657, 0.00882493859556318, 0.0017589333671277649,
    -0.002345812998208732, -0.00014624478284628952, 0.0006736823117950497,
    -9.37483658195252e-05, -0.00017431783980831645, 7.14550512627073e-05,
    3.178461817725478e-05, -3.0332259284728647e-05, 7.248703659991016e-08,
    8.822023940354605e-06, -2.8853504811781914e-06, -1.5859723957675383e-06,
    1.2268243040409916e-06, 8.158565371916637e-08, -2.663204336294917e-07,
    2.8471132318208093e-08, 2.5669233692355362e-08, -4.288770041292802e-09,
)
_SQRT_HALF = 0.7071067811865476
_INV_SQRT_2PI = 0.3989422804014327


def _erfc_inplace(z, coeffs):
    """Complementary error function of a float array, overwriting it (few temporaries)."""
    negative = z < 0
    a = np.abs(z, out=z)
    t = a + 2
    np.divide(2, t, out=t)
    s = t * 2
    s -= 1
    p = s * coeffs[-1]
    p += coeffs[-2]
    for c in coeffs[-3::-1]:
        p *= s
        p += c
    a *= a
    p -= a
    np.exp(p, out=p)
    p *= t  # erfc(|z|)
    np.multiply(p, -2, out=t)
    t += 2
    t *= negative
    p += t  # erfc(z) = 2 - erfc(-z) where z < 0 (np.where is slower)
    return p


def _normal_cdf_forward(x):
    size = x.dtype.itemsize
    z = (x if size >= 4 else x.astype(np.float32)) * -_SQRT_HALF
    phi = _erfc_inplace(z, _ERFC_LONG if size >= 8 else _ERFC_SHORT)
    phi *= 0.5
    return phi.astype(x.dtype, copy=False)


normal_cdf_p = primitive("normal_cdf", _normal_cdf_forward)
defvjp(normal_cdf_p, lambda g, y, x: g * exp(square(x) * -0.5) * _INV_SQRT_2PI)


def gelu(features, approximate=False, name=None):
    """Gaussian error linear unit: ``features * Phi(features)`` (tanh form if approximate)."""
    x = _float_tensor(features, "gelu")
    if approximate:
        inner = (x + x * x * x * 0.044715) * 0.7978845608028654  # sqrt(2 / pi)
        return x * (tanh(inner) + 1) * 0.5
    return x * bind(normal_cdf_p, x)


# -- softmax family --------------------------------------------------------------------
def _softmax_forward(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e


def _log_softmax_forward(x, axis):
    s = x - x.max(axis=axis, keepdims=True)
    s -= np.log(np.exp(s).sum(axis=axis, keepdims=True))
    return s


softmax_p = primitive("softmax", _softmax_forward)
defvjp(softmax_p,
       lambda g, y, x, axis: y * (g - reduce_sum(g * y, axis=axis, keepdims=True)))

log_softmax_p = primitive("log_softmax", _log_softmax_forward)
defvjp(log_softmax_p,
       lambda g, y, x, axis: g - exp(y) * reduce_sum(g, axis=axis, keepdims=True))


def softmax(logits, axis=-1, name=None):
    """Softmax along ``axis``: ``exp(logits) / sum(exp(logits))``, stable for any logits.

    >>> ndflow.nn.softmax([1.0, 1.0]).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    x = _float_tensor(logits, "softmax", "logits")
    return bind(softmax_p, x, axis=_axis(-1 if axis is None else axis, x.ndim, "softmax"))


def log_softmax(logits, axis=-1, name=None):
    """Log-softmax along ``axis``: ``logits - log(sum(exp(logits)))``, stable."""
    x = _float_tensor(logits, "log_softmax", "logits")
    return bind(log_softmax_p, x,
                axis=_axis(-1 if axis is None else axis, x.ndim, "log_softmax"))


# -- cross-entropies on logits -----------------------------------------------------------
def _labels_like(labels, logits, op):
    """Labels as a tensor of the logits' dtype and shape (data converted, tensors checked)."""
    dtype = logits._value.dtype
    if isinstance(labels, Tensor):
        if labels._value.dtype != dtype:
            raise InvalidTypeError(f"{op}: labels and logits must have the same dtype, got "
                                   f"{labels.dtype.name} and {logits.dtype.name}; cast the "
                                   f"labels with ndflow.cast(labels, {logits.dtype.name})")
    else:
        arr = to_array(labels)
        labels = wrap(arr if arr.dtype == dtype else arr.astype(dtype))
    if labels._value.shape != logits._value.shape:
        raise InvalidArgumentError(f"{op}: logits and labels must have the same shape "
                                   f"({shape_str(logits._value.shape)} vs "
                                   f"{shape_str(labels._value.shape)})")
    return labels


def _sigmoid_xent_forward(z, x):
    return np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))


sigmoid_xent_p = primitive("sigmoid_cross_entropy_with_logits", _sigmoid_xent_forward)
defvjp(sigmoid_xent_p,
       lambda g, y, z, x: negative(g) * x,
       lambda g, y, z, x: g * (sigmoid(x) - z))


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Elementwise binary cross-entropy of ``labels`` and ``sigmoid(logits)``, stable.

    Computed as ``max(x, 0) - x * z + log(1 + exp(-abs(x)))`` for logits ``x`` and
    labels ``z``.
    """
    op = "sigmoid_cross_entropy_with_logits"
    if labels is None or logits is None:
        raise ValueError(f"{op}: both labels and logits must be given")
    x = _float_tensor(logits, op, "logits")
    z = _labels_like(labels, x, op)
    return bind(sigmoid_xent_p, z, x)


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """Sigmoid cross-entropy whose positive term is weighted by ``pos_weight``."""
    op = "weighted_cross_entropy_with_logits"
    x = _float_tensor(logits, op, "logits")
    z = _labels_like(labels, x, op)
    # (1 - z) x + (1 + (w - 1) z) log(1 + exp(-x)), with softplus(-x) for the last factor
    return (1 - z) * x + (1 + (pos_weight - 1) * z) * softplus(negative(x))


def _softmax_xent_forward(z, x, axis):
    s = x - x.max(axis=axis, keepdims=True)
    s -= np.log(np.exp(s).sum(axis=axis, keepdims=True))  # log_softmax(x)
    s *= z
    return -s.sum(axis=axis)


# One rule per argument, so the usual constant labels cost nothing in the backward pass.
def _softmax_xent_vjp_labels(g, y, z, x, axis):
    return negative(_expand(g, axis)) * log_softmax(x, axis=axis)  # d/dz = -log_softmax(x)


def _softmax_xent_vjp_logits(g, y, z, x, axis):
    return bind(softmax_xent_grad_p, g, z, x, axis=axis)


def _softmax_xent_grad_forward(g, z, x, axis):
    # d/dx = sum(z) * softmax(x) - z (p - z when the labels sum to 1), times g: one pass,
    # as this is the first rule of nearly every classifier's backward pass
    p = _softmax_forward(x, axis)
    p *= z.sum(axis=axis, keepdims=True)
    p -= z
    p *= _insert_axis(g, axis)
    return p


def _insert_axis(g, axis):
    """The array ``g`` with a length-1 axis inserted at the negative ``axis``."""
    shape = list(g.shape)
    shape.insert(len(shape) + 1 + axis, 1)
    return g.reshape(shape)


# Rules of the gradient itself (for second derivatives), with S = sum(z), p = softmax(x):
# out = g (S p - z), so d/dg sums gg (S p - z) over the axis, d/dz_k = g (<gg, p> - gg_k)
# and d/dx = g S p (gg - <gg, p>).
def _xent_grad_vjp_g(gg, y, g, z, x, axis):
    s = reduce_sum(z, axis=axis, keepdims=True)
    return reduce_sum(gg * (s * softmax(x, axis=axis) - z), axis=axis)


def _xent_grad_vjp_z(gg, y, g, z, x, axis):
    p = softmax(x, axis=axis)
    return _expand(g, axis) * (reduce_sum(gg * p, axis=axis, keepdims=True) - gg)


def _xent_grad_vjp_x(gg, y, g, z, x, axis):
    p = softmax(x, axis=axis)
    s = reduce_sum(z, axis=axis, keepdims=True)
    return _expand(g, axis) * s * p * (gg - reduce_sum(gg * p, axis=axis, keepdims=True))


softmax_xent_p = primitive("softmax_cross_entropy_with_logits", _softmax_xent_forward)
defvjp(softmax_xent_p, _softmax_xent_vjp_labels, _softmax_xent_vjp_logits)
def _softmax_xent_raw_vjp(needed, g, y, z, x, axis):
    grad_z = grad_x = None
    if needed[0]:
        grad_z = _log_softmax_forward(x, axis)
        grad_z *= -_insert_axis(g, axis)
    if needed[1]:
        grad_x = _softmax_xent_grad_forward(g, z, x, axis)
    return grad_z, grad_x


defvjp_raw(softmax_xent_p, _softmax_xent_raw_vjp)
softmax_xent_grad_p = primitive("softmax_cross_entropy_grad", _softmax_xent_grad_forward)
defvjp(softmax_xent_grad_p, _xent_grad_vjp_g, _xent_grad_vjp_z, _xent_grad_vjp_x)


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """Cross-entropy of the distributions ``labels`` and ``softmax(logits)`` along ``axis``.

    Returns one loss per row (``axis`` removed); differentiable in labels and logits.
    """
    op = "softmax_cross_entropy_with_logits"
    x = _float_tensor(logits, op, "logits")
    z = _labels_like(labels, x, op)
    return bind(softmax_xent_p, z, x, axis=_axis(axis, x.ndim, op) - x.ndim)


def _check_labels(labels, classes):
    """Raise when a class label is outside ``[0, classes)``."""
    if labels.size:
        lo, hi = labels.min(), labels.max()
        if lo < 0 or hi >= classes:
            bad = lo if lo < 0 else hi
            raise InvalidArgumentError(
                f"Received a label value of {bad} which is outside the valid range of "
                f"[0, {classes}). Label values: {' '.join(map(str, labels.reshape(-1)[:20]))}")


def _sparse_xent_forward(labels, x):
    _check_labels(labels, x.shape[-1])
    s = x - x.max(axis=-1, keepdims=True)
    picked = np.take_along_axis(s, labels[..., None], axis=-1)[..., 0]
    return np.log(np.exp(s).sum(axis=-1)) - picked


def _one_hot_like(labels, x):
    xp = array_module(x)
    return (labels[..., None] == xp.arange(x.shape[-1])).astype(x.dtype)


# an op (not a constant) so that a compiled step recomputes it from each batch's labels
one_hot_like_p = primitive("one_hot_like", _one_hot_like)


def _sparse_xent_vjp(g, y, labels, x):
    onehot = bind(one_hot_like_p, labels, x)
    return _expand(g, -1) * (softmax(x) - onehot)


def _sparse_xent_raw_vjp(needed, g, y, labels, x):
    if not needed[1]:
        return [None, None]
    p = _softmax_forward(x, -1)
    p -= _one_hot_like(labels, x)
    p *= g[..., None]
    return [None, p]


sparse_xent_p = primitive("sparse_softmax_cross_entropy_with_logits", _sparse_xent_forward,
                          _own_message)
defvjp(sparse_xent_p, None, _sparse_xent_vjp)
defvjp_raw(sparse_xent_p, _sparse_xent_raw_vjp)


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """Cross-entropy of integer class ``labels`` and ``softmax(logits)`` over the last axis.

    ``labels`` has the shape of ``logits`` without its last axis, values in
    ``[0, num_classes)``.
    """
    op = "sparse_softmax_cross_entropy_with_logits"
    x = _float_tensor(logits, op, "logits")
    z = as_tensor(labels)
    if z._value.dtype.kind not in "iu":
        raise InvalidTypeError(f"{op}: labels must be integers (int32 or int64), got "
                               f"{z.dtype.name}")
    if x.ndim == 0 or z.ndim != x.ndim - 1:
        raise InvalidArgumentError(f"{op}: rank of labels (received {z.ndim}) should equal "
                                   f"rank of logits minus 1 (received {x.ndim})")
    if z._value.shape != x._value.shape[:-1]:
        raise InvalidArgumentError(f"{op}: labels shape {shape_str(z._value.shape)} must "
                                   f"equal the logits shape {shape_str(x._value.shape)} "
                                   f"without its last dimension")
    return bind(sparse_xent_p, z, x)


# -- losses, normalization, statistics ---------------------------------------------------------
def l2_loss(t, name=None):
    """Half the squared L2 norm: ``sum(t ** 2) / 2``."""
    return reduce_sum(square(_float_tensor(t, "l2_loss", "t"))) * 0.5


def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """``x / sqrt(max(sum(x ** 2, axis), epsilon))``."""
    x = _float_tensor(x, "l2_normalize", "x")
    axis = dim if axis is None else axis
    return x * rsqrt(maximum(reduce_sum(square(x), axis=axis, keepdims=True), epsilon))


def moments(x, axes, shift=None, keepdims=False, name=None):
    """Mean and variance of ``x`` over ``axes``; returns ``(mean, variance)``."""
    x = _float_tensor(x, "moments", "x")
    if hasattr(axes, "_value"):
        axes = to_numpy(axes._value).tolist()
    axes = [int(axes)] if isinstance(axes, numbers.Integral) else [int(a) for a in axes]
    half = x._value.dtype == np.float16  # accumulate float16 in float32, as TensorFlow
    y = cast(x, np.float32) if half else x
    mean = reduce_mean(y, axis=axes, keepdims=True)
    variance = reduce_mean(squared_difference(y, mean), axis=axes, keepdims=True)
    if not keepdims:
        kept = [d for i, d in enumerate(y._value.shape)
                if i not in {a % y.ndim for a in axes}]
        mean, variance = reshape(mean, kept), reshape(variance, kept)
    if half:
        mean, variance = cast(mean, np.float16), cast(variance, np.float16)
    return mean, variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """``scale * (x - mean) / sqrt(variance + variance_epsilon) + offset``."""
    mean = as_tensor(mean)
    inv = rsqrt(as_tensor(variance) + variance_epsilon)
    if scale is not None:
        inv = inv * scale
    shift = negative(mean * inv) if offset is None else as_tensor(offset) - mean * inv
    return as_tensor(x) * inv + shift


def bias_add(value, bias, data_format=None, name=None):
    """Add the 1-D ``bias`` along the channel axis (last, or second for 'NC...' formats)."""
    x, b = as_tensor(value), as_tensor(bias)
    channels_first = data_format is not None and str(data_format).startswith("NC")
    axis = 1 if channels_first else -1
    if b.ndim != 1:
        raise InvalidArgumentError(f"bias_add: bias must be 1-D, got shape "
                                   f"{shape_str(b._value.shape)}")
    if x.ndim < 2:
        raise InvalidArgumentError(f"bias_add: input tensor must be at least 2-D, got shape "
                                   f"{shape_str(x._value.shape)}")
    if x._value.shape[axis] != b._value.shape[0]:
        raise InvalidArgumentError(f"bias_add: must provide as many biases as the "
                                   f"{'channel' if channels_first else 'last'} dimension of "
                                   f"the input: {shape_str(b._value.shape)} vs. "
                                   f"{shape_str(x._value.shape)}")
    if b._value.dtype != x._value.dtype:
        raise InvalidTypeError(f"bias_add: bias dtype {b.dtype.name} does not match the "
                               f"input dtype {x.dtype.name}")
    if channels_first:
        b = reshape(b, (-1,) + (1,) * (x.ndim - 2))
    return x + b


# -- dropout ---------------------------------------------------------------------------
def _noise_shape(noise_shape, shape):
    if noise_shape is None:
        return None
    if hasattr(noise_shape, "_value"):
        noise_shape = to_numpy(noise_shape._value).tolist()
    dims = tuple(shape[i] if d is None else int(d) for i, d in
                 enumerate(noise_shape)) if len(noise_shape) == len(shape) else None
    if dims is None or any(d not in (1, s) for d, s in zip(dims, shape)):
        raise InvalidArgumentError(f"dropout: noise_shape {list(noise_shape)} must have the "
                                   f"rank of x and each dimension 1 or that of x "
                                   f"{shape_str(shape)}")
    return None if dims == tuple(shape) else dims


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zero each element with probability ``rate``; scale the rest by ``1 / (1 - rate)``.

    ``noise_shape`` (broadcastable to ``x``'s shape) shares one keep/drop decision along
    its length-1 dimensions.
    """
    x = as_tensor(x)
    if x._value.dtype.kind != "f":
        raise InvalidTypeError(f"dropout: x has to be a floating point tensor since it's going "
                               f"to be scaled; got a {x.dtype.name} tensor instead")
    if hasattr(rate, "_value"):
        rate = rate._value.item()
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not 0 <= rate < 1:
        raise InvalidArgumentError(f"dropout: rate must be a scalar tensor or a float in the "
                                   f"range [0, 1), got {rate!r}")
    if rate == 0:
        return x
    noise = _noise_shape(noise_shape, x._value.shape)
    return x * dropout_mask(x, float(rate), noise, rng.check_seed(seed))
