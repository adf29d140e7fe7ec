"""The user guide (docs/guide/) runs as written, chapter by chapter, without a network.

Each chapter's ```python blocks run top to bottom in one namespace, in a temporary
folder (files the chapter saves land there), with matplotlib's Agg backend, one BLAS
thread, an empty data-set cache and network connections refused: a chapter may only use
bundled data, and shows what needs a download in ```text blocks. Then a few of the
chapter's results are checked.
"""

import math
import re
import socket

import numpy as np
import pytest

from tests.test_readme import ROOT, fenced_blocks, python_blocks, run_python_blocks

GUIDE = ROOT / "docs" / "guide"
CHAPTERS = sorted(GUIDE.glob("[0-9][0-9]-*.md"))
EXPECTED = ["01-tensors", "02-autodiff", "03-models", "04-training", "05-data",
            "06-architectures", "07-physics", "08-genetic-algorithms",
            "09-running-tensorflow-scripts"]


def _tensors(ns, out, folder):
    assert np.allclose(ns["distances"], [[0, 5, 10], [5, 0, 5], [10, 5, 0]])
    assert ns["tf"].floatx() == "float32"  # the chapter switched to float64 and back


def _autodiff(ns, out, folder):
    assert np.allclose([ns["dy"], ns["d2y"], ns["d3y"]],
                       [math.cos(1.0), -math.sin(1.0), -math.cos(1.0)])
    assert float(ns["zero"]) == 0.0


def _models(ns, out, folder):
    assert "Total params: 67" in out
    assert ns["model"].count_params() == ns["functional"].count_params() == 67
    assert (folder / "iris.keras").is_file() and (folder / "irisnet.keras").is_file()


def _training(ns, out, folder):
    assert ns["test_accuracy"] >= 0.9
    assert ns["scores"]["accuracy"] >= 0.9
    assert np.allclose(ns["w"].numpy().ravel(), [1.0, 2.0], atol=0.05)
    assert ns["epoch_ends"]
    for name in ("iris_training.png", "best_iris.keras", "iris_log.csv"):
        assert (folder / name).is_file(), name
    assert "runs eagerly" in out  # the fallback warning, printed by the chapter


def _data(ns, out, folder):
    assert ns["model"].evaluate(ns["test"], verbose=0)[1] >= 0.9
    assert "falling back to the bundled digits" in out  # the cache is empty


def _architectures(ns, out, folder):
    assert ns["cnn"].evaluate(ns["x_test"], ns["y_test"], verbose=0)[1] >= 0.7
    positive, negative = ns["classifier"].predict(
        np.array([["a superb film"], ["an awful film"]]), verbose=0)[:, 0]
    assert positive > 0 > negative
    assert tuple(ns["scores"].shape) == (4, 2, 10, 10)


def _physics(ns, out, folder):
    assert float(np.max(np.abs(ns["net"](ns["x"]).numpy() - ns["x"].numpy() ** 2 - 1))) < 0.2
    pinn = ns["pinn"].predict(ns["t"], verbose=0)
    assert np.max(np.abs(pinn - ns["exact"])) < 0.1
    constants = ns["throw"].constants.values()
    assert abs(constants["g"] / 9.7 - 1) < 0.02 and abs(constants["v0"] / 20.0 - 1) < 0.02


def _genetic(ns, out, folder):
    assert ns["model"].evaluate(ns["x_test"], ns["y_test"], verbose=0)[1] >= 0.9
    assert (folder / "iris_fitness.png").is_file()


def _scripts(ns, out, folder):
    assert "dy/dx = [[2.0, 4.0], [6.0, 8.0]]" in out
    assert "weights: [2.0, -1.0]" in out
    assert ns["run"].returncode == 1
    assert "tf.distribute.MirroredStrategy is not supported by ndflow yet" in ns["message"]


CHECKS = {"01-tensors": _tensors, "02-autodiff": _autodiff, "03-models": _models,
          "04-training": _training, "05-data": _data, "06-architectures": _architectures,
          "07-physics": _physics, "08-genetic-algorithms": _genetic,
          "09-running-tensorflow-scripts": _scripts}


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """A temporary working folder, an empty data-set cache, and no network."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NDFLOW_DATA_DIR", str(tmp_path / "datasets"))
    monkeypatch.delenv("NDFLOW_DATASETS_MIRROR", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")

    def refuse(*args, **kwargs):
        raise OSError("the guide's tests run without a network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    import matplotlib

    matplotlib.use("Agg")
    return tmp_path


def test_every_chapter_is_there():
    assert [c.stem for c in CHAPTERS] == EXPECTED
    assert set(CHECKS) == set(EXPECTED)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_chapter_runs(chapter, offline, capsys):
    import ndflow

    assert python_blocks(chapter), f"{chapter.name} has no ```python blocks"
    try:
        namespace = run_python_blocks(chapter)
    finally:
        ndflow.set_floatx("float32")
    CHECKS[chapter.stem](namespace, capsys.readouterr().out, offline)


@pytest.mark.parametrize("page", [GUIDE / "README.md", *CHAPTERS],
                         ids=["index", *[c.stem for c in CHAPTERS]])
def test_links_and_blocks(page):
    """Relative links point at files that exist, and every code block is either run
    (python) or marked as not run (text for code, sh for commands)."""
    text = page.read_text(encoding="utf-8")
    links = [link.split("#")[0] for link in re.findall(r"\]\(([^)\s]+)\)", text)
             if "://" not in link and not link.startswith("#")]
    missing = [link for link in links if not (page.parent / link).resolve().exists()]
    assert not missing, f"{page.name} links to missing files: {missing}"
    languages = {lang for lang, _, _ in fenced_blocks(page)}
    assert languages <= {"python", "text", "sh"}, languages


def test_index_links_every_chapter_in_order():
    index = (GUIDE / "README.md").read_text(encoding="utf-8")
    linked = re.findall(r"\]\((\d\d-[\w-]+\.md)\)", index)
    assert linked == [c.name for c in CHAPTERS]
    for previous, following in zip(CHAPTERS, CHAPTERS[1:]):
        assert f"]({following.name})" in previous.read_text(encoding="utf-8"), previous.name
