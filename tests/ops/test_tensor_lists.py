"""Python lists of tensors given to ops are stacked, and gradients reach every element."""

import numpy as np

import ndflow as nd


def test_reduce_sum_of_abs_of_a_list_of_tensors():
    t1, t2 = nd.Variable(1.5), nd.Variable(-2.0)
    with nd.GradientTape() as tape:
        y = nd.reduce_sum(nd.abs([t1, t2]))
    assert float(y) == 3.5
    assert [float(g) for g in tape.gradient(y, [t1, t2])] == [1.0, -1.0]


def test_lists_mixing_tensors_and_numbers_in_binary_ops():
    t1, t2 = nd.Variable(1.5), nd.Variable(-2.0)
    with nd.GradientTape() as tape:
        z = nd.reduce_sum(nd.square([t1, t2]) * [t1, 1.0])
    assert float(z) == 1.5 ** 3 + 4.0
    np.testing.assert_allclose([float(g) for g in tape.gradient(z, [t1, t2])], [6.75, -4.0])


def test_nested_lists_of_tensors_stack_to_matrices():
    a, b = nd.constant([1.0, 2.0]), nd.constant([3.0, 4.0])
    np.testing.assert_array_equal(nd.reduce_sum([[a], [b]], axis=0).numpy(), [[4.0, 6.0]])
