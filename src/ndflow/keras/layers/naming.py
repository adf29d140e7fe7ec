"""Unique default names for layers and models: ``dense``, ``dense_1``, ``dense_2`` ..."""

import collections

from ndflow.keras import backend

_counts: collections.Counter = collections.Counter()


def unique(base: str) -> str:
    """The next unused name for ``base`` in this session."""
    n = _counts[base]
    _counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


def reset() -> None:
    """Start naming afresh (``keras.backend.clear_session``)."""
    _counts.clear()


backend.register_clear_session_hook(reset)
