"""ndflow.nn: values against NumPy formulas, stability at extreme logits, dtypes, errors."""

import math

import numpy as np
import pytest

import ndflow as nd

T = nd.convert_to_tensor
RNG = np.random.default_rng(7)
X64 = RNG.uniform(-4.0, 4.0, size=(3, 5))
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
_erfc = np.vectorize(math.erfc)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _log_softmax(x, axis=-1):
    return x - np.logaddexp.reduce(x, axis=axis, keepdims=True)


ACTIVATIONS = {
    "relu": (nd.nn.relu, lambda x: np.maximum(x, 0)),
    "relu6": (nd.nn.relu6, lambda x: np.minimum(np.maximum(x, 0), 6)),
    "leaky_relu": (nd.nn.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
    "leaky_relu_alpha": (lambda x: nd.nn.leaky_relu(x, alpha=0.05),
                         lambda x: np.where(x > 0, x, 0.05 * x)),
    "elu": (nd.nn.elu, lambda x: np.where(x > 0, x, np.exp(x) - 1)),
    "selu": (nd.nn.selu,
             lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (np.exp(x) - 1))),
    "gelu": (nd.nn.gelu, lambda x: x * 0.5 * _erfc(-x / np.sqrt(2))),
    "gelu_approximate": (
        lambda x: nd.nn.gelu(x, approximate=True),
        lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))),
    "silu": (nd.nn.silu, lambda x: x * _sigmoid(x)),
    "swish_beta": (lambda x: nd.nn.swish(x, beta=2.0), lambda x: x * _sigmoid(2 * x)),
    "softplus": (nd.nn.softplus, lambda x: np.log1p(np.exp(x))),
    "softsign": (nd.nn.softsign, lambda x: x / (1 + np.abs(x))),
    "sigmoid": (nd.nn.sigmoid, _sigmoid),
    "tanh": (nd.nn.tanh, np.tanh),
    "softmax": (nd.nn.softmax, lambda x: np.exp(_log_softmax(x))),
    "log_softmax": (nd.nn.log_softmax, _log_softmax),
}


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_matches_numpy(name, dtype):
    fn, ref = ACTIVATIONS[name]
    x = X64.astype(dtype)
    out = fn(T(x))
    assert out.dtype == nd.as_dtype(dtype)
    assert out.shape == x.shape
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out.numpy(), ref(x.astype(np.float64)), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("name", ["relu", "elu", "gelu", "softplus", "softmax", "silu"])
def test_activation_keeps_float16(name):
    out = ACTIVATIONS[name][0](T(X64.astype(np.float16)))
    assert out.dtype == nd.float16
    np.testing.assert_allclose(out.numpy(), ACTIVATIONS[name][1](X64), rtol=5e-3, atol=5e-3)


def test_gelu_tails_are_accurate():
    x = np.array([-30.0, -12.0, -5.0, -1e-8, 0.0, 1e-8, 5.0, 12.0])
    expected = x * 0.5 * _erfc(-x / np.sqrt(2))
    np.testing.assert_allclose(nd.nn.gelu(T(x)).numpy(), expected, rtol=1e-12, atol=0)


def test_relu_keeps_integers():
    out = nd.nn.relu(T(np.array([-2, 0, 3], dtype=np.int32)))
    assert out.dtype == nd.int32
    np.testing.assert_array_equal(out.numpy(), [0, 0, 3])


def test_leaky_relu_of_integers_is_float32():
    out = nd.nn.leaky_relu(T(np.array([-2, 3], dtype=np.int32)))
    assert out.dtype == nd.float32
    np.testing.assert_allclose(out.numpy(), [-0.4, 3.0])


def _grad(fn, x):
    x = T(np.asarray(x, dtype=np.float64))
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = fn(x)
    return tape.gradient(y, x).numpy()


@pytest.mark.parametrize("fn, expected", [
    (nd.nn.relu, [0.0, 0.0, 1.0]),
    (nd.nn.relu6, [0.0, 0.0, 1.0]),
    (lambda x: nd.nn.leaky_relu(x, alpha=0.1), [0.1, 0.1, 1.0]),
    (nd.nn.elu, [math.exp(-1.0), 1.0, 1.0]),
    (nd.nn.selu, [SELU_SCALE * SELU_ALPHA * math.exp(-1.0), SELU_SCALE, SELU_SCALE]),
])
def test_gradients_at_kinks_follow_tensorflow(fn, expected):
    np.testing.assert_allclose(_grad(fn, [-1.0, 0.0, 1.0]), expected, rtol=1e-12)


def test_relu6_gradient_is_zero_at_and_above_six():
    np.testing.assert_array_equal(_grad(nd.nn.relu6, [5.5, 6.0, 7.0]), [1.0, 0.0, 0.0])


def test_relu_second_derivative_is_zero():
    x = T(np.array([-1.0, 2.0]))
    with nd.GradientTape() as outer:
        outer.watch(x)
        with nd.GradientTape() as inner:
            inner.watch(x)
            y = nd.nn.relu(x)
        g = inner.gradient(y, x)
    np.testing.assert_array_equal(g.numpy(), [0.0, 1.0])
    h = outer.gradient(g, x)
    assert h is None or not np.any(h.numpy())


# -- extreme logits ------------------------------------------------------------------
BIG = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0], [3.0, 1.0, -2.0]])
ONE_HOT = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_family_is_finite_for_huge_logits(dtype):
    x = BIG.astype(dtype)
    lsm = _log_softmax(BIG)
    np.testing.assert_allclose(nd.nn.softmax(T(x)).numpy(), np.exp(lsm), rtol=1e-6, atol=0)
    np.testing.assert_allclose(nd.nn.log_softmax(T(x)).numpy(), lsm, rtol=1e-6)
    ce = nd.nn.softmax_cross_entropy_with_logits(T(ONE_HOT.astype(dtype)), T(x))
    np.testing.assert_allclose(ce.numpy(), -np.sum(ONE_HOT * lsm, axis=-1), rtol=1e-6)
    sparse = nd.nn.sparse_softmax_cross_entropy_with_logits(T(np.array([1, 0, 2])), T(x))
    np.testing.assert_allclose(sparse.numpy(), ce.numpy(), rtol=1e-6)
    for out in (ce, sparse):
        assert out.dtype == nd.as_dtype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_cross_entropy_is_finite_for_huge_logits(dtype):
    x, z = BIG.astype(dtype), ONE_HOT.astype(dtype)
    out = nd.nn.sigmoid_cross_entropy_with_logits(labels=T(z), logits=T(x))
    # -z log(sigmoid(x)) - (1 - z) log(1 - sigmoid(x)) = z softplus(-x) + (1 - z) softplus(x)
    expected = ONE_HOT * np.logaddexp(0, -BIG) + (1 - ONE_HOT) * np.logaddexp(0, BIG)
    assert out.dtype == nd.as_dtype(dtype)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


def test_softmax_gradient_at_huge_logits_is_finite():
    g = _grad(lambda x: nd.nn.softmax_cross_entropy_with_logits(T(ONE_HOT), x), BIG)
    np.testing.assert_allclose(g, np.exp(_log_softmax(BIG)) - ONE_HOT, atol=1e-12)


# -- cross-entropies -------------------------------------------------------------------
def test_softmax_cross_entropy_axis_and_soft_labels():
    z = RNG.uniform(0, 1, size=(4, 3))
    x = RNG.normal(size=(4, 3))
    out = nd.nn.softmax_cross_entropy_with_logits(T(z), T(x), axis=0)
    assert out.shape == (3,)
    np.testing.assert_allclose(out.numpy(), -np.sum(z * _log_softmax(x, axis=0), axis=0))


def test_softmax_cross_entropy_gradients_match_tensorflow_for_distributions():
    z = np.array([[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
    x, zt = T(RNG.normal(size=(2, 3))), T(z)
    with nd.GradientTape(persistent=True) as tape:
        tape.watch([x, zt])
        loss = nd.nn.softmax_cross_entropy_with_logits(zt, x)
    gx, gz = tape.gradient(loss, [x, zt])
    np.testing.assert_allclose(gx.numpy(), np.exp(_log_softmax(x.numpy())) - z, atol=1e-12)
    np.testing.assert_allclose(gz.numpy(), -_log_softmax(x.numpy()), atol=1e-12)


def test_sparse_cross_entropy_batched_labels():
    x = RNG.normal(size=(2, 3, 4)).astype(np.float32)
    labels = np.array([[0, 3, 1], [2, 2, 0]], dtype=np.int64)
    out = nd.nn.sparse_softmax_cross_entropy_with_logits(T(labels), T(x))
    expected = -np.take_along_axis(_log_softmax(x.astype(np.float64)), labels[..., None],
                                   axis=-1)[..., 0]
    assert out.shape == (2, 3) and out.dtype == nd.float32
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5)


def test_weighted_cross_entropy_matches_formula():
    z, x, w = RNG.uniform(0, 1, size=6), RNG.normal(size=6) * 5, 3.0
    out = nd.nn.weighted_cross_entropy_with_logits(T(z), T(x), pos_weight=w)
    expected = -w * z * np.log(_sigmoid(x)) - (1 - z) * np.log(1 - _sigmoid(x))
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-10)


def test_cross_entropy_converts_python_labels_to_the_logits_dtype():
    x = T(np.array([0.5, -1.0], dtype=np.float32))
    out = nd.nn.sigmoid_cross_entropy_with_logits(labels=[1, 0], logits=x)
    assert out.dtype == nd.float32


def test_sparse_label_out_of_range():
    x = T(np.zeros((2, 3), dtype=np.float32))
    with pytest.raises(nd.InvalidArgumentError, match=r"label value of 3 .* \[0, 3\)"):
        nd.nn.sparse_softmax_cross_entropy_with_logits(T(np.array([0, 3])), x)
    with pytest.raises(nd.InvalidArgumentError, match=r"label value of -1"):
        nd.nn.sparse_softmax_cross_entropy_with_logits(T(np.array([-1, 0])), x)


@pytest.mark.parametrize("labels, error, match", [
    (np.array([0.0, 1.0]), TypeError, "labels must be integers"),
    (np.array([[0, 1]]), ValueError, "rank of labels"),
    (np.array([0, 1, 2]), ValueError, r"labels shape \[3\]"),
])
def test_sparse_cross_entropy_checks_labels(labels, error, match):
    with pytest.raises(error, match=match):
        nd.nn.sparse_softmax_cross_entropy_with_logits(T(labels), T(np.zeros((2, 3))))


def test_cross_entropy_shape_and_dtype_errors():
    x = T(np.zeros((2, 3), dtype=np.float32))
    with pytest.raises(ValueError, match=r"same shape \(\[2,3\] vs \[3\]\)"):
        nd.nn.sigmoid_cross_entropy_with_logits(labels=T(np.zeros(3, np.float32)), logits=x)
    with pytest.raises(ValueError, match="same shape"):
        nd.nn.softmax_cross_entropy_with_logits(T(np.zeros((2, 2), np.float32)), x)
    with pytest.raises(TypeError, match="same dtype, got float64 and float32"):
        nd.nn.softmax_cross_entropy_with_logits(T(np.zeros((2, 3))), x)
    with pytest.raises(TypeError, match="logits must be a floating-point"):
        nd.nn.softmax_cross_entropy_with_logits(T(np.zeros((2, 3))), T(np.zeros((2, 3), int)))


# -- softmax arguments ---------------------------------------------------------------
def test_softmax_axis():
    x = RNG.normal(size=(2, 3, 4))
    for axis in (0, 1, -1, -3):
        np.testing.assert_allclose(nd.nn.softmax(T(x), axis=axis).numpy(),
                                   np.exp(_log_softmax(x, axis=axis)))


def test_softmax_errors():
    with pytest.raises(TypeError, match="softmax: logits must be a floating-point tensor"):
        nd.nn.softmax(T(np.array([1, 2])))
    with pytest.raises(ValueError, match=r"invalid axis 2 for a tensor of rank 2 \(valid axes"):
        nd.nn.log_softmax(T(np.zeros((2, 3))), axis=2)


# -- statistics, normalization, losses ------------------------------------------------
@pytest.mark.parametrize("axes, keepdims", [([0], False), ([0, 2], True), (1, False)])
def test_moments(axes, keepdims):
    x = RNG.normal(size=(3, 4, 2)).astype(np.float32)
    mean, var = nd.nn.moments(T(x), axes=axes, keepdims=keepdims)
    ax = tuple(axes) if isinstance(axes, list) else axes
    np.testing.assert_allclose(mean.numpy(), x.mean(axis=ax, keepdims=keepdims), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(var.numpy(), x.var(axis=ax, keepdims=keepdims), rtol=1e-5)
    assert mean.dtype == var.dtype == nd.float32


def test_moments_of_float16_accumulate_in_float32():
    x = np.full(4096, 100.0, dtype=np.float16) + np.tile([0.0, 1.0], 2048).astype(np.float16)
    mean, var = nd.nn.moments(T(x), axes=[0])
    assert mean.dtype == nd.float16
    np.testing.assert_allclose([float(mean), float(var)], [100.5, 0.25], rtol=1e-3)


def test_l2_loss_and_l2_normalize():
    x = RNG.normal(size=(3, 4)).astype(np.float32)
    loss = nd.nn.l2_loss(T(x))
    assert loss.shape == () and loss.dtype == nd.float32
    np.testing.assert_allclose(float(loss), np.sum(x.astype(np.float64) ** 2) / 2, rtol=1e-5)
    out = nd.nn.l2_normalize(T(x), axis=1)
    np.testing.assert_allclose(out.numpy(), x / np.linalg.norm(x, axis=1, keepdims=True),
                               rtol=1e-5)
    np.testing.assert_array_equal(nd.nn.l2_normalize(T(np.zeros(3))).numpy(), np.zeros(3))


def test_batch_normalization_matches_formula():
    x = RNG.normal(size=(4, 3))
    m, v, b, s = x.mean(0), x.var(0), RNG.normal(size=3), RNG.normal(size=3)
    out = nd.nn.batch_normalization(T(x), T(m), T(v), T(b), T(s), variance_epsilon=1e-3)
    np.testing.assert_allclose(out.numpy(), s * (x - m) / np.sqrt(v + 1e-3) + b)
    bare = nd.nn.batch_normalization(T(x), T(m), T(v), None, None, variance_epsilon=1e-3)
    np.testing.assert_allclose(bare.numpy(), (x - m) / np.sqrt(v + 1e-3))


def test_bias_add_formats():
    x = RNG.normal(size=(2, 3, 4)).astype(np.float32)
    b3, b4 = np.arange(3, dtype=np.float32), np.arange(4, dtype=np.float32)
    np.testing.assert_allclose(nd.nn.bias_add(T(x), T(b4)).numpy(), x + b4)
    np.testing.assert_allclose(nd.nn.bias_add(T(x), T(b3), data_format="NCW").numpy(),
                               x + b3[:, None])
    with pytest.raises(ValueError, match=r"as many biases .* \[3\] vs. \[2,3,4\]"):
        nd.nn.bias_add(T(x), T(b3))


# -- dropout ---------------------------------------------------------------------------
def test_dropout_scales_kept_values_and_drops_about_rate():
    x = RNG.uniform(1.0, 2.0, size=(200, 500)).astype(np.float32)
    out = nd.nn.dropout(T(x), rate=0.3, seed=1).numpy()
    assert out.dtype == np.float32
    kept = out != 0
    np.testing.assert_allclose(out[kept], x[kept] * np.float32(1 / 0.7), rtol=1e-6)
    assert abs(1 - kept.mean() - 0.3) < 0.01


def test_dropout_rate_zero_is_identity():
    x = T(RNG.normal(size=(3, 4)).astype(np.float32))
    np.testing.assert_array_equal(nd.nn.dropout(x, 0.0).numpy(), x.numpy())


def test_dropout_noise_shape_shares_decisions():
    x = np.ones((50, 8), dtype=np.float32)
    out = nd.nn.dropout(T(x), 0.5, noise_shape=[50, 1]).numpy()
    assert np.all(out == out[:, :1])
    out = nd.nn.dropout(T(x), 0.5, noise_shape=[None, 1]).numpy()
    assert np.all(out == out[:, :1])


def test_dropout_is_reproducible_with_seeds():
    x = T(np.ones((4, 6), dtype=np.float32))

    def run():
        nd.random.set_seed(11)
        return [nd.nn.dropout(x, 0.5).numpy(), nd.nn.dropout(x, 0.5, seed=3).numpy(),
                nd.nn.dropout(x, 0.5, seed=3).numpy()]

    first, second = run(), run()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    nd.random.set_seed(None)


def test_dropout_gradient_is_the_mask():
    x = T(RNG.uniform(1.0, 2.0, size=(5, 6)))
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = nd.nn.dropout(x, 0.25)
    g = tape.gradient(y, x).numpy()
    np.testing.assert_allclose(g, np.where(y.numpy() != 0, 1 / 0.75, 0.0))


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5, "a"])
def test_dropout_rejects_bad_rates(rate):
    with pytest.raises(ValueError, match=r"rate must be .* in the range \[0, 1\)"):
        nd.nn.dropout(T(np.ones(3, np.float32)), rate)


def test_dropout_errors():
    with pytest.raises(TypeError, match="floating point tensor .* got a int32"):
        nd.nn.dropout(T(np.ones(3, np.int32)), 0.5)
    with pytest.raises(ValueError, match="noise_shape"):
        nd.nn.dropout(T(np.ones((2, 3), np.float32)), 0.5, noise_shape=[2, 2])
