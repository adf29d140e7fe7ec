"""Linear algebra: matrix products and their relatives."""

import numpy as np

from ndflow.autodiff.engine_ops import reshape
from ndflow.autodiff.primitive import bind, defvjp, primitive
from ndflow.core.errors import shape_str
from ndflow.ops._operands import as_tensor, promote
from ndflow.ops.math import conj


def _matmul_forward(a, b, transpose_a, transpose_b):
    if transpose_a:
        a = np.swapaxes(a, -1, -2)
    if transpose_b:
        b = np.swapaxes(b, -1, -2)
    return np.matmul(a, b)


def _explain_matmul(arrays, params, error):
    a, b = arrays
    return f"Matrix size-incompatible: In[0]: {shape_str(a.shape)}, In[1]: {shape_str(b.shape)}"


matmul_p = primitive("matmul", _matmul_forward, _explain_matmul)


def _matmul_vjp_a(g, y, a, b, transpose_a, transpose_b):
    if transpose_a:
        return matmul(b, g, transpose_a=transpose_b, transpose_b=True)
    return matmul(g, b, transpose_b=not transpose_b)


def _matmul_vjp_b(g, y, a, b, transpose_a, transpose_b):
    if transpose_b:
        return matmul(g, a, transpose_a=True, transpose_b=transpose_a)
    return matmul(a, g, transpose_a=not transpose_a)


defvjp(matmul_p, _matmul_vjp_a, _matmul_vjp_b)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """Matrix product ``a @ b`` over the last two axes, broadcasting batch axes.

    Rank-1 operands are treated as NumPy does (a row or column vector, then squeezed).
    """
    a, b = promote(a, b, "matmul")
    if adjoint_a:
        a, transpose_a = conj(a), True
    if adjoint_b:
        b, transpose_b = conj(b), True
    if a.ndim >= 2 and b.ndim >= 2:
        return bind(matmul_p, a, b, transpose_a=transpose_a, transpose_b=transpose_b)
    return _matmul_vector(a, b)


def _matmul_vector(a, b):
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: operands must have rank >= 1, got shapes "
                         f"{tuple(a.shape)} and {tuple(b.shape)}; use multiply for scalars")
    a2 = reshape(a, (1, a.shape[0])) if a.ndim == 1 else a
    b2 = reshape(b, (b.shape[0], 1)) if b.ndim == 1 else b
    out = bind(matmul_p, a2, b2, transpose_a=False, transpose_b=False)
    shape = tuple(out.shape)
    if a.ndim == 1:
        shape = shape[:-2] + shape[-1:]
    if b.ndim == 1:
        shape = shape[:-1]
    return reshape(out, shape)


def matrix_transpose(a, name=None, conjugate=False):
    """Swap the last two axes."""
    a = as_tensor(a)
    perm = list(range(a.ndim))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    from ndflow.ops.array import transpose

    out = transpose(a, perm)
    return conj(out) if conjugate else out
