"""The physics examples' --quick runs: they train, print their numbers and write PNGs."""

import importlib.util
import pathlib

import pytest

pytest.importorskip("matplotlib")

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "physics"


def load(name):
    spec = importlib.util.spec_from_file_location(f"physics_example_{name}",
                                                  EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name, keys", [
    ("oscillator", {"relative_l2_error"}),
    ("heat", {"relative_l2_error"}),
    ("ode_course", {"max_error", "derivative_error", "finite_difference_errors"}),
    ("projectile", {"g", "v0", "g_error", "v0_error"}),
])
def test_quick_run_writes_plots(name, keys, tmp_path, capsys):
    results = load(name).main(["--quick", "--out", str(tmp_path)])
    assert keys <= set(results)
    assert results["plots"] and all(pathlib.Path(p).parent == tmp_path for p in results["plots"])
    for path in results["plots"]:
        data = pathlib.Path(path).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert "plot:" in capsys.readouterr().out
