"""The arguments and return values of fit / evaluate / predict and the *_on_batch methods."""

import numpy as np
import pytest

import ndflow as nd
from ndflow import keras
from ndflow.keras import callbacks, layers

RNG = np.random.default_rng(3)
X = RNG.normal(size=(24, 3)).astype(np.float32)
Y = (X @ np.array([[1.0], [-1.0], [0.5]], np.float32) > 0).astype(np.float32)


def model(metrics=("accuracy",), seed=0):
    nd.random.set_seed(seed)
    m = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="tanh"),
                          layers.Dense(1, activation="sigmoid")])
    m.compile(optimizer="adam", loss="binary_crossentropy", metrics=list(metrics))
    return m


def test_evaluate_returns_a_scalar_a_list_or_a_dict():
    plain = model(metrics=())
    assert isinstance(plain.evaluate(X, Y, verbose=0), float)
    with_metrics = model()
    loss, accuracy = with_metrics.evaluate(X, Y, verbose=0)
    assert 0.0 <= accuracy <= 1.0
    logs = with_metrics.evaluate(X, Y, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "accuracy"] and logs["loss"] == pytest.approx(loss)


def test_on_batch_methods():
    m = model()
    before = m.test_on_batch(X, Y)
    loss, accuracy = m.train_on_batch(X, Y)
    assert loss == pytest.approx(before[0], rel=1e-6)  # the loss before the update
    assert int(m.optimizer.iterations.numpy()) == 1
    assert set(m.train_on_batch(X, Y, return_dict=True)) == {"loss", "accuracy"}
    np.testing.assert_allclose(m.predict_on_batch(X), m(X).numpy(), rtol=1e-6)


def test_history_keys_epochs_and_params():
    m = model()
    history = m.fit(X, Y, epochs=3, batch_size=8, verbose=0, validation_data=(X, Y))
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.epoch == [0, 1, 2]
    assert history.params["epochs"] == 3 and history.params["steps"] == 3
    assert m.history is history


def test_validation_freq_validates_every_nth_epoch():
    history = model().fit(X, Y, epochs=4, batch_size=8, verbose=0, validation_data=(X, Y),
                          validation_freq=2)
    assert len(history.history["loss"]) == 4 and len(history.history["val_loss"]) == 2


def test_initial_epoch_continues_the_count():
    history = model().fit(X, Y, epochs=5, initial_epoch=2, verbose=0)
    assert history.epoch == [2, 3, 4]


def test_generators_with_steps_per_epoch():
    def forever():
        while True:
            for start in range(0, len(X), 8):
                yield X[start:start + 8], Y[start:start + 8]

    m = model()
    history = m.fit(forever(), steps_per_epoch=2, epochs=3, verbose=0)
    assert len(history.history["loss"]) == 3
    assert int(m.optimizer.iterations.numpy()) == 6
    predictions = m.predict((X[i:i + 8] for i in range(0, len(X), 8)), verbose=0)
    np.testing.assert_allclose(predictions, m.predict(X, verbose=0), rtol=1e-6)


def test_stop_training_from_a_callback_ends_after_that_epoch():
    class StopAfterTwo(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    history = model().fit(X, Y, epochs=10, verbose=0, callbacks=[StopAfterTwo()])
    assert history.epoch == [0, 1]


def test_fit_before_compile_is_the_keras_error():
    m = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
    with pytest.raises(RuntimeError, match="You must call `compile\\(\\)`"):
        m.fit(X, Y, verbose=0)


def test_verbose_2_prints_one_line_per_epoch(capsys):
    model().fit(X, Y, epochs=3, batch_size=8, verbose=2)
    lines = [line for line in capsys.readouterr().out.splitlines() if "loss:" in line]
    assert len(lines) == 3


def test_a_multi_input_model_fits_from_a_dict():
    a, b = keras.Input((3,), name="a"), keras.Input((2,), name="b")
    out = layers.Dense(1)(layers.Concatenate()([a, b]))
    m = keras.Model({"a": a, "b": b}, out)
    m.compile(optimizer="sgd", loss="mse")
    inputs = {"a": X, "b": X[:, :2]}
    history = m.fit(inputs, Y, epochs=2, batch_size=8, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]
    assert m.predict(inputs, verbose=0).shape == (24, 1)


class Clipped(keras.Model):
    """A subclassed model whose train_step clips gradients and counts its calls."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(1)
        self.steps = 0

    def call(self, x):
        return self.dense(x)

    def train_step(self, data):
        x, y = data
        with nd.GradientTape() as tape:
            loss = self.compute_loss(x, y, self(x, training=True))
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip([nd.clip_by_value(g, -0.01, 0.01) for g in grads],
                                           self.trainable_weights))
        self.steps += 1
        return {"loss": loss, "steps": float(self.steps)}

    def test_step(self, data):
        x, y = data
        return {"error": nd.reduce_mean(nd.abs(self(x) - y))}


def test_overridden_train_and_test_steps_drive_fit_and_evaluate():
    nd.random.set_seed(1)
    m = Clipped()
    m.compile(optimizer=keras.optimizers.SGD(1.0), loss="mse")
    m(X)
    start = [w.numpy() for w in m.trainable_weights]
    history = m.fit(X, Y, epochs=2, batch_size=8, verbose=0, shuffle=False)
    assert history.history["steps"] == [3.0, 6.0]
    for w, w0 in zip(m.trainable_weights, start):  # clipped: 6 steps of at most 0.01
        assert np.max(np.abs(w.numpy() - w0)) <= 0.06 + 1e-6
    assert set(m.evaluate(X, Y, verbose=0, return_dict=True)) == {"error"}


@pytest.mark.parametrize("style", ["sequential", "functional"])
def test_inputs_one_trailing_axis_off_are_squeezed_or_expanded(style):
    # (N, 200, 1) data for Input(shape=(200,)); (N,) and (1,) data for Input(shape=(1,))
    nd.random.set_seed(0)
    if style == "sequential":
        wide = keras.Sequential([keras.Input((200,)), layers.Dense(2)])
        narrow = keras.Sequential([keras.Input((1,)), layers.Dense(3)])
    else:
        i = keras.Input((200,))
        wide = keras.Model(i, layers.Dense(2)(i))
        j = keras.Input((1,))
        narrow = keras.Model(j, layers.Dense(3)(j))
    series = RNG.normal(size=(5, 200)).astype(np.float32)
    np.testing.assert_allclose(wide.predict(series[..., None], verbose=0),
                               wide.predict(series, verbose=0), rtol=1e-6)
    wide.compile(optimizer="sgd", loss="mse")
    assert np.isfinite(wide.fit(series[..., None], np.zeros((5, 2)), verbose=0)
                       .history["loss"][0])
    xs = np.linspace(0.0, 1.0, 100, dtype=np.float32)
    assert narrow(xs).shape == (100, 3)
    assert narrow(np.array([0.5], np.float32)).shape == (1, 3)
    np.testing.assert_allclose(narrow(xs).numpy(), narrow(xs[:, None]).numpy())


def test_fit_evaluate_and_predict_take_datasets():
    from ndflow.data import AUTOTUNE, Dataset

    train = Dataset.from_tensor_slices((X, Y)).shuffle(24, seed=1).batch(8).prefetch(AUTOTUNE)
    m = model()
    history = m.fit(train, epochs=3, verbose=0, validation_data=Dataset.from_tensor_slices(
        (X, Y)).batch(8), validation_steps=2)
    assert len(history.history["val_loss"]) == 3
    assert int(m.optimizer.iterations.numpy()) == 9  # 3 batches a pass, a fresh pass an epoch
    by_arrays = m.evaluate(X, Y, batch_size=8, verbose=0)
    by_dataset = m.evaluate(Dataset.from_tensor_slices((X, Y)).batch(8), verbose=0)
    assert by_dataset == pytest.approx(by_arrays, rel=1e-6)
    expected = m.predict(X, verbose=0)
    np.testing.assert_allclose(m.predict(Dataset.from_tensor_slices(X).batch(5), verbose=0),
                               expected, rtol=1e-6)
    with pytest.raises(ValueError, match="infinite.*steps_per_epoch"):
        m.fit(Dataset.from_tensor_slices((X, Y)).batch(8).repeat(), epochs=1, verbose=0)
    history = m.fit(Dataset.from_tensor_slices((X, Y)).batch(8).repeat(), epochs=2,
                    steps_per_epoch=5, verbose=0)
    assert len(history.history["loss"]) == 2
