"""Nodes that transform elements: map, filter, take, skip, repeat, cache and friends."""

import warnings

import numpy as np

from ndflow.backend.xp import to_numpy
from ndflow.core.errors import InvalidArgumentError
from ndflow.core.tensor import Tensor
from ndflow.data import structure as st
from ndflow.data.node import INFINITE, UNKNOWN, Node, skip_chunks, take_chunks


def call_with_element(fn, element, convert):
    """Call ``fn`` on an element as TensorFlow does: a tuple is spread over the arguments."""
    args = st.map_leaves(convert, element)
    return fn(*args) if type(args) is tuple else fn(args)


def _with_results(fn, node):
    """Each element of ``node`` paired with ``fn``'s result on it."""
    convert = st.tensor_converter()
    for element in node.elements():
        yield element, call_with_element(fn, element, convert)


class _Restartable(Node):
    """A node whose ``_stream(start)`` reads its input through ``start()`` (a fresh iterator
    per call): over an index plan's chunks when the input has a plan, else its elements."""

    def plan(self):
        up = self.inputs[0].plan()
        return None if up is None else up.with_chunks(lambda: self._stream(up.chunks))

    def elements(self):
        if self.plan() is not None:
            return super().elements()
        return self._stream(self.inputs[0].elements)


class Map(Node):
    def __init__(self, node, fn):
        self.inputs = (node,)
        self.fn = fn

    def cardinality(self):
        return self.inputs[0].cardinality()

    def elements(self):
        for _, result in _with_results(self.fn, self.inputs[0]):
            yield st.from_function_output(result, "map")


def as_bool(value, what: str) -> bool:
    """A predicate's result as a Python bool; it must be a scalar boolean."""
    raw = value._value if isinstance(value, Tensor) else value
    if isinstance(raw, (bool, np.bool_)):
        return bool(raw)
    arr = np.asarray(to_numpy(raw)) if hasattr(raw, "dtype") else None
    if arr is None or arr.dtype != np.bool_ or arr.size != 1 or arr.ndim > 1:
        shape = () if arr is None else tuple(arr.shape)
        dtype = type(value).__name__ if arr is None else arr.dtype
        raise TypeError(f"{what}: the predicate must return a scalar boolean, got a value of "
                        f"shape {shape} and dtype {dtype}")
    return bool(arr.reshape(()))


class Filter(Node):
    def __init__(self, node, predicate):
        self.inputs = (node,)
        self.predicate = predicate

    def elements(self):
        for element, keep in _with_results(self.predicate, self.inputs[0]):
            if as_bool(keep, "filter"):
                yield element


class TakeWhile(Node):
    def __init__(self, node, predicate):
        self.inputs = (node,)
        self.predicate = predicate

    def elements(self):
        for element, keep in _with_results(self.predicate, self.inputs[0]):
            if not as_bool(keep, "take_while"):
                return
            yield element


class Take(Node):
    def __init__(self, node, count):
        self.inputs = (node,)
        self.count = count  # < 0: everything

    def cardinality(self):
        n = self.inputs[0].cardinality()
        if self.count < 0:
            return n
        if n == INFINITE:
            return self.count
        return UNKNOWN if n == UNKNOWN else min(n, self.count)

    def plan(self):
        up = self.inputs[0].plan()
        if up is None or self.count < 0:
            return up
        return up.with_chunks(lambda: take_chunks(up.chunks(), self.count))

    def elements(self):
        if self.plan() is not None:
            return super().elements()
        if self.count < 0:
            return self.inputs[0].elements()
        return self._take()

    def _take(self):
        if self.count == 0:
            return
        for i, element in enumerate(self.inputs[0].elements(), 1):
            yield element
            if i == self.count:
                return


class Skip(Node):
    def __init__(self, node, count):
        self.inputs = (node,)
        self.count = count  # < 0: everything

    def cardinality(self):
        n = self.inputs[0].cardinality()
        if self.count < 0:
            return 0
        return n if n in (INFINITE, UNKNOWN) else max(0, n - self.count)

    def plan(self):
        up = self.inputs[0].plan()
        if up is None:
            return None
        if self.count < 0:
            return up.with_chunks(lambda: iter(()))
        return up.with_chunks(lambda: skip_chunks(up.chunks(), self.count))

    def elements(self):
        if self.plan() is not None:
            return super().elements()
        return self._skip()

    def _skip(self):
        for i, element in enumerate(self.inputs[0].elements()):
            if 0 <= self.count <= i:
                yield element


class Repeat(_Restartable):
    def __init__(self, node, count):
        self.inputs = (node,)
        self.count = count  # < 0: forever

    def cardinality(self):
        n = self.inputs[0].cardinality()
        if self.count < 0:
            return 0 if n == 0 else INFINITE
        if self.count == 0:
            return 0
        return n if n in (INFINITE, UNKNOWN) else n * self.count

    def _stream(self, start):
        """Chain ``start()`` ``count`` times; stop early on an empty pass (no endless loop)."""
        epoch = 0
        while self.count < 0 or epoch < self.count:
            empty = True
            for item in start():
                empty = False
                yield item
            if empty:
                return
            epoch += 1


class Concatenate(Node):
    def __init__(self, first, second):
        self.inputs = (first, second)

    def cardinality(self):
        a, b = (node.cardinality() for node in self.inputs)
        if INFINITE in (a, b):
            return INFINITE
        return UNKNOWN if UNKNOWN in (a, b) else a + b

    def elements(self):
        first = None
        for element in self.inputs[0].elements():
            first = element if first is None else first
            yield element
        for element in self.inputs[1].elements():
            if first is not None and not st.same_structure(first, element):
                raise TypeError(
                    "concatenate: the datasets have different element structures: "
                    f"{st.map_leaves(_kind, first)} and {st.map_leaves(_kind, element)}")
            first = None  # one check is enough
            yield element


def _kind(leaf):
    return f"{leaf.dtype}{list(leaf.shape)}"


class Enumerate(Node):
    def __init__(self, node, start):
        self.inputs = (node,)
        self.start = start

    def cardinality(self):
        return self.inputs[0].cardinality()

    def elements(self):
        for i, element in enumerate(self.inputs[0].elements(), self.start):
            yield (np.int64(i), element)


class Unbatch(Node):
    def __init__(self, node):
        self.inputs = (node,)

    def elements(self):
        for element in self.inputs[0].elements():
            leaves = st.flatten(element)
            if any(leaf.ndim == 0 for leaf in leaves):
                raise InvalidArgumentError("unbatch: every component must have rank >= 1, got "
                                           f"shapes {[tuple(x.shape) for x in leaves]}")
            n = leaves[0].shape[0]
            if any(leaf.shape[0] != n for leaf in leaves):
                raise InvalidArgumentError("unbatch: the components have different batch "
                                           f"sizes: {[x.shape[0] for x in leaves]}")
            if len(leaves) == 1 and not isinstance(element, st._CONTAINERS):
                yield from leaves[0]
            else:
                for row in zip(*leaves):
                    yield st.pack(element, row)


class FlatMap(Node):
    def __init__(self, node, fn):
        self.inputs = (node,)
        self.fn = fn

    def elements(self):
        for _, dataset in _with_results(self.fn, self.inputs[0]):
            node = getattr(dataset, "_node", None)
            if node is None:
                raise TypeError(f"flat_map: map_func must return a Dataset, got "
                                f"{st.describe(dataset)}")
            yield from node.elements()


class Shard(Node):
    def __init__(self, node, num_shards, index):
        self.inputs = (node,)
        self.num_shards, self.index = num_shards, index

    def cardinality(self):
        n = self.inputs[0].cardinality()
        if n in (INFINITE, UNKNOWN):
            return n
        return len(range(self.index, n, self.num_shards))

    def elements(self):
        for i, element in enumerate(self.inputs[0].elements()):
            if i % self.num_shards == self.index:
                yield element


class Cache(_Restartable):
    """Elements kept in memory after the first complete pass, which later passes replay.

    A pass stopped early keeps nothing (the next pass recomputes). Over an index plan
    only the index arrays are kept, so a cached shuffle keeps its first order.
    """

    def __init__(self, node, filename):
        self.inputs = (node,)
        self.store = None
        if filename:
            warnings.warn("Dataset.cache(filename) keeps the elements in memory; no file is "
                          "written", stacklevel=3)

    def cardinality(self):
        return self.inputs[0].cardinality()

    def _stream(self, start):
        """Replay the stored pass, or read ``start()`` and store it once complete."""
        if self.store is not None:
            yield from self.store
            return
        kept = []
        for item in start():
            kept.append(item)
            yield item
        self.store = kept
