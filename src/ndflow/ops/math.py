"""Elementwise math: arithmetic, powers, exponentials, trigonometry, rounding, complex.

Each primitive's forward (on raw arrays) has its gradient rule right below it, written
with ndflow ops so that it can be differentiated again. ``g`` is the upstream gradient,
``y`` the op's output, ``x`` (and ``z``) its inputs.
"""

import numpy as np

from ndflow.autodiff.primitive import bind, defvjp, primitive
from ndflow.core.errors import shape_str
from ndflow.ops._operands import as_tensor, promote
from ndflow.ops.cast import cast


def _explain_broadcast(arrays, params, error):
    if len(arrays) == 2 and "broadcast" in str(error):
        return f"Incompatible shapes: {shape_str(arrays[0].shape)} vs. {shape_str(arrays[1].shape)}"
    return None


def _unary(name, forward, doc):
    prim = primitive(name, forward)

    def op(x, name=None):
        return bind(prim, x)

    op.__name__ = op.__qualname__ = prim.name
    op.__doc__ = doc
    return prim, op


def _binary(name, forward, doc):
    prim = primitive(name, forward, _explain_broadcast)

    def op(x, y, name=None):
        x, y = promote(x, y, prim.name)
        return bind(prim, x, y)

    op.__name__ = op.__qualname__ = prim.name
    op.__doc__ = doc
    return prim, op


# -- arithmetic ----------------------------------------------------------------------
add_p, add = _binary("add", np.add, "Elementwise ``x + y`` with broadcasting.")
defvjp(add_p, lambda g, y, a, b: g, lambda g, y, a, b: g)

subtract_p, subtract = _binary("subtract", np.subtract, "Elementwise ``x - y``.")
defvjp(subtract_p, lambda g, y, a, b: g, lambda g, y, a, b: negative(g))

multiply_p, multiply = _binary("multiply", np.multiply, "Elementwise ``x * y``.")
defvjp(multiply_p, lambda g, y, a, b: g * b, lambda g, y, a, b: g * a)


def _true_divide(x, y):
    if x.dtype.kind in "biu":  # TensorFlow's truediv: int8/16 -> float32, wider -> float64
        dtype = np.float32 if x.dtype.itemsize <= 2 else np.float64
        x, y = x.astype(dtype), y.astype(dtype)
    return np.true_divide(x, y)


divide_p, divide = _binary("divide", _true_divide, "Elementwise true division ``x / y``.")
defvjp(divide_p, lambda g, y, a, b: g / b, lambda g, y, a, b: negative(g) * y / b)
truediv = divide

floordiv_p, floordiv = _binary("floordiv", np.floor_divide,
                               "Elementwise ``x // y`` (rounds toward negative infinity).")
floor_divide = floordiv

mod_p, mod = _binary("mod", np.mod, "Elementwise remainder ``x % y`` with the sign of ``y``.")
defvjp(mod_p, lambda g, y, a, b: g, lambda g, y, a, b: negative(g) * floor(a / b))
floormod = mod


def _pow_forward(x, y):
    if x.dtype.kind in "iu" and np.any(y < 0):
        raise ValueError("Integers to negative integer powers are not allowed")
    return np.power(x, y)


pow_p, pow = _binary("pow", _pow_forward, "Elementwise power ``x ** y``.")


def _pow_vjp_base(g, y, a, b):
    return g * b * pow(a, b - 1)


def _pow_vjp_exponent(g, y, a, b):
    a = as_tensor(a)
    safe = where(a > 0, a, ones_like(a))  # log(x) only where x > 0; 0 elsewhere
    return g * y * where(a > 0, log(safe), zeros_like(a))


defvjp(pow_p, _pow_vjp_base, _pow_vjp_exponent)

maximum_p, maximum = _binary("maximum", np.maximum, "Elementwise maximum of ``x`` and ``y``.")
defvjp(maximum_p,
       lambda g, y, a, b: g * cast_like(greater_equal(a, b), g),
       lambda g, y, a, b: g * cast_like(less(a, b), g))

minimum_p, minimum = _binary("minimum", np.minimum, "Elementwise minimum of ``x`` and ``y``.")
defvjp(minimum_p,
       lambda g, y, a, b: g * cast_like(less_equal(a, b), g),
       lambda g, y, a, b: g * cast_like(greater(a, b), g))

squared_difference_p, squared_difference = _binary(
    "squared_difference", lambda x, y: np.square(x - y), "Elementwise ``(x - y) ** 2``.")
defvjp(squared_difference_p,
       lambda g, y, a, b: g * 2 * (a - b),
       lambda g, y, a, b: g * -2 * (a - b))

atan2_p, atan2 = _binary("atan2", np.arctan2, "Elementwise angle of the point ``(x=b, y=a)``.")
defvjp(atan2_p,
       lambda g, y, a, b: g * b / (a * a + b * b),
       lambda g, y, a, b: negative(g) * a / (a * a + b * b))

# -- unary ---------------------------------------------------------------------------
negative_p, negative = _unary("negative", np.negative, "Elementwise ``-x``.")
defvjp(negative_p, lambda g, y, x: negative(g))
neg = negative

abs_p, abs = _unary("abs", np.abs, "Elementwise absolute value (modulus for complex).")
defvjp(abs_p, lambda g, y, x: g * sign(x))

square_p, square = _unary("square", np.square, "Elementwise ``x ** 2``.")
defvjp(square_p, lambda g, y, x: g * 2 * x)

sqrt_p, sqrt = _unary("sqrt", np.sqrt, "Elementwise square root.")
defvjp(sqrt_p, lambda g, y, x: g * 0.5 / y)

rsqrt_p, rsqrt = _unary("rsqrt", lambda x: 1 / np.sqrt(x), "Elementwise ``1 / sqrt(x)``.")
defvjp(rsqrt_p, lambda g, y, x: g * -0.5 * y * y * y)

reciprocal_p, reciprocal = _unary("reciprocal", np.reciprocal, "Elementwise ``1 / x``.")
defvjp(reciprocal_p, lambda g, y, x: negative(g) * y * y)

exp_p, exp = _unary("exp", np.exp, "Elementwise natural exponential.")
defvjp(exp_p, lambda g, y, x: g * y)

log_p, log = _unary("log", np.log, "Elementwise natural logarithm.")
defvjp(log_p, lambda g, y, x: g / x)

log1p_p, log1p = _unary("log1p", np.log1p, "Elementwise ``log(1 + x)``, accurate for small x.")
defvjp(log1p_p, lambda g, y, x: g / (1 + x))

expm1_p, expm1 = _unary("expm1", np.expm1, "Elementwise ``exp(x) - 1``, accurate for small x.")
defvjp(expm1_p, lambda g, y, x: g * (y + 1))

sin_p, sin = _unary("sin", np.sin, "Elementwise sine.")
defvjp(sin_p, lambda g, y, x: g * cos(x))

cos_p, cos = _unary("cos", np.cos, "Elementwise cosine.")
defvjp(cos_p, lambda g, y, x: negative(g) * sin(x))

tan_p, tan = _unary("tan", np.tan, "Elementwise tangent.")
defvjp(tan_p, lambda g, y, x: g * (1 + y * y))

arcsin_p, arcsin = _unary("arcsin", np.arcsin, "Elementwise inverse sine.")
defvjp(arcsin_p, lambda g, y, x: g * rsqrt(1 - x * x))
asin = arcsin

arccos_p, arccos = _unary("arccos", np.arccos, "Elementwise inverse cosine.")
defvjp(arccos_p, lambda g, y, x: negative(g) * rsqrt(1 - x * x))
acos = arccos

arctan_p, arctan = _unary("arctan", np.arctan, "Elementwise inverse tangent.")
defvjp(arctan_p, lambda g, y, x: g / (1 + x * x))
atan = arctan

sinh_p, sinh = _unary("sinh", np.sinh, "Elementwise hyperbolic sine.")
defvjp(sinh_p, lambda g, y, x: g * cosh(x))

cosh_p, cosh = _unary("cosh", np.cosh, "Elementwise hyperbolic cosine.")
defvjp(cosh_p, lambda g, y, x: g * sinh(x))

tanh_p, tanh = _unary("tanh", np.tanh, "Elementwise hyperbolic tangent.")
defvjp(tanh_p, lambda g, y, x: g * (1 - y * y))

arcsinh_p, arcsinh = _unary("arcsinh", np.arcsinh, "Elementwise inverse hyperbolic sine.")
defvjp(arcsinh_p, lambda g, y, x: g * rsqrt(x * x + 1))
asinh = arcsinh

arccosh_p, arccosh = _unary("arccosh", np.arccosh, "Elementwise inverse hyperbolic cosine.")
defvjp(arccosh_p, lambda g, y, x: g * rsqrt(x * x - 1))
acosh = arccosh

arctanh_p, arctanh = _unary("arctanh", np.arctanh, "Elementwise inverse hyperbolic tangent.")
defvjp(arctanh_p, lambda g, y, x: g / (1 - x * x))
atanh = arctanh


def _sigmoid(x):
    # exp(-logaddexp(0, -x)) never overflows, for large positive or negative x
    return np.exp(-np.logaddexp(0, -x)).astype(x.dtype, copy=False)


sigmoid_p, sigmoid = _unary("sigmoid", _sigmoid, "Elementwise logistic ``1 / (1 + exp(-x))``.")
defvjp(sigmoid_p, lambda g, y, x: g * y * (1 - y))

# -- rounding and sign: no gradient (sign's is zero, as in TensorFlow) ------------------
sign_p, sign = _unary("sign", np.sign, "Elementwise sign: -1, 0 or 1.")
defvjp(sign_p, lambda g, y, x: zeros_like(g))

round_p, round = _unary("round", np.round, "Elementwise round half to even, as TensorFlow.")
floor_p, floor = _unary("floor", np.floor, "Elementwise floor.")
ceil_p, ceil = _unary("ceil", np.ceil, "Elementwise ceiling.")

# -- comparison and logic (boolean results, not differentiable) ------------------------
equal_p, equal = _binary("equal", np.equal, "Elementwise ``x == y``.")
not_equal_p, not_equal = _binary("not_equal", np.not_equal, "Elementwise ``x != y``.")
greater_p, greater = _binary("greater", np.greater, "Elementwise ``x > y``.")
greater_equal_p, greater_equal = _binary("greater_equal", np.greater_equal,
                                         "Elementwise ``x >= y``.")
less_p, less = _binary("less", np.less, "Elementwise ``x < y``.")
less_equal_p, less_equal = _binary("less_equal", np.less_equal, "Elementwise ``x <= y``.")


def _logical(name, forward, doc):
    prim = primitive(name, forward, _explain_broadcast)

    def op(x, y, name=None):
        return bind(prim, _bool(x, prim.name), _bool(y, prim.name))

    op.__name__ = op.__qualname__ = prim.name
    op.__doc__ = doc
    return prim, op


def _bool(x, op):
    x = as_tensor(x)
    if x._value.dtype.kind != "b":
        raise TypeError(f"{op} expects boolean tensors, got {x.dtype.name}")
    return x


logical_and_p, logical_and = _logical("logical_and", np.logical_and, "Elementwise AND.")
logical_or_p, logical_or = _logical("logical_or", np.logical_or, "Elementwise OR.")
logical_xor_p, logical_xor = _logical("logical_xor", np.logical_xor, "Elementwise XOR.")
logical_not_p = primitive("logical_not", np.logical_not)


def logical_not(x, name=None):
    """Elementwise NOT of a boolean tensor."""
    return bind(logical_not_p, _bool(x, "logical_not"))


is_nan_p, is_nan = _unary("is_nan", np.isnan, "Elementwise test for NaN.")
is_inf_p, is_inf = _unary("is_inf", np.isinf, "Elementwise test for +/- infinity.")
is_finite_p, is_finite = _unary("is_finite", np.isfinite, "Elementwise test for finite values.")

# -- complex numbers -----------------------------------------------------------------
real_p, real = _unary("real", np.real, "Real part (the tensor itself for real dtypes).")
defvjp(real_p, lambda g, y, x: complex(g, zeros_like(g)))

imag_p, imag = _unary("imag", np.imag, "Imaginary part (zeros for real dtypes).")
defvjp(imag_p, lambda g, y, x: complex(zeros_like(g), g))

conj_p, conj = _unary("conj", np.conj, "Complex conjugate (the tensor itself for reals).")
defvjp(conj_p, lambda g, y, x: conj(g))


def _complex_forward(re, im):
    dtype = np.complex128 if re.dtype == np.float64 else np.complex64
    return (re + 1j * im).astype(dtype, copy=False)


complex_p, _complex_op = _binary("complex", _complex_forward,
                                 "Build a complex tensor from real and imaginary parts.")
defvjp(complex_p, lambda g, y, a, b: real(g), lambda g, y, a, b: imag(g))


def complex(real, imag, name=None):  # noqa: A001 - TensorFlow's name
    """Build a complex tensor from float ``real`` and ``imag`` parts."""
    return _complex_op(real, imag)


def angle(x, name=None):
    """Argument (phase) of a complex tensor, in radians."""
    return atan2(imag(x), real(x))


# -- selection -----------------------------------------------------------------------
def _where_forward(cond, x, y):
    return np.where(cond, x, y)


where_p = primitive("where", _where_forward)
defvjp(where_p, None,
       lambda g, y, c, a, b: where(c, g, zeros_like(g)),
       lambda g, y, c, a, b: where(c, zeros_like(g), g))

argwhere_p = primitive("argwhere", lambda c: np.argwhere(c).astype(np.int64))


def where(condition, x=None, y=None, name=None):
    """Choose ``x`` where ``condition`` is true, else ``y`` (broadcasting all three).

    With only ``condition``, return the int64 coordinates of its true elements,
    shape ``(num_true, rank)``, as TensorFlow does.
    """
    if x is None and y is None:
        return bind(argwhere_p, condition)
    if x is None or y is None:
        raise ValueError("where: give both x and y, or neither")
    cond = as_tensor(condition)
    if cond._value.dtype.kind != "b":
        raise TypeError(f"where: condition must be boolean, got {cond.dtype.name}")
    x, y = promote(x, y, "where")
    return bind(where_p, cond, x, y)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clip values to ``[clip_value_min, clip_value_max]``; gradient zero outside."""
    return minimum(maximum(t, clip_value_min), clip_value_max)


# -- helpers for gradient rules ------------------------------------------------------
zeros_like_p = primitive("zeros_like", np.zeros_like)
ones_like_p = primitive("ones_like", np.ones_like)


def zeros_like(input, dtype=None, name=None):
    """A tensor of zeros with the shape (and dtype, unless given) of ``input``."""
    out = bind(zeros_like_p, input)
    return out if dtype is None else cast(out, dtype)


def ones_like(input, dtype=None, name=None):
    """A tensor of ones with the shape (and dtype, unless given) of ``input``."""
    out = bind(ones_like_p, input)
    return out if dtype is None else cast(out, dtype)


def cast_like(x, like):
    """Cast ``x`` to the dtype of ``like``."""
    return cast(x, like._value.dtype)
