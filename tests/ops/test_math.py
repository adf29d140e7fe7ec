"""Elementwise math: values and dtypes against NumPy, TensorFlow's rules, errors."""

import math
import warnings

import numpy as np
import pytest

import ndflow as nd
from ndflow.ops import math as ops_math

T = nd.convert_to_tensor
RNG = np.random.default_rng(0)
SHAPES = [(), (3,), (2, 3, 4)]
FLOATS = [np.float16, np.float32, np.float64]


def _rand(shape, dtype, low=-2.0, high=2.0):
    return RNG.uniform(low, high, size=shape).astype(dtype)


def _tol(dtype):
    return {np.float16: 2e-3, np.float32: 2e-6, np.float64: 1e-12}[np.dtype(dtype).type]


def _grad(fn, *xs):
    xs = [T(x) for x in xs]
    with nd.GradientTape() as tape:
        tape.watch(xs)
        y = fn(*xs)
    return tape.gradient(y, xs)


# -- unary ------------------------------------------------------------------------------
UNARY = [  # (op, NumPy reference, input range)
    ("negative", np.negative, (-2, 2)),
    ("abs", np.abs, (-2, 2)),
    ("square", np.square, (-2, 2)),
    ("sqrt", np.sqrt, (0.1, 3)),
    ("rsqrt", lambda x: 1 / np.sqrt(x), (0.1, 3)),
    ("reciprocal", np.reciprocal, (0.5, 3)),
    ("exp", np.exp, (-2, 2)),
    ("log", np.log, (0.1, 3)),
    ("log1p", np.log1p, (-0.5, 2)),
    ("expm1", np.expm1, (-2, 2)),
    ("sin", np.sin, (-3, 3)),
    ("cos", np.cos, (-3, 3)),
    ("tan", np.tan, (-1, 1)),
    ("arcsin", np.arcsin, (-0.9, 0.9)),
    ("arccos", np.arccos, (-0.9, 0.9)),
    ("arctan", np.arctan, (-3, 3)),
    ("asin", np.arcsin, (-0.9, 0.9)),
    ("acos", np.arccos, (-0.9, 0.9)),
    ("atan", np.arctan, (-3, 3)),
    ("sinh", np.sinh, (-2, 2)),
    ("cosh", np.cosh, (-2, 2)),
    ("tanh", np.tanh, (-3, 3)),
    ("arcsinh", np.arcsinh, (-3, 3)),
    ("arccosh", np.arccosh, (1.1, 3)),
    ("arctanh", np.arctanh, (-0.9, 0.9)),
    ("asinh", np.arcsinh, (-3, 3)),
    ("acosh", np.arccosh, (1.1, 3)),
    ("atanh", np.arctanh, (-0.9, 0.9)),
    ("sigmoid", lambda x: 1 / (1 + np.exp(-x)), (-5, 5)),
    ("log_sigmoid", lambda x: -np.log1p(np.exp(-x)), (-5, 5)),
    ("erf", np.vectorize(math.erf), (-3, 3)),
    ("sign", np.sign, (-2, 2)),
    ("round", np.round, (-3, 3)),
    ("floor", np.floor, (-3, 3)),
    ("ceil", np.ceil, (-3, 3)),
]


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name,ref,domain", UNARY, ids=[u[0] for u in UNARY])
def test_unary_matches_numpy_and_keeps_the_dtype(name, ref, domain, shape, dtype):
    x = _rand(shape, dtype, *domain)
    out = getattr(nd, name)(T(x))
    assert out.dtype == nd.as_dtype(dtype)
    assert out.shape == shape
    expected = ref(x.astype(np.float64))
    np.testing.assert_allclose(out.numpy().astype(np.float64), expected,
                               rtol=5 * _tol(dtype), atol=5 * _tol(dtype))


@pytest.mark.parametrize("name", ["sqrt", "exp", "log", "sin", "tanh", "sigmoid", "floor", "erf",
                                  "ceil", "is_nan", "log_sigmoid", "rsqrt"])
def test_float_only_ops_refuse_integers_like_tensorflow(name):
    with pytest.raises(TypeError, match=rf"{name} expects a floating-point.*int32"):
        getattr(nd, name)(T([1, 2]))


@pytest.mark.parametrize("name", ["negative", "abs", "square", "sign", "round"])
def test_integer_friendly_ops_keep_integer_dtypes(name):
    x = np.array([-3, 0, 2], np.int32)
    out = getattr(nd, name)(T(x))
    assert out.dtype == nd.int32
    ref = {"negative": np.negative, "abs": np.abs, "square": np.square, "sign": np.sign,
           "round": np.round}[name]
    np.testing.assert_array_equal(out.numpy(), ref(x))


def test_round_is_half_to_even():
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5], np.float32)
    np.testing.assert_array_equal(nd.round(T(x)).numpy(), np.round(x))
    assert nd.rint is nd.round


def test_sigmoid_is_stable_for_large_inputs():
    x = np.array([-1000.0, -100.0, -30.0, 0.0, 30.0, 100.0, 1000.0], np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = nd.sigmoid(T(x)).numpy()
        log_out = nd.log_sigmoid(T(x)).numpy()
    assert out.dtype == np.float32
    exact = np.exp(-np.logaddexp(0.0, -x.astype(np.float64)))
    np.testing.assert_allclose(out, exact, rtol=1e-6, atol=1e-37)
    np.testing.assert_allclose(log_out, -np.logaddexp(0.0, -x.astype(np.float64)),
                               rtol=1e-6, atol=1e-37)
    assert np.all(np.isfinite(log_out))


def test_sigmoid_and_log_sigmoid_gradients():
    x = np.array([-50.0, -1.0, 0.0, 2.0, 50.0])
    s = 1 / (1 + np.exp(-x))
    (g,) = _grad(nd.sigmoid, x)
    np.testing.assert_allclose(g.numpy(), s * (1 - s), rtol=1e-12)
    (g,) = _grad(nd.log_sigmoid, x)
    np.testing.assert_allclose(g.numpy(), 1 / (1 + np.exp(x)), rtol=1e-12)


def test_erf_is_accurate_over_the_whole_line():
    x = np.concatenate([np.linspace(-7.0, 7.0, 2001), [1e-12, -1e-300, np.inf, -np.inf]])
    out = nd.erf(T(x)).numpy()
    expected = np.array([math.erf(v) for v in x])
    np.testing.assert_allclose(out, expected, rtol=5e-15, atol=0)
    assert np.isnan(nd.erf(T([np.nan])).numpy()[0])
    (g,) = _grad(nd.erf, x[:2001])
    np.testing.assert_allclose(g.numpy(), 2 / np.sqrt(np.pi) * np.exp(-x[:2001] ** 2))


def test_is_nan_is_inf_is_finite():
    x = np.array([1.0, np.nan, np.inf, -np.inf, 0.0], np.float32)
    for name, ref in [("is_nan", np.isnan), ("is_inf", np.isinf), ("is_finite", np.isfinite)]:
        out = getattr(nd, name)(T(x))
        assert out.dtype == nd.bool
        np.testing.assert_array_equal(out.numpy(), ref(x))


# -- binary ---------------------------------------------------------------------------------
BINARY = [
    ("add", np.add), ("subtract", np.subtract), ("multiply", np.multiply),
    ("maximum", np.maximum), ("minimum", np.minimum),
    ("squared_difference", lambda a, b: (a - b) ** 2),
    ("equal", np.equal), ("not_equal", np.not_equal), ("greater", np.greater),
    ("greater_equal", np.greater_equal), ("less", np.less), ("less_equal", np.less_equal),
]
PAIRS = [((2, 3), (2, 3)), ((2, 3), (3,)), ((4, 1), (1, 5)), ((), (2, 2))]


@pytest.mark.parametrize("dtype", [np.int32, np.float32, np.float64])
@pytest.mark.parametrize("shapes", PAIRS, ids=str)
@pytest.mark.parametrize("name,ref", BINARY, ids=[b[0] for b in BINARY])
def test_binary_matches_numpy_with_broadcasting(name, ref, shapes, dtype):
    a = RNG.integers(-3, 4, size=shapes[0]).astype(dtype)
    b = RNG.integers(-3, 4, size=shapes[1]).astype(dtype)
    out = getattr(nd, name)(T(a), T(b))
    expected = ref(a, b)
    assert out.dtype == nd.as_dtype(expected.dtype)
    np.testing.assert_array_equal(out.numpy(), expected)


@pytest.mark.parametrize("dtype", FLOATS)
def test_float_binary_ops_match_numpy(dtype):
    a, b = _rand((2, 3), dtype), _rand((3,), dtype, 0.5, 2.0)
    cases = [("divide", np.true_divide), ("pow", lambda x, y: np.abs(x) ** y),
             ("atan2", np.arctan2), ("mod", np.mod), ("floordiv", np.floor_divide)]
    for name, ref in cases:
        x = np.abs(a) if name == "pow" else a
        out = getattr(nd, name)(T(x), T(b))
        assert out.dtype == nd.as_dtype(dtype), name
        np.testing.assert_allclose(out.numpy(), ref(a, b).astype(dtype), rtol=5 * _tol(dtype),
                                   atol=5 * _tol(dtype), err_msg=name)


@pytest.mark.parametrize("dtype,result", [
    (np.int8, np.float32), (np.uint8, np.float32), (np.int16, np.float32),
    (np.int32, np.float64), (np.int64, np.float64), (np.float16, np.float16),
    (np.float32, np.float32),
])
def test_divide_follows_tensorflow_truediv_dtypes(dtype, result):
    a, b = np.array([7, 8, 9], dtype), np.array([2, 3, 4], dtype)
    out = nd.divide(T(a), T(b))
    assert out.dtype == nd.as_dtype(result)
    np.testing.assert_allclose(out.numpy(), a.astype(np.float64) / b, rtol=1e-3)
    assert (T(a) / T(b)).dtype == nd.as_dtype(result)
    assert nd.truediv is nd.divide


def test_floordiv_and_mod_round_toward_negative_infinity():
    a = np.array([7, -7, 7, -7], np.int32)
    b = np.array([2, 2, -2, -2], np.int32)
    np.testing.assert_array_equal(nd.floordiv(T(a), T(b)).numpy(), [3, -4, -4, 3])
    np.testing.assert_array_equal(nd.mod(T(a), T(b)).numpy(), [1, 1, -1, -1])
    np.testing.assert_array_equal((T(a) % T(b)).numpy(), np.mod(a, b))
    assert nd.floormod is nd.mod
    assert nd.floordiv(T(a), T(b)).dtype == nd.int32


def test_atan2_takes_y_then_x():
    y, x = np.array([1.0, -1.0, 0.0]), np.array([0.0, 0.0, -1.0])
    np.testing.assert_allclose(nd.atan2(T(y), T(x)).numpy(), np.arctan2(y, x))
    np.testing.assert_allclose(nd.atan2(x=T(x), y=T(y)).numpy(), np.arctan2(y, x))


def test_atan2_gradient():
    y, x = np.array([0.3, -1.2]), np.array([1.5, 0.4])
    gy, gx = _grad(nd.atan2, y, x)
    r2 = x * x + y * y
    np.testing.assert_allclose(gy.numpy(), x / r2)
    np.testing.assert_allclose(gx.numpy(), -y / r2)


def test_pow_integer_and_float_exponents():
    a = T(np.array([1, 2, 3], np.int32))
    out = a ** 2
    assert out.dtype == nd.int32
    np.testing.assert_array_equal(out.numpy(), [1, 4, 9])
    with pytest.raises(ValueError, match=r"(?i)negative integer powers"):
        nd.pow(a, T(np.array([-1, 1, 1], np.int32)))


def test_pow_gradient_for_the_exponent_is_zero_where_the_base_is_not_positive():
    base, exponent = np.array([0.0, 2.0, -3.0]), np.array([2.0, 3.0, 2.0])
    gb, ge = _grad(nd.pow, base, exponent)
    np.testing.assert_allclose(gb.numpy(), exponent * base ** (exponent - 1))
    np.testing.assert_allclose(ge.numpy(), [0.0, 8 * np.log(2.0), 0.0])


def test_maximum_and_minimum_give_ties_to_the_first_argument():
    a, b = np.array([1.0, 2.0, 3.0]), np.array([1.0, 5.0, 0.0])
    ga, gb = _grad(nd.maximum, a, b)
    np.testing.assert_array_equal(ga.numpy(), [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(gb.numpy(), [0.0, 1.0, 0.0])
    ga, gb = _grad(nd.minimum, a, b)
    np.testing.assert_array_equal(ga.numpy(), [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(gb.numpy(), [0.0, 0.0, 1.0])


def test_clip_by_value_values_and_gradient():
    x = np.array([-2.0, -1.0, 0.5, 1.0, 3.0])
    out = nd.clip_by_value(T(x.astype(np.float32)), -1.0, 1.0)
    assert out.dtype == nd.float32
    np.testing.assert_array_equal(out.numpy(), np.clip(x, -1, 1))
    (g,) = _grad(lambda t: nd.clip_by_value(t, -1.0, 1.0), x)
    np.testing.assert_array_equal(g.numpy(), [0.0, 1.0, 1.0, 1.0, 0.0])


def test_abs_and_sign_gradients():
    x = np.array([-2.0, 0.5, 3.0])
    (g,) = _grad(nd.abs, x)
    np.testing.assert_array_equal(g.numpy(), np.sign(x))
    (g,) = _grad(nd.sign, x)
    np.testing.assert_array_equal(g.numpy(), np.zeros(3))


def test_incompatible_shapes_name_both():
    with pytest.raises(nd.InvalidArgumentError, match=r"Incompatible shapes: \[2,3\] vs\. \[4\]"):
        nd.multiply(T(np.ones((2, 3))), T(np.ones(4)))
    with pytest.raises(nd.InvalidArgumentError, match=r"\[2\].*\[3\].*\[4\]"):
        nd.where(T(np.ones(2, bool)), T(np.ones(3)), T(np.ones(4)))


# -- dtype promotion through the ops ----------------------------------------------------------
def test_python_scalars_are_weak():
    f32 = T(np.array([1.0, 2.0], np.float32))
    assert (f32 * 2).dtype == nd.float32
    assert (2.5 * f32).dtype == nd.float32
    assert nd.add(f32, 1e-3).dtype == nd.float32
    i32 = T(np.array([1, 2], np.int32))
    assert (i32 * 2).dtype == nd.int32
    f64 = T(np.array([1.0, 2.0]))
    assert (f64 + 0.5).dtype == nd.float64


def test_integer_tensor_times_python_float_gives_floatx():
    i32 = T(np.array([1, 2], np.int32))
    out = i32 * 2.5
    assert out.dtype == nd.float32
    np.testing.assert_allclose(out.numpy(), [2.5, 5.0])
    assert nd.pow(i32, 0.5).dtype == nd.float32


def test_mixed_float_tensors_promote_and_gradients_keep_each_dtype():
    a = nd.Variable(np.array([1.0, 2.0], np.float16))
    b = nd.Variable(np.array([3.0, 4.0], np.float32))
    with nd.GradientTape() as tape:
        y = nd.reduce_sum(a * b + a)
    assert y.dtype == nd.float32
    ga, gb = tape.gradient(y, [a, b])
    assert ga.dtype == nd.float16 and gb.dtype == nd.float32
    np.testing.assert_allclose(ga.numpy(), [4.0, 5.0])
    np.testing.assert_allclose(gb.numpy(), [1.0, 2.0])


def test_float32_ops_keep_float32_through_gradients():
    x = nd.Variable(np.array([0.5, 1.5], np.float32))
    with nd.GradientTape() as tape:
        y = nd.reduce_sum(nd.exp(x) * 2.0 + nd.sigmoid(x) / 3 + nd.sqrt(x) ** 2)
    g = tape.gradient(y, x)
    assert y.dtype == nd.float32 and g.dtype == nd.float32


# -- where, comparisons, logic ----------------------------------------------------------------
def test_where_selects_with_broadcasting():
    cond = np.array([[True], [False]])
    x, y = np.arange(6.0).reshape(2, 3), np.float32(-1.0)
    out = nd.where(T(cond), T(x.astype(np.float32)), -1.0)
    assert out.dtype == nd.float32
    np.testing.assert_array_equal(out.numpy(), np.where(cond, x, y))


def test_where_with_only_a_condition_gives_int64_coordinates():
    cond = np.array([[True, False, True], [False, True, False]])
    out = nd.where(T(cond))
    assert out.dtype == nd.int64
    np.testing.assert_array_equal(out.numpy(), np.argwhere(cond))
    np.testing.assert_array_equal(nd.where(T([0, 3, 0, 1])).numpy(), [[1], [3]])


def test_where_errors():
    with pytest.raises(ValueError, match=r"x and y must both be given"):
        nd.where(T([True]), T([1.0]))
    with pytest.raises(TypeError, match=r"condition must be boolean, got float32"):
        nd.where(T([1.0]), T([1.0]), T([2.0]))


def test_where_gradient_goes_to_the_chosen_side():
    cond = np.array([True, False, True])
    gx, gy = _grad(lambda a, b: nd.where(T(cond), a, b), np.ones(3), np.ones(3))
    np.testing.assert_array_equal(gx.numpy(), cond.astype(float))
    np.testing.assert_array_equal(gy.numpy(), (~cond).astype(float))


def test_logical_ops_match_numpy():
    a = np.array([True, True, False, False])
    b = np.array([True, False, True, False])
    for name, ref in [("logical_and", np.logical_and), ("logical_or", np.logical_or),
                      ("logical_xor", np.logical_xor)]:
        out = getattr(nd, name)(T(a), T(b))
        assert out.dtype == nd.bool
        np.testing.assert_array_equal(out.numpy(), ref(a, b))
    np.testing.assert_array_equal(nd.logical_not(T(a)).numpy(), ~a)


def test_logical_ops_refuse_non_booleans():
    with pytest.raises(TypeError, match=r"logical_or expects boolean tensors, got float32"):
        nd.logical_or(T([1.0]), T([True]))
    with pytest.raises(TypeError, match=r"logical_not expects boolean tensors, got int32"):
        nd.logical_not(T([1]))


# -- safe division and logarithms ---------------------------------------------------------
def test_no_nan_variants_give_zero_without_warnings():
    x = np.array([1.0, 0.0, np.nan, 2.0, 0.0], np.float32)
    y = np.array([0.0, 0.0, 0.0, 4.0, 3.0], np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dnn = nd.divide_no_nan(T(x), T(y))
        mnn = nd.multiply_no_nan(T(x), T(y))
        xly = nd.xlogy(T(x[[0, 1, 3, 4]]), T(y[[0, 1, 3, 4]] + 1))
        xlogy0 = nd.xlogy(T(np.float32(0.0)), T(np.float32(0.0)))
        xdy = nd.xdivy(T(np.array([0.0, 3.0], np.float32)), T(np.array([0.0, 2.0], np.float32)))
    assert dnn.dtype == mnn.dtype == xly.dtype == nd.float32
    np.testing.assert_array_equal(dnn.numpy(), [0.0, 0.0, 0.0, 0.5, 0.0])
    np.testing.assert_array_equal(mnn.numpy(), [0.0, 0.0, 0.0, 8.0, 0.0])
    xs, ys = x[[0, 1, 3, 4]], y[[0, 1, 3, 4]] + 1
    np.testing.assert_allclose(xly.numpy(), xs * np.log(ys))
    assert float(xlogy0) == 0.0
    np.testing.assert_array_equal(xdy.numpy(), [0.0, 1.5])


def test_xlogy_gradient_is_zero_where_x_is_zero():
    x, y = np.array([0.0, 2.0]), np.array([0.5, 3.0])
    gx, gy = _grad(nd.xlogy, x, y)
    np.testing.assert_allclose(gx.numpy(), [0.0, np.log(3.0)])
    np.testing.assert_allclose(gy.numpy(), [0.0, 2.0 / 3.0])


def test_divide_no_nan_gradient_is_zero_where_y_is_zero():
    x, y = np.array([1.0, 2.0]), np.array([0.0, 4.0])
    gx, gy = _grad(nd.divide_no_nan, x, y)
    np.testing.assert_allclose(gx.numpy(), [0.0, 0.25])
    np.testing.assert_allclose(gy.numpy(), [0.0, -2.0 / 16.0])


# -- add_n, zeros_like, ones_like ------------------------------------------------------------
def test_add_n_sums_a_list_and_passes_the_gradient_to_each():
    xs = [_rand((2, 3), np.float32) for _ in range(4)]
    out = nd.add_n([T(x) for x in xs])
    assert out.dtype == nd.float32
    np.testing.assert_allclose(out.numpy(), np.sum(xs, axis=0), rtol=1e-6)
    for x in xs:  # the inputs are left untouched
        assert x.dtype == np.float32
    grads = _grad(lambda a, b, c: nd.add_n([a, b, c]), *xs[:3])
    for g in grads:
        np.testing.assert_array_equal(g.numpy(), np.ones((2, 3)))
    single = T(xs[0])
    assert nd.add_n([single]) is single


def test_add_n_does_not_modify_its_inputs():
    a, b, c = np.ones(3), np.full(3, 2.0), np.full(3, 3.0)
    ta = T(a)
    nd.add_n([ta, T(b), T(c)])
    np.testing.assert_array_equal(ta.numpy(), np.ones(3))


def test_add_n_errors():
    with pytest.raises(ValueError, match=r"non-empty list"):
        nd.add_n([])
    with pytest.raises(nd.InvalidArgumentError, match=r"same shape.*\[2\].*\[3\].*input 1"):
        nd.add_n([T([1.0, 2.0]), T([1.0, 2.0, 3.0])])


def test_zeros_like_and_ones_like():
    x = T(np.arange(6, dtype=np.int32).reshape(2, 3))
    z, o = nd.zeros_like(x), nd.ones_like(x, dtype=nd.float64)
    assert z.dtype == nd.int32 and o.dtype == nd.float64
    np.testing.assert_array_equal(z.numpy(), np.zeros((2, 3)))
    np.testing.assert_array_equal(o.numpy(), np.ones((2, 3)))
    assert nd.zeros_like([1.5, 2.5], dtype="float16").dtype == nd.float16


# -- complex numbers -----------------------------------------------------------------------
@pytest.mark.parametrize("dtype,cdtype", [(np.float32, np.complex64),
                                          (np.float64, np.complex128)])
def test_complex_parts(dtype, cdtype):
    re, im = _rand((2, 3), dtype), _rand((2, 3), dtype)
    z = nd.complex(T(re), T(im))
    assert z.dtype == nd.as_dtype(cdtype)
    np.testing.assert_array_equal(z.numpy(), re + 1j * im)
    np.testing.assert_array_equal(nd.real(z).numpy(), re)
    np.testing.assert_array_equal(nd.imag(z).numpy(), im)
    np.testing.assert_array_equal(nd.conj(z).numpy(), re - 1j * im)
    np.testing.assert_allclose(nd.angle(z).numpy(), np.angle(re + 1j * im), rtol=1e-6)
    assert nd.abs(z).dtype == nd.as_dtype(dtype)
    assert nd.real(z).dtype == nd.imag(z).dtype == nd.angle(z).dtype == nd.as_dtype(dtype)


def test_complex_ops_on_real_tensors():
    x = T(np.array([-2.0, 3.0], np.float32))
    assert nd.real(x) is x and nd.conj(x) is x
    np.testing.assert_array_equal(nd.imag(x).numpy(), [0.0, 0.0])
    np.testing.assert_allclose(nd.angle(x).numpy(), [np.pi, 0.0])


def test_complex_refuses_integer_parts():
    with pytest.raises(TypeError, match=r"complex expects float32 or float64 parts, got int32"):
        nd.complex(T([1]), T([2]))


def test_complex_gradients_follow_tensorflow():
    z0 = np.array([0.3 + 0.4j, -1.0 + 2.0j])
    cases = [  # f(z) -> expected TensorFlow gradient of sum(f(z))
        (nd.real, np.ones(2) + 0j),
        (nd.imag, np.full(2, 1j)),
        (lambda z: nd.abs(z) ** 2, 2 * z0),
        (lambda z: nd.real(nd.exp(z)), np.conj(np.exp(z0))),
        (lambda z: nd.imag(z * z), 1j * np.conj(2 * z0)),
        (lambda z: nd.real(nd.conj(z) * 1j), np.full(2, 1j)),
    ]
    for fn, expected in cases:
        (g,) = _grad(fn, z0)
        assert g.dtype == nd.complex128
        np.testing.assert_allclose(g.numpy(), expected, rtol=1e-12)


def test_complex_gradient_for_its_parts():
    re, im = np.array([1.0, 2.0]), np.array([3.0, -1.0])
    gre, gim = _grad(lambda a, b: nd.abs(nd.complex(a, b)) ** 2, re, im)
    np.testing.assert_allclose(gre.numpy(), 2 * re)
    np.testing.assert_allclose(gim.numpy(), 2 * im)


def test_module_exports():
    for name in ops_math.__all__:
        assert callable(getattr(ops_math, name)), name
        assert getattr(nd, name) is getattr(ops_math, name), name
    for alias, name in [("asin", "arcsin"), ("acos", "arccos"), ("atan", "arctan"),
                        ("asinh", "arcsinh"), ("acosh", "arccosh"), ("atanh", "arctanh")]:
        assert getattr(nd, alias) is getattr(nd, name)
