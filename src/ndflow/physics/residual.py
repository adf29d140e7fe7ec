"""Loss terms of physics-informed training: the equation's residual at collocation points
and the boundary and initial conditions, each a mean squared error.

A residual function is called as ``residual(x, u, d)``: ``x`` the points ``(N, d)``,
``u = network(x)`` and ``d`` a :class:`~ndflow.physics.derivatives.Derivatives` helper
(``d(0, 0)`` is ``d2u/dx0^2``; names work when coordinates are named). It returns the
residual, a tensor that vanishes where the equation holds, or a list or dict of them for a
system of equations.

>>> def oscillator(t, u, d):            # u'' + 2 zeta omega u' + omega^2 u = 0
...     return d(0, 0) + 2 * zeta * omega * d(0) + omega ** 2 * u
"""

from __future__ import annotations

import numbers

import numpy as np

from ndflow.core.convert import convert_to_tensor
from ndflow.core.tensor import Tensor
from ndflow.ops.cast import cast
from ndflow.ops.math import square
from ndflow.ops.reduction import reduce_mean
from ndflow.physics.derivatives import Derivatives, as_points

__all__ = ["Condition", "DirichletBC", "InitialCondition", "NeumannBC", "mean_square",
           "points_for", "residual_terms"]


def mean_square(r) -> Tensor:
    """The mean of ``r**2`` over every element: the loss of a residual."""
    if not isinstance(r, Tensor):
        r = convert_to_tensor(r)
    return reduce_mean(square(r))


def points_for(network, points) -> Tensor:
    """Points as a Tensor in a Keras network's dtype (a plain function gets them in their
    own floating dtype, integers as ``floatx()``)."""
    dtype = getattr(network, "compute_dtype", None)
    if dtype is None:
        return as_points(points, "physics")
    dtype = np.dtype(dtype)
    if isinstance(points, Tensor):
        return points if points._value.dtype == dtype else cast(points, dtype)
    arr = np.asarray(points)
    return convert_to_tensor(arr if arr.dtype == dtype else arr.astype(dtype))


def residual_terms(residual, network, x, coordinates=None, name="residual") -> dict:
    """``{name: mean_square(residual(x, u, d))}`` at the points ``x``; a residual that
    returns a list gives ``name_0, name_1, ...`` and a dict gives its own keys."""
    d = Derivatives(network, points_for(network, x), coordinates)
    out = residual(d.x, d.u, d)
    if isinstance(out, dict):
        return {str(k): mean_square(_checked(v, k, d)) for k, v in out.items()}
    if isinstance(out, (list, tuple)):
        return {f"{name}_{i}": mean_square(_checked(v, f"{name}_{i}", d))
                for i, v in enumerate(out)}
    return {name: mean_square(_checked(out, name, d))}


def _checked(r, label, d) -> Tensor:
    """A residual tensor, refusing shapes that broadcast the points against each other."""
    if r is None:
        raise ValueError(f"The residual function returned None for {label!r}: it must "
                         f"return a tensor (or a list or dict of tensors)")
    if not isinstance(r, Tensor):
        r = convert_to_tensor(r)
    n = d.x.shape[0]
    width = 1 if d.u.ndim == 1 else d.u.shape[1]
    if r.ndim > 2 or (r.ndim > 0 and r.shape[0] != n) or (r.ndim == 2 and n > 1
                                                          and r.shape[1] == n != width):
        raise ValueError(f"Residual {label!r} has shape {tuple(r.shape)} for {n} points "
                         f"(x {tuple(d.x.shape)}, u {tuple(d.u.shape)}): expected (N,) or "
                         f"(N, k); mixing (N,) and (N, 1) tensors broadcasts to (N, N)")
    return r


# -- conditions ---------------------------------------------------------------------------
def _as_point_array(points, who) -> np.ndarray:
    arr = np.asarray(points.numpy() if isinstance(points, Tensor) else points)
    if arr.dtype.kind not in "fiu":
        raise TypeError(f"{who}: points must be numbers, got dtype {arr.dtype}")
    if arr.ndim == 1:
        raise ValueError(f"{who}: points must have shape (n, d), got shape {arr.shape}; "
                         f"a single point in 1-D is [[t0]], several 1-D points x[:, None]")
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(f"{who}: points must have shape (n, d) with n >= 1, got shape "
                         f"{arr.shape}")
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


class Condition:
    """A condition at fixed points: ``residual(x, u, d)`` should vanish there.

    Its loss is the mean square of the residual, weighted by ``weight`` in a PINN (unless
    the PINN's ``loss_weights`` names it). Subclasses state the usual conditions.
    """

    default_name = "condition"

    def __init__(self, points, residual=None, name=None, weight=1.0):
        who = type(self).__name__
        self.points = _as_point_array(points, who)
        if residual is not None and not callable(residual):
            raise TypeError(f"{who}: residual must be a function residual(x, u, d), got "
                            f"{type(residual).__name__}")
        self._residual = residual
        self.name = name or self.default_name
        if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or weight < 0:
            raise ValueError(f"{who}: weight must be a number >= 0, got {weight!r}")
        self.weight = float(weight)

    def residual(self, x, u, d) -> Tensor:
        """The mismatch at the condition's points."""
        if self._residual is None:
            raise NotImplementedError(f"{type(self).__name__} needs a residual function")
        return self._residual(x, u, d)

    def loss(self, network, coordinates=None) -> Tensor:
        """The mean squared residual of ``network`` at the condition's points."""
        d = Derivatives(network, points_for(network, self.points), coordinates)
        return mean_square(_checked(self.residual(d.x, d.u, d), self.name, d))

    def __repr__(self):
        return (f"<{type(self).__name__} name={self.name!r} points={self.points.shape[0]} "
                f"weight={self.weight}>")


class _ValueCondition(Condition):
    """A condition ``D u = value`` with ``D`` a derivative (or none) of one component."""

    def __init__(self, points, value, component=None, name=None, weight=1.0):
        super().__init__(points, name=name, weight=weight)
        self.component = component
        self.value = self._target(value)
        self._targets = {}  # dtype -> the target as a Tensor of that dtype

    def _target(self, value) -> np.ndarray:
        """``value`` (a number, an array or a function of the points) as a column."""
        who = type(self).__name__
        if callable(value):
            value = value(self.points)
        arr = np.asarray(value.numpy() if isinstance(value, Tensor) else value,
                         dtype=np.float64)
        n = self.points.shape[0]
        if arr.ndim == 0:
            return np.full((n, 1), float(arr))
        if arr.size != n:
            raise ValueError(f"{who} {self.name!r}: value must be a number or one value per "
                             f"point ({n}), got shape {arr.shape}")
        return arr.reshape(n, 1)

    def _target_like(self, column: Tensor) -> Tensor:
        dtype = column._value.dtype
        target = self._targets.get(dtype)
        if target is None:
            value = self.value if column.ndim == 2 else self.value[:, 0]
            target = self._targets[dtype] = convert_to_tensor(value.astype(dtype))
        return target

    def _operator(self, d) -> Tensor:
        return d(component=self.component)

    def residual(self, x, u, d) -> Tensor:
        column = self._operator(d)
        return column - self._target_like(column)


class DirichletBC(_ValueCondition):
    """``u = value`` at the points (a number, one value per point, or ``value(points)``).

    Also the way to add observed data: points where ``u`` was measured, and the values.
    """

    default_name = "bc"


class NeumannBC(_ValueCondition):
    """``du/dx_axis = value`` at the points (``axis`` an index or a coordinate name)."""

    default_name = "neumann"

    def __init__(self, points, value, axis=0, component=None, name=None, weight=1.0):
        self.axis = axis
        super().__init__(points, value, component=component, name=name, weight=weight)

    def _operator(self, d) -> Tensor:
        return d(self.axis, component=self.component)


class InitialCondition(_ValueCondition):
    """``d^order u / dt^order = value`` at the points, ``t`` the coordinate ``axis``
    (default the last: ``(x, t)`` points, or ``(t,)`` for an ODE). ``order=0`` is ``u``."""

    default_name = "ic"

    def __init__(self, points, value, order=0, axis=-1, component=None, name=None,
                 weight=1.0):
        if isinstance(order, bool) or not isinstance(order, numbers.Integral) or order < 0:
            raise ValueError(f"InitialCondition: order must be an integer >= 0, got {order!r}")
        self.order = int(order)
        self.axis = axis
        super().__init__(points, value, component=component, name=name, weight=weight)

    def _operator(self, d) -> Tensor:
        return d(*(self.axis,) * self.order, component=self.component)
