"""``tensor[key]``: results against NumPy, errors, gradients, iteration."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ndflow as nd

T = nd.convert_to_tensor
X = np.arange(60, dtype=np.float32).reshape(3, 4, 5)
MASK = np.array([[True, False, True, False], [False, False, True, True],
                 [True, True, False, False]])

KEYS = {
    "int": 1,
    "negative_int": -1,
    "int_tuple": (2, 3),
    "all_ints": (0, -1, 4),
    "slice": np.s_[1:],
    "slice_step": np.s_[::2, 1:4:2],
    "negative_step": np.s_[::-1],
    "negative_step_bounds": np.s_[:, 3:0:-2],
    "slice_out_of_range_clamps": np.s_[1:100, -100:2],
    "empty_slice": np.s_[2:1],
    "ellipsis": np.s_[..., 1],
    "ellipsis_middle": np.s_[0, ..., 2],
    "newaxis": np.s_[None],
    "newaxis_mixed": np.s_[:, None, 1, None],
    "ellipsis_newaxis": np.s_[..., None],
    "int_list": [0, 2, 0],
    "int_array_2d": np.array([[0, 1], [2, 2]]),
    "negative_int_array": np.array([-1, -3]),
    "empty_list": [],
    "arrays_broadcast": (np.array([[0], [2]]), np.array([1, 3])),
    "arrays_separated": (np.array([0, 2]), slice(None), np.array([4, 0])),
    "array_after_slice": (slice(None), [3, 0, 3]),
    "array_and_int": (1, slice(None), [0, 0]),
    "bool_mask_full": MASK,
    "bool_vector": np.array([True, False, True]),
    "bool_vector_axis1": (slice(None), np.array([False, True, True, False])),
    "bool_list": [False, True, True],
    "ellipsis_bool": (Ellipsis, np.array([True, False, False, True, True])),
    "np_integer": np.int64(2),
    "mixed_everything": (None, [2, 0], Ellipsis, slice(None, None, -2)),
}


@pytest.mark.parametrize("name", KEYS)
def test_getitem_matches_numpy(name):
    key = KEYS[name]
    out = T(X)[key]
    expected = X[key]
    assert out.shape == expected.shape
    assert out.dtype == nd.float32
    np.testing.assert_array_equal(out.numpy(), expected)


@pytest.mark.parametrize("dtype", ["int32", "bool", "float64", "complex64"])
def test_getitem_keeps_dtype(dtype):
    x = X.astype(dtype)
    out = T(x)[1:, [0, 2]]
    assert out.dtype == nd.as_dtype(dtype)
    np.testing.assert_array_equal(out.numpy(), x[1:, [0, 2]])


def test_tensors_as_keys():
    x = T(X)
    np.testing.assert_array_equal(x[T(2)].numpy(), X[2])
    np.testing.assert_array_equal(x[T([2, 0])].numpy(), X[[2, 0]])
    np.testing.assert_array_equal(x[:, T(np.int64(1)), T([4, 4])].numpy(), X[:, 1, [4, 4]])
    np.testing.assert_array_equal(x[T(MASK)].numpy(), X[MASK])
    np.testing.assert_array_equal(x[T(1):T(3), :T(-1)].numpy(), X[1:3, :-1])
    np.testing.assert_array_equal(x[x > 30.0].numpy(), X[X > 30])


def test_scalar_tensor_index_gives_a_row():
    x = T(X)
    assert x[0, 0, 0].shape == ()
    assert float(x[-1, -1, -1]) == 59.0


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_random_basic_keys_match_numpy(data):
    shape = data.draw(st.lists(st.integers(0, 4), min_size=1, max_size=3))
    x = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    key = []
    for d in shape:
        kind = data.draw(st.sampled_from(["int", "slice", "newaxis"]))
        if kind == "int" and d > 0:
            key.append(data.draw(st.integers(-d, d - 1)))
        elif kind == "newaxis":
            key.extend([None, slice(None)])
        else:
            bound = st.none() | st.integers(-6, 6)
            step = data.draw(st.none() | st.sampled_from([-3, -2, -1, 1, 2, 3]))
            key.append(slice(data.draw(bound), data.draw(bound), step))
    out = T(x)[tuple(key)]
    np.testing.assert_array_equal(out.numpy(), x[tuple(key)])
    assert out.shape == x[tuple(key)].shape


# -- errors ------------------------------------------------------------------------------
def test_out_of_range_int_names_index_and_shape():
    with pytest.raises(nd.InvalidArgumentError, match=r"Index \[5\].*shape \[3,4,5\].*axis 0"):
        T(X)[5]
    with pytest.raises(IndexError, match=r"Index \[0, -5\].*shape \[3,4,5\]"):
        T(X)[0, -5]


def test_out_of_range_index_array_names_index_and_shape():
    with pytest.raises(IndexError, match=r"Index \[:, \[0, 4\]\].*shape \[3,4,5\]"):
        T(X)[:, [0, 4]]


def test_too_many_indices():
    with pytest.raises(IndexError, match=r"shape \[3,4,5\].*too many indices"):
        T(X)[0, 0, 0, 0]


def test_bool_mask_of_wrong_shape():
    with pytest.raises(IndexError, match=r"shape \[3,4,5\].*boolean index did not match"):
        T(X)[np.array([True, False])]


@pytest.mark.parametrize("key", [1.5, "a", T(1.0), T([0.0, 1.0]), [0.5, 1.5], {1: 2}])
def test_invalid_key_types(key):
    with pytest.raises(TypeError, match=r"Only integers, slices"):
        T(X)[key]


def test_float_slice_bound():
    with pytest.raises(TypeError, match=r"Slice bounds must be integers.*1.5"):
        T(X)[1.5:]


def test_tensors_do_not_support_item_assignment():
    with pytest.raises(TypeError):
        T(X)[0] = 1.0


# -- gradients ---------------------------------------------------------------------------
def _grad(fn, x):
    x = T(x)
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x)


def test_gradient_of_repeated_indices_accumulates():
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    g = _grad(lambda t: t[[0, 2, 0, 0]], x)
    expected = np.zeros_like(x)
    np.add.at(expected, [0, 2, 0, 0], 1.0)
    np.testing.assert_array_equal(g.numpy(), expected)
    assert g.dtype == nd.float32


@pytest.mark.parametrize("index", [[0, 2, 0, -3, -1, 2, 1], [[4, 0], [0, 4]], [1, 1, 1]])
def test_gradient_of_repeated_row_indices_matches_add_at(index):
    # many repeats and negative aliases of the same row (-3 is row 2 of 5)
    x = np.random.default_rng(1).standard_normal((5, 3, 2))
    weights = np.random.default_rng(2).standard_normal(np.shape(index) + (3, 2))
    g = _grad(lambda t: t[index] * weights, x)
    expected = np.zeros_like(x)
    np.add.at(expected, np.array(index), weights)
    np.testing.assert_allclose(g.numpy(), expected, rtol=1e-12)


def test_embedding_style_gather_gradient_matches_add_at():
    table = np.zeros((50, 4))
    ids = np.random.default_rng(3).integers(0, 50, size=(8, 30))
    weights = np.random.default_rng(4).standard_normal((8, 30, 4))
    g = _grad(lambda t: nd.gather(t, ids) * weights, table)
    expected = np.zeros_like(table)
    np.add.at(expected, ids, weights)
    np.testing.assert_allclose(g.numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("name", KEYS)
def test_gradient_scatters_into_the_indexed_places(name):
    key = KEYS[name]
    weights = np.random.default_rng(0).standard_normal(X[key].shape).astype(np.float32)
    g = _grad(lambda t: t[key] * weights, X)
    expected = np.zeros_like(X)
    np.add.at(expected, key, weights)
    np.testing.assert_allclose(g.numpy(), expected)


def test_second_derivative_through_indexing():
    x = T(np.array([1.0, 2.0, 3.0]))
    with nd.GradientTape() as outer:
        outer.watch(x)
        with nd.GradientTape() as inner:
            inner.watch(x)
            y = nd.reduce_sum(x[[0, 0, 2]] ** 3)
        g = inner.gradient(y, x)  # [6 x0^2, 0, 3 x2^2]
    h = outer.gradient(g, x)  # [12 x0, 0, 6 x2]
    np.testing.assert_allclose(g.numpy(), [6.0, 0.0, 27.0])
    np.testing.assert_allclose(h.numpy(), [12.0, 0.0, 18.0])


def test_gradient_reaches_a_variable_through_indexing():
    v = nd.Variable([[1.0, 2.0], [3.0, 4.0]])
    with nd.GradientTape() as tape:
        y = nd.reduce_sum(v[1] * v[:, 0])
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), [[3.0, 0.0], [1.0 + 4.0, 3.0]])


def test_index_tensor_gets_no_gradient():
    x = T(np.ones(3))
    i = T([0, 1])
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = nd.reduce_sum(x[i])
    assert tape.gradient(y, i) is None


def test_slice_of_a_variable_is_a_snapshot():
    v = nd.Variable([1.0, 2.0, 3.0])
    row = v[1:]
    v.assign([7.0, 8.0, 9.0])
    np.testing.assert_array_equal(row.numpy(), [2.0, 3.0])


# -- iteration ---------------------------------------------------------------------------
def test_iteration_yields_rows():
    rows = list(T(X))
    assert len(rows) == 3
    for row, expected in zip(rows, X):
        assert isinstance(row, nd.Tensor)
        np.testing.assert_array_equal(row.numpy(), expected)


def test_unpacking_a_tensor():
    a, b = T([[1, 2], [3, 4]])
    np.testing.assert_array_equal(b.numpy(), [3, 4])
    assert a.dtype == nd.int32


def test_iterating_a_scalar_raises():
    with pytest.raises(TypeError, match="scalar"):
        list(T(1.0))


def test_gradient_flows_through_iteration():
    g = _grad(lambda t: nd.stack([r * float(i + 1) for i, r in enumerate(t)]), np.ones((3, 2)))
    np.testing.assert_array_equal(g.numpy(), [[1, 1], [2, 2], [3, 3]])
