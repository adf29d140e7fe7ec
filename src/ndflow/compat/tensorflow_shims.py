"""The few top-level ``tf`` names that ndflow itself does not have, as thin stand-ins.

Each is looked up only after ndflow's own names (``ndflow.compat.table``), so when ndflow
gains a real one, scripts get that instead.
"""

import contextlib
import importlib
import logging
import sys

import numpy as np

from ndflow.autodiff.primitive import graph_tracer
from ndflow.core.tensor import Tensor

__all__ = ["VERSION", "device", "executing_eagerly", "get_logger", "print"]

TENSORFLOW_API = "2.16.0"  # the TensorFlow release whose API (with Keras 3) ndflow follows

# the package facade sits above this layer: read by name (it is imported before any
# ndflow submodule runs)
VERSION = __version__ = f"{TENSORFLOW_API}+ndflow.{importlib.import_module('ndflow').__version__}"


def executing_eagerly() -> bool:
    """False while ``ndflow.function`` traces a function into a graph, else True."""
    return graph_tracer() is None


@contextlib.contextmanager
def device(device_name):
    """``tf.device``, partly: the placement request is accepted and ignored.

    Tensors live on ndflow's default device (``ndflow.set_default_device('gpu')`` with CuPy).
    """
    if device_name is not None and not isinstance(device_name, str):
        raise TypeError(f"tf.device: expected a device name such as '/CPU:0', got "
                        f"{device_name!r}")
    yield


def get_logger() -> logging.Logger:
    """The logger of ndflow (scripts use it to set the log level)."""
    return logging.getLogger("ndflow")


def print(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):
    """``tf.print``: print tensors' values (to stderr by default, as TensorFlow does).

    ``summarize`` elements are shown at each end of a long dimension (-1 or None: all);
    ``output_stream`` is a file object, a callable taking the text, or ``'file://PATH'``.
    """
    text = sep.join(_format(value, summarize) for value in inputs) + end
    stream = sys.stderr if output_stream is None else output_stream
    if isinstance(stream, str):
        if not stream.startswith("file://"):
            raise ValueError(f"tf.print: output_stream must be a stream, a callable or "
                             f"'file://PATH', got {stream!r}")
        with open(stream[len("file://"):], "a", encoding="utf-8") as f:
            f.write(text)
    elif hasattr(stream, "write"):
        stream.write(text)
    elif callable(stream):
        stream(text.removesuffix("\n"))
    else:
        raise TypeError(f"tf.print: unsupported output_stream {stream!r}")


def _format(value, summarize) -> str:
    if isinstance(value, Tensor):
        value = value.numpy()
    if isinstance(value, (np.ndarray, np.generic)):
        every = summarize is None or summarize < 0
        return np.array2string(np.asarray(value), separator=" ", max_line_width=sys.maxsize,
                               threshold=sys.maxsize if every else 0,
                               edgeitems=3 if every else summarize)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_format(v, summarize)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_format(v, summarize) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(_format(v, summarize) for v in value) + ")"
    return str(value)
