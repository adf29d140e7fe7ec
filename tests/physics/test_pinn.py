"""PINN: composite loss, training through compile/fit, history terms, conditions."""

import warnings

import numpy as np
import pytest

import ndflow as nd
from ndflow import keras
from ndflow.physics.collocation import random_points, uniform_grid
from ndflow.physics.layers import PhysicalConstants
from ndflow.physics.pinn import PINN
from ndflow.physics.residual import (
    Condition,
    DirichletBC,
    InitialCondition,
    NeumannBC,
    residual_terms,
)


def small_net(inputs=1, width=16, seed=0, dtype=None):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((inputs,)),
                             keras.layers.Dense(width, activation="tanh", dtype=dtype),
                             keras.layers.Dense(1, dtype=dtype)])


def decay_pinn(**kwargs):
    """u' = -u, u(0) = 1 on [0, 1]: u = exp(-t)."""
    return PINN(small_net(), residual=lambda t, u, d: d(0) + u,
                conditions=[InitialCondition([[0.0]], 1.0)],
                collocation=uniform_grid([(0.0, 1.0)], 32), **kwargs)


def test_tiny_ode_converges_with_history_terms():
    pinn = decay_pinn()
    pinn.compile(optimizer=keras.optimizers.Adam(0.02))
    history = pinn.fit(epochs=300, verbose=0)
    assert list(history.history) == ["loss", "residual", "ic"]
    assert len(history.history["loss"]) == 300
    assert history.history["loss"][-1] < 1e-3 * history.history["loss"][0]
    t = np.linspace(0, 1, 21, dtype=np.float32)[:, None]
    np.testing.assert_allclose(pinn.predict(t, verbose=0)[:, 0], np.exp(-t[:, 0]), atol=1e-2)
    logs = pinn.evaluate(verbose=0, return_dict=True)
    assert set(logs) == {"loss", "residual", "ic"} and logs["loss"] < 5e-3


def test_compiled_and_eager_pinn_training_agree():
    results = []
    for run_eagerly in (False, True):
        nd.random.set_seed(0)
        pinn = decay_pinn()
        pinn.compile(optimizer=keras.optimizers.Adam(0.02), run_eagerly=run_eagerly)
        history = pinn.fit(epochs=30, verbose=0)
        results.append((history.history["loss"], [w.numpy() for w in pinn.weights]))
    (loss_c, w_c), (loss_e, w_e) = results
    np.testing.assert_allclose(loss_c, loss_e, rtol=1e-5)
    for a, b in zip(w_c, w_e):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_total_loss_weights_terms():
    pinn = decay_pinn(loss_weights={"residual": 2.0})
    pinn.conditions[0].weight = 3.0
    pinn.compile()
    terms = pinn.compute_terms(uniform_grid([(0.0, 1.0)], 8))
    expected = 2.0 * float(terms["residual"]) + 3.0 * float(terms["ic"])
    np.testing.assert_allclose(float(pinn.total_loss(terms)), expected, rtol=1e-6)
    pinn.loss_weights["ic"] = 0.5  # the PINN's loss_weights win over the condition's
    np.testing.assert_allclose(float(pinn.total_loss(terms)),
                               2.0 * float(terms["residual"]) + 0.5 * float(terms["ic"]),
                               rtol=1e-6)


def test_terms_match_a_hand_computed_residual():
    net = small_net(dtype="float64")
    t = np.linspace(0, 1, 9)[:, None]
    terms = residual_terms(lambda x, u, d: d(0, 0) + 4.0 * u, net, t)
    h = 1e-4
    value = lambda p: net(nd.constant(p)).numpy()[:, 0]
    second = (value(t + h) - 2 * value(t) + value(t - h)) / h ** 2
    expected = np.mean((second + 4.0 * value(t)) ** 2)
    np.testing.assert_allclose(float(terms["residual"]), expected, rtol=1e-5)


def test_conditions_values_and_names():
    net = small_net(inputs=2, dtype="float64")
    left = uniform_grid([(0, 0), (0, 1)], (1, 5), dtype="float64")
    u = lambda p: net(nd.constant(p)).numpy()[:, 0]
    bc = DirichletBC(left, lambda p: np.sin(p[:, 1]))
    np.testing.assert_allclose(float(bc.loss(net)), np.mean((u(left) - np.sin(left[:, 1])) ** 2),
                               rtol=1e-10)
    h = 1e-6
    step = np.array([h, 0.0])
    du = (u(left + step) - u(left - step)) / (2 * h)
    neumann = NeumannBC(left, 0.5, axis="x")
    np.testing.assert_allclose(float(neumann.loss(net, coordinates=("x", "t"))),
                               np.mean((du - 0.5) ** 2), rtol=1e-6)
    step_t = np.array([0.0, h])
    du_t = (u(left + step_t) - u(left - step_t)) / (2 * h)
    ic = InitialCondition(left, np.arange(5.0), order=1)  # along the last axis, t
    np.testing.assert_allclose(float(ic.loss(net)), np.mean((du_t - np.arange(5.0)) ** 2),
                               rtol=1e-6)
    custom = Condition(left, lambda x, v, d: d(0) - d(1), name="flux")
    np.testing.assert_allclose(float(custom.loss(net)), np.mean((du - du_t) ** 2), rtol=1e-6)
    pinn = PINN(net, residual=lambda x, v, d: {"a": d(0), "b": d(1)},
                conditions=[bc, InitialCondition(left, 0.0), InitialCondition(left, 0.0)])
    assert list(pinn.compute_terms(left)) == ["a", "b", "bc", "ic", "ic_1"]
    assert pinn.conditions[1].name == "ic"  # the caller's condition keeps its name


def test_resampled_collocation_and_fit_arguments():
    calls = []

    def sample():
        calls.append(1)
        return random_points([(0.0, 1.0)], 16)

    pinn = PINN(small_net(), residual=lambda t, u, d: d(0) + u,
                conditions=[InitialCondition([[0.0]], 1.0)], collocation=sample)
    pinn.compile(optimizer=keras.optimizers.Adam(0.01))
    history = pinn.fit(epochs=3, steps_per_epoch=2, verbose=0)
    assert len(calls) >= 6 and len(history.history["loss"]) == 3
    # explicit points, mini-batches
    history = pinn.fit(uniform_grid([(0.0, 1.0)], 20), batch_size=5, epochs=2, verbose=0)
    assert len(history.history["residual"]) == 2


def test_inverse_problem_trains_constants_and_warns_when_they_are_not_passed():
    """u'' + k u = 0 with u = sin(2 t) observed: k -> 4."""
    k = PhysicalConstants({"k": 1.0})
    t_obs = np.linspace(0, 1.5, 12)[:, None]
    data = DirichletBC(t_obs, np.sin(2 * t_obs), name="data")
    pinn = PINN(small_net(width=24), residual=lambda t, u, d: d(0, 0) + k["k"] * u,
                conditions=[data], collocation=uniform_grid([(0.0, 1.5)], 24), constants=k,
                loss_weights={"data": 10.0})
    pinn.compile(optimizer=keras.optimizers.Adam(0.05))
    pinn.fit(epochs=200, verbose=0)
    assert 2.5 < k.values()["k"] < 5.0  # from 1, on its way to 4
    loose = PhysicalConstants({"k": 1.0})
    pinn = PINN(small_net(), residual=lambda t, u, d: d(0, 0) + loose["k"] * u,
                conditions=[data], collocation=uniform_grid([(0.0, 1.5)], 8))
    pinn.compile()
    with pytest.warns(UserWarning, match=r"reads trainable variables \['k'\].*constants="):
        pinn.fit(epochs=1, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pinn.fit(epochs=1, verbose=0)  # said once


def test_errors():
    pinn = decay_pinn(loss_weights={"residul": 1.0})
    pinn.compile()
    with pytest.raises(ValueError, match=r"unknown terms \['residul'\]; the terms are "
                                         r"\['residual', 'ic'\]"):
        pinn.fit(epochs=1, verbose=0)
    with pytest.raises(ValueError, match="no targets y"):
        pinn.fit(np.zeros((4, 1)), np.zeros((4, 1)), verbose=0)
    with pytest.raises(ValueError, match="do not pass loss="):
        pinn.compile(loss="mse")
    bare = PINN(small_net(), residual=lambda t, u, d: d(0))
    bare.compile()
    with pytest.raises(ValueError, match="no collocation points"):
        bare.fit(epochs=1, verbose=0)
    with pytest.raises(TypeError, match="conditions must be Condition objects"):
        PINN(small_net(), residual=lambda t, u, d: u, conditions=[(0.0, 1.0)])
    with pytest.raises(ValueError, match=r"collocation points must be a numeric array of "
                                         r"shape \(N, d\)"):
        PINN(small_net(), residual=lambda t, u, d: u, collocation=np.zeros(5))
    with pytest.raises(ValueError, match=r"points must have shape \(n, d\).*\[\[t0\]\]"):
        InitialCondition([0.0], 1.0)
    with pytest.raises(ValueError, match="one value per point"):
        DirichletBC(np.zeros((3, 1)), [1.0, 2.0])
    flat = PINN(small_net(), residual=lambda t, u, d: d(0)[:, 0] + u,
                collocation=uniform_grid([(0.0, 1.0)], 4))
    with pytest.raises(ValueError, match=r"Residual 'residual' has shape \(4, 4\)"):
        flat.compute_terms(uniform_grid([(0.0, 1.0)], 4))


def test_system_of_equations_with_components():
    """u' = v, v' = -u as one two-output network: one residual term per equation."""
    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.Input((1,)), keras.layers.Dense(8, activation="tanh"),
                            keras.layers.Dense(2)])
    pinn = PINN(net, residual=lambda t, uv, d: [d(0, component=0) - uv[:, 1:],
                                                 d(0, component=1) + uv[:, :1]],
                conditions=[InitialCondition([[0.0]], 0.0, component=0, name="u0"),
                            InitialCondition([[0.0]], 1.0, component=1, name="v0")],
                collocation=uniform_grid([(0.0, 3.0)], 16))
    t = uniform_grid([(0.0, 3.0)], 16)
    terms = pinn.compute_terms(t)
    assert list(terms) == ["residual_0", "residual_1", "u0", "v0"]
    uv = net(t).numpy()
    np.testing.assert_allclose(float(terms["v0"]), (net(np.zeros((1, 1))).numpy()[0, 1] - 1) ** 2,
                               rtol=1e-5)
    assert uv.shape == (16, 2)
    pinn.compile(optimizer=keras.optimizers.Adam(0.02))
    history = pinn.fit(epochs=100, verbose=0)
    assert history.history["loss"][-1] < 0.2 * history.history["loss"][0]
