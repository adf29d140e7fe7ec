"""Fused standardization: ``(x - mean) / sqrt(variance + epsilon)`` over some axes.

Batch, layer and group normalization all standardize their input over some axes and
then scale and shift it. Composed from elementwise ops and reductions the standardization
costs seven tape entries; fused it is one, and its gradient one rule:

    y = (x - m) * r,   r = 1 / sqrt(var + eps)
    dx = r * (g - mean(g) - y * mean(g * y))        (means over the normalized axes)

The op-level rule recomputes ``r`` from ``x`` with ndflow ops, so higher derivatives are
exact; a copy on raw arrays serves first-order backward passes.
"""

import numpy as np

from ndflow.autodiff.primitive import bind, defvjp, defvjp_raw, primitive
from ndflow.core.errors import InvalidArgumentError, InvalidTypeError, shape_str
from ndflow.ops._operands import as_tensor, normalize_axis
from ndflow.ops.math import rsqrt, squared_difference
from ndflow.ops.reduction import reduce_mean

__all__ = ["standardize"]


def _standardize_forward(x, axes, epsilon):
    mean = np.mean(x, axis=axes, keepdims=True)
    xc = x - mean
    var = np.mean(np.square(xc), axis=axes, keepdims=True)
    xc *= 1 / np.sqrt(var + epsilon)  # xc is a fresh array: scale it in place
    return xc


standardize_p = primitive("standardize", _standardize_forward)


def _standardize_vjp(g, y, x, axes, epsilon):
    m = reduce_mean(x, axis=axes, keepdims=True)
    r = rsqrt(reduce_mean(squared_difference(x, m), axis=axes, keepdims=True) + epsilon)
    gy = reduce_mean(g * y, axis=axes, keepdims=True)
    return r * (g - reduce_mean(g, axis=axes, keepdims=True) - y * gy)


def _standardize_raw_vjp(needed, g, y, x, axes, epsilon):
    if not needed[0]:
        return [None]
    xc = x - np.mean(x, axis=axes, keepdims=True)
    r = 1 / np.sqrt(np.mean(np.square(xc), axis=axes, keepdims=True) + epsilon)
    dx = g - np.mean(g, axis=axes, keepdims=True)
    dx -= y * np.mean(g * y, axis=axes, keepdims=True)
    dx *= r
    return [dx]


defvjp(standardize_p, _standardize_vjp)
defvjp_raw(standardize_p, _standardize_raw_vjp)


def standardize(x, axes, epsilon=1e-3, name=None):
    """``(x - mean) / sqrt(variance + epsilon)``, mean and (biased) variance over ``axes``.

    >>> standardize([[1.0, 3.0]], axes=[-1], epsilon=0.0).numpy()
    array([[-1.,  1.]], dtype=float32)
    """
    x = as_tensor(x)
    if x._value.dtype.kind != "f":
        raise InvalidTypeError(f"standardize: x must be a floating-point tensor, got "
                               f"{x.dtype.name}")
    if isinstance(axes, int):
        axes = [axes]
    axes = tuple(sorted({normalize_axis(a, x.ndim, "standardize") for a in axes}))
    if not axes:
        raise InvalidArgumentError(f"standardize: axes must name at least one axis of x "
                                   f"{shape_str(x._value.shape)}")
    return bind(standardize_p, x, axes=axes, epsilon=float(epsilon))
