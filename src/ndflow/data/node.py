"""The pipeline graph: one node per source or transformation, and index plans.

A node yields raw elements (:mod:`ndflow.data.structure`) from ``elements()``, a fresh
iterator on each call, and knows its ``cardinality()``. Nodes whose elements are rows of
an in-memory source (``from_tensor_slices``, ``range``, and ``take``/``skip``/``repeat``/
``shuffle``/``cache`` over them) also offer a :class:`Plan`: the source plus a stream of
index arrays. ``batch`` then gathers whole batches with one fancy index per component,
and ``shuffle`` shuffles integers instead of elements.
"""

import numpy as np

INFINITE = -1
UNKNOWN = -2

_CHUNK = 1 << 16  # indices per plan chunk
_PIECE = 256  # rows gathered at a time when a plan is iterated element by element


class Plan:
    """Elements as rows of ``source``, chosen by ``chunks()``: an iterator of index arrays."""

    __slots__ = ("source", "chunks")

    def __init__(self, source, chunks):
        self.source = source
        self.chunks = chunks

    def with_chunks(self, chunks) -> "Plan":
        return Plan(self.source, chunks)

    def elements(self):
        rows = self.source.rows
        for chunk in self.chunks():
            for start in range(0, len(chunk), _PIECE):
                yield from rows(chunk[start:start + _PIECE])


class Node:
    """A source or transformation; ``inputs`` are the nodes it reads."""

    inputs: tuple = ()

    def cardinality(self) -> int:
        return UNKNOWN

    def plan(self):
        """A :class:`Plan` for this node's elements, or None."""
        return None

    def elements(self):
        return self.plan().elements()


def arange_chunks(n: int):
    for start in range(0, n, _CHUNK):
        yield np.arange(start, min(start + _CHUNK, n), dtype=np.int64)


def take_chunks(chunks, count: int):
    left = count
    for chunk in chunks:
        if left <= 0:
            return
        if len(chunk) >= left:
            yield chunk[:left]
            return
        left -= len(chunk)
        yield chunk


def skip_chunks(chunks, count: int):
    left = count
    for chunk in chunks:
        if left >= len(chunk):
            left -= len(chunk)
            continue
        yield chunk[left:]
        left = 0


def rebatch(chunks, batch_size: int, drop_remainder: bool):
    """Index arrays of exactly ``batch_size`` (the last may be shorter)."""
    carry = np.empty(0, dtype=np.int64)
    for chunk in chunks:
        if len(carry):
            chunk = np.concatenate([carry, chunk])
        full = len(chunk) - len(chunk) % batch_size
        for start in range(0, full, batch_size):
            yield chunk[start:start + batch_size]
        carry = chunk[full:]
    if len(carry) and not drop_remainder:
        yield carry


def gather(array, index):
    """``array[index]``, as a cheap view when the indices are consecutive."""
    n = len(index)
    if n and index[-1] - index[0] == n - 1 and (n == 1 or (index[1:] > index[:-1]).all()):
        return array[index[0]:index[0] + n]
    return array[index]
