"""keras.activations: values against NumPy formulas, gradients, PyTorch twins, lookup."""

import math
import warnings

import numpy as np
import pytest

import ndflow as nd
from ndflow.keras import activations
from ndflow.testing import check_gradients

# Kept away from every kink: 0, +-0.5 (shrinks), +-1, +-3 (hard sigmoid), 6 (relu6).
X = np.array([[-4.2, -2.6, -1.3, -0.7, -0.2],
              [0.3, 0.8, 1.6, 3.4, 6.7]])
SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
_erf = np.vectorize(math.erf)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softplus(x):
    return np.logaddexp(x, 0)


def _log_softmax(x, axis=-1):
    return x - np.logaddexp.reduce(x, axis=axis, keepdims=True)


def _hard_sigmoid(x):
    return np.clip(x + 3, 0, 6) / 6


# name -> (ndflow function, NumPy reference)
TABLE = {
    "linear": (activations.linear, lambda x: x),
    "relu": (activations.relu, lambda x: np.maximum(x, 0)),
    "relu6": (activations.relu6, lambda x: np.clip(x, 0, 6)),
    "leaky_relu": (activations.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
    "elu": (activations.elu, lambda x: np.where(x > 0, x, np.expm1(x))),
    "elu_alpha": (lambda x: activations.elu(x, alpha=0.5),
                  lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    "selu": (activations.selu,
             lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x))),
    "celu": (lambda x: activations.celu(x, alpha=2.0),
             lambda x: np.where(x > 0, x, 2.0 * np.expm1(x / 2.0))),
    "gelu": (activations.gelu, lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2)))),
    "gelu_approximate": (
        lambda x: activations.gelu(x, approximate=True),
        lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))),
    "sigmoid": (activations.sigmoid, _sigmoid),
    "hard_sigmoid": (activations.hard_sigmoid, _hard_sigmoid),
    "sparse_sigmoid": (activations.sparse_sigmoid, lambda x: np.clip((x + 1) / 2, 0, 1)),
    "log_sigmoid": (activations.log_sigmoid, lambda x: np.log(_sigmoid(x))),
    "tanh": (activations.tanh, np.tanh),
    "hard_tanh": (activations.hard_tanh, lambda x: np.clip(x, -1, 1)),
    "softmax": (activations.softmax, lambda x: np.exp(_log_softmax(x))),
    "softmax_axis0": (lambda x: activations.softmax(x, axis=0),
                      lambda x: np.exp(_log_softmax(x, axis=0))),
    "softmax_tuple_axis": (lambda x: activations.softmax(x, axis=(0, 1)),
                           lambda x: np.exp(x - np.logaddexp.reduce(x, axis=None))),
    "log_softmax": (activations.log_softmax, _log_softmax),
    "log_softmax_tuple_axis": (lambda x: activations.log_softmax(x, axis=(0, 1)),
                               lambda x: x - np.logaddexp.reduce(x, axis=None)),
    "softplus": (activations.softplus, _softplus),
    "softsign": (activations.softsign, lambda x: x / (1 + np.abs(x))),
    "sparse_plus": (activations.sparse_plus,
                    lambda x: np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4))),
    "squareplus": (lambda x: activations.squareplus(x, b=2),
                   lambda x: (x + np.sqrt(x * x + 2)) / 2),
    "silu": (activations.silu, lambda x: x * _sigmoid(x)),
    "hard_silu": (activations.hard_silu, lambda x: x * _hard_sigmoid(x)),
    "mish": (activations.mish, lambda x: x * np.tanh(_softplus(x))),
    "exponential": (activations.exponential, np.exp),
    "glu": (activations.glu, lambda x: x[:, :2] * _sigmoid(x[:, 2:])),
    "hard_shrink": (activations.hard_shrink, lambda x: np.where(np.abs(x) > 0.5, x, 0)),
    "soft_shrink": (lambda x: activations.soft_shrink(x, threshold=1.0),
                    lambda x: np.where(x > 1, x - 1, np.where(x < -1, x + 1, 0))),
    "tanh_shrink": (activations.tanh_shrink, lambda x: x - np.tanh(x)),
    "threshold": (lambda x: activations.threshold(x, 0.5, -2.0),
                  lambda x: np.where(x > 0.5, x, -2.0)),
    "step": (activations.step, lambda x: (x > 0).astype(x.dtype)),
    # relu's options, against Keras's piecewise definition
    "relu_slope": (lambda x: activations.relu(x, negative_slope=0.5),
                   lambda x: np.where(x > 0, x, 0.5 * x)),
    "relu_max": (lambda x: activations.relu(x, max_value=1.0), lambda x: np.clip(x, 0, 1)),
    "relu_max6": (lambda x: activations.relu(x, max_value=6), lambda x: np.clip(x, 0, 6)),
    "relu_threshold": (lambda x: activations.relu(x, threshold=1.0),
                       lambda x: np.where(x > 1, x, 0)),
    "relu_all": (lambda x: activations.relu(x, negative_slope=0.1, max_value=3.0,
                                            threshold=0.5),
                 lambda x: np.where(x >= 3, 3, np.where(x > 0.5, x, 0.1 * (x - 0.5)))),
    "relu_slope_max": (lambda x: activations.relu(x, negative_slope=0.3, max_value=2.0),
                       lambda x: np.where(x >= 2, 2, np.where(x > 0, x, 0.3 * x))),
}
# glu halves the last axis, so it gets a 4-wide input
GLU_X = np.array([[-4.2, -2.6, -1.3, -0.7], [0.3, 0.8, 1.6, 3.4]])


def _input(name):
    return GLU_X if name == "glu" else X


@pytest.mark.parametrize("name", TABLE)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_match_numpy(name, dtype):
    fn, ref = TABLE[name]
    x = _input(name).astype(dtype)
    out = fn(nd.convert_to_tensor(x))
    assert out.dtype == nd.as_dtype(dtype)
    tol = 2e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out.numpy(), ref(x.astype(np.float64)), rtol=tol, atol=tol)


@pytest.mark.parametrize("name", [n for n in TABLE if n != "linear"])
def test_gradients(name):
    fn, _ = TABLE[name]
    check_gradients(fn, [_input(name)], order=2)


def test_step_gradient_is_zero_not_none():
    x = nd.constant([-1.5, 0.0, 2.0], dtype=nd.float64)
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = activations.step(x)
    np.testing.assert_array_equal(y.numpy(), [0.0, 0.0, 1.0])
    grad = tape.gradient(y, x)
    assert grad is not None
    np.testing.assert_array_equal(grad.numpy(), [0.0, 0.0, 0.0])


def test_keras_relu_examples():
    x = [-10.0, -5.0, 0.0, 5.0, 10.0]
    np.testing.assert_array_equal(activations.relu(x).numpy(), [0, 0, 0, 5, 10])
    np.testing.assert_array_equal(activations.relu(x, negative_slope=0.5).numpy(),
                                  [-5, -2.5, 0, 5, 10])
    np.testing.assert_array_equal(activations.relu(x, max_value=5.0).numpy(), [0, 0, 0, 5, 5])
    # at the threshold itself the output is 0, as in Keras
    np.testing.assert_array_equal(activations.relu(x, threshold=5.0).numpy(), [0, 0, 0, 0, 10])


def test_hard_sigmoid_and_hard_silu_keras_values():
    x = [-3.0, -1.0, 0.0, 1.0, 3.0]
    np.testing.assert_allclose(activations.hard_sigmoid(x).numpy(), [0, 1 / 3, 0.5, 2 / 3, 1],
                               rtol=1e-6)
    np.testing.assert_allclose(activations.hard_silu(x).numpy(), [0, -1 / 3, 0, 2 / 3, 3],
                               rtol=1e-6)


def test_integer_inputs_become_floatx():
    out = activations.sigmoid(np.array([0, 1], dtype=np.int64))
    assert out.dtype == nd.float32
    np.testing.assert_allclose(out.numpy(), [0.5, _sigmoid(1.0)], rtol=1e-6)
    assert activations.relu([1, -2]).dtype == nd.float32


def test_linear_returns_its_input():
    t = nd.constant([1.0, -2.0])
    assert activations.linear(t) is t


def test_softmax_over_a_size_one_axis_warns():
    with pytest.warns(UserWarning, match="size 1"):
        out = activations.softmax(np.zeros((4, 1), np.float32))
    np.testing.assert_array_equal(out.numpy(), np.ones((4, 1)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        activations.softmax(np.zeros((4, 2), np.float32))


def test_glu_needs_an_even_axis():
    with pytest.raises(ValueError, match="even size"):
        activations.glu(np.zeros((2, 3), np.float32))


# -- PyTorch twins -----------------------------------------------------------------------
def _torch_twins():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    return {
        "relu": F.relu, "relu6": F.relu6, "elu": F.elu, "selu": F.selu,
        "leaky_relu": lambda t: F.leaky_relu(t, 0.2), "celu": lambda t: F.celu(t, 2.0),
        "gelu": F.gelu, "gelu_approximate": lambda t: F.gelu(t, approximate="tanh"),
        "sigmoid": torch.sigmoid, "hard_sigmoid": F.hardsigmoid, "log_sigmoid": F.logsigmoid,
        "tanh": torch.tanh, "hard_tanh": F.hardtanh, "softmax": lambda t: F.softmax(t, -1),
        "log_softmax": lambda t: F.log_softmax(t, -1), "softplus": F.softplus,
        "softsign": F.softsign, "silu": F.silu, "hard_silu": F.hardswish, "mish": F.mish,
        "glu": F.glu, "hard_shrink": F.hardshrink, "soft_shrink": lambda t: F.softshrink(t, 1.0),
        "tanh_shrink": F.tanhshrink, "threshold": lambda t: F.threshold(t, 0.5, -2.0),
    }


@pytest.mark.parametrize("name", ["relu", "relu6", "elu", "selu", "leaky_relu", "celu",
                                  "gelu", "gelu_approximate", "sigmoid", "hard_sigmoid",
                                  "log_sigmoid", "tanh", "hard_tanh", "softmax",
                                  "log_softmax", "softplus", "softsign", "silu", "hard_silu",
                                  "mish", "glu", "hard_shrink", "soft_shrink", "tanh_shrink",
                                  "threshold"])
def test_matches_pytorch(name):
    torch = pytest.importorskip("torch")
    twin = _torch_twins()[name]
    fn = TABLE[name][0]
    x = _input(name)
    w = np.random.default_rng(3).standard_normal(fn(x).shape)
    xt = torch.tensor(x, requires_grad=True)
    out_t = twin(xt)
    (out_t * torch.tensor(w)).sum().backward()
    xn = nd.constant(x)
    with nd.GradientTape() as tape:
        tape.watch(xn)
        out = fn(xn)
        loss = nd.reduce_sum(out * w)
    np.testing.assert_allclose(out.numpy(), out_t.detach().numpy(), rtol=1e-10, atol=1e-12)
    # PyTorch's hardsigmoid backward multiplies by a float32 1/6, even for float64
    rtol = 1e-7 if name == "hard_sigmoid" else 1e-9
    np.testing.assert_allclose(tape.gradient(loss, xn).numpy(), xt.grad.numpy(), rtol=rtol,
                               atol=1e-12)


# -- lookup by name --------------------------------------------------------------------
NAMES = ["linear", "relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "sigmoid",
         "hard_sigmoid", "hard_silu", "hard_swish", "tanh", "softmax", "log_softmax",
         "softplus", "softsign", "silu", "swish", "exponential", "mish", "step", "glu",
         "hard_shrink", "soft_shrink", "tanh_shrink", "hard_tanh", "log_sigmoid",
         "sparse_plus", "sparse_sigmoid", "squareplus", "threshold"]


@pytest.mark.parametrize("name", NAMES)
def test_get_by_name_and_round_trip(name):
    fn = activations.get(name)
    assert fn is getattr(activations, name)
    config = activations.serialize(fn)
    assert isinstance(config, str)
    assert activations.deserialize(config) is fn
    assert activations.get(config) is fn


def test_aliases_serialize_to_the_canonical_name():
    assert activations.get("swish") is activations.silu
    assert activations.serialize(activations.swish) == "silu"
    assert activations.serialize(activations.get("hard_swish")) == "hard_silu"


def test_get_none_callable_and_dict():
    assert activations.get(None) is activations.linear

    def custom(x):
        return x * 2

    assert activations.get(custom) is custom
    assert activations.get(activations.tanh) is activations.tanh
    assert activations.get({"class_name": "function", "config": "relu"}) is activations.relu


def test_get_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"Unknown activation function: 'rleu'.*relu, relu6"):
        activations.get("rleu")


def test_get_rejects_non_callables():
    with pytest.raises(ValueError, match="Could not interpret activation"):
        activations.get(42)


def test_custom_function_serializes_and_deserializes_with_custom_objects():
    def scaled_tanh(x):
        return activations.tanh(x) * 2

    config = activations.serialize(scaled_tanh)
    assert config["class_name"] == "function" and config["config"] == "scaled_tanh"
    with pytest.raises(ValueError, match="Unknown activation"):
        activations.deserialize(config)
    assert activations.deserialize(config, {"scaled_tanh": scaled_tanh}) is scaled_tanh
    with pytest.raises(ValueError, match="Cannot serialize"):
        activations.serialize(lambda x: x)
