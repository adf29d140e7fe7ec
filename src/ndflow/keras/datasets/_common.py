"""Helpers shared by the Keras dataset loaders."""

import numpy as np


def fetch_args(cache_dir=None, data_dir=None, origin=None, download=True) -> dict:
    """The cache and source options of ``ndflow.datasets`` (``cache_dir`` is Keras's name)."""
    return {"data_dir": data_dir or cache_dir, "origin": origin, "download": download}


def shuffle_split(x, y, test_split: float, seed: int, what: str) -> tuple:
    """Keras's split: shuffle with ``RandomState(seed)``, the last ``test_split`` is test."""
    if not 0 <= test_split < 1:
        raise ValueError(f"{what}.load_data: test_split must be in [0, 1), got {test_split}")
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])


def sklearn_split(loader: str, test_split: float, seed: int) -> tuple:
    """A scikit-learn bundled dataset as Keras's ``(x_train, y_train), (x_test, y_test)``."""
    try:
        from sklearn import datasets
    except ImportError:
        raise ImportError(f"ndflow.keras.datasets.{loader}.load_data needs scikit-learn, which "
                          "bundles the data: pip install scikit-learn") from None
    x, y = getattr(datasets, f"load_{loader}")(return_X_y=True)
    return shuffle_split(np.asarray(x), np.asarray(y), test_split, seed, loader)
