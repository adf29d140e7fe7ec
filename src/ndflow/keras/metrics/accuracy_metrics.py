"""Accuracy metrics: how often predictions match labels (exact, thresholded, argmax, top-k).

The metric functions work on raw arrays and return one value per sample (booleans or a
mean over the last axis); the classes average them with ``MeanMetricWrapper``.
"""

import numpy as np

from ndflow.keras.metrics.base import mean_last, squeeze_or_expand
from ndflow.keras.metrics.reduction_metrics import MeanMetricWrapper, metric_function

__all__ = [
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "SparseTopKCategoricalAccuracy",
    "TopKCategoricalAccuracy",
    "accuracy",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "top_k_categorical_accuracy",
]


@metric_function
def accuracy(y_true, y_pred):
    """Fraction of exactly equal entries, averaged over the last axis."""
    y_true, y_pred = squeeze_or_expand(y_true, y_pred)
    return mean_last(y_true == y_pred)


@metric_function
def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Fraction of labels matched by ``y_pred > threshold``, averaged over the last axis."""
    y_true, y_pred = squeeze_or_expand(y_true, y_pred)
    return mean_last(y_true == (y_pred > threshold))


@metric_function
def categorical_accuracy(y_true, y_pred):
    """Whether the argmax of the one-hot label equals the argmax of the prediction."""
    labels = y_true.argmax(axis=-1)
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        return (labels[..., 0] == y_pred.argmax(axis=-1))[..., None]
    return labels == y_pred.argmax(axis=-1)


@metric_function
def sparse_categorical_accuracy(y_true, y_pred):
    """Whether the integer label equals the argmax of the prediction; labels of shape
    ``(N,)`` or ``(N, 1)``."""
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    return y_true == y_pred.argmax(axis=-1)


def _in_top_k(targets, predictions, k):
    """Whether each target's score is among the ``k`` largest of its row (ties count in)."""
    classes = predictions.shape[-1]
    targets = targets.astype(np.intp, copy=False)
    valid = (targets >= 0) & (targets < classes)
    scores = np.take_along_axis(predictions, np.where(valid, targets, 0)[:, None], axis=-1)
    if k >= classes:
        return valid
    kth_largest = np.partition(predictions, classes - k, axis=-1)[:, classes - k]
    return valid & (scores[:, 0] >= kth_largest)


def _top_k_matches(labels, y_pred, k):
    shape = labels.shape
    matches = _in_top_k(labels.reshape(-1), y_pred.reshape(-1, y_pred.shape[-1]), k)
    return matches.reshape(shape)


@metric_function
def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Whether the one-hot label's class is among the ``k`` highest predictions."""
    return _top_k_matches(y_true.argmax(axis=-1), y_pred, k)


@metric_function
def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """Whether the integer label is among the ``k`` highest predictions (or, with
    ``from_sorted_ids``, among the first ``k`` class ids of ``y_pred``)."""
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if from_sorted_ids:
        return (y_pred[..., :k] == y_true[..., None]).any(axis=-1)
    return _top_k_matches(y_true, y_pred, k)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly.

    >>> m = Accuracy(); m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    >>> float(m.result())
    0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches binary labels."""

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        if threshold is not None and not 0 < threshold < 1:
            raise ValueError(f"BinaryAccuracy: threshold must be in the interval (0, 1), got "
                             f"threshold={threshold}")
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the prediction matches the one-hot label."""

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the prediction matches the integer label."""

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


def _check_k(k, who):
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"{who}: k must be a positive integer, got k={k!r}")
    return int(k)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the ``k`` highest predictions."""

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        k = _check_k(k, "TopKCategoricalAccuracy")
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the ``k`` highest predictions."""

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        k = _check_k(k, "SparseTopKCategoricalAccuracy")
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k,
                         from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids
