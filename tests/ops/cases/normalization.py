"""Gradient cases for ndflow.ops.normalization: standardization over one axis, several
axes and all axes.

Outputs are multiplied by a fixed random tensor (a plain sum of a standardized tensor has
zero gradient) and squared, so the second-order check runs through the rule's own
gradients.
"""

from ndflow.ops.normalization import standardize
from tests.ops.cases import Case, rand

W3 = rand(3, 4, seed=1)
W4 = rand(2, 3, 2, seed=2)


CASES = [
    Case("standardize_last_axis", lambda x: (standardize(x, [-1], 1e-3) * W3) ** 2,
         [rand(3, 4)]),
    Case("standardize_batch_axis", lambda x: (standardize(x, [0], 1e-2) * W3) ** 2,
         [rand(3, 4)]),
    Case("standardize_two_axes", lambda x: (standardize(x, [0, 2], 1e-3) * W4) ** 2,
         [rand(2, 3, 2)]),
]
