"""Shared by the callbacks that watch a metric: which direction is better, and its value."""

import math
import warnings

import numpy as np

# metrics that are better when larger (mode='auto' picks 'max' for them)
_MAX_HINTS = ("acc", "auc", "precision", "recall", "f1", "fscore", "iou")


def resolve_mode(callback_name, monitor, mode):
    """'min' or 'max' for ``mode`` ('auto' guesses from the metric's name)."""
    if mode not in ("auto", "min", "max"):
        warnings.warn(f"{callback_name} mode '{mode}' is unknown, fallback to auto mode.",
                      stacklevel=3)
        mode = "auto"
    if mode != "auto":
        return mode
    name = monitor.lower()
    return "max" if any(hint in name for hint in _MAX_HINTS) else "min"


def worst(mode):
    return math.inf if mode == "min" else -math.inf


def monitored_value(callback_name, monitor, logs):
    """``logs[monitor]`` as a float, or None (with a warning naming the keys there are)."""
    logs = logs or {}
    value = logs.get(monitor)
    if value is None:
        warnings.warn(f"{callback_name} is conditioned on metric `{monitor}` which is not "
                      f"available. Available metrics are: {','.join(logs)}.", stacklevel=3)
        return None
    return float(np.asarray(value))


def learning_rate_of(model, callback_name):
    """The optimizer's current learning rate as a float (error if it has none)."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "learning_rate"):
        raise ValueError(f"{callback_name}: the model's optimizer must have a "
                         f"'learning_rate' attribute; compile the model first.")
    value = optimizer.learning_rate
    return float(np.asarray(value.numpy() if hasattr(value, "numpy") else value))
