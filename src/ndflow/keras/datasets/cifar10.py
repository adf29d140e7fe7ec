"""CIFAR-10, from the binary version of the dataset (never the pickled one)."""

from ndflow.datasets import catalog
from ndflow.keras.backend import image_data_format
from ndflow.keras.datasets._common import fetch_args

__all__ = ["load_data"]


def load_data(*, cache_dir=None, data_dir=None, origin=None, download=True):
    """CIFAR-10 as ``(x_train, y_train), (x_test, y_test)``: uint8 (50000, 32, 32, 3) images
    (channels first when the image data format is 'channels_first') and uint8 (50000, 1)
    labels; 10000 of each for test."""
    splits = catalog.cifar10(**fetch_args(cache_dir, data_dir, origin, download))
    return _layout(splits["train"]), _layout(splits["test"])


def _layout(pair):
    x, y = pair
    if image_data_format() == "channels_first":
        x = x.transpose(0, 3, 1, 2)
    return x, y
