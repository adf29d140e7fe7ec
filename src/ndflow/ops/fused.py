"""Fused primitives: several ops in one NumPy pass and one tape entry.

Recorded separately, a dense layer's matmul, bias add and activation cost three tape
entries, three backward rules and their bookkeeping; fused, the forward is one matmul
with the bias and the activation applied in place, and the backward one rule that
computes only the gradients the tape asks for. The rules are written with ndflow ops, so
higher derivatives work as for the unfused ops; a copy on raw arrays serves first-order
backward passes.
"""

import numpy as np

from ndflow.autodiff.engine_ops import reshape
from ndflow.autodiff.primitive import bind, defvjp_all, defvjp_raw, primitive
from ndflow.ops.linalg import _explain_matmul, matmul_p
from ndflow.ops.nn import _relu_grad
from ndflow.ops.reduction import reduce_sum_p

__all__ = ["FUSED_ACTIVATIONS", "dense"]

# The activations whose derivative can be computed from the output alone.
FUSED_ACTIVATIONS = ("linear", "relu", "tanh")


def _dense_forward(x, kernel, bias=None, activation="linear"):
    z = np.dot(x, kernel) if x.ndim == 2 else x @ kernel  # dot: less overhead than matmul
    if bias is not None:
        z += bias  # z is a fresh array: update it in place
    if activation == "relu":
        np.maximum(z, 0, out=z)
    elif activation == "tanh":
        np.tanh(z, out=z)
    return z


def _explain_dense(arrays, params, error):
    return _explain_matmul(arrays[:2], {"transpose_a": False, "transpose_b": False}, error)


dense_p = primitive("dense", _dense_forward, _explain_dense)


def _dense_vjp(needed, g, y, x, kernel, *bias, activation):
    if activation == "relu":
        g = _relu_grad(g, y)  # y > 0 exactly where the pre-activation is
    elif activation == "tanh":
        g = g * (1 - y * y)
    grads = [None, None, None]
    if needed[0]:
        grads[0] = bind(matmul_p, g, kernel, transpose_a=False, transpose_b=True)
    batch_axes = tuple(range(g._value.ndim - 1))
    if needed[1]:
        if len(batch_axes) == 1:
            grads[1] = bind(matmul_p, x, g, transpose_a=True, transpose_b=False)
        else:  # contract every batch axis: flatten them into one
            rows_x = reshape(x, (-1, x._value.shape[-1]))
            rows_g = reshape(g, (-1, g._value.shape[-1]))
            grads[1] = bind(matmul_p, rows_x, rows_g, transpose_a=True, transpose_b=False)
    if bias and needed[2]:
        grads[2] = bind(reduce_sum_p, g, axes=batch_axes, keepdims=False)
    return grads[:2 + len(bias)]


def _dense_raw_vjp(needed, g, y, x, kernel, *bias, activation):
    if activation == "relu":
        g = np.multiply(g, y > y.dtype.type(0))
    elif activation == "tanh":
        g = g * (1 - y * y)
    grads = [None, None, None]
    if g.ndim != 2:  # contract every batch axis: flatten them into one
        rows = g.reshape(-1, g.shape[-1])
        if needed[0]:
            grads[0] = np.dot(rows, kernel.T).reshape(x.shape)
        x, g = x.reshape(-1, x.shape[-1]), rows
    elif needed[0]:
        grads[0] = np.dot(g, kernel.T)
    if needed[1]:
        grads[1] = np.dot(x.T, g)
    if bias and needed[2]:
        grads[2] = g.sum(axis=0)
    return grads[:2 + len(bias)]


defvjp_all(dense_p, _dense_vjp, masked=True)
defvjp_raw(dense_p, _dense_raw_vjp)


def dense(x, kernel, bias=None, activation="linear"):
    """``activation(x @ kernel + bias)`` for ``x`` of rank >= 2, as one recorded op.

    ``activation`` is one of ``FUSED_ACTIVATIONS``; ``x``, ``kernel`` and ``bias`` must
    share a floating dtype (Keras's Dense checks and casts before calling this).
    """
    if activation not in FUSED_ACTIVATIONS:
        raise ValueError(f"dense: activation must be one of {FUSED_ACTIVATIONS}, got "
                         f"{activation!r}")
    if bias is None:
        return bind(dense_p, x, kernel, activation=activation)
    return bind(dense_p, x, kernel, bias, activation=activation)
