"""Gradient cases for ndflow.ops.fused: the dense primitive, every activation, with and
without bias, on batches of rank 2 and 3.

Outputs are squared so the second-order check runs through the rule's own gradients.
"""

from ndflow.ops.fused import dense
from tests.ops.cases import Case, rand


def _squared(activation, bias=True):
    if bias:
        return lambda x, k, b: dense(x, k, b, activation) ** 2
    return lambda x, k: dense(x, k, None, activation) ** 2


CASES = [
    Case(f"dense_{act}", _squared(act), [rand(4, 3), rand(3, 5), rand(5)])
    for act in ("linear", "relu", "tanh")
] + [
    Case("dense_no_bias", _squared("relu", bias=False), [rand(4, 3), rand(3, 2)]),
    Case("dense_rank3_batch", _squared("tanh"), [rand(2, 4, 3), rand(3, 5), rand(5)]),
]
