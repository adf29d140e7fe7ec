"""The course's week-2 and week-3 examples in --quick mode: their numbers and plots."""

import importlib.util
import pathlib

import numpy as np
import pytest

COURSE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "course"
WEEK2, WEEK3 = "examples/course/week2", "examples/course/week3"


def load_example(relative):
    """An example script as a module, for its helpers (the examples are not a package)."""
    path = COURSE / relative
    spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_ode_supervised_and_from_equation_within_5_percent(run_example, tmp_path, capsys):
    result = run_example(f"{WEEK2}/ode_supervised_vs_equation.py", tmp_path)
    l2 = {k: v for k, v in result.items() if k.endswith("relative L2 error")
          and not k.startswith("worst")}
    assert len(l2) == 6  # two methods x three right-hand sides
    assert all(v < 0.05 for v in l2.values()), l2
    assert result["worst relative L2 error"] == max(l2.values())
    assert "equation f=x^2-2x relative L2 error: " in capsys.readouterr().out


def test_autoencoder_digits_beats_the_linear_code(run_example, tmp_path):
    result = run_example(f"{WEEK2}/autoencoder_digits.py", tmp_path)
    assert len(result["plots"]) == 2
    assert result["test reconstruction mse"] < result["pca reconstruction mse"]
    assert result["test reconstruction mse"] < 0.7 * result["mean image mse"]


def test_anomaly_sine_finds_the_injected_faults(run_example, tmp_path):
    result = run_example(f"{WEEK2}/anomaly_sine.py", tmp_path)
    assert result["injected anomalies"] == 8
    assert result["recall"] >= 0.75
    assert result["precision"] >= 0.75


def test_anomaly_scoring_counts_hits_and_misses():
    example = load_example("week2/anomaly_sine.py")
    flags = np.zeros(100, bool)
    flags[[10, 12, 50, 51, 90]] = True
    stretches = example.flagged_stretches(flags, merge=5)
    assert stretches == [(10, 13), (50, 52), (90, 91)]
    precision, recall, found = example.score(stretches, [(11, 12), (49, 55), (70, 75)])
    assert (precision, recall, found) == (2 / 3, 2 / 3, 2)


def test_policy_gradient_improves_the_return(run_example, tmp_path):
    result = run_example(f"{WEEK2}/policy_gradient.py", tmp_path)
    assert result["episodes"] == 15 * 16
    assert result["last episodes average return"] > 2 * result["first episodes average return"]


def test_cart_pole_falls_without_control():
    example = load_example("week2/policy_gradient.py")
    env = example.CartPoles(4, np.random.default_rng(0))
    state = env.reset()
    assert state.shape == (4, 4) and np.all(np.abs(state) <= 0.05)
    steps = 0
    fallen = np.zeros(4, bool)
    while not fallen.all() and steps < 200:  # always pushing right tips the pole over
        state, fallen = env.step(np.ones(4, int))
        steps += 1
    assert fallen.all() and steps < 50


def test_cifar_dense_vs_cnn_offline_fallback(run_example, tmp_path, capsys):
    result = run_example(f"{WEEK3}/cifar_dense_vs_cnn.py", tmp_path)
    out = capsys.readouterr().out
    if "using scikit-learn's digits" in out:
        assert "CIFAR-10 is not available offline here" in out
        assert result["CNN test accuracy"] >= 0.9
        assert result["dense network test accuracy"] >= 0.85
    else:  # a cached CIFAR-10: a few seconds of training beat chance clearly
        assert result["CNN test accuracy"] > 0.2


def test_cifar_branch_runs_the_course_stacks_on_32x32_colour_images(run_example, tmp_path,
                                                                     monkeypatch):
    """Random CIFAR-shaped arrays (not CIFAR-10) check the layer stacks and 'valid' padding."""
    from ndflow import keras

    rng = np.random.default_rng(0)

    def fake_load_data(download=True):
        def part(n):
            return (rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8),
                    rng.integers(0, 10, (n, 1), dtype=np.uint8))
        return part(40), part(10)

    monkeypatch.setattr(keras.datasets.cifar10, "load_data", fake_load_data)
    result = run_example(f"{WEEK3}/cifar_dense_vs_cnn.py", tmp_path, "--epochs", "1")
    assert 0 <= result["CNN test accuracy"] <= 1


def test_imdb_text_offline_synthetic_corpus(run_example, tmp_path, capsys):
    result = run_example(f"{WEEK3}/imdb_text.py", tmp_path)
    out = capsys.readouterr().out
    if "SYNTHETIC corpus" in out:
        assert "IMDB reviews are not available offline here" in out
        assert result["test accuracy"] >= 0.85
    else:
        assert 0 <= result["test accuracy"] <= 1


def test_imdb_branch_uses_the_loaded_splits(run_example, tmp_path, monkeypatch, capsys):
    """A stand-in for ``ndflow.datasets.load`` (synthetic reviews) checks the loaded-data
    path: the splits, the info and the quick-mode subset."""
    import ndflow.datasets as datasets

    example = load_example("week3/imdb_text.py")
    rng = np.random.default_rng(1)

    def fake_load(name, with_info=False, as_supervised=False, download=True):
        assert (name, with_info, as_supervised) == ("imdb_reviews", True, True)
        splits = {"train": example.synthetic_reviews(300, rng),
                  "test": example.synthetic_reviews(100, rng)}
        info = datasets.DatasetInfo(
            name=name, description="", homepage="", features={}, supervised_keys=(),
            splits={k: datasets.SplitInfo(k, len(v)) for k, v in splits.items()})
        return splits, info

    monkeypatch.setattr(datasets, "load", fake_load)
    result = run_example(f"{WEEK3}/imdb_text.py", tmp_path, "--epochs", "1")
    assert 0 <= result["test accuracy"] <= 1
    assert "data: IMDB reviews (300 for training)" in capsys.readouterr().out


def test_echo_state_network_predicts_mackey_glass(run_example, tmp_path):
    result = run_example(f"{WEEK3}/echo_state_network.py", tmp_path)
    assert result["test NRMSE"] < 0.02
    assert result["free-run NRMSE"] < 0.5


def test_reservoir_weights_are_fixed_and_scaled():
    from ndflow import keras

    example = load_example("week3/echo_state_network.py")
    cell = example.ReservoirCell(50, spectral_radius=0.8)
    layer = keras.layers.RNN(cell, return_sequences=True)
    out = layer(np.zeros((2, 7, 1), np.float32))
    assert tuple(out.shape) == (2, 7, 50)
    assert layer.trainable_weights == []
    w = cell.recurrent_kernel.numpy()
    assert np.max(np.abs(np.linalg.eigvals(w))) == pytest.approx(0.8, rel=1e-4)


def test_mackey_glass_stays_in_its_band():
    series = load_example("week3/echo_state_network.py").mackey_glass(500)
    assert series.shape == (500,)
    assert 0.2 < series.min() < series.max() < 1.5
