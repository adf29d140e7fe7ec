"""Mistakes a user makes give a specific error naming what was wrong, and change nothing."""

import numpy as np
import pytest

import ndflow as nd
from ndflow.autodiff.primitive import state


def _shape(*dims):
    """A regex matching a shape as ``[2,3]`` or ``(2, 3)``."""
    if len(dims) == 1:
        return rf"(\[{dims[0]}\]|\({dims[0]},\))"
    return r"(\[" + ",".join(map(str, dims)) + r"\]|\(" + ", ".join(map(str, dims)) + r"\))"


# -- matmul -------------------------------------------------------------------------------
def test_matmul_of_incompatible_shapes_names_both():
    a, b = nd.ones((2, 3)), nd.ones((4, 5))
    with pytest.raises(nd.InvalidArgumentError,
                       match=r"Matrix size-incompatible.*\[2,3\].*\[4,5\]"):
        nd.matmul(a, b)


def test_matmul_operator_of_incompatible_shapes_names_both():
    with pytest.raises(nd.InvalidArgumentError, match=r"Matrix size-incompatible.*\[3,2\]"):
        nd.ones((3, 2)) @ nd.ones((3, 2))


def test_failed_op_inside_a_tape_leaves_no_recorder_behind():
    x = nd.Variable(np.ones((2, 3)))
    before = list(state.recorders)
    with pytest.raises(nd.InvalidArgumentError), nd.GradientTape():
        nd.matmul(x, x)
    assert state.recorders == before


# -- Variable.assign ------------------------------------------------------------------------
def test_assign_of_the_wrong_shape_names_variable_and_shapes_and_changes_nothing():
    v = nd.Variable([1.0, 2.0], name="weights")
    with pytest.raises(ValueError, match=rf"weights.*{_shape(3)}.*{_shape(2)}"):
        v.assign([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])


@pytest.mark.parametrize("method", ["assign", "assign_add", "assign_sub"])
def test_assign_family_refuses_a_broadcastable_shape(method):
    v = nd.Variable(np.zeros((2, 2), np.float32), name="m")
    with pytest.raises(ValueError, match=rf"'m'.*{_shape(2)}.*{_shape(2, 2)}"):
        getattr(v, method)(nd.constant([1.0, 2.0]))
    np.testing.assert_array_equal(v.numpy(), np.zeros((2, 2)))


@pytest.mark.parametrize("value_dtype", ["int32", "float64", "float16"])
def test_assign_of_a_tensor_of_the_wrong_dtype_names_both_dtypes(value_dtype):
    v = nd.Variable([1.0, 2.0], name="bias")
    value = nd.constant([5, 6], dtype=value_dtype)
    with pytest.raises(TypeError, match=rf"bias.*float32.*{value_dtype}"):
        v.assign(value)
    with pytest.raises(TypeError, match=rf"bias.*float32.*{value_dtype}"):
        v.assign_add(value)
    assert v.dtype == nd.float32
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])


def test_assign_of_fractional_python_floats_to_an_integer_variable():
    v = nd.Variable([1, 2], name="counts")
    with pytest.raises(TypeError, match=r"int32"):
        v.assign([1.5, 2.0])
    np.testing.assert_array_equal(v.numpy(), [1, 2])
    assert v.dtype == nd.int32


# -- GradientTape ---------------------------------------------------------------------------
def test_gradient_twice_on_a_non_persistent_tape():
    x = nd.Variable(3.0)
    with nd.GradientTape() as tape:
        y = x * x
    assert float(tape.gradient(y, x)) == 6.0
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y, x)


def test_jacobian_after_gradient_on_a_non_persistent_tape():
    x = nd.Variable([1.0, 2.0])
    with nd.GradientTape() as tape:
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="persistent"):
        tape.jacobian(y, x)


def test_gradient_with_a_non_tensor_source():
    x = nd.Variable(1.0)
    with nd.GradientTape() as tape:
        y = x * 2.0
    with pytest.raises((TypeError, ValueError), match="sources"):
        tape.gradient(y, [x, 1.0])


def test_output_gradients_of_the_wrong_shape():
    x = nd.Variable([1.0, 2.0, 3.0])
    with nd.GradientTape() as tape:
        y = x * x
    with pytest.raises(ValueError, match=rf"output_gradients.*{_shape(2)}.*{_shape(3)}"):
        tape.gradient(y, x, output_gradients=nd.constant([1.0, 2.0]))


def test_unknown_unconnected_gradients_value():
    x = nd.Variable(1.0)
    with nd.GradientTape() as tape:
        y = x * 2.0
    with pytest.raises(ValueError, match="unconnected_gradients.*'zeros'"):
        tape.gradient(y, x, unconnected_gradients="zeros")


# -- dtypes ---------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: nd.zeros(3, dtype="float33"),
    lambda: nd.ones((2,), dtype="float33"),
    lambda: nd.constant(1.0, dtype="float33"),
    lambda: nd.cast(nd.constant(1.0), "float33"),
    lambda: nd.Variable(1.0, dtype="float33"),
    lambda: nd.as_dtype("float33"),
])
def test_unknown_dtype_name_lists_valid_names(make):
    with pytest.raises(TypeError, match=r"float33.*float16.*float32.*float64.*int32"):
        make()


# -- constant / convert_to_tensor -----------------------------------------------------------
def test_constant_of_a_dict():
    with pytest.raises(TypeError, match=r"dict"):
        nd.constant({"a": 1})


@pytest.mark.parametrize("value", [[1, "a"], ["a", 2.5], [[1.0], ["b"]]])
def test_constant_of_mixed_strings_and_numbers(value):
    with pytest.raises(TypeError, match=r"(?i)mixed|str"):
        nd.constant(value)


@pytest.mark.parametrize("value", [[[1, 2], [3]], [1, [2, 3]], [[[1.0]], [2.0]]])
def test_constant_of_a_ragged_list(value):
    with pytest.raises(ValueError, match=r"non-rectangular"):
        nd.constant(value)


@pytest.mark.parametrize("value", [[1, None], object(), {1, 2}])
def test_convert_to_tensor_of_non_numeric_objects(value):
    with pytest.raises(TypeError, match=r"Cannot convert"):
        nd.convert_to_tensor(value)


@pytest.mark.parametrize("value", [np.array([{"a": 1}], dtype=object),
                                   np.array([1, "a"], dtype=object),
                                   np.array([None, 2.0], dtype=object)])
def test_constant_of_a_numpy_object_array_of_non_strings(value):
    with pytest.raises(TypeError, match=r"(?i)cannot convert|object"):
        nd.constant(value)


def test_constant_with_a_lossy_dtype():
    with pytest.raises(TypeError, match=r"int32"):
        nd.constant([1.5, 2.0], dtype=nd.int32)


def test_convert_to_tensor_with_a_conflicting_dtype_for_a_tensor():
    with pytest.raises(ValueError, match=r"float64.*float32|float32.*float64"):
        nd.convert_to_tensor(nd.constant(1.0), dtype=nd.float64)


# -- shapes ---------------------------------------------------------------------------------
def test_reshape_to_an_impossible_shape():
    with pytest.raises(nd.InvalidArgumentError, match=r"6 values.*\[4,2\].*8"):
        nd.reshape(nd.ones((2, 3)), [4, 2])


def test_reshape_with_an_impossible_inferred_dimension():
    with pytest.raises(nd.InvalidArgumentError, match=r"6 values.*\[4,-1\]"):
        nd.reshape(nd.ones((2, 3)), [4, -1])


def test_reshape_with_two_unknown_dimensions():
    with pytest.raises(nd.InvalidArgumentError, match=r"(?i)(only one|at most one).*-1"):
        nd.reshape(nd.ones((2, 3)), [-1, -1])


@pytest.mark.parametrize("reduce", [nd.reduce_sum, nd.reduce_mean, lambda x, axis:
                                    nd.reduce_max(x, axis=axis)])
@pytest.mark.parametrize("axis", [2, -3, [0, 5]])
def test_reduce_over_an_axis_out_of_range(reduce, axis):
    with pytest.raises(nd.InvalidArgumentError, match=r"(?i)axis|dimension"):
        reduce(nd.ones((2, 3)), axis=axis)


def test_reduce_axis_message_names_axis_and_rank():
    with pytest.raises(nd.InvalidArgumentError, match=r"(?i)(axis|dimension) 2.*(rank|2 dim)"):
        nd.reduce_sum(nd.ones((2, 3)), axis=2)


def test_concat_of_mismatched_shapes_names_both():
    with pytest.raises(nd.InvalidArgumentError, match=r"\[2,3\].*\[3,2\]"):
        nd.concat([nd.ones((2, 3)), nd.ones((3, 2))], axis=0)


def test_concat_along_an_axis_out_of_range():
    with pytest.raises(nd.InvalidArgumentError, match=r"(?i)axis"):
        nd.concat([nd.ones((2, 3)), nd.ones((2, 3))], axis=2)


def test_stack_of_mismatched_shapes():
    with pytest.raises(nd.InvalidArgumentError, match=r"\[2\].*\[3\]"):
        nd.stack([nd.ones((2,)), nd.ones((3,))])


def test_binary_op_of_incompatible_shapes_names_both():
    with pytest.raises(nd.InvalidArgumentError, match=r"Incompatible shapes: \[2,3\] vs\. \[4\]"):
        nd.add(nd.ones((2, 3)), nd.ones((4,)))


def test_transpose_with_a_wrong_permutation():
    with pytest.raises(nd.InvalidArgumentError, match=r"(?i)perm"):
        nd.transpose(nd.ones((2, 3)), perm=[0, 0])


def test_gather_index_out_of_range():
    with pytest.raises(nd.InvalidArgumentError, match=r"5.*\[0, ?3\)"):
        nd.gather(nd.constant([1.0, 2.0, 3.0]), [0, 5])


def test_getitem_out_of_range():
    with pytest.raises(IndexError, match=r"5"):
        nd.constant([1.0, 2.0, 3.0])[5]


def test_getitem_with_a_float_index():
    with pytest.raises(TypeError, match=r"(?i)indices|index"):
        nd.constant([1.0, 2.0, 3.0])[1.5]


def test_tensor_item_assignment():
    t = nd.constant([1.0, 2.0])
    with pytest.raises(TypeError, match="item assignment"):
        t[0] = 5.0
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])


def test_logical_op_on_floats():
    with pytest.raises(TypeError, match=r"(?i)bool.*float32"):
        nd.logical_and(nd.constant([1.0]), nd.constant([0.0]))


def test_string_and_number_do_not_add():
    with pytest.raises(TypeError, match=r"(?i)string|str|<U"):
        nd.add(nd.constant(["a"]), nd.constant([1.0]))
