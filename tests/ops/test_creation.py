"""Tensor creation: values and dtypes against NumPy, TensorFlow's inference rules, errors."""

import numpy as np
import pytest

import ndflow as nd
from ndflow.ops import creation


def _grad(fn, *xs):
    xs = [nd.convert_to_tensor(x) for x in xs]
    with nd.GradientTape() as tape:
        tape.watch(xs)
        y = fn(*xs)
    return tape.gradient(y, xs)


# -- constant -----------------------------------------------------------------------------
@pytest.mark.parametrize("value,dtype", [
    (1, nd.int32), (1.5, nd.float32), (True, nd.bool), ([1, 2], nd.int32),
    ([[1.0, 2.0]], nd.float32), (2**40, nd.int64), (1 + 2j, nd.complex128),
    (np.array([1, 2], np.int64), nd.int64), (np.array([1.0]), nd.float64),
    (np.float32(2.0), nd.float32), ("abc", nd.string),
])
def test_constant_infers_tensorflow_dtypes(value, dtype):
    t = nd.constant(value)
    assert t.dtype == dtype
    np.testing.assert_array_equal(t.numpy(), np.asarray(value))


def test_constant_converts_to_a_requested_dtype():
    t = nd.constant([1, 2, 3], dtype=nd.float64)
    assert t.dtype == nd.float64 and t.numpy().tolist() == [1.0, 2.0, 3.0]
    assert nd.constant(np.array([1, 2]), dtype="float32").dtype == nd.float32


def test_constant_copies_numpy_input():
    a = np.array([1.0, 2.0], np.float32)
    t = nd.constant(a)
    a[0] = 100.0
    assert t.numpy().tolist() == [1.0, 2.0]


@pytest.mark.parametrize("value,shape,expected", [
    ([1, 2, 3, 4, 5, 6], [2, 3], np.arange(1, 7).reshape(2, 3)),
    (0, (2, 3), np.zeros((2, 3))),
    ([7], [2, 2], np.full((2, 2), 7)),
    (np.arange(4.0), (2, 2), np.arange(4.0).reshape(2, 2)),
    (5, (), np.array(5)),
])
def test_constant_shape_reshapes_or_fills(value, shape, expected):
    t = nd.constant(value, shape=shape)
    assert tuple(t.shape) == tuple(shape)
    np.testing.assert_array_equal(t.numpy(), expected)


def test_constant_shape_refuses_a_mismatched_size():
    with pytest.raises(TypeError, match=r"3 elements.*shape \[2,2\] with 4 elements"):
        nd.constant([1, 2, 3], shape=[2, 2])


def test_constant_of_a_tensor_passes_it_through_with_gradients():
    x = nd.constant([1.0, 2.0])
    assert nd.constant(x) is x
    v = nd.Variable([1.0, 2.0])
    with nd.GradientTape() as tape:
        y = nd.reduce_sum(nd.constant(v + v))
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [2.0, 2.0])
    with nd.GradientTape() as tape:
        y = nd.reduce_sum(nd.constant(v) * 3.0)
    np.testing.assert_array_equal(tape.gradient(y, v).numpy(), [3.0, 3.0])


def test_constant_of_a_tensor_with_dtype_and_shape():
    t = nd.constant(nd.constant([1, 2, 3, 4]), dtype=nd.float32, shape=(2, 2))
    assert t.dtype == nd.float32 and t.numpy().tolist() == [[1, 2], [3, 4]]
    filled = nd.constant(nd.constant([5.0]), shape=(2, 3))
    np.testing.assert_array_equal(filled.numpy(), np.full((2, 3), 5.0, np.float32))


def test_constant_of_a_variable_is_a_snapshot():
    v = nd.Variable([1.0, 2.0])
    t = nd.constant(v)
    v.assign([5.0, 6.0])
    assert t.numpy().tolist() == [1.0, 2.0]
    assert type(t) is nd.Tensor


@pytest.mark.parametrize("value,error,match", [
    ({"a": 1}, TypeError, r"\{'a': 1\}.*dict"),
    ([1, "a"], TypeError, r"\[1, 'a'\].*mixed strings and numbers"),
    ([[1, 2], [3]], ValueError, r"non-rectangular"),
    ([1, None], TypeError, r"Cannot convert \[1, None\]"),
])
def test_constant_errors_name_the_value(value, error, match):
    with pytest.raises(error, match=match):
        nd.constant(value)


def test_constant_of_numpy_object_arrays():
    t = nd.constant(np.array(["a", "bc"], dtype=object))
    assert t.dtype == nd.string and t.numpy().tolist() == ["a", "bc"]
    with pytest.raises(TypeError, match=r"object array converts only .* string"):
        nd.constant(np.array([1, None], dtype=object))


def test_constant_of_a_list_of_tensors_packs_them():
    t = nd.constant([nd.constant(1.0), nd.constant(2.0)])
    assert t.dtype == nd.float32 and t.numpy().tolist() == [1.0, 2.0]


def test_constant_refuses_lossy_python_conversion():
    with pytest.raises(TypeError, match=r"int32.*fractional"):
        nd.constant([1.5], dtype=nd.int32)


# -- zeros, ones, fill, eye ---------------------------------------------------------------
@pytest.mark.parametrize("make,np_make", [(nd.zeros, np.zeros), (nd.ones, np.ones)])
@pytest.mark.parametrize("shape", [3, (2, 3), [2, 0], (), nd.TensorShape([2, 2]),
                                   np.array([2, 1]), "tensor"])
def test_zeros_and_ones_shapes_and_default_float32(make, np_make, shape):
    if isinstance(shape, str):
        shape = nd.constant([3, 1])
    t = make(shape)
    expected_shape = tuple(np.atleast_1d(np.asarray(shape))) if not isinstance(shape, tuple) \
        else shape
    assert t.dtype == nd.float32
    np.testing.assert_array_equal(t.numpy(), np_make(expected_shape, np.float32))


@pytest.mark.parametrize("dtype", [nd.int32, "float64", np.int64, nd.bool])
def test_zeros_and_ones_dtypes(dtype):
    assert nd.zeros((2,), dtype=dtype).dtype == nd.as_dtype(dtype)
    assert nd.ones((2,), dtype).numpy().tolist() == np.ones(2, nd.as_dtype(dtype)
                                                            .as_numpy_dtype).tolist()


@pytest.mark.parametrize("shape,error,match", [
    ((2, -1), nd.InvalidArgumentError, r"shape \[2,-1\] has a negative dimension"),
    ((2, None), TypeError, r"None dimensions"),
    ((2, 1.5), TypeError, r"list of ints"),
    ("abc", TypeError, r"shape must be an int or a list of ints"),
])
def test_zeros_shape_errors(shape, error, match):
    with pytest.raises(error, match=match):
        nd.zeros(shape)


@pytest.mark.parametrize("value,dtype", [(3, nd.int32), (1.5, nd.float32), (True, nd.bool),
                                         (np.float64(2.0), nd.float64)])
def test_fill_infers_the_dtype_of_the_value(value, dtype):
    t = nd.fill([2, 3], value)
    assert t.dtype == dtype
    np.testing.assert_array_equal(t.numpy(), np.full((2, 3), value))


def test_fill_gradient_sums_over_the_filled_tensor():
    (g,) = _grad(lambda v: nd.fill([2, 3], v) * np.arange(6.0).reshape(2, 3), np.float64(1.0))
    assert float(g) == 15.0


def test_fill_refuses_a_non_scalar():
    with pytest.raises(nd.InvalidArgumentError, match=r"value must be a scalar.*\[2\]"):
        nd.fill([2], [1.0, 2.0])


@pytest.mark.parametrize("rows,cols,batch", [(3, None, None), (2, 4, None), (3, 2, [2]),
                                             (2, None, (2, 3)), (0, None, None)])
def test_eye_against_numpy(rows, cols, batch):
    t = nd.eye(rows, cols, batch_shape=batch)
    expected = np.eye(rows, cols, dtype=np.float32)
    if batch is not None:
        expected = np.broadcast_to(expected, tuple(batch) + expected.shape)
    assert t.dtype == nd.float32
    np.testing.assert_array_equal(t.numpy(), expected)
    assert nd.eye(2, dtype=nd.int32).dtype == nd.int32


def test_eye_errors():
    with pytest.raises(nd.InvalidArgumentError, match=r"num_rows must be non-negative, got -1"):
        nd.eye(-1)
    with pytest.raises(TypeError, match=r"num_columns must be an int, got 2.5"):
        nd.eye(2, 2.5)


# -- range, linspace ----------------------------------------------------------------------
@pytest.mark.parametrize("args,kwargs,dtype", [
    ((5,), {}, nd.int32),
    ((3, 18, 3), {}, nd.int32),
    ((3, 1, -0.5), {}, nd.float32),
    ((1.5,), {}, nd.float32),
    ((0, 1, 0.1), {}, nd.float32),
    ((5,), {"dtype": nd.float64}, nd.float64),
    ((2, 2), {}, nd.int32),
    ((np.int64(1), 4), {}, nd.int64),
    ((np.float64(0.5), 3), {}, nd.float64),
])
def test_range_against_numpy_with_tensorflow_dtypes(args, kwargs, dtype):
    t = nd.range(*args, **kwargs)
    assert t.dtype == dtype
    expected = np.arange(*args, dtype=dtype.as_numpy_dtype)
    np.testing.assert_allclose(t.numpy(), expected, rtol=1e-6)


def test_range_dtype_follows_the_widest_argument():
    assert nd.range(nd.constant(1, nd.int64), 3.0).dtype == nd.float32
    assert nd.range(nd.constant(5, nd.int64)).dtype == nd.int64
    assert nd.range(0, nd.constant(2.0, nd.float64), 0.5).dtype == nd.float64


@pytest.mark.parametrize("args,match", [
    ((0, 5, 0), r"Requires delta != 0"),
    ((5, 1), r"Requires start <= limit when delta > 0: 5/1"),
    ((1, 5, -1), r"Requires start >= limit when delta < 0: 1/5"),
])
def test_range_errors(args, match):
    with pytest.raises(nd.InvalidArgumentError, match=match):
        nd.range(*args)


def test_range_refuses_non_scalars():
    with pytest.raises(nd.InvalidArgumentError, match=r"limit must be a scalar"):
        nd.range([1, 2])


@pytest.mark.parametrize("start,stop,num", [(0, 1, 5), (10.0, 20.0, 1), (-1, 1, 7),
                                            (1.0, 0.0, 4), (0.0, 1.0, 0)])
def test_linspace_against_numpy_in_float32(start, stop, num):
    t = nd.linspace(start, stop, num)
    assert t.dtype == nd.float32
    np.testing.assert_allclose(t.numpy(), np.linspace(start, stop, num, dtype=np.float32),
                               rtol=1e-6)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_linspace_of_tensors_with_an_axis(axis):
    start = np.array([0.0, 1.0])
    stop = np.array([[1.0, 3.0], [2.0, 5.0]])
    t = nd.linspace(start, stop, 3, axis=axis)
    assert t.dtype == nd.float64
    np.testing.assert_allclose(t.numpy(), np.linspace(start, stop, 3, axis=axis))


def test_linspace_errors():
    with pytest.raises(nd.InvalidArgumentError, match=r"num must be non-negative"):
        nd.linspace(0.0, 1.0, -1)
    with pytest.raises(nd.InvalidArgumentError, match=r"axis 3 is out of range"):
        nd.linspace([0.0], [1.0], 3, axis=3)


# -- one_hot ------------------------------------------------------------------------------
def test_one_hot_out_of_range_indices_give_rows_of_off_value():
    t = nd.one_hot([0, 2, 3, -1], depth=3)
    assert t.dtype == nd.float32
    np.testing.assert_array_equal(t.numpy(), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])


def test_one_hot_on_off_values_and_their_dtype():
    t = nd.one_hot([1, 0], 2, on_value=5, off_value=-1)
    assert t.dtype == nd.int32
    np.testing.assert_array_equal(t.numpy(), [[-1, 5], [5, -1]])
    t = nd.one_hot([1], 3, on_value=2.5, dtype=nd.float64)
    assert t.dtype == nd.float64 and t.numpy().tolist() == [[0.0, 2.5, 0.0]]
    assert nd.one_hot(nd.constant([1], nd.uint8), 2, dtype="int64").dtype == nd.int64


@pytest.mark.parametrize("axis", [0, 1, 2, -1, None])
def test_one_hot_axis_against_numpy(axis):
    idx = np.array([[0, 2], [1, 1], [3, 0]])
    hot = (idx[..., None] == np.arange(3)).astype(np.float32)
    expected = hot if axis in (-1, None, 2) else np.moveaxis(hot, -1, axis)
    t = nd.one_hot(idx.astype(np.int32), 3, axis=axis)
    assert tuple(t.shape) == expected.shape
    np.testing.assert_array_equal(t.numpy(), expected)


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(indices=[0.5], depth=2), TypeError, r"indices must be integers.*float32"),
    (dict(indices=[0], depth=-1), nd.InvalidArgumentError, r"depth must be non-negative"),
    (dict(indices=[0], depth=2, axis=3), nd.InvalidArgumentError,
     r"axis to be -1 or between \[0, 2\), but received 3"),
    (dict(indices=[0], depth=2, on_value=[1, 2]), nd.InvalidArgumentError,
     r"on_value must be a scalar"),
])
def test_one_hot_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        nd.one_hot(**kwargs)


def test_creation_names_are_exported():
    for name in creation.__all__:
        assert getattr(nd, name) is getattr(creation, name)
    assert nd.zeros_like is creation.zeros_like
