"""The genetic operators, as plain functions on NumPy arrays.

A population is a ``(P, n)`` array: one row of ``n`` genes per individual; ``fitness`` is a
``(P,)`` array, larger is better. Every operator draws from the ``numpy.random.Generator``
it is given (so a seeded generator makes a run repeatable) and returns new arrays.

* selection ``select(fitness, count, rng) -> indices``: which individuals become parents;
* crossover ``cross(a, b, rng) -> children``: one child per row pair of parents;
* mutation ``mutate(genes, rng, rate, scale) -> genes``: random changes of some genes.

>>> rng = np.random.default_rng(0)
>>> parents = tournament_selection(np.array([0.1, 0.9, 0.5]), 4, rng, size=2)
>>> child = uniform_crossover(np.zeros((1, 5)), np.ones((1, 5)), rng)
"""

import math

import numpy as np

__all__ = [
    "CROSSOVERS",
    "MUTATIONS",
    "SELECTIONS",
    "apply_crossover",
    "arithmetic_crossover",
    "blend_crossover",
    "gaussian_mutation",
    "one_point_crossover",
    "rank_selection",
    "roulette_selection",
    "tournament_selection",
    "truncation_selection",
    "two_point_crossover",
    "uniform_crossover",
    "uniform_mutation",
]


def _finite(fitness):
    """Fitness as float64, NaN counting as the worst possible value."""
    fitness = np.asarray(fitness, dtype=np.float64)
    return np.where(np.isnan(fitness), -np.inf, fitness)


# -- selection ---------------------------------------------------------------------------
def tournament_selection(fitness, count, rng, size=3):
    """``count`` winners of tournaments among ``size`` individuals drawn with replacement."""
    fitness = _finite(fitness)
    entrants = rng.integers(0, len(fitness), size=(count, size))
    winners = np.argmax(fitness[entrants], axis=1)
    return entrants[np.arange(count), winners]


def roulette_selection(fitness, count, rng):
    """Fitness-proportionate draws: probabilities ``f - min(f)`` normalised (so negative
    fitness works; the worst individual is never picked unless all are equal)."""
    fitness = _finite(fitness)
    finite = np.isfinite(fitness)
    weights = np.zeros_like(fitness)
    if finite.any():
        weights[finite] = fitness[finite] - fitness[finite].min()
    total = weights.sum()
    if not total > 0 or not math.isfinite(total):  # all equal (or overflow): no pressure
        weights = finite.astype(np.float64) if finite.any() else np.ones_like(fitness)
        total = weights.sum()
    return rng.choice(len(fitness), size=count, p=weights / total)


def rank_selection(fitness, count, rng):
    """Linear ranking: the k-th worst individual is drawn with probability ∝ k."""
    fitness = _finite(fitness)
    ranks = np.empty(len(fitness), dtype=np.float64)
    ranks[np.argsort(fitness, kind="stable")] = np.arange(1, len(fitness) + 1)
    return rng.choice(len(fitness), size=count, p=ranks / ranks.sum())


def truncation_selection(fitness, count, rng, fraction=0.5):
    """Uniform draws among the best ``ceil(fraction * P)`` individuals only."""
    fitness = _finite(fitness)
    keep = max(1, math.ceil(fraction * len(fitness)))
    best = np.argsort(-fitness, kind="stable")[:keep]
    return best[rng.integers(0, keep, size=count)]


SELECTIONS = {
    "tournament": tournament_selection,
    "roulette": roulette_selection,
    "rank": rank_selection,
    "truncation": truncation_selection,
}


# -- crossover ---------------------------------------------------------------------------
def uniform_crossover(a, b, rng):
    """Each gene from either parent with probability 1/2."""
    return np.where(rng.random(a.shape, dtype=_draw_dtype(a.dtype)) < 0.5, a, b)


def one_point_crossover(a, b, rng):
    """Genes before a random cut point from ``a``, the rest from ``b``."""
    n = a.shape[1]
    cut = rng.integers(1, max(n, 2), size=(len(a), 1))
    return np.where(np.arange(n) < cut, a, b)


def two_point_crossover(a, b, rng):
    """Genes between two random cut points from ``b``, the others from ``a``."""
    n = a.shape[1]
    cuts = np.sort(rng.integers(0, n + 1, size=(len(a), 2)), axis=1)
    genes = np.arange(n)
    return np.where((genes >= cuts[:, :1]) & (genes < cuts[:, 1:]), b, a)


def arithmetic_crossover(a, b, rng):
    """``w * a + (1 - w) * b`` with one weight ``w ~ U(0, 1)`` per child."""
    w = rng.random((len(a), 1)).astype(a.dtype)
    return w * a + (1 - w) * b


def blend_crossover(a, b, rng, alpha=0.5):
    """BLX-alpha: each gene uniform in ``[lo - alpha d, hi + alpha d]``, where ``lo``/``hi``
    are the parents' genes and ``d = hi - lo``."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    spread = alpha * (hi - lo)
    u = rng.random(a.shape, dtype=_draw_dtype(a.dtype)).astype(a.dtype, copy=False)
    return (lo - spread) + u * (hi - lo + 2 * spread)


CROSSOVERS = {
    "uniform": uniform_crossover,
    "one_point": one_point_crossover,
    "two_point": two_point_crossover,
    "arithmetic": arithmetic_crossover,
    "blend": blend_crossover,
}


def apply_crossover(cross, a, b, rng, rate):
    """Children of the row pairs ``(a[i], b[i])``: crossed with probability ``rate``,
    otherwise a copy of ``a[i]``."""
    crossed = rng.random(len(a)) < rate
    children = a.copy()
    if crossed.any():
        children[crossed] = cross(a[crossed], b[crossed], rng)
    return children


# -- mutation ----------------------------------------------------------------------------
def _draw_dtype(dtype):
    """The dtype random draws are made in (the generator draws float32 or float64)."""
    return dtype if dtype in (np.float32, np.float64) else np.float64


def _mutate(genes, rng, rate, draw):
    """``genes`` plus ``draw(k)`` at ``k`` genes, each chosen with probability ``rate``."""
    out = genes.copy()
    flat = out.reshape(-1)
    hit = np.flatnonzero(rng.random(flat.size, dtype=_draw_dtype(genes.dtype)) < rate)
    flat[hit] += draw(hit.size).astype(genes.dtype, copy=False)
    return out


def gaussian_mutation(genes, rng, rate, scale):
    """Add ``N(0, scale²)`` noise to each gene with probability ``rate``."""
    dtype = _draw_dtype(genes.dtype)
    return _mutate(genes, rng, rate, lambda k: rng.standard_normal(k, dtype=dtype) * scale)


def uniform_mutation(genes, rng, rate, scale):
    """Add ``U(-scale, scale)`` noise to each gene with probability ``rate``."""
    return _mutate(genes, rng, rate, lambda k: rng.uniform(-scale, scale, size=k))


MUTATIONS = {
    "gaussian": gaussian_mutation,
    "uniform": uniform_mutation,
}
