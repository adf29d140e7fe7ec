"""``ndflow.datasets.load``: datasets as ndflow Datasets, in the style of tensorflow-datasets."""

import re
from dataclasses import dataclass, field

import numpy as np

from ndflow.data import Dataset
from ndflow.datasets import catalog

__all__ = ["ClassLabel", "DatasetInfo", "Image", "SplitInfo", "Text", "builder_names", "load"]


@dataclass(frozen=True)
class ClassLabel:
    """An integer label with ``num_classes`` values and their names."""

    names: tuple
    dtype: str = "int64"
    shape: tuple = ()

    @property
    def num_classes(self) -> int:
        return len(self.names)

    def int2str(self, index) -> str:
        """The name of label ``index``."""
        return self.names[int(index)]

    def str2int(self, name: str) -> int:
        """The label of class ``name``."""
        return self.names.index(name)


@dataclass(frozen=True)
class Image:
    """An image feature of a fixed shape (height, width, channels)."""

    shape: tuple
    dtype: str = "uint8"


@dataclass(frozen=True)
class Text:
    """A text feature (one string per example)."""

    dtype: str = "string"
    shape: tuple = ()


@dataclass(frozen=True)
class SplitInfo:
    """A split's name and size."""

    name: str
    num_examples: int


@dataclass
class DatasetInfo:
    """What ``load(..., with_info=True)`` returns next to the data."""

    name: str
    description: str
    homepage: str
    features: dict
    supervised_keys: tuple
    splits: dict = field(default_factory=dict)
    data_dir: str = ""


_MNIST_NAMES = tuple(str(i) for i in range(10))
_FASHION_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                  "Sneaker", "Bag", "Ankle boot")
_CIFAR10_NAMES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse",
                  "ship", "truck")


def _idx(name):
    def arrays(fetch_args):
        return {k: (x[..., None], y.astype(np.int64))
                for k, (x, y) in catalog.idx_images(name, **fetch_args).items()}
    return arrays


def _cifar10(fetch_args):
    splits = catalog.cifar10(**fetch_args)
    return {k: (x, y[:, 0].astype(np.int64)) for k, (x, y) in splits.items()}


def _imdb(fetch_args):
    return catalog.imdb_texts(**fetch_args)


def _horses(fetch_args):
    return catalog.horses_or_humans(**fetch_args)


# name: (arrays, feature names, features, description, homepage)
_BUILDERS = {
    "mnist": (_idx("mnist"), ("image", "label"),
              {"image": Image((28, 28, 1)), "label": ClassLabel(_MNIST_NAMES)},
              "The MNIST database of handwritten digits.",
              "http://yann.lecun.com/exdb/mnist/"),
    "fashion_mnist": (_idx("fashion_mnist"), ("image", "label"),
                      {"image": Image((28, 28, 1)), "label": ClassLabel(_FASHION_NAMES)},
                      "Fashion-MNIST: Zalando's article images, 10 classes.",
                      "https://github.com/zalandoresearch/fashion-mnist"),
    "cifar10": (_cifar10, ("image", "label"),
                {"image": Image((32, 32, 3)), "label": ClassLabel(_CIFAR10_NAMES)},
                "CIFAR-10: 60000 32x32 colour images in 10 classes.",
                "https://www.cs.toronto.edu/~kriz/cifar.html"),
    "imdb_reviews": (_imdb, ("text", "label"),
                     {"text": Text(), "label": ClassLabel(("neg", "pos"))},
                     "Large Movie Review Dataset: 25000 training and 25000 test reviews "
                     "(positive or negative), plus 50000 unlabelled ones (label -1).",
                     "https://ai.stanford.edu/~amaas/data/sentiment/"),
    "horses_or_humans": (_horses, ("image", "label"),
                         {"image": Image((300, 300, 3)),
                          "label": ClassLabel(tuple(catalog.HORSES_OR_HUMANS_CLASSES))},
                         "Computer-generated images of horses and humans (needs Pillow).",
                         "https://laurencemoroney.com/datasets.html"),
}


def builder_names() -> list:
    """The names ``load`` accepts."""
    return sorted(_BUILDERS)


_SLICE = re.compile(r"^(\w+)(?:\[\s*(-?\d+%?)?\s*:\s*(-?\d+%?)?\s*\])?$")


def _bound(text, n: int):
    if text is None:
        return None
    if text.endswith("%"):
        return round(int(text[:-1]) * n / 100)
    return int(text)


def _select(split: str, arrays: dict) -> tuple:
    """The columns of ``split`` ('train', 'test[:10%]', 'train[100:]+test', ...)."""
    parts = []
    for piece in split.split("+"):
        match = _SLICE.match(piece.strip())
        if not match or match.group(1) not in arrays:
            raise ValueError(f"load: unknown split {piece.strip()!r}; the splits are "
                             f"{sorted(arrays)}, optionally sliced like 'train[:80%]' or "
                             "'test[100:200]' and joined with '+'")
        name, start, stop = match.groups()
        columns = arrays[name]
        n = len(columns[1])
        index = slice(_bound(start, n), _bound(stop, n))
        parts.append(tuple(c[index] for c in columns))
    if len(parts) == 1:
        return parts[0]
    return tuple(_join([p[i] for p in parts]) for i in range(len(parts[0])))


def _join(columns):
    if isinstance(columns[0], list):
        return [v for c in columns for v in c]
    return np.concatenate(columns)


def _as_dataset(columns: tuple, keys: tuple, as_supervised: bool) -> Dataset:
    if isinstance(columns[0], list):  # texts: looked up per element, never copied whole
        texts, labels = columns
        if as_supervised:
            return Dataset.range(len(texts)).map(lambda i: (texts[int(i)], labels[int(i)]))
        return Dataset.range(len(texts)).map(
            lambda i: {keys[0]: texts[int(i)], keys[1]: labels[int(i)]})
    if as_supervised:
        return Dataset.from_tensor_slices(tuple(columns))
    return Dataset.from_tensor_slices(dict(zip(keys, columns)))


def load(name: str, split=None, as_supervised: bool = False, with_info: bool = False,
         data_dir=None, batch_size=None, shuffle_files: bool = False, download: bool = True,
         origin=None):
    """Load a dataset as ndflow Datasets (a dict of splits when ``split`` is None).

    Example: ``train, info = ndflow.datasets.load("mnist", split="train[:80%]",
    as_supervised=True, with_info=True)``. ``batch_size=-1`` returns each split whole, as
    tensors. ``shuffle_files`` is accepted for compatibility: every split comes from one
    file, so there is no file order to shuffle (use ``Dataset.shuffle``).
    """
    del shuffle_files
    if name not in _BUILDERS:
        raise ValueError(f"load: unknown dataset {name!r}; available: {builder_names()}")
    arrays_fn, keys, features, description, homepage = _BUILDERS[name]
    arrays = arrays_fn({"data_dir": data_dir, "origin": origin, "download": download})

    def make(split_name):
        dataset = _as_dataset(_select(split_name, arrays), keys, as_supervised)
        if batch_size == -1:
            return dataset.batch(max(len(dataset), 1)).get_single_element()
        return dataset.batch(batch_size) if batch_size else dataset

    if split is None:
        result = {k: make(k) for k in arrays}
    elif isinstance(split, (list, tuple)):
        result = [make(s) for s in split]
    else:
        result = make(split)
    if not with_info:
        return result
    info = DatasetInfo(
        name=name, description=description, homepage=homepage, features=dict(features),
        supervised_keys=keys,
        splits={k: SplitInfo(k, len(columns[1])) for k, columns in arrays.items()},
        data_dir=str(catalog.cache_dir(
            "imdb" if name == "imdb_reviews" else name, data_dir)))
    return result, info
