"""Array backend: the array namespace (NumPy or CuPy), dtype promotion, floatx and RNG."""

from ndflow.backend.config import epsilon, floatx, set_epsilon, set_floatx
from ndflow.backend.xp import array_module, default_xp, set_default_device, to_numpy

__all__ = [
    "array_module",
    "default_xp",
    "epsilon",
    "floatx",
    "set_default_device",
    "set_epsilon",
    "set_floatx",
    "to_numpy",
]
