"""MNIST handwritten digits, from the original IDX files."""

from ndflow.datasets import catalog
from ndflow.keras.datasets._common import fetch_args

__all__ = ["load_data"]


def load_data(path="mnist.npz", *, cache_dir=None, data_dir=None, origin=None, download=True):
    """MNIST as ``(x_train, y_train), (x_test, y_test)``: uint8 (60000, 28, 28) images and
    uint8 (60000,) labels (10000 of each for test).

    ``path`` is accepted for Keras compatibility and unused: the data come from the IDX
    files cached under ``<data dir>/mnist``.
    """
    del path
    splits = catalog.idx_images("mnist", **fetch_args(cache_dir, data_dir, origin, download))
    return splits["train"], splits["test"]
