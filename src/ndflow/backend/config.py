"""Global numeric settings: the default float type and the fuzz factor epsilon."""

import numpy as np

_FLOAT_TYPES = ("float16", "float32", "float64")
_state = {"floatx": "float32", "epsilon": 1e-7}


def floatx() -> str:
    """Return the default float type as a string, e.g. 'float32'."""
    return _state["floatx"]


def set_floatx(value: str) -> None:
    """Set the default float type ('float16', 'float32' or 'float64')."""
    name = np.dtype(value).name if not isinstance(value, str) else value
    if name not in _FLOAT_TYPES:
        raise ValueError(f"Unknown floatx type: {value!r}; expected one of {_FLOAT_TYPES}")
    _state["floatx"] = name


def epsilon() -> float:
    """Return the fuzz factor used to avoid division by zero (default 1e-7)."""
    return _state["epsilon"]


def set_epsilon(value: float) -> None:
    """Set the fuzz factor used by losses and optimizers."""
    _state["epsilon"] = float(value)
