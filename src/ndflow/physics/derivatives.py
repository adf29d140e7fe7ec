"""Derivatives of a function's outputs with respect to its inputs, at a batch of points.

``f`` maps points ``x`` of shape ``(N, d)`` to values ``(N,)``, ``(N, 1)`` or ``(N, m)``
(a Keras model or any callable on Tensors). Points are independent, so the derivative of
the *sum* of the outputs gives every point's derivative in one backward pass; higher
orders differentiate that result again on a tape that recorded the pass before it.

All results are built from recorded ndflow ops: inside an outer ``GradientTape`` that
watches a model's weights they can be differentiated again, which is what trains a
physics-informed loss.

Shapes: a derivative of a scalar field keeps the shape of ``f``'s output column, ``(N, 1)``
for an ``(N, 1)`` (or ``(N, m)``) output and ``(N,)`` for an ``(N,)`` output, so that
``d2u + u`` never broadcasts to ``(N, N)``.
"""

from __future__ import annotations

import contextlib
import numbers

from ndflow.autodiff.engine_ops import reshape, stack
from ndflow.autodiff.tape import GradientTape
from ndflow.backend.config import floatx
from ndflow.core.convert import convert_to_tensor
from ndflow.core.tensor import Tensor
from ndflow.ops.cast import cast

__all__ = ["Derivatives", "derivative", "divergence", "gradient", "jacobian", "laplacian"]


# -- checking what the user passed ---------------------------------------------------------
def as_points(x, who: str) -> Tensor:
    """``x`` as a floating Tensor of shape ``(N, d)`` (NumPy data becomes ``floatx()``)."""
    if not isinstance(x, Tensor):
        x = convert_to_tensor(x)
    dtype = x._value.dtype
    if dtype.kind != "f":
        if dtype.kind not in "iub":
            raise TypeError(f"{who}: x must hold real numbers, got dtype {x.dtype.name}")
        x = cast(x, floatx())
    if x.ndim != 2:
        hint = " (reshape 1-D coordinates with x[:, None])" if x.ndim == 1 else ""
        raise ValueError(f"{who}: x must be a 2-D array of points, shape (N, d), got shape "
                         f"{tuple(x.shape)}{hint}")
    return x


def _evaluate(f, x: Tensor, who: str) -> Tensor:
    """``f(x)`` as a floating Tensor with one row per point."""
    if not callable(f):
        raise TypeError(f"{who}: f must be callable (a model or a function of x), got "
                        f"{type(f).__name__}")
    out = f(x)
    if not isinstance(out, Tensor):
        raise TypeError(f"{who}: f returned {type(out).__name__}, not a Tensor; write f with "
                        f"ndflow ops (a NumPy result carries no derivatives)")
    if out._value.dtype.kind != "f":
        raise TypeError(f"{who}: f must return floating values, got dtype {out.dtype.name}")
    n = x.shape[0]
    if out.ndim not in (1, 2) or out.shape[0] != n:
        raise ValueError(f"{who}: f must return one row per point, shape (N,) or (N, m) with "
                         f"N = {n}, got shape {tuple(out.shape)} for x of shape "
                         f"{tuple(x.shape)}")
    return out


def _check_scalar(u: Tensor, x: Tensor, who: str, alternative: str) -> None:
    if u.ndim == 2 and u.shape[1] != 1:
        raise ValueError(f"{who}: f must return one value per point, shape (N,) or (N, 1), "
                         f"got shape {tuple(u.shape)} for x of shape {tuple(x.shape)}; "
                         f"{alternative}")


def _check_order(order, who: str) -> int:
    if isinstance(order, bool) or not isinstance(order, numbers.Integral) or order < 1:
        raise ValueError(f"{who}: order must be an integer >= 1, got {order!r}")
    return int(order)


# -- the cached derivative helper ----------------------------------------------------------
class Derivatives:
    """``u = f(x)`` at the points ``x`` and its derivatives there, computed when asked.

    ``d(i, j, ...)`` is the partial derivative of ``u`` along the input coordinates
    ``i, j, ...`` (indices, or names when ``coordinates`` names them); results are cached,
    and each backward pass yields the derivatives along every coordinate at once.

    >>> d = Derivatives(model, xt, coordinates=("x", "t"))
    >>> heat = d("t") - 0.1 * d("x", "x")      # u_t - alpha u_xx, shape (N, 1)
    """

    def __init__(self, f, x, coordinates=None):
        self._setup(f, x, coordinates, "Derivatives")

    @classmethod
    def _for(cls, f, x, who, coordinates=None):
        """A helper whose error messages name the public function ``who``."""
        d = cls.__new__(cls)
        d._setup(f, x, coordinates, who)
        return d

    def _setup(self, f, x, coordinates, who):
        self._who = who
        self.x = as_points(x, who)
        self.coordinates = _coordinate_names(coordinates, self.x.shape[1])
        self._tape = GradientTape(persistent=True)
        with self._tape:
            self._tape.watch(self.x)
            self.u = _evaluate(f, self.x, who)
        self._columns = {}
        self._gradients = {}  # (component, sorted axes) -> (N, d) gradient of that partial

    @property
    def num_outputs(self) -> int:
        """The number of output components ``m`` (1 for an ``(N,)`` output)."""
        return 1 if self.u.ndim == 1 else self.u.shape[1]

    def __call__(self, *axes, component=None) -> Tensor:
        """The partial derivative along ``axes`` (none: the value itself) of one output."""
        c = self._component(component)
        key = tuple(sorted(self._axis(a) for a in axes))
        with self._recording():
            return self._partial(c, key)

    def gradient(self, component=None) -> Tensor:
        """All first derivatives of one output component, shape ``(N, d)``."""
        c = self._component(component)
        with self._recording():
            return self._gradient_of(c, ())

    def laplacian(self, component=None, axes=None) -> Tensor:
        """The sum of the second derivatives (over ``axes``, default all coordinates)."""
        c = self._component(component)
        axes = range(self.x.shape[1]) if axes is None else [self._axis(a) for a in axes]
        total = None
        with self._recording():
            for i in axes:
                term = self._partial(c, (i, i))
                total = term if total is None else total + term
        if total is None:
            raise ValueError(f"{self._who}: laplacian axes is empty")
        return total

    def divergence(self) -> Tensor:
        """``sum_i d u_i / d x_i`` of a vector field ``u`` with as many components as x."""
        d, m = self.x.shape[1], self.num_outputs
        if m != d or self.u.ndim != 2:
            raise ValueError(f"{self._who}: the field must have one component per coordinate, "
                             f"shape (N, {d}) for x of shape {tuple(self.x.shape)}, got shape "
                             f"{tuple(self.u.shape)}")
        total = None
        with self._recording():
            for i in range(d):
                term = self._partial(i, (i,))
                total = term if total is None else total + term
        return total

    def jacobian(self) -> Tensor:
        """``d u_k / d x_j`` for every point: shape ``(N,) + u.shape[1:] + (d,)``."""
        with self._recording():
            if self.u.ndim == 1:
                return self._gradient_of(0, ())
            rows = [self._gradient_of(k, ()) for k in range(self.num_outputs)]
            return stack(rows, axis=1)

    # -- internals ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _recording(self):
        """Record on the helper's tape (entering it unless a caller already did)."""
        if self._tape._recording:
            yield
            return
        with self._tape:
            yield

    def _component(self, component) -> int:
        m = self.num_outputs
        if component is None:
            if m != 1:
                raise ValueError(f"{self._who}: f has {m} outputs (shape {tuple(self.u.shape)})"
                                 f"; pass component= to choose one")
            return 0
        if isinstance(component, bool) or not isinstance(component, numbers.Integral) \
                or not -m <= component < m:
            raise ValueError(f"{self._who}: component must be an integer in [0, {m}) for an "
                             f"output of shape {tuple(self.u.shape)}, got {component!r}")
        return int(component) % m

    def _axis(self, axis) -> int:
        d = self.x.shape[1]
        if isinstance(axis, str):
            if axis not in self.coordinates:
                raise ValueError(f"{self._who}: unknown coordinate {axis!r}; the coordinates "
                                 f"are {list(self.coordinates)}")
            return self.coordinates.index(axis)
        if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) \
                or not -d <= axis < d:
            raise ValueError(f"{self._who}: axis must be an integer in [0, {d}) (or a "
                             f"coordinate name) for x of shape {tuple(self.x.shape)}, got "
                             f"{axis!r}")
        return int(axis) % d

    def _column(self, c) -> Tensor:
        """Output component ``c`` in the shape every derivative of it takes."""
        if c not in self._columns:
            u = self.u
            self._columns[c] = u if u.ndim == 1 or u.shape[1] == 1 else u[:, c:c + 1]
        return self._columns[c]

    def _partial(self, c, axes) -> Tensor:
        """The partial ``axes`` of component ``c``, recorded so it can be differentiated."""
        with self._recording():
            if not axes:
                return self._column(c)
            grad = self._gradient_of(c, axes[:-1])
            return _take_column(grad, axes[-1], self._column(c))

    def _gradient_of(self, c, axes, record=True) -> Tensor:
        """The ``(N, d)`` gradient of the partial ``axes`` of component ``c`` (cached)."""
        key = (c, axes)
        grad = self._gradients.get(key)
        if grad is None:
            target = self._partial(c, axes)
            grad = _backward(self._tape, target, self.x, record)
            if record:
                self._gradients[key] = grad
        return grad


def _backward(tape, target, x, record):
    """``d target / d x`` summed over points, recorded on ``tape`` only if ``record`` (a
    last derivative needs no recording there; outer tapes record it all the same)."""
    if record and not tape._recording:
        with tape:
            return tape.gradient(target, x, unconnected_gradients="zero")
    if not record and tape._recording:
        with tape.stop_recording():
            return tape.gradient(target, x, unconnected_gradients="zero")
    return tape.gradient(target, x, unconnected_gradients="zero")


def _take_column(grad, i, like) -> Tensor:
    """Column ``i`` of an ``(N, d)`` gradient, shaped like ``like`` ((N,) or (N, 1))."""
    if grad.shape[1] == 1:
        return grad if like.ndim == 2 else reshape(grad, tuple(like.shape))
    return grad[:, i:i + 1] if like.ndim == 2 else grad[:, i]


def _coordinate_names(coordinates, d):
    if coordinates is None:
        return ()
    if isinstance(coordinates, str):
        coordinates = (coordinates,)
    names = tuple(coordinates)
    if len(names) != d or not all(isinstance(n, str) for n in names) \
            or len(set(names)) != len(names):
        raise ValueError(f"coordinates must be {d} distinct names, one per column of x, got "
                         f"{coordinates!r}")
    return names


# -- one-shot functions --------------------------------------------------------------------
def gradient(f, x, name=None) -> Tensor:
    """``du/dx`` at each point for a scalar field ``f``: ``(N, d) -> (N,) or (N, 1)``,
    result ``(N, d)``.

    >>> gradient(lambda x: ndflow.reduce_sum(x ** 2, axis=1), [[1.0, 2.0]]).numpy()
    array([[2., 4.]], dtype=float32)
    """
    d = Derivatives._for(f, x, "gradient")
    _check_scalar(d.u, d.x, "gradient", "use physics.jacobian for vector-valued functions")
    return d._gradient_of(0, (), record=False)


def derivative(f, x, order=1, axis=0, name=None) -> Tensor:
    """The ``order``-th derivative of a scalar field along coordinate ``axis``, shaped like
    ``f``'s output (``(N,)`` or ``(N, 1)``)."""
    order = _check_order(order, "derivative")
    d = Derivatives._for(f, x, "derivative")
    _check_scalar(d.u, d.x, "derivative", "pick one output first, e.g. "
                  "lambda x: model(x)[:, :1]")
    i = d._axis(axis)
    below = d._partial(0, (i,) * (order - 1))
    grad = _backward(d._tape, below, d.x, record=False)
    return _take_column(grad, i, below)


def laplacian(f, x, name=None) -> Tensor:
    """``sum_i d2u/dx_i2`` at each point, one second-order pass per coordinate (the full
    Hessian is never formed); shaped like ``f``'s output."""
    d = Derivatives._for(f, x, "laplacian")
    _check_scalar(d.u, d.x, "laplacian", "pick one output first, e.g. "
                  "lambda x: model(x)[:, :1]")
    total = None
    for i in range(d.x.shape[1]):
        target = d._partial(0, (i,))
        term = _take_column(_backward(d._tape, target, d.x, record=False), i, target)
        total = term if total is None else total + term
    return total


def divergence(F, x, name=None) -> Tensor:
    """``sum_i dF_i/dx_i`` of a vector field ``F: (N, d) -> (N, d)``, shape ``(N, 1)``."""
    return Derivatives._for(F, x, "divergence").divergence()


def jacobian(F, x, name=None) -> Tensor:
    """``dF_k/dx_j`` at each point: ``(N, m, d)`` for ``F: (N, d) -> (N, m)`` (``(N, d)``
    for an ``(N,)`` output), one backward pass per output component."""
    d = Derivatives._for(F, x, "jacobian")
    if d.u.ndim == 1:
        return d._gradient_of(0, (), record=False)
    rows = [d._gradient_of(k, (), record=False) for k in range(d.num_outputs)]
    return stack(rows, axis=1)
