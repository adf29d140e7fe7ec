"""Collocation samplers: shapes, bounds, reproducibility and stratification."""

import numpy as np
import pytest

from ndflow import keras
from ndflow.physics.collocation import (
    boundary_points,
    latin_hypercube,
    random_points,
    uniform_grid,
)

BOX = [(0.0, 1.0), (-2.0, 3.0), (5.0, 6.0)]


def test_uniform_grid_order_endpoints_and_counts():
    g = uniform_grid([(0, 1), (10, 20)], (3, 2))
    np.testing.assert_allclose(g, [[0, 10], [0, 20], [0.5, 10], [0.5, 20], [1, 10], [1, 20]])
    assert g.dtype == np.float32
    assert uniform_grid(BOX, 4).shape == (64, 3)
    inner = uniform_grid([(0, 1)], 4, endpoint=False, dtype="float64")
    np.testing.assert_allclose(inner[:, 0], [0, 0.25, 0.5, 0.75])
    assert inner.dtype == np.float64


def test_degenerate_interval_fixes_a_coordinate():
    line = uniform_grid([(0, 1), (0, 0)], (5, 1))
    assert line.shape == (5, 2)
    np.testing.assert_array_equal(line[:, 1], 0.0)


def _inside(p, box):
    box = np.asarray(box)
    return np.all((p >= box[:, 0]) & (p <= box[:, 1]))


@pytest.mark.parametrize("sampler", [random_points, latin_hypercube])
def test_random_samplers_are_in_the_box_and_seeded(sampler):
    p = sampler(BOX, 200, seed=3)
    assert p.shape == (200, 3) and p.dtype == np.float32
    assert _inside(p, BOX)
    np.testing.assert_array_equal(p, sampler(BOX, 200, seed=3))
    assert not np.array_equal(p, sampler(BOX, 200, seed=4))
    # unseeded draws follow the global seed
    keras.utils.set_random_seed(11)
    a = sampler(BOX, 10)
    keras.utils.set_random_seed(11)
    np.testing.assert_array_equal(a, sampler(BOX, 10))


def test_random_points_fill_the_box_uniformly():
    p = random_points([(0, 1), (0, 1)], 20000, seed=0, dtype="float64")
    np.testing.assert_allclose(p.mean(axis=0), [0.5, 0.5], atol=0.01)
    np.testing.assert_allclose(p.var(axis=0), [1 / 12, 1 / 12], atol=0.005)


def test_latin_hypercube_has_one_point_per_stratum_on_every_axis():
    n = 50
    p = latin_hypercube(BOX, n, seed=1, dtype="float64")
    box = np.asarray(BOX)
    strata = np.floor((p - box[:, 0]) / (box[:, 1] - box[:, 0]) * n).astype(int)
    for axis in range(3):
        np.testing.assert_array_equal(np.sort(strata[:, axis]), np.arange(n))


def test_boundary_points_lie_on_faces():
    p = boundary_points(BOX, 500, seed=0, dtype="float64")
    assert p.shape == (500, 3) and _inside(p, BOX)
    box = np.asarray(BOX)
    on_face = np.isclose(p, box[:, 0]) | np.isclose(p, box[:, 1])
    assert np.all(on_face.any(axis=1))
    # faces are drawn in proportion to their area: the two faces fixing axis 1 (area 1x1)
    # are the smallest, those fixing axis 0 or 2 (area 5x1) five times larger
    counts = on_face.sum(axis=0)
    assert counts[1] < counts[0] and counts[1] < counts[2]
    ends = boundary_points([(2.0, 4.0)], 20, seed=0)
    assert set(np.unique(ends[:, 0])) <= {2.0, 4.0}


@pytest.mark.parametrize("call, match", [
    (lambda: uniform_grid([(1, 0)], 3), "lo <= hi"),
    (lambda: uniform_grid("box", 3), r"list of \(lo, hi\) intervals"),
    (lambda: uniform_grid([(0, 1), (0, 1)], (2, 2, 2)), "one count per axis"),
    (lambda: random_points([(0, 1)], 0), "n must be a positive integer"),
    (lambda: latin_hypercube([(0, np.inf)], 3), "finite"),
])
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()
