"""constant / convert_to_tensor: TensorFlow's dtype inference and explicit dtypes."""

import numpy as np
import pytest

import ndflow as nd

I32_MAX = int(np.iinfo(np.int32).max)


@pytest.fixture(params=["constant", "convert_to_tensor"])
def make(request):
    return getattr(nd, request.param)


@pytest.mark.parametrize(("value", "dtype"), [
    (1, nd.int32),
    ([1, 2, 3], nd.int32),
    ([[1, -2], [3, 4]], nd.int32),
    (I32_MAX, nd.int32),
    (I32_MAX + 1, nd.int64),
    (-(2**40), nd.int64),
    ([1, 2**40], nd.int64),
    (1.5, nd.float32),
    ([1.0, 2.0], nd.float32),
    ([1, 2.5], nd.float32),
    (True, nd.bool),
    ([True, False], nd.bool),
    (1 + 2j, nd.complex128),
    ([1j, 2], nd.complex128),
    ("text", nd.string),
    (["a", "bc"], nd.string),
    ([], nd.float32),
])
def test_python_data_inference(make, value, dtype):
    t = make(value)
    assert t.dtype == dtype
    assert t.shape == np.asarray(value).shape


@pytest.mark.parametrize("np_dtype", [np.float16, np.float32, np.float64, np.int8, np.int16,
                                      np.int32, np.int64, np.uint8, np.uint64, np.bool_,
                                      np.complex64])
def test_numpy_arrays_and_scalars_keep_their_dtype(make, np_dtype):
    a = np.ones((2, 3), dtype=np_dtype)
    assert make(a).dtype == np_dtype
    assert make(np_dtype(1)).dtype == np_dtype
    np.testing.assert_array_equal(make(a).numpy(), a)


def test_values_are_kept(make):
    np.testing.assert_array_equal(make([[1, 2], [3, 4]]).numpy(), [[1, 2], [3, 4]])
    assert make(2**40).numpy() == 2**40
    assert make(0.1).numpy() == np.float32(0.1)


def test_explicit_dtype(make):
    t = make([1, 2], dtype=nd.float64)
    assert t.dtype == nd.float64
    assert make(3, dtype="float16").dtype == nd.float16
    assert make(3, dtype=np.int64).dtype == nd.int64
    assert make(np.arange(3), dtype=nd.float32).dtype == nd.float32
    assert make([1, 0], dtype=nd.bool).dtype == nd.bool


def test_explicit_dtype_refuses_lossy_python_data(make):
    with pytest.raises(TypeError, match="int32"):
        make([1.5], dtype=nd.int32)
    with pytest.raises(TypeError, match="float32"):
        make(1 + 2j, dtype=nd.float32)
    with pytest.raises(TypeError, match="float32"):
        make("1.0", dtype=nd.float32)


def test_a_tensor_is_returned_as_it_is():
    t = nd.constant([1.0, 2.0])
    assert nd.convert_to_tensor(t) is t
    assert nd.convert_to_tensor(t, dtype=nd.float32) is t
    v = nd.Variable([1.0])
    assert nd.convert_to_tensor(v) is v


def test_dtype_hint_applies_to_python_data_only():
    assert nd.convert_to_tensor(1, dtype_hint=nd.float32).dtype == nd.float32
    assert nd.convert_to_tensor([1, 2], dtype_hint="float64").dtype == nd.float64
    # a hint that does not fit falls back to inference
    assert nd.convert_to_tensor("a", dtype_hint=nd.float32).dtype == nd.string
    assert nd.convert_to_tensor(np.int8(3), dtype_hint=nd.float32).dtype == nd.int8
    assert nd.convert_to_tensor(nd.constant(1), dtype_hint=nd.float32).dtype == nd.int32


def test_constant_shape_fills_a_scalar_and_reshapes_a_list():
    t = nd.constant(7, shape=(2, 3))
    assert t.shape == (2, 3)
    np.testing.assert_array_equal(t.numpy(), np.full((2, 3), 7))
    t = nd.constant([1, 2, 3, 4, 5, 6], shape=[2, 3])
    np.testing.assert_array_equal(t.numpy(), np.arange(1, 7).reshape(2, 3))


def test_constant_copies_numpy_input():
    a = np.array([1.0, 2.0])
    t = nd.constant(a)
    a[0] = 99.0
    assert t.numpy()[0] == 1.0


def test_list_of_tensors_is_packed():
    t = nd.convert_to_tensor([nd.constant(1.0), nd.constant(2.0)])
    assert t.dtype == nd.float32
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])


def test_floatx_governs_python_floats():
    assert nd.floatx() == "float32"
    nd.set_floatx("float64")
    try:
        assert nd.constant(1.5).dtype == nd.float64
        assert nd.constant([1, 2]).dtype == nd.int32
    finally:
        nd.set_floatx("float32")
    assert nd.constant(1.5).dtype == nd.float32
