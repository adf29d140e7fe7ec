"""NumPy-like ops of ``keras.ops`` (``keras.ops.numpy``) on ndflow tensors.

>>> from ndflow.keras import ops
>>> ops.mean(ops.square([[1.0, 2.0], [3.0, 4.0]]), axis=0).numpy()
array([ 5., 10.], dtype=float32)

NumPy's names and arguments (``axis``, ``keepdims``), with Keras 3's dtype rules: float
math on integers or booleans gives ``floatx()`` (``sqrt``, ``exp``, ``divide``, ``std``
...), ``mean`` of integers gives float32, sums of booleans and narrow integers give int32,
index results (``argmax``, ``argsort`` ...) are int32, new tensors are ``floatx()`` unless
a dtype is given. Every function
is an ndflow op or a composition of them, so gradients, to any order, come from their
rules.
"""

import builtins
import math as _pymath

import numpy as np

from ndflow.backend.config import floatx
from ndflow.backend.xp import array_module
from ndflow.core.convert import convert_to_tensor
from ndflow.core.errors import InvalidArgumentError, shape_str
from ndflow.core.tensor import Tensor
from ndflow.ops import array as _array
from ndflow.ops import creation as _creation
from ndflow.ops import linalg as _linalg
from ndflow.ops import math as _math
from ndflow.ops import reduction as _reduction
from ndflow.ops._operands import normalize_axis, promote
from ndflow.ops.cast import cast

__all__ = [
    "abs", "absolute", "add", "all", "amax", "amin", "any", "append", "arange", "arccos",
    "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh", "argmax", "argmin",
    "argsort", "array", "average", "bincount", "broadcast_to", "ceil", "clip", "concatenate",
    "conj", "conjugate", "copy", "cos", "cosh", "count_nonzero", "cross", "cumprod", "cumsum",
    "deg2rad", "diag", "diagonal", "diff", "digitize", "divide", "divide_no_nan", "dot",
    "einsum", "empty", "equal", "exp", "exp2", "expand_dims", "expm1", "eye", "flip", "floor",
    "floor_divide", "full", "full_like", "get_item", "greater", "greater_equal", "heaviside",
    "hstack", "hypot", "identity", "imag", "inner", "isclose", "isfinite", "isinf", "isnan",
    "less", "less_equal", "linspace", "log", "log10", "log1p", "log2", "logaddexp",
    "logical_and", "logical_not", "logical_or", "logical_xor", "logspace", "matmul", "max",
    "maximum", "mean", "median", "meshgrid", "min", "minimum", "mod", "moveaxis", "multiply",
    "nan_to_num", "ndim", "negative", "nonzero", "not_equal", "ones", "ones_like", "outer",
    "pad", "power", "prod", "rad2deg", "ravel", "real", "reciprocal", "repeat", "reshape",
    "roll", "round", "searchsorted", "select", "sign", "sin", "sinh", "size", "sort", "split",
    "sqrt", "square", "squeeze", "stack", "std", "subtract", "sum", "swapaxes", "take",
    "take_along_axis", "tan", "tanh", "tensordot", "tile", "trace", "transpose", "tri", "tril",
    "triu", "true_divide", "trunc", "var", "vdot", "vstack", "where", "zeros", "zeros_like",
]

_INT32 = np.dtype(np.int32)
# Keras sums (and multiplies) booleans and narrow integers in a wider type.
_WIDER = {np.dtype(np.bool_): "int32", np.dtype(np.int8): "int32", np.dtype(np.int16): "int32",
          np.dtype(np.uint8): "uint32", np.dtype(np.uint16): "uint32"}
_ALL = builtins.slice(None)


# -- operands --------------------------------------------------------------------------
def _t(x):
    """``x`` as a tensor (a tensor or Variable stays itself, so gradients reach it)."""
    return x if isinstance(x, Tensor) else convert_to_tensor(x)


def _floating(x):
    """``x`` as a tensor; integers and booleans become ``floatx()``, as Keras does for
    float math."""
    x = _t(x)
    return cast(x, floatx()) if x._value.dtype.kind in "biu" else x


def _float32_if_integer(x):
    """``x`` as a tensor; integers and booleans become float32 (as Keras's ``mean``)."""
    x = _t(x)
    return cast(x, "float32") if x._value.dtype.kind in "biu" else x


def _widened(x):
    target = _WIDER.get(x._value.dtype)
    return x if target is None else cast(x, target)


def _bool(x):
    x = _t(x)
    return x if x._value.dtype.kind == "b" else cast(x, "bool")


def _pair(x1, x2, op):
    """Two operands promoted to one dtype, as tensors (weak Python scalars follow the other)."""
    a, b = promote(x1, x2, op)
    return _t(a), _t(b)


def _float_pair(x1, x2, op):
    a, b = _pair(x1, x2, op)
    if a._value.dtype.kind in "biu":
        a, b = cast(a, floatx()), cast(b, floatx())
    return a, b


def _ints(value):
    """A tuple of Python ints from an int, a sequence or a tensor."""
    if isinstance(value, Tensor):
        value = value.numpy().tolist()
    if isinstance(value, (int, np.integer)):
        return (int(value),)
    return tuple(int(v) for v in value)


def _axis_key(axis, index):
    """The indexing key that applies ``index`` (a slice or int) along ``axis``."""
    return (_ALL,) * axis + (index,)


def _flat(x):
    return _array.reshape(x, (-1,))


def _named(fn, name, doc):
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


def _float_unary(op, name, doc):
    return _named(lambda x: op(_floating(x)), name, doc)


def _binary(op, name, doc):
    return _named(lambda x1, x2: op(x1, x2), name, doc)


# -- elementwise: float math (integers and booleans become floatx) ----------------------
arccos = _float_unary(_math.acos, "arccos", "Elementwise inverse cosine.")
arccosh = _float_unary(_math.acosh, "arccosh", "Elementwise inverse hyperbolic cosine.")
arcsin = _float_unary(_math.asin, "arcsin", "Elementwise inverse sine.")
arcsinh = _float_unary(_math.asinh, "arcsinh", "Elementwise inverse hyperbolic sine.")
arctan = _float_unary(_math.atan, "arctan", "Elementwise inverse tangent.")
arctanh = _float_unary(_math.atanh, "arctanh", "Elementwise inverse hyperbolic tangent.")
cos = _float_unary(_math.cos, "cos", "Elementwise cosine.")
cosh = _float_unary(_math.cosh, "cosh", "Elementwise hyperbolic cosine.")
exp = _float_unary(_math.exp, "exp", "Elementwise natural exponential.")
expm1 = _float_unary(_math.expm1, "expm1", "Elementwise ``exp(x) - 1``, accurate for small x.")
log = _float_unary(_math.log, "log", "Elementwise natural logarithm.")
log1p = _float_unary(_math.log1p, "log1p", "Elementwise ``log(1 + x)``, accurate for small x.")
sin = _float_unary(_math.sin, "sin", "Elementwise sine.")
sinh = _float_unary(_math.sinh, "sinh", "Elementwise hyperbolic sine.")
sqrt = _float_unary(_math.sqrt, "sqrt", "Elementwise square root.")
tan = _float_unary(_math.tan, "tan", "Elementwise tangent.")
tanh = _float_unary(_math.tanh, "tanh", "Elementwise hyperbolic tangent.")
ceil = _float_unary(_math.ceil, "ceil", "Elementwise ceiling (as floats, as in Keras).")
floor = _float_unary(_math.floor, "floor", "Elementwise floor (as floats, as in Keras).")
reciprocal = _float_unary(_math.reciprocal, "reciprocal", "Elementwise ``1 / x``.")

_LN10, _LN2 = _pymath.log(10.0), _pymath.log(2.0)


def log10(x):
    """Elementwise base-10 logarithm."""
    return _math.log(_floating(x)) * (1.0 / _LN10)


def log2(x):
    """Elementwise base-2 logarithm."""
    return _math.log(_floating(x)) * (1.0 / _LN2)


def exp2(x):
    """Elementwise ``2 ** x``."""
    return _math.exp(_floating(x) * _LN2)


def deg2rad(x):
    """Convert angles from degrees to radians."""
    return _floating(x) * (_pymath.pi / 180.0)


def rad2deg(x):
    """Convert angles from radians to degrees."""
    return _floating(x) * (180.0 / _pymath.pi)


def trunc(x):
    """Elementwise rounding toward zero (integers are returned unchanged)."""
    x = _t(x)
    if x._value.dtype.kind in "biu":
        return x
    return _math.where(_math.less(x, 0), _math.ceil(x), _math.floor(x))


def round(x, decimals=0):
    """Round to ``decimals`` decimal places (halves to even, as NumPy)."""
    x = _t(x)
    if decimals == 0:
        return _math.round(x)
    scale = 10.0 ** decimals
    if x._value.dtype.kind in "biu":
        if decimals > 0:
            return x
        return cast(_math.round(cast(x, "float64") * scale) / scale, x.dtype)
    return _math.round(x * scale) / scale


# -- elementwise: dtype-preserving unary ops -------------------------------------------
def abs(x):
    """Elementwise absolute value (modulus for complex)."""
    return _math.abs(_t(x))


absolute = _named(lambda x: _math.abs(_t(x)), "absolute", "Alias of ``abs``.")


def negative(x):
    """Elementwise ``-x``."""
    return _math.negative(_t(x))


def sign(x):
    """Elementwise sign: -1, 0 or 1."""
    return _math.sign(_t(x))


def square(x):
    """Elementwise ``x ** 2`` (booleans become int32)."""
    x = _t(x)
    if x._value.dtype.kind == "b":
        x = cast(x, _INT32)
    return _math.square(x)


def conj(x):
    """Complex conjugate (a real tensor is returned unchanged)."""
    return _math.conj(x)


conjugate = _named(lambda x: _math.conj(x), "conjugate", "Alias of ``conj``.")


def real(x):
    """Real part of a complex tensor."""
    return _math.real(x)


def imag(x):
    """Imaginary part of a complex tensor (zeros for a real tensor)."""
    return _math.imag(x)


def copy(x):
    """A tensor with the same value."""
    return _array.identity(_t(x))


def _elementwise_test(x, float_test, combine, integer_answer):
    x = _t(x)
    kind = x._value.dtype.kind
    if kind in "biu":
        return (_math.ones_like if integer_answer else _math.zeros_like)(x, dtype="bool")
    if kind == "c":
        return combine(float_test(_math.real(x)), float_test(_math.imag(x)))
    return float_test(x)


def isfinite(x):
    """Elementwise test for finite values (always true for integers)."""
    return _elementwise_test(x, _math.is_finite, _math.logical_and, True)


def isinf(x):
    """Elementwise test for positive or negative infinity."""
    return _elementwise_test(x, _math.is_inf, _math.logical_or, False)


def isnan(x):
    """Elementwise test for NaN."""
    return _elementwise_test(x, _math.is_nan, _math.logical_or, False)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replace NaN by ``nan`` and infinities by ``posinf`` / ``neginf`` (default: the
    largest and smallest finite values of the dtype)."""
    x = _t(x)
    if x._value.dtype.kind != "f":
        return x
    info = np.finfo(x._value.dtype)
    posinf = float(info.max) if posinf is None else posinf
    neginf = float(info.min) if neginf is None else neginf
    x = _math.where(_math.is_nan(x), nan, x)
    x = _math.where(_math.equal(x, np.inf), posinf, x)
    return _math.where(_math.equal(x, -np.inf), neginf, x)


# -- elementwise: binary ops -----------------------------------------------------------
add = _binary(_math.add, "add", "Elementwise ``x1 + x2`` with broadcasting.")
subtract = _binary(_math.subtract, "subtract", "Elementwise ``x1 - x2``.")
multiply = _binary(_math.multiply, "multiply", "Elementwise ``x1 * x2``.")
maximum = _binary(_math.maximum, "maximum", "Elementwise maximum.")
minimum = _binary(_math.minimum, "minimum", "Elementwise minimum.")
power = _binary(_math.pow, "power", "Elementwise ``x1 ** x2``.")
mod = _binary(_math.mod, "mod", "Elementwise remainder with the sign of ``x2``.")
floor_divide = _binary(_math.floordiv, "floor_divide",
                       "Elementwise ``x1 // x2`` (rounds toward negative infinity).")
equal = _binary(_math.equal, "equal", "Elementwise ``x1 == x2``.")
not_equal = _binary(_math.not_equal, "not_equal", "Elementwise ``x1 != x2``.")
greater = _binary(_math.greater, "greater", "Elementwise ``x1 > x2``.")
greater_equal = _binary(_math.greater_equal, "greater_equal", "Elementwise ``x1 >= x2``.")
less = _binary(_math.less, "less", "Elementwise ``x1 < x2``.")
less_equal = _binary(_math.less_equal, "less_equal", "Elementwise ``x1 <= x2``.")


def divide(x1, x2):
    """Elementwise true division ``x1 / x2`` (integers give ``floatx()``, as in Keras)."""
    return _math.divide(*_float_pair(x1, x2, "divide"))


true_divide = _named(lambda x1, x2: divide(x1, x2), "true_divide", "Alias of ``divide``.")


def divide_no_nan(x1, x2):
    """Elementwise ``x1 / x2``, but 0 where ``x2`` is 0."""
    return _math.divide_no_nan(*_float_pair(x1, x2, "divide_no_nan"))


def arctan2(x1, x2):
    """Elementwise angle of the point ``(x2, x1)`` from the x axis, in ``[-pi, pi]``."""
    return _math.atan2(*_float_pair(x1, x2, "arctan2"))


def hypot(x1, x2):
    """Elementwise ``sqrt(x1 ** 2 + x2 ** 2)``."""
    a, b = _float_pair(x1, x2, "hypot")
    return _math.sqrt(a * a + b * b)


def logaddexp(x1, x2):
    """Elementwise ``log(exp(x1) + exp(x2))``, without overflow."""
    a, b = _float_pair(x1, x2, "logaddexp")
    shape = np.broadcast_shapes(tuple(a.shape), tuple(b.shape))
    pair = _array.stack([_array.broadcast_to(a, shape), _array.broadcast_to(b, shape)])
    return _reduction.reduce_logsumexp(pair, axis=0)


def heaviside(x1, x2):
    """Heaviside step: 0 where ``x1 < 0``, 1 where ``x1 > 0``, ``x2`` where ``x1 == 0``."""
    a, b = _float_pair(x1, x2, "heaviside")
    step = _math.where(_math.greater(a, 0), _math.ones_like(a), _math.zeros_like(a))
    return _math.where(_math.equal(a, 0), b, step)


def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Elementwise ``|x1 - x2| <= atol + rtol * |x2|``, as ``np.isclose``."""
    a, b = _float_pair(x1, x2, "isclose")
    close = _math.less_equal(_math.abs(a - b), atol + rtol * _math.abs(b))
    close = _math.logical_and(close, _math.logical_and(isfinite(a), isfinite(b)))
    close = _math.logical_or(close, _math.equal(a, b))  # equal infinities
    if equal_nan:
        close = _math.logical_or(close, _math.logical_and(isnan(a), isnan(b)))
    return close


def logical_and(x1, x2):
    """Elementwise AND (non-boolean inputs count as true where nonzero)."""
    return _math.logical_and(_bool(x1), _bool(x2))


def logical_or(x1, x2):
    """Elementwise OR (non-boolean inputs count as true where nonzero)."""
    return _math.logical_or(_bool(x1), _bool(x2))


def logical_xor(x1, x2):
    """Elementwise XOR (non-boolean inputs count as true where nonzero)."""
    return _math.logical_xor(_bool(x1), _bool(x2))


def logical_not(x):
    """Elementwise NOT (non-boolean inputs count as true where nonzero)."""
    return _math.logical_not(_bool(x))


def clip(x, x_min, x_max):
    """Clip values to ``[x_min, x_max]`` (booleans become int32); gradient zero outside."""
    x = _t(x)
    if x._value.dtype.kind == "b":
        x = cast(x, _INT32)
    return _math.clip_by_value(x, x_min, x_max)


def where(condition, x1=None, x2=None):
    """``x1`` where ``condition`` is true, else ``x2``; with only ``condition``, the
    indices of its nonzero elements (as ``nonzero``)."""
    if x1 is None and x2 is None:
        return nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError("where: give both x1 and x2, or neither")
    return _math.where(_bool(condition), x1, x2)


def nonzero(x):
    """A tuple of int32 index tensors, one per dimension, of the nonzero elements."""
    x = _bool(x)
    coords = cast(_math.where(x), _INT32)
    return tuple(coords[:, i] for i in range(x.ndim))


def select(condlist, choicelist, default=0):
    """``choicelist[i]`` where ``condlist[i]`` is the first true condition, else
    ``default``."""
    if len(condlist) != len(choicelist):
        raise ValueError(f"select: condlist and choicelist must have the same length, got "
                         f"{len(condlist)} and {len(choicelist)}")
    if not len(condlist):
        raise ValueError("select: condlist must not be empty")
    out = default
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        out = _math.where(_bool(cond), choice, out)
    return out


# -- reductions ------------------------------------------------------------------------
def sum(x, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes when None); booleans and small integers sum as int32."""
    return _reduction.reduce_sum(_widened(_t(x)), axis, keepdims)


def prod(x, axis=None, keepdims=False, dtype=None):
    """Product over ``axis`` (all axes when None)."""
    x = _t(x)
    x = _widened(x) if dtype is None else cast(x, dtype)
    return _reduction.reduce_prod(x, axis, keepdims)


def mean(x, axis=None, keepdims=False):
    """Mean over ``axis`` (all axes when None); integers give float32.

    >>> mean([[1.0, 2.0], [3.0, 4.0]], axis=0).numpy()
    array([2., 3.], dtype=float32)
    """
    x = x if isinstance(x, Tensor) and x._value.dtype.kind in "fc" else _float32_if_integer(x)
    return _reduction.reduce_mean(x, axis, keepdims)


def var(x, axis=None, keepdims=False):
    """Population variance over ``axis``; integers give ``floatx()``."""
    return _reduction.reduce_variance(_floating(x), axis, keepdims)


def std(x, axis=None, keepdims=False):
    """Population standard deviation over ``axis``; integers give ``floatx()``."""
    return _reduction.reduce_std(_floating(x), axis, keepdims)


def max(x, axis=None, keepdims=False, initial=None):
    """Maximum over ``axis``, at least ``initial`` when given."""
    out = _reduction.reduce_max(_t(x), axis, keepdims)
    return out if initial is None else _math.maximum(out, initial)


def min(x, axis=None, keepdims=False, initial=None):
    """Minimum over ``axis``, at most ``initial`` when given."""
    out = _reduction.reduce_min(_t(x), axis, keepdims)
    return out if initial is None else _math.minimum(out, initial)


amax = _named(lambda x, axis=None, keepdims=False: max(x, axis, keepdims), "amax",
              "Alias of ``max``.")
amin = _named(lambda x, axis=None, keepdims=False: min(x, axis, keepdims), "amin",
              "Alias of ``min``.")


def all(x, axis=None, keepdims=False):
    """Whether every element over ``axis`` is true (nonzero)."""
    return _reduction.reduce_all(_bool(x), axis, keepdims)


def any(x, axis=None, keepdims=False):
    """Whether some element over ``axis`` is true (nonzero)."""
    return _reduction.reduce_any(_bool(x), axis, keepdims)


def count_nonzero(x, axis=None):
    """Number of nonzero elements over ``axis``, as int32."""
    return _reduction.count_nonzero(_t(x), axis, dtype=_INT32)


def average(x, axis=None, weights=None):
    """Weighted mean over ``axis``; ``weights`` has the shape of ``x``, or is 1-D along
    ``axis``."""
    x = _floating(x)
    if weights is None:
        return mean(x, axis)
    x, w = _pair(x, weights, "average")
    if tuple(w.shape) != tuple(x.shape):
        if axis is None or w.ndim != 1:
            raise InvalidArgumentError(
                f"average: weights of shape {shape_str(w.shape)} differ from x's shape "
                f"{shape_str(x.shape)}; give 1-D weights and the axis they lie along")
        a = normalize_axis(axis, x.ndim, "average")
        if w.shape[0] != x.shape[a]:
            raise InvalidArgumentError(f"average: {w.shape[0]} weights for axis {a} of "
                                       f"length {x.shape[a]}")
        w = _array.broadcast_to(_array.reshape(w, [-1 if i == a else 1 for i in range(x.ndim)]),
                                tuple(x.shape))
    return _reduction.reduce_sum(x * w, axis) / _reduction.reduce_sum(w, axis)


def median(x, axis=None, keepdims=False):
    """Median over ``axis`` (all axes when None); the mean of the two middle values for
    an even count."""
    x = _floating(x)
    shape = tuple(x.shape)
    if axis is None:
        y, a = _flat(x), 0
    else:
        a = normalize_axis(axis, x.ndim, "median")
        y = x
    n = y.shape[a]
    if n == 0:
        raise InvalidArgumentError("median: the reduction axis is empty")
    middle = _reduction.sort(y, axis=a)[_axis_key(a, builtins.slice((n - 1) // 2, n // 2 + 1))]
    out = _reduction.reduce_mean(middle, a, keepdims=keepdims)
    if axis is None and keepdims:
        out = _array.reshape(out, (1,) * len(shape))
    return out


def _arg_reduce(op, x, axis, keepdims):
    x = _t(x)
    if x._value.dtype.kind == "b":
        x = cast(x, _INT32)
    if axis is None:
        out = op(_flat(x), 0, output_type=_INT32)
        return _array.reshape(out, (1,) * x.ndim) if keepdims else out
    out = op(x, axis, output_type=_INT32)
    return _array.expand_dims(out, axis) if keepdims else out


def argmax(x, axis=None, keepdims=False):
    """Int32 index of the largest value along ``axis`` (of the flattened tensor if None)."""
    return _arg_reduce(_reduction.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    """Int32 index of the smallest value along ``axis`` (of the flattened tensor if None)."""
    return _arg_reduce(_reduction.argmin, x, axis, keepdims)


def argsort(x, axis=-1):
    """Int32 indices that sort ``x`` along ``axis`` (the flattened tensor if None)."""
    x = _t(x)
    if axis is None:
        x, axis = _flat(x), 0
    return _reduction.argsort(x, axis, stable=True)


def sort(x, axis=-1):
    """Sorted copy along ``axis`` (the flattened tensor if None)."""
    x = _t(x)
    if axis is None:
        x, axis = _flat(x), 0
    return _reduction.sort(x, axis)


def _cumulative(op, x, axis, dtype):
    x = _t(x)
    if dtype is not None:
        x = cast(x, dtype)
    elif x._value.dtype.kind == "b":
        x = cast(x, _INT32)
    if axis is None:
        x, axis = _flat(x), 0
    return op(x, axis)


def cumsum(x, axis=None, dtype=None):
    """Cumulative sum along ``axis`` (of the flattened tensor if None)."""
    return _cumulative(_reduction.cumsum, x, axis, dtype)


def cumprod(x, axis=None, dtype=None):
    """Cumulative product along ``axis`` (of the flattened tensor if None)."""
    return _cumulative(_reduction.cumprod, x, axis, dtype)


# -- shapes and layout -----------------------------------------------------------------
def ndim(x):
    """The number of dimensions, as a Python int."""
    return x.ndim if isinstance(x, Tensor) else np.ndim(x)


def size(x):
    """The number of elements, as a scalar int32 tensor."""
    return _array.size(x)


def reshape(x, newshape):
    """Give ``x`` a new shape with as many elements; one dimension may be -1."""
    return _array.reshape(_t(x), newshape)


def ravel(x):
    """``x`` flattened to one dimension."""
    return _flat(_t(x))


def transpose(x, axes=None):
    """Permute the dimensions (reverse them when ``axes`` is None)."""
    return _array.transpose(_t(x), axes)


def _axis_list(axis, rank, op):
    return [normalize_axis(a, rank, op) for a in _ints(axis)]


def moveaxis(x, source, destination):
    """Move the axes ``source`` to the positions ``destination``, keeping the others in
    order."""
    x = _t(x)
    src = _axis_list(source, x.ndim, "moveaxis")
    dst = _axis_list(destination, x.ndim, "moveaxis")
    if len(src) != len(dst) or len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise InvalidArgumentError(f"moveaxis: source {source} and destination {destination} "
                                   f"must name as many distinct axes")
    order = [i for i in range(x.ndim) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return _array.transpose(x, order)


def swapaxes(x, axis1, axis2):
    """Exchange two axes."""
    x = _t(x)
    perm = list(range(x.ndim))
    a = normalize_axis(axis1, x.ndim, "swapaxes")
    b = normalize_axis(axis2, x.ndim, "swapaxes")
    perm[a], perm[b] = perm[b], perm[a]
    return _array.transpose(x, perm)


def expand_dims(x, axis):
    """Insert dimensions of size 1 at ``axis`` (an int or a tuple of ints)."""
    x = _t(x)
    axes = _ints(axis)
    rank = x.ndim + len(axes)
    where_ = sorted(normalize_axis(a, rank, "expand_dims") for a in axes)
    if len(set(where_)) != len(where_):
        raise InvalidArgumentError(f"expand_dims: axis {axis} repeats a dimension")
    shape = list(x.shape)
    for a in where_:
        shape.insert(a, 1)
    return _array.reshape(x, shape)


def squeeze(x, axis=None):
    """Remove dimensions of size 1 (only those in ``axis`` when given)."""
    return _array.squeeze(_t(x), axis)


def broadcast_to(x, shape):
    """Broadcast ``x`` to ``shape`` (NumPy rules)."""
    return _array.broadcast_to(_t(x), _ints(shape))


def flip(x, axis=None):
    """Reverse the order of elements along ``axis`` (all axes when None)."""
    x = _t(x)
    axes = tuple(range(x.ndim)) if axis is None else _ints(axis)
    return _array.reverse(x, axes) if axes else x


def roll(x, shift, axis=None):
    """Shift elements along ``axis`` with wrap-around (of the flattened tensor if None)."""
    x = _t(x)
    if axis is None:
        return _array.reshape(_array.roll(_flat(x), shift, 0), tuple(x.shape))
    axes, shifts = _ints(axis), _ints(shift)
    if len(shifts) == 1 and len(axes) > 1:
        shifts = shifts * len(axes)
    return _array.roll(x, list(shifts), list(axes))


def repeat(x, repeats, axis=None):
    """Repeat each element ``repeats`` times along ``axis`` (flattened if None)."""
    return _array.repeat(_t(x), repeats, axis)


def tile(x, repeats):
    """Repeat the whole tensor ``repeats[i]`` times along dimension ``i`` (NumPy rules
    when ``repeats`` and ``x`` differ in length)."""
    x = _t(x)
    reps = _ints(repeats)
    if len(reps) < x.ndim:
        reps = (1,) * (x.ndim - len(reps)) + reps
    elif len(reps) > x.ndim:
        x = _array.reshape(x, (1,) * (len(reps) - x.ndim) + tuple(x.shape))
    return _array.tile(x, reps)


def concatenate(xs, axis=0):
    """Join tensors along an existing ``axis`` (flattened first if None)."""
    if axis is None:
        return _array.concat([_flat(_t(x)) for x in xs], 0)
    return _array.concat(list(xs), axis)


def append(x1, x2, axis=None):
    """``x2`` appended to ``x1`` along ``axis`` (both flattened if None)."""
    return concatenate([x1, x2], axis)


def stack(x, axis=0):
    """Stack same-shaped tensors along a new ``axis``."""
    return _array.stack(list(x), axis)


def _at_least(x, rank):
    x = _t(x)
    if x.ndim >= rank:
        return x
    if rank == 2 and x.ndim == 1:
        return _array.reshape(x, (1, x.shape[0]))
    return _array.reshape(x, (1,) * (rank - x.ndim) + tuple(x.shape))


def hstack(xs):
    """Join tensors column-wise (along axis 1, or axis 0 for 1-D tensors)."""
    xs = [_at_least(x, 1) for x in xs]
    return _array.concat(xs, 0 if xs[0].ndim == 1 else 1)


def vstack(xs):
    """Join tensors row-wise (1-D tensors become rows)."""
    return _array.concat([_at_least(x, 2) for x in xs], 0)


def split(x, indices_or_sections, axis=0):
    """Split along ``axis`` into equal sections (an int) or at the given indices (a list),
    as ``np.split``."""
    x = _t(x)
    a = normalize_axis(axis, x.ndim, "split")
    n = x.shape[a]
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        if k <= 0 or n % k:
            raise InvalidArgumentError(f"split: {k} sections do not divide axis {a} of shape "
                                       f"{shape_str(x.shape)} (length {n}) equally")
        return _array.split(x, k, axis=a)
    bounds = [0, *_ints(indices_or_sections), n]
    return [x[_axis_key(a, builtins.slice(b, e))] for b, e in zip(bounds[:-1], bounds[1:])]


_NATIVE_PADS = {"constant": "CONSTANT", "reflect": "REFLECT", "symmetric": "SYMMETRIC"}
_GATHER_PADS = ("edge", "wrap")


def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad ``x`` with ``pad_width`` values (NumPy's forms: n, (before, after), or one pair
    per axis); ``mode``: 'constant', 'edge', 'reflect', 'symmetric' or 'wrap'."""
    x = _t(x)
    try:
        widths = np.broadcast_to(np.asarray(pad_width), (x.ndim, 2))
    except ValueError:
        raise InvalidArgumentError(f"pad: pad_width {pad_width!r} does not fit a tensor of "
                                   f"rank {x.ndim}; give n, (before, after), or "
                                   f"{x.ndim} pairs") from None
    mode = str(mode).lower()
    if constant_values is not None and mode != "constant":
        raise ValueError(f"pad: constant_values can only be given with mode='constant', got "
                         f"mode={mode!r}")
    if mode in _NATIVE_PADS:
        return _array.pad(x, widths.tolist(), mode=_NATIVE_PADS[mode],
                          constant_values=0 if constant_values is None else constant_values)
    if mode not in _GATHER_PADS:
        raise InvalidArgumentError(f"pad: mode must be one of "
                                   f"{sorted([*_NATIVE_PADS, *_GATHER_PADS])}, got {mode!r}")
    xp = array_module(x._value)
    for axis, (before, after) in enumerate(widths.tolist()):
        if before or after:
            idx = np.pad(np.arange(x.shape[axis]), (before, after), mode=mode)
            x = _array.gather(x, xp.asarray(idx), axis=axis)
    return x


def _indices(indices, n):
    """Integer indices with negative ones counted from the end (``n`` the axis length)."""
    idx = _t(indices)
    kind = idx._value.dtype.kind
    if kind not in "iu":
        idx = cast(idx, _INT32)
    if kind == "u":
        return idx
    return _math.where(_math.less(idx, 0), idx + n, idx)


def take(x, indices, axis=None):
    """Elements of ``x`` at ``indices`` along ``axis`` (of the flattened tensor if None);
    negative indices count from the end."""
    x = _t(x)
    if axis is None:
        x, a = _flat(x), 0
    else:
        a = normalize_axis(axis, x.ndim, "take")
    return _array.gather(x, _indices(indices, x.shape[a]), axis=a)


def take_along_axis(x, indices, axis=None):
    """Pick ``x`` values at ``indices`` along ``axis``, as ``np.take_along_axis`` (other
    dimensions broadcast); gradients add up at repeated indices."""
    x = _t(x)
    idx = _t(indices)
    if axis is None:
        x, idx, a = _flat(x), _flat(idx), 0
    else:
        a = normalize_axis(axis, x.ndim, "take_along_axis")
    if idx.ndim != x.ndim:
        raise InvalidArgumentError(f"take_along_axis: indices of shape {shape_str(idx.shape)} "
                                   f"must have the rank of x {shape_str(x.shape)}")
    n = x.shape[a]
    idx = _indices(idx, n)
    xs, js = list(x.shape), list(idx.shape)
    other = list(np.broadcast_shapes(tuple(xs[:a] + xs[a + 1:]), tuple(js[:a] + js[a + 1:])))
    x = _array.broadcast_to(x, other[:a] + [n] + other[a:])
    out_shape = other[:a] + [js[a]] + other[a:]
    idx = _array.broadcast_to(idx, out_shape)
    coords = []
    for d, length in enumerate(out_shape):
        if d == a:
            coords.append(idx)
        else:
            ramp = _creation.range(length, dtype=idx.dtype)
            ramp = _array.reshape(ramp, [length if i == d else 1 for i in range(len(out_shape))])
            coords.append(_array.broadcast_to(ramp, out_shape))
    return _array.gather_nd(x, _array.stack(coords, axis=-1))


def get_item(x, key):
    """``x[key]``, indexing as NumPy does."""
    return _t(x)[key]


def meshgrid(*x, indexing="xy"):
    """Coordinate grids from 1-D tensors; ``indexing`` 'xy' (default) or 'ij'."""
    return _array.meshgrid(*x, indexing=indexing)


def diff(a, n=1, axis=-1):
    """The ``n``-th discrete difference along ``axis``."""
    x = _t(a)
    ax = normalize_axis(axis, x.ndim, "diff")
    for _ in range(n):
        x = x[_axis_key(ax, builtins.slice(1, None))] - x[_axis_key(ax, builtins.slice(None, -1))]
    return x


# -- matrices: diagonals and triangles ------------------------------------------------
def _tri_mask(rows, cols, k):
    """Boolean [rows, cols] mask, true on and below diagonal ``k``."""
    r = _array.reshape(_creation.range(rows), (rows, 1))
    c = _array.reshape(_creation.range(cols), (1, cols))
    return _math.greater_equal(r + k, c)


def tri(N, M=None, k=0, dtype=None):
    """Ones on and below diagonal ``k`` of an N x M matrix, zeros above."""
    return cast(_tri_mask(N, N if M is None else M, k), dtype or floatx())


def _matrix(x, op):
    x = _t(x)
    if x.ndim < 2:
        raise InvalidArgumentError(f"{op}: x must have rank >= 2, got shape "
                                   f"{shape_str(x.shape)}")
    return x


def tril(x, k=0):
    """The lower triangle (on and below diagonal ``k``) of each matrix; zeros above."""
    x = _matrix(x, "tril")
    mask = _tri_mask(x.shape[-2], x.shape[-1], k)
    return _math.where(mask, x, _math.zeros_like(x))


def triu(x, k=0):
    """The upper triangle (on and above diagonal ``k``) of each matrix; zeros below."""
    x = _matrix(x, "triu")
    mask = _tri_mask(x.shape[-2], x.shape[-1], k - 1)
    return _math.where(mask, _math.zeros_like(x), x)


def eye(N, M=None, k=0, dtype=None):
    """N x M matrix with ones on diagonal ``k``."""
    dtype = dtype or floatx()
    M = N if M is None else M
    if k == 0:
        return _creation.eye(N, M, dtype=dtype)
    r = _array.reshape(_creation.range(N), (N, 1))
    c = _array.reshape(_creation.range(M), (1, M))
    return cast(_math.equal(r + k, c), dtype)


def identity(n, dtype=None):
    """The n x n identity matrix."""
    return eye(n, dtype=dtype)


def diagonal(x, offset=0, axis1=0, axis2=1):
    """Diagonal ``offset`` of the matrices spanned by ``axis1`` and ``axis2``, as a new
    last axis."""
    x = _matrix(x, "diagonal")
    a = normalize_axis(axis1, x.ndim, "diagonal")
    b = normalize_axis(axis2, x.ndim, "diagonal")
    if a == b:
        raise InvalidArgumentError("diagonal: axis1 and axis2 must differ")
    rest = [i for i in range(x.ndim) if i not in (a, b)]
    moved = _array.transpose(x, rest + [a, b])
    rows, cols = moved.shape[-2], moved.shape[-1]
    if not -rows < offset < cols:
        return moved[..., 0, :0]  # NumPy's empty diagonal
    return _linalg.diag_part(moved, k=offset)


def diag(x, k=0):
    """The matrix with 1-D ``x`` on diagonal ``k``, or diagonal ``k`` of a 2-D ``x``."""
    x = _t(x)
    if x.ndim == 1:
        return _linalg.diag(x, k=k)
    if x.ndim == 2:
        return diagonal(x, k)
    raise InvalidArgumentError(f"diag: x must be 1-D or 2-D, got shape {shape_str(x.shape)}")


def trace(x, offset=0, axis1=0, axis2=1):
    """Sum along diagonal ``offset`` of the matrices spanned by ``axis1`` and ``axis2``."""
    return sum(diagonal(x, offset, axis1, axis2), axis=-1)


# -- products --------------------------------------------------------------------------
def matmul(x1, x2):
    """Matrix product over the last two axes (1-D operands as NumPy treats them)."""
    return _linalg.matmul(x1, x2)


def tensordot(x1, x2, axes=2):
    """Sum of products over ``axes`` (an int: the last N of x1 with the first N of x2)."""
    return _linalg.tensordot(x1, x2, axes)


def einsum(subscripts, *operands):
    """Einstein summation, as ``np.einsum``."""
    return _linalg.einsum(subscripts, *operands)


def dot(x1, x2):
    """NumPy's ``dot``: products for scalars, ``matmul`` for matrices, a sum over the last
    axis of x1 and the second-to-last of x2 otherwise."""
    a, b = _pair(x1, x2, "dot")
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return _linalg.tensordot(a, b, [[a.ndim - 1], [builtins.max(b.ndim - 2, 0)]])


def inner(x1, x2):
    """Sum of products over the last axes of ``x1`` and ``x2``."""
    a, b = _pair(x1, x2, "inner")
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    return _linalg.tensordot(a, b, [[a.ndim - 1], [b.ndim - 1]])


def outer(x1, x2):
    """Outer product of the flattened ``x1`` and ``x2``."""
    a, b = _pair(x1, x2, "outer")
    return _array.reshape(a, (-1, 1)) * _array.reshape(b, (1, -1))


def vdot(x1, x2):
    """Dot product of the flattened tensors, conjugating ``x1``."""
    a, b = _pair(x1, x2, "vdot")
    return _reduction.reduce_sum(_math.conj(_flat(a)) * _flat(b))


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Cross product of 3-vectors (or 2-vectors, giving the z component) along the given
    axes, as ``np.cross``."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _pair(x1, x2, "cross")
    a = moveaxis(a, axisa, -1)
    b = moveaxis(b, axisb, -1)
    na, nb = a.shape[-1], b.shape[-1]
    if na not in (2, 3) or nb not in (2, 3):
        raise InvalidArgumentError(f"cross: vectors must have 2 or 3 components, got {na} "
                                   f"and {nb}")
    if na == nb == 2:
        return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    a0, a1 = a[..., 0], a[..., 1]
    b0, b1 = b[..., 0], b[..., 1]
    a2 = a[..., 2] if na == 3 else None
    b2 = b[..., 2] if nb == 3 else None
    if a2 is None:  # x1 lies in the plane z = 0
        parts = [a1 * b2, -(a0 * b2), a0 * b1 - a1 * b0]
    elif b2 is None:
        parts = [-(a2 * b1), a2 * b0, a0 * b1 - a1 * b0]
    else:
        parts = [a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0]
    shape = np.broadcast_shapes(*(tuple(p.shape) for p in parts))
    out = _array.stack([_array.broadcast_to(p, shape) for p in parts], axis=-1)
    return moveaxis(out, -1, axisc)


# -- counting and binning --------------------------------------------------------------
def bincount(x, weights=None, minlength=0, sparse=False):
    """Count of each value in the non-negative integer tensor ``x`` (1-D, or 2-D counted
    per row); with ``weights``, their sums instead."""
    x = _t(x)
    if x._value.dtype.kind not in "iu" or x.ndim not in (1, 2):
        raise InvalidArgumentError(f"bincount: x must be a 1-D or 2-D integer tensor, got "
                                   f"{x.dtype.name} of shape {shape_str(x.shape)}")
    if sparse:
        raise NotImplementedError("bincount: sparse outputs are not supported")
    values = x.numpy()
    if values.size and values.min() < 0:
        raise InvalidArgumentError("bincount: x must hold non-negative integers")
    depth = builtins.max(int(values.max()) + 1 if values.size else 0, int(minlength))
    if weights is None:
        return _reduction.reduce_sum(_creation.one_hot(x, depth, dtype=_INT32), axis=-2)
    w = _t(weights)
    hot = _creation.one_hot(x, depth, dtype=w.dtype)
    return _reduction.reduce_sum(hot * _array.expand_dims(w, -1), axis=-2)


def digitize(x, bins):
    """Index of the bin of each element: ``i`` with ``bins[i-1] <= x < bins[i]``, for
    increasing ``bins`` (int32)."""
    x, b = _pair(x, bins, "digitize")
    return sum(_math.greater_equal(_array.expand_dims(x, -1), b), axis=-1)


def searchsorted(sorted_sequence, values, side="left"):
    """Indices where ``values`` would be inserted into the 1-D ``sorted_sequence`` to keep
    it sorted (int32)."""
    s, v = _pair(sorted_sequence, values, "searchsorted")
    if s.ndim != 1:
        raise InvalidArgumentError(f"searchsorted: sorted_sequence must be 1-D, got shape "
                                   f"{shape_str(s.shape)}")
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
    before = _math.less if side == "left" else _math.less_equal
    return sum(before(s, _array.expand_dims(v, -1)), axis=-1)


# -- creation --------------------------------------------------------------------------
def array(x, dtype=None):
    """A tensor from ``x`` (Python data, a NumPy array or a tensor)."""
    return convert_to_tensor(x) if dtype is None else cast(_t(x), dtype)


def zeros(shape, dtype=None):
    """A tensor of zeros (``floatx()`` unless ``dtype`` is given)."""
    return _creation.zeros(shape, dtype or floatx())


def ones(shape, dtype=None):
    """A tensor of ones (``floatx()`` unless ``dtype`` is given)."""
    return _creation.ones(shape, dtype or floatx())


def empty(shape, dtype=None):
    """A new tensor of ``shape`` (zeros: tensors are never left uninitialized)."""
    return zeros(shape, dtype)


def zeros_like(x, dtype=None):
    """Zeros with the shape (and dtype, unless given) of ``x``."""
    return _math.zeros_like(_t(x), dtype)


def ones_like(x, dtype=None):
    """Ones with the shape (and dtype, unless given) of ``x``."""
    return _math.ones_like(_t(x), dtype)


def full(shape, fill_value, dtype=None):
    """A tensor of ``shape`` filled with ``fill_value`` (broadcast when not a scalar), of
    ``floatx()`` unless ``dtype`` is given."""
    value = cast(_t(fill_value), dtype or floatx())
    shape = _ints(shape)
    if value.ndim == 0:
        return _creation.fill(shape, value)
    return _array.broadcast_to(value, shape)


def full_like(x, fill_value, dtype=None):
    """A tensor shaped like ``x`` filled with ``fill_value`` (of ``x``'s dtype unless
    given)."""
    x = _t(x)
    value = cast(_t(fill_value), dtype or x.dtype)
    return _array.broadcast_to(value, tuple(x.shape))


def _is_number(v):
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def arange(start, stop=None, step=None, dtype=None):
    """Numbers from ``start`` up to (not including) ``stop`` in steps of ``step`` (1 if
    None); int32 for Python ints, ``floatx()`` when any is a float."""
    if stop is None:
        start, stop = 0, start
    if step is None:
        step = 1
    if builtins.all(_is_number(v) for v in (start, stop, step)) and step and (
            (stop - start) * step <= 0):
        if dtype is None:
            floats = builtins.any(isinstance(v, (float, np.floating)) for v in (start, stop, step))
            dtype = floatx() if floats else _INT32
        return _creation.zeros((0,), dtype)
    return _creation.range(start, stop, step, dtype=dtype)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` (inclusive when
    ``endpoint``); with ``retstep``, also the spacing."""
    num = int(num)
    if num < 0:
        raise InvalidArgumentError(f"linspace: num must be non-negative, got {num}")
    count = num if endpoint else num + 1
    out = _creation.linspace(_floating(start), _floating(stop), count, axis=axis)
    a = normalize_axis(axis, out.ndim, "linspace")
    if not endpoint:
        out = out[_axis_key(a, builtins.slice(0, num))]
    if dtype is not None:
        out = cast(out, dtype)
    if not retstep:
        return out
    step = (_floating(stop) - _floating(start)) / builtins.max(num - 1 if endpoint else num, 1)
    return out, step


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """``base ** linspace(start, stop, num, endpoint)``."""
    out = _math.pow(base, linspace(start, stop, num, endpoint=endpoint, axis=axis))
    return out if dtype is None else cast(out, dtype)
