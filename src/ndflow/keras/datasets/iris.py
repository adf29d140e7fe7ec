"""Fisher's iris data (150 flowers, 4 measurements, 3 species), bundled with ndflow."""

import importlib.resources

import numpy as np

from ndflow.keras.datasets._common import shuffle_split

__all__ = ["load_data"]


def _bundled():
    """Features (150, 4) float64 and species (150,) int64 from the bundled CSV."""
    text = importlib.resources.files("ndflow.keras.datasets").joinpath("data/iris.csv")
    with text.open("r", encoding="utf-8") as f:
        table = np.loadtxt(f, delimiter=",", skiprows=1)
    return table[:, :4], table[:, 4].astype(np.int64)


def load_data(test_split=0.2, seed=113):
    """``(x_train, y_train), (x_test, y_test)``: rows shuffled with ``seed``, the last
    ``test_split`` of them for test. The data are scikit-learn's copy of the UCI iris
    table, shipped with ndflow, so no download and no other package is needed."""
    x, y = _bundled()
    return shuffle_split(x, y, test_split, seed, "iris")
