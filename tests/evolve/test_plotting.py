"""plot_history draws best and mean fitness per generation (matplotlib, headless)."""

import pytest

from ndflow.evolve import Genetic, GeneticAlgorithm, plot_history
from tests.evolve.helpers import iris_network


def test_plot_history_of_an_evolution_writes_a_png(tmp_path, iris):
    x_train, y_train, _, _ = iris
    history = GeneticAlgorithm(population_size=10, generations=5, seed=0, verbose=0).fit(
        iris_network(), x_train, y_train)
    path = tmp_path / "fitness.png"
    fig = plot_history(history, to_file=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ax = fig.axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["mean fitness", "best fitness"] and len(ax.collections) == 1  # std band
    assert list(ax.get_lines()[1].get_ydata()) == history.history["best_fitness"]


def test_plot_history_of_fit_with_genetic_draws_on_a_given_axes(iris):
    import matplotlib.pyplot as plt

    x_train, y_train, _, _ = iris
    model = iris_network(optimizer=Genetic(population_size=8, seed=0))
    history = model.fit(x_train, y_train, epochs=3, verbose=0)
    fig, ax = plt.subplots()
    assert plot_history(history, ax=ax) is fig
    assert len(ax.get_lines()[0].get_xdata()) == 3
    plt.close(fig)
    with pytest.raises(ValueError, match="no fitness values"):
        plot_history({"loss": [1.0]})
