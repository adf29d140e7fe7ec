"""Gradient cases for ndflow.ops.array (shape ops, gather, scatter, pad ...).

These ops are linear in their float arguments, so outputs are squared: the second-order
check then runs through each gradient rule's own gradient rule.
"""

import numpy as np

import ndflow as nd
from tests.ops.cases import Case, rand


def _sq(t):
    return t * t


def _stack_pieces(pieces, axis=0):
    return nd.concat([_sq(p) for p in pieces], axis=axis)


CASES = [
    Case("transpose", lambda x: _sq(nd.transpose(x, [2, 0, 1])), [rand(2, 3, 2)]),
    Case("transpose_default", lambda x: _sq(nd.transpose(x)), [rand(2, 3)]),
    Case("expand_dims_squeeze", lambda x: _sq(nd.squeeze(nd.expand_dims(x, -1), [0])),
         [rand(1, 3)]),
    Case("concat", lambda a, b, c: _sq(nd.concat([a, b, c], axis=1)),
         [rand(2, 1), rand(2, 3), rand(2, 2)]),
    Case("concat_negative_axis", lambda a, b: _sq(nd.concat([a, b], -2)),
         [rand(1, 2), rand(3, 2)]),
    Case("unstack", lambda x: _stack_pieces(nd.unstack(x, axis=1)[::-1]), [rand(2, 3)]),
    Case("split_sizes", lambda x: _stack_pieces(nd.split(x, [1, -1, 2], axis=1)[::-1], 1),
         [rand(2, 5)]),
    Case("split_equal", lambda x: _stack_pieces(nd.split(x, 2)[::-1]), [rand(4, 2)]),
    Case("tile", lambda x: _sq(nd.tile(x, [2, 1, 3])), [rand(2, 1, 2)]),
    Case("repeat_scalar", lambda x: _sq(nd.repeat(x, 2, axis=1)), [rand(2, 3)]),
    Case("repeat_per_element", lambda x: _sq(nd.repeat(x, [2, 0, 3], axis=0)), [rand(3, 2)]),
    Case("repeat_flat", lambda x: _sq(nd.repeat(x, 2)), [rand(2, 2)]),
    Case("pad_constant", lambda x: _sq(nd.pad(x, [[1, 0], [2, 1]], constant_values=0.5)),
         [rand(2, 3)]),
    Case("pad_reflect", lambda x: _sq(nd.pad(x, [[2, 1], [0, 1]], "REFLECT")), [rand(3, 2)]),
    Case("pad_symmetric", lambda x: _sq(nd.pad(x, [[3, 2], [1, 0]], "SYMMETRIC")),
         [rand(3, 2)]),
    Case("gather_repeated", lambda x: _sq(nd.gather(x, [2, 0, 2, 2])), [rand(3, 2)]),
    Case("gather_axis_2d_indices", lambda x: _sq(nd.gather(x, [[1, 1], [0, 2]], axis=1)),
         [rand(2, 3)]),
    Case("gather_batch_dims", lambda x: _sq(nd.gather(x, [[1, 1], [0, 2]], axis=1,
                                                      batch_dims=1)), [rand(2, 3, 2)]),
    Case("gather_batch_dims_middle", lambda x: _sq(nd.gather(x, [[1, 0, 1], [0, 0, 1]],
                                                             axis=2, batch_dims=1)),
         [rand(2, 2, 2)]),
    Case("gather_nd_repeated", lambda x: _sq(nd.gather_nd(x, [[0, 1], [1, 0], [0, 1]])),
         [rand(2, 2)]),
    Case("gather_nd_slices", lambda x: _sq(nd.gather_nd(x, [[1], [1], [0]])), [rand(2, 3)]),
    Case("gather_nd_batch_dims", lambda x: _sq(nd.gather_nd(x, [[[1], [1]], [[0], [2]]],
                                                            batch_dims=1)), [rand(2, 3, 2)]),
    Case("scatter_nd", lambda u: _sq(nd.scatter_nd([[2], [0], [2]], u, [4, 2])),
         [rand(3, 2)]),
    Case("tensor_scatter_nd_add", lambda t, u: _sq(nd.tensor_scatter_nd_add(
        t, [[1, 0], [1, 0], [0, 2]], u)), [rand(2, 3), rand(3)]),
    Case("tensor_scatter_nd_sub", lambda t, u: _sq(nd.tensor_scatter_nd_sub(t, [[1]], u)),
         [rand(2, 3), rand(1, 3)]),
    Case("tensor_scatter_nd_update", lambda t, u: _sq(nd.tensor_scatter_nd_update(
        t, [[1, 2], [0, 0]], u)), [rand(2, 3), rand(2)]),
    Case("boolean_mask", lambda x: _sq(nd.boolean_mask(x, np.array([True, False, True]),
                                                        axis=1)), [rand(2, 3)]),
    Case("reverse", lambda x: _sq(nd.reverse(x, [0, -1])), [rand(2, 3)]),
    Case("roll", lambda x: _sq(nd.roll(x, [1, -1], [0, 1])), [rand(3, 2)]),
    Case("slice", lambda x: _sq(nd.slice(x, [1, 0], [-1, 2])), [rand(3, 3)]),
    Case("meshgrid", lambda a, b: nd.concat([nd.reshape(g * g, [-1]) for g in
                                             nd.meshgrid(a, b)], 0), [rand(2), rand(3)]),
    Case("identity", lambda x: _sq(nd.identity(x)), [rand(2, 2)]),
]
