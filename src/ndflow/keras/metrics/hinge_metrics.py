"""Hinge metrics: running means of the hinge, squared hinge and categorical hinge."""

import numpy as np

from ndflow.keras.metrics.base import mean_last
from ndflow.keras.metrics.reduction_metrics import MeanMetricWrapper, metric_function
from ndflow.keras.metrics.regression_metrics import float_pair

__all__ = ["CategoricalHinge", "Hinge", "SquaredHinge", "categorical_hinge", "hinge",
           "squared_hinge"]


def _signed(y_true):
    """Labels in {0, 1} become {-1, 1}; labels already in {-1, 1} stay."""
    if y_true.size and np.all((y_true == 0) | (y_true == 1)):
        return 2.0 * y_true - 1.0
    return y_true


@metric_function
def hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0))`` over the last axis."""
    y_true, y_pred = float_pair(y_true, y_pred)
    return mean_last(np.maximum(1.0 - _signed(y_true) * y_pred, 0.0))


@metric_function
def squared_hinge(y_true, y_pred):
    """``mean(max(1 - y_true * y_pred, 0)^2)`` over the last axis."""
    y_true, y_pred = float_pair(y_true, y_pred)
    return mean_last(np.square(np.maximum(1.0 - _signed(y_true) * y_pred, 0.0)))


@metric_function
def categorical_hinge(y_true, y_pred):
    """``max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` per sample."""
    y_true, y_pred = float_pair(y_true, y_pred)
    positive = (y_true * y_pred).sum(axis=-1)
    negative = ((1.0 - y_true) * y_pred).max(axis=-1)
    return np.maximum(negative - positive + 1.0, 0.0)


class Hinge(MeanMetricWrapper):
    """Running mean of the hinge loss."""

    def __init__(self, name="hinge", dtype=None):
        super().__init__(hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """Running mean of the squared hinge loss."""

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """Running mean of the categorical hinge loss."""

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, dtype=dtype)
