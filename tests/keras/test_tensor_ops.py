"""Python operators on symbolic tensors build graph nodes (the course's physics network)."""

import numpy as np
import pytest

from ndflow.keras import Input, Model, layers
from ndflow.keras.models import clone_model

T = np.array([[0.5], [1.0], [2.0]], np.float32)


def projectile_model():
    t = Input(shape=(1,), name="t")
    g = layers.Dense(1, name="g")(t)
    v0 = layers.Dense(1, name="v0")(t)
    return Model(t, v0 * t - 0.5 * g * t ** 2)


def test_the_physics_network_computes_its_formula():
    model = projectile_model()
    g = model.get_layer("g")(T).numpy()
    v0 = model.get_layer("v0")(T).numpy()
    np.testing.assert_allclose(model(T).numpy(), v0 * T - 0.5 * g * T ** 2, rtol=1e-6)
    assert model.count_params() == 4


def test_layers_are_listed_in_the_order_they_were_called():
    names = [layer.name for layer in projectile_model().layers]
    assert names.index("g") < names.index("v0")


@pytest.mark.parametrize(("expr", "reference"), [
    (lambda a, b: a + b, lambda a, b: a + b),
    (lambda a, b: a - 1.0, lambda a, b: a - 1.0),
    (lambda a, b: 2.0 / (b + 3.0), lambda a, b: 2.0 / (b + 3.0)),
    (lambda a, b: -a * b, lambda a, b: -a * b),
    (lambda a, b: abs(a) ** 2, lambda a, b: np.abs(a) ** 2),
    (lambda a, b: a[:, :1], lambda a, b: a[:, :1]),
])
def test_operators_on_symbolic_tensors(expr, reference):
    a, b = Input(shape=(2,)), Input(shape=(2,))
    model = Model([a, b], expr(a, b))
    xa = np.array([[1.0, -2.0], [0.5, 3.0]], np.float32)
    xb = np.array([[0.1, 0.2], [0.3, 0.4]], np.float32)
    np.testing.assert_allclose(model([xa, xb]).numpy(), reference(xa, xb), rtol=1e-6)


def test_clone_keeps_the_operations_and_config_says_why_it_cannot_serialize():
    model = projectile_model()
    clone = clone_model(model)
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone(T).numpy(), model(T).numpy(), rtol=1e-6)
    with pytest.raises(ValueError, match="operation written on symbolic tensors"):
        model.get_config()
