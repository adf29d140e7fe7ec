"""The genetic operators: selection pressure, genes from the parents, mutation statistics."""

import numpy as np
import pytest

from ndflow.evolve import operators
from ndflow.evolve.algorithm import GeneticAlgorithm

P = 10
DRAWS = 40_000


def _frequencies(indices, size=P):
    return np.bincount(indices, minlength=size) / len(indices)


def _assert_distribution(observed, expected):
    # 5 standard errors of a binomial frequency: a false alarm is practically impossible
    tolerance = 5 * np.sqrt(expected * (1 - expected) / DRAWS) + 1e-12
    np.testing.assert_array_less(np.abs(observed - expected), tolerance)


# -- selection -------------------------------------------------------------------------------
@pytest.mark.parametrize("offset", [0.0, -100.0])
def test_tournament_picks_by_rank_with_the_exact_probabilities(offset):
    rng = np.random.default_rng(0)
    fitness = np.arange(P, dtype=float) + offset  # individual k is the (k+1)-th worst
    picked = operators.tournament_selection(fitness, DRAWS, rng, size=3)
    k = np.arange(P)
    expected = ((k + 1) ** 3 - k ** 3) / P ** 3  # the best of 3 draws with replacement
    _assert_distribution(_frequencies(picked), expected)


def test_larger_tournaments_select_harder():
    rng = np.random.default_rng(1)
    fitness = rng.normal(size=P)
    means = [fitness[operators.tournament_selection(fitness, DRAWS, rng, size=s)].mean()
             for s in (1, 2, 5)]
    assert means[0] < means[1] < means[2]


@pytest.mark.parametrize("offset", [1.0, -50.0])
def test_roulette_is_proportional_to_fitness_above_the_worst(offset):
    rng = np.random.default_rng(2)
    fitness = np.arange(P, dtype=float) + offset
    expected = (fitness - fitness.min()) / (fitness - fitness.min()).sum()
    _assert_distribution(_frequencies(operators.roulette_selection(fitness, DRAWS, rng)),
                         expected)


def test_roulette_with_equal_or_nan_fitness_stays_defined():
    rng = np.random.default_rng(3)
    equal = operators.roulette_selection(np.full(P, -3.0), DRAWS, rng)
    _assert_distribution(_frequencies(equal), np.full(P, 1 / P))
    fitness = np.array([np.nan, 1.0, 2.0, -np.inf])
    picked = operators.roulette_selection(fitness, 1000, rng)
    assert set(picked.tolist()) <= {1, 2}


@pytest.mark.parametrize("offset", [0.0, -1e3])
def test_rank_selection_is_proportional_to_rank(offset):
    rng = np.random.default_rng(4)
    fitness = rng.permutation(P).astype(float) ** 3 + offset  # only the order matters
    ranks = np.argsort(np.argsort(fitness)) + 1
    _assert_distribution(_frequencies(operators.rank_selection(fitness, DRAWS, rng)),
                         ranks / ranks.sum())


def test_truncation_never_picks_below_the_cut():
    rng = np.random.default_rng(5)
    fitness = rng.normal(size=P) - 10
    picked = operators.truncation_selection(fitness, DRAWS, rng, fraction=0.3)
    best = set(np.argsort(-fitness)[:3].tolist())
    assert set(picked.tolist()) == best
    _assert_distribution(_frequencies(picked)[sorted(best)], np.full(3, 1 / 3))


# -- crossover -------------------------------------------------------------------------------
def _parents(rng, k=200, n=30):
    return rng.normal(size=(k, n)), rng.normal(size=(k, n)) + 10  # never equal


@pytest.mark.parametrize("name", ["uniform", "one_point", "two_point"])
def test_discrete_crossovers_copy_each_gene_from_a_parent(name):
    rng = np.random.default_rng(6)
    a, b = _parents(rng)
    child = operators.CROSSOVERS[name](a, b, rng)
    from_a, from_b = child == a, child == b
    assert np.all(from_a | from_b)
    assert from_a.mean() > 0.2 and from_b.mean() > 0.2  # both parents contribute
    changes = np.abs(np.diff(from_a.astype(int), axis=1)).sum(axis=1)
    if name == "one_point":  # a prefix of a, then b: one switch, never b first
        assert np.all(changes == 1) and np.all(from_a[:, 0])
    elif name == "two_point":  # b in one contiguous block
        assert np.all(changes <= 2)


def test_uniform_crossover_takes_half_the_genes_from_each_parent():
    rng = np.random.default_rng(7)
    a, b = _parents(rng, k=1000, n=100)
    share = (operators.uniform_crossover(a, b, rng) == a).mean()
    assert abs(share - 0.5) < 0.01


def test_arithmetic_crossover_is_one_weighted_mean_per_child():
    rng = np.random.default_rng(8)
    a, b = _parents(rng)
    child = operators.arithmetic_crossover(a, b, rng)
    w = (child - b) / (a - b)
    np.testing.assert_allclose(w, w[:, :1].repeat(a.shape[1], axis=1), atol=1e-9)
    assert np.all((w >= 0) & (w <= 1))


@pytest.mark.parametrize("alpha", [0.0, 0.5])
def test_blend_crossover_stays_in_the_extended_interval(alpha):
    rng = np.random.default_rng(9)
    a, b = _parents(rng, k=2000)
    child = operators.blend_crossover(a, b, rng, alpha)
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    d = hi - lo
    assert np.all(child >= lo - alpha * d - 1e-9) and np.all(child <= hi + alpha * d + 1e-9)
    if alpha:  # the extension is used, on both sides
        assert np.any(child < lo) and np.any(child > hi)


@pytest.mark.parametrize("name", list(operators.CROSSOVERS))
def test_crossover_rate_zero_copies_the_first_parent(name):
    rng = np.random.default_rng(10)
    a, b = _parents(rng)
    children = operators.apply_crossover(operators.CROSSOVERS[name], a, b, rng, 0.0)
    np.testing.assert_array_equal(children, a)
    assert children is not a


def test_crossover_rate_is_the_fraction_of_crossed_children():
    rng = np.random.default_rng(11)
    a, b = _parents(rng, k=4000)
    children = operators.apply_crossover(operators.uniform_crossover, a, b, rng, 0.3)
    crossed = np.any(children != a, axis=1).mean()
    assert abs(crossed - 0.3) < 5 * np.sqrt(0.3 * 0.7 / 4000)


# -- mutation --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(operators.MUTATIONS))
@pytest.mark.parametrize("rate", [0.02, 0.3])
def test_mutation_rate_is_observed(name, rate):
    rng = np.random.default_rng(12)
    genes = np.zeros((200, 500), dtype=np.float32)
    mutated = operators.MUTATIONS[name](genes, rng, rate, 0.5)
    assert mutated.dtype == np.float32
    observed = (mutated != 0).mean()
    assert abs(observed - rate) < 5 * np.sqrt(rate * (1 - rate) / genes.size)
    assert np.all(genes == 0)  # the input is left alone


def test_gaussian_mutation_scale_is_the_standard_deviation():
    rng = np.random.default_rng(13)
    noise = operators.gaussian_mutation(np.zeros(200_000), rng, 1.0, 0.25)
    assert abs(noise.std() - 0.25) < 0.005 and abs(noise.mean()) < 0.005


def test_uniform_mutation_stays_within_the_scale():
    rng = np.random.default_rng(14)
    noise = operators.uniform_mutation(np.zeros(200_000), rng, 1.0, 0.25)
    assert noise.min() >= -0.25 and noise.max() <= 0.25
    assert abs(noise.std() - 0.25 / np.sqrt(3)) < 0.005


def test_annealed_mutation_scale_goes_linearly_from_start_to_end():
    ga = GeneticAlgorithm(generations=11, mutation_scale=("anneal", 1.0, 0.0))
    np.testing.assert_allclose([ga.mutation_scale_at(g) for g in range(11)],
                               np.linspace(1.0, 0.0, 11))
    assert ga.mutation_scale_at(50) == 0.0  # past the horizon it stays at the end value
    assert GeneticAlgorithm(mutation_scale=lambda g: 2.0 ** -g).mutation_scale_at(3) == 0.125


def test_next_generation_mutates_with_the_scale_of_its_generation():
    ga = GeneticAlgorithm(population_size=400, generations=5, elitism=0, crossover_rate=0.0,
                          mutation_rate=1.0, mutation_scale=("anneal", 1.0, 0.2), seed=0)
    population = np.zeros((400, 250))
    for generation in (1, 4):
        children = ga.next_generation(population, np.zeros(400), generation)
        expected = ga.mutation_scale_at(generation)
        assert abs(children.std() - expected) < 0.02 * expected


def test_next_generation_keeps_the_elite_first_and_unchanged():
    ga = GeneticAlgorithm(population_size=6, elitism=2, mutation_rate=1.0, seed=0)
    population = np.arange(6 * 4, dtype=np.float32).reshape(6, 4)
    fitness = np.array([0.0, 5.0, np.nan, 9.0, 1.0, 2.0])
    new = ga.next_generation(population, fitness)
    np.testing.assert_array_equal(new[:2], population[[3, 1]])
    assert new.shape == population.shape and new.dtype == np.float32
    assert not np.any(np.all(new[2:, None] == population[None], axis=-1))  # all mutated
