"""Per-op overhead of ndflow over the raw NumPy call, next to PyTorch and TensorFlow.

Small arrays (8x8 float32) make the op itself nearly free, so what is left is the cost
of the framework: converting operands, dispatch, wrapping the result, and recording for
autodiff. Each op is timed without a tape and inside an active GradientTape watching
its inputs (``requires_grad=True`` for PyTorch). The runs of all frameworks are
interleaved and the best of several is kept, so a busy machine shifts them alike.

    python benchmarks/op_overhead.py [--repeats 9]
"""

import argparse
import contextlib
import importlib.util
import os
import sys
import timeit

import numpy as np

import ndflow as nd

AIM_US = 3.0  # overhead per op without a tape
SHAPE = (8, 8)
OPS = ("add", "matmul", "reduce_sum", "multiply by 2.0")


def _inputs():
    rng = np.random.default_rng(0)
    return (rng.standard_normal(SHAPE).astype(np.float32),
            rng.standard_normal(SHAPE).astype(np.float32))


def numpy_cells():
    a, b = _inputs()
    fns = {
        "add": lambda: np.add(a, b),
        "matmul": lambda: np.matmul(a, b),
        "reduce_sum": lambda: a.sum(),  # np.sum adds ~3 µs of Python dispatch on top
        "multiply by 2.0": lambda: np.multiply(a, 2.0),
    }
    return {op: (fn, contextlib.nullcontext) for op, fn in fns.items()}


def ndflow_cells(taped):
    a, b = (nd.convert_to_tensor(x) for x in _inputs())
    fns = {
        "add": lambda: nd.add(a, b),
        "matmul": lambda: nd.matmul(a, b),
        "reduce_sum": lambda: nd.reduce_sum(a),
        "multiply by 2.0": lambda: a * 2.0,
    }

    @contextlib.contextmanager
    def tape():  # a fresh tape per timed run keeps the recorded history bounded
        with nd.GradientTape() as t:
            t.watch([a, b])
            yield

    return {op: (fn, tape if taped else contextlib.nullcontext) for op, fn in fns.items()}


def torch_cells(taped):
    import torch

    a, b = (torch.from_numpy(x).requires_grad_(taped) for x in _inputs())
    fns = {
        "add": lambda: torch.add(a, b),
        "matmul": lambda: torch.matmul(a, b),
        "reduce_sum": lambda: torch.sum(a),
        "multiply by 2.0": lambda: a * 2.0,
    }
    return {op: (fn, contextlib.nullcontext) for op, fn in fns.items()}


def tensorflow_cells(taped):
    import tensorflow as tf

    a, b = (tf.constant(x) for x in _inputs())
    fns = {
        "add": lambda: tf.add(a, b),
        "matmul": lambda: tf.matmul(a, b),
        "reduce_sum": lambda: tf.reduce_sum(a),
        "multiply by 2.0": lambda: a * 2.0,
    }

    @contextlib.contextmanager
    def tape():
        with tf.GradientTape() as t:
            t.watch([a, b])
            yield

    return {op: (fn, tape if taped else contextlib.nullcontext) for op, fn in fns.items()}


def peers():
    """The installed peers, by name, with the functions that build their cells."""
    found = {}
    if importlib.util.find_spec("torch") is not None:
        found["torch"] = torch_cells
    else:
        print("torch not installed: skipped")
    if importlib.util.find_spec("tensorflow") is not None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        found["tensorflow"] = tensorflow_cells
    else:
        print("tensorflow not installed: skipped")
    return found


def measure(cells, repeats, target_s=0.01):
    """Best microseconds per call of each cell; the runs of all cells are interleaved.

    ``cells`` maps a key to ``(fn, context)``: ``fn`` is timed inside ``context()``.
    """
    timers, numbers = {}, {}
    for key, (fn, context) in cells.items():
        timer = timers[key] = timeit.Timer(fn)
        number = 1
        with context():
            while timer.timeit(number) < target_s:
                number *= 4
        numbers[key] = number
    best = dict.fromkeys(cells, float("inf"))
    for _ in range(repeats):
        for key, (_, context) in cells.items():
            with context():
                seconds = timers[key].timeit(numbers[key])
            best[key] = min(best[key], seconds / numbers[key] * 1e6)
    return best


def print_table(title, times, taped, peer_names):
    head = f"{'op':<16}{'numpy':>8}{'ndflow':>8}{'overhead':>10}"
    for name in peer_names:
        head += f"{name:>12}{name + '/nd':>14}"
    print(f"\n{title} (µs per call, 8x8 float32)")
    print(head)
    print("-" * len(head))
    for op in OPS:
        base, ours = times["numpy", False, op], times["ndflow", taped, op]
        row = f"{op:<16}{base:8.2f}{ours:8.2f}{ours - base:10.2f}"
        for name in peer_names:
            t = times[name, taped, op]
            row += f"{t:12.2f}{t / ours:13.1f}x"
        print(row)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=9, help="timed runs per op (best kept)")
    args = parser.parse_args(argv)

    found = peers()
    cells = {("numpy", False, op): cell for op, cell in numpy_cells().items()}
    for taped in (False, True):
        cells.update({("ndflow", taped, op): c for op, c in ndflow_cells(taped).items()})
        for name, make in found.items():
            cells.update({(name, taped, op): c for op, c in make(taped).items()})
    times = measure(cells, args.repeats)

    versions = [f"Python {sys.version.split()[0]}", f"NumPy {np.__version__}"]
    versions += [f"{name} {sys.modules[name].__version__}" for name in found]
    if hasattr(os, "getloadavg"):  # a busy machine shifts every number here
        versions.append(f"load {os.getloadavg()[0]:.1f}")
    print("; ".join(versions))
    print_table("Without a tape", times, False, list(found))
    print_table("Inside a GradientTape watching the inputs (torch: requires_grad=True)",
                times, True, list(found))
    if found:
        print("\npeer/nd: the peer's time over ndflow's (above 1x: ndflow is faster).")

    worst = max(times["ndflow", False, op] - times["numpy", False, op] for op in OPS)
    verdict = "met" if worst <= AIM_US else "NOT met"
    print(f"\nAim: ndflow adds at most {AIM_US:.0f} µs per op over NumPy without a tape. "
          f"Worst here: {worst:.2f} µs ({verdict}).")


if __name__ == "__main__":
    main()
