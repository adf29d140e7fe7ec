"""Probabilistic metrics: running means of cross-entropies, KL divergence and Poisson."""

import numpy as np

from ndflow.backend import epsilon
from ndflow.keras.metrics.base import mean_last, raw, raw_float
from ndflow.keras.metrics.reduction_metrics import MeanMetricWrapper, metric_function
from ndflow.keras.metrics.regression_metrics import float_pair

__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "KLDivergence",
    "Poisson",
    "SparseCategoricalCrossentropy",
    "binary_crossentropy",
    "categorical_crossentropy",
    "kl_divergence",
    "poisson",
    "sparse_categorical_crossentropy",
]


def _log_softmax(x, axis):
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def _log_probabilities(y_pred, from_logits, axis):
    if from_logits:
        return _log_softmax(y_pred, axis)
    eps = epsilon()
    y_pred = y_pred / y_pred.sum(axis=axis, keepdims=True)
    return np.log(np.clip(y_pred, eps, 1.0 - eps))


@metric_function
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Mean binary cross-entropy over ``axis`` (probabilities clipped to [eps, 1 - eps])."""
    y_true, y_pred = float_pair(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        # max(x, 0) - x * y + log(1 + exp(-|x|)): no overflow for large logits
        values = (np.maximum(y_pred, 0) - y_pred * y_true
                  + np.log1p(np.exp(-np.abs(y_pred))))
    else:
        eps = epsilon()
        p = np.clip(y_pred, eps, 1.0 - eps)
        values = -(y_true * np.log(p) + (1.0 - y_true) * np.log1p(-p))
    return mean_last(values) if axis in (-1, values.ndim - 1) else values.mean(axis=axis)


@metric_function
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0,
                             axis=-1):
    """``-sum(y_true * log(y_pred))`` over ``axis`` for one-hot labels."""
    y_true, y_pred = float_pair(y_true, y_pred)
    if label_smoothing:
        classes = y_true.shape[axis]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / classes
    return -(y_true * _log_probabilities(y_pred, from_logits, axis)).sum(axis=axis)


@metric_function
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, axis=-1):
    """``-log(y_pred[label])`` for integer labels of shape ``(N,)`` or ``(N, 1)``."""
    y_pred = raw_float(y_pred)
    labels = raw(y_true)
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    logp = np.moveaxis(_log_probabilities(y_pred, from_logits, axis), axis, -1)
    classes = logp.shape[-1]
    labels = labels.astype(np.intp)
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise ValueError(f"sparse_categorical_crossentropy: labels must be in [0, {classes}),"
                         f" got values from {labels.min()} to {labels.max()}")
    return -np.take_along_axis(logp, labels[..., None], axis=-1)[..., 0]


@metric_function
def kl_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred))`` over the last axis (clipped to [eps, 1])."""
    y_true, y_pred = float_pair(y_true, y_pred)
    eps = epsilon()
    y_true, y_pred = np.clip(y_true, eps, 1.0), np.clip(y_pred, eps, 1.0)
    return (y_true * np.log(y_true / y_pred)).sum(axis=-1)


@metric_function
def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + eps))`` over the last axis."""
    y_true, y_pred = float_pair(y_true, y_pred)
    return mean_last(y_pred - y_true * np.log(y_pred + epsilon()))


class BinaryCrossentropy(MeanMetricWrapper):
    """Running mean of the binary cross-entropy."""

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):
        super().__init__(binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of the categorical cross-entropy (one-hot labels)."""

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):
        super().__init__(categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Running mean of the categorical cross-entropy (integer labels)."""

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 axis=-1):
        super().__init__(sparse_categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, axis=axis)


class KLDivergence(MeanMetricWrapper):
    """Running mean of the Kullback-Leibler divergence."""

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """Running mean of the Poisson loss."""

    def __init__(self, name="poisson", dtype=None):
        super().__init__(poisson, name=name, dtype=dtype)
