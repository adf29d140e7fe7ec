"""Per-op overhead of ndflow over the raw NumPy call, next to PyTorch and TensorFlow.

Small arrays (8x8 float32) make the op itself nearly free, so what is left is the cost
of the framework: converting operands, dispatch, wrapping the result, and recording for
autodiff. Four ops (``add``, ``matmul``, ``reduce_sum``, multiplying by the Python scalar
2.0) are timed with a calibrated ``timeit`` loop, their runs interleaved, the best of
several kept; the figure is the mean over the four ops of seconds per call. ``run`` times
them without a tape, ``run_taped`` inside an active GradientTape watching the inputs
(``requires_grad=True`` for PyTorch); NumPy, the floor, has no tape in either.

    python benchmarks/op_overhead.py [--repeats 5] [--frameworks ndflow,torch]
"""

import contextlib
import sys
import timeit

import numpy as np

from _common import import_tensorflow, params, unknown

FRAMEWORKS = ("ndflow", "tensorflow", "torch", "numpy")
OPS = ("add", "matmul", "reduce_sum", "multiply by 2.0")
SHAPE = (8, 8)
SIZES = {"quick": {"target_s": 0.002, "repeats": 2},
         "full": {"target_s": 0.02, "repeats": 7}}


def _inputs():
    rng = np.random.default_rng(0)
    return (rng.standard_normal(SHAPE).astype(np.float32),
            rng.standard_normal(SHAPE).astype(np.float32))


def numpy_cells(taped):
    a, b = _inputs()
    return {"add": lambda: np.add(a, b),
            "matmul": lambda: np.matmul(a, b),
            "reduce_sum": lambda: a.sum(),  # np.sum adds ~3 µs of Python dispatch on top
            "multiply by 2.0": lambda: np.multiply(a, 2.0)}, contextlib.nullcontext


def ndflow_cells(taped):
    import ndflow as nd

    a, b = (nd.convert_to_tensor(x) for x in _inputs())

    @contextlib.contextmanager
    def tape():  # a fresh tape per timed run keeps the recorded history bounded
        with nd.GradientTape() as t:
            t.watch([a, b])
            yield

    return {"add": lambda: nd.add(a, b),
            "matmul": lambda: nd.matmul(a, b),
            "reduce_sum": lambda: nd.reduce_sum(a),
            "multiply by 2.0": lambda: a * 2.0}, tape if taped else contextlib.nullcontext


def torch_cells(taped):
    import torch

    a, b = (torch.from_numpy(x).requires_grad_(taped) for x in _inputs())
    return {"add": lambda: torch.add(a, b),
            "matmul": lambda: torch.matmul(a, b),
            "reduce_sum": lambda: torch.sum(a),
            "multiply by 2.0": lambda: a * 2.0}, contextlib.nullcontext


def tensorflow_cells(taped):
    tf = import_tensorflow()
    a, b = (tf.constant(x) for x in _inputs())

    @contextlib.contextmanager
    def tape():
        with tf.GradientTape() as t:
            t.watch([a, b])
            yield

    return {"add": lambda: tf.add(a, b),
            "matmul": lambda: tf.matmul(a, b),
            "reduce_sum": lambda: tf.reduce_sum(a),
            "multiply by 2.0": lambda: a * 2.0}, tape if taped else contextlib.nullcontext


CELLS = {"ndflow": ndflow_cells, "tensorflow": tensorflow_cells, "torch": torch_cells,
         "numpy": numpy_cells}


def measure(fns, context, repeats, target_s):
    """Best seconds per call of each function; the runs of all of them are interleaved."""
    timers, numbers = {}, {}
    for op, fn in fns.items():
        timer = timers[op] = timeit.Timer(fn)
        number = 1
        with context():
            while timer.timeit(number) < target_s:
                number *= 4
        numbers[op] = number
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for op in fns:
            with context():
                best[op] = min(best[op], timers[op].timeit(numbers[op]) / numbers[op])
    return best


def _run(framework, size, info, taped):
    if framework not in CELLS:
        raise unknown(framework, FRAMEWORKS, "op overhead")
    p = params(SIZES, size)
    fns, context = CELLS[framework](taped)
    best = measure(fns, context, p["repeats"], p["target_s"])
    if info is not None:
        info["us_per_op"] = {op: round(s * 1e6, 3) for op, s in best.items()}
    return float(np.mean(list(best.values())))


def run(framework, size="full", info=None):
    """Mean seconds per call of the four ops, without a tape."""
    return _run(framework, size, info, taped=False)


def run_taped(framework, size="full", info=None):
    """Mean seconds per call of the four ops inside a tape watching the inputs."""
    return _run(framework, size, info, taped=True)


def main(argv=None):
    import peers

    return peers.main(["--workloads", "op,op_tape", "--no-save", *(argv or sys.argv[1:])])


if __name__ == "__main__":
    main()
