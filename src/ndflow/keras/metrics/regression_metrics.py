"""Regression metrics: running means of per-sample errors, and their root for RMSE."""

import math

import numpy as np

from ndflow.backend import epsilon
from ndflow.keras.metrics.base import mean_last, raw, raw_float, squeeze_or_expand
from ndflow.keras.metrics.reduction_metrics import Mean, MeanMetricWrapper, metric_function

__all__ = [
    "CosineSimilarity",
    "LogCoshError",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "RootMeanSquaredError",
    "cosine_similarity",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
]


def float_pair(y_true, y_pred):
    """Labels in the predictions' float dtype, aligned to the same rank."""
    y_pred = raw_float(y_pred)
    y_true = raw(y_true).astype(y_pred.dtype, copy=False)
    return squeeze_or_expand(y_true, y_pred)


@metric_function
def mean_squared_error(y_true, y_pred):
    """``mean((y_pred - y_true)^2)`` over the last axis."""
    y_true, y_pred = float_pair(y_true, y_pred)
    return mean_last(np.square(y_pred - y_true))


@metric_function
def mean_absolute_error(y_true, y_pred):
    """``mean(|y_pred - y_true|)`` over the last axis."""
    y_true, y_pred = float_pair(y_true, y_pred)
    return mean_last(np.abs(y_pred - y_true))


@metric_function
def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(|y_true - y_pred| / max(|y_true|, epsilon))`` over the last axis."""
    y_true, y_pred = float_pair(y_true, y_pred)
    scale = np.maximum(np.abs(y_true), epsilon())
    return 100.0 * mean_last(np.abs(y_true - y_pred) / scale)


@metric_function
def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean((log(1 + y_pred) - log(1 + y_true))^2)`` over the last axis (values clipped
    at epsilon)."""
    y_true, y_pred = float_pair(y_true, y_pred)
    eps = epsilon()
    diff = np.log1p(np.maximum(y_pred, eps)) - np.log1p(np.maximum(y_true, eps))
    return mean_last(np.square(diff))


_LOG2 = math.log(2.0)


def _l2_normalize(x, axis):
    norm = np.sqrt(np.maximum(np.sum(np.square(x), axis=axis, keepdims=True), 1e-12))
    return x / norm


@metric_function
def cosine_similarity(y_true, y_pred, axis=-1):
    """Cosine of the angle between label and prediction vectors along ``axis``."""
    y_true, y_pred = float_pair(y_true, y_pred)
    return np.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


@metric_function
def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)))`` over the last axis, stable for large errors."""
    y_true, y_pred = float_pair(y_true, y_pred)
    x = y_pred - y_true
    # log(cosh(x)) = |x| + log1p(exp(-2|x|)) - log(2)
    a = np.abs(x)
    return mean_last(a + np.log1p(np.exp(-2.0 * a)) - _LOG2)


class MeanSquaredError(MeanMetricWrapper):
    """Running mean of the squared error."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Running mean of the absolute error."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Running mean of the absolute percentage error."""

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Running mean of the squared logarithmic error."""

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, dtype=dtype)


class CosineSimilarity(MeanMetricWrapper):
    """Running mean of the cosine similarity between labels and predictions."""

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)


class LogCoshError(MeanMetricWrapper):
    """Running mean of the logarithm of the hyperbolic cosine of the error."""

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(log_cosh, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """``sqrt(mean((y_pred - y_true)^2))`` over everything seen so far."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = float_pair(y_true, y_pred)
        self._update_mean(np.square(y_pred - y_true), sample_weight)

    def result(self):
        count = self.count._value
        return self._wrap_result(np.sqrt(self.total._value / count) if count else 0.0)
