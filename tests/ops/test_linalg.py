"""Linear algebra: values and dtypes against NumPy, TensorFlow's behaviours, errors."""

import numpy as np
import pytest

import ndflow as nd
from ndflow.ops import linalg as ops_linalg

T = nd.convert_to_tensor
RNG = np.random.default_rng(0)


def _rand(*shape, dtype=np.float32):
    return RNG.uniform(-1, 1, size=shape).astype(dtype)


def _crand(*shape):
    return (_rand(*shape, dtype=np.float64) + 1j * _rand(*shape, dtype=np.float64))


def _well_conditioned(*shape, dtype=np.float32):
    return (_rand(*shape, dtype=np.float64) + 3 * np.eye(shape[-1])).astype(dtype)


def _grad(fn, *xs):
    xs = [T(x) for x in xs]
    with nd.GradientTape() as tape:
        tape.watch(xs)
        y = fn(*xs)
    return tape.gradient(y, xs)


def _close(actual, expected, dtype=np.float32):
    tol = 1e-5 if np.dtype(dtype) in (np.float32, np.complex64) else 1e-10
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=tol, atol=tol)


# -- matmul -------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
def test_matmul_flags_against_numpy(dtype, ta, tb):
    a = (_rand(2, 3, 4) * 10).astype(dtype)
    b = (_rand(2, 4, 5) * 10).astype(dtype)
    a_in = np.swapaxes(a, -1, -2) if ta else a
    b_in = np.swapaxes(b, -1, -2) if tb else b
    out = nd.matmul(a_in, b_in, transpose_a=ta, transpose_b=tb)
    assert out.dtype == nd.as_dtype(dtype)
    _close(out, a @ b, dtype)


@pytest.mark.parametrize("shapes", [
    ((2, 1, 2, 3), (3, 3, 4)),
    ((3, 4), (5, 4, 2)),
    ((1, 2, 3), (4, 3, 2)),
])
def test_matmul_broadcasts_batch_axes(shapes):
    a, b = _rand(*shapes[0]), _rand(*shapes[1])
    _close(nd.matmul(a, b), np.matmul(a, b))


@pytest.mark.parametrize("shapes", [((3,), (3, 4)), ((2, 3), (3,)), ((3,), (3,)),
                                    ((3,), (2, 3, 4)), ((2, 2, 3), (3,))])
def test_matmul_rank_1_operands_as_numpy(shapes):
    a, b = _rand(*shapes[0]), _rand(*shapes[1])
    out = nd.matmul(a, b)
    assert tuple(out.shape) == np.matmul(a, b).shape
    _close(out, np.matmul(a, b))


def test_matmul_rank_1_with_a_transposed_matrix():
    v, m = _rand(3), _rand(4, 3)
    _close(nd.matmul(v, m, transpose_b=True), v @ m.T)
    _close(nd.matmul(m, v, transpose_a=False), m @ v)
    _close(nd.matmul(m.T, v, transpose_a=True), m @ v)


def test_matmul_adjoint_conjugates():
    a, b = _crand(3, 2), _crand(3, 4)
    _close(nd.matmul(a, b, adjoint_a=True), a.conj().T @ b, np.float64)
    c = _crand(2, 3)
    _close(nd.matmul(b, c, adjoint_a=True, adjoint_b=True), b.conj().T @ c.conj().T, np.float64)


def test_matmul_operator_and_python_operands_keep_float32():
    a = nd.constant(_rand(2, 3))
    out = a @ [[1.0], [2.0], [3.0]]
    assert out.dtype == nd.float32
    _close(out, a.numpy() @ np.array([[1.0], [2.0], [3.0]], np.float32))


def test_matmul_output_type():
    out = nd.matmul(nd.constant([[1, 2]], nd.int8), nd.constant([[3], [4]], nd.int8),
                    output_type=nd.int32)
    assert out.dtype == nd.int32 and out.numpy().tolist() == [[11]]


def test_matmul_complex_gradient_follows_tensorflow():
    # L = ||A B||^2 is real; TensorFlow's gradient for a complex A is dL/dRe + i dL/dIm
    a, b = _crand(2, 3), _crand(3, 2)

    def loss(a_, b_):
        y = nd.matmul(a_, b_)
        return nd.reduce_sum(nd.real(y * nd.conj(y)))

    ga, gb = _grad(loss, a, b)
    _close(ga, 2 * (a @ b) @ b.conj().T, np.float64)
    _close(gb, 2 * a.conj().T @ (a @ b), np.float64)


def test_matmul_size_incompatible_message():
    with pytest.raises(nd.InvalidArgumentError,
                       match=r"Matrix size-incompatible: In\[0\]: \[2,3\], In\[1\]: \[4,5\]"):
        nd.matmul(nd.ones((2, 3)), nd.ones((4, 5)))
    with pytest.raises(nd.InvalidArgumentError, match=r"In\[0\]: \[2,3\], In\[1\]: \[2,3\]"):
        nd.matmul(nd.ones((2, 3)), nd.ones((2, 3)), transpose_a=True, transpose_b=True)


def test_matmul_size_incompatible_message_for_vectors_shows_the_given_shapes():
    with pytest.raises(nd.InvalidArgumentError, match=r"In\[0\]: \[3\], In\[1\]: \[4,2\]"):
        nd.matmul(nd.ones((3,)), nd.ones((4, 2)))
    with pytest.raises(nd.InvalidArgumentError, match=r"In\[0\]: \[2,3\], In\[1\]: \[2\]"):
        nd.matmul(nd.ones((2, 3)), nd.ones((2,)))


def test_matmul_incompatible_batch_message():
    with pytest.raises(nd.InvalidArgumentError,
                       match=r"compatible batch dimensions: \[2,2,3\] vs\. \[3,3,4\]"):
        nd.matmul(nd.ones((2, 2, 3)), nd.ones((3, 3, 4)))


def test_matmul_of_a_scalar_is_refused():
    with pytest.raises(nd.InvalidArgumentError, match=r"rank >= 1.*multiply"):
        nd.matmul(nd.ones((2, 2)), 3.0)


def test_matvec_and_transposes():
    a, v = _rand(2, 3, 4), _rand(4)
    _close(nd.linalg.matvec(a, v), a @ v)
    w = _rand(2, 3)
    _close(nd.linalg.matvec(a, w, transpose_a=True), np.einsum("bij,bi->bj", a, w))
    _close(nd.linalg.matrix_transpose(a), np.swapaxes(a, -1, -2))
    c = _crand(2, 3)
    _close(nd.linalg.adjoint(c), c.conj().T, np.float64)
    _close(nd.linalg.matrix_transpose(c, conjugate=True), c.conj().T, np.float64)
    with pytest.raises(nd.InvalidArgumentError, match=r"rank >= 2.*\[3\]"):
        nd.linalg.matrix_transpose(_rand(3))


# -- einsum -------------------------------------------------------------------------------
EINSUM = [  # (equation, operand shapes)
    ("ij,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4)]),
    (" ij , jk -> ki ", [(2, 3), (3, 4)]),
    ("ii->", [(3, 3)]),
    ("ii", [(3, 3)]),
    ("ii->i", [(3, 3)]),
    ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]),
    ("i,i->", [(4,), (4,)]),
    ("i,j->ij", [(2,), (3,)]),
    ("bij,bjk->bik", [(3, 2, 4), (3, 4, 5)]),
    ("bij,bjk->bik", [(16, 32, 24), (16, 24, 8)]),
    ("aecd,abcd->acbe", [(4, 16, 2, 8), (4, 16, 2, 8)]),
    ("abc,cde->abde", [(8, 10, 16), (16, 4, 8)]),
    ("abc,cd->abd", [(1, 64, 32), (32, 16)]),
    ("ij,ij->ij", [(1, 3), (2, 3)]),
    ("ij,ij->i", [(64, 32), (64, 32)]),
    ("ijk,ik->j", [(6, 40, 30), (6, 30)]),
    ("...ij,...jk->...ik", [(2, 1, 2, 3), (3, 3, 4)]),
    ("...ij,...jk->...ik", [(5, 32, 24), (24, 16)]),
    ("...i,...i", [(2, 3), (3,)]),
    ("...ii->...i", [(2, 3, 3)]),
    ("iij,j->i", [(2, 2, 3), (3,)]),
    ("Ab,ba", [(2, 3), (3, 2)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]),
    ("ij,jk,kl->li", [(20, 30), (30, 40), (40, 10)]),
    ("ab,bc,cd,de->ae", [(3, 4), (4, 5), (5, 2), (2, 6)]),
]


@pytest.mark.parametrize("equation,shapes", EINSUM, ids=[e for e, _ in EINSUM])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_einsum_against_numpy(equation, shapes, dtype):
    ops = [_rand(*s, dtype=dtype) for s in shapes]
    out = nd.einsum(equation, *ops)
    expected = np.einsum(equation.replace(" ", ""), *ops)
    assert out.dtype == nd.as_dtype(dtype)
    assert tuple(out.shape) == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-4 if dtype == np.float32 else 1e-10,
                               atol=1e-5 if dtype == np.float32 else 1e-12)


def test_einsum_large_pairs_take_the_matmul_path():
    shapes = ((4, 16, 2, 8), (4, 16, 2, 8))
    explicit = ops_linalg._normalize_equation("aecd,abcd->acbe", shapes)
    assert explicit == "aecd,abcd->acbe"
    assert ops_linalg._pair_plan(explicit, *shapes) is not None
    assert ops_linalg._pair_plan("ij,jk->ik", (2, 3), (3, 4)) is None  # tiny: np.einsum


def test_einsum_integers_and_mixed_dtypes():
    a = np.arange(6, dtype=np.int32).reshape(2, 3)
    out = nd.einsum("ij,kj->ik", a, a)
    assert out.dtype == nd.int32
    np.testing.assert_array_equal(out.numpy(), a @ a.T)
    big = np.arange(64 * 3, dtype=np.int32).reshape(64, 3)
    out = nd.einsum("ij,kl->ik", big, big)  # summed axes on the matmul path keep int32
    assert out.dtype == nd.int32
    np.testing.assert_array_equal(out.numpy(), np.einsum("ij,kl->ik", big, big))
    mixed = nd.einsum("ij,j->i", nd.constant(_rand(2, 3)), nd.constant(_rand(3, dtype=np.float64)))
    assert mixed.dtype == nd.float64


def test_einsum_gradients_of_trace_and_diagonal():
    x = _rand(3, 3, dtype=np.float64)
    (g,) = _grad(lambda t: nd.einsum("ii->", t), x)
    np.testing.assert_array_equal(g.numpy(), np.eye(3))
    (g,) = _grad(lambda t: nd.einsum("ij->i", t), x)
    np.testing.assert_array_equal(g.numpy(), np.ones((3, 3)))


@pytest.mark.parametrize("equation,shapes,match", [
    ("ij,jk->ik", [(2, 3)], r"2 input\(s\) but 1 operand"),
    ("ij->i", [(2, 3, 4)], r"operand 0 has shape \[2,3,4\].*'ij' name 2 axes"),
    ("i1->i", [(2, 3)], r"invalid character '1'"),
    ("ij,jk->ik", [(2, 3), (4, 5)], r"index 'j' has size 3 .* and 4"),
    ("ii->i", [(2, 3)], r"repeats index 'i'"),
    ("ij->ii", [(2, 2)], r"repeat an index"),
    ("ij->k", [(2, 2)], r"output index 'k' appears in no input"),
    ("...i->i", [(2, 3)], r"'\.\.\.'.*output"),
    ("i.j->i", [(2, 3)], r"ellipsis"),
    ("ij->i->j", [(2, 3)], r"'->'"),
])
def test_einsum_errors(equation, shapes, match):
    with pytest.raises(nd.InvalidArgumentError, match=match):
        nd.einsum(equation, *[np.ones(s, np.float32) for s in shapes])


def test_einsum_needs_inputs_and_a_string():
    with pytest.raises(nd.InvalidArgumentError, match="at least one input"):
        nd.einsum("ij")
    with pytest.raises(TypeError, match="equation must be a string"):
        nd.einsum(3, nd.ones((2,)))


# -- tensordot ----------------------------------------------------------------------------
@pytest.mark.parametrize("shapes,axes", [
    (((2, 3), (3, 4)), 1),
    (((2, 3, 4), (3, 4, 5)), 2),
    (((2, 3), (4,)), 0),
    (((2, 3, 4), (4, 2, 3)), [[0, 2], [1, 0]]),
    (((2, 3), (3, 2)), [1, 0]),
    (((2, 3), (3, 2)), [[-1], [-2]]),
    (((8, 16, 4), (16, 4, 32)), ([1, 2], [0, 1])),
])
def test_tensordot_against_numpy(shapes, axes):
    a, b = _rand(*shapes[0]), _rand(*shapes[1])
    np_axes = axes if isinstance(axes, int) else (
        [axes[0]] if isinstance(axes[0], int) else axes[0],
        [axes[1]] if isinstance(axes[1], int) else axes[1])
    out = nd.tensordot(a, b, axes)
    assert out.dtype == nd.float32
    np.testing.assert_allclose(out.numpy(), np.tensordot(a, b, np_axes), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("axes,match", [
    (3, r"axes=3 must be between 0"),
    ([[0], [0]], r"axis 0 of a \(size 2\) does not match axis 0 of b \(size 3\)"),
    ([[0, 1], [0]], r"different lengths"),
    ([[5], [0]], r"axis 5 is out of range for a"),
    ("x", r"int or a pair"),
])
def test_tensordot_errors(axes, match):
    with pytest.raises(nd.InvalidArgumentError, match=match):
        nd.tensordot(nd.ones((2, 3)), nd.ones((3, 2)), axes)


# -- norm ---------------------------------------------------------------------------------
@pytest.mark.parametrize("ord", ["euclidean", 1, 2, np.inf, 3, 0.5])
@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, False), (-1, True), ([1], False)])
def test_vector_norms_against_numpy(ord, axis, keepdims):
    x = _rand(3, 4)
    np_ord = 2 if ord == "euclidean" else ord
    np_axis = axis[0] if isinstance(axis, list) else axis
    flat = x.reshape(-1) if axis is None else x
    expected = np.linalg.norm(flat, np_ord, axis=np_axis, keepdims=keepdims and axis is not None)
    out = nd.norm(x, ord=ord, axis=axis, keepdims=keepdims)
    assert out.dtype == nd.float32
    if axis is None and keepdims:
        expected = np.reshape(expected, (1, 1))
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5)


def test_norm_with_axis_none_and_keepdims_keeps_every_axis():
    x = _rand(2, 3)
    out = nd.norm(x, keepdims=True)
    assert tuple(out.shape) == (1, 1)
    np.testing.assert_allclose(out.numpy(), [[np.linalg.norm(x)]], rtol=1e-6)


@pytest.mark.parametrize("ord,np_ord", [("euclidean", "fro"), ("fro", "fro"), (1, 1),
                                         (2, 2), (np.inf, np.inf)])
@pytest.mark.parametrize("axis", [(0, 1), (-1, -2), (1, 2)])
def test_matrix_norms_against_numpy(ord, np_ord, axis):
    x = _rand(2, 3, 4, dtype=np.float64)
    out = nd.norm(x, ord=ord, axis=axis)
    np.testing.assert_allclose(out.numpy(), np.linalg.norm(x, np_ord, axis=axis), rtol=1e-10)
    kept = nd.norm(x, ord=ord, axis=axis, keepdims=True)
    np.testing.assert_allclose(kept.numpy(), np.linalg.norm(x, np_ord, axis=axis, keepdims=True),
                               rtol=1e-10)


def test_norm_of_complex_is_real():
    c = _crand(3, 2).astype(np.complex64)
    out = nd.norm(c, axis=0)
    assert out.dtype == nd.float32
    np.testing.assert_allclose(out.numpy(), np.linalg.norm(c, axis=0), rtol=1e-5)


def test_euclidean_norm_gradient_at_zero_is_zero_not_nan():
    (g,) = _grad(lambda x: nd.norm(x, axis=1), np.array([[0.0, 0.0], [3.0, 4.0]]))
    np.testing.assert_allclose(g.numpy(), [[0.0, 0.0], [0.6, 0.8]])


def test_matrix_2_norm_has_no_second_derivative():
    x = T(_rand(3, 3, dtype=np.float64))
    with nd.GradientTape() as outer:
        outer.watch(x)
        with nd.GradientTape() as inner:
            inner.watch(x)
            y = nd.norm(x, 2, axis=(0, 1))
        g = inner.gradient(y, x)
        s = nd.reduce_sum(g * g)
    with pytest.raises(NotImplementedError, match="matrix 2-norm"):
        outer.gradient(s, x)


@pytest.mark.parametrize("kwargs,match", [
    (dict(ord="fro", axis=0), r"supported vector norm, got 'fro'"),
    (dict(ord=0), r"supported vector norm, got 0"),
    (dict(ord=-1, axis=1), r"supported vector norm, got -1"),
    (dict(ord="nuc"), r"supported vector norm"),
    (dict(ord=3, axis=(0, 1)), r"supported matrix norm .* got 3"),
    (dict(axis=(1, 1)), r"tuple of 2 unique integers"),
    (dict(axis=(0, 1, 2)), r"'axis' must be None, an integer"),
    (dict(axis=4), r"axis 4 is out of range"),
])
def test_norm_errors(kwargs, match):
    with pytest.raises(nd.InvalidArgumentError, match=match):
        nd.norm(nd.ones((2, 3, 4)), **kwargs)


def test_norm_of_integers_is_refused():
    with pytest.raises(TypeError, match=r"norm expects a floating-point.*int32"):
        nd.norm(nd.constant([3, 4]))


# -- diagonals and trace ------------------------------------------------------------------
def test_diag_and_diag_part_against_numpy():
    d = _rand(2, 3)
    out = nd.linalg.diag(d)
    assert out.dtype == nd.float32 and tuple(out.shape) == (2, 3, 3)
    np.testing.assert_array_equal(out.numpy(), np.stack([np.diag(r) for r in d]))
    x = _rand(2, 3, 4)
    np.testing.assert_array_equal(nd.linalg.diag_part(x).numpy(),
                                  np.diagonal(x, axis1=-2, axis2=-1))


@pytest.mark.parametrize("k", [-2, -1, 0, 1, 2])
def test_diag_offsets_match_numpy_and_invert_diag_part(k):
    d = _rand(3)
    out = nd.linalg.diag(d, k=k)
    np.testing.assert_array_equal(out.numpy(), np.diag(d, k))
    np.testing.assert_array_equal(nd.linalg.diag_part(out, k=k).numpy(), d)
    x = _rand(3, 5)
    np.testing.assert_array_equal(nd.linalg.diag_part(x, k=k).numpy(), np.diagonal(x, k))


def test_diag_rectangular_and_padding():
    out = nd.linalg.diag([1.0, 2.0], k=1, num_rows=2, padding_value=9.0)
    np.testing.assert_array_equal(out.numpy(), [[9, 1, 9], [9, 9, 2]])
    out = nd.linalg.diag([1.0, 2.0], num_cols=4)
    np.testing.assert_array_equal(out.numpy(), [[1, 0, 0, 0], [0, 2, 0, 0]])
    assert nd.linalg.diag(nd.constant([1, 2], nd.int32)).dtype == nd.int32


def test_diag_errors():
    with pytest.raises(nd.InvalidArgumentError, match=r"length 3 does not fit .* 2x5"):
        nd.linalg.diag([1.0, 2.0, 3.0], num_rows=2, num_cols=5)
    with pytest.raises(NotImplementedError, match=r"band of diagonals"):
        nd.linalg.diag([1.0, 2.0], k=(-1, 1))
    with pytest.raises(nd.InvalidArgumentError, match=r"rank >= 2"):
        nd.linalg.diag_part([1.0, 2.0])
    with pytest.raises(nd.InvalidArgumentError, match=r"k=3 is outside a 2x3"):
        nd.linalg.diag_part(nd.ones((2, 3)), k=3)


def test_trace_of_a_batch():
    x = _rand(2, 3, 3)
    out = nd.linalg.trace(x)
    assert out.dtype == nd.float32
    np.testing.assert_allclose(out.numpy(), np.trace(x, axis1=-2, axis2=-1), rtol=1e-6)
    with pytest.raises(nd.InvalidArgumentError, match=r"trace: input must have rank >= 2"):
        nd.linalg.trace([1.0, 2.0])


# -- inverses, determinants, solvers ------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inv_det_slogdet_against_numpy(dtype):
    x = _well_conditioned(2, 3, 3, dtype=dtype)
    for out, expected in [
        (nd.linalg.inv(x), np.linalg.inv(x)),
        (nd.linalg.inv(x, adjoint=True), np.swapaxes(np.linalg.inv(x), -1, -2)),
        (nd.linalg.det(x), np.linalg.det(x)),
        (nd.linalg.slogdet(-x)[0], np.linalg.slogdet(-x)[0]),
        (nd.linalg.slogdet(x)[1], np.linalg.slogdet(x)[1]),
    ]:
        assert out.dtype == nd.as_dtype(dtype)
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5 if dtype == np.float32
                                   else 1e-12)


def test_inv_of_a_complex_adjoint():
    c = _crand(3, 3) + 3 * np.eye(3)
    np.testing.assert_allclose(nd.linalg.inv(c, adjoint=True).numpy(),
                               np.linalg.inv(c.conj().T), rtol=1e-12)


@pytest.mark.parametrize("shapes", [((3, 3), (3, 2)), ((2, 3, 3), (2, 3, 1)),
                                    ((3, 3), (2, 3, 4)), ((2, 1, 3, 3), (4, 3, 2))])
def test_solve_against_numpy(shapes):
    a = _well_conditioned(*shapes[0], dtype=np.float64)
    b = _rand(*shapes[1], dtype=np.float64)
    expected = np.linalg.solve(np.broadcast_to(a, np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
                                               + a.shape[-2:]),
                               np.broadcast_to(b, np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
                                               + b.shape[-2:]))
    np.testing.assert_allclose(nd.linalg.solve(a, b).numpy(), expected, rtol=1e-10)
    adj = nd.linalg.solve(np.swapaxes(a, -1, -2), b, adjoint=True)
    np.testing.assert_allclose(adj.numpy(), expected, rtol=1e-10)


def test_cholesky_and_logdet_against_numpy():
    a = _rand(2, 4, 4, dtype=np.float64)
    spd = a @ np.swapaxes(a, -1, -2) + 4 * np.eye(4)
    np.testing.assert_allclose(nd.linalg.cholesky(spd).numpy(), np.linalg.cholesky(spd),
                               rtol=1e-12)
    np.testing.assert_allclose(nd.linalg.logdet(spd).numpy(), np.linalg.slogdet(spd)[1],
                               rtol=1e-12)
    assert nd.linalg.cholesky(spd.astype(np.float32)).dtype == nd.float32


def test_singular_and_indefinite_matrices_give_tensorflow_messages():
    singular = np.ones((2, 2), np.float32)
    with pytest.raises(nd.InvalidArgumentError, match=r"Input is not invertible"):
        nd.linalg.inv(singular)
    with pytest.raises(nd.InvalidArgumentError, match=r"not invertible"):
        nd.linalg.solve(singular, np.ones((2, 1), np.float32))
    with pytest.raises(nd.InvalidArgumentError, match=r"Cholesky decomposition was not "
                                                      r"successful"):
        nd.linalg.cholesky(-np.eye(2, dtype=np.float32))


@pytest.mark.parametrize("fn", [nd.linalg.inv, nd.linalg.det, nd.linalg.slogdet,
                                nd.linalg.cholesky])
def test_square_matrix_ops_refuse_bad_shapes_and_integers(fn):
    with pytest.raises(nd.InvalidArgumentError, match=r"square matrix.*\[2,3\]"):
        fn(nd.ones((2, 3)))
    with pytest.raises(nd.InvalidArgumentError, match=r"rank >= 2"):
        fn(nd.ones((3,)))
    with pytest.raises(TypeError, match=r"floating-point or complex.*int32"):
        fn(nd.constant([[1, 0], [0, 1]]))


def test_solve_shape_errors():
    with pytest.raises(nd.InvalidArgumentError, match=r"same number of rows: \[3,3\] vs\. "
                                                      r"\[2,1\]"):
        nd.linalg.solve(nd.eye(3), nd.ones((2, 1)))
    with pytest.raises(nd.InvalidArgumentError, match=r"rhs must have shape \[\.\.\., M, K\]"):
        nd.linalg.solve(nd.eye(3), nd.ones((3,)))


def test_namespaces():
    for name in ["matmul", "einsum", "tensordot", "norm", "inv", "det", "solve", "cholesky",
                 "diag", "diag_part", "trace", "matrix_transpose", "adjoint", "matvec",
                 "slogdet", "logdet"]:
        assert getattr(nd.linalg, name) is getattr(ops_linalg, name)
    assert nd.matmul is ops_linalg.matmul and nd.einsum is ops_linalg.einsum
