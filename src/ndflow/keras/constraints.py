"""Weight constraints, as ``keras.constraints``: projections applied after each update.

>>> from ndflow.keras import constraints
>>> constraints.NonNeg()([-1.0, 2.0]).numpy()
array([0., 2.], dtype=float32)

A constraint is called on a weight and returns the projected tensor (same shape and
dtype); the optimizer assigns it back to the variable.
"""

from ndflow.backend.config import epsilon
from ndflow.core.convert import convert_to_tensor
from ndflow.keras.saving.object_table import Configurable, ObjectTable
from ndflow.ops import math as _math
from ndflow.ops.nn import relu
from ndflow.ops.reduction import reduce_sum

__all__ = [
    "Constraint",
    "MaxNorm",
    "MinMaxNorm",
    "NonNeg",
    "UnitNorm",
    "deserialize",
    "get",
    "max_norm",
    "min_max_norm",
    "non_neg",
    "serialize",
    "unit_norm",
]


def _norms(w, axis):
    """Euclidean norms of ``w`` over ``axis`` (an int or a list), kept for broadcasting."""
    axis = list(axis) if isinstance(axis, (list, tuple)) else axis
    return _math.sqrt(reduce_sum(_math.square(w), axis=axis, keepdims=True))


def _rescale(w, norms, desired):
    # epsilon keeps all-zero slices at zero instead of 0 / 0
    return w * (desired / (norms + epsilon()))


class Constraint(Configurable):
    """Base class of constraints: ``constraint(w)`` returns the projected weight."""

    def __call__(self, w):
        return w





class MaxNorm(Constraint):
    """Rescales each slice along ``axis`` whose Euclidean norm exceeds ``max_value``.

    For a Dense kernel ``(in, out)`` the default ``axis=0`` constrains each unit's
    incoming weights; for a convolution kernel use ``axis=[0, 1, 2]``.
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = convert_to_tensor(w)
        norms = _norms(w, self.axis)
        return _rescale(w, norms, _math.clip_by_value(norms, 0.0, self.max_value))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero."""

    def __call__(self, w):
        return relu(w)


class UnitNorm(Constraint):
    """Rescales each slice along ``axis`` to Euclidean norm 1."""

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = convert_to_tensor(w)
        return w / (_norms(w, self.axis) + epsilon())

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves each slice's norm along ``axis`` into ``[min_value, max_value]``.

    ``rate`` sets how far each call goes: the new norm is
    ``rate * clip(norm, min_value, max_value) + (1 - rate) * norm``.
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = convert_to_tensor(w)
        norms = _norms(w, self.axis)
        clipped = _math.clip_by_value(norms, self.min_value, self.max_value)
        desired = clipped if self.rate == 1 else clipped * self.rate + norms * (1 - self.rate)
        return _rescale(w, norms, desired)

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


# Keras's lower-case aliases of the classes
max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm


# -- lookup by name ------------------------------------------------------------------
_CLASSES = (Constraint, MaxNorm, NonNeg, UnitNorm, MinMaxNorm)
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({"constraint": Constraint, "max_norm": MaxNorm, "non_neg": NonNeg,
                 "unit_norm": UnitNorm, "min_max_norm": MinMaxNorm})


_TABLE = ObjectTable("constraint", "keras.constraints", _BY_NAME, "max_norm")
serialize = _TABLE.serialize
deserialize = _TABLE.deserialize
get = _TABLE.get
