"""``set_random_seed``: one call makes a run's random draws reproducible."""

import numbers
import random

import numpy as np

from ndflow.ops.random import set_seed

__all__ = ["set_random_seed"]


def set_random_seed(seed):
    """Seed Python's ``random``, NumPy's global generator and ndflow's random state.

    After it, a program draws the same random numbers on every run: weight
    initializers, dropout, shuffling and any ``random`` / ``np.random`` calls.
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"Expected `seed` argument to be an integer. Received: seed={seed!r} "
                         f"(of type {type(seed).__name__})")
    seed = int(seed)
    if not 0 <= seed < 2**32:
        raise ValueError(f"set_random_seed: seed must be in [0, 2**32) (the range NumPy "
                         f"accepts), got {seed}")
    random.seed(seed)
    np.random.seed(seed)
    set_seed(seed)
