"""Confusion-matrix metrics: counts, Precision, Recall and AUC at decision thresholds.

A prediction is positive at threshold ``t`` when ``y_pred > t``. The counts at all
thresholds come from one sort: ``searchsorted`` finds how many thresholds each prediction
exceeds, ``bincount`` adds the weights per bucket, and a reversed cumulative sum turns the
buckets into counts per threshold (``O(N log T)``, not ``O(N T)``).
"""

import numpy as np

from ndflow.backend import epsilon
from ndflow.keras.metrics.base import (
    Metric,
    accumulate,
    divide_no_nan,
    raw,
    raw_float,
    squeeze_or_expand,
)

__all__ = [
    "AUC",
    "FalseNegatives",
    "FalsePositives",
    "Precision",
    "Recall",
    "TrueNegatives",
    "TruePositives",
]

NEG_INF = -1e10  # the score of predictions outside the top k


def _parse_thresholds(thresholds, default, who):
    """A 1-D float64 array of thresholds, each checked to lie in [0, 1]."""
    if thresholds is None:
        return np.array([default], dtype=np.float64)
    values = np.atleast_1d(np.asarray(thresholds, dtype=np.float64))
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"{who}: thresholds must be a float or a list of floats, got "
                         f"{thresholds!r}")
    if np.any((values < 0) | (values > 1)) or np.any(np.isnan(values)):
        raise ValueError(f"{who}: threshold values must be in [0, 1], got {thresholds!r}")
    return values


def _filter_top_k(y_pred, k):
    """Keep the ``k`` highest scores of each row (the first ones among ties); the others
    become ``NEG_INF``."""
    top = np.argsort(-y_pred, axis=-1, kind="stable")[..., :k]
    kept = np.full_like(y_pred, NEG_INF)
    np.put_along_axis(kept, top, np.take_along_axis(y_pred, top, axis=-1), axis=-1)
    return kept


def confusion_counts(who, y_true, y_pred, thresholds, sample_weight=None, *, top_k=None,
                     class_id=None, multi_label=False, label_weights=None,
                     soft_labels=False):
    """Weighted ``(tp, fp, tn, fn)`` at each threshold, float64 arrays of shape ``(T,)``
    (``(T, labels)`` with ``multi_label``). ``thresholds`` must be sorted ascending."""
    y_pred = raw_float(y_pred)
    y_true = raw(y_true)
    y_pred, y_true = squeeze_or_expand(y_pred, y_true)
    if y_pred.shape != y_true.shape:
        raise ValueError(f"{who}: y_true and y_pred must have the same shape, got "
                         f"y_true {y_true.shape} and y_pred {y_pred.shape}")
    weights = None
    if sample_weight is not None:
        sw = raw_float(sample_weight)[..., None]
        _, sw = squeeze_or_expand(y_true, sw, expand_rank_1=False)
        try:
            weights = np.broadcast_to(sw, y_pred.shape)
        except ValueError:
            raise ValueError(f"{who}: sample_weight of shape {raw(sample_weight).shape} "
                             f"cannot be broadcast to y_pred of shape "
                             f"{y_pred.shape}") from None
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim < 2:
            raise ValueError(f"{who}: with class_id, y_pred must have shape (num_samples, "
                             f"num_classes), got {y_pred.shape}")
        y_true, y_pred = y_true[..., class_id], y_pred[..., class_id]
        weights = None if weights is None else weights[..., class_id]
    if label_weights is not None and not multi_label:
        lw = np.broadcast_to(label_weights, y_pred.shape)
        weights = lw if weights is None else weights * lw

    if multi_label:
        labels = y_pred.shape[-1]
        y_true, y_pred = y_true.reshape(-1, labels), y_pred.reshape(-1, labels)
        weights = None if weights is None else weights.reshape(-1, labels)
    positive = y_true.astype(np.float64) if soft_labels else (y_true != 0).astype(np.float64)
    negative = 1.0 - positive
    if weights is not None:
        positive, negative = positive * weights, negative * weights

    count = len(thresholds)
    if count == 1 and not multi_label:
        predicted = (y_pred > thresholds[0]).ravel()
        positive, negative = positive.ravel(), negative.ravel()
        tp, fp = np.add.reduce(positive[predicted]), np.add.reduce(negative[predicted])
        fn, tn = np.add.reduce(positive) - tp, np.add.reduce(negative) - fp
        return np.array([tp]), np.array([fp]), np.array([tn]), np.array([fn])
    # number of thresholds below each prediction: it is positive at exactly those
    buckets = np.searchsorted(thresholds, y_pred, side="left")
    nan = np.isnan(y_pred)
    if nan.any():
        buckets[nan] = 0
    if multi_label:
        buckets = buckets + (count + 1) * np.arange(y_pred.shape[-1])
        size = (count + 1) * y_pred.shape[-1]
    else:
        size = count + 1
    tp = _counts_above(buckets, positive, size, count)
    fp = _counts_above(buckets, negative, size, count)
    axis = 0 if multi_label else None
    fn = positive.sum(axis=axis) - tp
    tn = negative.sum(axis=axis) - fp
    return tp, fp, tn, fn


def _counts_above(buckets, weights, size, count):
    """Per threshold ``i``, the total weight of predictions in buckets above ``i``."""
    per_bucket = np.bincount(buckets.ravel(), weights=weights.ravel(), minlength=size)
    per_bucket = per_bucket.reshape(-1, count + 1).T  # (count + 1, labels)
    above = np.cumsum(per_bucket[::-1], axis=0)[::-1][1:]
    return above if size > count + 1 else above[:, 0]


class _ThresholdMetric(Metric):
    """Shared parts of the metrics counted at thresholds (sorted internally)."""

    _counts = ()  # which of "tp", "fp", "tn", "fn" the metric keeps

    def __init__(self, thresholds, default, name, dtype, top_k=None, class_id=None):
        super().__init__(name=name, dtype=dtype)
        who = type(self).__name__
        if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int)
                                  or top_k < 1):
            raise ValueError(f"{who}: top_k must be a positive integer, got {top_k!r}")
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        self.thresholds = _parse_thresholds(thresholds, default, who)
        order = np.argsort(self.thresholds, kind="stable")
        self._sorted = self.thresholds[order]
        # counts come in sorted order; this puts them back in the given order
        self._unsort = None if np.all(order[1:] > order[:-1]) else np.argsort(order)
        self._single = len(self.thresholds) == 1
        self._state = {key: self.add_variable((len(self.thresholds),), name=_NAMES[key])
                       for key in self._counts}
        self._slots = [(_ORDER.index(key), var) for key, var in self._state.items()]

    def update_state(self, y_true, y_pred, sample_weight=None):
        counts = confusion_counts(self.name, y_true, y_pred, self._sorted, sample_weight,
                                  top_k=self.top_k, class_id=self.class_id)
        for index, var in self._slots:
            value = counts[index]
            accumulate(var, value if self._unsort is None else value[self._unsort])

    def _finish(self, values):
        return self._wrap_result(values[0] if self._single else values)

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "thresholds": self.init_thresholds}
        if isinstance(config["thresholds"], np.ndarray):
            config["thresholds"] = config["thresholds"].tolist()
        return config


_ORDER = ("tp", "fp", "tn", "fn")  # as confusion_counts returns them
_NAMES = {"tp": "true_positives", "fp": "false_positives", "tn": "true_negatives",
          "fn": "false_negatives"}


class _CountMetric(_ThresholdMetric):
    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds, 0.5, name, dtype)
        self.accumulator = self._state[self._counts[0]]

    def result(self):
        return self._finish(self.accumulator._value)


class TruePositives(_CountMetric):
    """Weighted count of positive labels predicted positive (``y_pred > threshold``)."""

    _counts = ("tp",)


class FalsePositives(_CountMetric):
    """Weighted count of negative labels predicted positive."""

    _counts = ("fp",)


class TrueNegatives(_CountMetric):
    """Weighted count of negative labels predicted negative."""

    _counts = ("tn",)


class FalseNegatives(_CountMetric):
    """Weighted count of positive labels predicted negative."""

    _counts = ("fn",)


class Precision(_ThresholdMetric):
    """``tp / (tp + fp)``: the fraction of positive predictions that are right.

    ``thresholds`` (default 0.5; a list gives one value per threshold); ``top_k`` counts
    only the ``k`` highest scores of each row as positive; ``class_id`` restricts the
    metric to one column of multi-class data.
    """

    _counts = ("tp", "fp")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        default = 0.5 if top_k is None else NEG_INF
        super().__init__(thresholds, default, name, dtype, top_k, class_id)
        self.true_positives, self.false_positives = self._state["tp"], self._state["fp"]

    def result(self):
        tp = self.true_positives._value
        return self._finish(divide_no_nan(tp, tp + self.false_positives._value))

    def get_config(self):
        return {**super().get_config(), "top_k": self.top_k, "class_id": self.class_id}


class Recall(_ThresholdMetric):
    """``tp / (tp + fn)``: the fraction of positive labels that are found.

    Arguments as for :class:`Precision`.
    """

    _counts = ("tp", "fn")

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        default = 0.5 if top_k is None else NEG_INF
        super().__init__(thresholds, default, name, dtype, top_k, class_id)
        self.true_positives, self.false_negatives = self._state["tp"], self._state["fn"]

    def result(self):
        tp = self.true_positives._value
        return self._finish(divide_no_nan(tp, tp + self.false_negatives._value))

    def get_config(self):
        return {**super().get_config(), "top_k": self.top_k, "class_id": self.class_id}


class AUC(Metric):
    """Area under the ROC or precision-recall curve, from counts at fixed thresholds.

    ``num_thresholds`` thresholds spread evenly over [0, 1] (plus one just below 0 and one
    just above 1, so that every prediction in [0, 1] falls between them), or the given
    ``thresholds``. ``summation_method``: 'interpolation' (trapezoids for ROC; for PR the
    exact integral of precision while true and false positives grow linearly between two
    thresholds), 'minoring' or 'majoring' (lower or upper Riemann sums). With
    ``multi_label`` each column gets its own curve and the areas are averaged (weighted by
    ``label_weights``); otherwise all columns are pooled into one curve.
    """

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):
        super().__init__(name=name, dtype=dtype)
        curve = str(curve).upper()
        if curve not in ("ROC", "PR"):
            raise ValueError(f"AUC: curve must be 'ROC' or 'PR', got {curve!r}")
        summation_method = str(summation_method).lower()
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f"AUC: summation_method must be 'interpolation', 'minoring' or "
                             f"'majoring', got {summation_method!r}")
        self.curve, self.summation_method = curve, summation_method
        eps = epsilon()
        if thresholds is not None:
            inner = np.sort(_parse_thresholds(thresholds, 0.5, "AUC"))
            self.num_thresholds = len(inner) + 2
            self._init_from_thresholds = True
        else:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) \
                    or num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be an integer > 1, got "
                                 f"{num_thresholds!r}")
            self.num_thresholds = num_thresholds
            inner = np.arange(1, num_thresholds - 1, dtype=np.float64) / (num_thresholds - 1)
            self._init_from_thresholds = False
        self.thresholds = np.concatenate([[0.0 - eps], inner, [1.0 + eps]])
        self.multi_label = bool(multi_label)
        self.num_labels = num_labels
        self.label_weights = (None if label_weights is None
                              else np.asarray(label_weights, dtype=np.float64))
        if self.label_weights is not None and np.any(self.label_weights < 0):
            raise ValueError(f"AUC: label_weights must be non-negative, got {label_weights}")
        self.from_logits = bool(from_logits)
        self._built = False
        if not self.multi_label or num_labels is not None:
            self._build(num_labels if self.multi_label else None)

    def _build(self, labels):
        shape = (self.num_thresholds,) if labels is None else (self.num_thresholds, labels)
        self.true_positives = self.add_variable(shape, name="true_positives")
        self.false_positives = self.add_variable(shape, name="false_positives")
        self.true_negatives = self.add_variable(shape, name="true_negatives")
        self.false_negatives = self.add_variable(shape, name="false_negatives")
        if labels is not None:
            self.num_labels = labels
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = raw_float(y_pred)
        if self.from_logits:
            y_pred = 0.5 * (1.0 + np.tanh(0.5 * y_pred))  # sigmoid without overflow
        if not self._built:
            self._build(y_pred.shape[-1])
        counts = confusion_counts(
            self.name, y_true, y_pred, self.thresholds, sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
            soft_labels=True)
        for var, value in zip((self.true_positives, self.false_positives,
                               self.true_negatives, self.false_negatives), counts):
            accumulate(var, value)

    def result(self):
        if not self._built:
            return self._wrap_result(0.0)
        tp, fp, tn, fn = (np.asarray(v._value, dtype=np.float64) for v in (
            self.true_positives, self.false_positives, self.true_negatives,
            self.false_negatives))
        if self.curve == "PR" and self.summation_method == "interpolation":
            area = _pr_area(tp, fp, fn)
        else:
            if self.curve == "ROC":
                x, y = divide_no_nan(fp, fp + tn), divide_no_nan(tp, tp + fn)
            else:
                x, y = divide_no_nan(tp, tp + fn), divide_no_nan(tp, tp + fp)
            if self.summation_method == "interpolation":
                heights = (y[:-1] + y[1:]) / 2
            elif self.summation_method == "minoring":
                heights = np.minimum(y[:-1], y[1:])
            else:
                heights = np.maximum(y[:-1], y[1:])
            # x decreases as the threshold rises
            area = np.sum((x[:-1] - x[1:]) * heights, axis=0)
        if self.multi_label:
            if self.label_weights is None:
                area = np.mean(area)
            else:
                area = divide_no_nan(np.sum(area * self.label_weights),
                                     np.sum(self.label_weights))
        return self._wrap_result(area)

    def get_config(self):
        config = {
            "name": self.name, "dtype": self.dtype, "num_thresholds": self.num_thresholds,
            "curve": self.curve, "summation_method": self.summation_method,
            "multi_label": self.multi_label, "num_labels": self.num_labels,
            "label_weights": (None if self.label_weights is None
                              else self.label_weights.tolist()),
            "from_logits": self.from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1].tolist()
        return config


def _pr_area(tp, fp, fn):
    """Area under the precision-recall curve, interpolating between thresholds.

    Between two adjacent thresholds the predicted positives ``p = tp + fp`` and ``tp`` both
    change; taking ``tp = intercept + slope * p`` on the segment, precision is
    ``slope + intercept / p`` and recall grows by ``slope * dp / positives``, whose
    integral is ``slope * (dtp + intercept * log(p_low / p_high)) / positives``.
    """
    p = tp + fp
    dtp = tp[:-1] - tp[1:]
    dp = p[:-1] - p[1:]
    slope = divide_no_nan(dtp, np.maximum(dp, 0))
    intercept = tp[1:] - slope * p[1:]
    both = (p[:-1] > 0) & (p[1:] > 0)
    ratio = np.where(both, divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1.0)
    steps = divide_no_nan(slope * (dtp + intercept * np.log(np.where(ratio > 0, ratio, 1.0))),
                          np.maximum(tp[1:] + fn[1:], 0))
    return np.sum(steps, axis=0)
