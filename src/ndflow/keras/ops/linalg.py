"""Linear algebra ops of ``keras.ops`` (``keras.ops.linalg``): norms, determinants,
inverses, solvers."""

import numpy as np

from ndflow.core.errors import InvalidArgumentError, shape_str
from ndflow.keras.ops.numpy import _float_pair, _floating, tril, triu
from ndflow.ops import array as _array
from ndflow.ops import linalg as _linalg
from ndflow.ops import math as _math
from ndflow.ops import reduction as _reduction
from ndflow.ops._operands import normalize_axis
from ndflow.ops.cast import cast

__all__ = ["cholesky", "det", "inv", "norm", "slogdet", "solve", "solve_triangular"]


def cholesky(x):
    """Lower-triangular ``L`` with ``L @ L^H == x`` for each positive definite matrix."""
    return _linalg.cholesky(_floating(x))


def det(a):
    """Determinant of each square matrix."""
    return _linalg.det(_floating(a))


def inv(a):
    """Inverse of each square matrix."""
    return _linalg.inv(_floating(a))


def slogdet(x):
    """Sign and log of the absolute value of the determinant: ``(sign, logabsdet)``."""
    return _linalg.slogdet(_floating(x))


def solve(a, b):
    """Solve ``a @ x = b`` for ``x``; ``b`` is [..., M, K] or a vector [..., M]."""
    a, b = _float_pair(a, b, "solve")
    if b.ndim == a.ndim - 1:  # right-hand sides as vectors, as NumPy reads them
        return _linalg.solve(a, _array.expand_dims(b, -1))[..., 0]
    return _linalg.solve(a, b)


def solve_triangular(a, b, lower=False):
    """Solve ``a @ x = b`` reading only the lower (or upper) triangle of ``a``."""
    a, b = _float_pair(a, b, "solve_triangular")
    return solve(tril(a) if lower else triu(a), b)


def _vector_norm(x, ord, axis, keepdims):
    if ord is None or ord == 2:
        return _linalg.norm(x, "euclidean", axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise InvalidArgumentError(f"norm: ord={ord!r} is a matrix norm; give two axes")
    magnitude = _math.abs(x)
    if ord == np.inf:
        return _reduction.reduce_max(magnitude, axis, keepdims)
    if ord == -np.inf:
        return _reduction.reduce_min(magnitude, axis, keepdims)
    if ord == 0:
        nonzero = cast(_math.not_equal(x, 0), magnitude.dtype)
        return _reduction.reduce_sum(nonzero, axis, keepdims)
    if ord == 1:
        return _reduction.reduce_sum(magnitude, axis, keepdims)
    p = float(ord)
    return _math.pow(_reduction.reduce_sum(_math.pow(magnitude, p), axis, keepdims), 1.0 / p)


def _matrix_norm(x, ord, axes, keepdims):
    rows, cols = axes
    if ord is None or ord == "fro":
        return _linalg.norm(x, "fro", axis=[rows, cols], keepdims=keepdims)
    if ord in (1, 2, np.inf):
        return _linalg.norm(x, ord, axis=[rows, cols], keepdims=keepdims)
    if ord in (-1, -np.inf):  # smallest column (-1) or row (-inf) sum of magnitudes
        inner, outer = (rows, cols) if ord == -1 else (cols, rows)
        sums = _reduction.reduce_sum(_math.abs(x), inner, keepdims=True)
        out = _reduction.reduce_min(sums, outer, keepdims=True)
        if keepdims:
            return out
        return _array.reshape(out, [d for i, d in enumerate(out.shape) if i not in axes])
    if ord in ("nuc", -2):
        raise NotImplementedError(f"norm: matrix ord={ord!r} needs all singular values, which "
                                  f"ndflow does not compute yet; use 'fro', 1, 2, inf, -1 or "
                                  f"-inf")
    raise InvalidArgumentError(f"norm: invalid matrix norm order {ord!r}; use None, 'fro', 1, "
                               f"2, inf, -1 or -inf")


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, as ``np.linalg.norm``.

    ``axis`` None means the whole tensor as a vector when ``ord`` is None, else a vector
    (rank 1) or matrix (rank 2) norm; an int picks a vector norm, a pair a matrix norm.
    Vector ords: None/2, 1, inf, -inf, 0, or any other p; matrix ords: None/'fro', 1, 2,
    inf, -1, -inf.
    """
    x = _floating(x)
    if axis is None:
        if ord is None:
            out = _linalg.norm(x, "euclidean")
            return _array.reshape(out, (1,) * x.ndim) if keepdims else out
        if x.ndim not in (1, 2):
            raise InvalidArgumentError(f"norm: with an ord and no axis, x must be 1-D or 2-D, "
                                       f"got shape {shape_str(x.shape)}")
        axis = tuple(range(x.ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    axes = tuple(normalize_axis(a, x.ndim, "norm") for a in axes)
    if len(axes) == 1:
        return _vector_norm(x, ord, axes[0], keepdims)
    if len(axes) == 2 and axes[0] != axes[1]:
        return _matrix_norm(x, ord, axes, keepdims)
    raise InvalidArgumentError(f"norm: axis must be an int or a pair of distinct ints, got "
                               f"{axis!r}")
