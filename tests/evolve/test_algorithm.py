"""GeneticAlgorithm.fit: trains the iris network, repeatably, stops early, takes any fitness."""

import numpy as np
import pytest

from ndflow import keras
from ndflow.evolve import EvolutionHistory, GeneticAlgorithm, vectorized
from ndflow.keras import layers
from tests.evolve.helpers import iris_network


def _accuracy(model, x, y):
    return float(np.mean(model.predict(x, verbose=0).argmax(1) == y.argmax(1)))


def test_the_iris_network_reaches_90_percent_test_accuracy(iris):
    x_train, y_train, x_test, y_test = iris
    model = iris_network()
    history = GeneticAlgorithm(population_size=100, generations=100, seed=0,
                               verbose=0).fit(model, x_train, y_train)
    assert isinstance(history, EvolutionHistory)
    assert _accuracy(model, x_test, y_test) >= 0.9
    logs = history.history
    assert set(logs) == {"best_fitness", "mean_fitness", "std_fitness", "best_loss"}
    assert len(logs["best_fitness"]) == 100 and history.epoch == list(range(100))
    # with elitism the best never gets worse, and the model holds it at the end
    assert np.all(np.diff(logs["best_fitness"]) >= 0)
    assert history.best_fitness == logs["best_fitness"][-1] == -history.best_loss
    np.testing.assert_allclose(logs["best_loss"], -np.array(logs["best_fitness"]))
    np.testing.assert_allclose(model.evaluate(x_train, y_train, batch_size=200, verbose=0)[0],
                               history.best_loss, rtol=1e-5)
    for w, best in zip(model.get_weights(), history.best_weights):
        np.testing.assert_array_equal(w, best)
    assert logs["mean_fitness"][-1] > logs["mean_fitness"][0]


@pytest.mark.parametrize(("selection", "crossover", "mutation"), [
    ("tournament", "uniform", "gaussian"), ("roulette", "one_point", "uniform"),
    ("rank", "two_point", "gaussian"), ("truncation", "arithmetic", "uniform"),
    ("tournament", "blend", "gaussian")])
def test_the_same_seed_gives_the_same_run(iris, selection, crossover, mutation):
    x_train, y_train, _, _ = iris
    runs = []
    for _ in range(2):
        model = iris_network(seed=1)
        ga = GeneticAlgorithm(population_size=20, generations=8, selection=selection,
                              crossover=crossover, mutation=mutation, seed=7, verbose=0)
        runs.append((ga.fit(model, x_train, y_train), model.get_weights()))
    (first, w1), (second, w2) = runs
    assert first.history == second.history
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)
    other = GeneticAlgorithm(population_size=20, generations=8, seed=8, verbose=0).fit(
        iris_network(seed=1), x_train, y_train)
    assert other.history != first.history


def test_stops_at_the_target_fitness(iris):
    x_train, y_train, _, _ = iris
    ga = GeneticAlgorithm(population_size=30, generations=200, target_fitness=-0.6, seed=0,
                          verbose=0)
    history = ga.fit(iris_network(), x_train, y_train)
    assert len(history.epoch) < 200 and history.best_fitness >= -0.6
    assert "target_fitness" in history.stop_reason


def test_stops_after_patience_generations_without_improvement():
    model = keras.Sequential([layers.Input(shape=(2,)), layers.Dense(1)])
    calls = []

    def constant(m):
        calls.append(1)
        return 1.0

    history = GeneticAlgorithm(population_size=4, generations=50, fitness=constant,
                               patience=3, seed=0, verbose=0).fit(model)
    assert len(history.epoch) == 4 and "patience" in history.stop_reason
    assert len(calls) == 4 * 4


def test_keras_callbacks_see_each_generation(iris, capsys):
    x_train, y_train, _, _ = iris
    seen = []
    record = keras.callbacks.LambdaCallback(on_epoch_end=lambda g, logs: seen.append(logs))
    stop = keras.callbacks.EarlyStopping(monitor="best_fitness", mode="max", patience=0)
    history = GeneticAlgorithm(population_size=10, generations=30, elitism=0,
                               mutation_scale=2.0, seed=3, verbose=2).fit(
        iris_network(), x_train, y_train, callbacks=[record, stop])
    assert len(seen) == len(history.epoch) < 30 and "callback" in history.stop_reason
    assert set(seen[0]) == {"best_fitness", "mean_fitness", "std_fitness", "best_loss"}
    out = capsys.readouterr().out
    assert "Generation 1/30 - best_fitness:" in out and "Stopped after generation" in out


def test_a_fitness_on_predictions_per_individual_or_vectorised(iris):
    x_train, y_train, x_test, y_test = iris

    def accuracy(y_true, y_pred):
        return np.mean(y_pred.argmax(-1) == y_true.argmax(-1))

    @vectorized
    def accuracy_all(y_true, y_pred):
        return np.mean(y_pred.argmax(-1) == y_true.argmax(-1), axis=-1)

    results = []
    for fitness in (accuracy, accuracy_all):
        model = iris_network()
        history = GeneticAlgorithm(population_size=30, generations=15, fitness=fitness,
                                   seed=0, verbose=0).fit(model, x_train, y_train)
        results.append(history.history)
        assert history.best_fitness == pytest.approx(_accuracy(model, x_train, y_train))
        # the loss of the fittest is still reported when the model has one
        assert np.all(np.isfinite(history.history["best_loss"]))
    assert results[0] == results[1]


def test_a_fitness_of_the_model_needs_no_data():
    target = np.array([[1.0], [-2.0]], dtype=np.float32)
    model = keras.Sequential([layers.Input(shape=(2,)), layers.Dense(1, use_bias=False)])

    def closeness(m):
        return -float(np.sum((m.get_weights()[0] - target) ** 2))

    history = GeneticAlgorithm(population_size=40, generations=60, fitness=closeness,
                               mutation_scale=("anneal", 0.5, 0.01), seed=0,
                               verbose=0).fit(model)
    np.testing.assert_allclose(model.get_weights()[0], target, atol=0.05)
    assert np.all(np.isnan(history.history["best_loss"]))


def _tiny_accuracy(y_true, y_pred):  # at module level: a worker process can unpickle it
    return float(np.mean((y_pred[:, 0] > 0.5) == (y_true[:, 0] > 0.5)))


def test_workers_run_the_fitness_in_processes_with_the_same_results():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 2)).astype(np.float32)
    y = (x[:, :1] > 0).astype(np.float32)

    def run(workers):
        keras.utils.set_random_seed(0)
        model = keras.Sequential([layers.Input(shape=(2,)), layers.Dense(1, "sigmoid")])
        ga = GeneticAlgorithm(population_size=6, generations=3, fitness=_tiny_accuracy,
                              workers=workers, seed=0, verbose=0)
        return ga.fit(model, x, y).history

    assert run(2) == run(None)


def test_workers_need_a_picklable_fitness():
    model = keras.Sequential([layers.Input(shape=(2,)), layers.Dense(1)])
    ga = GeneticAlgorithm(population_size=4, generations=2, workers=2, verbose=0,
                          fitness=lambda y_true, y_pred: 0.0)
    with pytest.raises(TypeError, match="must be picklable.*lambda"):
        ga.fit(model, np.zeros((3, 2)), np.zeros((3, 1)))


def test_without_a_loss_or_fitness_fit_says_what_is_missing():
    model = keras.Sequential([layers.Input(shape=(2,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="No loss"):
        GeneticAlgorithm(verbose=0).fit(model, np.zeros((3, 2)), np.zeros((3, 1)))
    with pytest.raises(ValueError, match="fitness"):
        GeneticAlgorithm(verbose=0).fit(model)
    history = GeneticAlgorithm(population_size=4, generations=2, verbose=0).fit(
        model, np.zeros((3, 2)), np.ones((3, 1)), loss="mse")
    assert history.best_loss <= 1.0


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"population_size": 1}, "population_size"),
    ({"population_size": 2.5}, "population_size"),
    ({"generations": 0}, "generations"),
    ({"elitism": 50}, "elitism must be smaller than population_size"),
    ({"elitism": -1}, "elitism"),
    ({"crossover_rate": 1.5}, "crossover_rate"),
    ({"mutation_rate": -0.1}, "mutation_rate"),
    ({"mutation_scale": -1.0}, "mutation_scale"),
    ({"mutation_scale": ("cool", 1.0, 0.0)}, "anneal"),
    ({"tournament_size": 0}, "tournament_size"),
    ({"blend_alpha": -0.5}, "blend_alpha"),
    ({"truncation_fraction": 0.0}, "truncation_fraction"),
    ({"patience": 0}, "patience"),
    ({"seed": 1.5}, "seed"),
    ({"workers": 0}, "workers"),
    ({"selection": "best"}, r"valid names are: 'tournament', 'roulette', 'rank', "
                            r"'truncation'"),
    ({"crossover": "k_point"}, r"'uniform', 'one_point', 'two_point', 'arithmetic', 'blend'"),
    ({"mutation": "flip"}, r"'gaussian', 'uniform'"),
])
def test_bad_arguments_name_the_argument(kwargs, message):
    with pytest.raises(ValueError, match=message):
        GeneticAlgorithm(**kwargs)


def test_custom_operators_are_functions():
    calls = []

    def best_only(fitness, count, rng):
        calls.append(count)
        return np.full(count, np.argmax(fitness))

    ga = GeneticAlgorithm(population_size=5, elitism=1, selection=best_only,
                          crossover=lambda a, b, rng: (a + b) / 2, crossover_rate=1.0,
                          mutation=lambda genes, rng, rate, scale: genes + 1, seed=0)
    population = np.arange(10.0).reshape(5, 2)
    new = ga.next_generation(population, np.array([0, 1, 9, 2, 3.0]))
    np.testing.assert_array_equal(new, [[4, 5], [5, 6], [5, 6], [5, 6], [5, 6]])
    assert calls == [8]


def test_data_mistakes_are_reported_as_fit_reports_them():
    model = keras.Sequential([layers.Input(shape=(2,)), layers.Dense(1)])
    ga = GeneticAlgorithm(population_size=4, generations=1, verbose=0)
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        ga.fit(model, np.zeros((3, 2)), np.zeros((4, 1)), loss="mse")
    with pytest.raises(ValueError, match="expects last dimension 2, got 3"):
        ga.fit(model, np.zeros((3, 3)), np.zeros((3, 1)), loss="mse")


def test_nan_fitness_counts_as_the_worst():
    model = keras.Sequential([layers.Input(shape=(1,)), layers.Dense(1, use_bias=False)])

    def positive_only(m):
        w = float(m.get_weights()[0][0, 0])
        return -abs(w - 1.0) if w > 0 else float("nan")

    history = GeneticAlgorithm(population_size=20, generations=30, fitness=positive_only,
                               init_scale=1.0, seed=0, verbose=0).fit(model)
    assert np.isfinite(history.best_fitness) and history.best_fitness > -0.1
    assert np.all(np.isfinite(history.history["mean_fitness"]))
