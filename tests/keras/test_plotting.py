"""Plots: learning curves (plot_history) and model graphs (plot_model, model_to_dot)."""

import builtins
import os
import re
import stat
import sys

import numpy as np
import pytest

from ndflow import keras
from ndflow.keras import layers
from ndflow.keras.callbacks import History
from ndflow.keras.utils import model_to_dot, plot_history, plot_model
from ndflow.keras.utils.model_visualization import layer_graph

needs_matplotlib = pytest.mark.usefixtures("pyplot")


def _history(**logs):
    history = History()
    n = len(next(iter(logs.values())))
    history.epoch = list(range(n))
    history.history = {k: list(v) for k, v in logs.items()}
    return history


@pytest.fixture
def pyplot():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    yield plt
    plt.close("all")


@needs_matplotlib
def test_png_written_with_train_and_val_lines(tmp_path):
    history = _history(loss=[1.0, 0.5, 0.25], accuracy=[0.5, 0.7, 0.9],
                       val_loss=[1.1, 0.6, 0.4], val_accuracy=[0.4, 0.6, 0.8])
    path = tmp_path / "curves.png"
    fig = history.plot(to_file=str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    axes = fig.get_axes()
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]
    loss_ax = axes[0]
    lines = {line.get_label(): line for line in loss_ax.get_lines()}
    assert set(lines) == {"train", "validation"}
    np.testing.assert_allclose(lines["train"].get_ydata(), history.history["loss"])
    np.testing.assert_allclose(lines["validation"].get_ydata(), history.history["val_loss"])
    np.testing.assert_array_equal(lines["train"].get_xdata(), [1, 2, 3])
    assert loss_ax.get_yscale() == "linear"


@needs_matplotlib
def test_metrics_selection_and_log_scale():
    history = _history(loss=[1.0, 0.1], val_loss=[2.0, 0.2], mae=[3.0, 1.0])
    fig = plot_history(history, metrics="loss", logy=True)
    (ax,) = fig.get_axes()
    assert ax.get_yscale() == "log"
    assert {line.get_label() for line in ax.get_lines()} == {"train", "validation"}


@needs_matplotlib
def test_accepts_a_plain_dict_and_train_only_metrics():
    fig = plot_history({"loss": [3.0, 2.0, 1.0]})
    (ax,) = fig.get_axes()
    assert [line.get_label() for line in ax.get_lines()] == ["train"]


def test_unknown_metric_names_the_available_ones():
    with pytest.raises(ValueError, match=r"no values for \['auc'\].*'loss'"):
        plot_history(_history(loss=[1.0]), metrics=["auc"])


@needs_matplotlib
def test_history_of_a_real_fit(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 3)).astype(np.float32)
    y = (x.sum(axis=1, keepdims=True) > 0).astype(np.float32)
    model = keras.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0)
    fig = history.plot(to_file=tmp_path / "fit.png")
    assert (tmp_path / "fit.png").stat().st_size > 0
    titles = [ax.get_title() for ax in fig.get_axes()]
    assert titles[0] == "loss" and "accuracy" in titles
    for ax in fig.get_axes():
        assert len(ax.get_lines()) == 2
        assert all(len(line.get_xdata()) == 3 for line in ax.get_lines())


def test_clear_error_without_matplotlib(monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name == "matplotlib" or name.startswith("matplotlib."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    history = _history(loss=[1.0, 0.5])
    with pytest.raises(ImportError, match=r"pip install 'ndflow\[plot\]'"):
        history.plot()
    with pytest.raises(ImportError, match="matplotlib"):
        plot_history(history)


# -- plot_model / model_to_dot on real models ----------------------------------------------------
def _dot_labels(dot):
    return {m[1]: m[2].replace("\\n", "\n")
            for m in re.finditer(r'^\s*"([^"]+)" \[label="((?:[^"\\]|\\.)*)"\];', dot, re.M)}


def _dot_edges(dot):
    return set(re.findall(r'^\s*"([^"]+)" -> "([^"]+)";', dot, re.M))


def _mlp():
    return keras.Sequential([layers.Dense(8, activation="relu", input_shape=(4,), name="h"),
                             layers.Dropout(0.1, name="drop"),
                             layers.Dense(3, activation="softmax", name="probs")], name="mlp")


def test_model_to_dot_of_a_sequential_model():
    dot = model_to_dot(_mlp(), show_shapes=True, show_dtype=True,
                       show_layer_activations=True, show_trainable=True)
    assert dot.startswith('digraph "mlp" {')
    assert _dot_labels(dot) == {
        "h": "h (Dense)\nactivation: relu\ninput shape: (None, 4)\noutput shape: (None, 8)\n"
             "dtype: float32\ntrainable: True",
        "drop": "drop (Dropout)\ninput shape: (None, 8)\noutput shape: (None, 8)\n"
                "dtype: float32\ntrainable: True",
        "probs": "probs (Dense)\nactivation: softmax\ninput shape: (None, 8)\n"
                 "output shape: (None, 3)\ndtype: float32\ntrainable: True"}
    assert _dot_edges(dot) == {("h", "drop"), ("drop", "probs")}


def test_model_to_dot_of_a_functional_model_with_branches():
    inputs = keras.Input((5,), name="x")
    left = layers.Dense(3, name="left")(inputs)
    right = layers.Dense(3, name="right")(inputs)
    merged = layers.Concatenate(name="merge")([left, right])
    model = keras.Model(inputs, layers.Dense(1, name="y")(merged))
    dot = model_to_dot(model, show_shapes=True)
    assert _dot_edges(dot) == {("x", "left"), ("x", "right"), ("left", "merge"),
                               ("right", "merge"), ("merge", "y")}
    labels = _dot_labels(dot)
    assert labels["merge"] == ("merge (Concatenate)\ninput shape: (None, 3), (None, 3)\n"
                               "output shape: (None, 6)")
    assert labels["x"] == "x (InputLayer)\noutput shape: (None, 5)"


def test_model_to_dot_of_a_subclassed_model_draws_its_layers_in_order():
    class Net(keras.Model):
        def __init__(self):
            super().__init__(name="net")
            self.first = layers.Dense(4, name="first")
            self.second = layers.Dense(2, name="second")

        def call(self, x):
            return self.second(self.first(x))

    model = Net()
    model(np.zeros((2, 3), np.float32))
    dot = model_to_dot(model)
    assert list(_dot_labels(dot)) == ["first", "second"]
    assert _dot_edges(dot) == {("first", "second")}


def test_model_to_dot_expands_a_nested_sequential_model():
    inner = keras.Sequential([layers.Dense(2, name="a"), layers.Dense(2, name="b")],
                             name="block")
    model = keras.Sequential([keras.Input((3,)), layers.Dense(3, name="first"), inner,
                              layers.Dense(1, name="last")])
    collapsed = model_to_dot(model, show_shapes=True)
    assert _dot_edges(collapsed) == {("first", "block"), ("block", "last")}
    assert "output shape: (None, 2)" in _dot_labels(collapsed)["block"]
    expanded = model_to_dot(model, expand_nested=True)
    assert 'subgraph "cluster_block" {' in expanded
    assert _dot_edges(expanded) == {("first", "block/a"), ("block/a", "block/b"),
                                    ("block/b", "last")}
    nodes, edges = layer_graph(model)
    assert [path for path, _ in nodes] == ["first", "block/a", "block/b", "last"]
    assert set(edges) == _dot_edges(expanded)


def test_layer_range_draws_part_of_the_model():
    dot = model_to_dot(_mlp(), layer_range=["drop", "pro.*"])
    assert list(_dot_labels(dot)) == ["drop", "probs"]
    assert _dot_edges(dot) == {("drop", "probs")}
    with pytest.raises(ValueError, match=r"selects no layers.*\['h', 'drop', 'probs'\]"):
        model_to_dot(_mlp(), layer_range=["probs", "h"])
    with pytest.raises(ValueError, match="list of two layer names"):
        model_to_dot(_mlp(), layer_range="h")


def test_unknown_keyword_arguments_are_refused():
    with pytest.raises(ValueError, match=r"unrecognized keyword arguments \['show_colors'\]"):
        plot_model(_mlp(), to_file="unused.png", show_colors=True)


@pytest.mark.skipif(os.name == "nt", reason="the stand-in `dot` is a shell script")
def test_plot_model_renders_with_the_dot_program(tmp_path, monkeypatch):
    program = tmp_path / "dot"
    program.write_text(f'#!/bin/sh\ncat > "{tmp_path}/seen.dot"\nprintf "IMAGE %s" "$1"\n')
    program.chmod(program.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setitem(sys.modules, "graphviz", None)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    model = _mlp()
    assert plot_model(model, to_file=tmp_path / "mlp.png", show_shapes=True) is None
    assert (tmp_path / "mlp.png").read_bytes() == b"IMAGE -Tpng"
    assert (tmp_path / "seen.dot").read_text() == model_to_dot(
        model, show_shapes=True, show_layer_names=False)
