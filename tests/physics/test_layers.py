"""PhysicalConstants and HybridModel: access, configs, constraints, and training that
recovers known constants."""

import numpy as np
import pytest

import ndflow as nd
from ndflow import keras
from ndflow.physics.layers import Bounds, HybridModel, PhysicalConstants
from tests.keras.contract import check_layer


def test_constants_by_name_and_attribute():
    c = PhysicalConstants({"g": 9.0, "v0": 15.0})
    assert c.names == ["g", "v0"]
    assert c["g"] is c.g and isinstance(c.g, nd.Variable)
    assert [w.name for w in c.trainable_weights] == ["g", "v0"]
    assert c.values() == {"g": 9.0, "v0": 15.0}
    assert "g" in c and "k" not in c
    with pytest.raises(KeyError, match=r"no constant 'k'; it has \['g', 'v0'\]"):
        c["k"]
    with pytest.raises(AttributeError, match="no attribute 'k'"):
        _ = c.k
    frozen = PhysicalConstants({"m": 1.0}, trainable=False)
    assert frozen.trainable_weights == [] and len(frozen.non_trainable_weights) == 1


def test_constants_layer_contract():
    layer, out = check_layer(lambda: PhysicalConstants({"a": 1.5, "b": -2.0}), (3, 4),
                             expected_output_shape=(3, 2), num_weights=2, num_params=2)
    np.testing.assert_allclose(out.numpy(), [[1.5, -2.0]] * 3)


def test_constants_config_round_trip_with_constraints():
    c = PhysicalConstants({"g": 9.0, "k": 0.5, "m": 2.0},
                          constraints={"g": "non_neg", "k": (0.0, 1.0)}, name="phys")
    clone = PhysicalConstants.from_config(c.get_config())
    assert clone.get_config() == c.get_config()
    assert clone.values() == c.values()
    assert isinstance(clone["k"].constraint, Bounds)
    assert clone["m"].constraint is None


def test_constraints_apply_after_each_update():
    c = PhysicalConstants({"g": 0.05, "k": 0.95}, constraints={"g": "non_neg", "k": (0, 1)})
    opt = keras.optimizers.SGD(1.0)
    with nd.GradientTape() as tape:
        loss = c["g"] - c["k"]  # pushes g down and k up, past their bounds
    opt.apply_gradients(zip(tape.gradient(loss, c.trainable_weights), c.trainable_weights))
    assert c.values() == {"g": 0.0, "k": 1.0}
    with pytest.raises(ValueError, match="constraints name unknown constants"):
        PhysicalConstants({"g": 1.0}, constraints={"h": "non_neg"})
    with pytest.raises(ValueError, match="must be a non-empty dict"):
        PhysicalConstants([("g", 1.0)])


class Throw(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.constants = PhysicalConstants({"g": 5.0, "v0": 10.0})

    def call(self, t):
        return self.constants["v0"] * t - 0.5 * self.constants["g"] * t ** 2


def test_training_recovers_constants():
    t = np.linspace(0, 3, 30, dtype=np.float32)[:, None]
    x = 20.0 * t - 0.5 * 9.7 * t ** 2
    model = Throw()
    model.compile(optimizer=keras.optimizers.Adam(0.2), loss="mse")
    model.fit(t, x, epochs=400, batch_size=30, verbose=0)
    values = model.constants.values()
    assert values["g"] == pytest.approx(9.7, rel=0.01)
    assert values["v0"] == pytest.approx(20.0, rel=0.01)


class ScaledSine(keras.layers.Layer):
    """rho(x) = k sin(x), a physical model with one unknown constant."""

    def __init__(self, k=1.0, **kwargs):
        super().__init__(**kwargs)
        self.k = k
        self.constants = PhysicalConstants({"k": k})

    def call(self, x):
        return self.constants["k"] * nd.sin(x)

    def get_config(self):
        return {**super().get_config(), "k": self.k}


def test_hybrid_model_recovers_constant_and_correction():
    """y = 2 sin(x) + 0.5 x + 0.1: the physical part finds k = 2, the network 0.5 x + 0.1."""
    keras.utils.set_random_seed(0)
    x = np.linspace(-3, 3, 64, dtype=np.float32)[:, None]
    y = 2.0 * np.sin(x) + 0.5 * x + 0.1
    network = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model = HybridModel(ScaledSine(), network)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    model.fit(x, y, epochs=500, batch_size=64, verbose=0)
    assert model.physical_model.constants.values()["k"] == pytest.approx(2.0, rel=0.01)
    kernel, bias = network.get_weights()
    np.testing.assert_allclose([kernel[0, 0], bias[0]], [0.5, 0.1], atol=0.01)
    np.testing.assert_allclose(model.predict(x, verbose=0), y, atol=1e-3)


def test_hybrid_model_output_inputs_and_config():
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(0, 1, (5, 2)).astype(np.float32)
    rho = ScaledSine(k=3.0)
    net = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    model = HybridModel(rho, net, physics_input=True)
    out = model(x)
    features = np.concatenate([x, 3.0 * np.sin(x)], axis=1)
    np.testing.assert_allclose(out.numpy(), 3.0 * np.sin(x) + net(features).numpy(),
                               rtol=1e-5, atol=1e-6)
    assert len(model.trainable_weights) == 3  # k, kernel, bias
    clone = HybridModel.from_config(model.get_config())
    clone(x)
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone(x).numpy(), out.numpy(), rtol=1e-6)


def test_hybrid_model_errors():
    net = keras.Sequential([keras.Input((1,)), keras.layers.Dense(3)])
    model = HybridModel(lambda x: x * 2.0, net)
    with pytest.raises(ValueError, match=r"physical model gives shape \(4, 1\) but the network "
                                         r"gives \(4, 3\)"):
        model(np.zeros((4, 1), np.float32))
    with pytest.raises(NotImplementedError, match="plain-function physical model"):
        model.get_config()
    with pytest.raises(TypeError, match="returned ndarray"):
        HybridModel(lambda x: np.zeros((4, 3)), net)(np.zeros((4, 1), np.float32))
