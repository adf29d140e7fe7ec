"""Tensor: attributes, conversion to Python and NumPy, display, immutability."""

import copy
import pickle

import numpy as np
import pytest

import ndflow as nd


@pytest.fixture
def t23():
    return nd.constant([[1, 2, 3], [4, 5, 6]])


def test_tensors_are_made_by_ops_not_the_class():
    with pytest.raises(TypeError, match="constant"):
        nd.Tensor([1, 2])


def test_attributes(t23):
    assert isinstance(t23, nd.Tensor)
    assert nd.is_tensor(t23)
    assert not nd.is_tensor(np.ones(2))
    assert t23.shape == (2, 3)
    assert isinstance(t23.shape, nd.TensorShape)
    assert t23.shape.as_list() == [2, 3]
    assert t23.shape.rank == 2
    assert t23.ndim == 2
    assert t23.dtype == nd.int32
    assert isinstance(t23.dtype, nd.DType)
    assert "CPU" in t23.device


def test_numpy_returns_an_independent_copy(t23):
    a = t23.numpy()
    assert isinstance(a, np.ndarray)
    assert a.dtype == np.int32
    np.testing.assert_array_equal(a, [[1, 2, 3], [4, 5, 6]])
    a[0, 0] = 100
    assert int(t23[0, 0]) == 1


def test_numpy_of_a_scalar_is_a_numpy_scalar():
    s = nd.constant(2.5).numpy()
    assert isinstance(s, np.float32)
    assert s == 2.5


def test_array_protocol(t23):
    a = np.asarray(t23)
    np.testing.assert_array_equal(a, [[1, 2, 3], [4, 5, 6]])
    assert a.dtype == np.int32
    assert np.asarray(t23, dtype=np.float64).dtype == np.float64
    assert np.array(t23).shape == (2, 3)
    assert np.sum(t23) == 21
    # a reduction holds a NumPy scalar: converting it with a dtype still gives an array
    total = np.asarray(nd.reduce_sum(nd.constant([1.0, 2.0])), dtype=np.float64)
    assert total.dtype == np.float64 and total.shape == () and total == 3.0


def test_numpy_array_on_the_left_gives_a_tensor(t23):
    out = np.ones((2, 3), np.int32) + t23
    assert isinstance(out, nd.Tensor)
    np.testing.assert_array_equal(out.numpy(), [[2, 3, 4], [5, 6, 7]])


def test_len_and_iteration(t23):
    assert len(t23) == 2
    rows = list(t23)
    assert len(rows) == 2
    assert all(isinstance(r, nd.Tensor) for r in rows)
    np.testing.assert_array_equal(rows[1].numpy(), [4, 5, 6])
    a, b = nd.constant([7.0, 8.0])
    assert (float(a), float(b)) == (7.0, 8.0)


def test_len_and_iteration_of_a_scalar_fail():
    s = nd.constant(1.0)
    with pytest.raises(TypeError, match="scalar"):
        len(s)
    with pytest.raises(TypeError, match="scalar"):
        iter(s).__next__()


@pytest.mark.parametrize("value", [3, [3], [[3]]])
def test_python_conversions_of_one_element(value):
    t = nd.constant(value)
    assert int(t) == 3
    assert float(t) == 3.0
    assert bool(t) is True
    assert complex(t) == 3 + 0j
    assert bool(nd.constant([0])) is False
    assert [10, 20, 30, 40][nd.constant(3)] == 40  # __index__


def test_python_conversions_of_many_elements_fail(t23):
    for convert in (bool, float, int):
        with pytest.raises((ValueError, TypeError), match=r"one element.*\(2, 3\)"):
            convert(t23)


def test_float_tensor_is_not_an_index():
    with pytest.raises(TypeError, match="integer"):
        [1, 2][nd.constant(1.0)]


def test_repr_shows_shape_dtype_and_values(t23):
    text = repr(t23)
    assert text.startswith("<ndflow.Tensor")
    assert "shape=(2, 3)" in text
    assert "dtype=int32" in text
    for value in "123456":
        assert value in text
    assert "shape=()" in repr(nd.constant(1.5))
    assert "1.5" in repr(nd.constant(1.5))


def test_str_shows_shape_dtype_and_values(t23):
    text = str(t23)
    assert "shape=(2, 3)" in text
    assert "dtype=int32" in text
    assert "4" in text and "6" in text


def test_repr_of_a_large_tensor_is_summarized():
    text = repr(nd.zeros((100, 100)))
    assert len(text) < 2000
    assert "..." in text
    assert "shape=(100, 100)" in text


def test_no_item_assignment_or_deletion(t23):
    with pytest.raises(TypeError, match="item assignment"):
        t23[0, 0] = 7
    with pytest.raises(TypeError):
        del t23[0]
    with pytest.raises(AttributeError):
        t23.shape = (3, 2)
    with pytest.raises(AttributeError):
        t23.anything = 1
    np.testing.assert_array_equal(t23.numpy(), [[1, 2, 3], [4, 5, 6]])


def test_tensors_are_unhashable_use_ref(t23):
    with pytest.raises(TypeError, match="unhashable"):
        hash(t23)
    with pytest.raises(TypeError):
        {t23: 1}  # noqa: B018
    other = nd.constant([[1, 2, 3], [4, 5, 6]])
    table = {t23.ref(): "a", other.ref(): "b"}
    assert len(table) == 2
    assert table[t23.ref()] == "a"
    assert t23.ref() == t23.ref()
    assert t23.ref() != other.ref()
    assert t23.ref().deref() is t23


def test_equality_is_elementwise(t23):
    eq = t23 == nd.constant([1, 0, 3])
    assert isinstance(eq, nd.Tensor)
    assert eq.dtype == nd.bool
    np.testing.assert_array_equal(eq.numpy(), [[True, False, True], [False, False, False]])
    np.testing.assert_array_equal((t23 != 2).numpy(), [[True, False, True]] + [[True] * 3])
    assert (t23 == None) is False  # noqa: E711
    assert (t23 != None) is True  # noqa: E711


def test_copy_and_pickle():
    t = nd.constant([1.5, 2.5], dtype=nd.float64)
    assert copy.copy(t) is t
    assert copy.deepcopy(t) is t
    back = pickle.loads(pickle.dumps(t))
    assert isinstance(back, nd.Tensor)
    assert back.dtype == nd.float64
    np.testing.assert_array_equal(back.numpy(), [1.5, 2.5])


def test_tensor_shape_helpers():
    s = nd.TensorShape([2, None, 3])
    assert s.rank == 3
    assert s.as_list() == [2, None, 3]
    assert s.num_elements() is None
    assert not s.is_fully_defined()
    assert s.is_compatible_with([2, 5, 3])
    assert not s.is_compatible_with([2, 5])
    assert nd.TensorShape([2, 3]).num_elements() == 6
    assert str(nd.TensorShape([4])) == "(4,)"
    assert nd.TensorShape([2, 3])[1:] == (3,)
    assert isinstance(nd.TensorShape([2, 3])[1:], nd.TensorShape)
