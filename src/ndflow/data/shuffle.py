"""The shuffle node: TensorFlow's buffer algorithm, seeded from ndflow's random state."""

import itertools

import numpy as np

from ndflow.backend import rng
from ndflow.data.node import Node

_DRAWS = 1024  # random positions drawn at a time
_OUT_CHUNK = 4096  # shuffled indices per chunk handed on
_MASK64 = (1 << 64) - 1


def buffer_shuffle(items, buffer_size, gen):
    """Fill a buffer of ``buffer_size`` items; then emit a uniformly chosen buffered item
    and put the next input in its place; when the input ends, emit the rest in random order.
    """
    items = iter(items)
    buffer = list(itertools.islice(items, buffer_size))
    if len(buffer) == buffer_size:
        draws, k = [], _DRAWS
        for item in items:
            if k == _DRAWS:
                draws, k = gen.integers(0, buffer_size, _DRAWS).tolist(), 0
            j = draws[k]
            k += 1
            yield buffer[j]
            buffer[j] = item
    for j in gen.permutation(len(buffer)).tolist():
        yield buffer[j]


def _seed_words(seed):
    """The entropy of a shuffle's generators, fixed when the dataset is built.

    With an op seed it depends on (global seed, op seed) alone, so two datasets built with
    the same seed shuffle alike; without one it is drawn from the global stream, so a
    program run again after ``ndflow.random.set_seed`` builds identical pipelines. The
    first word keeps the two kinds apart.
    """
    if seed is None:
        return [1, rng.draw_seed()]
    global_seed = rng.get_global_seed()
    if global_seed is None:
        global_seed = rng.DEFAULT_GLOBAL_SEED
    return [2, global_seed & _MASK64, seed & _MASK64]


class Shuffle(Node):
    def __init__(self, node, buffer_size, seed, reshuffle_each_iteration):
        self.inputs = (node,)
        self.buffer_size = buffer_size
        self.seed = _seed_words(seed)
        self.reshuffle = reshuffle_each_iteration
        self.passes = itertools.count()

    def cardinality(self):
        return self.inputs[0].cardinality()

    def _generator(self):
        epoch = next(self.passes) if self.reshuffle else 0
        return np.random.default_rng([*self.seed, epoch])

    def _shuffled_chunks(self, chunks):
        indices = itertools.chain.from_iterable(c.tolist() for c in chunks())
        shuffled = buffer_shuffle(indices, self.buffer_size, self._generator())
        while chunk := list(itertools.islice(shuffled, _OUT_CHUNK)):
            yield np.array(chunk, dtype=np.int64)

    def plan(self):
        up = self.inputs[0].plan()
        if up is None:
            return None
        return up.with_chunks(lambda: self._shuffled_chunks(up.chunks))

    def elements(self):
        if self.plan() is not None:
            return super().elements()
        return buffer_shuffle(self.inputs[0].elements(), self.buffer_size, self._generator())
