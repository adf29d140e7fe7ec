"""Variable: construction, naming, assignment and the independence of values."""

import copy
import pickle

import numpy as np
import pytest

import ndflow as nd


# -- construction ---------------------------------------------------------------------------
def test_defaults():
    v = nd.Variable(1.0)
    assert isinstance(v, nd.Variable)
    assert isinstance(v, nd.Tensor)
    assert v.trainable is True
    assert v.dtype == nd.float32
    assert v.shape == ()
    assert isinstance(v.name, str) and v.name


def test_name_and_trainable():
    v = nd.Variable([1.0, 2.0], name="kernel", trainable=False)
    assert v.name.split(":")[0] == "kernel"
    assert v.trainable is False
    assert "kernel" in repr(v)


@pytest.mark.parametrize(("value", "dtype"), [
    (1, nd.int32),
    (1.0, nd.float32),
    ([True, False], nd.bool),
    (np.zeros(2, np.float64), nd.float64),
    (np.zeros(2, np.int64), nd.int64),
    (np.float16(1.0), nd.float16),
])
def test_dtype_is_inferred_like_constant(value, dtype):
    assert nd.Variable(value).dtype == dtype


@pytest.mark.parametrize(("value", "dtype"), [
    (1, nd.float32),
    ([1, 2], "float64"),
    (np.arange(3), nd.float32),
    (np.arange(3, dtype=np.int32), nd.int64),
    (2.0, nd.float16),
])
def test_explicit_dtype_converts(value, dtype):
    v = nd.Variable(value, dtype=dtype)
    assert v.dtype == dtype
    np.testing.assert_array_equal(v.numpy(), np.asarray(value))


def test_explicit_dtype_refuses_lossy_conversions():
    with pytest.raises(TypeError, match="int32"):
        nd.Variable(1.5, dtype=nd.int32)
    with pytest.raises(TypeError, match="int32"):
        nd.Variable(np.array([1.5]), dtype=nd.int32)


def test_explicit_dtype_refuses_a_tensor_of_another_dtype():
    with pytest.raises(TypeError, match="cast"):
        nd.Variable(nd.constant([1, 2]), dtype=nd.float32)


def test_callable_initial_value():
    v = nd.Variable(lambda: nd.ones((2, 2)))
    np.testing.assert_array_equal(v.numpy(), np.ones((2, 2)))


def test_shape_argument_is_checked():
    assert nd.Variable([1.0, 2.0], shape=(2,)).shape == (2,)
    with pytest.raises(ValueError, match=r"\(3,\)"):
        nd.Variable([1.0, 2.0], shape=(3,))


def test_missing_initial_value_or_unknown_keyword():
    with pytest.raises(ValueError, match="initial_value"):
        nd.Variable()
    with pytest.raises(TypeError, match="bogus"):
        nd.Variable(1.0, bogus=True)


# -- the initial value is copied --------------------------------------------------------------
def test_numpy_initial_value_is_copied():
    a = np.array([1.0, 2.0])
    v = nd.Variable(a)
    a[0] = 100.0
    assert v.numpy()[0] == 1.0
    v.assign([5.0, 6.0])
    assert a[1] == 2.0


def test_tensor_initial_value_is_not_changed_by_assignments():
    t = nd.constant([1.0, 2.0])
    v = nd.Variable(t)
    v.assign_add([1.0, 1.0])
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(v.numpy(), [2.0, 3.0])


def test_variable_from_a_variable_is_independent():
    a = nd.Variable([1.0, 2.0])
    b = nd.Variable(a)
    b.assign([0.0, 0.0])
    np.testing.assert_array_equal(a.numpy(), [1.0, 2.0])


def test_numpy_result_is_a_copy():
    v = nd.Variable([1.0, 2.0])
    a = v.numpy()
    a[0] = 50.0
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])


# -- assignment -------------------------------------------------------------------------------
def test_assign_returns_the_new_value():
    v = nd.Variable([1.0, 2.0])
    out = v.assign([3.0, 4.0])
    np.testing.assert_array_equal(out.numpy(), [3.0, 4.0])
    np.testing.assert_array_equal(v.numpy(), [3.0, 4.0])
    out = v.assign_add([1.0, 1.0])
    np.testing.assert_array_equal(out.numpy(), [4.0, 5.0])
    out = v.assign_sub(nd.constant([0.5, 0.5]))
    np.testing.assert_array_equal(out.numpy(), [3.5, 4.5])
    np.testing.assert_array_equal(v.numpy(), [3.5, 4.5])


def test_assign_with_read_value_false_returns_none():
    v = nd.Variable(1.0)
    assert v.assign(2.0, read_value=False) is None
    assert v.assign_add(1.0, read_value=False) is None
    assert v.assign_sub(0.5, read_value=False) is None
    assert float(v) == 2.5


def test_assign_keeps_dtype_and_shape():
    v = nd.Variable(np.zeros((2, 2), np.float64))
    v.assign([[1, 2], [3, 4]])  # Python ints become the variable's dtype
    assert v.dtype == nd.float64
    assert v.shape == (2, 2)
    v.assign(np.ones((2, 2), np.float32))  # a NumPy array of a compatible kind
    assert v.dtype == nd.float64
    np.testing.assert_array_equal(v.numpy(), np.ones((2, 2)))


def test_assign_from_a_tensor_and_chaining():
    v = nd.Variable([1.0, 2.0])
    v.assign(v * 2.0).assign_add([1.0, 1.0])
    np.testing.assert_array_equal(v.numpy(), [3.0, 5.0])


def test_read_value_is_a_snapshot():
    v = nd.Variable([1.0, 2.0])
    r = v.read_value()
    assert not isinstance(r, nd.Variable)
    v.assign([9.0, 9.0])
    v.assign_add([1.0, 1.0])
    np.testing.assert_array_equal(r.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(v.value().numpy(), [10.0, 10.0])


def test_ops_on_a_variable_return_plain_tensors():
    v = nd.Variable([1.0, 2.0])
    out = v * 2.0 + 1.0
    assert type(out) is nd.Tensor
    np.testing.assert_array_equal(out.numpy(), [3.0, 5.0])


@pytest.mark.parametrize("derive", [
    lambda v: v * 1.0,
    lambda v: v[0],
    lambda v: v[:, 1:],
    lambda v: nd.reshape(v, [-1]),
    lambda v: nd.transpose(v),
    lambda v: nd.expand_dims(v, 0),
    lambda v: nd.broadcast_to(v, (3, 2, 2)),
    lambda v: nd.identity(v),
    lambda v: nd.cast(v, nd.float32) + 0.0,
], ids=["mul", "index", "slice", "reshape", "transpose", "expand_dims", "broadcast_to",
        "identity", "cast"])
def test_values_derived_from_a_variable_do_not_change_on_assign(derive):
    v = nd.Variable([[1.0, 2.0], [3.0, 4.0]])
    t = derive(v)
    before = t.numpy().copy()
    v.assign([[5.0, 6.0], [7.0, 8.0]])
    v.assign_add(np.ones((2, 2), np.float32))
    v.assign_sub(np.full((2, 2), 0.5, np.float32))
    np.testing.assert_array_equal(t.numpy(), before)


def test_variables_are_unhashable_use_ref():
    v = nd.Variable(1.0)
    with pytest.raises(TypeError):
        hash(v)
    assert {v.ref(): 1}[v.ref()] == 1


def test_deepcopy_and_pickle_are_independent():
    v = nd.Variable([1.0, 2.0], name="w", trainable=False)
    c = copy.deepcopy(v)
    p = pickle.loads(pickle.dumps(v))
    for other in (c, p):
        assert isinstance(other, nd.Variable)
        assert other.name == v.name
        assert other.trainable is False
        other.assign([0.0, 0.0])
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])


def test_python_conversions():
    v = nd.Variable(3.0)
    assert float(v) == 3.0
    assert int(nd.Variable(4)) == 4
    assert bool(nd.Variable(True)) is True
    assert len(nd.Variable([1.0, 2.0, 3.0])) == 3
