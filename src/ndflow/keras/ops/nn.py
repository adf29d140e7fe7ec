"""Neural-network ops of ``keras.ops`` (``keras.ops.nn``): activations, softmax, one-hot
encodings, cross-entropies, moments and normalization.

Integer and boolean inputs of activations become ``floatx()``, as in Keras. The fused
ndflow primitives (softmax, log-softmax, the cross-entropies on logits) are used where
they exist; the rest are compositions of ndflow ops.
"""

import numpy as np

from ndflow.backend.config import epsilon as _epsilon
from ndflow.backend.config import floatx
from ndflow.core.errors import InvalidArgumentError, shape_str
from ndflow.keras.ops.linalg import norm
from ndflow.keras.ops.numpy import _floating, _t, moveaxis
from ndflow.ops import array as _array
from ndflow.ops import creation as _creation
from ndflow.ops import math as _math
from ndflow.ops import nn as _nn
from ndflow.ops import reduction as _reduction
from ndflow.ops._operands import normalize_axis
from ndflow.ops.cast import cast

__all__ = [
    "batch_normalization", "binary_crossentropy", "categorical_crossentropy", "celu", "elu",
    "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
    "leaky_relu", "log_sigmoid", "log_softmax", "moments", "multi_hot", "normalize", "one_hot",
    "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus",
    "softsign", "sparse_categorical_crossentropy", "sparse_plus", "sparse_sigmoid",
    "squareplus", "swish", "tanh_shrink", "threshold",
]


# -- activations -----------------------------------------------------------------------
def relu(x):
    """Rectified linear unit: ``max(x, 0)``."""
    return _nn.relu(_floating(x))


def relu6(x):
    """Rectified linear unit capped at 6: ``min(max(x, 0), 6)``."""
    return _nn.relu6(_floating(x))


def sigmoid(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``."""
    return _math.sigmoid(_floating(x))


def softplus(x):
    """``log(1 + exp(x))``, without overflow."""
    return _nn.softplus(_floating(x))


def softsign(x):
    """``x / (1 + |x|)``."""
    return _nn.softsign(_floating(x))


def silu(x):
    """Sigmoid-weighted linear unit (swish): ``x * sigmoid(x)``."""
    return _nn.silu(_floating(x))


def swish(x):
    """Alias of ``silu``: ``x * sigmoid(x)``."""
    return _nn.silu(_floating(x))


def log_sigmoid(x):
    """``log(sigmoid(x))``, without overflow."""
    return _math.log_sigmoid(_floating(x))


def leaky_relu(x, negative_slope=0.2):
    """``x`` where positive, ``negative_slope * x`` elsewhere."""
    return _nn.leaky_relu(_floating(x), alpha=negative_slope)


def hard_sigmoid(x):
    """Piecewise-linear sigmoid: ``relu6(x + 3) / 6``."""
    return _nn.relu6(_floating(x) + 3.0) * (1.0 / 6.0)


def hard_silu(x):
    """``x * hard_sigmoid(x)``."""
    x = _floating(x)
    return x * hard_sigmoid(x)


def hard_swish(x):
    """Alias of ``hard_silu``."""
    return hard_silu(x)


def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere."""
    x = _floating(x)
    if alpha == 1.0:
        return _nn.elu(x)
    # expm1 only of the non-positive part, so the unused branch never overflows
    return _math.where(_math.greater(x, 0), x, alpha * _math.expm1(_math.minimum(x, 0)))


def selu(x):
    """Scaled exponential linear unit (self-normalizing constants)."""
    return _nn.selu(_floating(x))


def gelu(x, approximate=True):
    """Gaussian error linear unit ``x * Phi(x)``; the tanh approximation by default, as in
    ``keras.ops``."""
    return _nn.gelu(_floating(x), approximate=approximate)


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: ``max(x, 0) + alpha * expm1(min(x, 0) / alpha)``."""
    x = _floating(x)
    return _nn.relu(x) + alpha * _math.expm1(_math.minimum(x, 0) * (1.0 / alpha))


def glu(x, axis=-1):
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves ``a, b`` of ``axis``."""
    x = _floating(x)
    a = normalize_axis(axis, x.ndim, "glu")
    if x.shape[a] % 2:
        raise InvalidArgumentError(f"glu: axis {a} of shape {shape_str(x.shape)} must have "
                                   f"an even length")
    first, second = _array.split(x, 2, axis=a)
    return first * _math.sigmoid(second)


def hard_tanh(x):
    """``x`` clipped to ``[-1, 1]``."""
    return _math.clip_by_value(_floating(x), -1.0, 1.0)


def tanh_shrink(x):
    """``x - tanh(x)``."""
    x = _floating(x)
    return x - _math.tanh(x)


def soft_shrink(x, threshold=0.5):
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``, else 0."""
    x = _floating(x)
    zero = _math.zeros_like(x)
    shrunk = _math.where(_math.less(x, -threshold), x + threshold, zero)
    return _math.where(_math.greater(x, threshold), x - threshold, shrunk)


def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0."""
    x = _floating(x)
    return _math.where(_math.greater(_math.abs(x), threshold), x, _math.zeros_like(x))


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    x = _floating(x)
    return _math.where(_math.greater(x, threshold), x, _math.zeros_like(x) + default_value)


def squareplus(x, b=4):
    """Smooth rectifier ``(x + sqrt(x ** 2 + b)) / 2``."""
    x = _floating(x)
    return (x + _math.sqrt(x * x + b)) * 0.5


def sparse_plus(x):
    """0 below -1, ``x`` above 1, ``(x + 1) ** 2 / 4`` between."""
    x = _floating(x)
    middle = _math.square(x + 1.0) * 0.25
    return _math.where(_math.less_equal(x, -1.0), _math.zeros_like(x),
                       _math.where(_math.greater_equal(x, 1.0), x, middle))


def sparse_sigmoid(x):
    """0 below -1, 1 above 1, ``(x + 1) / 2`` between."""
    x = _floating(x)
    return _math.clip_by_value((x + 1.0) * 0.5, 0.0, 1.0)


def _over_axes(fn, x, axis):
    """Apply a last-axis ``fn`` jointly over ``axis`` (an int, a tuple, or None: all)."""
    if isinstance(axis, (int, np.integer)):
        return fn(x, int(axis))
    axes = tuple(range(x.ndim)) if axis is None else tuple(
        normalize_axis(a, x.ndim, fn.__name__) for a in axis)
    if x.ndim == 0:
        return fn(_array.reshape(x, (1,)), -1)[0]
    rest = [i for i in range(x.ndim) if i not in axes]
    moved = _array.transpose(x, rest + list(axes))
    kept = tuple(moved.shape)[:len(rest)]
    out = fn(_array.reshape(moved, kept + (-1,)), -1)
    out = _array.reshape(out, tuple(moved.shape))
    return moveaxis(out, list(range(len(rest), x.ndim)), list(axes))


def softmax(x, axis=-1):
    """Softmax over ``axis`` (an int, a tuple of ints, or None for all axes).

    >>> softmax([1.0, 1.0]).numpy()
    array([0.5, 0.5], dtype=float32)
    """
    return _over_axes(_nn.softmax, _floating(x), axis)


def log_softmax(x, axis=-1):
    """Log-softmax over ``axis`` (an int, a tuple of ints, or None for all axes)."""
    return _over_axes(_nn.log_softmax, _floating(x), axis)


# -- encodings -------------------------------------------------------------------------
def _class_ids(x):
    x = _t(x)
    return x if x._value.dtype.kind in "iu" else cast(x, "int32")


def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """One-hot encoding along a new ``axis`` of length ``num_classes`` (indices outside
    ``[0, num_classes)`` give all zeros); ``floatx()`` unless ``dtype`` is given."""
    if sparse:
        raise NotImplementedError("one_hot: sparse outputs are not supported")
    return _creation.one_hot(_class_ids(x), num_classes, axis=axis, dtype=dtype or floatx())


def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Multi-hot encoding: 1 for every class present in each row of ``inputs`` (a 1-D
    ``inputs`` is one row)."""
    num_classes = kwargs.pop("num_tokens", num_classes)
    if kwargs:
        raise TypeError(f"multi_hot got unexpected keyword arguments {sorted(kwargs)}")
    if num_classes is None:
        raise ValueError("multi_hot: give num_classes")
    x = _class_ids(inputs)
    hot = one_hot(x, num_classes, axis=axis, dtype=dtype, sparse=sparse)
    return _reduction.reduce_max(hot, axis=1 if x.ndim > 1 else 0)


# -- cross-entropies -------------------------------------------------------------------
def _same_shapes(target, output, op):
    if tuple(target.shape) != tuple(output.shape):
        raise InvalidArgumentError(f"{op}: target and output must have the same shape, got "
                                   f"{shape_str(target.shape)} and {shape_str(output.shape)}")


def binary_crossentropy(target, output, from_logits=False):
    """Elementwise binary cross-entropy of ``target`` and ``output`` (probabilities,
    clipped to ``[epsilon, 1 - epsilon]``, or logits when ``from_logits``)."""
    output = _floating(output)
    target = cast(_t(target), output.dtype)
    _same_shapes(target, output, "binary_crossentropy")
    if from_logits:
        return _nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = _epsilon()
    output = _math.clip_by_value(output, eps, 1.0 - eps)
    return -(target * _math.log(output) + (1.0 - target) * _math.log(1.0 - output))


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy of the distributions ``target`` and ``output`` along ``axis``
    (``output`` probabilities, renormalized and clipped, or logits when ``from_logits``)."""
    output = _floating(output)
    target = cast(_t(target), output.dtype)
    _same_shapes(target, output, "categorical_crossentropy")
    if from_logits:
        return _nn.softmax_cross_entropy_with_logits(target, output, axis=axis)
    output = output / _reduction.reduce_sum(output, axis, keepdims=True)
    eps = _epsilon()
    output = _math.clip_by_value(output, eps, 1.0 - eps)
    return -_reduction.reduce_sum(target * _math.log(output), axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Cross-entropy of integer class ``target`` and the distributions ``output`` along
    ``axis`` (probabilities, or logits when ``from_logits``)."""
    output = _floating(output)
    target = _class_ids(target)
    if target.ndim == output.ndim and target.ndim and target.shape[-1] == 1:
        target = _array.squeeze(target, -1)
    a = normalize_axis(axis, output.ndim, "sparse_categorical_crossentropy")
    if a != output.ndim - 1:
        output = moveaxis(output, a, -1)
    if tuple(target.shape) != tuple(output.shape)[:-1]:
        raise InvalidArgumentError(
            f"sparse_categorical_crossentropy: target shape {shape_str(target.shape)} must be "
            f"the output shape {shape_str(output.shape)} without its class axis")
    if from_logits:
        return _nn.sparse_softmax_cross_entropy_with_logits(target, output)
    output = output / _reduction.reduce_sum(output, -1, keepdims=True)
    eps = _epsilon()
    output = _math.clip_by_value(output, eps, 1.0 - eps)
    hot = _creation.one_hot(target, output.shape[-1], dtype=output.dtype)
    return -_reduction.reduce_sum(hot * _math.log(output), -1)


# -- statistics and normalization ------------------------------------------------------
def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and variance of ``x`` over ``axes``: ``(mean, variance)``."""
    return _nn.moments(_floating(x), axes, keepdims=keepdims)


def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """``scale * (x - mean) / sqrt(variance + epsilon) + offset``, the 1-D statistics lying
    along ``axis`` of ``x``."""
    x = _floating(x)
    a = normalize_axis(axis, x.ndim, "batch_normalization")
    shape = [x.shape[a] if i == a else 1 for i in range(x.ndim)]

    def along(v):
        if v is None:
            return None
        v = _t(v)
        return _array.reshape(v, shape) if v.ndim == 1 else v

    return _nn.batch_normalization(x, along(mean), along(variance), along(offset),
                                   along(scale), epsilon)


def normalize(x, axis=-1, order=2, epsilon=None):
    """``x`` divided by its ``order``-norm along ``axis`` (at least ``epsilon``, by default
    ``keras.backend.epsilon()``); ``order`` is an int >= 1."""
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"normalize: order must be an int >= 1, got order={order!r}")
    x = _floating(x)
    eps = _epsilon() if epsilon is None else epsilon
    return x / _math.maximum(norm(x, ord=order, axis=axis, keepdims=True), eps)
