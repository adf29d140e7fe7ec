"""``Dataset``: a lazy, re-iterable input pipeline with the ``tf.data.Dataset`` API.

>>> ds = Dataset.from_tensor_slices((x, y)).shuffle(1000).batch(32).prefetch(AUTOTUNE)
>>> for xb, yb in ds: ...

Elements are nested tuples and dicts (a list is a value, not a structure, as in
``tf.data``). Numeric components arrive as ndflow Tensors, with TensorFlow's dtypes:
Python ints become int32, Python floats float32, NumPy arrays keep their dtype (float64
stays float64). Strings become string tensors (NumPy ``str`` values inside, where
TensorFlow holds bytes); components of Python objects stay NumPy values. ``map`` and
``filter`` functions run eagerly, once per element, on the same values.
"""

from __future__ import annotations

import numbers

import numpy as np

from ndflow.core.dtypes import int64
from ndflow.core.tensor import Tensor, wrap
from ndflow.data import structure as st
from ndflow.data.batching import Batch, PaddedBatch
from ndflow.data.node import INFINITE, UNKNOWN
from ndflow.data.prefetch import AUTOTUNE_BUFFER, Prefetch
from ndflow.data.shuffle import Shuffle
from ndflow.data.sources import Generator, Range, Tensors, TensorSlices, Zip, signature_parts
from ndflow.data.transforms import (
    Cache,
    Concatenate,
    Enumerate,
    Filter,
    FlatMap,
    Map,
    Repeat,
    Shard,
    Skip,
    Take,
    TakeWhile,
    Unbatch,
)

AUTOTUNE = -1
INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN


def _int(value, method: str, arg: str) -> int:
    """An integer argument (Python, NumPy or a scalar integer Tensor) as a Python int."""
    raw = value._value if isinstance(value, Tensor) else value
    if isinstance(raw, np.ndarray) and raw.ndim == 0:
        raw = raw[()]
    if isinstance(raw, (bool, np.bool_)) or not isinstance(raw, numbers.Integral):
        raise TypeError(f"Dataset.{method}: {arg} must be an integer, got {st.describe(value)}")
    return int(raw)


def _positive(value, method: str, arg: str) -> int:
    n = _int(value, method, arg)
    if n <= 0:
        raise ValueError(f"Dataset.{method}: {arg} must be greater than zero, got {n}")
    return n


def _callable(fn, method: str, arg: str):
    if not callable(fn):
        raise TypeError(f"Dataset.{method}: {arg} must be callable, got {st.describe(fn)}")
    return fn


def _node_of(dataset, method: str):
    if not isinstance(dataset, Dataset):
        raise TypeError(f"Dataset.{method}: expected a Dataset, got {st.describe(dataset)}")
    return dataset._node


class Dataset:
    """A sequence of elements built by a source and a chain of transformations.

    Make one with ``Dataset.from_tensor_slices``, ``from_tensors``, ``from_generator``,
    ``range`` or ``zip``; every transformation returns a new Dataset. Nothing runs until
    the dataset is iterated, and each iteration starts from the beginning.
    """

    __slots__ = ("_node",)

    def __init__(self, node):
        self._node = node

    # ---- sources ----------------------------------------------------------------------

    @staticmethod
    def from_tensor_slices(tensors, name=None) -> Dataset:
        """Elements are the slices of ``tensors`` (each component) along the first axis.

        >>> list(Dataset.from_tensor_slices(([1, 2], [3., 4.])).as_numpy_iterator())
        [(1, 3.0), (2, 4.0)]
        """
        return Dataset(TensorSlices(tensors))

    @staticmethod
    def from_tensors(tensors, name=None) -> Dataset:
        """A dataset with ``tensors`` as its single element."""
        return Dataset(Tensors(tensors))

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name=None) -> Dataset:
        """Elements are the values that ``generator(*args)`` yields, called anew per pass.

        ``output_signature`` (specs with ``dtype`` and ``shape``) or ``output_types`` and
        ``output_shapes`` fix the structure, dtypes and shapes; without them they are
        inferred from each value.
        """
        _callable(generator, "from_generator", "generator")
        dtypes, shapes = signature_parts(output_types, output_shapes, output_signature)
        args = () if args is None else tuple(
            st.numpy_value(st.to_array(a, "from_generator")) for a in args)
        return Dataset(Generator(generator, args, dtypes, shapes))

    @staticmethod
    def range(*args, dtype=int64, name=None) -> Dataset:
        """``range(stop)``, ``range(start, stop)`` or ``range(start, stop, step)`` as scalars.

        >>> list(Dataset.range(1, 8, 3).as_numpy_iterator())
        [1, 4, 7]
        """
        if not 1 <= len(args) <= 3:
            raise TypeError(f"Dataset.range: expected 1 to 3 arguments (start, stop, step), got "
                            f"{len(args)}")
        values = [_int(a, "range", "an argument") for a in args]
        r = range(*values)  # raises ValueError for step 0, as Python does
        return Dataset(Range(r.start, r.stop, r.step, dtype))

    @staticmethod
    def zip(*args, datasets=None, name=None) -> Dataset:
        """Elements are tuples (or dicts) of the elements of ``datasets``, side by side."""
        if datasets is None:
            if len(args) == 1 and not isinstance(args[0], Dataset):
                datasets = args[0]
            else:
                datasets = args
        elif args:
            raise TypeError("Dataset.zip: give the datasets positionally or as datasets=, "
                            "not both")
        if type(datasets) is list:
            datasets = tuple(datasets)
        if not isinstance(datasets, (tuple, dict)) or not st.flatten(datasets):
            raise TypeError(f"Dataset.zip: expected a tuple or dict of Datasets, got "
                            f"{st.describe(datasets)}")
        return Dataset(Zip(st.map_leaves(lambda d: _node_of(d, "zip"), datasets)))

    # ---- transformations --------------------------------------------------------------

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None) -> Dataset:
        """Apply ``map_func`` to every element (a tuple element is spread over arguments).

        >>> ds.map(lambda x, y: (x / 255, y))
        """
        return Dataset(Map(self._node, _callable(map_func, "map", "map_func")))

    def filter(self, predicate, name=None) -> Dataset:
        """Keep the elements for which ``predicate`` returns a scalar boolean True."""
        return Dataset(Filter(self._node, _callable(predicate, "filter", "predicate")))

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None,
              deterministic=None, name=None) -> Dataset:
        """Stack ``batch_size`` consecutive elements; the last batch may be smaller unless
        ``drop_remainder``."""
        size = _positive(batch_size, "batch", "batch_size")
        return Dataset(Batch(self._node, size, bool(drop_remainder)))

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None,
                     drop_remainder=False, name=None) -> Dataset:
        """Batch elements of different shapes, padding each component to the longest in the
        batch (or to ``padded_shapes``; None or -1 in a dimension: the longest) with
        ``padding_values`` (default 0, or '' for strings)."""
        size = _positive(batch_size, "padded_batch", "batch_size")
        return Dataset(PaddedBatch(self._node, size, padded_shapes, padding_values,
                                   bool(drop_remainder)))

    def unbatch(self, name=None) -> Dataset:
        """Split every element along its first axis into separate elements."""
        return Dataset(Unbatch(self._node))

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True,
                name=None) -> Dataset:
        """Shuffle through a buffer of ``buffer_size`` elements (the dataset's size for a
        full shuffle); a new order on every pass unless ``reshuffle_each_iteration=False``."""
        size = _positive(buffer_size, "shuffle", "buffer_size")
        seed = None if seed is None else _int(seed, "shuffle", "seed")
        return Dataset(Shuffle(self._node, size, seed, bool(reshuffle_each_iteration)))

    def repeat(self, count=None, name=None) -> Dataset:
        """Repeat the dataset ``count`` times (None or -1: forever)."""
        count = -1 if count is None else _int(count, "repeat", "count")
        return Dataset(Repeat(self._node, count))

    def take(self, count, name=None) -> Dataset:
        """The first ``count`` elements (-1: all)."""
        return Dataset(Take(self._node, _int(count, "take", "count")))

    def skip(self, count, name=None) -> Dataset:
        """All but the first ``count`` elements (-1: skip everything)."""
        return Dataset(Skip(self._node, _int(count, "skip", "count")))

    def take_while(self, predicate, name=None) -> Dataset:
        """Elements up to the first for which ``predicate`` is False."""
        return Dataset(TakeWhile(self._node, _callable(predicate, "take_while", "predicate")))

    def cache(self, filename="", name=None) -> Dataset:
        """Keep the elements in memory after the first complete pass; later passes replay
        them without running the upstream pipeline."""
        return Dataset(Cache(self._node, filename))

    def prefetch(self, buffer_size, name=None) -> Dataset:
        """Produce up to ``buffer_size`` elements ahead in a background thread."""
        size = _int(buffer_size, "prefetch", "buffer_size")
        if size == AUTOTUNE:
            size = AUTOTUNE_BUFFER
        elif size < 0:
            raise ValueError(f"Dataset.prefetch: buffer_size must be >= 0 or AUTOTUNE (-1), "
                             f"got {size}")
        return Dataset(Prefetch(self._node, size))

    def concatenate(self, dataset, name=None) -> Dataset:
        """This dataset's elements followed by those of ``dataset``."""
        return Dataset(Concatenate(self._node, _node_of(dataset, "concatenate")))

    def enumerate(self, start=0, name=None) -> Dataset:
        """Pairs ``(index, element)`` with an int64 index counting from ``start``."""
        return Dataset(Enumerate(self._node, _int(start, "enumerate", "start")))

    def flat_map(self, map_func, name=None) -> Dataset:
        """Map each element to a Dataset and chain their elements."""
        return Dataset(FlatMap(self._node, _callable(map_func, "flat_map", "map_func")))

    def shard(self, num_shards, index, name=None) -> Dataset:
        """Every ``num_shards``-th element, starting at ``index``."""
        n = _positive(num_shards, "shard", "num_shards")
        i = _int(index, "shard", "index")
        if not 0 <= i < n:
            raise ValueError(f"Dataset.shard: index must be in [0, num_shards={n}), got {i}")
        return Dataset(Shard(self._node, n, i))

    def apply(self, transformation_func) -> Dataset:
        """``transformation_func(self)``, for chaining reusable transformations."""
        result = _callable(transformation_func, "apply", "transformation_func")(self)
        if not isinstance(result, Dataset):
            raise TypeError(f"Dataset.apply: transformation_func must return a Dataset, got "
                            f"{st.describe(result)}")
        return result

    # ---- consumption and inspection ---------------------------------------------------

    def __iter__(self):
        convert = st.tensor_converter()
        for element in self._node.elements():
            yield st.map_leaves(convert, element)

    def as_numpy_iterator(self):
        """Iterate over the elements as NumPy values (arrays, or NumPy scalars for rank 0)."""
        for element in self._node.elements():
            yield st.map_leaves(st.numpy_value, element)

    def reduce(self, initial_state, reduce_func, name=None):
        """Fold the elements into a state: ``state = reduce_func(state, element)``."""
        _callable(reduce_func, "reduce", "reduce_func")
        convert = st.tensor_converter()
        state = st.from_function_output(initial_state, "reduce")
        for element in self._node.elements():
            args = (st.map_leaves(convert, state), st.map_leaves(convert, element))
            state = st.from_function_output(reduce_func(*args), "reduce")
        return st.map_leaves(convert, state)

    def get_single_element(self, name=None):
        """The only element of a one-element dataset."""
        it = iter(self)
        first = next(it, _NONE)
        if first is _NONE:
            raise ValueError("Dataset.get_single_element: the dataset is empty")
        if next(it, _NONE) is not _NONE:
            raise ValueError("Dataset.get_single_element: the dataset has more than one "
                             "element")
        return first

    def cardinality(self):
        """The number of elements as an int64 scalar Tensor; INFINITE_CARDINALITY (-1) or
        UNKNOWN_CARDINALITY (-2) when it is infinite or cannot be known without iterating."""
        return wrap(np.int64(self._node.cardinality()))

    def __len__(self):
        n = self._node.cardinality()
        if n == INFINITE:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self):
        return True  # never call __len__, which may raise

    def __repr__(self):
        n = self._node.cardinality()
        size = {INFINITE: "infinite", UNKNOWN: "unknown"}.get(n, n)
        return f"<{type(self._node).__name__}Dataset cardinality={size}>"


_NONE = object()
