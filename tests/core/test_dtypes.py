"""DType objects: TensorFlow's names, their properties, comparisons and as_dtype."""

import pickle

import numpy as np
import pytest

import ndflow as nd

NUMERIC = {
    "float16": np.float16, "float32": np.float32, "float64": np.float64,
    "int8": np.int8, "int16": np.int16, "int32": np.int32, "int64": np.int64,
    "uint8": np.uint8, "uint16": np.uint16, "uint32": np.uint32, "uint64": np.uint64,
    "bool": np.bool_, "complex64": np.complex64, "complex128": np.complex128,
}


@pytest.mark.parametrize("name", sorted(NUMERIC))
def test_every_numeric_name_exists(name):
    dt = getattr(nd, name)
    assert isinstance(dt, nd.DType)
    assert dt.name == name
    assert dt.as_numpy_dtype is NUMERIC[name]
    assert dt.size == np.dtype(NUMERIC[name]).itemsize
    assert nd.as_dtype(name) is dt
    assert nd.as_dtype(NUMERIC[name]) is dt
    assert nd.as_dtype(np.dtype(NUMERIC[name])) is dt
    assert nd.as_dtype(dt) is dt


def test_aliases():
    assert nd.half is nd.float16
    assert nd.double is nd.float64
    assert nd.as_dtype("float") is nd.float32
    assert nd.as_dtype("double") is nd.float64
    assert nd.as_dtype("half") is nd.float16


def test_string_dtype():
    assert nd.string.name == "string"
    assert nd.as_dtype("string") is nd.string
    assert nd.as_dtype(str) is nd.string
    assert nd.as_dtype(bytes) is nd.string
    assert nd.as_dtype(np.dtype("U5")) is nd.string
    assert not nd.string.is_numeric


@pytest.mark.parametrize("name", sorted(NUMERIC))
def test_kind_properties(name):
    dt = getattr(nd, name)
    kind = np.dtype(NUMERIC[name]).kind
    assert dt.is_floating == (kind == "f")
    assert dt.is_integer == (kind in "iu")
    assert dt.is_complex == (kind == "c")
    assert dt.is_bool == (kind == "b")
    assert dt.is_numeric
    if kind in "iu":
        assert dt.is_unsigned == (kind == "u")


@pytest.mark.parametrize("name", ["float16", "float32", "float64"])
def test_float_limits(name):
    dt = getattr(nd, name)
    info = np.finfo(NUMERIC[name])
    assert dt.min == float(info.min)
    assert dt.max == float(info.max)


@pytest.mark.parametrize("name", ["int8", "int16", "int32", "int64", "uint8", "uint16",
                                  "uint32", "uint64"])
def test_integer_limits(name):
    dt = getattr(nd, name)
    info = np.iinfo(NUMERIC[name])
    assert dt.min == int(info.min)
    assert dt.max == int(info.max)
    assert isinstance(dt.max, int)


def test_limits_of_non_real_types():
    assert (nd.bool.min, nd.bool.max) == (False, True)
    with pytest.raises(TypeError, match="complex64"):
        nd.complex64.max  # noqa: B018


def test_real_dtype():
    assert nd.complex64.real_dtype is nd.float32
    assert nd.complex128.real_dtype is nd.float64
    assert nd.float16.real_dtype is nd.float16
    assert nd.int32.real_dtype is nd.int32


def test_equality_with_names_numpy_and_other_dtypes():
    assert nd.float32 == "float32"
    assert nd.float32 == np.float32
    assert nd.float32 == np.dtype("float32")
    assert nd.float32 == nd.as_dtype("float32")
    assert nd.float32 != nd.float64
    assert nd.float32 != "float64"
    assert nd.float32 != np.int32
    assert nd.float32 != "not a dtype"
    assert nd.float32 != 3
    assert nd.float32 is not None and nd.float32 != None  # noqa: E711


def test_usable_as_dict_keys_and_in_sets():
    table = {nd.float32: "f", nd.int32: "i"}
    assert table[nd.as_dtype("float32")] == "f"
    assert len({nd.float32, nd.as_dtype(np.float32), nd.float64}) == 2


def test_repr_str_and_pickle():
    assert "float32" in repr(nd.float32)
    assert "float32" in str(nd.float32)
    assert pickle.loads(pickle.dumps(nd.int16)) is nd.int16


@pytest.mark.parametrize("bad", ["float33", "int", "floatx", ""])
def test_as_dtype_unknown_name(bad):
    with pytest.raises(TypeError, match=r"valid names.*float32"):
        nd.as_dtype(bad)


@pytest.mark.parametrize("bad", [np.dtype("datetime64[s]"), 3.5, object(), [1, 2]])
def test_as_dtype_unconvertible(bad):
    with pytest.raises(TypeError, match=r"(?i)cannot convert|dtype"):
        nd.as_dtype(bad)


def test_tensor_dtype_roundtrip():
    for name in sorted(NUMERIC):
        t = nd.zeros((2,), dtype=name)
        assert t.dtype is getattr(nd, name)
        assert t.numpy().dtype == np.dtype(NUMERIC[name])
