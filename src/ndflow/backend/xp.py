"""The array namespace: NumPy on the CPU, CuPy on a GPU.

Primitives call NumPy functions on raw arrays. CuPy arrays implement NumPy's
dispatch protocols (``__array_ufunc__``, ``__array_function__``), so the same
forward code runs on the GPU when its inputs live there. Code that creates arrays
from Python data asks :func:`default_xp` for the namespace of the default device.
"""

import numpy as np

_state = {"device": "cpu", "xp": np}


def array_module(*arrays):
    """Return the namespace (numpy or cupy) that owns the given arrays."""
    for a in arrays:
        if type(a).__module__.startswith("cupy"):
            import cupy

            return cupy
    return np


def default_xp():
    """Return the namespace of the default device, used to create new arrays."""
    return _state["xp"]


def set_default_device(device: str) -> None:
    """Choose where new tensors live: 'cpu' (NumPy) or 'gpu' (CuPy, if installed)."""
    device = device.lower()
    if device in ("cpu", "numpy"):
        _state.update(device="cpu", xp=np)
    elif device in ("gpu", "cuda", "cupy"):
        try:
            import cupy
        except ImportError as e:
            raise RuntimeError(
                "set_default_device('gpu') needs CuPy: pip install 'ndflow[gpu]'"
            ) from e
        _state.update(device="gpu", xp=cupy)
    else:
        raise ValueError(f"Unknown device {device!r}; expected 'cpu' or 'gpu'")


def to_numpy(a):
    """Return a NumPy array for a NumPy or CuPy array."""
    if type(a).__module__.startswith("cupy"):
        return a.get()
    return a
