"""The ``ndflow`` command, called in this process: run, info, --version, errors."""

import sys

import pytest

import ndflow
from ndflow import cli, compat
from tests.compat.helpers import SCRIPTS, printed


def test_version_info_and_help(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out == f"ndflow {ndflow.__version__}\n"
    assert cli.main(["info"]) == 0
    out = printed(capsys.readouterr().out)
    assert out["ndflow"].startswith(ndflow.__version__) and out["numpy"]
    assert out["optional"].startswith("packages: ") and "cupy" in out["optional"]
    assert cli.main([]) == 0 and "run" in capsys.readouterr().out


def test_run_needs_an_existing_script(capsys, tmp_path):
    assert cli.main(["run", str(tmp_path / "missing.py")]) == 2
    assert "can't open file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["run"])


def test_run_restores_the_process_and_reports_sys_exit(capsys, tmp_path):
    script = tmp_path / "script.py"
    script.write_text("import sys, tensorflow as tf\nprint(sys.argv, sys.path[0])\n"
                      "sys.exit(sys.argv[1] if len(sys.argv) > 1 else None)\n")
    argv, path = list(sys.argv), list(sys.path)
    assert cli.main(["run", str(script)]) == 0
    assert capsys.readouterr().out == f"{[str(script)]} {tmp_path}\n"
    assert cli.main(["run", str(script), "a message"]) == 1
    assert capsys.readouterr().err == "a message\n"
    assert (sys.argv, sys.path) == (argv, path)
    assert not compat.is_installed() and "tensorflow" not in sys.modules


def test_tracebacks_show_the_script_unless_asked_for_all(capsys, tmp_path, monkeypatch):
    script = tmp_path / "bad_shapes.py"
    script.write_text("import tensorflow as tf\n\n"
                      "def f():\n    return tf.matmul(tf.ones((2, 3)), tf.ones((2, 3)))\n\nf()\n")
    assert cli.main(["run", str(script)]) == 1
    err = capsys.readouterr().err
    assert 'bad_shapes.py", line 6, in <module>' in err and 'line 4, in f' in err
    assert "InvalidArgumentError: Matrix size-incompatible" in err
    assert "ndflow/ops" not in err and "runpy" not in err
    assert "inside ndflow not shown; NDFLOW_TRACEBACK=full shows them" in err
    monkeypatch.setenv("NDFLOW_TRACEBACK", "full")
    assert cli.main(["run", str(script)]) == 1
    err = capsys.readouterr().err
    assert "runpy" in err and "not shown" not in err


def test_a_missing_name_in_a_from_import_is_named(capsys, tmp_path):
    script = tmp_path / "missing_name.py"
    script.write_text("from keras.layers import Dense, RandomFlip\n")
    assert cli.main(["run", str(script)]) == 1
    err = capsys.readouterr().err
    assert "from keras.layers import Dense, RandomFlip" in err
    assert err.endswith("ndflow: keras.layers.RandomFlip is not supported by ndflow yet (see "
                        "docs/compatibility.md)\n")


def test_keyboard_interrupt_exits_with_130(capsys, tmp_path):
    script = tmp_path / "interrupted.py"
    script.write_text("raise KeyboardInterrupt\n")
    assert cli.main(["run", str(script)]) == 130
    assert capsys.readouterr().err.endswith("KeyboardInterrupt\n")


def test_datasets_with_tfds_and_keras_datasets(mirror, capsys):
    assert cli.main(["run", str(SCRIPTS / "datasets_script.py")]) == 0, capsys.readouterr().err
    out = printed(capsys.readouterr().out)
    assert out["imdb_splits"] == "['test', 'train', 'unsupervised'] 4"
    assert out["imdb_classes"] == "('neg', 'pos')"
    assert out["imdb_first"] == "\"Bad movie, don't watch.\" 0"
    assert out["imdb_batch"] == "(4,) (4,)"  # the four labelled training reviews
    train_x, train_y = mirror.arrays["cifar10"]["train"]
    test_x = mirror.arrays["cifar10"]["test"][0]
    assert out["cifar10"] == f"{train_x.shape} {(len(train_y), 1)} {test_x.shape} uint8"
    assert out["cifar10_range"] == "True True"
    mnist_x, mnist_y = mirror.arrays["mnist"]["train"]
    assert out["mnist"] == f"{mnist_x.shape} {mnist_y.shape}"
    assert out["mnist_tfds"] == "[(28, 28, 1)]"
