"""The gradient-check table: every differentiable primitive appears in some case.

Each module in this package (one per ops module) defines ``CASES``, a list of
:class:`Case`. ``tests/ops/test_gradients.py`` checks each case against finite
differences (first order for all, second order where ``order=2``) and fails when a
registered differentiable primitive is exercised by no case.
"""

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable

import numpy as np


@dataclasses.dataclass
class Case:
    """One gradient check: ``fn(*args)`` with float64 NumPy ``args``."""

    name: str
    fn: Callable
    args: list
    order: int = 2
    atol: float = 1e-5
    rtol: float = 1e-4

    def __str__(self):
        return self.name


def rand(*shape, low=-1.0, high=1.0, seed=None):
    """Float64 test input, uniform in [low, high), deterministic per shape and bounds."""
    if seed is None:
        seed = abs(hash((shape, low, high))) % (2**32)
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def all_cases() -> list:
    """Collect ``CASES`` from every module of this package."""
    cases = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        cases.extend(getattr(module, "CASES", []))
    return cases
