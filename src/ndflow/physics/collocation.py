"""Collocation points over box domains ``[(lo, hi), ...]``: grids, random and Latin
hypercube samples, and points on a box's faces.

Every sampler returns a NumPy array of shape ``(n, d)`` in ``floatx()`` (or ``dtype``).
A degenerate interval ``(a, a)`` fixes that coordinate, which gives the points of an
initial condition: ``uniform_grid([(0, 1), (0, 0)], (50, 1))`` is the line ``t = 0``.
Samplers with a ``seed`` draw reproducibly from it; with ``seed=None`` they draw from
ndflow's global random stream (``keras.utils.set_random_seed`` makes that reproducible).
"""

from __future__ import annotations

import numbers

import numpy as np

from ndflow.backend import rng as _rng
from ndflow.backend.config import floatx

__all__ = ["boundary_points", "latin_hypercube", "random_points", "uniform_grid"]


def _domain(domain, who: str) -> np.ndarray:
    """The box as a ``(d, 2)`` float64 array of ``(lo, hi)`` rows, checked."""
    try:
        box = np.asarray(domain, dtype=np.float64)
    except (TypeError, ValueError):
        box = None
    if box is not None and box.ndim == 1 and box.shape == (2,):
        box = box[None, :]  # one interval (lo, hi)
    if box is None or box.ndim != 2 or box.shape[1] != 2 or box.shape[0] == 0:
        raise ValueError(f"{who}: domain must be a list of (lo, hi) intervals, one per "
                         f"coordinate, e.g. [(0, 1), (0, 2)]; got {domain!r}")
    if not np.all(np.isfinite(box)) or np.any(box[:, 1] < box[:, 0]):
        raise ValueError(f"{who}: every interval needs finite lo <= hi, got {box.tolist()}")
    return box


def _count(n, who: str, what: str = "n") -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"{who}: {what} must be a positive integer, got {n!r}")
    return int(n)


def _dtype(dtype):
    return np.dtype(floatx() if dtype is None else getattr(dtype, "name", dtype))


def _generator(seed) -> np.random.Generator:
    return _rng.generator(None) if seed is None else np.random.default_rng(_rng.check_seed(seed))


def uniform_grid(domain, n, endpoint=True, dtype=None) -> np.ndarray:
    """The points of a regular grid: ``n`` per axis (an int, or one per axis), ordered
    with the last coordinate varying fastest; shape ``(prod(n), d)``."""
    box = _domain(domain, "uniform_grid")
    d = len(box)
    counts = [n] * d if isinstance(n, numbers.Integral) else list(n)
    if len(counts) != d:
        raise ValueError(f"uniform_grid: n must be an int or one count per axis ({d}), got "
                         f"{n!r}")
    counts = [_count(c, "uniform_grid", "every count in n") for c in counts]
    axes = [np.linspace(lo, hi, c, endpoint=endpoint) for (lo, hi), c in zip(box, counts)]
    mesh = np.meshgrid(*axes, indexing="ij")
    return np.stack([m.reshape(-1) for m in mesh], axis=1).astype(_dtype(dtype))


def random_points(domain, n, seed=None, dtype=None) -> np.ndarray:
    """``n`` points drawn uniformly from the box, shape ``(n, d)``."""
    box = _domain(domain, "random_points")
    n = _count(n, "random_points")
    u = _generator(seed).random((n, len(box)))
    return (box[:, 0] + u * (box[:, 1] - box[:, 0])).astype(_dtype(dtype))


def latin_hypercube(domain, n, seed=None, dtype=None) -> np.ndarray:
    """``n`` points of a Latin hypercube sample: along every axis the box is cut into
    ``n`` equal strata and each stratum holds exactly one point; shape ``(n, d)``."""
    box = _domain(domain, "latin_hypercube")
    n = _count(n, "latin_hypercube")
    gen = _generator(seed)
    d = len(box)
    strata = np.stack([gen.permutation(n) for _ in range(d)], axis=1)
    u = (strata + gen.random((n, d))) / n  # one uniform draw inside each stratum
    return (box[:, 0] + u * (box[:, 1] - box[:, 0])).astype(_dtype(dtype))


def boundary_points(domain, n, seed=None, dtype=None) -> np.ndarray:
    """``n`` points drawn uniformly from the faces of the box (with a ``seed``, or the
    global stream); faces are chosen in proportion to their area. Shape ``(n, d)``."""
    box = _domain(domain, "boundary_points")
    n = _count(n, "boundary_points")
    d = len(box)
    gen = _generator(seed)
    widths = box[:, 1] - box[:, 0]
    if d == 1:
        sides = gen.integers(0, 2, n)
        return box[0, sides][:, None].astype(_dtype(dtype))
    # a face fixing axis k has the area of the other axes' widths (each box has two)
    areas = np.array([np.prod(np.delete(widths, k)) for k in range(d)])
    if areas.sum() == 0:
        raise ValueError(f"boundary_points: the box {box.tolist()} has faces of zero area")
    axis = gen.choice(d, size=n, p=areas / areas.sum())
    side = gen.integers(0, 2, n)
    points = box[:, 0] + gen.random((n, d)) * widths
    points[np.arange(n), axis] = box[axis, side]
    return points.astype(_dtype(dtype))
