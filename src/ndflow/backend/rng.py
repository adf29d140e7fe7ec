"""The random state: a global seed and the NumPy generators that ops draw from.

TensorFlow's seeding rules, on NumPy generators (PCG64):

* ``set_seed(s)`` fixes the global seed and restarts every stream, so a program re-run
  after it draws the same values, bit for bit;
* an op with no seed, under a global seed, draws from one stream seeded by the global
  seed; with no global seed either, from a stream seeded by the operating system;
* an op with a seed draws from a stream of its own for the pair (global seed, op seed)
  (a fixed default global seed when none is set); calling it again continues the
  stream, as in TensorFlow 2 eager mode.

Stateless draws (``stateless_generator``) depend on their seed alone.
"""

from __future__ import annotations

import numbers
import threading

import numpy as np

from ndflow.backend.xp import array_module, default_xp, to_numpy

DEFAULT_GLOBAL_SEED = 87654321  # used with an op seed when no global seed is set
_MASK64 = (1 << 64) - 1
# The first word of every seed sequence says which kind of stream it feeds, so the
# streams never coincide (SeedSequence pads short entropy with zeros).
_GLOBAL, _OP, _STATELESS, _GENERATOR, _GLOBAL_GENERATOR = 1, 2, 3, 4, 5


class _State:
    """The mutable random state, shared by all threads."""

    def __init__(self):
        self.global_seed = None
        self.stream = None  # made on first use: importing numpy.random is slow
        self.op_streams = {}
        self.epoch = 0  # counts set_seed calls, so caches of generators can notice
        self.lock = threading.Lock()


_state = _State()


def _seed_words(kind, *seeds):
    return [kind, *(int(s) & _MASK64 for s in seeds)]


def new_generator(kind, *seeds) -> np.random.Generator:
    """A fresh generator seeded by ``seeds`` (ints) in the family ``kind``."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(_seed_words(kind, *seeds))))


def check_seed(seed, what="seed"):
    """Return ``seed`` as a Python int (None stays None); refuse non-integers."""
    if seed is None:
        return None
    if hasattr(seed, "_value"):  # a scalar integer Tensor
        seed = seed._value
        if getattr(seed, "ndim", 0) != 0 or seed.dtype.kind not in "iu":
            raise TypeError(f"{what} must be a Python int or a scalar integer tensor, got a "
                            f"tensor of shape {tuple(seed.shape)} and dtype {seed.dtype}")
        return int(seed)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"{what} must be an integer or None, got {seed!r} "
                        f"(type {type(seed).__name__})")
    return int(seed)


def set_seed(seed) -> None:
    """Set the global random seed (None: back to unseeded) and restart every stream."""
    seed = check_seed(seed)
    with _state.lock:
        _state.global_seed = seed
        _state.stream = None if seed is None else new_generator(_GLOBAL, seed)
        _state.op_streams = {}
        _state.epoch += 1


def get_global_seed():
    """The global seed set by :func:`set_seed`, or None."""
    return _state.global_seed


def epoch() -> int:
    """How many times :func:`set_seed` has been called (to invalidate cached generators)."""
    return _state.epoch


def generator(seed=None) -> np.random.Generator:
    """The generator an op with op seed ``seed`` (None or int) draws from."""
    if seed is None:
        stream = _state.stream
        if stream is None:
            with _state.lock:
                if _state.stream is None:
                    _state.stream = np.random.default_rng()
                stream = _state.stream
        return stream
    gen = _state.op_streams.get(seed)
    if gen is None:
        with _state.lock:
            gen = _state.op_streams.get(seed)
            if gen is None:
                global_seed = _state.global_seed
                if global_seed is None:
                    global_seed = DEFAULT_GLOBAL_SEED
                gen = _state.op_streams[seed] = new_generator(_OP, global_seed, seed)
    return gen


def stateless_generator(seed) -> np.random.Generator:
    """A fresh generator determined by a stateless seed: two integers ``[a, b]``."""
    value = to_numpy(getattr(seed, "_value", seed))
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.shape != (2,) or arr.dtype.kind not in "iu":
        raise ValueError(f"A stateless seed must be a shape [2] integer tensor or a pair of "
                         f"ints, got {seed!r}")
    return new_generator(_STATELESS, *arr.tolist())


def seeded_generator(seed) -> np.random.Generator:
    """A fresh generator for ``ndflow.random.Generator.from_seed(seed)``."""
    return new_generator(_GENERATOR, check_seed(seed))


def global_generator_state() -> np.random.Generator:
    """A fresh generator for the global ``ndflow.random.Generator`` under the global seed."""
    seed = _state.global_seed
    return np.random.default_rng() if seed is None else new_generator(_GLOBAL_GENERATOR, seed)


def draw_seed(seed=None) -> int:
    """A 63-bit integer drawn from the stream of op seed ``seed`` (to seed other sources)."""
    return int(generator(seed).integers(0, 1 << 63))


def to_device(array, like=None):
    """Move a NumPy ``array`` next to ``like`` (an array), or to the default device."""
    xp = default_xp() if like is None else array_module(like)
    return array if xp is np else xp.asarray(array)
