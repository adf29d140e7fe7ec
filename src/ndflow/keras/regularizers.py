"""Weight regularizers, as ``keras.regularizers``: penalties added to the training loss.

>>> from ndflow.keras import regularizers
>>> float(regularizers.L2(0.1)([1.0, 2.0]))
0.5

A regularizer is called on a weight and returns a scalar tensor of the weight's dtype,
differentiable with respect to the weight.
"""

import math
import numbers

from ndflow.core.convert import convert_to_tensor
from ndflow.keras.saving.object_table import Configurable, ObjectTable
from ndflow.ops import math as _math
from ndflow.ops.creation import eye
from ndflow.ops.linalg import matmul
from ndflow.ops.nn import l2_normalize
from ndflow.ops.reduction import reduce_sum

__all__ = [
    "L1",
    "L1L2",
    "L2",
    "OrthogonalRegularizer",
    "Regularizer",
    "deserialize",
    "get",
    "l1",
    "l1_l2",
    "l2",
    "orthogonal_regularizer",
    "serialize",
]


def _factor(value, name, who):
    """A non-negative, finite float factor (None counts as 0), as Keras validates it."""
    if value is None:
        return 0.0
    if (isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0
            or not math.isfinite(value)):
        raise ValueError(f"{who}: {name} must be a non-negative float, got {name}={value!r}")
    return float(value)


class Regularizer(Configurable):
    """Base class of regularizers: ``regularizer(weight)`` returns a scalar penalty."""

    def __call__(self, x):
        return convert_to_tensor(0.0, dtype=convert_to_tensor(x).dtype)

    def get_config(self) -> dict:
        """The constructor arguments that rebuild this regularizer."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config()")




class L1(Regularizer):
    """``l1 * sum(abs(x))``."""

    def __init__(self, l1=0.01):
        self.l1 = _factor(l1, "l1", "L1")

    def __call__(self, x):
        return reduce_sum(_math.abs(convert_to_tensor(x))) * self.l1

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(square(x))``."""

    def __init__(self, l2=0.01):
        self.l2 = _factor(l2, "l2", "L2")

    def __call__(self, x):
        return reduce_sum(_math.square(convert_to_tensor(x))) * self.l2

    def get_config(self):
        return {"l2": self.l2}


class L1L2(Regularizer):
    """``l1 * sum(abs(x)) + l2 * sum(square(x))``."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor(l1, "l1", "L1L2")
        self.l2 = _factor(l2, "l2", "L1L2")

    def __call__(self, x):
        x = convert_to_tensor(x)
        penalty = convert_to_tensor(0.0, dtype=x.dtype)
        if self.l1:
            penalty = penalty + reduce_sum(_math.abs(x)) * self.l1
        if self.l2:
            penalty = penalty + reduce_sum(_math.square(x)) * self.l2
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D weight toward orthogonality.

    ``factor * mean |cos(angle)|`` over the pairs of distinct rows (``mode='rows'``) or
    columns (``mode='columns'``), half-weighted as in Keras.
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _factor(factor, "factor", "OrthogonalRegularizer")
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer: mode must be 'rows' or 'columns', got "
                             f"{mode!r}")
        self.mode = mode

    def __call__(self, x):
        x = convert_to_tensor(x)
        if x.ndim != 2:
            raise ValueError(f"OrthogonalRegularizer: the weight must be 2-D, got shape "
                             f"{tuple(x.shape)}")
        if self.mode == "rows":
            x = l2_normalize(x, axis=1)
            cosines, size = matmul(x, x, transpose_b=True), x.shape[0]
        else:
            x = l2_normalize(x, axis=0)
            cosines, size = matmul(x, x, transpose_a=True), x.shape[1]
        if size < 2:
            return convert_to_tensor(0.0, dtype=x.dtype)
        off_diagonal = cosines * (1.0 - eye(size, dtype=x.dtype))
        pairs = size * (size - 1) / 2
        return reduce_sum(_math.abs(off_diagonal)) * (self.factor * 0.5 / pairs)

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


# Keras's lower-case aliases of the classes
l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer


# -- lookup by name ------------------------------------------------------------------
_CLASSES = (Regularizer, L1, L2, L1L2, OrthogonalRegularizer)
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({"regularizer": Regularizer, "l1": L1, "l2": L2, "l1_l2": L1L2,
                 "l1l2": L1L2, "orthogonal_regularizer": OrthogonalRegularizer})


_TABLE = ObjectTable("regularizer", "keras.regularizers", _BY_NAME, "l2")
serialize = _TABLE.serialize
deserialize = _TABLE.deserialize
get = _TABLE.get
