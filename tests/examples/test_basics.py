"""The examples of "Machine Learning Basics" in --quick mode: their numbers and plots."""

import math

import numpy as np
import pytest

from ndflow import keras

BASICS = "examples/basics/"


def test_activations_match_their_formulas(run_example, tmp_path):
    values = run_example(BASICS + "activations.py", tmp_path)["values"]
    x = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    sigmoid = 1 / (1 + np.exp(-x))
    expected = {"linear": x, "step": (x > 0).astype(float), "sigmoid": sigmoid,
                "tanh": np.tanh(x), "ReLU": np.maximum(x, 0),
                "leaky ReLU alpha=0.01": np.where(x >= 0, x, 0.01 * x),
                "swish beta=1.0": x * sigmoid,
                "swish beta=10.0": x / (1 + np.exp(-10 * x))}
    for name, reference in expected.items():
        np.testing.assert_allclose(values[name], reference, rtol=1e-5, atol=1e-6,
                                   err_msg=name)


def test_numpy_network_agrees_with_ndflow(run_example, tmp_path):
    result = run_example(BASICS + "numpy_network.py", tmp_path)
    assert result["max_gradient_difference"] < 1e-12
    assert result["max_loss_difference"] < 1e-10
    assert result["final_loss_ndflow"] < 0.05  # sin(x) has variance 0.5


def test_tensors_broadcasting(run_example, tmp_path, capsys):
    result = run_example(BASICS + "tensors.py", tmp_path)
    assert result["broadcast_product"] == [[10, 40, 90], [40, 100, 180]]
    assert result["outer"] == (10 * np.arange(3)[:, None] + np.arange(4)).tolist()
    assert result["matmul"] == [[3.0, 3.0], [7.0, 7.0]]
    assert result["variable"] == [6.0, 8.0]
    assert result["rank_3_size"] == 30.0
    assert "(2, 3) + (2,) does not fit: Incompatible shapes" in capsys.readouterr().out


def test_gradient_tape_matches_analytic_values(run_example, tmp_path):
    result = run_example(BASICS + "gradient_tape.py", tmp_path)
    assert result["max_error"] < 1e-5
    for name in ("dy_dx", "watched_dy_dx", "dl_dw", "dl_db", "dl_dy", "x3_dy_dx",
                 "x3_d2y_dx2", "gradient_of_sum", "jacobian"):
        np.testing.assert_allclose(result[name], result[name + "_analytic"], rtol=1e-5,
                                   atol=1e-6, err_msg=name)
    assert result["x3_d2y_dx2"] == pytest.approx(9.0)
    assert result["none_gradients"] == 2.0


def test_minimizers_all_descend(run_example, tmp_path):
    result = run_example(BASICS + "minimizers.py", tmp_path)
    start = (1 + 1.5) ** 2 + 100 * (2.0 - 1.5 ** 2) ** 2
    names = ["SGD", "momentum", "AdaGrad", "RMSProp", "Adam", "AdaDelta", "Ftrl"]
    finals = {n: result[f"final_loss_{n}"] for n in names}
    assert all(math.isfinite(v) and v < start for v in finals.values()), finals
    assert finals["momentum"] < finals["SGD"] and finals["Adam"] < finals["SGD"]


def test_gaussians_reach_90_percent(run_example, tmp_path):
    result = run_example(BASICS + "gaussians.py", tmp_path)
    assert result["test_accuracy"] >= 0.9
    assert result["bayes_accuracy"] == pytest.approx(0.9214, abs=1e-4)


def test_mnist_mlp_on_digits_reaches_95_percent(run_example, tmp_path, capsys):
    result = run_example(BASICS + "mnist_mlp.py", tmp_path)
    assert len(result["plots"]) == 3
    if result["image_side"] == 8:  # offline: the digits fallback, said in one line
        assert "using scikit-learn's digits (8x8) instead" in capsys.readouterr().out
        assert result["test_accuracy"] >= 0.95


def test_mnist_mlp_takes_mnist_when_it_loads(run_example, tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    fake = ((rng.integers(0, 256, (64, 28, 28), dtype=np.uint8), np.arange(64) % 10),
            (rng.integers(0, 256, (32, 28, 28), dtype=np.uint8), np.arange(32) % 10))
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: fake)
    result = run_example(BASICS + "mnist_mlp.py", tmp_path)
    assert result["image_side"] == 28.0


def test_overtraining_shows_a_gap(run_example, tmp_path, capsys):
    result = run_example(BASICS + "overtraining.py", tmp_path)
    out = capsys.readouterr().out
    for variant in ("plain", "dropout", "L2"):
        assert f"{variant} test accuracy: " in out
    assert result["plain_train_accuracy"] > result["plain_test_accuracy"] + 0.05
    assert result["plain_test_cross_entropy"] > result["plain_train_cross_entropy"]
    if result["dataset"] == "digits":  # offline: 200 training images, learnt by heart
        assert "using scikit-learn's digits (8x8) instead" in out
        assert result["plain_test_cross_entropy"] > 5 * result["plain_train_cross_entropy"]


def test_overtraining_takes_fashion_mnist_when_it_loads(run_example, tmp_path, monkeypatch):
    rng = np.random.default_rng(2)
    fake = ((rng.integers(0, 256, (64, 28, 28), dtype=np.uint8), np.arange(64) % 10),
            (rng.integers(0, 256, (32, 28, 28), dtype=np.uint8), np.arange(32) % 10))
    monkeypatch.setattr(keras.datasets.fashion_mnist, "load_data", lambda: fake)
    result = run_example(BASICS + "overtraining.py", tmp_path)
    assert result["dataset"] == "Fashion-MNIST"


def test_cifar_grey_offline_fallback(run_example, tmp_path, capsys):
    result = run_example(BASICS + "cifar_grey.py", tmp_path)
    out = capsys.readouterr().out
    if result["plots"]:
        assert len(result["plots"]) == 2
        assert 0.0 <= result["grey_minimum"] <= result["grey_maximum"] <= 1.0
    else:
        assert "skipping the figures" in out


def test_cifar_grey_formula_on_cifar_layout(run_example, tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, (30, 32, 32, 3), dtype=np.uint8)
    y = (np.arange(30) % 10).astype(np.uint8)[:, None]
    monkeypatch.setattr(keras.datasets.cifar10, "load_data", lambda: ((x, y), (x, y)))
    result = run_example(BASICS + "cifar_grey.py", tmp_path)
    grey = (x[:25].astype(np.float64) @ [0.2989, 0.5870, 0.1140]) / 255
    assert result["images"] == 25.0
    assert result["grey_mean"] == pytest.approx(grey.mean(), rel=1e-5)
    assert result["grey_maximum"] == pytest.approx(grey.max(), rel=1e-5)


def test_metrics_agree_three_ways(run_example, tmp_path):
    result = run_example(BASICS + "metrics.py", tmp_path)
    assert result["max_difference"] < 1e-6
    for name in ("accuracy", "precision", "recall", "f1"):
        assert result[name] == pytest.approx(result[f"keras_{name}"], abs=1e-6)
        assert result[name] == pytest.approx(result[f"sklearn_{name}"], abs=1e-12)
    assert result["accuracy"] >= 0.9


def test_splits_and_scalings(run_example, tmp_path, capsys):
    result = run_example(BASICS + "splits_scaling.py", tmp_path)
    assert "split: 106 training, 36 validation, 36 test" in capsys.readouterr().out
    assert result["PCA_whitening_max_correlation"] < 1e-5
    assert result["standard_max_correlation"] > 0.5
    assert result["standard_validation_accuracy"] > result["raw_validation_accuracy"]
    assert result["test_accuracy"] >= 0.8
