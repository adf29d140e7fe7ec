"""Dropout, GaussianNoise and ActivityRegularization: the layer contract in inference and
training mode, their statistics, seeding, and bad arguments."""

import numpy as np
import pytest

from ndflow.autodiff.tape import GradientTape
from ndflow.backend import rng
from ndflow.core.convert import convert_to_tensor
from ndflow.keras import Input, Model, Sequential
from ndflow.keras.layers.core import Dense
from ndflow.keras.layers.regularization import ActivityRegularization, Dropout, GaussianNoise
from ndflow.testing import check_gradients
from tests.keras.contract import check_layer

X = np.random.default_rng(0).uniform(-1, 1, size=(4, 3, 5)).astype(np.float32)
X64 = X.astype(np.float64)


@pytest.fixture
def global_seed():
    yield rng.set_seed
    rng.set_seed(None)


# -- Dropout -----------------------------------------------------------------------------
@pytest.mark.parametrize("training", [None, False])
def test_dropout_contract_in_inference_is_the_identity(training):
    _, y = check_layer(lambda: Dropout(0.5), (4, 5), (4, 5), num_weights=0, num_params=0,
                       call_kwargs={"training": training})
    x = np.random.default_rng(0).uniform(-1.0, 1.0, size=(4, 5)).astype(np.float32)
    np.testing.assert_array_equal(y.numpy(), x)  # check_layer's input, seed 0
    t = convert_to_tensor(X)
    assert Dropout(0.5)(t) is t


def test_dropout_contract_in_training():
    # a clone from the config has the same seed, hence draws the same first mask
    check_layer(lambda: Dropout(0.3, seed=7), (4, 5), (4, 5), num_weights=0,
                call_kwargs={"training": True}, gradients=False)
    check_layer(lambda: Dropout(0.3, noise_shape=(None, 1, 5), seed=7), (4, 3, 5), (4, 3, 5),
                num_weights=0, call_kwargs={"training": True}, gradients=False)


def test_dropout_gradients_in_training():
    # a fresh seeded layer per evaluation: the same mask for every finite difference
    check_gradients(lambda t: Dropout(0.4, seed=5, dtype="float64")(t, training=True), [X64])
    check_gradients(lambda t: Dropout(0.4, dtype="float64")(t, training=False), [X64], order=2)


@pytest.mark.parametrize("seed", [None, 3])
@pytest.mark.parametrize("rate", [0.2, 0.5, 0.8])
def test_dropout_keeps_1_minus_rate_and_scales_kept_values(rate, seed):
    x = np.random.default_rng(1).uniform(0.5, 1.5, size=(200, 500)).astype(np.float32)
    y = Dropout(rate, seed=seed)(x, training=True).numpy()
    assert y.dtype == np.float32
    kept = y != 0
    assert abs(kept.mean() - (1 - rate)) < 0.01  # 100k draws: std of the fraction < 0.002
    np.testing.assert_allclose(y[kept], x[kept] / (1 - rate), rtol=1e-6)


def test_dropout_keeps_float64():
    y = Dropout(0.5, dtype="float64")(X64, training=True)
    assert y.dtype.name == "float64"


def test_seeded_dropout_masks_are_reproducible():
    a, b = Dropout(0.5, seed=11), Dropout(0.5, seed=11)
    first, second = a(X, training=True).numpy(), a(X, training=True).numpy()
    assert not np.array_equal(first, second)  # the stream moves on between calls
    np.testing.assert_array_equal(b(X, training=True).numpy(), first)
    np.testing.assert_array_equal(b(X, training=True).numpy(), second)
    other = Dropout(0.5, seed=12)(X, training=True).numpy()
    assert not np.array_equal(other, first)
    clone = Dropout.from_config(a.get_config())
    np.testing.assert_array_equal(clone(X, training=True).numpy(), first)


def test_unseeded_dropout_follows_the_global_seed(global_seed):
    global_seed(123)
    first = Dropout(0.5)(X, training=True).numpy()
    global_seed(123)
    np.testing.assert_array_equal(Dropout(0.5)(X, training=True).numpy(), first)


def test_dropout_noise_shape_shares_decisions():
    y = Dropout(0.5, noise_shape=(None, 1, 5), seed=2)(X, training=True).numpy()
    kept = y != 0
    assert (kept == kept[:, :1, :]).all()  # the same features kept at every step
    assert 0 < kept.mean() < 1
    assert Dropout(0.5, noise_shape=[4, 1, 1]).get_config()["noise_shape"] == [4, 1, 1]


def test_dropout_rate_edges():
    np.testing.assert_array_equal(Dropout(0.0)(X, training=True).numpy(), X)
    np.testing.assert_array_equal(Dropout(1.0)(X, training=True).numpy(), np.zeros_like(X))


@pytest.mark.parametrize("rate", [-0.1, 1.5, "0.5", None, float("nan")])
def test_dropout_rejects_bad_rates(rate):
    with pytest.raises(ValueError, match=r"Dropout '.*': invalid value.*`rate`.*between 0 and 1"):
        Dropout(rate)


def test_dropout_bad_noise_shape_seed_and_inputs():
    with pytest.raises(ValueError, match=r"'drop'.*noise_shape \(4, 2, 5\).*\(4, 3, 5\)"):
        Dropout(0.5, noise_shape=(4, 2, 5), name="drop")(X, training=True)
    with pytest.raises(ValueError, match="noise_shape"):
        Dropout(0.5, noise_shape=(4, 1))(X, training=True)
    with pytest.raises(TypeError, match="seed must be an integer"):
        Dropout(0.5, seed=1.5)
    with pytest.raises(TypeError, match="expects floating-point inputs, got int32"):
        Dropout(0.5)(np.ones((2, 3), np.int32), training=True)


def test_dropout_symbolic_shape_and_training_flag_in_models():
    assert tuple(Dropout(0.5)(Input(shape=(3, 5)), training=True).shape) == (None, 3, 5)
    model = Sequential([Dense(50, input_shape=(5,)), Dropout(0.5)])
    x = X[:, 0, :]
    np.testing.assert_array_equal(model(x).numpy(), model(x).numpy())
    assert (model(x, training=True).numpy() == 0).mean() > 0.2
    inputs = Input(shape=(5,))
    functional = Model(inputs, Dropout(0.5)(Dense(50)(inputs)))
    np.testing.assert_array_equal(functional(x).numpy(), functional(x).numpy())
    assert (functional(x, training=True).numpy() == 0).mean() > 0.2


# -- GaussianNoise -----------------------------------------------------------------------
@pytest.mark.parametrize("training", [None, False])
def test_gaussian_noise_contract_in_inference_is_the_identity(training):
    check_layer(lambda: GaussianNoise(0.5), (4, 5), (4, 5), num_weights=0, num_params=0,
                call_kwargs={"training": training}, order=2)
    t = convert_to_tensor(X)
    assert GaussianNoise(0.5)(t, training=training) is t


def test_gaussian_noise_contract_and_gradients_in_training():
    check_layer(lambda: GaussianNoise(0.5, seed=3), (4, 5), (4, 5), num_weights=0,
                call_kwargs={"training": True}, gradients=False)
    check_gradients(lambda t: GaussianNoise(0.5, seed=3, dtype="float64")(t, training=True),
                    [X64])


@pytest.mark.parametrize("seed", [None, 4])
def test_gaussian_noise_statistics(seed):
    x = np.full((200, 500), 3.0, np.float32)
    y = GaussianNoise(0.2, seed=seed)(x, training=True).numpy()
    assert y.dtype == np.float32
    noise = y - x
    assert abs(noise.mean()) < 0.005
    assert abs(noise.std() - 0.2) < 0.005
    y64 = GaussianNoise(0.2, dtype="float64")(X64, training=True)
    assert y64.dtype.name == "float64"


def test_seeded_gaussian_noise_is_reproducible():
    a, b = GaussianNoise(1.0, seed=9), GaussianNoise(1.0, seed=9)
    first = a(X, training=True).numpy()
    np.testing.assert_array_equal(b(X, training=True).numpy(), first)
    assert not np.array_equal(a(X, training=True).numpy(), first)
    np.testing.assert_array_equal(GaussianNoise(0.0)(X, training=True).numpy(), X)


def test_gaussian_noise_bad_arguments():
    for stddev in (-1.0, "1", float("inf")):
        with pytest.raises(ValueError, match="`stddev`. Expected a non-negative float"):
            GaussianNoise(stddev)
    with pytest.raises(TypeError, match="seed must be an integer"):
        GaussianNoise(0.1, seed="x")
    config = GaussianNoise(0.1, seed=2).get_config()
    assert (config["stddev"], config["seed"]) == (0.1, 2)


# -- ActivityRegularization --------------------------------------------------------------
def test_activity_regularization_contract():
    _, y = check_layer(lambda: ActivityRegularization(l1=0.1, l2=0.2), (4, 5), (4, 5),
                       num_weights=0, num_params=0, order=2)
    config = ActivityRegularization(l1=0.1, l2=0.2).get_config()
    assert (config["l1"], config["l2"]) == (0.1, 0.2)
    assert "activity_regularizer" not in config


def test_activity_regularization_adds_the_whole_penalty():
    layer = ActivityRegularization(l1=0.1, l2=0.2)
    y = layer(X)
    np.testing.assert_array_equal(y.numpy(), X)
    expected = 0.1 * np.abs(X).sum() + 0.2 * (X ** 2).sum()  # Keras 3: not per sample
    assert len(layer.losses) == 1
    assert float(layer.losses[0]) == pytest.approx(expected, rel=1e-5)
    layer(X[:2])
    assert len(layer.losses) == 1  # only the last call's penalty
    assert float(layer.losses[0]) == pytest.approx(
        0.1 * np.abs(X[:2]).sum() + 0.2 * (X[:2] ** 2).sum(), rel=1e-5)
    layer(X, training=False)  # the base layer drops the flag: call takes no `training`
    assert len(layer.losses) == 1


def test_activity_regularization_loss_is_differentiable():
    layer = ActivityRegularization(l2=0.5, dtype="float64")
    x = convert_to_tensor(X64)
    with GradientTape() as tape:
        tape.watch(x)
        layer(x)
        loss = layer.losses[0]
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), 2 * 0.5 * X64)


def test_activity_regularization_in_a_model_and_bad_factors():
    model = Sequential([Dense(3, input_shape=(5,)), ActivityRegularization(l1=0.01)])
    model(X[:, 0, :])
    assert len(model.losses) == 1
    with pytest.raises(ValueError, match=r"`l1`. Expected a non-negative float.*l1=-1"):
        ActivityRegularization(l1=-1)
    with pytest.raises(ValueError, match="`l2`"):
        ActivityRegularization(l2="big")
