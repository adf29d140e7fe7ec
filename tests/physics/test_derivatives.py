"""Input derivatives against analytic ones (float64, 1e-6) and finite differences."""

import numpy as np
import pytest

import ndflow as nd
from ndflow import keras
from ndflow.physics.derivatives import (
    Derivatives,
    derivative,
    divergence,
    gradient,
    jacobian,
    laplacian,
)
from ndflow.testing import check_gradients

TOL = {"rtol": 1e-6, "atol": 1e-6}


def points(n=7, d=2, seed=0, low=-1.0, high=1.0):
    return np.random.default_rng(seed).uniform(low, high, (n, d))


def test_gradient_of_polynomial():
    x = points()
    f = lambda p: p[:, 0] ** 3 * p[:, 1] + 2.0 * p[:, 1] ** 2  # (N,) output
    g = gradient(f, x)
    expected = np.stack([3 * x[:, 0] ** 2 * x[:, 1], x[:, 0] ** 3 + 4 * x[:, 1]], axis=1)
    assert g.shape == (7, 2) and g.dtype == nd.float64
    np.testing.assert_allclose(g.numpy(), expected, **TOL)


def test_gradient_of_column_output():
    x = points(d=3)
    f = lambda p: nd.sin(p[:, :1]) * nd.exp(p[:, 1:2]) + p[:, 2:] ** 2
    expected = np.stack([np.cos(x[:, 0]) * np.exp(x[:, 1]), np.sin(x[:, 0]) * np.exp(x[:, 1]),
                         2 * x[:, 2]], axis=1)
    np.testing.assert_allclose(gradient(f, x).numpy(), expected, **TOL)


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_derivative_orders_of_sin_exp(order):
    x = points()
    f = lambda p: nd.sin(2.0 * p[:, :1]) * nd.exp(p[:, 1:])
    sin_derivatives = [np.sin, np.cos, lambda t: -np.sin(t), lambda t: -np.cos(t), np.sin]
    along_0 = 2.0 ** order * sin_derivatives[order](2 * x[:, 0]) * np.exp(x[:, 1])
    along_1 = np.sin(2 * x[:, 0]) * np.exp(x[:, 1])  # every derivative of exp is exp
    d0 = derivative(f, x, order=order, axis=0)
    assert d0.shape == (7, 1)
    np.testing.assert_allclose(d0.numpy()[:, 0], along_0, **TOL)
    np.testing.assert_allclose(derivative(f, x, order=order, axis=1).numpy()[:, 0], along_1,
                               **TOL)


def test_derivative_keeps_a_flat_output_flat():
    x = points(d=1)
    d2 = derivative(lambda p: p[:, 0] ** 4, x, order=2)
    assert d2.shape == (7,)
    np.testing.assert_allclose(d2.numpy(), 12 * x[:, 0] ** 2, **TOL)


def test_derivative_beyond_the_polynomial_degree_is_zero():
    x = points(d=1)
    np.testing.assert_array_equal(derivative(lambda p: 3.0 * p, x, order=2).numpy(),
                                  np.zeros((7, 1)))


def test_laplacian_and_mixed_partials():
    x = points(d=3)
    f = lambda p: p[:, :1] ** 2 * p[:, 1:2] + nd.sin(p[:, 1:2]) * nd.exp(p[:, 2:])
    a, b, c = x.T
    lap = laplacian(f, x)
    assert lap.shape == (7, 1)
    np.testing.assert_allclose(lap.numpy()[:, 0], 2 * b - np.sin(b) * np.exp(c)
                               + np.sin(b) * np.exp(c), **TOL)
    d = Derivatives(f, x, coordinates=("a", "b", "c"))
    np.testing.assert_allclose(d("a", "b").numpy()[:, 0], 2 * a, **TOL)
    np.testing.assert_allclose(d(1, 0).numpy(), d(0, 1).numpy())  # mixed partials commute
    np.testing.assert_allclose(d("b", "c").numpy()[:, 0], np.cos(b) * np.exp(c), **TOL)
    np.testing.assert_allclose(d.laplacian().numpy(), lap.numpy(), **TOL)
    np.testing.assert_allclose(d.laplacian(axes=["a"]).numpy()[:, 0], 2 * b, **TOL)


def test_divergence_and_jacobian():
    x = points(d=2)
    a, b = x.T
    F = lambda p: nd.stack([p[:, 0] ** 2 * p[:, 1], nd.sin(p[:, 1]) * p[:, 0]], axis=1)
    div = divergence(F, x)
    assert div.shape == (7, 1)
    np.testing.assert_allclose(div.numpy()[:, 0], 2 * a * b + np.cos(b) * a, **TOL)
    jac = jacobian(F, x)
    expected = np.stack([np.stack([2 * a * b, a ** 2], 1),
                         np.stack([np.sin(b), a * np.cos(b)], 1)], axis=1)
    assert jac.shape == (7, 2, 2)
    np.testing.assert_allclose(jac.numpy(), expected, **TOL)
    # a scalar field's jacobian of an (N,) output is its gradient
    np.testing.assert_allclose(jacobian(lambda p: p[:, 0] * p[:, 1], x).numpy(),
                               np.stack([b, a], 1), **TOL)


def _tanh_network(seed=1):
    """A 2-16-16-1 tanh network in float64, as a Keras model."""
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((2,)),
                             keras.layers.Dense(16, activation="tanh", dtype="float64"),
                             keras.layers.Dense(16, activation="tanh", dtype="float64"),
                             keras.layers.Dense(1, dtype="float64")])


def _finite_difference(f, x, axis, h=1e-4, second=False):
    step = np.zeros_like(x)
    step[:, axis] = h
    value = lambda p: f(nd.constant(p)).numpy()[:, 0]
    if second:
        return (value(x + step) - 2 * value(x) + value(x - step)) / h ** 2
    return (value(x + step) - value(x - step)) / (2 * h)


def test_tanh_network_against_finite_differences():
    net = _tanh_network()
    x = points(n=5)
    g = gradient(net, x).numpy()
    d = Derivatives(net, x)
    for axis in (0, 1):
        np.testing.assert_allclose(g[:, axis], _finite_difference(net, x, axis, h=1e-6),
                                   **TOL)
        np.testing.assert_allclose(d(axis, axis).numpy()[:, 0],
                                   _finite_difference(net, x, axis, h=1e-4, second=True),
                                   rtol=1e-5, atol=1e-6)
    lap = laplacian(net, x).numpy()[:, 0]
    fd = sum(_finite_difference(net, x, a, second=True) for a in (0, 1))
    np.testing.assert_allclose(lap, fd, rtol=1e-5, atol=1e-6)


def test_derivatives_are_differentiable_in_an_outer_tape():
    x = points(n=4, d=1)
    net = _tanh_network()
    w = nd.Variable(0.7, dtype="float64")
    with nd.GradientTape() as tape:
        u = lambda p: nd.tanh(w * p) * p
        loss = nd.reduce_sum(derivative(u, x, order=2) ** 2)
    assert tape.gradient(loss, w) is not None
    # d/dw of the second derivative and the laplacian, against finite differences in w
    check_gradients(lambda v: derivative(lambda p: nd.tanh(v * p) * p, x, order=2), [0.7])
    check_gradients(lambda v: laplacian(lambda p: nd.sin(v * p[:, :1]) * p[:, 1:], x2()),
                    [0.3])
    # and a model's weights receive gradients through u''
    x_net = points(n=4, d=2)
    with nd.GradientTape() as tape:
        loss = nd.reduce_mean(Derivatives(net, x_net)(0, 0) ** 2)
    grads = tape.gradient(loss, net.trainable_weights)
    assert all(g is not None for g in grads[:-1])  # u'' does not depend on the last bias
    assert grads[-1] is None


def x2():
    return points(n=3, d=2, seed=5)


def test_model_in_float32_and_numpy_points():
    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.Input((1,)), keras.layers.Dense(8, activation="tanh"),
                            keras.layers.Dense(1)])
    x = np.linspace(0, 1, 5, dtype=np.float32)[:, None]
    d2 = derivative(net, x, order=2)
    assert d2.shape == (5, 1) and d2.dtype == nd.float32


def test_derivatives_helper_caches_and_names():
    x = points(d=2)
    calls = []

    def f(p):
        calls.append(1)
        return p[:, :1] ** 2 * p[:, 1:]

    d = Derivatives(f, x, coordinates=("x", "t"))
    first = d("x")
    assert d("x") is not None and len(calls) == 1
    np.testing.assert_allclose(first.numpy()[:, 0], 2 * x[:, 0] * x[:, 1], **TOL)
    np.testing.assert_allclose(d("x", "x", "t").numpy()[:, 0], np.full(7, 2.0), **TOL)
    np.testing.assert_allclose(d().numpy(), d.u.numpy())
    assert d.gradient().shape == (7, 2)


def test_multi_output_components():
    x = points(d=2)
    f = lambda p: nd.stack([p[:, 0] * p[:, 1], p[:, 0] ** 2], axis=1)
    d = Derivatives(f, x)
    np.testing.assert_allclose(d(0, component=0).numpy()[:, 0], x[:, 1], **TOL)
    np.testing.assert_allclose(d(0, 0, component=1).numpy()[:, 0], np.full(7, 2.0), **TOL)
    assert d.jacobian().shape == (7, 2, 2)
    with pytest.raises(ValueError, match="component"):
        d(0)


def test_errors_name_the_function_and_shapes():
    with pytest.raises(ValueError, match=r"gradient: x must be a 2-D array.*\(5,\).*x\[:, None\]"):
        gradient(lambda p: p, np.zeros(5))
    with pytest.raises(ValueError, match=r"gradient: f must return one value per point.*"
                                         r"\(4, 2\).*jacobian"):
        gradient(lambda p: p * 2.0, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="derivative: order must be an integer >= 1, got 0"):
        derivative(lambda p: p, np.zeros((3, 1)), order=0)
    with pytest.raises(ValueError, match=r"axis must be an integer in \[0, 2\)"):
        derivative(lambda p: p[:, :1], np.zeros((3, 2)), axis=2)
    with pytest.raises(TypeError, match="f returned ndarray, not a Tensor"):
        gradient(lambda p: np.sin(p.numpy()), np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"one row per point.*\(2, 1\).*x of shape \(3, 1\)"):
        gradient(lambda p: p[:2], np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"unknown coordinate 'y'"):
        Derivatives(lambda p: p, np.zeros((3, 1)), coordinates=("x",))("y")
    with pytest.raises(ValueError, match=r"divergence: the field must have one component per "
                                         r"coordinate"):
        divergence(lambda p: p[:, :1], np.zeros((3, 2)))
    with pytest.raises(ValueError, match="coordinates must be 2 distinct names"):
        Derivatives(lambda p: p, np.zeros((3, 2)), coordinates=("x",))
