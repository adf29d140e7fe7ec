"""Time ``import ndflow`` against ``import tensorflow`` and ``import torch``.

Each import runs in a fresh interpreter, timed inside the child (interpreter start-up
excluded), and the median of several runs is reported, so the numbers are what a user
waits for at the top of a script or notebook.

    python benchmarks/import_time.py [--runs 5]
"""

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

AIM_SECONDS = 0.25
AIM_RATIO_TF = 10.0
MODULES = ("numpy", "ndflow", "tensorflow", "torch")  # numpy: the floor ndflow stands on

_CHILD = (
    "import time; t = time.perf_counter(); import {module}; "
    "print(time.perf_counter() - t)"
)


def _child_env():
    """Let the child find ndflow from a source checkout even when it is not installed."""
    env = dict(os.environ)
    src = str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # keep TensorFlow's start-up banner quiet
    # Measure what users see: byte-code cached after the warm-up run.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def import_seconds(module, runs):
    """Seconds of ``import module`` in ``runs`` fresh interpreters: (median, min, max)."""
    code = _CHILD.format(module=module)
    env = _child_env()
    times = []
    for i in range(runs + 1):
        proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True, check=False)
        if proc.returncode != 0:
            last = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
            raise RuntimeError(f"import {module} failed: {last}")
        if i > 0:  # the first run only warms the file-system and byte-code caches
            times.append(float(proc.stdout.strip().splitlines()[-1]))
    return statistics.median(times), min(times), max(times)


def _load():
    """The 1-minute load average, since a busy machine shifts every number here."""
    return f"load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else "load n/a"


def installed(module):
    if module == "ndflow":
        return True  # the child finds it in src/ anyway
    return importlib.util.find_spec(module) is not None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per module")
    parser.add_argument("--json", action="store_true", help="print the results as JSON too")
    args = parser.parse_args(argv)

    print(f"Import time, median of {args.runs} fresh interpreters "
          f"(Python {sys.version.split()[0]}, timed inside the child; {_load()})\n")
    results = {}
    for module in MODULES:
        if not installed(module):
            print(f"  {module:<11} skipped: not installed in this environment")
            continue
        try:
            median, low, high = import_seconds(module, args.runs)
        except RuntimeError as e:
            print(f"  {module:<11} skipped: {e}")
            continue
        results[module] = median
        note = "  (the floor: ndflow imports it)" if module == "numpy" else ""
        print(f"  {module:<11} {median:8.3f} s   (min {low:.3f}, max {high:.3f}){note}")

    base = results.get("ndflow")
    if base:
        print()
        for peer in ("tensorflow", "torch"):
            if peer in results:
                print(f"  {peer}/ndflow = {results[peer] / base:6.1f}x")
        print(f"\nAim: ndflow under {AIM_SECONDS} s and at least {AIM_RATIO_TF:.0f}x faster "
              "to import than TensorFlow.")
        verdict = "met" if base < AIM_SECONDS else "NOT met"
        print(f"  ndflow {base:.3f} s < {AIM_SECONDS} s: {verdict}")
        if "tensorflow" in results:
            ratio = results["tensorflow"] / base
            verdict = "met" if ratio >= AIM_RATIO_TF else "NOT met"
            print(f"  tensorflow/ndflow {ratio:.1f}x >= {AIM_RATIO_TF:.0f}x: {verdict}")
        else:
            print("  tensorflow not installed: the ratio aim is not measured in this run")
    if args.json:
        print(json.dumps({"import_seconds": results}))


if __name__ == "__main__":
    main()
