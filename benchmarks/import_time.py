"""Time ``import ndflow`` against ``import tensorflow``, ``import torch`` and ``import numpy``.

Each import runs in a fresh interpreter and is timed inside it (interpreter start-up
excluded), so the figure is what a user waits for at the top of a script or notebook;
``import numpy`` is the floor, since ndflow imports it. The fresh interpreter also reports
its peak memory after the import.

    python benchmarks/import_time.py [--repeats 5] [--frameworks ndflow,torch]
"""

import os
import subprocess
import sys
from pathlib import Path

from _common import unknown

MODULES = {"ndflow": "ndflow", "tensorflow": "tensorflow", "torch": "torch", "numpy": "numpy"}
FRAMEWORKS = tuple(MODULES)
SIZES = {"quick": {}, "full": {}}  # an import has one size

_CHILD = """\
import time
start = time.perf_counter()
import {module}
seconds = time.perf_counter() - start
peak = 0.0
try:
    with open("/proc/self/status") as f:
        peak = next(int(s.split()[1]) / 1024 for s in f if s.startswith("VmHWM:"))
except (OSError, StopIteration):
    pass
print(seconds, peak)
"""


def _child_env():
    """Let the child find ndflow from a source checkout even when it is not installed."""
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # keep TensorFlow's start-up banner quiet
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measure with byte-code cached, as users see it
    return env


def run(framework, size="full", info=None):
    """Seconds of ``import <framework>`` in a fresh interpreter (peak MB into ``info``)."""
    if framework not in MODULES:
        raise unknown(framework, FRAMEWORKS, "import")
    code = _CHILD.format(module=MODULES[framework])
    proc = subprocess.run([sys.executable, "-c", code], env=_child_env(), capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"import {framework} failed: {last}")
    seconds, peak = map(float, proc.stdout.split()[-2:])
    if info is not None:
        info["peak_mb"] = peak or None  # the fresh interpreter's, not the caller's
    return seconds


def main(argv=None):
    import peers

    return peers.main(["--workloads", "import", "--no-save", *(argv or sys.argv[1:])])


if __name__ == "__main__":
    main()
