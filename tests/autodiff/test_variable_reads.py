"""Gradients through Variables: the read_variable snapshot, first and second order."""

import numpy as np

import ndflow as nd
from ndflow.testing import numerical_gradients


def _f(v):
    return nd.reduce_sum(nd.sin(v) * v)


def test_first_order_through_a_variable_matches_finite_differences():
    value = np.array([0.3, -1.2, 2.0])
    v = nd.Variable(value)
    with nd.GradientTape() as tape:
        y = _f(v)
    (expected,) = numerical_gradients(lambda t: _f(nd.Variable(t)), [value])
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), expected, rtol=1e-6)


def test_second_order_through_a_variable_matches_finite_differences():
    value = np.array([0.3, -1.2, 2.0])
    direction = np.array([1.0, 0.5, -2.0])

    def directional(t):
        var = nd.Variable(t)
        with nd.GradientTape() as inner:
            y = _f(var)
        return nd.reduce_sum(inner.gradient(y, var) * direction)

    v = nd.Variable(value)
    with nd.GradientTape() as outer:
        with nd.GradientTape() as inner:
            y = _f(v)
        g = nd.reduce_sum(inner.gradient(y, v) * direction)
    (expected,) = numerical_gradients(directional, [value])
    np.testing.assert_allclose(outer.gradient(g, v).numpy(), expected, rtol=1e-6)
