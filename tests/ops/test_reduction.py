"""Reductions, arg-reductions, cumulative ops and sorting: values, dtypes, errors."""

import warnings

import numpy as np
import pytest

import ndflow as nd
from ndflow.ops import reduction as ops_reduction

T = nd.convert_to_tensor
RNG = np.random.default_rng(1)
AXES = [None, 0, -1, 1, [0, 2], (2, 0, 1), []]


def _grad(fn, x):
    x = T(x)
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x)


def _np_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


REDUCTIONS = [  # (op, NumPy reference, dtypes)
    ("reduce_sum", np.sum, [np.int32, np.float32, np.float64]),
    ("reduce_mean", np.mean, [np.float32, np.float64]),
    ("reduce_max", np.max, [np.int32, np.float32, np.float64]),
    ("reduce_min", np.min, [np.int32, np.float32, np.float64]),
    ("reduce_prod", np.prod, [np.int32, np.float32, np.float64]),
    ("reduce_variance", np.var, [np.float32, np.float64]),
    ("reduce_std", np.std, [np.float32, np.float64]),
    ("reduce_logsumexp",
     lambda x, axis, keepdims: np.log(np.sum(np.exp(x), axis=axis, keepdims=keepdims)),
     [np.float32, np.float64]),
    ("reduce_euclidean_norm",
     lambda x, axis, keepdims: np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims)),
     [np.float32, np.float64]),
]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name,ref,dtypes", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
def test_reductions_match_numpy_and_keep_the_dtype(name, ref, dtypes, axis, keepdims):
    for dtype in dtypes:
        x = RNG.integers(-3, 4, size=(2, 3, 4)).astype(dtype)
        out = getattr(nd, name)(T(x), axis=axis, keepdims=keepdims)
        expected = ref(x.astype(np.float64), axis=_np_axis(axis), keepdims=keepdims)
        assert out.dtype == nd.as_dtype(dtype), (name, dtype)
        assert tuple(out.shape) == np.shape(expected)
        tol = 1e-5 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(out.numpy(), expected, rtol=tol, atol=tol)


def test_axis_may_be_a_tensor():
    x = RNG.standard_normal((2, 3)).astype(np.float32)
    out = nd.reduce_sum(T(x), axis=T(np.array([1], np.int32)))
    np.testing.assert_allclose(out.numpy(), x.sum(axis=1), rtol=1e-6)


def test_integer_sums_and_products_stay_in_their_dtype():
    x = np.array([[100, 27], [3, 4]], np.int8)
    assert nd.reduce_sum(T(x)).dtype == nd.int8
    assert nd.reduce_sum(T(x.astype(np.int32)), axis=0).dtype == nd.int32
    assert nd.reduce_prod(T(x.astype(np.int32)), axis=0).dtype == nd.int32
    np.testing.assert_array_equal(nd.reduce_sum(T(x), axis=1).numpy(),
                                  x.sum(axis=1, dtype=np.int8))


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.int16])
def test_integer_mean_truncates_toward_zero_like_tensorflow(dtype):
    x = np.array([[-1, -2], [1, 2], [-3, 1], [7, 0]], dtype)
    out = nd.reduce_mean(T(x), axis=1)
    assert out.dtype == nd.as_dtype(dtype)
    np.testing.assert_array_equal(out.numpy(), np.trunc(x.sum(axis=1) / 2).astype(dtype))
    assert nd.reduce_mean(T(np.array([1, 2, 2], np.uint8))).numpy() == 1


def test_float16_sums_accumulate_in_float32():
    x = np.full(4096, 0.1, np.float16)
    out = nd.reduce_sum(T(x))
    assert out.dtype == nd.float16
    assert out.numpy() == x.astype(np.float32).sum().astype(np.float16)
    assert nd.reduce_mean(T(x)).numpy() == np.float16(0.1)


def test_empty_reductions_give_the_identity():
    x = np.zeros((0, 3), np.float32)
    np.testing.assert_array_equal(nd.reduce_sum(T(x), axis=0).numpy(), np.zeros(3))
    np.testing.assert_array_equal(nd.reduce_max(T(x), axis=0).numpy(), np.full(3, -np.inf))
    np.testing.assert_array_equal(nd.reduce_min(T(x), axis=0).numpy(), np.full(3, np.inf))
    np.testing.assert_array_equal(nd.reduce_prod(T(x), axis=0).numpy(), np.ones(3))
    ints = np.zeros((0,), np.int32)
    assert nd.reduce_max(T(ints)).numpy() == np.iinfo(np.int32).min


@pytest.mark.parametrize("name", ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min",
                                  "reduce_prod", "reduce_std", "reduce_variance",
                                  "reduce_logsumexp", "reduce_euclidean_norm", "count_nonzero"])
@pytest.mark.parametrize("axis", [2, -3, [0, 5]], ids=str)
def test_bad_axis_names_the_axis_and_the_rank(name, axis):
    bad = axis if isinstance(axis, int) else 5
    with pytest.raises(nd.InvalidArgumentError, match=rf"{name}: invalid axis {bad} for a "
                                                      r"tensor of rank 2"):
        getattr(nd, name)(T(np.ones((2, 3), np.float32)), axis=axis)


def test_scalar_reductions():
    s = T(np.float32(3.0))
    assert nd.reduce_sum(s).numpy() == 3.0
    assert nd.reduce_max(s, axis=[]).numpy() == 3.0
    with pytest.raises(nd.InvalidArgumentError, match=r"invalid axis 0 for a tensor of rank 0"):
        nd.reduce_sum(s, axis=0)


# -- gradients with TensorFlow's conventions ---------------------------------------------
def test_max_and_min_split_the_gradient_evenly_among_ties():
    x = np.array([[1.0, 3.0, 3.0, 3.0], [2.0, -1.0, 0.0, -1.0]])
    g = _grad(lambda t: nd.reduce_max(t, axis=1), x)
    np.testing.assert_allclose(g.numpy(), [[0, 1 / 3, 1 / 3, 1 / 3], [1, 0, 0, 0]])
    g = _grad(lambda t: nd.reduce_min(t, axis=1, keepdims=True), x)
    np.testing.assert_allclose(g.numpy(), [[1, 0, 0, 0], [0, 0.5, 0, 0.5]])
    g = _grad(nd.reduce_max, x)
    np.testing.assert_allclose(g.numpy(), [[0, 1 / 3, 1 / 3, 1 / 3], [0, 0, 0, 0]])


@pytest.mark.parametrize("row", [[2.0, 3.0, 4.0], [2.0, 0.0, 4.0], [0.0, 5.0, 0.0],
                                 [0.0, 0.0, 0.0]])
def test_prod_gradient_is_the_product_of_the_others_even_with_zeros(row):
    x = np.array([row, [1.5, -2.0, 0.5]])
    g = _grad(lambda t: nd.reduce_prod(t, axis=1), x)
    others = np.array([[np.prod(np.delete(r, i)) for i in range(3)] for r in x])
    np.testing.assert_array_equal(g.numpy(), others)
    assert np.all(np.isfinite(g.numpy()))


def test_logsumexp_is_stable():
    x = np.array([[1000.0, 1000.0], [-1000.0, -1001.0], [-np.inf, -np.inf], [np.inf, 0.0]],
                 np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # log(0) for the all -inf row is expected
        out = nd.reduce_logsumexp(T(x), axis=1).numpy()
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[:2], [1000 + np.log(2), -1000 + np.log1p(np.exp(-1))],
                               rtol=1e-6)
    assert out[2] == -np.inf and out[3] == np.inf


def test_logsumexp_gradient_is_softmax():
    x = np.array([[500.0, 501.0, 499.0]])
    g = _grad(lambda t: nd.reduce_logsumexp(t, axis=-1), x)
    e = np.exp(x - x.max())
    np.testing.assert_allclose(g.numpy(), e / e.sum(), rtol=1e-12)


def test_variance_of_complex_is_real():
    z = np.array([1 + 2j, -1 + 0.5j, 3 - 1j], np.complex64)
    out = nd.reduce_variance(T(z))
    assert out.dtype == nd.float32
    np.testing.assert_allclose(out.numpy(), np.var(z), rtol=1e-6)


@pytest.mark.parametrize("name", ["reduce_variance", "reduce_std", "reduce_logsumexp"])
def test_float_reductions_refuse_integers(name):
    with pytest.raises(TypeError, match=rf"{name} expects a floating-point.*int32"):
        getattr(nd, name)(T([1, 2, 3]))


def test_euclidean_norm_of_integers_truncates():
    x = np.array([[1, 2, 3], [1, 1, 1]], np.int32)
    out = nd.reduce_euclidean_norm(T(x), axis=1)
    assert out.dtype == nd.int32
    np.testing.assert_array_equal(out.numpy(), np.trunc(np.linalg.norm(x, axis=1)))


# -- logical and counting -------------------------------------------------------------------
@pytest.mark.parametrize("axis", [None, 0, 1, [0, 1]], ids=str)
def test_reduce_any_and_all(axis):
    x = np.array([[True, False, True], [False, False, True]])
    for name, ref in [("reduce_any", np.any), ("reduce_all", np.all)]:
        out = getattr(nd, name)(T(x), axis=axis, keepdims=True)
        assert out.dtype == nd.bool
        np.testing.assert_array_equal(out.numpy(), ref(x, axis=_np_axis(axis), keepdims=True))


def test_reduce_any_refuses_non_booleans():
    with pytest.raises(TypeError, match=r"reduce_any expects a boolean tensor, got float32"):
        nd.reduce_any(T([1.0, 0.0]))


def test_count_nonzero():
    x = np.array([[0, 1.5, 0], [2.0, -1.0, 0]], np.float32)
    out = nd.count_nonzero(T(x))
    assert out.dtype == nd.int64 and out.numpy() == np.count_nonzero(x)
    out = nd.count_nonzero(T(x), axis=1, keepdims=True, dtype=nd.int32)
    assert out.dtype == nd.int32
    np.testing.assert_array_equal(out.numpy(), np.count_nonzero(x, axis=1, keepdims=True))
    words = T(np.array(["a", "", "bc"]))
    assert nd.count_nonzero(words).numpy() == 2
    assert nd.count_nonzero(T(np.array([True, False, True]))).numpy() == 2


# -- argmax / argmin --------------------------------------------------------------------
def test_argmax_and_argmin():
    x = RNG.standard_normal((3, 4, 2)).astype(np.float32)
    for name, ref in [("argmax", np.argmax), ("argmin", np.argmin)]:
        op = getattr(nd, name)
        out = op(T(x))
        assert out.dtype == nd.int64
        np.testing.assert_array_equal(out.numpy(), ref(x, axis=0))  # axis None means 0
        for axis in (1, -1, 2):
            np.testing.assert_array_equal(op(T(x), axis=axis).numpy(), ref(x, axis=axis))
        assert op(T(x), axis=1, output_type=nd.int32).dtype == nd.int32


def test_argmax_picks_the_first_of_ties():
    x = np.array([[1, 3, 3], [2, 2, 0]], np.int32)
    np.testing.assert_array_equal(nd.argmax(T(x), axis=1).numpy(), [1, 0])
    np.testing.assert_array_equal(nd.argmin(T(x), axis=1).numpy(), [0, 2])


def test_argmax_errors():
    with pytest.raises(nd.InvalidArgumentError, match=r"argmax: invalid axis 2 for a tensor "
                                                      r"of rank 2"):
        nd.argmax(T(np.ones((2, 3))), axis=2)
    with pytest.raises(nd.InvalidArgumentError, match=r"argmin: reduction axis 0 is empty"):
        nd.argmin(T(np.ones((0, 3))))
    with pytest.raises(TypeError, match=r"output_type must be int32 or int64"):
        nd.argmax(T([1.0, 2.0]), output_type=nd.float32)
    with pytest.raises(nd.InvalidArgumentError, match=r"axis must be an int"):
        nd.argmax(T(np.ones((2, 3))), axis=[0, 1])


# -- cumulative ops -----------------------------------------------------------------------
def _cumulative_reference(fn, identity, x, axis, exclusive, reverse):
    y = np.flip(x, axis) if reverse else x
    out = fn(y, axis=axis)
    if exclusive:
        out = np.moveaxis(out, axis, 0)
        out = np.concatenate([np.full_like(out[:1], identity), out[:-1]])
        out = np.moveaxis(out, 0, axis)
    return np.flip(out, axis) if reverse else out


@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("dtype", [np.int32, np.float32, np.float64])
def test_cumsum_and_cumprod(dtype, axis, exclusive, reverse):
    x = RNG.integers(1, 4, size=(3, 4)).astype(dtype)
    for name, fn, identity in [("cumsum", np.cumsum, 0), ("cumprod", np.cumprod, 1)]:
        out = getattr(nd, name)(T(x), axis=axis, exclusive=exclusive, reverse=reverse)
        assert out.dtype == nd.as_dtype(dtype)
        expected = _cumulative_reference(fn, identity, x, axis, exclusive, reverse)
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


def test_cumsum_default_axis_is_zero_and_bad_axis_is_named():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(nd.cumsum(T(x)).numpy(), np.cumsum(x, axis=0))
    with pytest.raises(nd.InvalidArgumentError, match=r"cumprod: invalid axis 3 for a tensor "
                                                      r"of rank 2"):
        nd.cumprod(T(x), axis=3)


def test_cumsum_gradient_is_a_reversed_cumsum():
    x = np.arange(4.0)
    g = _grad(lambda t: nd.cumsum(t, exclusive=True) * T(np.array([1.0, 2.0, 3.0, 4.0])), x)
    np.testing.assert_array_equal(g.numpy(), [9.0, 7.0, 4.0, 0.0])


# -- sorting ---------------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [-1, 0, 1])
@pytest.mark.parametrize("dtype", [np.int32, np.float32, np.float64])
def test_sort_matches_numpy(dtype, axis):
    x = RNG.integers(-5, 6, size=(3, 4, 2)).astype(dtype)
    up = nd.sort(T(x), axis=axis)
    down = nd.sort(T(x), axis=axis, direction="DESCENDING")
    assert up.dtype == down.dtype == nd.as_dtype(dtype)
    np.testing.assert_array_equal(up.numpy(), np.sort(x, axis=axis))
    np.testing.assert_array_equal(down.numpy(), np.flip(np.sort(x, axis=axis), axis))


def test_sort_gradient_goes_back_to_each_element():
    x = np.array([[0.3, -1.0, 2.0], [5.0, 4.0, 6.0]])
    weights = np.array([1.0, 10.0, 100.0])
    g = _grad(lambda t: nd.sort(t, direction="DESCENDING") * T(weights), x)
    np.testing.assert_array_equal(g.numpy(), [[10.0, 100.0, 1.0], [10.0, 100.0, 1.0]])


def test_argsort_ascending_and_descending_keep_ties_in_order_when_stable():
    x = np.array([[3, 1, 3, 2, 1], [0, 0, 0, 5, -1]], np.int32)
    up = nd.argsort(T(x), stable=True)
    down = nd.argsort(T(x), direction="DESCENDING", stable=True)
    assert up.dtype == down.dtype == nd.int32
    np.testing.assert_array_equal(up.numpy(), np.argsort(x, axis=-1, kind="stable"))
    np.testing.assert_array_equal(down.numpy(), np.argsort(-x, axis=-1, kind="stable"))
    unstable = nd.argsort(T(x), axis=0).numpy()
    np.testing.assert_array_equal(np.take_along_axis(x, unstable, axis=0), np.sort(x, axis=0))


def test_sort_errors():
    with pytest.raises(ValueError, match=r"direction must be 'ASCENDING' or 'DESCENDING'"):
        nd.sort(T([1.0, 2.0]), direction="UP")
    with pytest.raises(nd.InvalidArgumentError, match=r"argsort: invalid axis 1 for a tensor "
                                                      r"of rank 1"):
        nd.argsort(T([1.0, 2.0]), axis=1)


def test_top_k_values_indices_and_ties():
    x = np.array([[1.0, 5.0, 3.0, 5.0], [-1.0, -2.0, 0.0, 4.0]], np.float32)
    result = nd.top_k(T(x), k=3)
    assert isinstance(result, ops_reduction.TopKV2)
    values, indices = result
    assert result.values is values and result.indices is indices
    assert values.dtype == nd.float32 and indices.dtype == nd.int32
    expected_idx = np.argsort(-x, axis=-1, kind="stable")[:, :3]
    np.testing.assert_array_equal(indices.numpy(), expected_idx)
    np.testing.assert_array_equal(values.numpy(), np.take_along_axis(x, expected_idx, -1))
    assert nd.top_k(T(x)).values.shape == (2, 1)
    assert nd.top_k(T(x), k=0).values.shape == (2, 0)
    assert nd.top_k(T(x), k=2, index_type=nd.int64).indices.dtype == nd.int64


def test_top_k_gradient_reaches_the_chosen_elements():
    x = np.array([[0.5, 2.0, -1.0, 3.0]])
    g = _grad(lambda t: nd.top_k(t, k=2).values * T(np.array([1.0, 10.0])), x)
    np.testing.assert_array_equal(g.numpy(), [[0.0, 10.0, 0.0, 1.0]])


def test_top_k_errors():
    with pytest.raises(nd.InvalidArgumentError, match=r"k must be in \[0, 4\].*\[2,4\].*got 5"):
        nd.top_k(T(np.ones((2, 4))), k=5)
    with pytest.raises(nd.InvalidArgumentError, match=r"at least rank 1"):
        nd.top_k(T(1.0))


def test_module_exports():
    for name in ops_reduction.__all__:
        assert callable(getattr(ops_reduction, name)), name
        assert getattr(nd, name) is getattr(ops_reduction, name), name
        assert getattr(nd.math, name) is getattr(ops_reduction, name), name
