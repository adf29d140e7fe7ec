"""The three ways to build a model (the course's week-1 iris network), and model behaviour."""

import numpy as np
import pytest

from ndflow import GradientTape
from ndflow.keras import Input, Model, Sequential, layers
from ndflow.keras.models import clone_model
from ndflow.testing import check_gradients

X = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)


def sequential_by_add():
    model = Sequential()
    model.add(layers.Dense(8, activation="relu", input_dim=4))
    model.add(layers.Dense(3, activation="softmax"))
    return model


def sequential_from_list():
    return Sequential([layers.Dense(8, activation="relu", input_shape=(4,)),
                       layers.Dense(3, activation="softmax")])


def functional():
    inputs = Input(shape=(4,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    outputs = layers.Dense(3, activation="softmax")(hidden)
    return Model(inputs=inputs, outputs=outputs)


class IrisModel(Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(8, activation="relu")
        self.out = layers.Dense(3, activation="softmax")

    def call(self, inputs):
        return self.out(self.hidden(inputs))


def subclassed():
    model = IrisModel()
    model.build((None, 4))
    return model


BUILDERS = [sequential_by_add, sequential_from_list, functional, subclassed]


@pytest.mark.parametrize("build", BUILDERS, ids=lambda f: f.__name__)
def test_the_iris_network_has_67_parameters(build):
    model = build()
    assert model.count_params() == 67
    assert [tuple(w.shape) for w in model.weights] == [(4, 8), (8,), (8, 3), (3,)]
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Total params: 67" in text
    assert "Trainable params: 67" in text
    assert "Non-trainable params: 0" in text


def test_all_three_ways_give_identical_outputs_for_identical_weights():
    models = [build() for build in BUILDERS]
    weights = models[0].get_weights()
    for model in models[1:]:
        model.set_weights(weights)
    expected = models[0](X).numpy()
    hidden = np.maximum(X @ weights[0] + weights[1], 0)
    logits = hidden @ weights[2] + weights[3]
    manual = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(expected, manual, rtol=1e-5)
    for model in models[1:]:
        np.testing.assert_array_equal(model(X).numpy(), expected)


def test_summary_lists_layers_with_output_shapes_and_counts():
    lines = []
    sequential_from_list().summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "(None, 8)" in text and "(None, 3)" in text
    assert "40" in text and "27" in text


def test_get_layer_by_name_and_index():
    model = sequential_from_list()
    first = model.layers[0]
    assert model.get_layer(index=0) is first
    assert model.get_layer(name=first.name) is first
    with pytest.raises(ValueError, match="No such layer"):
        model.get_layer(name="nope")


def test_wrong_input_width_names_the_layer():
    model = sequential_from_list()
    with pytest.raises(ValueError, match=r"Layer 'dense(_\d+)?' expects last dimension 4, got 5"):
        model(np.zeros((2, 5), np.float32))


def test_set_weights_with_wrong_shapes_names_layer_and_weight_and_changes_nothing():
    model = sequential_from_list()
    before = model.get_weights()
    bad = [w.copy() for w in before]
    bad[2] = np.zeros((3, 8), np.float32)
    with pytest.raises(ValueError, match=r"weight 'kernel' has shape \(8, 3\).*shape \(3, 8\)"):
        model.layers[1].set_weights(bad[2:])
    with pytest.raises(ValueError, match="expected 4 weights, but received 3"):
        model.set_weights(before[:3])
    for w, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(w, b)


def test_graph_disconnected_is_an_error_naming_the_layer():
    a, b = Input(shape=(2,)), Input(shape=(2,))
    summed = layers.Dense(3, name="uses_b")(b)
    with pytest.raises(ValueError, match=r"Graph disconnected.*layer 'uses_b'"):
        Model(inputs=a, outputs=summed)


def test_functional_multi_input_multi_output_and_shared_layers():
    a, b = Input(shape=(3,), name="a"), Input(shape=(3,), name="b")
    shared = layers.Dense(2, name="shared")
    ya, yb = shared(a), shared(b)
    model = Model(inputs=[a, b], outputs={"ya": ya, "yb": yb})
    xa, xb = np.ones((4, 3), np.float32), np.zeros((4, 3), np.float32)
    out = model([xa, xb])
    np.testing.assert_allclose(out["ya"].numpy(), shared(xa).numpy())
    np.testing.assert_allclose(out["yb"].numpy(), shared(xb).numpy())
    assert len(model.trainable_weights) == 2  # the shared layer counts once


def test_a_model_used_as_a_layer_inside_another():
    inner = functional()
    inputs = Input(shape=(4,))
    outputs = layers.Dense(1)(inner(inputs))
    outer = Model(inputs, outputs)
    assert outer.count_params() == 67 + 4
    x = outer(X)
    assert tuple(x.shape) == (5, 1)


def test_subclassed_model_tracks_layers_in_lists_and_dicts():
    class Stack(Model):
        def __init__(self):
            super().__init__()
            self.blocks = [layers.Dense(4), layers.Dense(4)]
            self.heads = {"out": layers.Dense(1)}

        def call(self, x):
            for block in self.blocks:
                x = block(x)
            return self.heads["out"](x)

    model = Stack()
    model(np.zeros((2, 3), np.float32))
    assert len(model.layers) == 3
    assert model.count_params() == (3 * 4 + 4) + (4 * 4 + 4) + (4 + 1)


def test_freezing_a_layer_moves_its_weights_to_non_trainable():
    model = sequential_from_list()
    model.layers[0].trainable = False
    assert len(model.trainable_weights) == 2
    assert len(model.non_trainable_weights) == 2


@pytest.mark.parametrize("build", [sequential_from_list, functional], ids=lambda f: f.__name__)
def test_config_round_trip_rebuilds_the_same_architecture(build):
    model = build()
    config = model.get_config()
    rebuilt = type(model).from_config(config)
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(rebuilt(X).numpy(), model(X).numpy(), rtol=1e-6)
    assert rebuilt.count_params() == 67


@pytest.mark.parametrize("build", [sequential_from_list, functional], ids=lambda f: f.__name__)
def test_clone_model_has_same_architecture_and_fresh_weights(build):
    model = build()
    clone = clone_model(model)
    assert [tuple(w.shape) for w in clone.weights] == [tuple(w.shape) for w in model.weights]
    assert not np.allclose(clone.get_weights()[0], model.get_weights()[0])
    assert all(a is not b for a, b in zip(clone.weights, model.weights))


def test_gradients_through_a_model_match_finite_differences():
    model = Sequential([layers.Dense(3, activation="tanh", input_shape=(2,), dtype="float64"),
                        layers.Dense(1, dtype="float64")])
    with GradientTape() as tape:
        y = model(np.array([[0.3, -0.7], [1.1, 0.2]]))
    assert len(tape.gradient(y, model.trainable_weights)) == 4
    check_gradients(lambda x: model(x), [np.array([[0.3, -0.7], [1.1, 0.2]])], order=2)


def test_freezing_a_model_freezes_its_layers_and_unfreezing_restores_them():
    class WithState(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
            self.count = self.add_weight(shape=(), initializer="zeros", trainable=False,
                                         name="count")

        def call(self, x):
            return x * self.w

    model = Sequential([layers.Dense(2, input_shape=(3,)), WithState()])
    model(np.ones((1, 3), np.float32))
    assert [w.name for w in model.weights] == ["kernel", "bias", "w", "count"]
    model.trainable = False
    assert model.trainable_weights == [] and len(model.non_trainable_weights) == 4
    assert all(not layer.trainable for layer in model.layers)
    model.trainable = True
    assert [w.name for w in model.trainable_weights] == ["kernel", "bias", "w"]
    assert [w.name for w in model.non_trainable_weights] == ["count"]


def test_frozen_weights_get_no_gradient_from_an_automatic_tape():
    model = sequential_from_list()
    model.layers[0].trainable = False
    with GradientTape() as tape:
        y = model(X)
    grads = tape.gradient(y, model.layers[0].weights + model.layers[1].weights)
    assert grads[0] is None and grads[1] is None
    assert grads[2] is not None and grads[3] is not None


def test_clone_model_keeps_python_lambdas_and_model_from_config_rebuilds_functional():
    from ndflow.keras.layers.lambda_layer import Lambda

    inputs = Input(shape=(3,))
    model = Model(inputs, layers.Dense(2)(Lambda(lambda x: x * 2.0)(inputs)))
    clone = clone_model(model)
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone(X[:, :3]).numpy(), model(X[:, :3]).numpy(), rtol=1e-6)
    plain = functional()
    rebuilt = Model.from_config(plain.get_config())
    assert type(rebuilt).__name__ == "Functional" and rebuilt.count_params() == 67


def test_activity_regularization_is_not_divided_by_the_batch_size():
    layer = layers.Dense(2, activity_regularizer="l1", kernel_initializer="ones")
    out = layer(np.ones((4, 3), np.float32))
    assert float(layer.losses[0]) == pytest.approx(0.01 * float(np.abs(out.numpy()).sum()))


def test_clear_session_restarts_layer_names():
    from ndflow.keras import backend

    backend.clear_session()
    assert layers.Dense(1).name == "dense"
    assert layers.Dense(1).name == "dense_1"
    backend.clear_session()
    assert layers.Dense(1).name == "dense"
