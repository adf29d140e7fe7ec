"""What the fit benchmarks share: run each framework (skipping peers that are not
installed), then print a summary line and each peer's time relative to ndflow."""

import importlib.util
import sys

import numpy as np

FASTER = "  (above 1x: ndflow is faster)"


def run_peers(runners, call):
    """Time each ``(name, runner, module)``; ``module`` (None for none) must be importable.

    ``call(runner)`` returns ``(seconds, note)``; a line ``name: seconds s<note>`` is printed
    for each. Returns ``{name: seconds}`` for the runners that ran.
    """
    results = {}
    for name, runner, module in runners:
        if module and importlib.util.find_spec(module) is None:
            print(f"{name}: not installed, skipped (pip install 'ndflow[bench]')")
            continue
        seconds, note = call(runner)
        results[name] = seconds
        print(f"{name:>12}: {seconds:8.3f} s{note}", flush=True)
    return results


def print_ratios(results, title, peers=("tensorflow", "torch"), not_frameworks=()):
    """``title`` with the Python and NumPy versions, then each peer's time / ndflow's."""
    print(f"\n{title}; python {sys.version.split()[0]}, numpy {np.__version__}")
    base = results.get("ndflow")
    for name in peers:
        if base and name in results:
            note = "" if name in not_frameworks else FASTER
            print(f"  {name}/ndflow = {results[name] / base:.2f}x{note}")
