"""The course's week-4 (physics guidance) and week-5 (genetic algorithms) examples in --quick
mode: their numbers and plots."""

import importlib.util
import pathlib

import numpy as np
import pytest

COURSE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "course"
WEEK4, WEEK5 = "examples/course/week4", "examples/course/week5"


def load_example(relative):
    """An example script as a module, for its helpers (the examples are not a package)."""
    path = COURSE / relative
    spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_physics_guided_loss_normalises_and_beats_the_data_fit(run_example, tmp_path, capsys):
    result = run_example(f"{WEEK4}/physics_guided_loss.py", tmp_path)
    assert abs(result["normalisation (with physics)"] - 1) < 0.02
    assert result["energy / E_1 (with physics)"] < 1.01
    assert result["L2 error (with physics)"] < 0.05
    assert result["L2 error (with physics)"] < 0.5 * result["L2 error (data only)"]
    out = capsys.readouterr().out
    assert "normalisation (with physics): " in out and "L2 error (data only): " in out


def test_hand_written_physics_terms_match_the_analytic_state_and_ndflow_physics():
    import ndflow as tf
    from ndflow import physics

    example = load_example("week4/physics_guided_loss.py")
    n = 201
    grid = tf.constant(np.linspace(0.0, example.L, n, dtype="float32")[:, None])
    dx = example.L / (n - 1)

    def ground_state(x):
        return np.sqrt(2 / example.L) * tf.sin(np.pi * x / example.L)

    norm, energy = example.norm_and_energy(ground_state, grid, dx)
    assert float(norm) == pytest.approx(1.0, abs=1e-4)
    assert float(energy) == pytest.approx(example.E_1, rel=1e-3)

    # a network's psi: the trapezoid rule and the ReLU thresholds agree with the library's
    tf.keras.utils.set_random_seed(0)
    model = example.WellFunction(8)
    norm, energy = example.norm_and_energy(model, grid, dx)
    penalty = physics.normalization_penalty(model(grid), dx=dx, axis=0)
    assert float(penalty) == pytest.approx((float(norm) - 1) ** 2, rel=1e-4)
    args = example.parse_args(["--quick"])
    normalisation, energy_term = example.physics_penalties(norm, energy, args)
    assert float(normalisation) == pytest.approx(
        float(physics.threshold_penalty(norm - 1.0, args.tau_norm)), rel=1e-6)
    assert float(energy_term) == pytest.approx(
        float(physics.threshold_penalty(energy - example.E_1, args.tau_energy)), rel=1e-6)
    assert float(model(tf.constant([[0.0], [example.L]])).numpy().max()) == 0.0  # the walls


def test_physics_network_recovers_g_and_v0_within_2_percent(run_example, tmp_path):
    result = run_example(f"{WEEK4}/physics_network.py", tmp_path)
    for name in ("sub-networks", "constants"):
        assert result[f"g error ({name})"] < 0.02, result
        assert result[f"v0 error ({name})"] < 0.02, result
        assert result[f"g ({name})"] == pytest.approx(9.7, rel=0.02)
        assert result[f"v0 ({name})"] == pytest.approx(20.0, rel=0.02)
        assert result[f"test mse ({name})"] < 0.1  # the noise variance is 0.04
    # the sub-networks give (nearly) the same constants for every throw
    assert result["g spread (sub-networks)"] < 0.1
    assert result["v0 spread (sub-networks)"] < 0.2


def test_l1_regularisation_trades_training_error_for_test_error(run_example, tmp_path):
    result = run_example(f"{WEEK4}/l1_regularisation.py", tmp_path)
    assert result["train mse (none)"] < result["train mse (L1)"]  # it fits the noise
    assert result["test mse (L1)"] < 0.5 * result["test mse (none)"]
    assert result["test mse (L1)"] < 0.03  # the noise variance is 0.01
    assert result["coefficients below 0.01 (L1)"] > result["coefficients below 0.01 (none)"]


def test_l1_features_are_legendre_polynomials():
    example = load_example("week4/l1_regularisation.py")
    x = np.array([[0.0], [0.5], [2.0]])
    f = example.features(x, 3)
    u = x[:, 0] - 1  # [0, 2] -> [-1, 1]
    np.testing.assert_allclose(f, np.stack([u, (3 * u ** 2 - 1) / 2, (5 * u ** 3 - 3 * u) / 2],
                                           axis=1), atol=1e-6)
    assert f.dtype == np.float32


def test_iris_genetic_reaches_90_percent(run_example, tmp_path):
    result = run_example(f"{WEEK5}/iris_genetic.py", tmp_path)
    assert result["test accuracy"] >= 0.9
    assert result["best fitness"] == pytest.approx(-result["test loss"], abs=0.2)


def test_ga_finds_the_rastrigin_minimum(run_example, tmp_path):
    result = run_example(f"{WEEK5}/ga_function_minimum.py", tmp_path)
    assert result["best value"] < 0.01
    assert result["first generation best value"] > 1.0
    assert np.hypot(result["best x"], result["best y"]) < 0.01
