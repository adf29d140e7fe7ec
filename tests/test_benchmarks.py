"""The peer benchmark harness in --quick mode, with ndflow only: the structure of its JSON.

Never asserts anything about speed: the numbers depend on the machine.
"""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
HARNESS = BENCH / "peers.py"


@pytest.fixture(scope="module")
def peers():
    sys.path.insert(0, str(BENCH))
    try:
        import peers

        yield peers
    finally:
        sys.path.remove(str(BENCH))


def _harness(*args, cwd):
    proc = subprocess.run([sys.executable, str(HARNESS), "--quick", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def _check_result(result, workload):
    assert set(result) >= {"label", "times", "median", "min", "max", "ratio", "peak_mb", "info"}
    assert "error" not in result, result.get("error")
    assert len(result["times"]) == 1
    assert result["min"] <= result["median"] <= result["max"]
    assert result["median"] > 0
    if workload != "op":  # the ops run for microseconds
        assert result["median"] < 120
    assert result["peak_mb"] is None or result["peak_mb"] > 1


def test_children_write_json_and_chart(tmp_path):
    stdout = _harness("--workloads", "import,iris", "--frameworks", "ndflow,ndflow-eager,numpy",
                      "--out", str(tmp_path), cwd=tmp_path)
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) == 1 and files[0].name.endswith("-quick.json")
    report = json.loads(files[0].read_text())

    assert set(report) >= {"schema", "date", "size", "repeats", "environment", "load_start",
                           "load_end", "workloads", "aims"}
    assert report["size"] == "quick" and report["repeats"] == 1
    assert report["aims"] == []  # quick sizes judge no aims
    assert {"python", "numpy", "ndflow"} <= set(report["environment"]["versions"])
    assert [w["key"] for w in report["workloads"]] == ["import", "iris"]
    import_, iris = report["workloads"]
    assert set(import_["results"]) == {"ndflow", "numpy"}
    assert set(iris["results"]) == {"ndflow", "ndflow-eager", "numpy"}
    for w in report["workloads"]:
        assert set(w) >= {"key", "title", "per", "load_start", "load_end", "results", "skipped"}
        for result in w["results"].values():
            _check_result(result, w["key"])
        assert w["results"]["ndflow"]["ratio"] == 1
        # every peer not asked for is left out, not reported as skipped
        assert not w["skipped"]
        # each measurement ran in its own process, so it has its own peak memory
        assert all(r["peak_mb"] for r in w["results"].values())
    for result in iris["results"].values():
        assert 0 <= result["info"]["accuracy"] <= 1
    assert "ndflow vs peers" in stdout and "nd/this" in stdout
    if importlib.util.find_spec("matplotlib") is not None:
        assert files[0].with_suffix(".png").stat().st_size > 0


def test_every_workload_in_process(tmp_path):
    """All workloads at quick size with ndflow alone (in one process, to stay fast)."""
    _harness("--frameworks", "ndflow,ndflow-pinn", "--in-process", "--out", str(tmp_path),
             cwd=tmp_path)
    report = json.loads(next(tmp_path.glob("*.json")).read_text())
    keys = [w["key"] for w in report["workloads"]]
    assert keys == ["import", "op", "op_tape", "iris", "mnist", "cnn", "bilstm", "pinn",
                    "digits"]
    for w in report["workloads"]:
        assert "ndflow" in w["results"]
        for result in w["results"].values():
            _check_result(result, "op" if w["key"].startswith("op") else w["key"])
    pinn = next(w for w in report["workloads"] if w["key"] == "pinn")["results"]
    assert pinn["ndflow"]["info"]["first_loss"] == pytest.approx(
        pinn["ndflow-pinn"]["info"]["first_loss"], rel=1e-4)
    ops = next(w for w in report["workloads"] if w["key"] == "op")["results"]["ndflow"]
    assert set(ops["info"]["us_per_op"]) == {"add", "matmul", "reduce_sum", "multiply by 2.0"}


def test_unknown_names_are_refused(tmp_path):
    proc = subprocess.run([sys.executable, str(HARNESS), "--quick", "--frameworks", "jax"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    assert "unknown framework jax" in proc.stderr


def test_run_is_callable_per_workload(peers):
    import op_overhead

    info = {}
    seconds = op_overhead.run_taped("ndflow", "quick", info)
    assert 0 < seconds < 1e-2 and len(info["us_per_op"]) == 4
    with pytest.raises(ValueError, match="no runner for framework 'jax'"):
        op_overhead.run("jax", "quick")
    with pytest.raises(ValueError, match="size must be one of quick, full"):
        op_overhead.run("numpy", "huge")


def test_iris_loader_matches_scikit_learn(peers):
    """The iris data read without importing scikit-learn are those train_test_split gives."""
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    import iris_fit

    iris = load_iris()
    x = StandardScaler().fit_transform(iris.data).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[iris.target]
    expected = train_test_split(x, y, test_size=0.2, random_state=42)
    for got, want in zip(iris_fit.load_data(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)


def test_aims_are_judged_on_full_runs(peers):
    report = {"size": "full", "workloads": [
        {"key": "iris", "results": {
            "ndflow": {"median": 0.3, "ratio": 1.0, "peak_mb": 100.0},
            "numpy": {"median": 0.2, "ratio": 1.5, "peak_mb": 40.0},
            "ndflow-eager": {"median": 0.45, "ratio": 0.3 / 0.45, "peak_mb": 100.0}}}]}
    aims = {a["framework"] + "/" + a["measure"]: a["met"] for a in peers.check_aims(report)}
    assert aims == {"numpy/ratio": True, "ndflow-eager/ratio": False, "ndflow/peak_mb": True}
    assert peers.check_aims({**report, "size": "quick"}) == []
