"""Gradient cases for ndflow.ops.creation: fill and linspace (differentiable in their
values, as in TensorFlow). Outputs are squared so the second-order check is not trivial."""

import ndflow as nd
from tests.ops.cases import Case, rand


def _sq(t):
    return t * t


CASES = [
    Case("fill", lambda v: _sq(nd.fill([2, 3], v)), [rand()]),
    Case("linspace", lambda a, b: _sq(nd.linspace(a, b, 4)), [rand(), rand()]),
    Case("linspace_vectors_axis", lambda a, b: _sq(nd.linspace(a, b, 3, axis=1)),
         [rand(2), rand(2, 1)]),
]
