"""The Metric base class and the array helpers every metric family shares.

Metrics are never differentiated, so they work on raw arrays with NumPy: an update is a
few NumPy calls on the batch and an in-place add into the metric's state variables.
"""

import re

import numpy as np

from ndflow.backend import floatx, to_numpy
from ndflow.core.dtypes import as_dtype
from ndflow.core.tensor import Tensor, wrap
from ndflow.core.variable import Variable
from ndflow.keras.layers import naming

__all__ = ["Metric"]


def snake_case(name: str) -> str:
    """``'BinaryAccuracy'`` -> ``'binary_accuracy'``, ``'AUC'`` -> ``'auc'``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def raw(x):
    """The raw array behind a Tensor, array or Python data."""
    if isinstance(x, Tensor):
        return x._value
    if isinstance(x, np.ndarray):
        return x
    return np.asarray(x)


def raw_float(x):
    """``raw(x)`` as a floating array (integers and booleans become float64)."""
    x = raw(x)
    return x if x.dtype.kind == "f" else x.astype(np.float64)


def squeeze_or_expand(x1, x2, expand_rank_1=True):
    """Make two arrays whose ranks differ by one trailing axis of size 1 the same rank.

    The longer one loses its trailing 1, except that a rank-1 partner gains one instead
    (with ``expand_rank_1``), as Keras aligns ``(N, 1)`` labels with ``(N,)`` values.
    """
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2[..., None]
        else:
            x1 = x1[..., 0]
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1[..., None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def mean_last(x):
    """Mean over the last axis; cheap for a trailing axis of size 1 (``x.mean`` costs
    several microseconds of Python on small batches)."""
    if x.ndim == 0:
        return x
    n = x.shape[-1]
    if n == 1:
        return x[..., 0]
    return np.add.reduce(x, axis=-1) / n


def divide_no_nan(a, b):
    """``a / b`` with 0 where ``b`` is 0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    safe = np.where(b == 0, 1.0, b)
    return np.where(b == 0, 0.0, a / safe)


class Metric:
    """Base class of stateful metrics: ``update_state`` per batch, ``result`` at any time.

    >>> from ndflow.keras.metrics import Mean
    >>> m = Mean()
    >>> m.update_state([1.0, 3.0]); float(m.result())
    2.0

    A subclass creates its state in ``__init__`` with :meth:`add_variable`, accumulates
    into it in ``update_state(y_true, y_pred, sample_weight=None)`` and computes the value
    in ``result()``; ``reset_state()`` sets every state variable back to zero.
    """

    def __init__(self, name=None, dtype=None):
        self.name = name if name is not None else naming.unique(snake_case(type(self).__name__))
        self._dtype = as_dtype(dtype if dtype is not None else floatx())
        self._np_dtype = np.dtype(self._dtype.name)
        self._variables = []

    @property
    def dtype(self) -> str:
        """The dtype of the state and the result, as a string ('float32')."""
        return self._dtype.name

    # -- state -------------------------------------------------------------------------
    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum",
                     name=None):
        """Create a (non-trainable) state variable tracked in :attr:`variables`."""
        np_dtype = self._np_dtype if dtype is None else np.dtype(as_dtype(dtype).name)
        if initializer in ("zeros", None):
            value = np.zeros(shape, dtype=np_dtype)
        elif initializer == "ones":
            value = np.ones(shape, dtype=np_dtype)
        else:
            value = np.asarray(raw(initializer(shape, dtype=np_dtype.name)), dtype=np_dtype)
        var = Variable(value, trainable=False, name=name or f"variable_{len(self._variables)}")
        self._variables.append(var)
        return var

    add_weight = add_variable

    @property
    def variables(self) -> list:
        """The state variables (all non-trainable)."""
        return list(self._variables)

    @property
    def non_trainable_variables(self) -> list:
        return list(self._variables)

    @property
    def trainable_variables(self) -> list:
        return []

    weights = variables

    def reset_state(self):
        """Set every state variable back to zero."""
        for var in self._variables:
            var._value = np.zeros_like(var._value)

    def reset_states(self):
        """Alias of :meth:`reset_state` (the TF 2 name)."""
        self.reset_state()

    # -- protocol ----------------------------------------------------------------------
    def update_state(self, *args, **kwargs):
        """Accumulate statistics from one batch."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_state()")

    def result(self):
        """The metric's value from the state accumulated so far, as a tensor."""
        raise NotImplementedError(f"{type(self).__name__} must implement result()")

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def _wrap_result(self, value):
        """A NumPy value as a tensor of the metric's dtype."""
        return wrap(np.asarray(value, dtype=self._np_dtype))

    # -- configuration -----------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments that rebuild this metric."""
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        """Create a metric from ``get_config()``'s output."""
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def accumulate(var, delta):
    """Add ``delta`` to a state variable, keeping its dtype (a new array is installed)."""
    value = var._value
    var._value = np.asarray(value + to_numpy(delta), dtype=value.dtype)
