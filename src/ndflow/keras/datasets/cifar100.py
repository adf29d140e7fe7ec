"""CIFAR-100, from the binary version of the dataset (never the pickled one)."""

from ndflow.datasets import catalog
from ndflow.keras.datasets._common import fetch_args
from ndflow.keras.datasets.cifar10 import _layout

__all__ = ["load_data"]


def load_data(label_mode="fine", *, cache_dir=None, data_dir=None, origin=None,
              download=True):
    """CIFAR-100 as ``(x_train, y_train), (x_test, y_test)``: uint8 (50000, 32, 32, 3)
    images and uint8 (50000, 1) labels, the 100 fine classes or (``label_mode='coarse'``)
    the 20 superclasses; 10000 of each for test."""
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f"cifar100.load_data: `label_mode` must be one of 'fine', 'coarse', "
                         f"received {label_mode!r}")
    splits = catalog.cifar100(label_mode, **fetch_args(cache_dir, data_dir, origin, download))
    return _layout(splits["train"]), _layout(splits["test"])
