"""Gradient cases for ndflow.ops.math (elementwise) and cast.

Inputs stay away from kinks and poles (abs at 0, ties of maximum, mod near a jump).
Complex ops are checked through real parameters: ``z = complex(a, b)``, then a real
result, so the checker's finite differences test TensorFlow's complex convention.
"""

import numpy as np

import ndflow as nd
from tests.ops.cases import Case, rand

_MASK = np.array([[True, False, True], [False, False, True]])
_WITH_ZERO = np.array([[0.0, 1.5, -0.7], [2.0, 0.0, 0.9]])
_POS = dict(low=0.5, high=2.0)


def _z(a, b):
    return nd.complex(a, b)


CASES = [
    # arithmetic
    Case("add", nd.add, [rand(2, 3), rand(3)]),
    Case("add_scalar", lambda a: a + 2.5, [rand(2, 3)]),
    Case("subtract", nd.subtract, [rand(2, 3), rand(2, 1)]),
    Case("multiply", nd.multiply, [rand(2, 3), rand(1, 3)]),
    Case("divide", nd.divide, [rand(2, 3), rand(3, **_POS)]),
    Case("rdivide_scalar", lambda a: 2.0 / a, [rand(2, 3, **_POS)]),
    Case("mod", nd.mod, [np.array([[0.3, -0.4, 2.7], [-3.1, 1.2, 0.6]]),
                         np.array([1.7, 1.9, -1.6])]),
    Case("pow", nd.pow, [rand(2, 3, **_POS), rand(2, 3)]),
    Case("pow_scalar_exponent", lambda a: a ** 3, [rand(2, 3)]),
    Case("pow_scalar_base", lambda a: 2.0 ** a, [rand(2, 3)]),
    Case("scalar_first_operands",
         lambda a: (1.5 - a) * nd.atan2(0.5, a) + nd.squared_difference(0.3, a) + 2.0 % a,
         [rand(4, low=0.7, high=0.9)]),
    Case("maximum", nd.maximum, [rand(2, 3), rand(3)]),
    Case("minimum", nd.minimum, [rand(2, 3), rand(2, 1)]),
    Case("clip_by_value", lambda a: nd.clip_by_value(a, -0.5, 0.5),
         [np.array([-0.9, -0.3, 0.1, 0.45, 0.8])]),
    Case("squared_difference", nd.squared_difference, [rand(2, 3), rand(3)]),
    Case("atan2", nd.atan2, [rand(2, 3), rand(2, 3, **_POS)]),
    Case("add_n", lambda a, b, c: nd.add_n([a, b, c]), [rand(2, 2), rand(2, 2), rand(2, 2)]),
    Case("divide_no_nan", nd.divide_no_nan, [rand(2, 3), rand(2, 3, **_POS)]),
    Case("divide_no_nan_zero", lambda a: nd.divide_no_nan(a, _WITH_ZERO), [rand(2, 3)]),
    Case("multiply_no_nan", nd.multiply_no_nan, [rand(2, 3), rand(2, 3)]),
    Case("multiply_no_nan_zero", lambda a: nd.multiply_no_nan(a, _WITH_ZERO), [rand(2, 3)]),
    Case("xlogy", nd.xlogy, [rand(2, 3), rand(2, 3, **_POS)]),
    Case("xlogy_zero_x", lambda b: nd.xlogy(_WITH_ZERO, b), [rand(2, 3, **_POS)]),
    Case("xdivy", nd.xdivy, [rand(2, 3), rand(2, 3, **_POS)]),
    Case("xdivy_zero_x", lambda b: nd.xdivy(_WITH_ZERO, b), [rand(2, 3, **_POS)]),
    # unary
    Case("negative", nd.negative, [rand(2, 3)]),
    Case("abs", nd.abs, [np.array([-1.2, -0.4, 0.3, 0.9])]),
    Case("square", nd.square, [rand(2, 3)]),
    Case("sqrt", nd.sqrt, [rand(2, 3, **_POS)]),
    Case("rsqrt", nd.rsqrt, [rand(2, 3, **_POS)]),
    Case("reciprocal", nd.reciprocal, [rand(2, 3, **_POS)]),
    Case("exp", nd.exp, [rand(4)]),
    Case("log", nd.log, [rand(4, **_POS)]),
    Case("log1p", nd.log1p, [rand(4, low=-0.5, high=1.0)]),
    Case("expm1", nd.expm1, [rand(4)]),
    Case("sin", nd.sin, [rand(2, 3)]),
    Case("cos", nd.cos, [rand(2, 3)]),
    Case("tan", nd.tan, [rand(2, 3)]),
    Case("arcsin", nd.arcsin, [rand(4, low=-0.8, high=0.8)]),
    Case("arccos", nd.arccos, [rand(4, low=-0.8, high=0.8)]),
    Case("arctan", nd.arctan, [rand(4, low=-2.0, high=2.0)]),
    Case("sinh", nd.sinh, [rand(4)]),
    Case("cosh", nd.cosh, [rand(4)]),
    Case("tanh", nd.tanh, [rand(4)]),
    Case("arcsinh", nd.arcsinh, [rand(4, low=-2.0, high=2.0)]),
    Case("arccosh", nd.arccosh, [rand(4, low=1.5, high=3.0)]),
    Case("arctanh", nd.arctanh, [rand(4, low=-0.8, high=0.8)]),
    Case("sigmoid", nd.sigmoid, [rand(5, low=-4.0, high=4.0)]),
    Case("log_sigmoid", nd.log_sigmoid, [rand(5, low=-4.0, high=4.0)]),
    Case("erf", nd.erf, [rand(5, low=-3.0, high=3.0)]),
    Case("sign", lambda a: nd.sign(a) * a, [np.array([-1.2, -0.4, 0.3, 0.9])], order=1),
    Case("where", lambda a, b: nd.where(_MASK, a, b), [rand(2, 3), rand(3)]),
    Case("cast", lambda a: nd.real(nd.cast(a, "complex128") ** 2) * a, [rand(2, 2)]),
    # complex, through real parameters
    Case("complex_real_imag", lambda a, b: nd.real(_z(a, b)) * nd.imag(_z(b, a)),
         [rand(2, 2), rand(2, 2)]),
    Case("conj", lambda a, b: nd.imag(nd.conj(_z(a, b)) * _z(b, a * a)),
         [rand(2, 2), rand(2, 2)]),
    Case("complex_abs_angle", lambda a, b: nd.abs(_z(a, b)) + nd.angle(_z(a, b)),
         [rand(2, 2, **_POS), rand(2, 2)]),
    Case("complex_holomorphic_chain",
         lambda a, b: nd.real(nd.exp(nd.sin(_z(a, b))) / (nd.square(_z(a, b)) + 2.0)),
         [rand(2, 2), rand(2, 2)]),
    Case("complex_log_sqrt_pow",
         lambda a, b: nd.imag(nd.log(_z(a, b)) * nd.sqrt(_z(b, a)) + _z(a, b) ** _z(b, a)),
         [rand(3, **_POS), rand(3, **_POS)]),
    Case("complex_tanh_reciprocal",
         lambda a, b: nd.real(nd.tanh(_z(a, b)) * nd.reciprocal(_z(a, b)) - nd.rsqrt(
             _z(a, b))), [rand(3, **_POS), rand(3)]),
]
