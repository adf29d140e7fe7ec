"""Physical cost terms: J = loss + lambda R(theta) + lambda_phy L_phy(y_hat).

Each term comes twice: a function on tensors returning a scalar penalty, for
``model.add_loss`` inside a model's ``call`` (where the inputs are at hand), and a Keras
loss class for ``compile(loss=...)``; :class:`PhysicsLoss` adds weighted terms to a data
loss. ``R(theta)`` is Keras's weight regularization (``kernel_regularizer``).

>>> loss = PhysicsLoss("mse", [(MonotonicPenalty(axis=-1), 0.5)])   # density grows with depth
>>> model.compile(optimizer="adam", loss=loss)
>>> # or, inside call():  self.add_loss(0.5 * monotonic_penalty(density, axis=-1))
"""

from __future__ import annotations

import numbers

import numpy as np

from ndflow.core.convert import convert_to_tensor
from ndflow.core.tensor import Tensor
from ndflow.keras import losses as losses_module
from ndflow.ops.math import abs as _abs
from ndflow.ops.math import conj, real, square
from ndflow.ops.nn import relu
from ndflow.ops.reduction import reduce_mean, reduce_sum

__all__ = ["MonotonicPenalty", "NormalizationPenalty", "PhysicsLoss", "ThresholdPenalty",
           "monotonic_penalty", "normalization_penalty", "threshold_penalty"]


def _tensor(x, who) -> Tensor:
    t = x if isinstance(x, Tensor) else convert_to_tensor(x)
    if t._value.dtype.kind not in "fc":
        raise TypeError(f"{who}: expected floating values, got dtype {t.dtype.name}")
    return t


def _axis(t, axis, who) -> int:
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) \
            or not -t.ndim <= axis < t.ndim:
        raise ValueError(f"{who}: axis {axis!r} is out of range for a tensor of shape "
                         f"{tuple(t.shape)}")
    return int(axis) % t.ndim


def _neighbours(t, axis):
    """``(t[..., 1:, ...], t[..., :-1, ...])`` along ``axis``: consecutive pairs."""
    lead = (slice(None),) * axis
    return t[lead + (slice(1, None),)], t[lead + (slice(None, -1),)]


def _per_sample(values, keep_batch):
    """The mean over every axis but the first (one value per sample) or over all."""
    if not keep_batch:
        return reduce_mean(values)
    if values.ndim <= 1:
        return values
    return reduce_mean(values, axis=list(range(1, values.ndim)))


# -- the penalties as functions ----------------------------------------------------------
def threshold_penalty(residual, tau=0.0) -> Tensor:
    """``mean(relu(|residual| - tau))``: zero while a balance holds within ``tau``, e.g.
    energy conservation with ``residual = dU - F``."""
    r = _tensor(residual, "threshold_penalty")
    return reduce_mean(relu(_abs(r) - _check_tau(tau, "threshold_penalty")))


def monotonic_penalty(y, axis=-1, increasing=True, margin=0.0) -> Tensor:
    """``mean(relu(y_i - y_{i+1} + margin))`` along ``axis`` (reversed when decreasing):
    zero when ``y`` grows along the axis, e.g. density with depth."""
    y = _tensor(y, "monotonic_penalty")
    return reduce_mean(_monotonic_violations(y, axis, increasing, margin, "monotonic_penalty"))


def normalization_penalty(psi, x=None, dx=None, axis=-1, target=1.0) -> Tensor:
    """``mean((integral |psi|^2 dx - target)^2)``, the integral by the trapezoid rule
    along ``axis`` on the grid ``x`` (or with spacing ``dx``)."""
    psi = _tensor(psi, "normalization_penalty")
    norm = _norm(psi, x, dx, axis, "normalization_penalty")
    return reduce_mean(square(norm - target))


def _check_tau(tau, who):
    if isinstance(tau, bool) or not isinstance(tau, numbers.Real) or tau < 0:
        raise ValueError(f"{who}: tau must be a number >= 0, got {tau!r}")
    return float(tau)


def _monotonic_violations(y, axis, increasing, margin, who) -> Tensor:
    axis = _axis(y, axis, who)
    if y.shape[axis] < 2:
        raise ValueError(f"{who}: need at least 2 values along axis {axis}, got shape "
                         f"{tuple(y.shape)}")
    after, before = _neighbours(y, axis)
    step = after - before if increasing else before - after
    return relu(margin - step)


def _norm(psi, x, dx, axis, who) -> Tensor:
    """``integral |psi|^2`` along ``axis`` by the trapezoid rule (that axis is removed)."""
    axis = _axis(psi, axis, who)
    n = psi.shape[axis]
    if n < 2:
        raise ValueError(f"{who}: need at least 2 grid points along axis {axis}, got shape "
                         f"{tuple(psi.shape)}")
    density = real(psi * conj(psi)) if psi._value.dtype.kind == "c" else psi * psi
    after, before = _neighbours(density, axis)
    widths = _widths(x, dx, n, who)
    dtype = density._value.dtype
    if widths.ndim:  # a grid: one width per interval, broadcast along the other axes
        shape = [1] * density.ndim
        shape[axis] = n - 1
        widths = widths.reshape(shape)
    return reduce_sum((after + before) * convert_to_tensor(
        (0.5 * widths).astype(dtype)), axis=axis)


def _widths(x, dx, n, who) -> np.ndarray:
    if (x is None) == (dx is None):
        raise ValueError(f"{who}: give either the grid x or the spacing dx")
    if dx is not None:
        if isinstance(dx, bool) or not isinstance(dx, numbers.Real) or dx <= 0:
            raise ValueError(f"{who}: dx must be a positive number, got {dx!r}")
        return np.asarray(float(dx))
    grid = np.asarray(x.numpy() if isinstance(x, Tensor) else x, dtype=np.float64).reshape(-1)
    if grid.size != n:
        raise ValueError(f"{who}: the grid x has {grid.size} points but psi has {n} along "
                         f"the integration axis")
    widths = np.diff(grid)
    if np.any(widths <= 0):
        raise ValueError(f"{who}: the grid x must be strictly increasing")
    return widths


# -- the penalties as Keras losses -------------------------------------------------------
class ThresholdPenalty(losses_module.Loss):
    """``relu(|r| - tau)`` per sample, ``r = residual(y_true, y_pred)`` (default
    ``y_pred - y_true``: the prediction, e.g. an energy change, should match the target
    within ``tau``)."""

    def __init__(self, tau=0.0, residual=None, name=None, reduction="sum_over_batch_size",
                 dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.tau = _check_tau(tau, "ThresholdPenalty")
        if residual is not None and not callable(residual):
            raise TypeError(f"ThresholdPenalty: residual must be a function "
                            f"residual(y_true, y_pred), got {type(residual).__name__}")
        self.residual = residual

    def call(self, y_true, y_pred):
        if self.residual is not None:
            r = self.residual(y_true, y_pred)
        else:
            if y_true.ndim != y_pred.ndim:
                y_true, y_pred = losses_module.squeeze_or_expand_to_same_rank(y_true, y_pred)
            r = y_pred - y_true
        return _per_sample(relu(_abs(_tensor(r, "ThresholdPenalty")) - self.tau), True)

    def get_config(self):
        if self.residual is not None:
            raise NotImplementedError("ThresholdPenalty with a residual function cannot be "
                                      "serialized")
        return {**super().get_config(), "tau": self.tau}


class MonotonicPenalty(losses_module.Loss):
    """Penalizes predictions that do not grow (or, ``increasing=False``, shrink) along
    ``axis``; ``y_true`` is ignored. Along ``axis=0`` the batch itself is the ordered
    sequence and the penalty is one number for the batch."""

    def __init__(self, axis=-1, increasing=True, margin=0.0, name=None,
                 reduction="sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.axis = axis
        self.increasing = bool(increasing)
        self.margin = float(margin)

    def call(self, y_true, y_pred):
        y = _tensor(y_pred, "MonotonicPenalty")
        violations = _monotonic_violations(y, self.axis, self.increasing, self.margin,
                                           "MonotonicPenalty")
        return _per_sample(violations, _axis(y, self.axis, "MonotonicPenalty") != 0)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "increasing": self.increasing,
                "margin": self.margin}


class NormalizationPenalty(losses_module.Loss):
    """``(integral |psi|^2 dx - target)^2`` per sample, ``psi = y_pred`` sampled on the
    grid ``x`` (or spacing ``dx``) along ``axis``; ``y_true`` is ignored."""

    def __init__(self, x=None, dx=None, axis=-1, target=1.0, name=None,
                 reduction="sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.x = None if x is None else np.asarray(x, dtype=np.float64).reshape(-1)
        _widths(self.x, dx, 2 if x is None else self.x.size, "NormalizationPenalty")
        self.dx = dx
        self.axis = axis
        self.target = float(target)

    def call(self, y_true, y_pred):
        psi = _tensor(y_pred, "NormalizationPenalty")
        return square(_norm(psi, self.x, self.dx, self.axis, "NormalizationPenalty")
                      - self.target)

    def get_config(self):
        return {**super().get_config(), "x": None if self.x is None else self.x.tolist(),
                "dx": self.dx, "axis": self.axis, "target": self.target}


class PhysicsLoss(losses_module.Loss):
    """``base_loss + sum_k weight_k * term_k``, every term a Keras loss (or a function
    ``f(y_true, y_pred)``) reduced to a scalar: the lecture's data loss plus
    ``lambda_phy`` times physical costs.

    >>> PhysicsLoss("mse", [(ThresholdPenalty(tau=0.1), 0.2)])
    """

    def __init__(self, base_loss="mse", terms=(), name="physics_loss",
                 reduction="sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.base_loss = _loss_object(base_loss)
        self.terms = []
        for item in terms:
            if not isinstance(item, (list, tuple)) or len(item) != 2:
                raise ValueError(f"PhysicsLoss: terms must be (term, weight) pairs, got "
                                 f"{item!r}")
            term, weight = item
            if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or weight < 0:
                raise ValueError(f"PhysicsLoss: the weight of {term!r} must be a number "
                                 f">= 0, got {weight!r}")
            self.terms.append((_loss_object(term), float(weight)))

    def __call__(self, y_true, y_pred, sample_weight=None):
        total = None
        if self.base_loss is not None:
            total = self.base_loss(y_true, y_pred, sample_weight=sample_weight)
        for term, weight in self.terms:
            value = term(y_true, y_pred) * weight
            total = value if total is None else total + value
        if total is None:
            raise ValueError("PhysicsLoss: no base loss and no terms")
        return total

    def call(self, y_true, y_pred):
        return self(y_true, y_pred)

    def get_config(self):
        return {**super().get_config(),
                "base_loss": losses_module.serialize(self.base_loss),
                "terms": [[losses_module.serialize(t), w] for t, w in self.terms]}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["base_loss"] = losses_module.deserialize(config["base_loss"]) \
            if config.get("base_loss") is not None else None
        config["terms"] = [(_deserialize_term(t), w) for t, w in config.get("terms", [])]
        return cls(**config)


_OWN_TERMS = {"ThresholdPenalty": ThresholdPenalty, "MonotonicPenalty": MonotonicPenalty,
              "NormalizationPenalty": NormalizationPenalty}


def _deserialize_term(config):
    if isinstance(config, dict) and config.get("class_name") in _OWN_TERMS:
        return _OWN_TERMS[config["class_name"]].from_config(config["config"])
    return losses_module.deserialize(config)


def _loss_object(identifier):
    """A Loss reducing to a scalar (plain functions are wrapped); None stays None."""
    if identifier is None:
        return None
    obj = losses_module.get(identifier)
    if not isinstance(obj, losses_module.Loss):
        obj = losses_module.LossFunctionWrapper(obj, name=getattr(obj, "__name__", None))
    return obj
