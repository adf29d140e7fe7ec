"""Gradient cases for ndflow.ops.linalg: matmul, einsum, tensordot, norms, diagonals,
inverses, determinants, solvers and Cholesky.

Linear ops (diagonals, transposes) have their outputs squared, so that the second-order
check runs through each gradient rule's own gradient rule. Matrices that are inverted
are kept well conditioned by a dominant diagonal.
"""

import numpy as np

import ndflow as nd
from tests.ops.cases import Case, rand


def _sq(t):
    return t * t


def _well_conditioned(*shape):
    return rand(*shape) + 3 * np.eye(shape[-1])


def _spd(a):
    """A symmetric positive definite matrix made from ``a`` (so finite differences of
    every element agree with the symmetric Cholesky gradient)."""
    n = a.shape[-1]
    return nd.matmul(a, a, transpose_b=True) + n * np.eye(n)


mm = nd.matmul
es = nd.einsum

CASES = [
    # -- matmul: flags, batch broadcasting, rank-1 operands -------------------------------
    Case("matmul", mm, [rand(2, 3), rand(3, 4)]),
    Case("matmul_transpose_a", lambda a, b: mm(a, b, transpose_a=True), [rand(3, 2), rand(3, 4)]),
    Case("matmul_transpose_b", lambda a, b: mm(a, b, transpose_b=True), [rand(2, 3), rand(4, 3)]),
    Case("matmul_transpose_both", lambda a, b: mm(a, b, transpose_a=True, transpose_b=True),
         [rand(3, 2), rand(4, 3)]),
    Case("matmul_adjoint", lambda a, b: mm(a, b, adjoint_a=True, adjoint_b=True),
         [rand(3, 2), rand(2, 3)]),
    Case("matmul_batch_broadcast", mm, [rand(2, 1, 2, 3), rand(3, 3, 2)]),
    Case("matmul_batch_transpose", lambda a, b: mm(a, b, transpose_a=True),
         [rand(2, 3, 2), rand(1, 3, 2)]),
    Case("matmul_vector_matrix", mm, [rand(3), rand(2, 3, 2)]),
    Case("matmul_vector_transposed_matrix", lambda a, b: mm(a, b, transpose_b=True),
         [rand(3), rand(2, 3)]),
    Case("matmul_matrix_vector", mm, [rand(2, 3), rand(3)]),
    Case("matmul_vector_vector", lambda a, b: _sq(mm(a, b)), [rand(3), rand(3)]),
    Case("matvec", nd.linalg.matvec, [rand(2, 2, 3), rand(3)]),
    # -- einsum ---------------------------------------------------------------------------
    Case("einsum_matmul", lambda a, b: es("ij,jk->ik", a, b), [rand(2, 3), rand(3, 2)]),
    Case("einsum_implicit", lambda a, b: es("ij,jk", a, b), [rand(2, 3), rand(3, 2)]),
    Case("einsum_batch_blas", lambda a, b: es("bij,jk->bki", a, b),
         [rand(4, 8, 8), rand(8, 16)], order=1),
    Case("einsum_attention", lambda a, b: es("aecd,abcd->acbe", a, b),
         [rand(2, 3, 2, 2), rand(2, 2, 2, 2)]),
    Case("einsum_trace", lambda a: _sq(es("ii->", a)), [rand(3, 3)]),
    Case("einsum_diagonal", lambda a: _sq(es("ii->i", a)), [rand(3, 3)]),
    Case("einsum_diagonal_with_other", lambda a, b: es("iij,j->i", a, b),
         [rand(2, 2, 3), rand(3)]),
    Case("einsum_repeat_and_share", lambda a, b: es("ii,i->i", a, b), [rand(3, 3), rand(3)]),
    Case("einsum_sum_one_operand", lambda a, b: es("ij,k->ik", a, b), [rand(2, 3), rand(2)]),
    Case("einsum_outer", lambda a, b: es("i,j->ij", a, b), [rand(2), rand(3)]),
    Case("einsum_transpose", lambda a: _sq(es("ijk->kij", a)), [rand(2, 3, 2)]),
    Case("einsum_broadcast_labels", lambda a, b: es("ij,ij->ij", a, b),
         [rand(1, 3), rand(2, 3)]),
    Case("einsum_ellipsis", lambda a, b: es("...ij,...jk->...ik", a, b),
         [rand(2, 2, 3), rand(3, 2)]),
    Case("einsum_ellipsis_broadcast", lambda a, b: es("...ij,...jk->...ik", a, b),
         [rand(2, 1, 2, 3), rand(3, 3, 2)]),
    Case("einsum_ellipsis_implicit", lambda a, b: es("...i,...i", a, b), [rand(2, 3), rand(3)]),
    Case("einsum_three_operands", lambda a, b, c: es("ij,jk,kl->li", a, b, c),
         [rand(2, 3), rand(3, 2), rand(2, 2)]),
    # -- tensordot ------------------------------------------------------------------------
    Case("tensordot_int", lambda a, b: nd.tensordot(a, b, 1), [rand(2, 3), rand(3, 2)]),
    Case("tensordot_lists", lambda a, b: nd.tensordot(a, b, [[0, 2], [1, 0]]),
         [rand(2, 3, 2), rand(2, 2, 3)]),
    Case("tensordot_outer", lambda a, b: nd.tensordot(a, b, 0), [rand(2), rand(3)]),
    # -- norms ----------------------------------------------------------------------------
    Case("norm_all", nd.norm, [rand(2, 3)]),
    Case("norm_axis_keepdims", lambda x: nd.norm(x, axis=1, keepdims=True), [rand(2, 3)]),
    Case("norm_fro", lambda x: nd.norm(x, "fro", axis=(0, 2)), [rand(2, 2, 3)]),
    Case("norm_l1", lambda x: nd.norm(x, 1, axis=-1), [rand(2, 3, low=0.2) * [1, -1, 1]]),
    Case("norm_inf", lambda x: nd.norm(x, np.inf, axis=0),
         [np.array([[0.1, -0.9], [-0.7, 0.4], [0.3, 0.2]])]),
    Case("norm_p3", lambda x: nd.norm(x, 3), [rand(4, low=0.2)]),
    Case("norm_matrix_1", lambda x: nd.norm(x, 1, axis=[-2, -1]),
         [np.array([[[0.5, -0.1], [0.2, 0.9]], [[-0.3, 0.2], [0.6, -0.1]]])]),
    Case("norm_matrix_inf", lambda x: nd.norm(x, np.inf, axis=(1, 0), keepdims=True),
         [np.array([[0.5, -0.1], [0.2, 0.9], [0.3, 0.1]])]),
    Case("norm_matrix_2", lambda x: nd.norm(x, 2, axis=(0, 1)), [rand(3, 2, 2)], order=1),
    # -- diagonals ------------------------------------------------------------------------
    Case("diag", lambda d: _sq(nd.linalg.diag(d)), [rand(2, 3)]),
    Case("diag_offset", lambda d: _sq(nd.linalg.diag(d, k=1, num_rows=3, padding_value=2.0)),
         [rand(3)]),
    Case("diag_part", lambda x: _sq(nd.linalg.diag_part(x, k=-1)), [rand(2, 3, 4)]),
    Case("trace", lambda x: _sq(nd.linalg.trace(x)), [rand(2, 3, 3)]),
    # -- inverses, determinants, solvers ---------------------------------------------------
    Case("inv", nd.linalg.inv, [_well_conditioned(2, 3, 3)]),
    Case("inv_adjoint", lambda x: nd.linalg.inv(x, adjoint=True), [_well_conditioned(3, 3)]),
    Case("det", nd.linalg.det, [_well_conditioned(2, 3, 3)]),
    Case("slogdet", lambda x: nd.linalg.slogdet(x)[1], [rand(2, 3, 3)]),
    Case("solve", nd.linalg.solve, [_well_conditioned(3, 3), rand(3, 2)]),
    Case("solve_adjoint", lambda a, b: nd.linalg.solve(a, b, adjoint=True),
         [_well_conditioned(3, 3), rand(3, 2)]),
    Case("solve_broadcast", nd.linalg.solve, [_well_conditioned(3, 3), rand(2, 3, 1)]),
    Case("cholesky", lambda a: nd.linalg.cholesky(_spd(a)), [rand(3, 3)]),
    Case("logdet", lambda a: nd.linalg.logdet(_spd(a)), [rand(2, 3, 3)]),
]
