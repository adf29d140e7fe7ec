"""Gradient cases for the gradient engine's own primitives (ndflow.autodiff.engine_ops).

Each op is linear, so its output is squared: the second-order check then runs through
the op's gradient rule's own gradient rule.
"""

from ndflow.autodiff import engine_ops as E
from tests.ops.cases import Case, rand


def _sq(t):
    return t * t


CASES = [
    Case("add_any", lambda a, b: _sq(E.add_any(a, b)), [rand(2, 3), rand(2, 3)]),
    Case("sum_to_shape", lambda x: _sq(E.sum_to_shape(x, (3, 1))), [rand(2, 3, 4)]),
    Case("sum_to_shape_scalar", lambda x: _sq(E.sum_to_shape(x, ())), [rand(2, 3)]),
    Case("broadcast_to", lambda x: _sq(E.broadcast_to(x, (2, 3, 4))), [rand(3, 1)]),
    Case("reshape", lambda x: _sq(E.reshape(x, (3, -1))), [rand(2, 3, 2)]),
    Case("stack", lambda a, b: _sq(E.stack([a, b], axis=1)), [rand(2, 3), rand(2, 3)]),
    Case("stack_last_axis", lambda a, b: _sq(E.stack([a, b, a], axis=-1)),
         [rand(2), rand(2)]),
    Case("select", lambda x: _sq(E.select(x, 1, axis=1)), [rand(2, 3, 2)]),
]
