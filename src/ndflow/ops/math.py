"""Elementwise math: arithmetic, powers, exponentials, trigonometry, rounding, complex.

Each primitive's forward (on raw arrays) has its gradient rule right below it, written
with ndflow ops so that it can be differentiated again. ``g`` is the upstream gradient,
``y`` the op's output, ``x`` (and ``a``, ``b``) its inputs.

Complex gradients follow TensorFlow: for a real loss ``L`` of a complex ``z`` the
gradient is ``dL/dRe(z) + i dL/dIm(z)``, so a holomorphic ``f`` passes back
``g * conj(f'(z))``. Rules marked ``_holo`` are written as for real numbers and get the
conjugations from that wrapper.
"""

import numpy as np

from ndflow.autodiff.primitive import bind, defvjp, defvjp_all, primitive
from ndflow.core.dtypes import to_np_dtype
from ndflow.core.errors import InvalidArgumentError, InvalidTypeError, shape_str
from ndflow.core.tensor import Tensor
from ndflow.ops._operands import as_tensor, promote, promote_all
from ndflow.ops.cast import cast

__all__ = [
    "abs", "acos", "acosh", "add", "add_n", "angle", "arccos", "arccosh", "arcsin", "arcsinh",
    "arctan", "arctanh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "clip_by_value",
    "complex", "conj", "cos", "cosh", "divide", "divide_no_nan", "equal", "erf", "exp",
    "expm1", "floor", "floordiv", "floormod", "greater", "greater_equal", "imag", "is_finite",
    "is_inf", "is_nan", "less", "less_equal", "log", "log1p", "log_sigmoid", "logical_and",
    "logical_not", "logical_or", "logical_xor", "maximum", "minimum", "mod", "multiply",
    "multiply_no_nan", "negative", "not_equal", "ones_like", "pow", "real", "reciprocal",
    "rint", "round", "rsqrt", "scalar_mul", "sigmoid", "sign", "sin", "sinh", "sqrt", "square",
    "squared_difference", "subtract", "tan", "tanh", "truediv", "where", "xdivy", "xlogy",
    "zeros_like",
]


class _DTypeError(TypeError):
    """A forward refused its input dtype; the message is complete as it is."""


def _explain(arrays, params, error):
    if isinstance(error, _DTypeError):
        return str(error)
    if len(arrays) >= 2 and "broadcast" in str(error):
        return "Incompatible shapes: " + " vs. ".join(shape_str(a.shape) for a in arrays)
    return None


def _require(x, kinds, op):
    if x.dtype.kind not in kinds:
        allowed = "floating-point" if kinds == "f" else "floating-point or complex"
        raise _DTypeError(f"{op} expects a {allowed} tensor, got {x.dtype}: cast it first, "
                          f"e.g. ndflow.cast(x, ndflow.float32)")


def _floats_only(name, ufunc, kinds="fc"):
    """Forward for ops TensorFlow defines on floats (NumPy would silently give float64)."""

    def forward(x):
        if x.dtype.kind not in kinds:
            _require(x, kinds, name)
        return ufunc(x)

    return forward


def _unary(name, forward, doc):
    prim = primitive(name, forward, _explain)

    def op(x, name=None):
        if type(x) is list:  # a list of tensors is stacked, so gradients reach each one
            x = as_tensor(x)
        return bind(prim, x)

    op.__name__ = op.__qualname__ = prim.name
    op.__doc__ = doc
    return prim, op


def _float_unary(name, ufunc, doc, kinds="fc"):
    return _unary(name, _floats_only(name, ufunc, kinds), doc)


def _binary(name, forward, doc):
    prim = primitive(name, forward, _explain)

    def op(x, y, name=None):
        x, y = promote(x, y, prim.name)
        return bind(prim, x, y)

    op.__name__ = op.__qualname__ = prim.name
    op.__doc__ = doc
    return prim, op


def _holo(*rules):
    """Give real-number rules TensorFlow's complex convention: ``conj(rule(conj(g)))``."""

    def wrap_rule(rule):
        def wrapped(g, *args, **params):
            if g._value.dtype.kind == "c":
                return conj(rule(conj(g), *args, **params))
            return rule(g, *args, **params)

        return wrapped

    return [wrap_rule(r) for r in rules]


def _select(cond, a, b):
    """``where`` for gradient rules: operands already tensors of one dtype."""
    return bind(where_p, cond, a, b)


# -- arithmetic ----------------------------------------------------------------------
add_p, add = _binary("add", np.add, "Elementwise ``x + y`` with broadcasting.")
defvjp(add_p, lambda g, y, a, b: g, lambda g, y, a, b: g)

subtract_p, subtract = _binary("subtract", np.subtract, "Elementwise ``x - y``.")
defvjp(subtract_p, lambda g, y, a, b: g, lambda g, y, a, b: negative(g))

multiply_p, multiply = _binary("multiply", np.multiply, "Elementwise ``x * y``.")
defvjp(multiply_p, *_holo(lambda g, y, a, b: g * b, lambda g, y, a, b: g * a))


def scalar_mul(scalar, x, name=None):
    """Multiply a tensor by a scalar."""
    return multiply(scalar, x)


def _true_divide(x, y):
    if x.dtype.kind in "biu":  # TensorFlow's truediv: int8/16 -> float32, wider -> float64
        dtype = np.float32 if x.dtype.itemsize <= 2 else np.float64
        x, y = x.astype(dtype), y.astype(dtype)
    return np.true_divide(x, y)


divide_p, divide = _binary("divide", _true_divide,
                           "Elementwise true division ``x / y`` (integers give floats).")
defvjp(divide_p, *_holo(lambda g, y, a, b: g / b, lambda g, y, a, b: negative(g) * y / b))
truediv = divide

floordiv_p, floordiv = _binary("floordiv", np.floor_divide,
                               "Elementwise ``x // y`` (rounds toward negative infinity).")

mod_p, mod = _binary("mod", np.mod, "Elementwise remainder ``x % y`` with the sign of ``y``.")
defvjp(mod_p, lambda g, y, a, b: g, lambda g, y, a, b: negative(g) * floor(a / b))
floormod = mod


pow_p, pow = _binary("pow", np.power, "Elementwise power ``x ** y``.")


def _pow_vjp_exponent(g, y, a, b):
    # log(a) only where it is defined (a > 0, or a != 0 for complex); 0 elsewhere
    complex_base = getattr(a, "_value", a).dtype.kind == "c"  # a may be a NumPy scalar
    mask = not_equal(a, 0) if complex_base else greater(a, 0)
    safe_log = _select(mask, log(_select(mask, a, ones_like(a))), zeros_like(a))
    return g * y * safe_log


defvjp(pow_p, *_holo(lambda g, y, a, b: g * b * pow(a, b - 1), _pow_vjp_exponent))

# The tie goes to x, as in TensorFlow.
maximum_p, maximum = _binary("maximum", np.maximum, "Elementwise maximum of ``x`` and ``y``.")
defvjp(maximum_p,
       lambda g, y, a, b: _select(greater_equal(a, b), g, zeros_like(g)),
       lambda g, y, a, b: _select(greater_equal(a, b), zeros_like(g), g))

minimum_p, minimum = _binary("minimum", np.minimum, "Elementwise minimum of ``x`` and ``y``.")
defvjp(minimum_p,
       lambda g, y, a, b: _select(less_equal(a, b), g, zeros_like(g)),
       lambda g, y, a, b: _select(less_equal(a, b), zeros_like(g), g))

squared_difference_p, squared_difference = _binary(
    "squared_difference", lambda x, y: np.square(x - y), "Elementwise ``(x - y) ** 2``.")
defvjp(squared_difference_p,
       lambda g, y, a, b: g * 2 * (a - b),
       lambda g, y, a, b: g * -2 * (a - b))


def _atan2_forward(y, x):
    if y.dtype.kind != "f":
        _require(y, "f", "atan2")
    return np.arctan2(y, x)


atan2_p = primitive("atan2", _atan2_forward, _explain)
defvjp(atan2_p,
       lambda g, out, a, b: g * b / (a * a + b * b),
       lambda g, out, a, b: negative(g) * a / (a * a + b * b))


def atan2(y, x, name=None):
    """Elementwise angle of the point ``(x, y)`` from the x axis, in ``[-pi, pi]``."""
    y, x = promote(y, x, "atan2")
    return bind(atan2_p, y, x)


def _add_n_forward(*xs):
    out = xs[0] + xs[1]
    for x in xs[2:]:
        out += x  # ``out`` is a fresh array, never an input
    return out


add_n_p = primitive("add_n", _add_n_forward)
defvjp_all(add_n_p, lambda g, y, *xs: [g] * len(xs))


def add_n(inputs, name=None):
    """Sum a list of tensors of the same shape and dtype, elementwise."""
    if isinstance(inputs, Tensor) or not isinstance(inputs, (list, tuple)) or not inputs:
        raise ValueError("add_n: inputs must be a non-empty list of tensors")
    xs = promote_all(list(inputs), "add_n")
    shape = xs[0]._value.shape
    for i, x in enumerate(xs):
        if x._value.shape != shape:
            raise InvalidArgumentError(
                f"add_n: all inputs must have the same shape, got {shape_str(shape)} for "
                f"input 0 and {shape_str(x._value.shape)} for input {i} [Op:add_n]")
    if len(xs) == 1:
        return xs[0]
    return bind(add_n_p, *xs)


# -- unary ---------------------------------------------------------------------------
negative_p, negative = _unary("negative", np.negative, "Elementwise ``-x``.")
defvjp(negative_p, lambda g, y, x: negative(g))

abs_p, abs = _unary("abs", np.abs, "Elementwise absolute value (modulus for complex).")


def _abs_vjp(g, y, x):
    if x._value.dtype.kind == "c":  # g * x / |x|, written so it can be differentiated again
        return g * divide_no_nan(x, y)
    return g * sign(x)


defvjp(abs_p, _abs_vjp)

square_p, square = _unary("square", np.square, "Elementwise ``x ** 2``.")
defvjp(square_p, *_holo(lambda g, y, x: g * 2 * x))

sqrt_p, sqrt = _float_unary("sqrt", np.sqrt, "Elementwise square root.")
defvjp(sqrt_p, *_holo(lambda g, y, x: g * 0.5 / y))


def _rsqrt(x):
    return 1 / np.sqrt(x)


rsqrt_p, rsqrt = _float_unary("rsqrt", _rsqrt, "Elementwise ``1 / sqrt(x)``.")
defvjp(rsqrt_p, *_holo(lambda g, y, x: g * -0.5 * y * y * y))

reciprocal_p, reciprocal = _unary("reciprocal", np.reciprocal, "Elementwise ``1 / x``.")
defvjp(reciprocal_p, *_holo(lambda g, y, x: negative(g) * y * y))

exp_p, exp = _float_unary("exp", np.exp, "Elementwise natural exponential.")
defvjp(exp_p, *_holo(lambda g, y, x: g * y))

log_p, log = _float_unary("log", np.log, "Elementwise natural logarithm.")
defvjp(log_p, *_holo(lambda g, y, x: g / x))

log1p_p, log1p = _float_unary("log1p", np.log1p,
                              "Elementwise ``log(1 + x)``, accurate for small x.")
defvjp(log1p_p, *_holo(lambda g, y, x: g / (1 + x)))

expm1_p, expm1 = _float_unary("expm1", np.expm1,
                              "Elementwise ``exp(x) - 1``, accurate for small x.")
defvjp(expm1_p, *_holo(lambda g, y, x: g * (y + 1)))

sin_p, sin = _float_unary("sin", np.sin, "Elementwise sine.")
defvjp(sin_p, *_holo(lambda g, y, x: g * cos(x)))

cos_p, cos = _float_unary("cos", np.cos, "Elementwise cosine.")
defvjp(cos_p, *_holo(lambda g, y, x: negative(g) * sin(x)))

tan_p, tan = _float_unary("tan", np.tan, "Elementwise tangent.")
defvjp(tan_p, *_holo(lambda g, y, x: g * (1 + y * y)))

arcsin_p, arcsin = _float_unary("arcsin", np.arcsin, "Elementwise inverse sine.")
defvjp(arcsin_p, *_holo(lambda g, y, x: g * rsqrt(1 - x * x)))
asin = arcsin

arccos_p, arccos = _float_unary("arccos", np.arccos, "Elementwise inverse cosine.")
defvjp(arccos_p, *_holo(lambda g, y, x: negative(g) * rsqrt(1 - x * x)))
acos = arccos

arctan_p, arctan = _float_unary("arctan", np.arctan, "Elementwise inverse tangent.")
defvjp(arctan_p, *_holo(lambda g, y, x: g / (1 + x * x)))
atan = arctan

sinh_p, sinh = _float_unary("sinh", np.sinh, "Elementwise hyperbolic sine.")
defvjp(sinh_p, *_holo(lambda g, y, x: g * cosh(x)))

cosh_p, cosh = _float_unary("cosh", np.cosh, "Elementwise hyperbolic cosine.")
defvjp(cosh_p, *_holo(lambda g, y, x: g * sinh(x)))

tanh_p, tanh = _float_unary("tanh", np.tanh, "Elementwise hyperbolic tangent.")
defvjp(tanh_p, *_holo(lambda g, y, x: g * (1 - y * y)))

arcsinh_p, arcsinh = _float_unary("arcsinh", np.arcsinh,
                                  "Elementwise inverse hyperbolic sine.")
defvjp(arcsinh_p, *_holo(lambda g, y, x: g * rsqrt(x * x + 1)))
asinh = arcsinh

arccosh_p, arccosh = _float_unary("arccosh", np.arccosh,
                                  "Elementwise inverse hyperbolic cosine.")
defvjp(arccosh_p, *_holo(lambda g, y, x: g * rsqrt(x * x - 1)))
acosh = arccosh

arctanh_p, arctanh = _float_unary("arctanh", np.arctanh,
                                  "Elementwise inverse hyperbolic tangent.")
defvjp(arctanh_p, *_holo(lambda g, y, x: g / (1 - x * x)))
atanh = arctanh

# exp(-x) overflows (with a warning) below about -log(max); clamping there changes the
# result by less than the smallest normal number.
_EXP_LIMIT = {np.dtype(t): 0.999 * float(np.log(np.finfo(t).max))
              for t in (np.float16, np.float32, np.float64)}


def _sigmoid(x):
    limit = _EXP_LIMIT.get(x.dtype)
    if limit is None:
        _require(x, "f", "sigmoid")
    t = np.negative(x, out=np.empty_like(x))  # an array even for rank 0
    np.minimum(t, limit, out=t)
    np.exp(t, out=t)
    t += 1
    return np.reciprocal(t, out=t)


sigmoid_p, sigmoid = _unary("sigmoid", _sigmoid, "Elementwise logistic ``1 / (1 + exp(-x))``.")
defvjp(sigmoid_p, lambda g, y, x: g * y * (1 - y))

log_sigmoid_p, log_sigmoid = _float_unary(
    "log_sigmoid", lambda x: -np.logaddexp(0, -x),
    "Elementwise ``log(sigmoid(x))``, without overflow for large ``|x|``.", kinds="f")
defvjp(log_sigmoid_p, lambda g, y, x: g * sigmoid(negative(x)))

# erf(x) = 2/sqrt(pi) * exp(-x^2) * sum_n c_n x^(2n+1) with c_n = 2^n / (2n+1)!!: all
# terms positive (no cancellation), relative error < 2e-15 with 16|x| + 10 terms for
# |x| <= 6; beyond 6, erf is +-1 to double precision.
def _erf_terms(count):
    terms = [1.0]
    for n in range(1, count):
        terms.append(terms[-1] * 2 / (2 * n + 1))
    return terms


_ERF_TERMS = _erf_terms(107)
_TWO_OVER_SQRT_PI = 1.1283791670955126


def _erf(x):
    if x.dtype.kind != "f":
        _require(x, "f", "erf")
    z = x.astype(np.float64)  # a fresh array (also for rank 0), so in-place work is safe
    np.clip(z, -6.0, 6.0, out=z)
    top = float(np.max(np.abs(z))) if z.size else 0.0
    n = int(16 * top) + 10 if top == top else 106  # NaN: any count, the result is NaN
    y = np.square(z, out=np.empty_like(z))
    p = np.full_like(y, _ERF_TERMS[n])
    for c in _ERF_TERMS[n - 1::-1]:
        p *= y
        p += c
    np.negative(y, out=y)
    np.exp(y, out=y)
    p *= y
    p *= z
    p *= _TWO_OVER_SQRT_PI
    np.clip(p, -1.0, 1.0, out=p)
    return p.astype(x.dtype, copy=False)


erf_p, erf = _unary("erf", _erf, "Elementwise Gauss error function.")
defvjp(erf_p, lambda g, y, x: g * exp(negative(square(x))) * _TWO_OVER_SQRT_PI)

# -- rounding and sign (rounding has no gradient; sign's is zero, as in TensorFlow) ----
sign_p, sign = _unary("sign", np.sign, "Elementwise sign: -1, 0 or 1 (``x / |x|`` if complex).")
defvjp(sign_p, lambda g, y, x: zeros_like(g))

round_p, round = _unary("round", np.round, "Elementwise round, halves to even, as TensorFlow.")
rint = round
floor_p, floor = _float_unary("floor", np.floor, "Elementwise floor.", kinds="f")
ceil_p, ceil = _float_unary("ceil", np.ceil, "Elementwise ceiling.", kinds="f")

# -- comparison and logic (boolean results, not differentiable) ------------------------
equal_p, equal = _binary("equal", np.equal, "Elementwise ``x == y``.")
not_equal_p, not_equal = _binary("not_equal", np.not_equal, "Elementwise ``x != y``.")
greater_p, greater = _binary("greater", np.greater, "Elementwise ``x > y``.")
greater_equal_p, greater_equal = _binary("greater_equal", np.greater_equal,
                                         "Elementwise ``x >= y``.")
less_p, less = _binary("less", np.less, "Elementwise ``x < y``.")
less_equal_p, less_equal = _binary("less_equal", np.less_equal, "Elementwise ``x <= y``.")


def _bool(x, op):
    x = as_tensor(x)
    if x._value.dtype.kind != "b":
        raise InvalidTypeError(f"{op} expects boolean tensors, got {x.dtype.name}: compare "
                               f"first (e.g. x > 0) or cast to ndflow.bool [Op:{op}]")
    return x


def _logical(name, forward, doc):
    prim = primitive(name, forward, _explain)

    def op(x, y, name=None):
        return bind(prim, _bool(x, prim.name), _bool(y, prim.name))

    op.__name__ = op.__qualname__ = prim.name
    op.__doc__ = doc
    return prim, op


logical_and_p, logical_and = _logical("logical_and", np.logical_and, "Elementwise AND.")
logical_or_p, logical_or = _logical("logical_or", np.logical_or, "Elementwise OR.")
logical_xor_p, logical_xor = _logical("logical_xor", np.logical_xor, "Elementwise XOR.")
logical_not_p = primitive("logical_not", np.logical_not)


def logical_not(x, name=None):
    """Elementwise NOT of a boolean tensor."""
    return bind(logical_not_p, _bool(x, "logical_not"))


is_nan_p, is_nan = _float_unary("is_nan", np.isnan, "Elementwise test for NaN.", kinds="f")
is_inf_p, is_inf = _float_unary("is_inf", np.isinf, "Elementwise test for +/- infinity.",
                                kinds="f")
is_finite_p, is_finite = _float_unary("is_finite", np.isfinite,
                                      "Elementwise test for finite values.", kinds="f")

# -- complex numbers -----------------------------------------------------------------
# TensorFlow's gradients: real -> complex(g, 0), imag -> complex(0, g), conj -> conj(g),
# complex(re, im) -> (real(g), imag(g)); real inputs pass through real/conj unchanged.
real_p = primitive("real", np.real)
defvjp(real_p, lambda g, y, x: complex(g, zeros_like(g)))

imag_p = primitive("imag", np.imag)
defvjp(imag_p, lambda g, y, x: complex(zeros_like(g), g))

conj_p = primitive("conj", np.conj)
defvjp(conj_p, lambda g, y, x: conj(g))


def real(input, name=None):
    """Real part of a complex tensor (a real tensor is returned unchanged)."""
    x = as_tensor(input)
    return bind(real_p, x) if x._value.dtype.kind == "c" else x


def imag(input, name=None):
    """Imaginary part of a complex tensor (zeros for a real tensor)."""
    x = as_tensor(input)
    return bind(imag_p, x) if x._value.dtype.kind == "c" else zeros_like(x)


def conj(x, name=None):
    """Complex conjugate (a real tensor is returned unchanged)."""
    x = as_tensor(x)
    return bind(conj_p, x) if x._value.dtype.kind == "c" else x


def _complex_forward(re, im):
    if re.dtype.kind != "f" or re.dtype.itemsize < 4:
        raise _DTypeError(f"complex expects float32 or float64 parts, got {re.dtype}")
    out = re + 1j * im
    return out.astype(np.complex128 if re.dtype.itemsize == 8 else np.complex64, copy=False)


complex_p = primitive("complex", _complex_forward, _explain)
defvjp(complex_p, lambda g, y, a, b: real(g), lambda g, y, a, b: imag(g))


def complex(real, imag, name=None):  # noqa: A001 - TensorFlow's name
    """Build a complex tensor from float ``real`` and ``imag`` parts."""
    re, im = promote(real, imag, "complex")
    return bind(complex_p, re, im)


def angle(input, name=None):
    """Argument (phase) of a complex tensor in radians; 0 or pi for a real one."""
    x = as_tensor(input)
    if x._value.dtype.kind != "c":
        return atan2(zeros_like(x), x)
    return atan2(imag(x), real(x))


# -- selection -----------------------------------------------------------------------
where_p = primitive("where", np.where, _explain)
defvjp(where_p, None,
       lambda g, y, c, a, b: _select(c, g, zeros_like(g)),
       lambda g, y, c, a, b: _select(c, zeros_like(g), g))

argwhere_p = primitive("argwhere", lambda c: np.argwhere(c).astype(np.int64, copy=False))


def where(condition, x=None, y=None, name=None):
    """Choose ``x`` where ``condition`` is true, else ``y`` (broadcasting all three).

    With only ``condition``, return the int64 coordinates of its true (nonzero)
    elements, shape ``(num_true, rank)``, as TensorFlow does.
    """
    if x is None and y is None:
        return bind(argwhere_p, condition)
    if x is None or y is None:
        raise ValueError("where: x and y must both be given, or neither")
    cond = as_tensor(condition)
    if cond._value.dtype.kind != "b":
        raise InvalidTypeError(f"where: condition must be boolean, got {cond.dtype.name}")
    x, y = promote(x, y, "where")
    return bind(where_p, cond, x, y)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """Clip values to ``[clip_value_min, clip_value_max]``; gradient zero outside."""
    return minimum(maximum(t, clip_value_min), clip_value_max)


# -- safe division and logarithms ----------------------------------------------------
def _masked_divide(x, y, zero_where):
    safe = np.where(zero_where, np.ones_like(y), y)
    return np.where(zero_where, np.zeros_like(x), x / safe)


def _divide_no_nan(x, y):
    if x.dtype.kind not in "fc":
        _require(x, "fc", "divide_no_nan")
    return _masked_divide(x, y, y == 0)


divide_no_nan_p, divide_no_nan = _binary(
    "divide_no_nan", _divide_no_nan, "Elementwise ``x / y``, but 0 where ``y`` is 0.")
defvjp(divide_no_nan_p, *_holo(
    lambda g, y, a, b: divide_no_nan(g, b),
    lambda g, y, a, b: g * divide_no_nan(divide_no_nan(negative(a), b), b)))


def _multiply_no_nan(x, y):
    if x.dtype.kind not in "fc":
        _require(x, "fc", "multiply_no_nan")
    return np.where(y == 0, np.zeros_like(x), x * y)


multiply_no_nan_p, multiply_no_nan = _binary(
    "multiply_no_nan", _multiply_no_nan,
    "Elementwise ``x * y``, but 0 where ``y`` is 0 even if ``x`` is NaN or infinite.")
defvjp(multiply_no_nan_p, *_holo(lambda g, y, a, b: multiply_no_nan(g, b),
                                 lambda g, y, a, b: multiply_no_nan(a, g)))


def _xlogy(x, y):
    if x.dtype.kind not in "fc":
        _require(x, "fc", "xlogy")
    zero = x == 0
    return np.where(zero, np.zeros_like(x), x * np.log(np.where(zero, np.ones_like(y), y)))


# d/dx is log(y) and d/dy is x / y, both taken as 0 where x == 0.
xlogy_p, xlogy = _binary("xlogy", _xlogy, "Elementwise ``x * log(y)``, but 0 where ``x`` is 0.")
defvjp(xlogy_p, *_holo(lambda g, y, a, b: g * xlogy(cast(not_equal(a, 0), a.dtype), b),
                       lambda g, y, a, b: g * xdivy(a, b)))


def _xdivy(x, y):
    if x.dtype.kind not in "fc":
        _require(x, "fc", "xdivy")
    return _masked_divide(x, y, x == 0)


# d/dx is 1 / y and d/dy is -x / y**2, both taken as 0 where x == 0.
xdivy_p, xdivy = _binary("xdivy", _xdivy, "Elementwise ``x / y``, but 0 where ``x`` is 0.")
defvjp(xdivy_p, *_holo(lambda g, y, a, b: g * xdivy(cast(not_equal(a, 0), a.dtype), b),
                       lambda g, y, a, b: g * xdivy(negative(a), b * b)))


# -- constants shaped like a tensor (no gradient) ------------------------------------
zeros_like_p = primitive("zeros_like", lambda x, dtype: np.zeros_like(x, dtype=dtype))
ones_like_p = primitive("ones_like", lambda x, dtype: np.ones_like(x, dtype=dtype))


def zeros_like(input, dtype=None, name=None):
    """A tensor of zeros with the shape (and dtype, unless given) of ``input``."""
    return bind(zeros_like_p, input, dtype=None if dtype is None else to_np_dtype(dtype))


def ones_like(input, dtype=None, name=None):
    """A tensor of ones with the shape (and dtype, unless given) of ``input``."""
    return bind(ones_like_p, input, dtype=None if dtype is None else to_np_dtype(dtype))

