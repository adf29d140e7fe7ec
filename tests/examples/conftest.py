"""The helper shared by the example tests: run an example in --quick mode."""

import contextlib
import importlib.util
import pathlib

import pytest

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # comes with scikit-learn; without it BLAS keeps its own threads
    threadpool_limits = None

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def run_example():
    """``run_example(path, tmp_path, *args)``: import the example at ``path`` (relative to the
    repository root; examples are not a package), call ``main(["--quick", "--out", tmp_path,
    *args])``, check that each plot it lists is a PNG saved under ``tmp_path`` and return
    its dict. BLAS runs on one thread meanwhile: the examples' matrices are small, and
    on a busy machine several BLAS threads per process wait on each other (measured 10-30x
    slower steps for the 512-wide MLPs on a loaded 2-core machine)."""

    def run(path, tmp_path, *args):
        path = ROOT / path
        spec = importlib.util.spec_from_file_location(f"example_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        limit = threadpool_limits(1, "blas") if threadpool_limits else contextlib.nullcontext()
        with limit:
            result = module.main(["--quick", "--out", str(tmp_path), *args])
        assert isinstance(result, dict) and isinstance(result["plots"], list)
        for plot in result["plots"]:
            plot = pathlib.Path(plot)
            assert plot.suffix == ".png" and plot.parent == pathlib.Path(tmp_path)
            assert plot.is_file() and plot.stat().st_size > 0
        return result

    return run
