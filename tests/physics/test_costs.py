"""Physical cost terms: values against NumPy, gradients against finite differences, and
their use in compile and through add_loss."""

import numpy as np
import pytest

import ndflow as nd
from ndflow import keras
from ndflow.physics.costs import (
    MonotonicPenalty,
    NormalizationPenalty,
    PhysicsLoss,
    ThresholdPenalty,
    monotonic_penalty,
    normalization_penalty,
    threshold_penalty,
)
from ndflow.testing import check_gradients

rng = np.random.default_rng(0)


def relu(a):
    return np.maximum(a, 0.0)


def test_threshold_penalty_value_and_gradient():
    r = rng.normal(0, 1, (6, 3))
    np.testing.assert_allclose(float(threshold_penalty(r, tau=0.3)),
                               relu(np.abs(r) - 0.3).mean(), rtol=1e-12)
    assert float(threshold_penalty([0.1, -0.2], tau=0.25)) == 0.0
    r = np.array([[0.9, -1.4, 0.05], [2.0, -0.6, 0.7]])  # |r| - tau away from the kink
    check_gradients(lambda t: threshold_penalty(t, tau=0.3), [r])


def test_threshold_penalty_loss_class():
    y_true = rng.normal(0, 1, (5, 2)).astype(np.float32)
    y_pred = rng.normal(0, 1, (5, 2)).astype(np.float32)
    loss = ThresholdPenalty(tau=0.2)
    expected = relu(np.abs(y_pred - y_true) - 0.2).mean()
    np.testing.assert_allclose(float(loss(y_true, y_pred)), expected, rtol=1e-6)
    # a residual function: the energy change y_pred[:, 0] against the flux y_true[:, 0]
    custom = ThresholdPenalty(0.1, residual=lambda t, p: p[:, 0] - 2.0 * t[:, 0])
    np.testing.assert_allclose(float(custom(y_true, y_pred)),
                               relu(np.abs(y_pred[:, 0] - 2 * y_true[:, 0]) - 0.1).mean(),
                               rtol=1e-6)
    clone = ThresholdPenalty.from_config(loss.get_config())
    assert clone.tau == pytest.approx(0.2)


def test_monotonic_penalty_value_and_gradient():
    y = rng.normal(0, 1, (4, 6))
    diffs = np.diff(y, axis=-1)
    np.testing.assert_allclose(float(monotonic_penalty(y)), relu(-diffs).mean(), rtol=1e-12)
    np.testing.assert_allclose(float(monotonic_penalty(y, increasing=False, margin=0.1)),
                               relu(diffs + 0.1).mean(), rtol=1e-12)
    np.testing.assert_allclose(float(monotonic_penalty(y, axis=0)),
                               relu(-np.diff(y, axis=0)).mean(), rtol=1e-12)
    assert float(monotonic_penalty(np.cumsum(np.ones((2, 5)), axis=1))) == 0.0
    smooth = np.array([[0.0, 0.7, 0.2, 1.5], [1.0, 0.4, 0.9, 0.1]])
    check_gradients(lambda t: monotonic_penalty(t), [smooth])


def test_monotonic_penalty_loss_class_per_sample_and_along_batch():
    density = np.array([[1.0, 1.2, 1.1], [1.0, 1.1, 1.3]], np.float32)
    per_sample = MonotonicPenalty().call(None, nd.constant(density)).numpy()
    np.testing.assert_allclose(per_sample, [0.05, 0.0], rtol=1e-5)
    np.testing.assert_allclose(float(MonotonicPenalty()(np.zeros_like(density), density)),
                               0.025, rtol=1e-5)
    along_batch = MonotonicPenalty(axis=0)(np.zeros((3, 1)), np.array([[3.0], [2.0], [4.0]]))
    np.testing.assert_allclose(float(along_batch), 0.5, rtol=1e-6)
    config = MonotonicPenalty(axis=0, increasing=False).get_config()
    assert MonotonicPenalty.from_config(config).increasing is False


def test_normalization_penalty_trapezoid():
    x = np.linspace(-6, 6, 241)
    gauss = np.pi ** -0.25 * np.exp(-x ** 2 / 2)  # normalized: integral of psi^2 is 1
    assert float(normalization_penalty(gauss[None], x=x)) < 1e-12
    psi = rng.normal(0, 1, (3, 241))
    integral = np.trapezoid(psi ** 2, x, axis=-1)
    np.testing.assert_allclose(float(normalization_penalty(psi, x=x)),
                               ((integral - 1) ** 2).mean(), rtol=1e-10)
    np.testing.assert_allclose(float(normalization_penalty(psi, dx=x[1] - x[0], target=2.0)),
                               ((integral - 2) ** 2).mean(), rtol=1e-10)
    # a grid with uneven spacing, integrated along the batch axis
    grid = np.sort(rng.uniform(0, 1, 9))
    column = rng.normal(0, 1, (9, 1))
    np.testing.assert_allclose(float(normalization_penalty(column, x=grid, axis=0)),
                               (np.trapezoid(column[:, 0] ** 2, grid) - 1) ** 2, rtol=1e-10)
    check_gradients(lambda t: normalization_penalty(t, x=x[:7]), [psi[:, :7]])


def test_normalization_penalty_loss_class():
    x = np.linspace(0, 1, 11)
    psi = rng.normal(0, 1, (4, 11)).astype(np.float32)
    loss = NormalizationPenalty(x=x)
    expected = ((np.trapezoid(psi.astype(np.float64) ** 2, x, axis=-1) - 1) ** 2).mean()
    np.testing.assert_allclose(float(loss(np.zeros_like(psi), psi)), expected, rtol=1e-5)
    clone = NormalizationPenalty.from_config(loss.get_config())
    np.testing.assert_allclose(float(clone(np.zeros_like(psi), psi)), expected, rtol=1e-5)


def test_physics_loss_adds_weighted_terms():
    y_true = rng.normal(0, 1, (6, 4)).astype(np.float32)
    y_pred = rng.normal(0, 1, (6, 4)).astype(np.float32)
    loss = PhysicsLoss("mse", [(MonotonicPenalty(), 0.5), (ThresholdPenalty(0.1), 2.0)])
    mse = ((y_true - y_pred) ** 2).mean()
    expected = (mse + 0.5 * relu(-np.diff(y_pred, axis=-1)).mean()
                + 2.0 * relu(np.abs(y_pred - y_true) - 0.1).mean())
    np.testing.assert_allclose(float(loss(y_true, y_pred)), expected, rtol=1e-5)
    clone = PhysicsLoss.from_config(loss.get_config())
    np.testing.assert_allclose(float(clone(y_true, y_pred)), expected, rtol=1e-5)
    with pytest.raises(ValueError, match=r"\(term, weight\) pairs"):
        PhysicsLoss("mse", [MonotonicPenalty()])


def test_physics_loss_in_compile_makes_predictions_monotonic():
    """Targets whose noise bumps the profile down: the monotonicity cost irons it out."""
    x = rng.normal(0, 1, (64, 3)).astype(np.float32)
    y = (np.array([0, 0.3, 0.2, 0.5, 0.4]) + rng.normal(0, 0.1, (64, 5))).astype(np.float32)
    violations = {}
    for weight in (0.0, 10.0):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5)])
        model.compile(optimizer=keras.optimizers.Adam(0.05),
                      loss=PhysicsLoss("mse", [(MonotonicPenalty(margin=0.01), weight)]))
        model.fit(x, y, epochs=60, batch_size=64, verbose=0)
        violations[weight] = float(monotonic_penalty(model.predict(x, verbose=0)))
    assert violations[0.0] > 0.02
    assert violations[10.0] < 1e-3


def test_penalty_through_add_loss():
    class Profile(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = keras.layers.Dense(4)

        def call(self, x):
            out = self.dense(x)
            self.add_loss(3.0 * monotonic_penalty(out))
            return out

    keras.utils.set_random_seed(1)
    model = Profile()
    x = rng.normal(0, 1, (8, 2)).astype(np.float32)
    out = model(x)
    assert len(model.losses) == 1
    np.testing.assert_allclose(float(model.losses[0]),
                               3.0 * relu(-np.diff(out.numpy(), axis=-1)).mean(), rtol=1e-5)
    model.compile(optimizer="adam", loss="mse")
    before = float(monotonic_penalty(model(x)))
    model.fit(x, np.zeros((8, 4), np.float32), epochs=30, verbose=0)
    assert float(monotonic_penalty(model(x))) < before


def test_bad_arguments():
    with pytest.raises(ValueError, match="tau must be a number >= 0"):
        threshold_penalty([1.0], tau=-1)
    with pytest.raises(ValueError, match="at least 2 values along axis 1"):
        monotonic_penalty(np.zeros((3, 1)))
    with pytest.raises(ValueError, match="either the grid x or the spacing dx"):
        normalization_penalty(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="grid x has 4 points but psi has 3"):
        normalization_penalty(np.zeros((2, 3)), x=np.arange(4.0))
    with pytest.raises(TypeError, match="expected floating values"):
        monotonic_penalty(np.array([[1, 2]]))
