"""Activation functions, as ``keras.activations``, and their lookup by name.

>>> from ndflow.keras import activations
>>> activations.get("relu")([-1.0, 2.0]).numpy()
array([0., 2.], dtype=float32)

Every activation is a composition of ndflow ops (``ndflow.nn``, ``ndflow.math``), so its
gradients, to any order, come from those ops' rules. Integer and boolean inputs are cast
to ``floatx()`` first.
"""

import warnings

from ndflow.backend.config import floatx
from ndflow.core.convert import convert_to_tensor
from ndflow.ops import math as _math
from ndflow.ops import nn as _nn
from ndflow.ops.array import split
from ndflow.ops.cast import cast
from ndflow.ops.reduction import reduce_logsumexp

__all__ = [
    "celu",
    "deserialize",
    "elu",
    "exponential",
    "gelu",
    "get",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "serialize",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "squareplus",
    "step",
    "swish",
    "tanh",
    "tanh_shrink",
    "threshold",
]


def _floats(x):
    """``x`` as a tensor; integers and booleans become ``floatx()``, as in Keras."""
    x = convert_to_tensor(x)
    if x._value.dtype.kind in "biu":
        x = cast(x, floatx())
    return x


# -- rectifiers ----------------------------------------------------------------------
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with an optional leak, cap and threshold.

    ``max_value`` for ``x >= max_value``, ``x`` for ``threshold < x < max_value``,
    ``negative_slope * (x - threshold)`` otherwise.

    >>> relu([-10.0, -5.0, 0.0, 5.0, 10.0], negative_slope=0.5).numpy()
    array([-5. , -2.5,  0. ,  5. , 10. ], dtype=float32)
    """
    x = _floats(x)
    if threshold == 0:
        if max_value == 6 and not negative_slope:
            return _nn.relu6(x)
        y = _nn.leaky_relu(x, negative_slope) if negative_slope else _nn.relu(x)
    else:
        y = _math.where(x > threshold, x, (x - threshold) * negative_slope)
    return y if max_value is None else _math.minimum(y, max_value)


def relu6(x):
    """Rectified linear unit capped at 6: ``min(max(x, 0), 6)``."""
    return _nn.relu6(_floats(x))


def leaky_relu(x, negative_slope=0.2):
    """Leaky rectifier: ``x`` where positive, ``negative_slope * x`` elsewhere."""
    return _nn.leaky_relu(_floats(x), negative_slope)


def step(x):
    """Heaviside step function: 1 where ``x > 0``, else 0 (also at 0).

    Its derivative is zero everywhere (the jump at 0 is ignored), so gradient descent
    cannot train the layers below it; it is here for the perceptron of the course's
    table of activation functions.
    """
    # sign has a zero gradient rule, so the tape returns zeros rather than None
    return _nn.relu(_math.sign(_floats(x)))


# -- exponential units ---------------------------------------------------------------
def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere."""
    x = _floats(x)
    if alpha == 1:
        return _nn.elu(x)
    return _math.where(x > 0, x, _nn.elu(x) * alpha)


def selu(x):
    """Scaled exponential linear unit with the self-normalizing constants."""
    return _nn.selu(_floats(x))


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: ``x`` if positive, ``alpha * (exp(x / alpha) - 1)``."""
    x = _floats(x)
    if alpha == 1:
        return _nn.elu(x)
    return _nn.elu(x / alpha) * alpha


def exponential(x):
    """Exponential activation: ``exp(x)``."""
    return _math.exp(_floats(x))


# -- sigmoid-like --------------------------------------------------------------------
def sigmoid(x):
    """Logistic sigmoid: ``1 / (1 + exp(-x))``."""
    x = _floats(x)
    out = _math.sigmoid(x)
    out._keras_logits = x  # lets binary cross-entropy work from the logits, stably
    return out


def hard_sigmoid(x):
    """Piecewise-linear sigmoid: ``relu6(x + 3) / 6`` (0 below -3, 1 above 3)."""
    return _nn.relu6(_floats(x) + 3.0) / 6.0


def sparse_sigmoid(x):
    """0 for ``x <= -1``, ``(x + 1) / 2`` on (-1, 1), 1 for ``x >= 1``."""
    return _math.clip_by_value((_floats(x) + 1.0) * 0.5, 0.0, 1.0)


def log_sigmoid(x):
    """``log(sigmoid(x))``, without overflow for large ``|x|``."""
    return _math.log_sigmoid(_floats(x))


def tanh(x):
    """Hyperbolic tangent."""
    return _math.tanh(_floats(x))


def hard_tanh(x):
    """``x`` clipped to [-1, 1]."""
    return _math.clip_by_value(_floats(x), -1.0, 1.0)


def softsign(x):
    """Softsign: ``x / (abs(x) + 1)``."""
    return _nn.softsign(_floats(x))


# -- smooth rectifiers ---------------------------------------------------------------
def softplus(x):
    """Softplus: ``log(exp(x) + 1)``."""
    return _nn.softplus(_floats(x))


def sparse_plus(x):
    """0 for ``x <= -1``, ``(x + 1)**2 / 4`` on (-1, 1), ``x`` for ``x >= 1``."""
    x = _floats(x)
    return _math.where(x >= 1, x, _math.square(_math.clip_by_value(x + 1.0, 0.0, 2.0)) * 0.25)


def squareplus(x, b=4):
    """Squareplus: ``(x + sqrt(x**2 + b)) / 2``, a smooth rectifier."""
    x = _floats(x)
    return (x + _math.sqrt(_math.square(x) + b)) * 0.5


def silu(x):
    """Sigmoid-weighted linear unit (swish): ``x * sigmoid(x)``."""
    return _nn.silu(_floats(x))


swish = silu


def hard_silu(x):
    """Hard SiLU (hard swish): ``x * hard_sigmoid(x)``."""
    x = _floats(x)
    return x * hard_sigmoid(x)


hard_swish = hard_silu


def gelu(x, approximate=False):
    """Gaussian error linear unit: ``x * Phi(x)`` (the tanh form if ``approximate``)."""
    return _nn.gelu(_floats(x), approximate=approximate)


def mish(x):
    """Mish: ``x * tanh(softplus(x))``."""
    x = _floats(x)
    return x * _math.tanh(_nn.softplus(x))


def glu(x, axis=-1):
    """Gated linear unit: the halves ``a, b`` of ``x`` along ``axis`` give ``a * sigmoid(b)``."""
    x = _floats(x)
    size = x.shape[axis]
    if size % 2:
        raise ValueError(f"glu: axis {axis} of the input must have an even size, got shape "
                         f"{tuple(x.shape)}")
    a, b = split(x, 2, axis=axis)
    return a * _math.sigmoid(b)


# -- shrinkage -----------------------------------------------------------------------
def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, else 0."""
    x = _floats(x)
    return _math.where(_math.abs(x) > threshold, x, 0.0)


def soft_shrink(x, threshold=0.5):
    """``x`` moved ``threshold`` toward 0, and 0 where ``|x| <= threshold``."""
    x = _floats(x)
    return x - _math.clip_by_value(x, -threshold, threshold)


def tanh_shrink(x):
    """``x - tanh(x)``."""
    x = _floats(x)
    return x - _math.tanh(x)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    x = _floats(x)
    return _math.where(x > threshold, x, default_value)


# -- normalizing -------------------------------------------------------------------------
def _warn_size_one(x, axis):
    shape = x._value.shape
    if isinstance(axis, int) and -len(shape) <= axis < len(shape) and shape[axis] == 1:
        warnings.warn(f"softmax over axis {axis} of a tensor of shape {tuple(x.shape)}: the "
                      f"axis has size 1, so the output is always 1. For one output unit, "
                      f"use a sigmoid.", stacklevel=3)


def softmax(x, axis=-1):
    """Softmax along ``axis`` (an int or a tuple of ints): ``exp(x) / sum(exp(x))``."""
    x = _floats(x)
    if isinstance(axis, (tuple, list)):
        return _math.exp(x - reduce_logsumexp(x, axis=list(axis), keepdims=True))
    _warn_size_one(x, axis)
    out = _nn.softmax(x, axis=axis)
    if axis == -1:
        out._keras_logits = x  # lets a cross-entropy loss work from the logits, stably
    return out


def log_softmax(x, axis=-1):
    """Log-softmax along ``axis`` (an int or a tuple of ints): ``x - log(sum(exp(x)))``."""
    x = _floats(x)
    if isinstance(axis, (tuple, list)):
        return x - reduce_logsumexp(x, axis=list(axis), keepdims=True)
    return _nn.log_softmax(x, axis=axis)


def linear(x):
    """Identity activation: returns ``x`` unchanged."""
    return x


# -- lookup by name ------------------------------------------------------------------
_FUNCTIONS = (
    celu, elu, exponential, gelu, glu, hard_shrink, hard_sigmoid, hard_silu, hard_tanh,
    leaky_relu, linear, log_sigmoid, log_softmax, mish, relu, relu6, selu, sigmoid, silu,
    soft_shrink, softmax, softplus, softsign, sparse_plus, sparse_sigmoid, squareplus, step,
    tanh, tanh_shrink, threshold,
)
_BY_NAME = {fn.__name__: fn for fn in _FUNCTIONS}
_BY_NAME.update(swish=silu, hard_swish=hard_silu)
_BUILTIN = frozenset(_FUNCTIONS)


def _unknown(identifier):
    return ValueError(f"Unknown activation function: {identifier!r}. Valid names are: "
                      f"{', '.join(sorted(_BY_NAME))}; or pass a callable")


def serialize(activation):
    """The config of an activation: its name for a built-in, a dict for a custom one."""
    if activation in _BUILTIN:
        return activation.__name__
    if hasattr(activation, "get_config"):
        return {"module": type(activation).__module__, "class_name": type(activation).__name__,
                "config": activation.get_config(), "registered_name": None}
    name = getattr(activation, "__name__", None)
    if not callable(activation) or name is None or name == "<lambda>":
        raise ValueError(f"Cannot serialize the activation {activation!r}: give it a name "
                         f"(a def function) or use a built-in activation name")
    return {"module": getattr(activation, "__module__", None), "class_name": "function",
            "config": name, "registered_name": name}


def deserialize(config, custom_objects=None):
    """The activation function named by ``config`` (a name, or a dict from ``serialize``)."""
    custom = custom_objects or {}
    if isinstance(config, dict):
        class_name, inner = config.get("class_name"), config.get("config")
        if class_name == "function":
            return deserialize(inner, custom_objects)
        cls = custom.get(class_name)
        if cls is None:
            raise _unknown(class_name)
        return cls.from_config(inner or {}) if hasattr(cls, "from_config") else cls(
            **(inner or {}))
    if isinstance(config, str):
        fn = custom.get(config) or _BY_NAME.get(config)
        if fn is None:
            raise _unknown(config)
        return fn
    raise ValueError(f"Could not interpret activation config: {config!r}")


def get(identifier):
    """The activation for ``identifier``: a name, a config dict, a callable, or None (linear).

    >>> get(None) is linear
    True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}; "
                     f"expected a name such as 'relu', a callable or None")
