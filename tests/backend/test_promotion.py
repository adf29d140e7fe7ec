"""Dtype promotion: the tensor-tensor lattice, weak Python scalars, non-tensor operands."""

import itertools

import numpy as np
import pytest

import ndflow as nd
from ndflow.backend.promotion import PromotionError, result_type, weak_scalar_dtype

NUMERIC = [np.dtype(d) for d in ("bool", "uint8", "uint16", "uint32", "uint64", "int8",
                                 "int16", "int32", "int64", "float16", "float32", "float64",
                                 "complex64", "complex128")]


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("float32", "float32", "float32"),
    ("bool", "int8", "int8"),
    ("bool", "float16", "float16"),
    ("bool", "complex64", "complex64"),
    ("int8", "int16", "int16"),
    ("int32", "int64", "int64"),
    ("uint8", "uint32", "uint32"),
    ("uint8", "int8", "int16"),
    ("uint16", "int16", "int32"),
    ("uint32", "int32", "int64"),
    ("uint64", "int8", "int64"),
    ("uint64", "int64", "int64"),
    ("uint8", "int32", "int32"),
    ("uint32", "int8", "int64"),
    ("int32", "float16", "float16"),
    ("int64", "float32", "float32"),
    ("uint64", "float16", "float16"),
    ("float16", "float32", "float32"),
    ("float16", "float64", "float64"),
    ("float32", "complex64", "complex64"),
    ("float64", "complex64", "complex128"),
    ("float16", "complex128", "complex128"),
    ("int64", "complex64", "complex64"),
    ("complex64", "complex128", "complex128"),
])
def test_lattice(a, b, expected):
    assert result_type(np.dtype(a), np.dtype(b)) == np.dtype(expected)
    assert result_type(np.dtype(b), np.dtype(a)) == np.dtype(expected)


def test_join_is_commutative_associative_and_idempotent():
    for a in NUMERIC:
        assert result_type(a, a) == a
        assert result_type(a, np.dtype(bool)) == a
        for b in NUMERIC:
            ab = result_type(a, b)
            assert ab == result_type(b, a), (a, b)
            assert result_type(ab, a) == ab and result_type(ab, b) == ab, (a, b)
            for c in NUMERIC:
                assert result_type(ab, c) == result_type(a, result_type(b, c)), (a, b, c)


def test_strings_only_join_strings():
    assert result_type(np.dtype("U3"), np.dtype("U5")).kind == "U"
    with pytest.raises(PromotionError, match="string"):
        result_type(np.dtype("U3"), np.dtype("float32"))
    assert issubclass(PromotionError, TypeError)


@pytest.mark.parametrize(("value", "dtype", "expected"), [
    (2, "float32", "float32"),
    (2, "float16", "float16"),
    (2, "int8", "int8"),
    (2, "uint16", "uint16"),
    (2, "bool", "int32"),
    (2.5, "float16", "float16"),
    (2.5, "float64", "float64"),
    (2.5, "int32", "float32"),
    (2.5, "int64", "float32"),
    (2.5, "bool", "float32"),
    (2.5, "complex64", "complex64"),
    (True, "int8", "int8"),
    (1j, "float32", "complex64"),
    (1j, "float64", "complex128"),
    (1j, "int32", "complex64"),
])
def test_weak_scalar_dtype(value, dtype, expected):
    assert weak_scalar_dtype(value, np.dtype(dtype)) == np.dtype(expected)


# -- through ops --------------------------------------------------------------------------
@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(
    ["bool", "uint8", "int8", "int32", "int64", "float16", "float32", "float64",
     "complex64"], 2)))
def test_tensor_tensor_ops_follow_the_lattice(a, b):
    x = nd.constant(np.ones(2, dtype=a))
    y = nd.constant(np.ones(2, dtype=b))
    expected = result_type(np.dtype(a), np.dtype(b))
    assert nd.multiply(x, y).dtype == expected
    assert (y * x).dtype == expected
    np.testing.assert_array_equal((x * y).numpy(), np.ones(2, dtype=expected))


@pytest.mark.parametrize(("dtype", "scalar", "expected"), [
    ("float32", 2, "float32"),
    ("float32", 2.5, "float32"),
    ("float16", 2.5, "float16"),
    ("float64", 2, "float64"),
    ("int32", 2, "int32"),
    ("int8", 3, "int8"),
    ("uint8", 3, "uint8"),
    ("int32", 2.5, "float32"),
    ("int64", 0.5, "float32"),
    ("float32", 1j, "complex64"),
    ("float64", 1j, "complex128"),
])
def test_weak_python_scalars_through_ops(dtype, scalar, expected):
    x = nd.constant(np.array([2, 4], dtype=dtype))
    for out in (x * scalar, scalar * x, nd.multiply(x, scalar), nd.add(scalar, x)):
        assert out.dtype == expected
    np.testing.assert_allclose((x * scalar).numpy(), np.array([2, 4]) * scalar)


def test_weak_scalar_keeps_float32_precision_not_float64():
    x = nd.constant([1.0], dtype=nd.float32)
    out = x * 0.1
    assert out.dtype == nd.float32
    assert out.numpy()[0] == np.float32(1.0) * np.float32(0.1)


def test_python_int_too_large_for_the_tensor_dtype():
    with pytest.raises(nd.InvalidArgumentError, match=r"300.*uint8"):
        nd.constant(np.array([1], np.uint8)) + 300


@pytest.mark.parametrize(("dtype", "operand", "expected"), [
    ("float32", np.array([0.5, 1.5]), "float32"),  # float64 NumPy data is weak
    ("float16", np.array([0.5, 1.5]), "float16"),
    ("float32", np.array([1, 2], np.int64), "float32"),
    ("int32", np.array([1, 2], np.int64), "int32"),
    ("int8", np.array([1, 2], np.int64), "int8"),
    ("int32", np.array([0.5, 1.5]), "float32"),  # floats next to integers become floatx
    ("int32", [0.5, 1.5], "float32"),
    ("float64", [1, 2], "float64"),
    ("float32", np.float64(2.0), "float32"),
    ("float32", np.array([1j, 2j]), "complex128"),
])
def test_non_tensor_numpy_operands(dtype, operand, expected):
    x = nd.constant(np.array([2, 4], dtype=dtype))
    for out in (x + operand, operand + x, nd.add(x, operand), nd.subtract(operand, x)):
        assert out.dtype == expected, type(operand)
    np.testing.assert_allclose((x + operand).numpy(), np.array([2, 4]) + np.asarray(operand))


def test_bool_tensor_and_integer_data_give_integers():
    flags = nd.constant([True, False])
    for operand in (2, np.array([2, 3], np.int32), [2, 3]):
        out = flags + operand
        assert out.dtype.is_integer, (operand, out)
        np.testing.assert_array_equal(out.numpy(), np.array([1, 0]) + np.asarray(operand))


def test_mixed_dtypes_cast_gradients_back():
    a = nd.constant([1.0, 2.0], dtype=nd.float16)
    b = nd.constant([3.0, 4.0], dtype=nd.float64)
    with nd.GradientTape() as tape:
        tape.watch([a, b])
        y = a * b
    assert y.dtype == nd.float64
    ga, gb = tape.gradient(y, [a, b])
    assert (ga.dtype, gb.dtype) == (nd.float16, nd.float64)
    np.testing.assert_array_equal(ga.numpy(), [3.0, 4.0])
    np.testing.assert_array_equal(gb.numpy(), [1.0, 2.0])


def test_string_and_number_tensors_do_not_combine():
    with pytest.raises(TypeError, match=r"(?i)string"):
        nd.constant(["a"]) + nd.constant([1.0])
