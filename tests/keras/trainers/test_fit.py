"""compile / fit / evaluate / predict, with the course's iris network as acceptance test."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import ndflow as nd
from ndflow import keras
from ndflow.keras import layers
from ndflow.keras.utils import to_categorical
from tests.keras.test_models import functional, sequential_by_add, sequential_from_list, subclassed


def iris_data():
    x, y = load_iris(return_X_y=True)
    x = StandardScaler().fit_transform(x)
    y = to_categorical(y)
    return train_test_split(x, y, test_size=0.2, random_state=42)


@pytest.mark.parametrize("build", [sequential_by_add, sequential_from_list, functional,
                                   subclassed], ids=lambda f: f.__name__)
def test_the_iris_network_reaches_90_percent_test_accuracy(build):
    x_train, x_test, y_train, y_test = iris_data()
    nd.random.set_seed(42)
    model = build()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=200, batch_size=8, validation_split=0.2,
                        verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 200
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy >= 0.9


def test_the_same_seed_gives_identical_weights():
    x_train, _, y_train, _ = iris_data()
    runs = []
    for _ in range(2):
        nd.random.set_seed(7)
        model = sequential_from_list()
        model.compile(optimizer="adam", loss="categorical_crossentropy")
        model.fit(x_train, y_train, epochs=5, batch_size=8, verbose=0)
        runs.append(model.get_weights())
    for a, b in zip(*runs):
        np.testing.assert_array_equal(a, b)


def test_predict_returns_numpy_in_batches_matching_the_forward_pass():
    model = sequential_from_list()
    x = np.random.default_rng(0).normal(size=(70, 4)).astype(np.float32)
    out = model.predict(x, batch_size=32, verbose=0)
    assert isinstance(out, np.ndarray) and out.shape == (70, 3)
    np.testing.assert_allclose(out, model(x).numpy(), rtol=1e-6)


def test_evaluate_before_compile_is_keras_error():
    with pytest.raises(RuntimeError, match=r"You must call `compile\(\)`"):
        sequential_from_list().evaluate(np.zeros((2, 4)), np.zeros((2, 3)))


def test_custom_training_loop_fits_a_parabola():
    nd.random.set_seed(0)
    x = np.linspace(0, 2, 64, dtype=np.float32).reshape(-1, 1)
    y = x ** 2 + 1
    model = keras.Sequential([layers.Dense(32, activation="tanh", input_shape=(1,)),
                              layers.Dense(1)])
    optimizer = keras.optimizers.Adam(learning_rate=0.01)
    for _ in range(3000):
        with nd.GradientTape() as tape:
            loss = nd.reduce_mean((model(x) - y) ** 2)
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
    assert float(loss) < 1e-3


def test_targets_with_a_trailing_one_are_aligned_before_the_loss():
    seen = {}

    def loss(y_true, y_pred):
        seen["shapes"] = (tuple(y_true.shape), tuple(y_pred.shape))
        return nd.reduce_mean((y_true - y_pred) ** 2)

    inputs = keras.Input(shape=(20,))
    model = keras.Model(inputs, layers.Dense(20)(inputs))
    model.compile(optimizer="sgd", loss=loss)
    x = np.zeros((4, 20, 1), np.float32)  # data (N, 20, 1) for Input(shape=(20,))
    model.fit(x, np.zeros((4, 20, 1), np.float32), epochs=1, verbose=0)
    assert seen["shapes"] == ((4, 20), (4, 20))


def test_verbose_output_is_plain_lines_outside_a_terminal(capsys):
    model = sequential_from_list()
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.zeros((16, 4)), np.zeros((16, 3)), epochs=2, batch_size=8, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out and "\r" not in out
    assert out.count("loss:") == 2


def test_from_logits_on_a_softmax_output_warns_once_and_uses_the_logits():
    import warnings

    from ndflow.keras import losses

    logits = nd.constant([[2.0, -1.0, 0.5]])
    probs = keras.activations.softmax(logits)
    y = nd.constant([[0.0, 1.0, 0.0]])
    expected = float(nd.nn.softmax_cross_entropy_with_logits(y, logits)[0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = losses.CategoricalCrossentropy(from_logits=True)(y, probs)
    assert float(value) == pytest.approx(expected, rel=1e-6)
    assert any("from_logits=True" in str(w.message) for w in caught)
    assert float(losses.CategoricalCrossentropy()(y, probs)) == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(("loss", "units", "labels", "expected"), [
    ("binary_crossentropy", 1, np.array([[0.0], [1.0]]), "binary_accuracy"),
    ("sparse_categorical_crossentropy", 3, np.array([0, 2]), "sparse_categorical_accuracy"),
    ("categorical_crossentropy", 3, np.eye(3)[[0, 2]], "categorical_accuracy"),
])
def test_accuracy_resolves_from_loss_and_shapes(loss, units, labels, expected):
    activation = "sigmoid" if units == 1 else "softmax"
    model = keras.Sequential([layers.Dense(units, activation=activation, input_shape=(2,))])
    model.compile(optimizer="sgd", loss=loss, metrics=["accuracy"])
    model.fit(np.zeros((2, 2), np.float32), labels, epochs=1, verbose=0)
    built = model._compile_metrics.metrics[0][0]  # the first metric of the only output
    assert built.name == "accuracy"
    assert type(built).__name__ == "".join(p.title() for p in expected.split("_"))


def test_regularization_losses_join_the_training_loss_once_for_shared_layers():
    shared = layers.Dense(2, kernel_regularizer="l2", kernel_initializer="ones")
    inputs = keras.Input(shape=(2,))
    model = keras.Model(inputs, shared(shared(inputs)))
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((4, 2), np.float32), np.zeros((4, 2), np.float32)
    penalty = 0.01 * 4.0  # l2 of a 2x2 kernel of ones
    data_loss = float(keras.losses.MeanSquaredError()(y, model(x)))
    assert model.test_on_batch(x, y) == pytest.approx(data_loss + penalty, rel=1e-5)


def test_multi_output_models_have_per_output_losses_and_prefixed_metrics():
    inputs = keras.Input(shape=(3,))
    cls = layers.Dense(2, activation="softmax", name="cls")(inputs)
    reg = layers.Dense(1, name="reg")(inputs)
    model = keras.Model(inputs, [cls, reg])
    model.compile(optimizer="adam", loss={"cls": "sparse_categorical_crossentropy",
                                          "reg": "mse"},
                  loss_weights={"cls": 1.0, "reg": 0.5},
                  metrics={"cls": ["accuracy"], "reg": ["mae"]})
    x = np.random.default_rng(0).normal(size=(16, 3)).astype(np.float32)
    y = {"cls": (x[:, 0] > 0).astype(np.int64), "reg": x[:, :1] * 2}
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert {"loss", "cls_accuracy", "reg_mae"} <= set(history.history)
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    cls_pred, reg_pred = model(x)
    expected = float(keras.losses.SparseCategoricalCrossentropy()(y["cls"], cls_pred)) + \
        0.5 * float(keras.losses.MeanSquaredError()(y["reg"], reg_pred))
    assert logs["loss"] == pytest.approx(expected, rel=1e-4)
    assert type(model._compile_metrics.metrics[0][0]).__name__ == "SparseCategoricalAccuracy"


class _Terminal:
    """A text stream that says it is a terminal."""

    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return True


def test_verbose_1_draws_a_progress_bar_in_a_terminal():
    from ndflow.keras.callbacks import ProgbarLogger

    terminal = _Terminal()
    model = sequential_from_list()
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.zeros((32, 4)), np.zeros((32, 3)), epochs=2, batch_size=8, verbose=0,
              callbacks=[ProgbarLogger(1, stream=terminal)])
    text = "".join(terminal.parts)
    assert "Epoch 1/2" in text and "Epoch 2/2" in text
    assert "\r" in text and "4/4" in text and "loss:" in text


def test_weighted_metrics_use_sample_weights_and_plain_metrics_do_not():
    # as in Keras 3: `metrics` ignore sample and class weights, `weighted_metrics` use them;
    # a weighted metric repeating a plain one's name reports as weighted_<name>
    model = keras.Sequential([layers.Dense(1, input_shape=(1,), kernel_initializer="ones",
                                           use_bias=False)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"], weighted_metrics=["mae", "mse"])
    x = np.array([[1.0], [2.0]], np.float32)
    y = np.zeros((2, 1), np.float32)
    logs = model.evaluate(x, y, sample_weight=np.array([1.0, 0.0]), return_dict=True,
                          verbose=0)
    assert logs["mae"] == pytest.approx(1.5)  # (1 + 2) / 2, unweighted
    assert logs["weighted_mae"] == pytest.approx(1.0)  # only the first sample counts
    assert logs["mse"] == pytest.approx(1.0)  # weighted, and the only 'mse' metric
    history = model.fit(x, np.array([[0.0], [1.0]], np.float32), epochs=1, verbose=0,
                        class_weight={0: 1.0, 1: 0.0}, shuffle=False, batch_size=2)
    assert set(history.history) == {"loss", "mae", "weighted_mae", "mse"}


def test_sample_weight_and_class_weight_weight_the_loss():
    model = keras.Sequential([layers.Dense(1, input_shape=(1,), kernel_initializer="ones")])
    model.compile(optimizer="sgd", loss="mse")
    x = np.array([[1.0], [2.0]], np.float32)
    y = np.array([[0.0], [0.0]], np.float32)
    per_sample = (model(x).numpy() - y) ** 2  # [[1], [4]]
    weighted = model.test_on_batch(x, y, sample_weight=np.array([1.0, 0.0]))
    assert weighted == pytest.approx(float(per_sample[0, 0]) / 2)  # sum over batch size
    labels = np.array([0, 1])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    history = model.fit(x, labels.reshape(-1, 1).astype(np.float32), epochs=1, verbose=0,
                        class_weight={0: 0.0, 1: 1.0}, shuffle=False)
    expected = float(((model(x).numpy()[1, 0] - 1.0) ** 2) / 2)
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-5)
