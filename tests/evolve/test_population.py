"""The vectorised population evaluator agrees with loading each individual into the model."""

import warnings

import numpy as np
import pytest

from ndflow import keras
from ndflow.evolve.genome import Genome
from ndflow.evolve.population import PopulationEvaluator
from ndflow.keras import layers, regularizers

P = 7
B = 13


def _data(seed, *shapes):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(B, *s)).astype(np.float32) for s in shapes]


def _one_hot(seed, classes):
    return np.eye(classes, dtype=np.float32)[np.random.default_rng(seed).integers(0, classes, B)]


def _population(model, seed=0):
    return Genome(model).initial_population(P, np.random.default_rng(seed), init_scale=0.3)


def sequential_softmax():
    model = keras.Sequential([layers.Input(shape=(4,)), layers.Dense(8, activation="relu"),
                              layers.Dense(3, activation="softmax")])
    model.compile(loss="categorical_crossentropy")
    return model, _data(1, (4,))[0], _one_hot(2, 3)


def functional_dropout_sigmoid():
    inputs = keras.Input(shape=(5,))
    h = layers.Dense(6, activation="tanh")(inputs)
    h = layers.Dropout(0.5)(h)
    h = layers.Dense(4, activation="gelu")(h)
    outputs = layers.Dense(1, activation="sigmoid")(layers.Activation("swish")(h))
    model = keras.Model(inputs, outputs)
    model.compile(loss="binary_crossentropy")
    y = (np.random.default_rng(3).random((B, 1)) > 0.5).astype(np.float32)
    return model, _data(4, (5,))[0], y


def two_inputs_flatten_concatenate():
    a, b = keras.Input(shape=(2, 3)), keras.Input(shape=(4,))
    left = layers.Dense(5, activation="elu")(layers.Flatten()(a))
    right = layers.Dense(5, activation="softplus", use_bias=False)(b)
    merged = layers.Concatenate()([left, right, b])
    outputs = layers.Dense(2)(layers.LeakyReLU(0.2)(merged))
    model = keras.Model([a, b], outputs)
    model.compile(loss="mse")
    xa, xb, y = _data(5, (2, 3), (4,), (2,))
    return model, [xa, xb], y


def nested_and_frozen():
    feature = keras.Sequential([layers.Input(shape=(3,)), layers.Dense(4, activation="tanh")])
    feature.trainable = False  # a frozen extractor: its weights are not genes
    inputs = keras.Input(shape=(3,))
    head = keras.Sequential([layers.Input(shape=(4,)), layers.Dense(6, activation="relu"),
                             layers.Dense(3)])
    outputs = layers.Add()([head(feature(inputs)), layers.Dense(3)(inputs)])
    model = keras.Model(inputs, outputs)
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    y = np.random.default_rng(6).integers(0, 3, B)
    return model, _data(7, (3,))[0], y


def two_outputs_weighted():
    inputs = keras.Input(shape=(3,))
    h = layers.Dense(5, activation="sigmoid", kernel_regularizer=regularizers.L2(0.01))(inputs)
    first = layers.Dense(2, name="first", bias_regularizer=regularizers.L1L2(0.1, 0.2))(h)
    second = layers.Dense(3, activation="softmax", name="second")(h)
    model = keras.Model(inputs, {"first": first, "second": second})
    model.compile(loss={"first": "mae", "second": "categorical_crossentropy"},
                  loss_weights={"first": 0.3, "second": 2.0})
    x, y1 = _data(8, (3,), (2,))
    return model, x, {"first": y1, "second": _one_hot(9, 3)}


def custom_regularizer():
    def penalty(w):
        return 0.05 * keras.ops.sum(keras.ops.abs(w) ** 3)

    model = keras.Sequential([layers.Input(shape=(2,)),
                              layers.Dense(3, activation="hard_sigmoid",
                                           kernel_regularizer=penalty),
                              layers.Dense(1)])
    model.compile(loss="huber")
    x, y = _data(10, (2,), (1,))
    return model, x, y


MODELS = [sequential_softmax, functional_dropout_sigmoid, two_inputs_flatten_concatenate,
          nested_and_frozen, two_outputs_weighted, custom_regularizer]


@pytest.mark.parametrize("make", MODELS, ids=lambda f: f.__name__)
def test_vectorised_outputs_and_losses_equal_the_per_individual_loop(make):
    keras.utils.set_random_seed(0)
    model, x, y = make()
    population = _population(model)
    before = [w.copy() for w in model.get_weights()]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback for these layers
        evaluator = PopulationEvaluator(model)
    assert evaluator.vectorized
    fast, slow = evaluator.predict(population, x), evaluator.predict_loop(population, x)
    for a, b in zip(_leaves(fast), _leaves(slow)):
        assert a.shape == b.shape and a.shape[:2] == (P, B)
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(evaluator.loss(population, x, y),
                               evaluator.loss_loop(population, x, y), rtol=1e-5, atol=1e-6)
    for w, saved in zip(model.get_weights(), before):  # the model is left as it was
        np.testing.assert_array_equal(w, saved)


def _leaves(value):
    return [value[k] for k in sorted(value)] if isinstance(value, dict) else [value]


def test_the_first_individual_is_the_model_itself():
    keras.utils.set_random_seed(1)
    model, x, y = sequential_softmax()
    outputs = PopulationEvaluator(model).predict(_population(model), x)
    np.testing.assert_allclose(outputs[0], model.predict(x, verbose=0), rtol=1e-6)
    loss = PopulationEvaluator(model).loss(_population(model), x, y)[0]
    np.testing.assert_allclose(loss, model.evaluate(x, y, batch_size=B, verbose=0), rtol=1e-5)


def test_sample_weights_and_chunks_give_the_same_losses():
    keras.utils.set_random_seed(2)
    model, x, y = functional_dropout_sigmoid()
    population = _population(model)
    weights = np.random.default_rng(0).random(B).astype(np.float32)
    evaluator = PopulationEvaluator(model)
    whole = evaluator.loss(population, x, y, weights)
    np.testing.assert_allclose(whole, evaluator.loss_loop(population, x, y, weights),
                               rtol=1e-5)
    np.testing.assert_allclose(evaluator.loss(population, x, y, weights, batch_size=4), whole,
                               rtol=1e-5)
    np.testing.assert_allclose(evaluator.predict(population, x, batch_size=5),
                               evaluator.predict(population, x), rtol=1e-6)


def test_a_loss_given_explicitly_overrides_the_compiled_one():
    keras.utils.set_random_seed(3)
    model, x, y = sequential_softmax()
    population = _population(model)
    evaluator = PopulationEvaluator(model, loss="mse")
    np.testing.assert_allclose(evaluator.loss(population, x, y),
                               evaluator.loss_loop(population, x, y), rtol=1e-5)
    expected = ((evaluator.predict(population, x) - y) ** 2).mean(axis=(1, 2))
    np.testing.assert_allclose(evaluator.loss(population, x, y), expected, rtol=1e-5)


def test_unsupported_layers_fall_back_to_the_loop_with_one_warning():
    keras.utils.set_random_seed(4)
    model = keras.Sequential([layers.Input(shape=(6, 2)), layers.Conv1D(3, 3),
                              layers.Flatten(), layers.Dense(2)])
    model.compile(loss="mse")
    x, y = _data(11, (6, 2), (2,))
    population = _population(model)
    with pytest.warns(UserWarning, match=r"conv1d.*\(Conv1D\).*one individual at a time"):
        evaluator = PopulationEvaluator(model)
    assert not evaluator.vectorized and "Conv1D" in evaluator.unsupported
    np.testing.assert_allclose(evaluator.loss(population, x, y),
                               evaluator.loss_loop(population, x, y))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once is enough
        PopulationEvaluator(model)


def test_missing_loss_and_unbuilt_models_are_reported():
    model = keras.Sequential([layers.Input(shape=(2,)), layers.Dense(1)])
    evaluator = PopulationEvaluator(model)
    with pytest.raises(ValueError, match="No loss"):
        evaluator.loss(_population(model), *_data(0, (2,), (1,)))
    with pytest.raises(ValueError, match="not built"):
        PopulationEvaluator(keras.Sequential([layers.Dense(2)]))
