"""Unmodified TensorFlow/Keras scripts in the courses' style, run with ``ndflow run``.

Each script (tests/compat/scripts/) is written as a student would write it for
TensorFlow 2 / Keras 3; it prints its results and the tests check them.
"""

import ast
import importlib.util
import re

import numpy as np
import pytest

from tests.compat.helpers import SCRIPTS, check, ndflow_run, run_python


def values(text: str):
    return ast.literal_eval(text)


def test_keras_iris_network():
    out = check(ndflow_run("iris_keras.py"))
    assert float(out["accuracy"]) >= 0.9
    assert values(out["history"]) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert values(out["trainable"]) == [(4, 8), (8,), (8, 3), (3,)]
    assert out["params"] == str(4 * 8 + 8 + 8 * 3 + 3)
    assert out["Total"].startswith("params: 67")  # from model.summary()
    assert out["clone"] == "2 True True"
    assert values(out["ones"]) == [[3.0, 3.0]]
    assert values(out["one_hot"]) == np.eye(3)[[0, 2, 1]].tolist()
    assert out["keras"].startswith("3.") and "ndflow" in out["keras"]


def test_gradient_tape_loops_and_physics_losses():
    out = check(ndflow_run("tape_physics.py"))
    a = np.array([[1.0, -2.0], [3.0, -4.0]], dtype=np.float32)
    b = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    assert out["dtype"] == "float32"
    total, columns = out["reduce_sum"].split(" ", 1)
    assert float(total) == a.sum() and values(columns) == a.sum(axis=0).tolist()
    assert float(out["reduce_mean"]) == b.mean()
    assert values(out["abs"]) == np.abs(a).tolist()
    product, doubled = out["multiply"].split("] ", 1)
    assert values(product + "]") == (a * b).tolist() and values(doubled) == (2 * a).tolist()
    assert values(out["pow"]) == (b ** 2).tolist()
    assert values(out["relu"]) == np.maximum(a, 0).tolist()
    assert out["tape"] == "27.0 18.0"  # d/dx x^3 and d2/dx2 at x = 3
    first, last = map(float, out["ode_loss"].split())
    assert last < first / 10
    assert float(out["ode_error"]) < 0.05  # y = 1 + x^2 on [0, 1]
    assert abs(float(out["norm"]) - 1.0) < 0.05
    assert out["optimizer"] == "adam 200"


def test_data_pipelines_logit_losses_and_tf_function():
    out = check(result := ndflow_run("data_pipeline.py"))
    if importlib.util.find_spec("cupy") is None:
        assert out["gpus"] == "[]"
    assert out["cpus"] == "1"
    tf_version, keras_version = out["version"].split()
    assert tf_version.startswith("2.") and "ndflow" in tf_version and "ndflow" in keras_version
    assert out["eager"] == "True"
    assert float(out["fit"].split()[-1]) >= 0.9
    assert out["steps"] == "13 finite True"  # 200 examples in batches of 16
    assert values(out["predict"]) == [0, 1]
    logits, labels = np.array([2.0, -1.0]), np.array([1.0, 0.0])
    bce = np.mean(np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-abs(logits))))
    assert float(out["bce"]) == pytest.approx(bce, rel=1e-5)
    scores = np.array([[2.0, 0.0], [0.5, 1.5]])
    log_softmax = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
    assert float(out["scce"]) == pytest.approx(-log_softmax[[0, 1], [0, 1]].mean(), rel=1e-5)
    assert values(out["batches"]) == [[0, 2, 4, 6], [8, 10, 12, 14], [16, 18]]
    assert "tf.print [1 2 3]" in result.stderr  # tf.print writes to stderr, as in TensorFlow


def test_text_classifier_with_text_vectorization_and_bidirectional_lstm():
    out = check(ndflow_run("text_classifier.py"))
    texts = ["a great movie", "great acting and a great story", "the best film this year",
             "loved it", "a boring movie", "the worst film", "bad acting, bad story",
             "boring and bad"]
    words = {w for t in texts for w in re.sub(r"[^\w\s]", "", t.lower()).split()}
    size, first = out["vocabulary"].split(" ", 1)
    assert int(size) == len(words) + 2 and values(first)[:2] == ["", "[UNK]"]
    assert out["epochs"] == "2"
    assert out["predict"] == "(2, 1) float32"
    assert values(out["mask"]) == [[True, True], [True, False]]


def test_arguments_exit_status_and_the_scripts_folder():
    out = check(ndflow_run("argv_exit.py", "7", "--epochs", "2", "--", "x"), status=7)
    assert values(out["argv"]) == ["7", "--epochs", "2", "--", "x"]
    assert out["name"] == "__main__"
    assert out["file"] == "argv_exit.py argv_exit.py"
    assert out["helper"] == "hello from the script's folder"


def test_unsupported_apis_say_so_with_a_clean_traceback():
    result = ndflow_run("unsupported.py")
    out = check(result, status=1)
    assert out["hasattr"] == "False True True"
    assert out["getattr"] == "default"
    tail = "is not supported by ndflow yet (see docs/compatibility.md)"
    for module in ("tensorflow.compat.v1", "keras.applications"):
        assert f"UnsupportedModuleError: {module} {tail}" in result.stdout
    for api in ("tf.strings.lower", "keras.applications.ResNet50",
                "tf.keras.layers.Nonexistent"):
        assert f"UnsupportedAPIError: {api} {tail}" in result.stdout
    assert "not reached" not in result.stdout
    err = result.stderr
    assert err.startswith("Traceback (most recent call last):\n")
    source = (SCRIPTS / "unsupported.py").read_text().splitlines()
    line = source.index("strategy = tf.distribute.MirroredStrategy()") + 1
    assert f'unsupported.py", line {line}, in <module>' in err
    assert "strategy = tf.distribute.MirroredStrategy()" in err
    assert f"UnsupportedAPIError: tf.distribute.MirroredStrategy {tail}" in err
    assert "runpy" not in err and "cli.py" not in err and "finder.py" not in err


def test_installed_tensorflow_and_keras_are_shadowed_only_inside_the_runner(tmp_path):
    for package in ("tensorflow", "keras"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("REAL = True\n__version__ = 'real'\n")
    code = ("import sys, ndflow, ndflow.compat, ndflow.cli, tensorflow, keras; "
            "print('plain', tensorflow.__version__, keras.__version__, "
            "ndflow.compat.is_installed(), "
            "any(type(f).__name__ == 'AliasFinder' for f in sys.meta_path))")
    plain = run_python("-c", code, pythonpath=tmp_path)
    assert check(plain)["plain"] == "real real False False"
    out = check(ndflow_run("which_tensorflow.py", pythonpath=tmp_path))
    assert out["runner"].startswith("2.") and "ndflow" in out["runner"]
    assert out["runner_keras"].startswith("3.") and out["runner_keras"].endswith(" False False")
