"""Loss functions, as ``keras.losses``: classes, plain functions and their lookup by name.

>>> from ndflow.keras import losses
>>> float(losses.MeanSquaredError()([[0.0, 1.0]], [[1.0, 1.0]]))
0.5

A loss object ``loss(y_true, y_pred, sample_weight=None)`` computes the per-sample losses
with ``call`` (the plain function of the same name), weights them and reduces them to a
scalar (``reduction='sum_over_batch_size'``, the mean over all loss values). The plain
functions (``mean_squared_error``, ``binary_crossentropy``, ...) return one value per
sample: the last axis is reduced. Everything is composed of ndflow ops, the cross-entropies
of the fused, stable ``ndflow.nn`` primitives where logits are given; probabilities are
clipped to ``[epsilon, 1 - epsilon]`` first, so no loss or gradient is NaN or infinite.
"""

import warnings

import numpy as np

from ndflow.autodiff.primitive import bind
from ndflow.backend.config import epsilon, floatx
from ndflow.core.convert import to_array
from ndflow.core.dtypes import as_dtype, to_np_dtype
from ndflow.core.tensor import Tensor, wrap
from ndflow.keras.saving.object_table import get_object
from ndflow.keras.utils.object_registration import CustomObjectScope, get_registered_object
from ndflow.ops import math as _math
from ndflow.ops import nn as _nn
from ndflow.ops.array import expand_dims, reshape, squeeze, transpose
from ndflow.ops.cast import cast
from ndflow.ops.reduction import reduce_all, reduce_max, reduce_mean, reduce_mean_p, reduce_sum

__all__ = [
    "KLD",
    "MAE",
    "MAPE",
    "MSE",
    "MSLE",
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalHinge",
    "CosineSimilarity",
    "Hinge",
    "Huber",
    "KLDivergence",
    "LogCosh",
    "Loss",
    "LossFunctionWrapper",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Poisson",
    "Reduction",
    "SparseCategoricalCrossentropy",
    "SquaredHinge",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "cosine_similarity",
    "deserialize",
    "get",
    "hinge",
    "huber",
    "kl_divergence",
    "kld",
    "kullback_leibler_divergence",
    "log_cosh",
    "logcosh",
    "mae",
    "mape",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "mse",
    "msle",
    "poisson",
    "serialize",
    "sparse_categorical_crossentropy",
    "squared_hinge",
]


class Reduction:
    """The reduction names, as ``tf.keras.losses.Reduction`` spells them."""

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"
    MEAN = "mean"
    MEAN_WITH_SAMPLE_WEIGHT = "mean_with_sample_weight"

    @classmethod
    def all(cls):
        """Every valid reduction name."""
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE, cls.MEAN,
                cls.MEAN_WITH_SAMPLE_WEIGHT)

    @classmethod
    def validate(cls, key):
        """Raise ValueError when ``key`` is not a reduction name."""
        _standardize_reduction(key)


_REDUCTIONS = ("sum_over_batch_size", "sum", "none", None, "mean", "mean_with_sample_weight")


def _standardize_reduction(reduction):
    # tf.keras's 'auto' meant 'sum_over_batch_size' outside distribution strategies
    if reduction == "auto":
        return "sum_over_batch_size"
    if reduction not in _REDUCTIONS:
        raise ValueError(f"Invalid value for argument `reduction`. Expected one of "
                         f"{list(_REDUCTIONS)}. Received: reduction={reduction!r}")
    return reduction


# -- tensors, shapes and weights --------------------------------------------------------
def _to_dtype(x, dtype):
    """``x`` as a tensor of the NumPy dtype ``dtype`` (a tensor is cast, differentiably)."""
    if isinstance(x, Tensor):
        return x if x._value.dtype == dtype else cast(x, dtype)
    arr = to_array(x)
    return wrap(arr if arr.dtype == dtype else arr.astype(dtype))


def _float_tensor(x):
    """``x`` as a tensor; integer and boolean data become ``floatx()``."""
    if isinstance(x, Tensor):
        return x if x._value.dtype.kind == "f" else cast(x, floatx())
    arr = to_array(x)
    return wrap(arr if arr.dtype.kind == "f" else arr.astype(floatx()))


def squeeze_or_expand_to_same_rank(a, b):
    """Align ranks differing by a trailing length-1 axis, as Keras does.

    The rank-1 one of ``(N,)`` and ``(N, 1)`` gains the axis; otherwise the extra
    length-1 axis is squeezed, so ``(B, T, 1)`` meets ``(B, T)`` without broadcasting to
    ``(B, T, T)``.
    """
    ra, rb = a.ndim, b.ndim
    if ra == rb + 1 and a.shape[-1] == 1:
        return (a, expand_dims(b, -1)) if rb == 1 else (squeeze(a, -1), b)
    if rb == ra + 1 and b.shape[-1] == 1:
        return (expand_dims(a, -1), b) if ra == 1 else (a, squeeze(b, -1))
    return a, b


def _pair(y_true, y_pred):
    """``y_pred`` as a float tensor, ``y_true`` in its dtype, ranks aligned."""
    y_pred = _float_tensor(y_pred)
    y_true = _to_dtype(y_true, y_pred._value.dtype)
    if y_true.ndim != y_pred.ndim:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return y_true, y_pred


def _mean(x, axis=-1):
    return x if x.ndim == 0 else reduce_mean(x, axis=axis)


def _one_below(dtype):
    """The largest float of ``dtype`` not above ``1 - epsilon()`` (and below 1)."""
    return min(1.0 - epsilon(), float(np.nextafter(dtype.type(1), dtype.type(0))))


def _clip_probabilities(p):
    eps = epsilon()
    return _math.clip_by_value(p, eps, _one_below(p._value.dtype))


def _broadcast_weights(values, weights):
    """Weights aligned with ``values``: one weight per sample spreads over its losses."""
    if weights.ndim == values.ndim + 1 and weights.shape[-1] == 1:
        weights = squeeze(weights, -1)  # (N, 1) weights for (N,) losses
    elif values.ndim == weights.ndim + 1 and values.shape[-1] == 1:
        values = squeeze(values, -1)
    extra = values.ndim - weights.ndim
    if extra > 0 and weights.ndim > 0:
        weights = reshape(weights, tuple(weights.shape) + (1,) * extra)
    elif extra < 0:
        raise ValueError(f"sample_weight of shape {tuple(weights.shape)} has more dimensions "
                         f"than the losses of shape {tuple(values.shape)}; give one weight "
                         f"per sample (shape ({values.shape[0] if values.ndim else ''},))")
    return values, weights


def _apply_mask(sample_weight, mask, dtype, reduction):
    """Fold a boolean mask into the sample weights, so masked entries count for nothing.

    For the mean reductions the kept entries are scaled up, so the mean is over them only.
    """
    mask = _to_dtype(mask, dtype)
    if reduction in ("sum_over_batch_size", "mean"):
        total = mask._value.size
        valid = reduce_sum(mask)
        mask = mask * (total / _math.maximum(valid, 1.0))
    if sample_weight is None:
        return mask
    sample_weight = _to_dtype(sample_weight, dtype)
    mask, sample_weight = squeeze_or_expand_to_same_rank(mask, sample_weight)
    return sample_weight * mask


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size", dtype=None):
    """Weight ``values`` by ``sample_weight`` (and ``mask``) and reduce them."""
    values = _float_tensor(values) if dtype is None else _to_dtype(values, to_np_dtype(dtype))
    dtype = values._value.dtype
    if mask is not None:
        sample_weight = _apply_mask(sample_weight, mask, dtype, reduction)
    if sample_weight is not None:
        values, sample_weight = _broadcast_weights(values, _to_dtype(sample_weight, dtype))
        values = values * sample_weight
    if reduction is None or reduction == "none":
        return values
    if reduction == "sum":
        return reduce_sum(values)
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        total = reduce_sum(values * 0 + sample_weight)  # the weights spread over the values
        return _math.divide_no_nan(reduce_sum(values), total)
    if values._value.size == 0:
        return wrap(np.zeros((), dtype))
    return reduce_mean(values)


# -- the base classes --------------------------------------------------------------------
def _snake(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper()
                                   or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


class Loss:
    """Base class of losses: subclasses define ``call(y_true, y_pred)``, one loss per sample.

    >>> class Quartic(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return ndflow.reduce_mean((y_true - y_pred) ** 4, axis=-1)
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or _snake(type(self).__name__)
        self.reduction = _standardize_reduction(reduction)
        self._dtype = None if dtype is None else as_dtype(dtype).name

    @property
    def dtype(self) -> str:
        """The dtype the loss is computed in (``floatx()`` unless one was given)."""
        return self._dtype or floatx()

    def __call__(self, y_true, y_pred, sample_weight=None):
        dtype = to_np_dtype(self.dtype)
        mask = getattr(y_pred, "_keras_mask", None)
        y_pred = _to_dtype(y_pred, dtype)
        y_true = _to_dtype(y_true, dtype)
        losses = self.call(y_true, y_pred)
        own_mask = getattr(losses, "_keras_mask", None)
        if own_mask is not None:
            mask = own_mask if mask is None else _math.logical_and(mask, own_mask)
        if sample_weight is None and mask is None and self.reduction == "sum_over_batch_size" \
                and isinstance(losses, Tensor) and losses._value.size:
            # the common case: the plain mean of the per-sample losses
            losses = _to_dtype(losses, dtype)
            ndim = losses._value.ndim
            return losses if ndim == 0 else bind(reduce_mean_p, losses, axes=tuple(range(ndim)),
                                                 keepdims=False)
        return reduce_weighted_values(losses, sample_weight, mask, self.reduction, self.dtype)

    def call(self, y_true, y_pred):
        """The unreduced losses, one per sample."""
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred)")

    def get_config(self) -> dict:
        """The constructor arguments that rebuild this loss."""
        config = {"name": self.name, "reduction": self.reduction}
        if self._dtype is not None:
            config["dtype"] = self._dtype
        return config

    @classmethod
    def from_config(cls, config):
        """Create a loss from ``get_config()``'s output."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(Loss):
    """A loss object around a plain function ``fn(y_true, y_pred, **kwargs)``.

    ``y_true`` and ``y_pred`` whose ranks differ by a trailing length-1 axis are aligned
    before ``fn`` sees them.
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise ValueError(f"LossFunctionWrapper: fn must be callable, got {fn!r}")
        super().__init__(name=name or getattr(fn, "__name__", None), reduction=reduction,
                         dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if isinstance(y_true, Tensor) and isinstance(y_pred, Tensor) \
                and y_true.ndim != y_pred.ndim:
            y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        config = super().get_config()
        config.update(self._fn_kwargs)
        if type(self) is LossFunctionWrapper:
            config["fn"] = serialize(self.fn)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if cls is LossFunctionWrapper:
            config["fn"] = deserialize(config["fn"])
        return cls(**config)

    def __repr__(self):
        fn = getattr(self.fn, "__name__", self.fn)
        return f"<{type(self).__name__} name={self.name!r} fn={fn} reduction={self.reduction!r}>"


class _Builtin(LossFunctionWrapper):
    """A built-in loss: its config is its constructor arguments, not the function."""

    def get_config(self):
        return {**Loss.get_config(self), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


# -- regression losses -----------------------------------------------------------------
def mean_squared_error(y_true, y_pred):
    """``mean(square(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _mean(_math.squared_difference(y_true, y_pred))


def mean_absolute_error(y_true, y_pred):
    """``mean(abs(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _mean(_math.abs(y_true - y_pred))


def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    diff = _math.abs((y_true - y_pred) / _math.maximum(_math.abs(y_true), epsilon()))
    return _mean(diff) * 100.0


def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean(square(log(1 + y_pred) - log(1 + y_true)), axis=-1)``, both at least epsilon."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = epsilon()
    return _mean(_math.squared_difference(_math.log1p(_math.maximum(y_pred, eps)),
                                          _math.log1p(_math.maximum(y_true, eps))))


def huber(y_true, y_pred, delta=1.0):
    """Huber loss: ``0.5 * e**2`` for ``|e| <= delta``, else ``delta * (|e| - 0.5 * delta)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    delta = float(delta)
    error = y_pred - y_true
    abs_error = _math.abs(error)
    quadratic = _math.square(error) * 0.5
    linear = abs_error * delta - 0.5 * delta * delta
    return _mean(_math.where(abs_error <= delta, quadratic, linear))


_LOG2 = float(np.log(2.0))


def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed without overflow."""
    y_true, y_pred = _pair(y_true, y_pred)
    x = y_pred - y_true
    return _mean(x + _nn.softplus(x * -2.0) - _LOG2)


def cosine_similarity(y_true, y_pred, axis=-1):
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``: -1 when aligned."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _nn.l2_normalize(y_true, axis=axis)
    y_pred = _nn.l2_normalize(y_pred, axis=axis)
    return -reduce_sum(y_true * y_pred, axis=axis)


# -- probabilistic losses ----------------------------------------------------------------
_warned_from_logits = set()


def _logits_if_known(y_pred, from_logits, loss_name, activation):
    """The logits behind a softmax/sigmoid output, as Keras 3 uses them.

    A probability output made by ``activations.softmax``/``sigmoid`` carries its logits;
    the loss then works from them (exact and stable). Asking for ``from_logits=True`` on
    such an output would apply the activation twice: Keras warns once and uses the logits.
    """
    logits = getattr(y_pred, "_keras_logits", None)
    if logits is None:
        return y_pred, from_logits
    if from_logits and loss_name not in _warned_from_logits:
        _warned_from_logits.add(loss_name)
        warnings.warn(f"`{loss_name}` received `from_logits=True`, but the `output` argument "
                      f"was produced by a {activation} activation and thus does not represent "
                      "logits. Was this intended?", stacklevel=3)
    return logits, True

def _bce_elementwise(z, p, from_logits):
    if from_logits:
        return _nn.sigmoid_cross_entropy_with_logits(labels=z, logits=p)
    p = _clip_probabilities(p)
    return -(z * _math.log(p) + (1.0 - z) * _math.log(1.0 - p))


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy, averaged over ``axis``; labels smoothed toward 0.5."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_pred, from_logits = _logits_if_known(y_pred, from_logits, "binary_crossentropy",
                                           "sigmoid")
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return _mean(_bce_elementwise(y_true, y_pred, from_logits), axis)


def _check_same_shape(y_true, y_pred, who):
    if y_true._value.shape != y_pred._value.shape:
        raise ValueError(f"{who}: arguments `target` and `output` must have the same shape. "
                         f"Received: target.shape={tuple(y_true.shape)}, "
                         f"output.shape={tuple(y_pred.shape)}. For integer class labels use "
                         f"sparse_categorical_crossentropy")


def _smooth_categorical(y_true, label_smoothing, classes):
    return y_true * (1.0 - label_smoothing) + label_smoothing / classes


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Cross-entropy of one-hot (or soft) labels and predicted class probabilities.

    Probabilities are renormalised to sum to 1 along ``axis`` and clipped; labels are
    smoothed toward ``1 / num_classes``.
    """
    if isinstance(axis, bool):
        raise ValueError(f"categorical_crossentropy: axis must be an integer, got {axis!r}")
    y_pred = _float_tensor(y_pred)
    y_true = _to_dtype(y_true, y_pred._value.dtype)
    _check_same_shape(y_true, y_pred, "categorical_crossentropy")
    if axis in (-1, y_pred.ndim - 1):
        y_pred, from_logits = _logits_if_known(y_pred, from_logits,
                                               "categorical_crossentropy", "Softmax")
    if label_smoothing:
        y_true = _smooth_categorical(y_true, label_smoothing, y_pred.shape[axis])
    if from_logits:
        return _nn.softmax_cross_entropy_with_logits(y_true, y_pred, axis=axis)
    p = _clip_probabilities(y_pred / reduce_sum(y_pred, axis=axis, keepdims=True))
    return -reduce_sum(y_true * _math.log(p), axis=axis)


def _class_labels(y_true, y_pred):
    """Integer class labels of the shape of ``y_pred`` without its class axis."""
    y_true = y_true if isinstance(y_true, Tensor) else wrap(to_array(y_true))
    if y_true.ndim == y_pred.ndim and y_true.ndim and y_true.shape[-1] == 1:
        y_true = squeeze(y_true, -1)
    if y_true._value.dtype.kind not in "iu":
        y_true = cast(y_true, "int64")
    if tuple(y_true.shape) != tuple(y_pred.shape[:-1]):
        raise ValueError(f"sparse_categorical_crossentropy: the labels must have the shape of "
                         f"the predictions without the class axis (integer class indices). "
                         f"Received: target.shape={tuple(y_true.shape)}, "
                         f"output.shape={tuple(y_pred.shape)}; for one-hot labels use "
                         f"categorical_crossentropy")
    return y_true


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None,
                                    axis=-1):
    """Cross-entropy of integer class labels and predicted class probabilities (or logits).

    Labels equal to ``ignore_class`` get a loss of 0 and are left out of the mean.
    """
    y_pred = _float_tensor(y_pred)
    if axis in (-1, y_pred.ndim - 1):
        y_pred, from_logits = _logits_if_known(y_pred, from_logits,
                                               "sparse_categorical_crossentropy", "Softmax")
    if axis not in (-1, y_pred.ndim - 1):
        perm = [d for d in range(y_pred.ndim) if d != axis % y_pred.ndim] + [axis % y_pred.ndim]
        y_pred = transpose(y_pred, perm)
    labels = _class_labels(y_true, y_pred)
    valid = None
    if ignore_class is not None:
        valid = _math.not_equal(labels, ignore_class)
        labels = labels * cast(valid, labels.dtype)
    logits = y_pred if from_logits else _math.log(_clip_probabilities(y_pred))
    losses = _nn.sparse_softmax_cross_entropy_with_logits(labels, logits)
    if valid is not None:
        losses = _math.where(valid, losses, _math.zeros_like(losses))
        losses._keras_mask = valid
    return losses


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25,
                              gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary cross-entropy down-weighting easy examples by ``(1 - p_t) ** gamma``.

    With ``apply_class_balancing`` the positives are weighted by ``alpha`` and the
    negatives by ``1 - alpha``.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    bce = _bce_elementwise(y_true, y_pred, from_logits)
    # 1 - p_t, the probability given to the wrong answer, without cancellation
    if from_logits:
        miss = y_true * _math.sigmoid(-y_pred) + (1.0 - y_true) * _math.sigmoid(y_pred)
    else:
        p = _clip_probabilities(y_pred)
        miss = y_true * (1.0 - p) + (1.0 - y_true) * p
    focal = _power(miss, gamma) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return _mean(focal, axis)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """Categorical cross-entropy with each class term weighted by ``alpha * (1 - p) ** gamma``."""
    y_pred = _float_tensor(y_pred)
    y_true = _to_dtype(y_true, y_pred._value.dtype)
    _check_same_shape(y_true, y_pred, "categorical_focal_crossentropy")
    if label_smoothing:
        y_true = _smooth_categorical(y_true, label_smoothing, y_pred.shape[axis])
    if from_logits:
        log_p = _nn.log_softmax(y_pred, axis=axis)
        p = _math.exp(log_p)
    else:
        p = _clip_probabilities(y_pred / reduce_sum(y_pred, axis=axis, keepdims=True))
        log_p = _math.log(p)
    weight = _power(1.0 - p, gamma) * alpha
    return -reduce_sum(weight * y_true * log_p, axis=axis)


def _power(x, gamma):
    """``x ** gamma`` for ``x`` in [0, 1], with a finite gradient at 0 for any gamma."""
    gamma = float(gamma)
    if gamma == 2.0:
        return _math.square(x)
    if gamma == 1.0:
        return x
    if gamma == 0.0:
        return _math.ones_like(x)
    if gamma < 1.0:  # the slope of x ** gamma is infinite at 0
        x = _math.maximum(x, epsilon())
    return _math.pow(x, gamma)


def kl_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to ``[epsilon, 1]``."""
    y_true, y_pred = _pair(y_true, y_pred)
    eps = epsilon()
    y_true = _math.clip_by_value(y_true, eps, 1.0)
    y_pred = _math.clip_by_value(y_pred, eps, 1.0)
    return reduce_sum(y_true * (_math.log(y_true) - _math.log(y_pred)), axis=-1)


def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _mean(y_pred - y_true * _math.log(y_pred + epsilon()))


# -- hinge losses ------------------------------------------------------------------------
def _signed_labels(y_true):
    """0/1 labels become -1/1; other labels are taken as they are."""
    binary = _math.logical_or(_math.equal(y_true, 0.0), _math.equal(y_true, 1.0))
    return y_true * 2.0 - 1.0 if bool(reduce_all(binary)) else y_true


def hinge(y_true, y_pred):
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)``; 0/1 labels become -1/1."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _mean(_math.maximum(1.0 - _signed_labels(y_true) * y_pred, 0.0))


def squared_hinge(y_true, y_pred):
    """``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``; 0/1 labels become -1/1."""
    y_true, y_pred = _pair(y_true, y_pred)
    return _mean(_math.square(_math.maximum(1.0 - _signed_labels(y_true) * y_pred, 0.0)))


def categorical_hinge(y_true, y_pred):
    """``maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)``, one-hot labels."""
    y_true, y_pred = _pair(y_true, y_pred)
    pos = reduce_sum(y_true * y_pred, axis=-1)
    neg = reduce_max((1.0 - y_true) * y_pred, axis=-1)
    return _math.maximum(neg - pos + 1.0, 0.0)


# tf.keras's short names and older spellings of the functions
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh


# -- the loss classes ----------------------------------------------------------------------
_SOB = "sum_over_batch_size"


class MeanSquaredError(_Builtin):
    """Mean of the squared differences of targets and predictions."""

    def __init__(self, reduction=_SOB, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(_Builtin):
    """Mean of the absolute differences of targets and predictions."""

    def __init__(self, reduction=_SOB, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(_Builtin):
    """Mean absolute difference as a percentage of the targets."""

    def __init__(self, reduction=_SOB, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name,
                         dtype=dtype)


class MeanSquaredLogarithmicError(_Builtin):
    """Mean squared difference of ``log(1 + y)`` of targets and predictions."""

    def __init__(self, reduction=_SOB, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name,
                         dtype=dtype)


class Huber(_Builtin):
    """Huber loss: quadratic for errors up to ``delta``, linear beyond."""

    def __init__(self, delta=1.0, reduction=_SOB, name="huber_loss", dtype=None):
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)


class LogCosh(_Builtin):
    """Mean of ``log(cosh(y_pred - y_true))``."""

    def __init__(self, reduction=_SOB, name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(_Builtin):
    """Negative cosine similarity of targets and predictions along ``axis``."""

    def __init__(self, axis=-1, reduction=_SOB, name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype,
                         axis=axis)


class BinaryCrossentropy(_Builtin):
    """Binary cross-entropy of 0/1 labels and probabilities (or logits).

    >>> float(BinaryCrossentropy(from_logits=True)([[0.0, 1.0]], [[-20.0, 20.0]])) < 1e-6
    True
    """

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction=_SOB,
                 name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class BinaryFocalCrossentropy(_Builtin):
    """Binary cross-entropy that focuses on hard examples (``gamma``), optionally balanced."""

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction=_SOB,
                 name="binary_focal_crossentropy", dtype=None):
        super().__init__(binary_focal_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, apply_class_balancing=apply_class_balancing,
                         alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma


class CategoricalCrossentropy(_Builtin):
    """Cross-entropy of one-hot labels and class probabilities (or logits)."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction=_SOB,
                 name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class CategoricalFocalCrossentropy(_Builtin):
    """Categorical cross-entropy that focuses on hard examples."""

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                 axis=-1, reduction=_SOB, name="categorical_focal_crossentropy", dtype=None):
        super().__init__(categorical_focal_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.alpha = alpha
        self.gamma = gamma


class SparseCategoricalCrossentropy(_Builtin):
    """Cross-entropy of integer class labels and class probabilities (or logits)."""

    def __init__(self, from_logits=False, ignore_class=None, reduction=_SOB,
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name,
                         dtype=dtype, from_logits=from_logits, ignore_class=ignore_class)
        self.from_logits = from_logits
        self.ignore_class = ignore_class

    def call(self, y_true, y_pred):
        # the labels keep their rank: (N, 1) integer labels are squeezed, never expanded
        return sparse_categorical_crossentropy(y_true, y_pred, **self._fn_kwargs)


class KLDivergence(_Builtin):
    """Kullback-Leibler divergence of the predicted from the true distribution."""

    def __init__(self, reduction=_SOB, name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(_Builtin):
    """Poisson negative log-likelihood of counts ``y_true`` with rates ``y_pred``."""

    def __init__(self, reduction=_SOB, name="poisson", dtype=None):
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)


class Hinge(_Builtin):
    """Hinge loss of -1/1 (or 0/1) labels and scores."""

    def __init__(self, reduction=_SOB, name="hinge", dtype=None):
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(_Builtin):
    """Squared hinge loss of -1/1 (or 0/1) labels and scores."""

    def __init__(self, reduction=_SOB, name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(_Builtin):
    """Hinge loss of one-hot labels and class scores."""

    def __init__(self, reduction=_SOB, name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)


# -- lookup by name --------------------------------------------------------------------------
_CLASSES = (
    Loss, LossFunctionWrapper, MeanSquaredError, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Huber, LogCosh,
    CosineSimilarity, BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
    CategoricalFocalCrossentropy, SparseCategoricalCrossentropy, KLDivergence, Poisson, Hinge,
    SquaredHinge, CategoricalHinge,
)
_FUNCTIONS = (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, huber, log_cosh, cosine_similarity, binary_crossentropy,
    binary_focal_crossentropy, categorical_crossentropy, categorical_focal_crossentropy,
    sparse_categorical_crossentropy, kl_divergence, poisson, hinge, squared_hinge,
    categorical_hinge,
)
_BY_NAME = {obj.__name__: obj for obj in _CLASSES + _FUNCTIONS}
_BY_NAME.update({
    "mse": mean_squared_error, "MSE": mean_squared_error, "mae": mean_absolute_error,
    "MAE": mean_absolute_error, "mape": mean_absolute_percentage_error,
    "MAPE": mean_absolute_percentage_error, "msle": mean_squared_logarithmic_error,
    "MSLE": mean_squared_logarithmic_error, "kld": kl_divergence, "KLD": kl_divergence,
    "kullback_leibler_divergence": kl_divergence, "logcosh": log_cosh,
    "huber_loss": huber, "bce": binary_crossentropy, "BCE": binary_crossentropy,
})
_BUILTIN_FUNCTIONS = {fn: fn.__name__ for fn in _FUNCTIONS}


def _lookup(name, custom_objects=None):
    obj = get_registered_object(name, custom_objects, _BY_NAME)
    if obj is None:
        raise ValueError(f"Unknown loss: {name!r}. Valid names are: "
                         f"{', '.join(sorted(_BY_NAME))}; or pass a callable "
                         f"f(y_true, y_pred) or a Loss instance")
    return obj


def serialize(loss):
    """The dict form of a loss: ``{"class_name": ..., "config": ...}`` (functions by name)."""
    if loss is None:
        return None
    if isinstance(loss, Loss) or hasattr(loss, "get_config"):
        return {"module": "keras.losses", "class_name": type(loss).__name__,
                "config": loss.get_config(), "registered_name": None}
    name = _BUILTIN_FUNCTIONS.get(loss) or getattr(loss, "__name__", None)
    if not callable(loss) or name is None or name == "<lambda>":
        raise ValueError(f"Cannot serialize the loss {loss!r}: give it a name (a def "
                         f"function), register it, or use a Loss subclass with get_config()")
    return {"module": "keras.losses", "class_name": "function", "config": name,
            "registered_name": "function"}


def deserialize(config, custom_objects=None):
    """The loss for ``serialize``'s dict or a name (a function, or an instance of a class)."""
    if isinstance(config, str):
        obj = _lookup(config, custom_objects)
        return obj() if isinstance(obj, type) else obj
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret loss config: {config!r}; expected a name or a "
                         f"dict with 'class_name' and 'config'")
    class_name, inner = config["class_name"], config.get("config")
    if class_name == "function":
        return deserialize(inner, custom_objects)
    registered = config.get("registered_name")
    cls = _lookup(registered if registered not in (None, "function") else class_name,
                  custom_objects)
    with CustomObjectScope(custom_objects or {}):  # a wrapper's fn is looked up inside
        if hasattr(cls, "from_config"):
            return cls.from_config(inner or {})
        return cls(**(inner or {}))


def get(identifier):
    """The loss for ``identifier``: a name ('mse', 'mean_squared_error', 'MeanSquaredError'),
    a config dict, a Loss instance or class, any callable ``f(y_true, y_pred)``, or None.

    Function names give the function, class names an instance with default arguments.

    >>> get("mse") is mean_squared_error
    True
    """
    return get_object(identifier, deserialize, "loss", "a name such as 'mse', a config "
                      "dict, a Loss instance or a callable f(y_true, y_pred)")
