"""Shape and layout ops: values, shapes and dtypes against NumPy, TensorFlow behaviour, errors."""

import numpy as np
import pytest

import ndflow as nd
from ndflow.ops import array

T = nd.convert_to_tensor
RNG = np.random.default_rng(0)
A = RNG.standard_normal((2, 3, 4)).astype(np.float32)


def _check(out, expected, dtype=None):
    """``out`` is a Tensor equal to the NumPy ``expected``, with its shape and dtype."""
    assert isinstance(out, nd.Tensor)
    assert out.shape == expected.shape
    assert out.dtype == nd.as_dtype(dtype or expected.dtype)
    np.testing.assert_array_equal(out.numpy(), expected)


def _grad(fn, *xs):
    ts = [T(x) for x in xs]
    with nd.GradientTape() as tape:
        tape.watch(ts)
        y = fn(*ts)
    grads = tape.gradient(y, ts)
    return grads[0] if len(grads) == 1 else grads


def test_all_names_exist_and_reach_the_package():
    for name in array.__all__:
        assert hasattr(array, name), name
        assert getattr(nd, name) is getattr(array, name), name


def test_engine_primitives_are_reexported():
    from ndflow.autodiff import engine_ops

    assert nd.reshape is engine_ops.reshape
    assert nd.broadcast_to is engine_ops.broadcast_to


def test_stack_promotes_dtypes_and_names_mismatched_shapes():
    out = nd.stack([T(np.array([1, 2], np.int32)), T(np.array([0.5, 2.0], np.float32))])
    assert out.dtype == nd.float32
    np.testing.assert_array_equal(out.numpy(), [[1, 2], [0.5, 2]])
    with pytest.raises(nd.InvalidArgumentError,
                       match=r"values\[0\]\.shape = \[2\] != values\[1\]\.shape = \[3\]"):
        nd.stack([T(np.zeros(2)), T(np.zeros(3))])


@pytest.mark.parametrize("shape", [(6, 4), [-1], (2, -1, 2), nd.shape(T(np.zeros((4, 6))))])
def test_reshape(shape):
    expected_shape = (4, 6) if isinstance(shape, nd.Tensor) else shape
    _check(nd.reshape(T(A), shape), A.reshape(expected_shape))


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_stack(axis):
    _check(nd.stack([T(A[0]), T(A[1]), T(A[0])], axis=axis), np.stack([A[0], A[1], A[0]], axis))


def test_broadcast_to():
    _check(nd.broadcast_to(T(A[:, :1]), (3, 2, 5, 4)), np.broadcast_to(A[:, :1], (3, 2, 5, 4)))
    with pytest.raises(nd.InvalidArgumentError, match=r"\[2,1,4\] to shape \[2,3,5\]"):
        nd.broadcast_to(T(A[:, :1]), (2, 3, 5))
    # a lower target rank is an error, even where assignment would drop leading 1s
    with pytest.raises(nd.InvalidArgumentError, match=r"\[1,4\] to shape \[4\]"):
        nd.broadcast_to(T(A[0, :1]), (4,))
    scalar = nd.broadcast_to(nd.constant(2.5), (2, 3))
    _check(scalar, np.full((2, 3), 2.5, np.float32))


def test_engine_select_with_a_negative_index_has_a_gradient():
    from ndflow.autodiff.engine_ops import select

    g = _grad(lambda x: select(x, -1, axis=0), np.ones((3, 2)))
    np.testing.assert_array_equal(g.numpy(), [[0, 0], [0, 0], [1, 1]])


# -- transpose, expand_dims, squeeze -------------------------------------------------------
@pytest.mark.parametrize("perm", [None, [0, 2, 1], [2, 0, 1], [-1, 0, 1]])
def test_transpose(perm):
    _check(nd.transpose(T(A), perm), np.transpose(A, perm))


def test_transpose_of_int_and_scalar():
    _check(nd.transpose(T([[1, 2, 3]])), np.array([[1], [2], [3]], np.int32))
    _check(nd.transpose(T(3.0)), np.float32(3.0).reshape(()))


def test_transpose_conjugate():
    z = np.array([[1 + 2j, 3 - 1j]], np.complex64)
    _check(nd.transpose(T(z), conjugate=True), np.conj(z.T))
    _check(nd.transpose(T(A[0]), conjugate=True), A[0].T)


@pytest.mark.parametrize("perm", [[0, 1], [0, 0, 1], [0, 1, 3]])
def test_transpose_bad_perm(perm):
    with pytest.raises(nd.InvalidArgumentError, match=r"transpose: perm.*shape \[2,3,4\]"):
        nd.transpose(T(A), perm)


def test_transpose_gradient_is_inverse_permutation():
    w = RNG.standard_normal((4, 2, 3))
    g = _grad(lambda x: nd.transpose(x, [2, 0, 1]) * w, A.astype(np.float64))
    np.testing.assert_allclose(g.numpy(), np.transpose(w, [1, 2, 0]))


@pytest.mark.parametrize("axis", [0, 1, 3, -1, -4])
def test_expand_dims(axis):
    _check(nd.expand_dims(T(A), axis), np.expand_dims(A, axis))


def test_expand_dims_out_of_range():
    with pytest.raises(nd.InvalidArgumentError, match=r"expand dim index 4.*\[2,3,4\]"):
        nd.expand_dims(T(A), 4)
    with pytest.raises(nd.InvalidArgumentError, match="expand dim index -5"):
        nd.expand_dims(T(A), -5)


def test_squeeze():
    x = np.zeros((1, 3, 1, 2), np.int32)
    _check(nd.squeeze(T(x)), np.squeeze(x))
    _check(nd.squeeze(T(x), [0, -2]), np.squeeze(x, (0, 2)))
    _check(nd.squeeze(T(x), 2), np.squeeze(x, 2))
    _check(nd.squeeze(T(x), []), np.squeeze(x))


def test_squeeze_of_a_dimension_other_than_1():
    with pytest.raises(nd.InvalidArgumentError,
                       match=r"Can not squeeze dim\[1\], expected a dimension of 1, got 3"):
        nd.squeeze(T(np.zeros((1, 3))), 1)


def test_bad_axes_name_the_range():
    with pytest.raises(nd.InvalidArgumentError,
                       match=r"squeeze: invalid axis 2 for a tensor of rank 2 "
                             r"\(valid axes: in \[-2, 2\)\)"):
        nd.squeeze(T(np.zeros((1, 1))), 2)
    with pytest.raises(nd.InvalidArgumentError, match=r"squeeze.*more than once"):
        nd.squeeze(T(np.zeros((1, 1))), [0, -2])


# -- concat, unstack, split ----------------------------------------------------------------
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_concat(axis):
    parts = [A, A[:, :, :2] if axis in (2, -1) else A, A]
    if axis in (0, 1):
        parts[1] = A[:1] if axis == 0 else A[:, :2]
    _check(nd.concat([T(p) for p in parts], axis), np.concatenate(parts, axis))


def test_concat_promotes_dtypes():
    out = nd.concat([T(np.float32([1, 2])), T(np.float64([3]))], 0)
    _check(out, np.array([1, 2, 3], np.float64))
    _check(nd.concat([T(np.float32([1])), [2.5]], 0), np.float32([1, 2.5]))
    _check(nd.concat([T([1]), [2, 3]], 0), np.int32([1, 2, 3]))


def test_concat_of_one_tensor():
    _check(nd.concat([T(A)], 1), A)


def test_concat_shape_mismatch_names_shapes():
    with pytest.raises(nd.InvalidArgumentError,
                       match=r"dimension 1.*shape\[0\] = \[2,3\] vs. shape\[1\] = \[2,4\]"):
        nd.concat([T(np.zeros((2, 3))), T(np.zeros((2, 4)))], 0)
    with pytest.raises(nd.InvalidArgumentError,
                       match=r"ranks.*shape\[0\] = \[2,3\] vs. shape\[2\] = \[3\]"):
        nd.concat([T(np.zeros((2, 3))), T(np.zeros((2, 3))), T(np.zeros(3))], 0)


def test_concat_errors():
    with pytest.raises(nd.InvalidArgumentError, match="at least one"):
        nd.concat([], 0)
    with pytest.raises(nd.InvalidArgumentError, match="scalars"):
        nd.concat([T(1.0), T(2.0)], 0)
    with pytest.raises(nd.InvalidArgumentError,
                       match=r"concat: invalid axis 2 for a tensor of rank 2 "
                             r"\(valid axes: in \[-2, 2\)\)"):
        nd.concat([T(np.zeros((2, 3)))] * 2, 2)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_unstack(axis):
    out = nd.unstack(T(A), axis=axis)
    expected = [np.take(A, i, axis=axis) for i in range(A.shape[axis])]
    assert isinstance(out, list) and len(out) == len(expected)
    for o, e in zip(out, expected):
        _check(o, e)


def test_unstack_num_mismatch():
    with pytest.raises(nd.InvalidArgumentError, match=r"num=2.*\[2,3,4\].*size 3"):
        nd.unstack(T(A), num=2, axis=1)
    with pytest.raises(nd.InvalidArgumentError, match="unstack"):
        nd.unstack(T(1.0))


@pytest.mark.parametrize("sizes,axis", [(2, 2), (4, -1), (3, 1), (1, 0), ([1, 3], 2),
                                        ([1, -1, 1], 2), ([0, 4], -1), ([-1], 1)])
def test_split(sizes, axis):
    out = nd.split(T(A), sizes, axis=axis)
    if isinstance(sizes, int):
        expected = np.split(A, sizes, axis=axis)
    else:
        n = A.shape[axis]
        sizes = [n - sum(s for s in sizes if s != -1) if s == -1 else s for s in sizes]
        expected = np.split(A, np.cumsum(sizes)[:-1], axis=axis)
    assert len(out) == len(expected)
    for o, e in zip(out, expected):
        _check(o, e)


def test_split_with_a_tensor_of_sizes():
    out = nd.split(T(A), T([3, 1]), axis=2)
    _check(out[1], A[:, :, 3:])


@pytest.mark.parametrize("sizes,match", [
    (3, r"number of splits \(3\) must evenly divide dimension 2 of shape \[2,3,4\]"),
    (0, r"number of splits \(0\)"),
    ([1, 2], r"sizes \[1, 2\] must sum to dimension 2"),
    ([1, 5, -1], r"sizes \[1, 5, -1\] must sum"),
    ([-1, -1], "at most one size can be -1"),
    ([-2, 6], "must be >= 0"),
])
def test_split_errors(sizes, match):
    with pytest.raises(nd.InvalidArgumentError, match=match):
        nd.split(T(A), sizes, axis=2)


def test_split_and_unstack_gradients_cover_every_piece():
    pieces = lambda x: nd.concat([p * float(i + 1) for i, p in enumerate(nd.split(x, [1, 2], 1))],
                                 1)
    np.testing.assert_array_equal(_grad(pieces, np.ones((2, 3))).numpy(),
                                  [[1, 2, 2], [1, 2, 2]])
    rows = lambda x: nd.stack([r * float(i + 1) for i, r in enumerate(nd.unstack(x, axis=1))])
    np.testing.assert_array_equal(_grad(rows, np.ones((2, 3))).numpy(), [[1, 2, 3], [1, 2, 3]])


# -- tile, repeat, pad -------------------------------------------------------------------
@pytest.mark.parametrize("multiples", [[1, 1, 1], [2, 1, 3], [1, 0, 2]])
def test_tile(multiples):
    _check(nd.tile(T(A), multiples), np.tile(A, multiples))


def test_tile_of_ints_and_tensor_multiples():
    x = np.array([[1, 2]], np.int32)
    _check(nd.tile(T(x), T([3, 2])), np.tile(x, (3, 2)))


def test_tile_errors():
    with pytest.raises(nd.InvalidArgumentError, match=r"vector of length 3.*\[2,3,4\].*length 2"):
        nd.tile(T(A), [2, 2])
    with pytest.raises(nd.InvalidArgumentError, match="non-negative"):
        nd.tile(T(A), [1, -1, 1])


def test_tile_gradient_sums_the_copies():
    np.testing.assert_array_equal(_grad(lambda x: nd.tile(x, [2, 3]), np.ones((2, 1))).numpy(),
                                  [[6], [6]])


@pytest.mark.parametrize("repeats,axis", [(2, None), (3, 0), (2, 1), ([1, 0, 2], 1),
                                          ([2], -1), (0, 2), (np.array([1, 2]), 0)])
def test_repeat(repeats, axis):
    _check(nd.repeat(T(A), repeats, axis=axis), np.repeat(A, repeats, axis=axis))


def test_repeat_of_a_scalar_and_tensor_repeats():
    _check(nd.repeat(T(7), 3), np.array([7, 7, 7], np.int32))
    _check(nd.repeat(T(A), T([1, 2]), axis=0), np.repeat(A, [1, 2], axis=0))


def test_repeat_errors():
    with pytest.raises(nd.InvalidArgumentError, match=r"repeats has 2 entries.*size 3"):
        nd.repeat(T(A), [1, 2], axis=1)
    with pytest.raises(nd.InvalidArgumentError, match="non-negative integers"):
        nd.repeat(T(A), -1, axis=1)
    with pytest.raises(nd.InvalidArgumentError, match="non-negative integers"):
        nd.repeat(T(A), 1.5, axis=1)


def test_repeat_gradient_counts_copies():
    g = _grad(lambda x: nd.repeat(x, [2, 0, 3], axis=0), np.ones((3, 2)))
    np.testing.assert_array_equal(g.numpy(), [[2, 2], [0, 0], [3, 3]])


PADDINGS = [[1, 0], [0, 2], [2, 3]]


@pytest.mark.parametrize("mode", ["CONSTANT", "REFLECT", "SYMMETRIC", "reflect"])
def test_pad_modes(mode):
    expected = np.pad(A, PADDINGS, mode=mode.lower())
    _check(nd.pad(T(A), PADDINGS, mode), expected)


def test_pad_constant_values_and_dtypes():
    x = np.arange(6, dtype=np.int32).reshape(2, 3)
    _check(nd.pad(T(x), [[1, 1], [0, 1]], constant_values=-7),
           np.pad(x, [[1, 1], [0, 1]], constant_values=-7))
    _check(nd.pad(T(A), T(PADDINGS), constant_values=T(np.float32(2.5))),
           np.pad(A, PADDINGS, constant_values=2.5))
    _check(nd.pad(T(A), np.zeros((3, 2), np.int64)), A)


def test_pad_errors():
    with pytest.raises(nd.InvalidArgumentError, match=r"paddings must be integers of shape.*"
                                                      r"\[3,2\].*\[2,3,4\]"):
        nd.pad(T(A), [[1, 1], [1, 1]])
    with pytest.raises(nd.InvalidArgumentError, match="non-negative"):
        nd.pad(T(A), [[0, 0], [0, -1], [0, 0]])
    with pytest.raises(nd.InvalidArgumentError, match="mode must be one of"):
        nd.pad(T(A), PADDINGS, "EDGE")
    with pytest.raises(nd.InvalidArgumentError,
                       match=r"REFLECT mode.*dimension size - 1.*\[3, 0\].*dimension 1 of size 3"):
        nd.pad(T(A), [[0, 0], [3, 0], [0, 0]], "REFLECT")
    with pytest.raises(nd.InvalidArgumentError, match=r"SYMMETRIC mode.*\[0, 5\]"):
        nd.pad(T(A), [[0, 0], [0, 0], [0, 5]], "SYMMETRIC")
    _check(nd.pad(T(A), [[0, 0], [3, 0], [0, 0]], "SYMMETRIC"),
           np.pad(A, [[0, 0], [3, 0], [0, 0]], "symmetric"))


def test_reflect_pad_gradient_adds_mirrored_parts():
    g = _grad(lambda x: nd.pad(x, [[2, 1]], "REFLECT"), np.ones(4))
    np.testing.assert_array_equal(g.numpy(), [1, 2, 3, 1])


# -- gather ------------------------------------------------------------------------------
@pytest.mark.parametrize("indices,axis", [([2, 0, 2], 1), ([[1, 0], [1, 1]], 0), (3, 2),
                                          (np.array([], np.int64), 1), ([0, -1 + 3], -2)])
def test_gather(indices, axis):
    _check(nd.gather(T(A), indices, axis=axis), np.take(A, indices, axis=axis))


def test_gather_default_axis_and_int64_indices():
    x = np.arange(5, dtype=np.int32) * 10
    _check(nd.gather(T(x), T(np.array([4, 1], np.int64))), x[[4, 1]])


def _batch_gather_reference(params, indices, axis, batch_dims):
    if batch_dims == 0:
        return np.take(params, indices, axis=axis)
    return np.stack([_batch_gather_reference(p, i, axis - 1, batch_dims - 1)
                     for p, i in zip(params, indices)])


@pytest.mark.parametrize("axis,batch_dims,ishape", [(1, 1, (2, 5)), (2, 1, (2, 3)),
                                                    (2, 2, (2, 3, 2)), (2, -1, (2, 3, 2)),
                                                    (1, 1, (2,)), (None, 1, (2, 4, 1))])
def test_gather_batch_dims(axis, batch_dims, ishape):
    dim = A.shape[batch_dims if axis is None else axis]
    indices = RNG.integers(0, dim, size=ishape)
    bd = batch_dims + len(ishape) if batch_dims < 0 else batch_dims
    expected = _batch_gather_reference(A, indices, bd if axis is None else axis, bd)
    _check(nd.gather(T(A), indices, axis=axis, batch_dims=batch_dims), expected)


def test_gather_out_of_range_and_negative_indices():
    with pytest.raises(nd.InvalidArgumentError,
                       match=r"indices\[1,0\] = 3 is not in \[0, 3\)"):
        nd.gather(T(A), [[0, 1], [3, 0]], axis=1)
    with pytest.raises(IndexError, match=r"indices\[1\] = -1 is not in \[0, 4\)"):
        nd.gather(T(A), [0, -1], axis=2)
    with pytest.raises(IndexError, match=r"indices\[1,1\] = 5 is not in \[0, 3\)"):
        nd.gather(T(A), [[0, 1], [2, 5]], axis=1, batch_dims=1)


def test_gather_errors():
    with pytest.raises(TypeError, match="indices must be int32 or int64, got float32"):
        nd.gather(T(A), [0.0, 1.0])
    with pytest.raises(nd.InvalidArgumentError, match=r"axis 3 is out of range.*\[2,3,4\]"):
        nd.gather(T(A), [0], axis=3)
    with pytest.raises(nd.InvalidArgumentError, match=r"batch_dims \(2\).*axis \(1\)"):
        nd.gather(T(A), np.zeros((2, 3), np.int32), axis=1, batch_dims=2)
    with pytest.raises(nd.InvalidArgumentError, match=r"\[2,3,4\].*\[3\].*must be equal"):
        nd.gather(T(A), [0, 1, 2], axis=1, batch_dims=1)


def test_gather_gradient_accumulates_repeated_indices():
    g = _grad(lambda e: nd.gather(e, [[1, 3], [1, 1]]), np.ones((4, 2)))
    np.testing.assert_array_equal(g.numpy(), [[0, 0], [3, 3], [0, 0], [1, 1]])


def test_gather_gradient_reaches_a_variable():
    v = nd.Variable(np.ones((3, 2), np.float32))
    with nd.GradientTape() as tape:
        y = nd.reduce_sum(nd.gather(v, [2, 2]))
    g = tape.gradient(y, v)
    assert g.dtype == nd.float32
    np.testing.assert_array_equal(g.numpy(), [[0, 0], [0, 0], [2, 2]])


# -- gather_nd and scatters ----------------------------------------------------------------
def _gather_nd_reference(params, indices):
    indices = np.asarray(indices)
    return params[tuple(np.moveaxis(indices, -1, 0))]


@pytest.mark.parametrize("indices", [[[0, 1, 2], [1, 2, 3]], [[1], [0], [1]], [[1, 2]],
                                     [[[0, 0], [1, 1]], [[1, 2], [0, 0]]], [0, 2]])
def test_gather_nd(indices):
    _check(nd.gather_nd(T(A), indices), _gather_nd_reference(A, indices))


def test_gather_nd_with_empty_index_rows_broadcasts_params():
    _check(nd.gather_nd(T(A[0]), np.zeros((2, 0), np.int32)), np.stack([A[0], A[0]]))


@pytest.mark.parametrize("ishape", [(2, 1), (2, 3, 1), (2, 3, 2), (2, 2)])
def test_gather_nd_batch_dims(ishape):
    k = ishape[-1]
    cols = [RNG.integers(0, A.shape[1 + j], size=ishape[:-1]) for j in range(k)]
    indices = np.stack(cols, axis=-1)
    expected = np.stack([_gather_nd_reference(p, i) for p, i in zip(A, indices)])
    _check(nd.gather_nd(T(A), indices, batch_dims=1), expected)


def test_gather_nd_errors():
    with pytest.raises(IndexError, match=r"gather_nd: indices\[1\] = \[1, 3\] does not index "
                                         r"into shape \[2,3\]"):
        nd.gather_nd(T(A[:, :, 0]), [[0, 0], [1, 3]])
    with pytest.raises(IndexError, match=r"indices\[0\] = \[-1\]"):
        nd.gather_nd(T(A), [[-1]])
    with pytest.raises(nd.InvalidArgumentError, match=r"last dimension at most the rank"):
        nd.gather_nd(T(A[0]), [[0, 0, 0]])
    with pytest.raises(TypeError, match="int32 or int64"):
        nd.gather_nd(T(A), [[0.5]])
    with pytest.raises(nd.InvalidArgumentError, match="batch_dims=1"):
        nd.gather_nd(T(A), [[0], [0], [0]], batch_dims=1)


def test_gather_nd_gradient_accumulates():
    g = _grad(lambda x: nd.gather_nd(x, [[0, 1], [0, 1], [1, 0]]), np.ones((2, 2)))
    np.testing.assert_array_equal(g.numpy(), [[0, 2], [1, 0]])


def test_scatter_nd_adds_repeated_indices():
    indices = np.array([[4], [3], [1], [7], [4]])
    updates = np.float32([9, 10, 11, 12, 13])
    expected = np.zeros(8, np.float32)
    np.add.at(expected, indices[:, 0], updates)
    _check(nd.scatter_nd(indices, T(updates), [8]), expected)


def test_scatter_nd_slices():
    indices = np.array([[0], [2]])
    updates = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    expected = np.zeros((4, 3, 4), np.float32)
    expected[[0, 2]] = updates
    _check(nd.scatter_nd(T(indices), updates, T([4, 3, 4])), expected)


def test_scatter_nd_errors():
    with pytest.raises(nd.InvalidArgumentError,
                       match=r"updates must have shape.*= \[2\], got \[3\]"):
        nd.scatter_nd([[0], [1]], T([1.0, 2.0, 3.0]), [4])
    with pytest.raises(IndexError, match=r"scatter_nd: indices\[1\] = \[4\] does not index "
                                         r"into shape \[4\]"):
        nd.scatter_nd([[0], [4]], T([1.0, 2.0]), [4])


def test_tensor_scatter_nd_update():
    tensor = np.arange(12, dtype=np.float32).reshape(3, 4)
    out = nd.tensor_scatter_nd_update(T(tensor), [[0, 1], [2, 3]], [-1.0, -2.0])
    expected = tensor.copy()
    expected[[0, 2], [1, 3]] = [-1, -2]
    _check(out, expected)
    rows = nd.tensor_scatter_nd_update(T(tensor), [[1]], T(np.ones((1, 4), np.float32)))
    expected = tensor.copy()
    expected[1] = 1
    _check(rows, expected)


def test_tensor_scatter_nd_add_and_sub():
    tensor = np.arange(6, dtype=np.int32)
    expected = tensor.copy()
    np.add.at(expected, [1, 1, 5], [10, 20, 30])
    _check(nd.tensor_scatter_nd_add(T(tensor), [[1], [1], [5]], [10, 20, 30]), expected)
    expected = tensor.copy()
    expected[0] -= 3
    _check(nd.tensor_scatter_nd_sub(T(tensor), [[0]], [3]), expected)


def test_tensor_scatter_errors():
    t = T(np.zeros((3, 2), np.float32))
    with pytest.raises(TypeError, match="updates have dtype float64 but the tensor has dtype "
                                        "float32"):
        nd.tensor_scatter_nd_update(t, [[0]], T(np.zeros((1, 2))))
    with pytest.raises(nd.InvalidArgumentError, match=r"\[1,2\], got \[2\]"):
        nd.tensor_scatter_nd_add(t, [[0]], T(np.float32([1, 2])))
    with pytest.raises(IndexError, match=r"tensor_scatter_nd_update: indices\[0\] = \[3\]"):
        nd.tensor_scatter_nd_update(t, [[3]], T(np.zeros((1, 2), np.float32)))


def test_tensor_scatter_nd_update_gradients():
    gt, gu = _grad(lambda t, u: nd.tensor_scatter_nd_update(t, [[0, 1], [1, 0]], u) * 3.0,
                   np.ones((2, 2)), np.ones(2))
    np.testing.assert_array_equal(gt.numpy(), [[3, 0], [0, 3]])
    np.testing.assert_array_equal(gu.numpy(), [3, 3])


def test_scatters_do_not_change_their_inputs():
    tensor = np.zeros(3, np.float32)
    t = T(tensor)
    nd.tensor_scatter_nd_add(t, [[0]], [1.0])
    nd.tensor_scatter_nd_update(t, [[1]], [1.0])
    np.testing.assert_array_equal(t.numpy(), np.zeros(3))


# -- masks, reverse, roll, slice, meshgrid ------------------------------------------------------
@pytest.mark.parametrize("axis,mask", [
    (None, [True, False]),
    (0, [[True, False, True], [False, True, True]]),
    (1, [False, True, True]),
    (2, [True, False, False, True]),
    (-1, [False] * 4),
    (1, [[True, False, True, False], [True, True, False, False], [False, False, False, True]]),
])
def test_boolean_mask(axis, mask):
    mask = np.asarray(mask)
    a = 0 if axis is None else axis % A.ndim
    expected = A[(slice(None),) * a + (mask,)]
    _check(nd.boolean_mask(T(A), mask, axis=axis), expected)
    _check(nd.boolean_mask(T(A), T(mask), axis=axis), expected)


def test_boolean_mask_errors():
    with pytest.raises(nd.InvalidArgumentError, match=r"mask of shape \[2\] does not match "
                                                      r"dimensions 1..1.*\[2,3,4\]"):
        nd.boolean_mask(T(A), [True, False], axis=1)
    with pytest.raises(TypeError, match="mask must be boolean, got int32"):
        nd.boolean_mask(T(A), [1, 0])
    with pytest.raises(nd.InvalidArgumentError, match="scalar"):
        nd.boolean_mask(T(A), True)


def test_boolean_mask_gradient():
    g = _grad(lambda x: nd.boolean_mask(x, [True, False, True]), np.ones(3))
    np.testing.assert_array_equal(g.numpy(), [1, 0, 1])


@pytest.mark.parametrize("axis", [[0], [1, 2], [-1], 0, []])
def test_reverse(axis):
    _check(nd.reverse(T(A), axis), np.flip(A, axis) if axis != [] else A)


def test_reverse_repeated_axis():
    with pytest.raises(nd.InvalidArgumentError, match="more than once"):
        nd.reverse(T(A), [1, -2])


@pytest.mark.parametrize("shift,axis", [(1, 0), (-2, 2), (5, 1), ([1, 2], [0, 2]),
                                        ([1, 1], [1, 1]), (0, 1)])
def test_roll(shift, axis):
    _check(nd.roll(T(A), shift, axis), np.roll(A, shift, axis if isinstance(axis, int)
                                                else tuple(axis)))


def test_roll_mismatched_lengths():
    with pytest.raises(nd.InvalidArgumentError, match="same length"):
        nd.roll(T(A), [1, 2], [0])


def test_slice():
    _check(nd.slice(T(A), [1, 0, 2], [1, -1, 2]), A[1:2, :, 2:4])
    _check(nd.slice(T(A), T([0, 1, 0]), [2, 2, 0]), A[:, 1:3, 0:0])
    with pytest.raises(nd.InvalidArgumentError, match=r"size\[1\] in \[0, 1\]"):
        nd.slice(T(A), [0, 2, 0], [1, 2, 1])
    with pytest.raises(nd.InvalidArgumentError, match="length 3"):
        nd.slice(T(A), [0, 0], [1, 1])


@pytest.mark.parametrize("indexing", ["xy", "ij"])
def test_meshgrid(indexing):
    x, y, z = np.float32([1, 2, 3]), np.float32([4, 5]), np.float32([6, 7, 8, 9])
    for n in (1, 2, 3):
        args = (x, y, z)[:n]
        out = nd.meshgrid(*[T(a) for a in args], indexing=indexing)
        expected = np.meshgrid(*args, indexing=indexing)
        assert len(out) == n
        for o, e in zip(out, expected):
            _check(o, e)


def test_meshgrid_bad_indexing():
    with pytest.raises(nd.InvalidArgumentError, match="indexing"):
        nd.meshgrid(T([1.0]), indexing="xyz")


# -- shape queries, identity, stop_gradient ----------------------------------------------
def test_shape_size_rank():
    x = T(A)
    _check(nd.shape(x), np.array([2, 3, 4], np.int32))
    _check(nd.shape(x, out_type=nd.int64), np.array([2, 3, 4], np.int64))
    _check(nd.shape(T(1.0)), np.zeros(0, np.int32))
    _check(nd.shape([[1, 2, 3]]), np.array([1, 3], np.int32))
    _check(nd.size(x), np.array(24, np.int32))
    _check(nd.size(x, out_type="int64"), np.array(24, np.int64))
    _check(nd.rank(x), np.array(3, np.int32))
    _check(nd.rank(5.0), np.array(0, np.int32))


def test_shape_tensor_feeds_reshape():
    x = T(A)
    _check(nd.reshape(T(A.reshape(-1)), nd.shape(x)), A)


def test_identity():
    v = nd.Variable([1.0, 2.0])
    snapshot = nd.identity(v)
    v.assign([5.0, 6.0])
    assert type(snapshot) is nd.Tensor
    _check(snapshot, np.float32([1, 2]))
    np.testing.assert_array_equal(_grad(lambda x: nd.identity(x) * 2.0, np.ones(2)).numpy(),
                                  [2, 2])


def test_stop_gradient_blocks_gradients():
    x = np.array([1.0, 2.0, 3.0])
    g = _grad(lambda t: t * nd.stop_gradient(t), x)
    np.testing.assert_array_equal(g.numpy(), x)  # d/dx (x * c) with c = x held constant
    assert _grad(lambda t: nd.stop_gradient(t * t), x) is None
    _check(nd.stop_gradient(T(A)), A)


def test_newaxis():
    assert nd.newaxis is None
    _check(T(A)[nd.newaxis, :, 0], A[None, :, 0])


FLOAT32_OPS = {
    "transpose": lambda x: nd.transpose(x),
    "concat": lambda x: nd.concat([x, x], 0),
    "tile": lambda x: nd.tile(x, [2, 2]),
    "repeat_per_element": lambda x: nd.repeat(x, [1, 2], axis=0),
    "repeat": lambda x: nd.repeat(x, 2),
    "pad": lambda x: nd.pad(x, [[1, 1], [0, 1]]),
    "pad_reflect": lambda x: nd.pad(x, [[1, 1], [0, 1]], "REFLECT"),
    "gather": lambda x: nd.gather(x, [1, 1]),
    "gather_nd": lambda x: nd.gather_nd(x, [[1, 0]]),
    "tensor_scatter_nd_update": lambda x: nd.tensor_scatter_nd_update(
        x, [[0]], T(np.float32([[1, 2, 3]]))),
    "boolean_mask": lambda x: nd.boolean_mask(x, [True, False]),
    "unstack": lambda x: nd.stack(nd.unstack(x, axis=1)),
    "reverse": lambda x: nd.reverse(x, [1]),
    "getitem": lambda x: x[::-1, [0, 0]],
}


@pytest.mark.parametrize("name", FLOAT32_OPS)
def test_float32_gradients_stay_float32(name):
    x = nd.Variable(A[0, :2, :3])
    with nd.GradientTape() as tape:
        y = nd.reduce_sum(FLOAT32_OPS[name](x))
    g = tape.gradient(y, x)
    assert g.dtype == nd.float32
    assert g.shape == (2, 3)
