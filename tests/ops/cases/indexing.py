"""Gradient cases for ``tensor[key]`` (getitem) and its transpose, scatter_into_zeros.

Indexing is linear, so outputs are squared: the second-order check then runs through
the scatter's own gradient rule.
"""

import numpy as np

import ndflow as nd
from ndflow.ops.indexing import ARRAY, scatter_into_zeros
from tests.ops.cases import Case, rand


def _sq(t):
    return t * t


_MASK = np.array([[True, False, True], [False, False, True]])

CASES = [
    Case("getitem_int", lambda x: _sq(x[1]), [rand(3, 2)]),
    Case("getitem_negative_int_and_slice", lambda x: _sq(x[-1, 1:]), [rand(2, 3)]),
    Case("getitem_negative_step", lambda x: _sq(x[::-1, ::-2]), [rand(3, 4)]),
    Case("getitem_ellipsis_newaxis", lambda x: _sq(x[..., None, 0]), [rand(2, 2, 3)]),
    Case("getitem_repeated_indices", lambda x: _sq(x[[0, 2, 0, 0]]), [rand(3, 2)]),
    Case("getitem_separated_arrays", lambda x: _sq(x[[0, 1, 0], :, [1, 1, 1]]),
         [rand(2, 2, 3)]),
    Case("getitem_array_and_slice", lambda x: _sq(x[1:, [2, 0, 2]]), [rand(3, 3)]),
    Case("getitem_bool_mask", lambda x: _sq(x[_MASK]), [rand(2, 3)]),
    Case("getitem_index_tensor",
         lambda x: _sq(x[nd.convert_to_tensor([[1, 1], [0, 1]])]), [rand(2, 2)]),
    Case("getitem_scalar_index_tensor", lambda x: _sq(x[:, nd.convert_to_tensor(1)]),
         [rand(2, 3)]),
    Case("iterate_rows", lambda x: _sq(nd.stack(list(x)[::-1])), [rand(3, 2)]),
    Case("scatter_into_zeros",
         lambda u: _sq(scatter_into_zeros(u, (4, 2), (ARRAY,), (np.array([0, 3, 0]),))),
         [rand(3, 2)]),
    Case("scatter_into_zeros_basic",
         lambda u: _sq(scatter_into_zeros(u, (3, 4), (slice(1, None), slice(None, None, 2)))),
         [rand(2, 2)]),
]
