"""keras.losses: values against NumPy formulas and PyTorch, gradients, reductions, sample
weights, extreme inputs, lookup by name and config round trips."""

import json

import numpy as np
import pytest

from ndflow.autodiff.tape import GradientTape
from ndflow.backend.config import epsilon
from ndflow.core.tensor import wrap
from ndflow.keras import losses
from ndflow.ops.reduction import reduce_sum
from ndflow.testing import check_gradients

EPS = 1e-7
B, C = 4, 3
_rng = np.random.default_rng(7)


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _away(x, points, gap=0.05):
    """Values within ``gap`` of a kink moved off it."""
    for p in points:
        x = np.where(np.abs(x - p) < gap, p + np.where(x >= p, gap, -gap), x)
    return x


# shared data, float64: regression targets, logits, probabilities, labels
Y_REG = _rng.uniform(-1, 1, (B, C))
P_REG = _away(_rng.uniform(-1, 1, (B, C)), [0.0]) + 0.0
P_REG = np.where(np.abs(P_REG - Y_REG) < 0.05, P_REG + 0.1, P_REG)  # |e| away from 0
Y_POS = _rng.uniform(0.2, 3.0, (B, C))
P_POS = _rng.uniform(0.2, 3.0, (B, C))
LOGITS = _rng.normal(0, 2, (B, C))
PROBS = _softmax(LOGITS)
SIGM = _sigmoid(LOGITS)
LABELS = np.array([0, 2, 1, 2])
ONEHOT = np.eye(C)[LABELS]
BINARY = (_rng.uniform(size=(B, C)) > 0.5).astype(np.float64)
SOFT = _softmax(_rng.normal(0, 1, (B, C)))
SIGNED = BINARY * 2 - 1


def _clip(p):
    return np.clip(p, EPS, 1 - EPS)


def _bce(t, p):
    p = _clip(p)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def _bce_logits(t, x):
    return np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))


def _cce(t, p):
    return -(t * np.log(_clip(p / p.sum(-1, keepdims=True)))).sum(-1)


def _log_softmax(x):
    return x - x.max(-1, keepdims=True) - np.log(np.exp(x - x.max(-1, keepdims=True)).sum(
        -1, keepdims=True))


def _huber(t, p, d):
    e = np.abs(p - t)
    return np.where(e <= d, 0.5 * e ** 2, d * e - 0.5 * d * d).mean(-1)


def _focal(t, p, gamma=2.0, alpha=None, logits=False):
    bce = _bce_logits(t, p) if logits else _bce(t, p)
    q = _sigmoid(p) if logits else p
    pt = t * q + (1 - t) * (1 - q)
    out = (1 - pt) ** gamma * bce
    if alpha is not None:
        out = (t * alpha + (1 - t) * (1 - alpha)) * out
    return out.mean(-1)


def _cosine(t, p):
    t = t / np.linalg.norm(t, axis=-1, keepdims=True)
    p = p / np.linalg.norm(p, axis=-1, keepdims=True)
    return -(t * p).sum(-1)


def _smooth(t, ls, n):
    return t * (1 - ls) + ls / n


L = losses
F64 = {"dtype": "float64"}

# name -> (loss object, y_true, y_pred, NumPy per-sample losses)
REFERENCE = {
    "mse": (L.MeanSquaredError(**F64), Y_REG, P_REG, lambda t, p: ((t - p) ** 2).mean(-1)),
    "mae": (L.MeanAbsoluteError(**F64), Y_REG, P_REG, lambda t, p: np.abs(t - p).mean(-1)),
    "mape": (L.MeanAbsolutePercentageError(**F64), Y_POS, P_POS,
             lambda t, p: 100 * np.abs((t - p) / np.maximum(np.abs(t), EPS)).mean(-1)),
    "msle": (L.MeanSquaredLogarithmicError(**F64), Y_POS, P_POS,
             lambda t, p: ((np.log(p + 1) - np.log(t + 1)) ** 2).mean(-1)),
    "huber": (L.Huber(**F64), Y_REG * 2, P_REG, lambda t, p: _huber(t, p, 1.0)),
    "huber_delta": (L.Huber(delta=0.3, **F64), Y_REG, P_REG, lambda t, p: _huber(t, p, 0.3)),
    "log_cosh": (L.LogCosh(**F64), Y_REG, P_REG * 5,
                 lambda t, p: np.log(np.cosh(p - t)).mean(-1)),
    "cosine_similarity": (L.CosineSimilarity(**F64), Y_REG, P_REG, _cosine),
    "bce": (L.BinaryCrossentropy(**F64), BINARY, SIGM, lambda t, p: _bce(t, p).mean(-1)),
    "bce_logits": (L.BinaryCrossentropy(from_logits=True, **F64), BINARY, LOGITS,
                   lambda t, x: _bce_logits(t, x).mean(-1)),
    "bce_smoothing": (L.BinaryCrossentropy(label_smoothing=0.2, **F64), BINARY, SIGM,
                      lambda t, p: _bce(t * 0.8 + 0.1, p).mean(-1)),
    "bce_axis0": (L.BinaryCrossentropy(axis=0, **F64), BINARY, SIGM,
                  lambda t, p: _bce(t, p).mean(0)),
    "cce": (L.CategoricalCrossentropy(**F64), ONEHOT, PROBS, _cce),
    "cce_unnormalized": (L.CategoricalCrossentropy(**F64), SOFT, PROBS * 3, _cce),
    "cce_logits": (L.CategoricalCrossentropy(from_logits=True, **F64), SOFT, LOGITS,
                   lambda t, x: -(t * _log_softmax(x)).sum(-1)),
    "cce_smoothing": (L.CategoricalCrossentropy(label_smoothing=0.1, **F64), ONEHOT, PROBS,
                      lambda t, p: _cce(_smooth(t, 0.1, C), p)),
    "cce_axis0": (L.CategoricalCrossentropy(axis=0, from_logits=True, **F64), SOFT.T,
                  LOGITS.T, lambda t, x: -(t.T * _log_softmax(x.T)).sum(-1)),
    "scce": (L.SparseCategoricalCrossentropy(**F64), LABELS, PROBS,
             lambda t, p: -np.log(p[np.arange(B), t])),
    "scce_column_labels": (L.SparseCategoricalCrossentropy(**F64), LABELS[:, None], PROBS,
                           lambda t, p: -np.log(p[np.arange(B), t[:, 0]])),
    "scce_logits": (L.SparseCategoricalCrossentropy(from_logits=True, **F64), LABELS, LOGITS,
                    lambda t, x: -_log_softmax(x)[np.arange(B), t]),
    "focal": (L.BinaryFocalCrossentropy(**F64), BINARY, SIGM, _focal),
    "focal_gamma": (L.BinaryFocalCrossentropy(gamma=1.5, **F64), BINARY, SIGM,
                    lambda t, p: _focal(t, p, gamma=1.5)),
    "focal_balanced_logits": (
        L.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.3, from_logits=True,
                                  **F64),
        BINARY, LOGITS, lambda t, x: _focal(t, x, alpha=0.3, logits=True)),
    "categorical_focal": (
        L.CategoricalFocalCrossentropy(**F64), ONEHOT, PROBS,
        lambda t, p: -(0.25 * (1 - p) ** 2 * t * np.log(p)).sum(-1)),
    "kld": (L.KLDivergence(**F64), SOFT, PROBS, lambda t, p: (t * np.log(t / p)).sum(-1)),
    "poisson": (L.Poisson(**F64), Y_POS, P_POS, lambda t, p: (p - t * np.log(p + EPS)).mean(-1)),
    "hinge_01_labels": (L.Hinge(**F64), BINARY, P_REG * 2,
                        lambda t, p: np.maximum(1 - (2 * t - 1) * p, 0).mean(-1)),
    "hinge_signed_labels": (L.Hinge(**F64), SIGNED, P_REG * 2,
                            lambda t, p: np.maximum(1 - t * p, 0).mean(-1)),
    "squared_hinge": (L.SquaredHinge(**F64), BINARY, P_REG * 2,
                      lambda t, p: np.maximum(1 - (2 * t - 1) * p, 0).__pow__(2).mean(-1)),
    "categorical_hinge": (
        L.CategoricalHinge(**F64), ONEHOT, P_REG,
        lambda t, p: np.maximum(((1 - t) * p).max(-1) - (t * p).sum(-1) + 1, 0)),
}


@pytest.mark.parametrize("name", REFERENCE)
def test_values_match_numpy(name):
    loss, y_true, y_pred, ref = REFERENCE[name]
    expected = ref(y_true, y_pred)
    per_sample = losses.LossFunctionWrapper.call(loss, wrap(y_true * 1.0), wrap(y_pred))
    np.testing.assert_allclose(per_sample.numpy(), expected, rtol=1e-10, atol=1e-12)
    value = loss(y_true, y_pred)
    assert value.shape == () and value.dtype.name == "float64"
    np.testing.assert_allclose(value.numpy(), expected.mean(), rtol=1e-10)
    # the plain function of the same name agrees with the object
    fn = loss.fn
    np.testing.assert_allclose(fn(y_true, y_pred, **loss._fn_kwargs).numpy(), expected,
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", REFERENCE)
def test_gradients(name):
    loss, y_true, y_pred, _ = REFERENCE[name]
    check_gradients(lambda p: loss(y_true, p), [y_pred], atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("name", ["mse", "huber", "log_cosh", "bce_logits", "cce_logits",
                                  "scce_logits", "poisson", "kld"])
def test_second_derivatives(name):
    loss, y_true, y_pred, _ = REFERENCE[name]
    check_gradients(lambda p: loss(y_true, p), [y_pred], order=2, atol=1e-5, rtol=1e-4)


# -- PyTorch twins: one line per loss --------------------------------------------------------
torch = pytest.importorskip("torch")
TF = torch.nn.functional
T = torch.tensor


def _idx(labels):
    return T(labels, dtype=torch.long)


# name -> (ndflow loss, torch loss of (y_pred tensor, y_true NumPy), y_true, y_pred)
TORCH = {
    "MSELoss": (L.MeanSquaredError(**F64), lambda p, t: torch.nn.MSELoss()(p, T(t)),
                Y_REG, P_REG),
    "L1Loss": (L.MeanAbsoluteError(**F64), lambda p, t: torch.nn.L1Loss()(p, T(t)),
               Y_REG, P_REG),
    "HuberLoss": (L.Huber(delta=0.4, **F64),
                  lambda p, t: torch.nn.HuberLoss(delta=0.4)(p, T(t)), Y_REG, P_REG),
    "BCELoss": (L.BinaryCrossentropy(**F64), lambda p, t: torch.nn.BCELoss()(p, T(t)),
                BINARY, SIGM),
    "BCELoss_soft_targets": (L.BinaryCrossentropy(**F64),
                             lambda p, t: torch.nn.BCELoss()(p, T(t)), SIGM[::-1].copy(), SIGM),
    "BCEWithLogitsLoss": (L.BinaryCrossentropy(from_logits=True, **F64),
                          lambda p, t: torch.nn.BCEWithLogitsLoss()(p, T(t)), BINARY, LOGITS),
    "CrossEntropyLoss_probabilities": (
        L.CategoricalCrossentropy(from_logits=True, **F64),
        lambda p, t: torch.nn.CrossEntropyLoss()(p, T(t)), SOFT, LOGITS),
    "CrossEntropyLoss_probabilities_smoothing": (
        L.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1, **F64),
        lambda p, t: torch.nn.CrossEntropyLoss(label_smoothing=0.1)(p, T(t)), SOFT, LOGITS),
    "CrossEntropyLoss_indices": (
        L.SparseCategoricalCrossentropy(from_logits=True, **F64),
        lambda p, t: torch.nn.CrossEntropyLoss()(p, _idx(t)), LABELS, LOGITS),
    "CrossEntropyLoss_indices_smoothing": (
        L.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2, **F64),
        lambda p, t: torch.nn.CrossEntropyLoss(label_smoothing=0.2)(p, _idx(t.argmax(-1))),
        ONEHOT, LOGITS),
    "CrossEntropyLoss_ignore_index": (
        L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2, **F64),
        lambda p, t: torch.nn.CrossEntropyLoss(ignore_index=2)(p, _idx(t)), LABELS, LOGITS),
    # probabilities are renormalised to sum to 1, as in Keras (this moves the gradient)
    "NLLLoss_of_probabilities": (
        L.SparseCategoricalCrossentropy(**F64),
        lambda p, t: torch.nn.NLLLoss()(torch.log(p / p.sum(-1, keepdim=True)), _idx(t)),
        LABELS, PROBS),
    "NLLLoss_of_categorical_probabilities": (
        L.CategoricalCrossentropy(**F64),
        lambda p, t: torch.nn.NLLLoss()(torch.log(p / p.sum(-1, keepdim=True)),
                                        _idx(t.argmax(-1))),
        ONEHOT, PROBS * 2),
    "KLDivLoss": (L.KLDivergence(**F64),
                  lambda p, t: torch.nn.KLDivLoss(reduction="batchmean")(torch.log(p), T(t)),
                  SOFT, PROBS),
    "PoissonNLLLoss": (L.Poisson(**F64),
                       lambda p, t: torch.nn.PoissonNLLLoss(log_input=False, eps=EPS)(p, T(t)),
                       Y_POS, P_POS),
    "CosineSimilarity": (L.CosineSimilarity(**F64),
                         lambda p, t: -torch.nn.CosineSimilarity(dim=-1)(p, T(t)).mean(),
                         Y_REG, P_REG),
    "SoftMarginLoss_as_logits_bce": (  # log(1 + exp(-y x)) is BCE of logits with 0/1 labels
        L.BinaryCrossentropy(from_logits=True, **F64),
        lambda p, t: torch.nn.SoftMarginLoss()(p, T(2 * t - 1)), BINARY, LOGITS),
}


def _ndflow_value_and_grad(loss, y_true, y_pred):
    p = wrap(np.array(y_pred))
    with GradientTape() as tape:
        tape.watch(p)
        value = loss(y_true, p)
    return value.numpy(), tape.gradient(value, p).numpy()


def _torch_value_and_grad(fn, y_true, y_pred):
    p = T(y_pred, requires_grad=True)
    value = fn(p, y_true)
    value.backward()
    return value.detach().numpy(), p.grad.numpy()


@pytest.mark.parametrize("name", TORCH)
def test_matches_torch(name):
    loss, fn, y_true, y_pred = TORCH[name]
    value, grad = _ndflow_value_and_grad(loss, y_true, y_pred)
    t_value, t_grad = _torch_value_and_grad(fn, y_true, y_pred)
    np.testing.assert_allclose(value, t_value, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grad, t_grad, rtol=1e-7, atol=1e-12)


# -- reductions and sample weights ---------------------------------------------------------
def test_reductions():
    per_sample = ((Y_REG - P_REG) ** 2).mean(-1)
    cases = {"sum_over_batch_size": per_sample.mean(), "mean": per_sample.mean(),
             "sum": per_sample.sum(), "none": per_sample, None: per_sample,
             "mean_with_sample_weight": per_sample.mean(),
             "auto": per_sample.mean()}  # tf.keras's spelling
    for reduction, expected in cases.items():
        out = losses.MeanSquaredError(reduction=reduction, **F64)(Y_REG, P_REG)
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, err_msg=str(reduction))
    assert losses.Reduction.SUM_OVER_BATCH_SIZE in losses.Reduction.all()
    with pytest.raises(ValueError, match="Invalid value for argument `reduction`.*'sum'"):
        losses.MeanSquaredError(reduction="average")


@pytest.mark.parametrize("weights", [np.array([0.5, 2.0, 0.0, 1.5]),
                                     np.array([[0.5], [2.0], [0.0], [1.5]]), 3.0])
def test_sample_weights(weights):
    per_sample = ((Y_REG - P_REG) ** 2).mean(-1)
    w = np.broadcast_to(np.reshape(weights, (-1,)), (B,))
    expected = {"sum_over_batch_size": (per_sample * w).sum() / B,
                "sum": (per_sample * w).sum(), "none": per_sample * w,
                "mean_with_sample_weight": (per_sample * w).sum() / w.sum()}
    for reduction, value in expected.items():
        loss = losses.MeanSquaredError(reduction=reduction, **F64)
        out = loss(Y_REG, P_REG, sample_weight=weights)
        np.testing.assert_allclose(out.numpy(), value, rtol=1e-12, err_msg=reduction)


def test_empty_batches_and_zero_weights_give_zero():
    empty = np.zeros((0, C))
    assert float(losses.MeanSquaredError()(empty, empty)) == 0.0
    assert losses.MeanSquaredError(reduction="none")(empty, empty).shape == (0,)
    for reduction in ("sum_over_batch_size", "mean_with_sample_weight", "sum"):
        out = losses.MeanSquaredError(reduction=reduction)(Y_REG, P_REG, np.zeros(B))
        assert float(out) == 0.0, reduction


def test_sample_weights_spread_over_each_samples_losses():
    y_true, y_pred = _rng.normal(size=(B, 5, C)), _rng.normal(size=(B, 5, C))
    per_step = ((y_true - y_pred) ** 2).mean(-1)  # (B, 5)
    w = np.array([1.0, 0.0, 2.0, 0.5])
    loss = losses.MeanSquaredError(**F64)
    np.testing.assert_allclose(loss(y_true, y_pred, sample_weight=w).numpy(),
                               (per_step * w[:, None]).mean(), rtol=1e-12)
    steps = _rng.uniform(size=(B, 5))  # temporal weights, one per step
    np.testing.assert_allclose(loss(y_true, y_pred, sample_weight=steps).numpy(),
                               (per_step * steps).mean(), rtol=1e-12)
    with pytest.raises(ValueError, match="more dimensions than the losses"):
        losses.MeanSquaredError(**F64)(Y_REG, P_REG, sample_weight=np.ones((B, C, 2)))


def test_mask_on_predictions_leaves_entries_out_of_the_mean():
    y_true, y_pred = _rng.normal(size=(B, 5, 1)), _rng.normal(size=(B, 5, 1))
    mask = np.arange(5)[None, :] < np.array([5, 3, 1, 4])[:, None]
    pred = wrap(y_pred)
    pred._keras_mask = wrap(mask)
    out = losses.MeanSquaredError(**F64)(y_true, pred)
    per_step = ((y_true - y_pred) ** 2)[..., 0]
    np.testing.assert_allclose(out.numpy(), per_step[mask].mean(), rtol=1e-12)


def test_ignore_class():
    labels = np.array([[0, 2, -1], [1, -1, -1]])
    logits = _rng.normal(size=(2, 3, C))
    keep = labels != -1
    picked = -_log_softmax(logits)[np.nonzero(keep)[0], np.nonzero(keep)[1], labels[keep]]
    for from_logits, pred in ((True, logits), (False, _softmax(logits))):
        loss = losses.SparseCategoricalCrossentropy(from_logits=from_logits, ignore_class=-1,
                                                    **F64)
        np.testing.assert_allclose(loss(labels, pred).numpy(), picked.mean(), rtol=1e-10)
        total = losses.SparseCategoricalCrossentropy(
            from_logits=from_logits, ignore_class=-1, reduction="sum", **F64)(labels, pred)
        np.testing.assert_allclose(total.numpy(), picked.sum(), rtol=1e-10)
        per = losses.sparse_categorical_crossentropy(labels, pred, from_logits, -1)
        assert np.all(per.numpy()[~keep] == 0)


# -- numerical safety ----------------------------------------------------------------------
BIG = 1e4
EXTREME = {
    "bce_probabilities_0_1": (L.BinaryCrossentropy(), [[0.0, 1.0, 0.0, 1.0]],
                              [[0.0, 1.0, 1.0, 0.0]]),
    "bce_logits": (L.BinaryCrossentropy(from_logits=True), [[0.0, 1.0, 0.0, 1.0]],
                   [[-BIG, BIG, BIG, -BIG]]),
    "bce_smoothing_logits": (L.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
                             [[0.0, 1.0]], [[BIG, -BIG]]),
    "cce_probabilities_0_1": (L.CategoricalCrossentropy(), [[1.0, 0.0], [0.0, 1.0]],
                              [[1.0, 0.0], [1.0, 0.0]]),
    "cce_logits": (L.CategoricalCrossentropy(from_logits=True), [[1.0, 0.0], [0.0, 1.0]],
                   [[BIG, -BIG], [BIG, -BIG]]),
    "cce_smoothing_logits": (L.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
                             [[1.0, 0.0]], [[-BIG, BIG]]),
    "scce_probabilities_0_1": (L.SparseCategoricalCrossentropy(), [0, 1],
                               [[1.0, 0.0], [1.0, 0.0]]),
    "scce_logits": (L.SparseCategoricalCrossentropy(from_logits=True), [0, 1],
                    [[BIG, -BIG], [BIG, -BIG]]),
    "focal_probabilities_0_1": (L.BinaryFocalCrossentropy(gamma=0.5),
                                [[0.0, 1.0, 0.0, 1.0]], [[0.0, 1.0, 1.0, 0.0]]),
    "focal_logits": (L.BinaryFocalCrossentropy(from_logits=True, apply_class_balancing=True),
                     [[0.0, 1.0, 0.0, 1.0]], [[-BIG, BIG, BIG, -BIG]]),
    "categorical_focal_logits": (L.CategoricalFocalCrossentropy(from_logits=True),
                                 [[1.0, 0.0], [0.0, 1.0]], [[BIG, -BIG], [BIG, -BIG]]),
    "kld_0_1": (L.KLDivergence(), [[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [1.0, 0.0]]),
    "poisson_zero_rate": (L.Poisson(), [[0.0, 3.0]], [[0.0, 0.0]]),
    "msle_zero": (L.MeanSquaredLogarithmicError(), [[0.0, 1.0]], [[0.0, -1.0]]),
    "mape_zero_target": (L.MeanAbsolutePercentageError(), [[0.0, 0.0]], [[1.0, -1.0]]),
    "log_cosh_large": (L.LogCosh(), [[0.0, 0.0]], [[BIG, -BIG]]),
    "cosine_zero_vector": (L.CosineSimilarity(), [[0.0, 0.0]], [[1.0, 2.0]]),
}


@pytest.mark.parametrize("name", EXTREME)
def test_extreme_inputs_give_finite_losses_and_gradients(name):
    loss, y_true, y_pred = EXTREME[name]
    p = wrap(np.array(y_pred, dtype=np.float32))
    with GradientTape() as tape:
        tape.watch(p)
        value = loss(y_true, p)
    grad = tape.gradient(value, p)
    assert value.dtype.name == loss.dtype
    assert np.isfinite(value.numpy()), value
    assert np.all(np.isfinite(grad.numpy())), grad


def test_float16_probabilities_of_one_are_clipped_below_one():
    # 1 - epsilon rounds to 1 in float16: the clip uses the float just below 1 instead
    out = losses.BinaryCrossentropy(dtype="float16")([[0.0, 1.0]], [[1.0, 1.0]])
    assert out.dtype.name == "float16" and np.isfinite(float(out))


def test_extreme_logits_give_the_right_values():
    correct = losses.CategoricalCrossentropy(from_logits=True)([[1.0, 0.0]], [[BIG, -BIG]])
    wrong = losses.CategoricalCrossentropy(from_logits=True)([[0.0, 1.0]], [[BIG, -BIG]])
    assert float(correct) == 0.0 and float(wrong) == pytest.approx(2 * BIG)
    bce_wrong = losses.BinaryCrossentropy(from_logits=True)([[0.0]], [[BIG]])
    assert float(bce_wrong) == pytest.approx(BIG)
    # probabilities are clipped to [epsilon, 1 - epsilon], as Keras does
    clipped = losses.BinaryCrossentropy()([[1.0]], [[0.0]])
    assert float(clipped) == pytest.approx(-np.log(epsilon()), rel=1e-5)


# -- dtypes, shapes and errors ---------------------------------------------------------------
def test_loss_computes_in_floatx_unless_told():
    out = losses.MeanSquaredError()(Y_REG, P_REG)  # float64 data
    assert out.dtype.name == "float32"
    assert losses.MeanSquaredError().dtype == "float32"
    assert losses.MeanSquaredError(dtype="float64")(Y_REG, P_REG).dtype.name == "float64"
    assert losses.mean_squared_error(Y_REG, P_REG).dtype.name == "float64"
    ints = losses.MeanSquaredError()([[1, 2]], [[1, 4]])
    assert ints.dtype.name == "float32" and float(ints) == 2.0


def test_targets_one_trailing_axis_off_are_aligned_not_broadcast():
    y_true, y_pred = _rng.normal(size=(B, 20, 1)), _rng.normal(size=(B, 20))
    expected = ((y_true[..., 0] - y_pred) ** 2).mean()
    for fn in (losses.MeanSquaredError(**F64),
               losses.LossFunctionWrapper(lambda t, p: ((t - p) ** 2), **F64)):
        np.testing.assert_allclose(fn(y_true, y_pred).numpy(), expected, rtol=1e-12)
    # (N,) targets against (N, 1) predictions
    np.testing.assert_allclose(losses.mean_absolute_error(Y_REG[:, 0], P_REG[:, :1]).numpy(),
                               np.abs(Y_REG[:, 0] - P_REG[:, 0]), rtol=1e-12)


def test_bad_inputs_raise_clear_errors():
    with pytest.raises(ValueError, match=r"same shape.*\(4,\).*\(4, 3\).*sparse_categorical"):
        losses.CategoricalCrossentropy()(LABELS, PROBS)
    with pytest.raises(ValueError, match="categorical_crossentropy"):
        losses.SparseCategoricalCrossentropy()(np.eye(C)[[0, 1, 2, 0]][:, :2], PROBS)
    with pytest.raises(ValueError, match=r"label value of 3.*\[0, 3\)"):
        losses.SparseCategoricalCrossentropy()([0, 3], PROBS[:2])
    with pytest.raises(ValueError, match="axis must be an integer"):
        losses.categorical_crossentropy(ONEHOT, PROBS, axis=True)
    with pytest.raises(ValueError, match="must be callable"):
        losses.LossFunctionWrapper("mse")


def test_custom_loss_subclass():
    class Quartic(losses.Loss):
        def call(self, y_true, y_pred):
            return losses.mean_squared_error(y_true, y_pred) ** 2

    loss = Quartic(reduction="sum", dtype="float64")
    assert loss.name == "quartic"
    expected = (((Y_REG - P_REG) ** 2).mean(-1) ** 2).sum()
    np.testing.assert_allclose(loss(Y_REG, P_REG).numpy(), expected, rtol=1e-12)
    assert Quartic.from_config(loss.get_config()).get_config() == loss.get_config()
    with pytest.raises(NotImplementedError, match="call"):
        losses.Loss()(Y_REG, P_REG)


def test_wrapper_passes_keyword_arguments_and_takes_the_functions_name():
    wrapper = losses.LossFunctionWrapper(losses.huber, delta=0.3, **F64)
    assert wrapper.name == "huber"
    np.testing.assert_allclose(wrapper(Y_REG, P_REG).numpy(),
                               _huber(Y_REG, P_REG, 0.3).mean(), rtol=1e-12)


# -- lookup, serialization, configs -------------------------------------------------------------
class _Model:
    def __init__(self, scale):
        self.scale = scale

    def loss(self, y_true, y_pred):
        return reduce_sum((y_true - y_pred) ** 2, axis=-1) * self.scale


@pytest.mark.parametrize("name, expected", [
    ("mse", losses.mean_squared_error), ("MSE", losses.mean_squared_error),
    ("mean_squared_error", losses.mean_squared_error), ("mae", losses.mean_absolute_error),
    ("mape", losses.mean_absolute_percentage_error),
    ("msle", losses.mean_squared_logarithmic_error), ("kld", losses.kl_divergence),
    ("kullback_leibler_divergence", losses.kl_divergence), ("logcosh", losses.log_cosh),
    ("huber", losses.huber), ("binary_crossentropy", losses.binary_crossentropy),
    ("categorical_crossentropy", losses.categorical_crossentropy),
    ("sparse_categorical_crossentropy", losses.sparse_categorical_crossentropy),
    ("poisson", losses.poisson), ("cosine_similarity", losses.cosine_similarity),
])
def test_get_function_names(name, expected):
    assert losses.get(name) is expected


@pytest.mark.parametrize("cls", [losses.MeanSquaredError, losses.Huber, losses.LogCosh,
                                 losses.BinaryCrossentropy, losses.CategoricalCrossentropy,
                                 losses.SparseCategoricalCrossentropy, losses.KLDivergence,
                                 losses.CosineSimilarity, losses.BinaryFocalCrossentropy,
                                 losses.CategoricalHinge])
def test_get_class_names_and_classes_give_instances(cls):
    assert type(losses.get(cls.__name__)) is cls
    assert type(losses.get(cls)) is cls


def test_get_callables_instances_and_none():
    instance = losses.Huber(0.5)
    assert losses.get(instance) is instance
    assert losses.get(None) is None
    model = _Model(2.0)
    fn = losses.get(model.loss)  # a bound method is a loss like any f(y_true, y_pred)
    assert fn == model.loss
    wrapped = losses.LossFunctionWrapper(fn, **F64)
    assert wrapped.name == "loss"
    np.testing.assert_allclose(wrapped(Y_REG, P_REG).numpy(),
                               2 * ((Y_REG - P_REG) ** 2).sum(-1).mean(), rtol=1e-12)
    lam = losses.get(lambda t, p: (t - p) ** 2)
    assert callable(lam)
    from_dict = losses.get({"class_name": "Huber", "config": {"delta": 0.5}})
    assert isinstance(from_dict, losses.Huber) and from_dict.get_config()["delta"] == 0.5


def test_get_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match=r"Unknown loss: 'msee'.*mean_squared_error.*mse"):
        losses.get("msee")
    with pytest.raises(ValueError, match="Could not interpret loss identifier"):
        losses.get(42)


CONFIGURED = [
    losses.MeanSquaredError(reduction="sum", name="my_mse"),
    losses.MeanAbsoluteError(dtype="float64"),
    losses.MeanAbsolutePercentageError(),
    losses.MeanSquaredLogarithmicError(reduction="none"),
    losses.Huber(delta=0.3),
    losses.LogCosh(),
    losses.CosineSimilarity(axis=0),
    losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1, axis=0),
    losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.4, gamma=1.5,
                                   from_logits=True, label_smoothing=0.05),
    losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.2),
    losses.CategoricalFocalCrossentropy(alpha=0.5, gamma=3.0),
    losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1),
    losses.KLDivergence(),
    losses.Poisson(reduction="mean_with_sample_weight"),
    losses.Hinge(),
    losses.SquaredHinge(),
    losses.CategoricalHinge(),
]


@pytest.mark.parametrize("loss", CONFIGURED, ids=lambda loss: type(loss).__name__)
def test_config_round_trips(loss):
    config = loss.get_config()
    json.dumps(config)
    again = type(loss).from_config(config)
    assert again.get_config() == config
    restored = losses.deserialize(json.loads(json.dumps(losses.serialize(loss))))
    assert type(restored) is type(loss) and restored.get_config() == config
    assert restored.name == loss.name and restored.reduction == loss.reduction


def test_builtin_configs_follow_keras():
    assert losses.BinaryCrossentropy().get_config() == {
        "name": "binary_crossentropy", "reduction": "sum_over_batch_size",
        "from_logits": False, "label_smoothing": 0.0, "axis": -1}
    assert losses.MeanSquaredError().get_config() == {
        "name": "mean_squared_error", "reduction": "sum_over_batch_size"}
    assert losses.Huber().name == "huber_loss"


def test_serialize_functions_and_wrappers():
    config = losses.serialize(losses.mean_squared_error)
    assert config["class_name"] == "function" and config["config"] == "mean_squared_error"
    assert losses.deserialize(config) is losses.mean_squared_error
    assert losses.deserialize("mse") is losses.mean_squared_error
    wrapper = losses.LossFunctionWrapper(losses.huber, name="h", delta=0.7)
    restored = losses.deserialize(json.loads(json.dumps(losses.serialize(wrapper))))
    assert restored.fn is losses.huber and restored.get_config() == wrapper.get_config()
    with pytest.raises(ValueError, match="Cannot serialize"):
        losses.serialize(lambda t, p: t - p)


def test_custom_objects_resolve():
    def my_loss(y_true, y_pred):
        return losses.mean_squared_error(y_true, y_pred) * 3

    wrapper = losses.LossFunctionWrapper(my_loss)
    config = json.loads(json.dumps(losses.serialize(wrapper)))
    with pytest.raises(ValueError, match="Unknown loss: 'my_loss'"):
        losses.deserialize(config)
    restored = losses.deserialize(config, custom_objects={"my_loss": my_loss})
    assert restored.fn is my_loss
