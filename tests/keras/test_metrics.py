"""keras.metrics: each metric over several weighted batches against scikit-learn or NumPy,
reset, names, lookup, configs and the 'accuracy' resolution rules."""

import math

import numpy as np
import pytest
from sklearn import metrics as skm

import ndflow as nd
from ndflow.keras import backend, metrics

RNG = np.random.default_rng(7)
N, C, BATCHES = 40, 4, 3


def _batches(*arrays, size=N // BATCHES + 1):
    """Split arrays into consecutive batches (the last one shorter)."""
    for start in range(0, len(arrays[0]), size):
        yield tuple(a[start:start + size] for a in arrays)


def _feed(metric, y_true, y_pred, weights=None):
    """Update ``metric`` batch by batch; return its result as NumPy."""
    metric.reset_state()
    arrays = (y_true, y_pred) if weights is None else (y_true, y_pred, weights)
    for batch in _batches(*arrays):
        metric.update_state(*batch[:2], sample_weight=batch[2] if weights is not None else None)
    return metric.result().numpy()


# -- shared data ----------------------------------------------------------------------
LABELS = RNG.integers(0, C, N)
ONE_HOT = np.eye(C, dtype=np.float32)[LABELS]
SCORES = RNG.random((N, C)).astype(np.float32)
PROBS = SCORES / SCORES.sum(axis=1, keepdims=True)
BIN_TRUE = RNG.integers(0, 2, (N, 1)).astype(np.float32)
BIN_PRED = np.clip(BIN_TRUE * 0.4 + RNG.random((N, 1)) * 0.6, 0, 1).astype(np.float32)
WEIGHTS = RNG.random(N).astype(np.float32) + 0.1
REG_TRUE = (RNG.random((N, 1)) * 3 + 0.5).astype(np.float32)
REG_PRED = (REG_TRUE + RNG.normal(0, 0.3, (N, 1))).astype(np.float32)
MULTI_TRUE = RNG.integers(0, 2, (N, C)).astype(np.float32)


def _wmean(values, w):
    return np.sum(values * w) / np.sum(w) if w is not None else np.mean(values)


def _bce(t, p):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p)).mean(-1)


# name -> (metric factory, y_true, y_pred, reference(y_true, y_pred, weights))
MEAN_CASES = {
    "accuracy": (metrics.Accuracy, LABELS[:, None], SCORES.argmax(1)[:, None],
                 lambda t, p, w: skm.accuracy_score(t, p, sample_weight=w)),
    "binary_accuracy": (metrics.BinaryAccuracy, BIN_TRUE, BIN_PRED,
                        lambda t, p, w: skm.accuracy_score(t, p > 0.5, sample_weight=w)),
    "binary_accuracy_0.7": (lambda: metrics.BinaryAccuracy(threshold=0.7), BIN_TRUE,
                            BIN_PRED,
                            lambda t, p, w: skm.accuracy_score(t, p > 0.7, sample_weight=w)),
    "binary_accuracy_multilabel": (metrics.BinaryAccuracy, MULTI_TRUE, SCORES,
                                   lambda t, p, w: _wmean((t == (p > 0.5)).mean(1), w)),
    "categorical_accuracy": (metrics.CategoricalAccuracy, ONE_HOT, PROBS,
                             lambda t, p, w: skm.accuracy_score(t.argmax(1), p.argmax(1),
                                                                sample_weight=w)),
    "sparse_categorical_accuracy": (metrics.SparseCategoricalAccuracy, LABELS, PROBS,
                                    lambda t, p, w: skm.accuracy_score(t, p.argmax(1),
                                                                       sample_weight=w)),
    "sparse_categorical_accuracy_n1": (metrics.SparseCategoricalAccuracy,
                                       LABELS[:, None].astype(np.float32), PROBS,
                                       lambda t, p, w: skm.accuracy_score(
                                           t[:, 0], p.argmax(1), sample_weight=w)),
    "top_k_categorical_accuracy": (lambda: metrics.TopKCategoricalAccuracy(k=2), ONE_HOT,
                                   PROBS, lambda t, p, w: skm.top_k_accuracy_score(
                                       t.argmax(1), p, k=2, sample_weight=w,
                                       labels=range(C))),
    "sparse_top_k_categorical_accuracy": (
        lambda: metrics.SparseTopKCategoricalAccuracy(k=3), LABELS[:, None], PROBS,
        lambda t, p, w: skm.top_k_accuracy_score(t[:, 0], p, k=3, sample_weight=w,
                                                 labels=range(C))),
    "sparse_top_k_sorted_ids": (
        lambda: metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True), LABELS,
        np.argsort(-PROBS, axis=1),
        lambda t, p, w: _wmean((p[:, :2] == t[:, None]).any(1), w)),
    "mean_squared_error": (metrics.MeanSquaredError, REG_TRUE, REG_PRED,
                           lambda t, p, w: skm.mean_squared_error(t, p, sample_weight=w)),
    "mean_absolute_error": (metrics.MeanAbsoluteError, REG_TRUE, REG_PRED,
                            lambda t, p, w: skm.mean_absolute_error(t, p, sample_weight=w)),
    "mean_absolute_percentage_error": (
        metrics.MeanAbsolutePercentageError, REG_TRUE, REG_PRED,
        lambda t, p, w: 100 * skm.mean_absolute_percentage_error(t, p, sample_weight=w)),
    "mean_squared_logarithmic_error": (
        metrics.MeanSquaredLogarithmicError, REG_TRUE, np.abs(REG_PRED),
        lambda t, p, w: skm.mean_squared_log_error(t, p, sample_weight=w)),
    "root_mean_squared_error": (metrics.RootMeanSquaredError, REG_TRUE, REG_PRED,
                                lambda t, p, w: math.sqrt(skm.mean_squared_error(
                                    t, p, sample_weight=w))),
    "log_cosh": (metrics.LogCoshError, REG_TRUE, REG_PRED,
                 lambda t, p, w: _wmean(np.log(np.cosh(p - t)).mean(1), w)),
    "cosine_similarity": (metrics.CosineSimilarity, ONE_HOT, SCORES,
                          lambda t, p, w: _wmean((t * p).sum(1) / np.linalg.norm(t, axis=1)
                                                 / np.linalg.norm(p, axis=1), w)),
    "binary_crossentropy": (metrics.BinaryCrossentropy, BIN_TRUE, BIN_PRED,
                            lambda t, p, w: _wmean(_bce(t, p), w)),
    "binary_crossentropy_logits": (
        lambda: metrics.BinaryCrossentropy(from_logits=True), MULTI_TRUE, SCORES * 8 - 4,
        lambda t, p, w: _wmean(_bce(t, 1 / (1 + np.exp(-p.astype(np.float64)))), w)),
    "categorical_crossentropy": (metrics.CategoricalCrossentropy, ONE_HOT, PROBS,
                                 lambda t, p, w: skm.log_loss(t.argmax(1), p, sample_weight=w,
                                                              labels=range(C))),
    "categorical_crossentropy_logits": (
        lambda: metrics.CategoricalCrossentropy(from_logits=True), ONE_HOT, np.log(PROBS),
        lambda t, p, w: skm.log_loss(t.argmax(1), np.exp(p), sample_weight=w,
                                     labels=range(C))),
    "sparse_categorical_crossentropy": (
        metrics.SparseCategoricalCrossentropy, LABELS, PROBS,
        lambda t, p, w: skm.log_loss(t, p, sample_weight=w, labels=range(C))),
    "kl_divergence": (metrics.KLDivergence, PROBS[::-1].copy(), PROBS,
                      lambda t, p, w: _wmean((t * np.log(t / p)).sum(1), w)),
    "poisson": (metrics.Poisson, REG_TRUE, REG_PRED ** 2,
                lambda t, p, w: _wmean((p - t * np.log(p + 1e-7)).mean(1), w)),
    "hinge": (metrics.Hinge, BIN_TRUE, BIN_PRED * 2 - 1,
              lambda t, p, w: _wmean(np.maximum(1 - (2 * t - 1) * p, 0).mean(1), w)),
    "squared_hinge": (metrics.SquaredHinge, BIN_TRUE, BIN_PRED * 2 - 1,
                      lambda t, p, w: _wmean(np.maximum(1 - (2 * t - 1) * p, 0)[:, 0] ** 2,
                                             w)),
    "categorical_hinge": (metrics.CategoricalHinge, ONE_HOT, SCORES,
                          lambda t, p, w: _wmean(np.maximum(
                              ((1 - t) * p).max(1) - (t * p).sum(1) + 1, 0), w)),
}


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("name", sorted(MEAN_CASES))
def test_mean_metrics_match_references_over_batches(name, weighted):
    factory, y_true, y_pred, reference = MEAN_CASES[name]
    w = WEIGHTS if weighted else None
    metric = factory()
    got = _feed(metric, y_true, y_pred, w)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, reference(y_true, y_pred, w), rtol=2e-5, atol=1e-6)
    # reset_state forgets everything: the same batches give the same value again
    metric.reset_state()
    assert float(metric.result()) == 0.0
    np.testing.assert_allclose(_feed(metric, y_true, y_pred, w), got, rtol=1e-6)


def test_metric_functions_return_per_sample_tensors():
    out = metrics.categorical_accuracy(ONE_HOT, PROBS)
    assert isinstance(out, nd.Tensor) and out.shape == (N,) and out.dtype == nd.float32
    np.testing.assert_array_equal(out.numpy(), ONE_HOT.argmax(1) == PROBS.argmax(1))
    mse = metrics.mean_squared_error(nd.constant(REG_TRUE), nd.constant(REG_PRED))
    np.testing.assert_allclose(mse.numpy(), ((REG_PRED - REG_TRUE) ** 2)[:, 0], rtol=1e-6)


def test_keras_doc_examples():
    m = metrics.Accuracy()
    m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    assert float(m.result()) == 0.75
    m = metrics.SparseCategoricalAccuracy()
    m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]], sample_weight=[0.7, 0.3])
    assert float(m.result()) == pytest.approx(0.3)
    m = metrics.TopKCategoricalAccuracy(k=1)
    assert float(m([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])) == 0.5


def test_top_k_counts_ties_at_the_boundary_as_in():
    # the label's score ties with the k-th largest: in the top k, as TensorFlow's in_top_k
    out = metrics.sparse_top_k_categorical_accuracy([0, 2], [[0.3, 0.3, 0.4], [0.5, 0.4, 0.1]],
                                                    k=2)
    np.testing.assert_array_equal(out.numpy(), [1.0, 0.0])


# -- Mean and Sum ---------------------------------------------------------------------
def test_mean_and_sum_with_weights_of_lower_rank():
    values = RNG.random((N, 3))
    mean, total = metrics.Mean(), metrics.Sum()
    for v, w in _batches(values, WEIGHTS):
        mean.update_state(v, sample_weight=w)
        total.update_state(v, sample_weight=w)
    per_sample = values.mean(1)
    np.testing.assert_allclose(float(mean.result()), _wmean(per_sample, WEIGHTS), rtol=1e-5)
    np.testing.assert_allclose(float(total.result()), np.sum(values.sum(1) * WEIGHTS),
                               rtol=1e-5)


def test_mean_unweighted_scalars_and_full_weights():
    m = metrics.Mean()
    m.update_state(2.0)
    m.update_state([4.0, 6.0])
    assert float(m.result()) == 4.0
    m.reset_state()
    v, w = RNG.random((5, 3)), RNG.random((5, 3))
    m.update_state(v, sample_weight=w)
    # per sample: mean(v * w) over the row, weight mean(w) over the row
    np.testing.assert_allclose(float(m.result()), (v * w).mean(1).sum() / w.mean(1).sum(),
                               rtol=1e-5)


def test_mean_of_nothing_is_zero_and_bad_weights_are_named():
    m = metrics.Mean(name="loss_tracker")
    assert float(m.result()) == 0.0
    with pytest.raises(ValueError, match="loss_tracker: sample_weight of shape"):
        m.update_state(np.ones((4, 2)), sample_weight=np.ones(3))


# -- Precision, Recall and counts -----------------------------------------------------
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_precision_recall_match_sklearn(weighted):
    w = WEIGHTS if weighted else None
    pred = BIN_PRED[:, 0] > 0.5
    for cls, ref in ((metrics.Precision, skm.precision_score), (metrics.Recall,
                                                                  skm.recall_score)):
        got = _feed(cls(), BIN_TRUE, BIN_PRED, w)
        np.testing.assert_allclose(got, ref(BIN_TRUE[:, 0], pred, sample_weight=w), rtol=1e-5)
    counts = {"TruePositives": (BIN_TRUE[:, 0] == 1) & pred,
              "FalsePositives": (BIN_TRUE[:, 0] == 0) & pred,
              "TrueNegatives": (BIN_TRUE[:, 0] == 0) & ~pred,
              "FalseNegatives": (BIN_TRUE[:, 0] == 1) & ~pred}
    for name, mask in counts.items():
        got = _feed(getattr(metrics, name)(), BIN_TRUE, BIN_PRED, w)
        np.testing.assert_allclose(got, np.sum(mask * (1 if w is None else w)), rtol=1e-5)


def test_precision_recall_at_several_thresholds_in_the_given_order():
    thresholds = [0.7, 0.2, 0.5]
    prec = _feed(metrics.Precision(thresholds=thresholds), BIN_TRUE, BIN_PRED, WEIGHTS)
    rec = _feed(metrics.Recall(thresholds=thresholds), BIN_TRUE, BIN_PRED, WEIGHTS)
    assert prec.shape == rec.shape == (3,)
    for i, t in enumerate(thresholds):
        pred = BIN_PRED[:, 0] > t
        assert prec[i] == pytest.approx(skm.precision_score(BIN_TRUE[:, 0], pred,
                                                            sample_weight=WEIGHTS), rel=1e-5)
        assert rec[i] == pytest.approx(skm.recall_score(BIN_TRUE[:, 0], pred,
                                                        sample_weight=WEIGHTS), rel=1e-5)


def test_precision_recall_class_id_and_top_k():
    # class_id: the one-vs-rest scores of one column
    for cls, ref in ((metrics.Precision, skm.precision_score), (metrics.Recall,
                                                                  skm.recall_score)):
        got = _feed(cls(class_id=2), MULTI_TRUE, SCORES, WEIGHTS)
        np.testing.assert_allclose(got, ref(MULTI_TRUE[:, 2], SCORES[:, 2] > 0.5,
                                            sample_weight=WEIGHTS), rtol=1e-5)
    # top_k: only the k highest scores of each row are positive predictions
    top2 = np.zeros_like(SCORES, dtype=bool)
    np.put_along_axis(top2, np.argsort(-SCORES, axis=1)[:, :2], True, axis=1)
    hits = (top2 & (MULTI_TRUE == 1)).sum()
    prec = _feed(metrics.Precision(top_k=2), MULTI_TRUE, SCORES)
    rec = _feed(metrics.Recall(top_k=2), MULTI_TRUE, SCORES)
    np.testing.assert_allclose(prec, hits / top2.sum(), rtol=1e-6)
    np.testing.assert_allclose(rec, hits / MULTI_TRUE.sum(), rtol=1e-6)
    # top_k with class_id: column 1 counts where it is in its row's top 2
    got = _feed(metrics.Precision(top_k=2, class_id=1), MULTI_TRUE, SCORES)
    np.testing.assert_allclose(got, skm.precision_score(MULTI_TRUE[:, 1], top2[:, 1]),
                               rtol=1e-6)


def test_precision_of_no_positive_predictions_is_zero():
    m = metrics.Precision()
    m.update_state([1, 0], [0.1, 0.2])
    assert float(m.result()) == 0.0


# -- F-scores -------------------------------------------------------------------------
@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("threshold", [None, 0.3])
def test_f_scores_match_sklearn(average, threshold):
    if threshold is None:  # the top score of each row is the prediction
        y_true, predicted = ONE_HOT, np.eye(C)[SCORES.argmax(1)]
    else:
        y_true, predicted = MULTI_TRUE, np.greater(SCORES, threshold)
    got = _feed(metrics.F1Score(average=average, threshold=threshold), y_true, SCORES,
                WEIGHTS)
    want = skm.f1_score(y_true, predicted, average=average, sample_weight=WEIGHTS,
                        zero_division=0)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
    got = _feed(metrics.FBetaScore(average=average, beta=2.0, threshold=threshold), y_true,
                SCORES)
    want = skm.fbeta_score(y_true, predicted, beta=2.0, average=average, zero_division=0)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def test_f_score_needs_two_dimensional_inputs():
    with pytest.raises(ValueError, match=r"F1Score expects 2-D inputs"):
        metrics.F1Score().update_state(BIN_TRUE[:, 0], BIN_PRED[:, 0])


# -- AUC ------------------------------------------------------------------------------
def test_auc_roc_matches_sklearn_exactly_when_scores_fall_between_thresholds():
    # scores in the middle of the threshold buckets: the curve has sklearn's points
    t = RNG.integers(0, 2, 300)
    scores = (np.round(RNG.random(300) * 50 + 0.5 * t * 20) % 198 + 0.5) / 199
    got = _feed(metrics.AUC(), t, scores, RNG.random(300) + 0.1)
    m = metrics.AUC()
    m.update_state(t, scores)
    np.testing.assert_allclose(float(m.result()), skm.roc_auc_score(t, scores), rtol=1e-5)
    assert 0.5 < got < 1


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_auc_approximates_sklearn(weighted):
    t = RNG.integers(0, 2, 400)
    scores = np.clip(0.3 * t + RNG.random(400) * 0.7, 0, 1)
    w = RNG.random(400) + 0.1 if weighted else None
    roc = _feed(metrics.AUC(), t, scores, w)
    assert roc == pytest.approx(skm.roc_auc_score(t, scores, sample_weight=w), abs=5e-3)
    pr = _feed(metrics.AUC(curve="PR"), t, scores, w)
    assert pr == pytest.approx(skm.average_precision_score(t, scores, sample_weight=w),
                               abs=2e-2)
    lower = _feed(metrics.AUC(summation_method="minoring"), t, scores, w)
    upper = _feed(metrics.AUC(summation_method="majoring"), t, scores, w)
    assert lower <= roc <= upper
    fine = _feed(metrics.AUC(num_thresholds=2000), t, scores, w)
    assert fine == pytest.approx(skm.roc_auc_score(t, scores, sample_weight=w), abs=1e-3)


def test_auc_multi_label_logits_and_given_thresholds():
    scores = np.clip(MULTI_TRUE * 0.3 + SCORES * 0.7, 0, 1)
    got = _feed(metrics.AUC(multi_label=True, num_thresholds=1000), MULTI_TRUE, scores)
    assert got == pytest.approx(skm.roc_auc_score(MULTI_TRUE, scores, average="macro"),
                                abs=5e-3)
    pooled = _feed(metrics.AUC(num_thresholds=1000), MULTI_TRUE, scores)
    assert pooled == pytest.approx(skm.roc_auc_score(MULTI_TRUE.ravel(), scores.ravel()),
                                   abs=5e-3)
    logits = np.log(scores + 1e-3) - np.log1p(1e-3 - scores)
    from_logits = _feed(metrics.AUC(num_thresholds=1000, from_logits=True), MULTI_TRUE, logits)
    assert from_logits == pytest.approx(pooled, abs=5e-3)
    given = metrics.AUC(thresholds=[0.5, 0.25, 0.75])
    assert given.num_thresholds == 5
    np.testing.assert_allclose(given.thresholds[1:-1], [0.25, 0.5, 0.75])


# -- names, lookup, configs -----------------------------------------------------------
def test_default_names_follow_keras():
    backend.clear_session()
    assert metrics.BinaryAccuracy().name == "binary_accuracy"
    assert metrics.RootMeanSquaredError().name == "root_mean_squared_error"
    assert metrics.FBetaScore().name == "fbeta_score"
    assert metrics.LogCoshError().name == "logcosh"
    # name=None metrics get unique session names, as Keras's auto naming
    assert [metrics.AUC().name, metrics.AUC().name] == ["auc", "auc_1"]
    assert metrics.Precision().name == "precision"
    backend.clear_session()
    assert metrics.AUC().name == "auc"


@pytest.mark.parametrize("identifier, cls, name", [
    ("accuracy", "Accuracy", "accuracy"),
    ("acc", "Accuracy", "acc"),
    ("mse", "MeanSquaredError", "mse"),
    ("MSE", "MeanSquaredError", "MSE"),
    ("mae", "MeanAbsoluteError", "mae"),
    ("mean_squared_error", "MeanSquaredError", "mean_squared_error"),
    ("binary_accuracy", "BinaryAccuracy", "binary_accuracy"),
    ("categorical_accuracy", "CategoricalAccuracy", "categorical_accuracy"),
    ("sparse_categorical_accuracy", "SparseCategoricalAccuracy", "sparse_categorical_accuracy"),
    ("top_k_categorical_accuracy", "TopKCategoricalAccuracy", "top_k_categorical_accuracy"),
    ("auc", "AUC", "auc"),
    ("AUC", "AUC", "auc"),
    ("precision", "Precision", "precision"),
    ("recall", "Recall", "recall"),
    ("f1_score", "F1Score", "f1_score"),
    ("BinaryAccuracy", "BinaryAccuracy", "binary_accuracy"),
    ("root_mean_squared_error", "RootMeanSquaredError", "root_mean_squared_error"),
    ("binary_crossentropy", "BinaryCrossentropy", "binary_crossentropy"),
])
def test_get_resolves_names(identifier, cls, name):
    if identifier == "AUC":  # a class name: the default name, unique in the session
        backend.clear_session()
    m = metrics.get(identifier)
    assert type(m).__name__ == cls and m.name == name
    assert metrics.get(identifier, name="custom").name == "custom"


def test_get_other_identifiers_and_errors():
    m = metrics.Recall()
    assert metrics.get(m) is m and metrics.get(None) is None
    assert type(metrics.get(metrics.Hinge)).__name__ == "Hinge"
    # a metric function keeps its name; a user function is called with tensors
    assert metrics.get(metrics.binary_accuracy).name == "binary_accuracy"

    def half_error(y_true, y_pred):
        assert isinstance(y_true, nd.Tensor) and y_true.dtype == y_pred.dtype
        return nd.reduce_mean(nd.abs(y_true - y_pred), axis=-1) * 0.5

    user = metrics.get(half_error)
    assert isinstance(user, metrics.MeanMetricWrapper) and user.name == "half_error"
    got = _feed(user, REG_TRUE.astype(np.float64), nd.constant(REG_PRED), WEIGHTS)
    np.testing.assert_allclose(got, 0.5 * skm.mean_absolute_error(REG_TRUE, REG_PRED,
                                                                  sample_weight=WEIGHTS),
                               rtol=1e-5)
    with pytest.raises(ValueError, match=r"Unknown metric: 'acuracy'.*accuracy"):
        metrics.get("acuracy")
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        metrics.get(42)


ROUND_TRIP = [
    metrics.Mean(name="m"), metrics.Sum(), metrics.Accuracy(),
    metrics.BinaryAccuracy(threshold=0.3), metrics.CategoricalAccuracy(dtype="float64"),
    metrics.SparseCategoricalAccuracy(), metrics.TopKCategoricalAccuracy(k=3),
    metrics.SparseTopKCategoricalAccuracy(k=2), metrics.Precision(thresholds=[0.2, 0.6]),
    metrics.Recall(top_k=2, class_id=1), metrics.TruePositives(thresholds=0.3),
    metrics.F1Score(average="macro", threshold=0.4), metrics.FBetaScore(beta=0.5),
    metrics.AUC(num_thresholds=50, curve="PR", summation_method="minoring"),
    metrics.AUC(thresholds=[0.1, 0.9], multi_label=True, label_weights=[1.0, 2.0]),
    metrics.MeanSquaredError(), metrics.RootMeanSquaredError(), metrics.CosineSimilarity(axis=1),
    metrics.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
    metrics.MeanMetricWrapper(metrics.mean_absolute_error, name="l1"),
]


@pytest.mark.parametrize("metric", ROUND_TRIP, ids=lambda m: type(m).__name__)
def test_config_round_trips(metric):
    config = metric.get_config()
    again = type(metric).from_config(config)
    assert again.get_config() == config and again.name == metric.name
    restored = metrics.deserialize(metrics.serialize(metric))
    assert type(restored) is type(metric) and restored.get_config() == config


def test_state_variables_and_call():
    m = metrics.CategoricalAccuracy(dtype="float64")
    assert [v.name for v in m.variables] == ["total", "count"]
    assert not any(v.trainable for v in m.variables) and m.trainable_variables == []
    value = m(ONE_HOT, PROBS)  # __call__ = update_state then result
    assert value.dtype == nd.float64
    assert float(m.count) == N and float(value) == float(m.result())
    auc = metrics.AUC(num_thresholds=11)
    assert [tuple(v.shape) for v in auc.variables] == [(11,)] * 4


def test_custom_metric_subclass_with_assign_add():
    class Total(metrics.Metric):
        def __init__(self, name="total_seen", **kwargs):
            super().__init__(name=name, **kwargs)
            self.seen = self.add_variable((), name="seen")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.seen.assign_add(nd.cast(nd.size(y_true), self.dtype))

        def result(self):
            return nd.identity(self.seen)

    m = Total()
    m.update_state(np.zeros(3), np.zeros(3))
    m.update_state(np.zeros(4), np.zeros(4))
    assert float(m.result()) == 7.0
    m.reset_state()
    assert float(m.result()) == 0.0


@pytest.mark.parametrize("bad, match", [
    (lambda: metrics.BinaryAccuracy(threshold=1.5), "threshold must be in the interval"),
    (lambda: metrics.Precision(thresholds=[0.5, 1.2]), r"threshold values must be in \[0, 1\]"),
    (lambda: metrics.Recall(top_k=0), "top_k must be a positive integer"),
    (lambda: metrics.AUC(curve="XY"), "curve must be 'ROC' or 'PR'"),
    (lambda: metrics.AUC(num_thresholds=1), "num_thresholds must be an integer > 1"),
    (lambda: metrics.AUC(summation_method="simpson"), "summation_method must be"),
    (lambda: metrics.F1Score(average="samples"), "average must be one of"),
    (lambda: metrics.FBetaScore(beta=0), "beta must be a float > 0"),
    (lambda: metrics.TopKCategoricalAccuracy(k=0), "k must be a positive integer"),
    (lambda: metrics.Precision(name="p").update_state(np.ones((3, 2)), np.ones((3, 4))),
     r"p: y_true and y_pred must have the same shape"),
])
def test_bad_arguments_raise_clear_errors(bad, match):
    with pytest.raises(ValueError, match=match):
        bad()


# -- resolve_accuracy -----------------------------------------------------------------
class _BCE:  # a loss object as a user or the losses module would make it
    def __call__(self, y_true, y_pred):
        return 0.0


class BinaryCrossentropy(_BCE):
    pass


def sparse_categorical_crossentropy(y_true, y_pred):
    return 0.0


@pytest.mark.parametrize("true_shape, pred_shape, loss, want", [
    ((8, 1), (8, 1), None, "BinaryAccuracy"),             # one sigmoid unit
    ((8,), (8, 1), "mse", "BinaryAccuracy"),
    ((8,), (8,), None, "BinaryAccuracy"),                 # one score per sample
    ((8, 3), (8, 3), "binary_crossentropy", "BinaryAccuracy"),  # multi-label
    ((8, 3), (8, 3), BinaryCrossentropy(), "BinaryAccuracy"),
    ((8, 3), (8, 3), "bce", "BinaryAccuracy"),
    ((8,), (8, 3), None, "SparseCategoricalAccuracy"),     # integer labels (N,)
    ((8, 1), (8, 3), None, "SparseCategoricalAccuracy"),   # integer labels (N, 1)
    ((8, 3), (8, 3), "sparse_categorical_crossentropy", "SparseCategoricalAccuracy"),
    ((8,), (8, 3), sparse_categorical_crossentropy, "SparseCategoricalAccuracy"),
    ((8, 3), (8, 3), None, "CategoricalAccuracy"),         # one-hot labels
    ((8, 3), (8, 3), "categorical_crossentropy", "CategoricalAccuracy"),
    ((None, 5), (None, 5), "mse", "CategoricalAccuracy"),
    ((8, 3), (8, 3), ["binary_crossentropy"], "CategoricalAccuracy"),  # per-output: shapes
])
def test_resolve_accuracy(true_shape, pred_shape, loss, want):
    assert metrics.resolve_accuracy(true_shape, pred_shape, loss) == want
    assert type(metrics.get(want, name="accuracy")).__name__ == want

