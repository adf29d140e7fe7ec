import builtins

import numpy as np
import pytest

from ndflow import keras
from ndflow.keras import layers
from ndflow.keras.callbacks import History
from ndflow.keras.utils import plot_history

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
