"""F-beta and F1 scores of multi-class or multi-label predictions, per class or averaged."""

import numbers

import numpy as np

from ndflow.backend import epsilon
from ndflow.keras.metrics.base import Metric, accumulate, raw_float

__all__ = ["F1Score", "FBetaScore"]

_AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """``(1 + beta^2) * precision * recall / (beta^2 * precision + recall)``.

    Inputs are ``(batch, classes)`` one-hot or multi-hot labels and scores. A score counts
    as a positive prediction when it is above ``threshold``; with ``threshold=None``, the
    highest score of each row is the positive one. ``average``: None (one score per
    class), 'micro' (counts pooled over classes), 'macro' (mean of the per-class scores)
    or 'weighted' (mean weighted by each class's number of true labels).
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score",
                 dtype=None):
        super().__init__(name=name, dtype=dtype)
        who = type(self).__name__
        if average not in _AVERAGES:
            raise ValueError(f"{who}: average must be one of {_AVERAGES}, got "
                             f"average={average!r}")
        if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or beta <= 0:
            raise ValueError(f"{who}: beta must be a float > 0, got beta={beta!r}")
        if threshold is not None and (isinstance(threshold, bool)
                                      or not isinstance(threshold, numbers.Real)
                                      or not 0 < threshold <= 1):
            raise ValueError(f"{who}: threshold must be a float in (0, 1], got "
                             f"threshold={threshold!r}")
        self.average, self.beta, self.threshold = average, float(beta), threshold
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(f"{type(self).__name__} expects 2-D inputs of shape (batch_size, "
                             f"output_dim); got y_true {tuple(y_true_shape)} and y_pred "
                             f"{tuple(y_pred_shape)}")
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        self.num_classes = y_pred_shape[-1]
        self.true_positives = self.add_variable(shape, name="true_positives")
        self.false_positives = self.add_variable(shape, name="false_positives")
        self.false_negatives = self.add_variable(shape, name="false_negatives")
        self.intermediate_weights = self.add_variable(shape, name="intermediate_weights")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = raw_float(y_true), raw_float(y_pred)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if y_true.shape != y_pred.shape or y_pred.shape[-1] != self.num_classes:
            raise ValueError(f"{self.name}: y_true and y_pred must both have shape (batch, "
                             f"{self.num_classes}); got {y_true.shape} and {y_pred.shape}")
        if self.threshold is None:
            # the row maximum is the prediction; an all-zero row predicts nothing
            top = y_pred.max(axis=-1, keepdims=True)
            predicted = (y_pred >= top) & (np.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(np.float64)
        if sample_weight is not None:
            sw = raw_float(sample_weight).reshape(-1, 1)
            weighted_true, weighted_pred = y_true * sw, predicted * sw
        else:
            weighted_true, weighted_pred = y_true, predicted
        axis = None if self.average == "micro" else 0
        tp = (weighted_pred * y_true).sum(axis=axis)
        accumulate(self.true_positives, tp)
        accumulate(self.false_positives, weighted_pred.sum(axis=axis) - tp)
        accumulate(self.false_negatives, weighted_true.sum(axis=axis) - tp)
        accumulate(self.intermediate_weights, weighted_true.sum(axis=axis))

    def result(self):
        if not self._built:
            return self._wrap_result(0.0)
        eps = epsilon()
        tp, fp, fn = (np.asarray(v._value, dtype=np.float64) for v in (
            self.true_positives, self.false_positives, self.false_negatives))
        precision = tp / (tp + fp + eps)
        recall = tp / (tp + fn + eps)
        b2 = self.beta ** 2
        score = (1 + b2) * precision * recall / (b2 * precision + recall + eps)
        if self.average == "weighted":
            w = np.asarray(self.intermediate_weights._value, dtype=np.float64)
            score = np.sum(score * w / (np.sum(w) + eps))
        elif self.average is not None:
            score = np.mean(score)
        return self._wrap_result(score)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "average": self.average,
                "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """The F-beta score with ``beta=1``: the harmonic mean of precision and recall."""

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name,
                         dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
