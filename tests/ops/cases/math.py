"""Gradient cases for ndflow.ops.math (elementwise) and cast."""

import ndflow as nd
from tests.ops.cases import Case, rand

CASES = [
    Case("add", nd.add, [rand(2, 3), rand(3)]),
    Case("subtract", nd.subtract, [rand(2, 3), rand(2, 1)]),
    Case("multiply", nd.multiply, [rand(2, 3), rand(1, 3)]),
    Case("divide", nd.divide, [rand(2, 3), rand(3, low=0.5, high=2.0)]),
    Case("sin", nd.sin, [rand(2, 3)]),
    Case("tanh", nd.tanh, [rand(4)]),
    Case("exp", nd.exp, [rand(4)]),
    Case("log", nd.log, [rand(4, low=0.5, high=2.0)]),
]
