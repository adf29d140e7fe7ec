"""The demo (`make demo`) trains the course's first network and saves its curves."""

import importlib.util
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_demo_trains_the_iris_network(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("ndflow_demo", ROOT / "examples" / "demo.py")
    demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(demo)
    result = demo.main(["--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert result["test_accuracy"] >= 0.9
    assert f"test accuracy: {result['test_accuracy']:.3f}" in printed
    (plot,) = result["plots"]
    assert plot.endswith(".png") and pathlib.Path(plot).read_bytes()[:4] == b"\x89PNG"


def test_iris_needs_no_other_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # importing it would fail
    from ndflow.keras.datasets import iris

    (x_train, y_train), (x_test, y_test) = iris.load_data()
    assert x_train.shape == (120, 4) and x_test.shape == (30, 4)
    assert sorted(np.unique(np.concatenate([y_train, y_test]))) == [0, 1, 2]
