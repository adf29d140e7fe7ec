"""Genetic as a Keras optimizer: compile / fit runs one generation per epoch."""

import numpy as np
import pytest

from ndflow import keras
from ndflow.data import Dataset
from ndflow.evolve import Genetic
from ndflow.keras import layers
from tests.evolve.helpers import iris_network


def test_fit_trains_iris_with_validation_split_and_early_stopping(iris):
    x_train, y_train, x_test, y_test = iris
    model = iris_network(optimizer=Genetic(population_size=100, seed=0))
    stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=15,
                                         restore_best_weights=True)
    history = model.fit(x_train, y_train, epochs=120, validation_split=0.2, verbose=0,
                        callbacks=[stop])
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy >= 0.9
    logs = history.history
    assert set(logs) == {"loss", "accuracy", "fitness_best", "fitness_mean", "fitness_std",
                         "val_loss", "val_accuracy"}
    # loss is the fittest individual's (fitness is minus the loss), on the training part
    np.testing.assert_allclose(logs["loss"], -np.array(logs["fitness_best"]), rtol=1e-5)
    assert np.all(np.diff(logs["loss"]) <= 1e-6)  # the elite survives every generation
    assert all(m >= b - 1e-9 for m, b in zip(logs["loss"], logs["fitness_mean"]))
    assert model.optimizer.iterations.numpy() == len(history.epoch)


def test_each_epoch_leaves_the_fittest_individual_in_the_model(iris):
    x_train, y_train, _, _ = iris
    model = iris_network(optimizer=Genetic(population_size=20, seed=1))
    for _ in range(3):
        history = model.fit(x_train, y_train, epochs=1, verbose=0)
        np.testing.assert_allclose(
            model.evaluate(x_train, y_train, batch_size=1000, verbose=0)[0],
            history.history["loss"][0], rtol=1e-5)
    # a second fit continues the same population: the loss keeps going down
    model.set_weights(model.get_weights())  # same values: the population is kept
    later = model.fit(x_train, y_train, epochs=3, verbose=0).history["loss"]
    assert later[-1] <= history.history["loss"][0] + 1e-7


def test_the_same_seed_gives_the_same_fit(iris):
    x_train, y_train, _, _ = iris
    runs = []
    for _ in range(2):
        model = iris_network(optimizer=Genetic(population_size=16, crossover="blend",
                                               seed=5))
        runs.append(model.fit(x_train, y_train, epochs=5, verbose=0).history)
    assert runs[0] == runs[1]


def test_progress_shows_one_step_per_generation(iris, capsys):
    x_train, y_train, _, _ = iris
    model = iris_network(optimizer=Genetic(population_size=8, seed=0))
    model.fit(x_train, y_train, epochs=2, verbose=2)
    out = capsys.readouterr().out
    assert "Epoch 2/2" in out and "1/1 - " in out and "fitness_mean:" in out


def test_fit_on_a_dataset_uses_all_its_batches(iris):
    x_train, y_train, _, _ = iris
    model = iris_network(optimizer=Genetic(population_size=8, seed=0))
    dataset = Dataset.from_tensor_slices((x_train, y_train)).batch(32)
    history = model.fit(dataset, epochs=2, verbose=0)
    np.testing.assert_allclose(model.evaluate(x_train, y_train, batch_size=200, verbose=0)[0],
                               history.history["loss"][-1], rtol=1e-5)


def test_gradient_steps_are_refused_with_a_clear_message():
    model = keras.Sequential([layers.Input(shape=(2,)), layers.Dense(1)])
    model.compile(optimizer=Genetic(), loss="mse")
    with pytest.raises(TypeError, match="gradient-free.*model.fit"):
        model.optimizer.apply_gradients(zip([np.ones((2, 1))], model.trainable_weights))
    with pytest.raises(TypeError, match="gradient-free"):
        model.train_on_batch(np.ones((3, 2)), np.ones((3, 1)))


def test_a_model_compiled_with_genetic_saves_and_loads(tmp_path, iris):
    x_train, y_train, _, _ = iris
    model = iris_network(optimizer=Genetic(population_size=12, selection="rank",
                                           mutation_scale=("anneal", 0.3, 0.01), seed=3))
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "best.keras"),
                                                 monitor="loss", save_best_only=True)
    model.fit(x_train, y_train, epochs=2, verbose=0, callbacks=[checkpoint])
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    assert isinstance(loaded.optimizer, Genetic)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.optimizer.algorithm.mutation_scale == ("anneal", 0.3, 0.01)
    np.testing.assert_allclose(loaded.predict(x_train, verbose=0),
                               model.predict(x_train, verbose=0))
    assert keras.models.load_model(tmp_path / "best.keras").optimizer.name == "genetic"
    loaded.fit(x_train, y_train, epochs=1, verbose=0)  # and trains on


def test_saving_a_custom_fitness_needs_it_registered(tmp_path):
    def closeness(y_true, y_pred):
        return -float(np.mean((y_true - y_pred) ** 2))

    model = keras.Sequential([layers.Input(shape=(2,)), layers.Dense(1)])
    model.compile(optimizer=Genetic(fitness=closeness), loss="mse")
    with pytest.raises(ValueError, match="register it.*save_weights"):
        model.save(tmp_path / "m.keras")
    registered = keras.saving.register_keras_serializable("evolve_tests")(closeness)
    model.compile(optimizer=Genetic(fitness=registered, population_size=4), loss="mse")
    model.save(tmp_path / "m.keras")
    assert keras.models.load_model(tmp_path / "m.keras").optimizer.algorithm.fitness \
        is registered
