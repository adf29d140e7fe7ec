"""``tensorflow_datasets`` names around ``ndflow.datasets.load``."""

import importlib

from ndflow.core import nest
from ndflow.core.tensor import Tensor
from ndflow.data import Dataset
from ndflow.datasets import builder_names

__all__ = ["Split", "as_numpy", "disable_progress_bar", "display_progress_bar",
           "enable_progress_bar", "list_builders"]

# the package facade sits above this layer: read by name (it is imported first)
__version__ = f"4.9.0+ndflow.{importlib.import_module('ndflow').__version__}"


class Split:
    """The standard split names (``load`` takes them, or strings like ``'train[:80%]'``)."""

    TRAIN = "train"
    VALIDATION = "validation"
    TEST = "test"


def disable_progress_bar() -> None:
    """Accepted: ndflow shows a bar only while downloading, and only with tqdm installed."""


def enable_progress_bar() -> None:
    """Accepted (see ``disable_progress_bar``)."""


def display_progress_bar(enable: bool) -> None:
    """Accepted (see ``disable_progress_bar``)."""


def as_numpy(dataset):
    """A Dataset as an iterable of NumPy elements, or tensors in a structure as arrays."""
    if isinstance(dataset, Dataset):
        return dataset.as_numpy_iterator()
    return nest.map_structure(lambda v: v.numpy() if isinstance(v, Tensor) else v, dataset)


def list_builders(with_community_datasets=True) -> list:
    """The dataset names ``load`` accepts."""
    return builder_names()
