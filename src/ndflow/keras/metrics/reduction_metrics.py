"""Mean, Sum and MeanMetricWrapper: running (weighted) reductions of per-sample values."""

import functools

import numpy as np

from ndflow.backend import floatx
from ndflow.core.convert import convert_to_tensor
from ndflow.core.tensor import Tensor, wrap
from ndflow.keras.metrics.base import (
    Metric,
    accumulate,
    raw,
    raw_float,
    squeeze_or_expand,
)
from ndflow.ops.cast import cast

__all__ = ["Mean", "MeanMetricWrapper", "Sum"]


def metric_function(raw_fn):
    """Turn ``raw_fn(y_true, y_pred, **kw)`` on raw arrays into the public metric function.

    The public function takes tensors or arrays and returns a tensor; ``MeanMetricWrapper``
    calls ``raw_fn`` directly on the batch's arrays (through ``fn._raw``).
    """

    @functools.wraps(raw_fn)
    def fn(y_true, y_pred, **kwargs):
        out = np.asarray(raw_fn(raw(y_true), raw(y_pred), **kwargs))
        return wrap(out if out.dtype.kind == "f" else out.astype(floatx()))

    fn._raw = raw_fn
    return fn


def samplewise(who, values, sample_weight, reduce):
    """Align ``sample_weight`` with ``values`` as Keras does; weight the values.

    The values are reduced (with ``reduce``: np.mean or np.sum) over the axes the weight
    lacks, multiplied by the weight broadcast to them; returns ``(values, weights)``
    where ``weights`` is reduced to one weight per sample (``None`` when unweighted).
    """
    sw = raw_float(sample_weight)
    values, sw = squeeze_or_expand(values, sw)
    w_ndim, v_ndim = sw.ndim, values.ndim
    if v_ndim > w_ndim:
        values = reduce(values, axis=tuple(range(w_ndim, v_ndim)))
    try:
        sw = np.broadcast_to(sw, values.shape)
    except ValueError:
        raise ValueError(f"{who}: sample_weight of shape {raw(sample_weight).shape} cannot "
                         f"be broadcast to the per-sample values of shape "
                         f"{values.shape}") from None
    values = values * sw
    if w_ndim > 1:
        sw = reduce(sw, axis=tuple(range(1, w_ndim)))
    return values, sw


class Sum(Metric):
    """The running (weighted) sum of the values given to ``update_state``."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")

    def update_state(self, values, sample_weight=None):
        values = raw(values)
        if sample_weight is not None:
            values, _ = samplewise(self.name, values, sample_weight, np.sum)
        accumulate(self.total, float(values.sum()))

    def result(self):
        return self._wrap_result(self.total._value)


class Mean(Metric):
    """The running (weighted) mean of the values given to ``update_state``.

    Values of rank > 1 are first averaged per sample (over all but the first axis); each
    sample then counts with its weight (1 by default): ``sum(w * v) / sum(w)``.
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")
        self.count = self.add_variable((), name="count")

    def update_state(self, values, sample_weight=None):
        self._update_mean(raw(values), sample_weight)

    def _update_mean(self, values, sample_weight):
        if sample_weight is None:
            if values.ndim == 0:
                total, count = float(values), 1.0
            else:
                # sum of the per-sample means, without building them
                count = values.shape[0]
                hits = (np.count_nonzero(values) if values.dtype == bool
                        else np.add.reduce(values, axis=None))
                total = float(hits) * count / values.size if values.size else 0.0
        else:
            values, sw = samplewise(self.name, values, sample_weight, np.mean)
            if values.ndim > 1:
                values = values.mean(axis=tuple(range(1, values.ndim)))
            total, count = float(values.sum()), float(sw.sum())
        # new scalars are installed (cheaper than writing into 0-d arrays)
        to_dtype = self._np_dtype.type
        self.total._value = self.total._value + to_dtype(total)
        self.count._value = self.count._value + to_dtype(count)

    def result(self):
        count = self.count._value
        return self._wrap_result(self.total._value / count if count else 0.0)


class MeanMetricWrapper(Mean):
    """The running mean of ``fn(y_true, y_pred, **kwargs)``, a per-sample metric function.

    >>> m = MeanMetricWrapper(lambda t, p: abs(t - p), name="l1")

    ``name`` defaults to the function's ``__name__``.
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper: fn must be callable, got {fn!r}")
        if name is None:
            name = getattr(fn, "__name__", None)
            name = None if name == "<lambda>" else name
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._raw_fn = getattr(fn, "_raw", None)
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        if self._raw_fn is not None:
            values = self._raw_fn(raw(y_true), raw(y_pred), **self._fn_kwargs)
        else:
            values = raw(self._fn(*_as_tensors(y_true, y_pred), **self._fn_kwargs))
        self._update_mean(values, sample_weight)

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, **self._fn_kwargs}
        if type(self) is MeanMetricWrapper:
            from ndflow.keras.utils.object_registration import get_registered_name

            config["fn"] = get_registered_name(self._fn)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "fn" in config:
            config["fn"] = _function_by_name(config["fn"])
        return cls(**config)


def _as_tensors(y_true, y_pred):
    """Tensors for a user's metric function; float labels take the predictions' dtype."""
    y_pred = convert_to_tensor(y_pred)
    if not isinstance(y_true, Tensor):
        y_true = convert_to_tensor(y_true)
    if (y_true.dtype != y_pred.dtype and y_true.dtype.is_floating
            and y_pred.dtype.is_floating):
        y_true = cast(y_true, y_pred.dtype)
    return y_true, y_pred


def _function_by_name(name):
    if callable(name):
        return name
    from ndflow.keras import metrics
    from ndflow.keras.utils.object_registration import get_registered_object

    fn = get_registered_object(name) or metrics.FUNCTIONS.get(name)
    if fn is None:
        raise ValueError(f"Unknown metric function: {name!r}. Register it with "
                         f"keras.saving.register_keras_serializable or pass it in "
                         f"custom_objects")
    return fn
