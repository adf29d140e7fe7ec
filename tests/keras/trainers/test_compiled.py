"""Compiled training (jit_compile='auto', the default) against eager training."""

import warnings

import numpy as np
import pytest

import ndflow as nd
from ndflow import keras
from ndflow.keras import layers

RNG = np.random.default_rng(0)
X = RNG.standard_normal((64, 5)).astype(np.float32)
Y = (X[:, :1] - X[:, 1:2] > 0).astype(np.float32)
LABELS = (X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0)

OPTIMIZERS = ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta", "adamax", "nadam",
              "ftrl", "lion"]


def _fit(optimizer, run_eagerly, dropout=0.0, **fit_args):
    nd.random.set_seed(1)
    model = keras.Sequential([keras.Input((5,)), layers.Dense(8, activation="tanh"),
                              layers.Dropout(dropout), layers.BatchNormalization(),
                              layers.Dense(3, activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], run_eagerly=run_eagerly)
    history = model.fit(X, LABELS, batch_size=8, verbose=0, **fit_args)
    return model, history


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_compiled_and_eager_training_give_the_same_weights(optimizer):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the compiled step must not fall back to eager
        compiled, h1 = _fit(optimizer, False, epochs=13)  # 104 steps
    eager, h2 = _fit(optimizer, True, epochs=13)
    for a, b in zip(compiled.weights, eager.weights):  # moving statistics included
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h1.history["loss"], h2.history["loss"], rtol=1e-5)
    assert compiled._step_functions["train_step"].experimental_get_tracing_count() == 1


def test_dropout_draws_new_masks_in_the_compiled_step():
    nd.random.set_seed(0)
    model, _ = _fit("sgd", False, dropout=0.5, epochs=1)
    step = model._step_functions["train_step"]
    batch = (X[:8], LABELS[:8], None)
    losses = {float(step(*batch)[0].numpy()) for _ in range(4)}
    assert len(losses) > 1


def test_a_model_built_by_its_first_batch_trains():
    model = keras.Sequential([layers.Dense(8, activation="relu"), layers.Dense(1)])  # no Input
    model.compile(optimizer="adam", loss="mse")
    history = model.fit(X, Y, epochs=5, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert model._train_weights and len(model._train_weights) == 4


def test_numpy_inside_the_loss_is_caught_and_runs_eagerly():
    def numpy_loss(y_true, y_pred):  # a constant computed from the labels with NumPy
        weights = nd.constant(np.where(np.asarray(y_true) > 0.5, 2.0, 1.0).astype(np.float32))
        return nd.reduce_mean(weights * (y_true - y_pred) ** 2)

    def fit(run_eagerly):
        nd.random.set_seed(2)
        model = keras.Sequential([keras.Input((5,)), layers.Dense(1)])
        model.compile(optimizer="sgd", loss=numpy_loss, run_eagerly=run_eagerly)
        model.fit(X, Y, epochs=3, batch_size=8, verbose=0)
        return model

    with pytest.warns(UserWarning, match="computed outside ndflow ops"):
        compiled = fit(False)
    eager = fit(True)
    for a, b in zip(compiled.weights, eager.weights):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6)


def test_jit_compile_false_and_run_eagerly_skip_the_graph():
    for kwargs in ({"jit_compile": False}, {"run_eagerly": True}):
        model = keras.Sequential([keras.Input((5,)), layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse", **kwargs)
        model.fit(X, Y, epochs=1, batch_size=16, verbose=0)
        assert not model._step_functions


def test_a_text_model_compiles_its_preprocessing_as_one_node():
    texts = np.array(["good movie", "bad movie", "good plot", "bad acting"] * 8)
    labels = np.array([1, 0, 1, 0] * 8, dtype=np.float32)
    vectorize = layers.TextVectorization(max_tokens=20, output_mode="multi_hot")
    vectorize.adapt(texts)
    model = keras.Sequential([keras.Input((), dtype="string"), vectorize, layers.Dense(1)])
    model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.fit(texts, labels, epochs=3, batch_size=8, verbose=0)
    graph = list(model._step_functions["train_step"]._cache.values())[0].graph
    assert sum(n.name.endswith(".call") for n in graph.nodes) == 1


def test_a_custom_train_step_runs_eagerly_and_says_so_when_compiling_was_asked_for():
    class Custom(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)
            self.steps = 0

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            self.steps += 1  # a Python side effect: must run on every step
            return super().train_step(data)

    model = Custom()
    model.compile(optimizer="sgd", loss="mse", jit_compile=True)
    with pytest.warns(UserWarning, match="train_step is your own"):
        model.fit(X, Y, epochs=2, batch_size=16, verbose=0)
    assert model.steps == 8
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once
        model.fit(X, Y, epochs=1, batch_size=16, verbose=0)


def test_the_compiled_train_step_holds_the_update_and_the_metrics_as_one_node_each():
    model, history = _fit("adam", False, epochs=2)
    graph = list(model._step_functions["train_step"]._cache.values())[0].graph
    effects = [n.name for n in graph.nodes if n.effect]  # BatchNormalization's statistics too
    assert effects == ["assign:moving_mean", "assign:moving_variance", "adam.apply",
                       "metrics.update"]
    assert int(model.optimizer.iterations.numpy()) == 16  # one update per batch, 2 x 8
    _, eager = _fit("adam", True, epochs=2)
    for key in ("loss", "accuracy"):  # the metrics of every replayed step are counted
        np.testing.assert_allclose(history.history[key], eager.history[key], rtol=1e-5)


def test_an_own_compute_metrics_gets_the_step_outputs_and_gives_the_logs():
    class Own(keras.Sequential):
        def compute_metrics(self, x, y, y_pred, sample_weight=None):
            self.seen = getattr(self, "seen", 0) + 1
            return {"rows": float(y_pred.shape[0])}

    model = Own([keras.Input((5,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(X, Y, epochs=2, batch_size=16, verbose=0)
    assert model.seen == 8 and history.history["rows"] == [16.0, 16.0]


def test_evaluate_and_predict_are_compiled_and_agree_with_eager():
    compiled, _ = _fit("adam", False, epochs=2)
    eager = keras.models.clone_model(compiled)
    eager.set_weights(compiled.get_weights())
    eager.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], run_eagerly=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback to eager
        for _ in range(3):
            results = compiled.evaluate(X, LABELS, batch_size=24, verbose=0)
            predictions = compiled.predict(X, batch_size=24, verbose=0)
    np.testing.assert_allclose(results, eager.evaluate(X, LABELS, batch_size=24, verbose=0),
                               rtol=1e-6)
    np.testing.assert_allclose(predictions, eager.predict(X, batch_size=24, verbose=0),
                               rtol=1e-6)
    for name in ("test_step", "predict_step"):
        function = compiled._step_functions[name]
        assert function.experimental_get_tracing_count() == 2  # batches of 24 and of 16
        assert all(c.fallback_reason is None and not c.pending
                   for c in function._cache.values())
    assert "test_step" not in eager._step_functions


def test_predict_without_compile_is_compiled_too():
    model = keras.Sequential([keras.Input((5,)), layers.Dense(3, activation="relu")])
    first = model.predict(X, batch_size=16, verbose=0)
    np.testing.assert_allclose(model.predict(X, batch_size=16, verbose=0), first)
    np.testing.assert_allclose(first, np.maximum(X @ model.weights[0].numpy()
                                                 + model.weights[1].numpy(), 0), rtol=1e-5)
    assert model._step_functions["predict_step"].experimental_get_tracing_count() == 1


def test_one_check_trace_trusts_every_batch_shape_of_the_step():
    model = keras.Sequential([keras.Input((5,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(X[:40], LABELS[:40], batch_size=24, verbose=0)  # batches of 24 and 16
    step = model._step_functions["train_step"]
    assert all(c.pending for c in step._cache.values())  # both traced, neither checked
    model.fit(X[:24], LABELS[:24], batch_size=24, verbose=0)  # 24 again: traced, compared
    # the short batch, traced before that comparison, is trusted with it, as later
    # shapes are, rather than traced once more
    assert not any(c.pending for c in step._cache.values())
    assert step.experimental_get_tracing_count() == 2
