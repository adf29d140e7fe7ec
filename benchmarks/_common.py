"""What the workload modules share: sizes, peak memory, timing helpers, framework set-up.

Every workload module defines ``run(framework, size="full", info=None) -> seconds`` (or
several such functions) and a ``SIZES`` table with a "quick" and a "full" entry. Heavy
imports (ndflow, TensorFlow, PyTorch, scikit-learn) happen inside the run functions only,
so the harness can read the modules without loading any framework.
"""

import os
import resource
import sys
import time

import numpy as np

# Adam as Keras configures it by default; the PyTorch loops use the same settings.
LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-7


def unknown(framework, frameworks, workload):
    """The error for a framework a workload has no runner for."""
    return ValueError(f"{workload}: no runner for framework {framework!r}; "
                      f"expected one of {', '.join(frameworks)}")


def params(sizes, size):
    """The parameters of ``size`` ("quick" or "full") from a module's ``SIZES`` table."""
    if size not in sizes:
        raise ValueError(f"size must be one of {', '.join(sizes)}, got {size!r}")
    return sizes[size]


def peak_rss_mb():
    """Peak resident memory of this process in MB (the high-water mark since it started)."""
    try:
        with open("/proc/self/status") as f:  # VmHWM starts afresh at exec, unlike ru_maxrss
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes on macOS


def load_average():
    """The 1-minute load average, or None where the platform has none."""
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def timed(fn):
    """``(seconds, result)`` of one call of ``fn``."""
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def warmup_rows(n, batch):
    """Rows for a warm-up fit that meets both batch shapes of an epoch over ``n`` rows.

    Two full batches plus the short last one, so compiled frameworks trace every signature
    the timed epoch needs before the clock starts (ndflow's ``fit`` traces its first batch
    shape twice and compares the traces before it trusts the graph).
    """
    return min(n, 2 * batch + n % batch)


def import_tensorflow():
    """TensorFlow with its start-up log lines silenced."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    return tf


def keras_api(framework):
    """``(keras, set_random_seed)`` of ndflow's Keras or of Keras on TensorFlow."""
    if framework.startswith("ndflow"):
        from ndflow import keras
    elif framework == "tensorflow":
        keras = import_tensorflow().keras
    else:
        raise ValueError(f"no Keras for framework {framework!r}")
    return keras, keras.utils.set_random_seed


def torch_adam(torch, parameters):
    """PyTorch's Adam with Keras's defaults (lr 1e-3, eps 1e-7)."""
    return torch.optim.Adam(parameters, lr=LR, betas=(BETA1, BETA2), eps=EPS)


def torch_epoch(torch, model, optimizer, loss_fn, x, y, batch):
    """One shuffled epoch of minibatch steps, as Keras's ``fit`` runs it."""
    model.train()
    order = torch.randperm(len(x))
    for start in range(0, len(x), batch):
        idx = order[start:start + batch]
        optimizer.zero_grad()
        loss_fn(model(x[idx]), y[idx]).backward()
        optimizer.step()


def accuracy(predicted, labels):
    """Share of rows whose arg-max matches (labels: class ids or one-hot rows)."""
    predicted = np.asarray(predicted)
    labels = np.asarray(labels)
    if labels.ndim > 1:
        labels = labels.argmax(1)
    return float(np.mean(predicted.argmax(1) == labels))
