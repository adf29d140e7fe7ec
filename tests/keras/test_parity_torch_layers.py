"""Keras layers and activations agree with PyTorch on identical float64 inputs and weights.

Each check runs the ndflow computation and its PyTorch twin, compares the outputs, and
compares the gradients of ``sum(out * w)`` (``w`` fixed and random) with respect to every
input and every weight. Convention differences are written out where they occur:
``torch.nn.Linear`` stores ``kernel.T``; torch's PReLU puts channels on axis 1.
"""

import numpy as np
import pytest

from ndflow.autodiff.tape import GradientTape
from ndflow.core.tensor import wrap
from ndflow.keras import activations
from ndflow.keras.layers.activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from ndflow.keras.layers.core import Dense
from ndflow.keras.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
)
from ndflow.ops.reduction import reduce_sum

torch = pytest.importorskip("torch")
F = torch.nn.functional

RTOL, ATOL = 1e-9, 1e-12


def rand(*shape, low=-1.0, high=1.0, seed=0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def away(x, points, gap=0.05):
    """Move values within ``gap`` of a kink (``points``) off it, keeping them in float64."""
    for p in points:
        near = np.abs(x - p) < gap
        x = np.where(near, p + np.where(x >= p, gap, -gap), x)
    return x


def ndflow_run(fn, inputs, weights, projection):
    """Output and gradients (inputs, then weights) of ``sum(fn(*inputs) * projection)``."""
    ts = [wrap(x) for x in inputs]
    with GradientTape() as tape:
        tape.watch(ts)
        out = fn(*ts)
        scalar = reduce_sum(out * wrap(projection))
    grads = tape.gradient(scalar, ts + list(weights))
    return out.numpy(), [g.numpy() for g in grads]


def torch_run(fn, inputs, weights, projection):
    ts = [torch.tensor(x, requires_grad=True) for x in inputs]
    out = fn(*ts)
    out.backward(torch.tensor(projection))
    return out.detach().numpy(), [t.grad.numpy() for t in ts] + [w.grad.numpy() for w in weights]


def assert_twins(nd_fn, torch_fn, inputs, nd_weights=(), torch_weights=(), weight_maps=None,
                 rtol=RTOL, atol=ATOL):
    """Compare outputs and all gradients; ``weight_maps`` turn torch weight grads to ndflow's."""
    probe = nd_fn(*[wrap(x) for x in inputs]).numpy()
    projection = np.random.default_rng(1).standard_normal(probe.shape)
    nd_out, nd_grads = ndflow_run(nd_fn, inputs, nd_weights, projection)
    torch_out, torch_grads = torch_run(torch_fn, inputs, torch_weights, projection)
    np.testing.assert_allclose(nd_out, torch_out, rtol=rtol, atol=atol)
    maps = list(weight_maps or [lambda g: g] * len(nd_weights))
    maps = [lambda g: g] * len(inputs) + maps
    assert len(nd_grads) == len(torch_grads)
    for i, (a, b, to_nd) in enumerate(zip(nd_grads, torch_grads, maps)):
        np.testing.assert_allclose(a, to_nd(b), rtol=rtol, atol=atol, err_msg=f"gradient {i}")


# -- Dense -------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4)])
def test_dense_matches_linear_with_the_transposed_kernel(shape):
    layer = Dense(3, dtype="float64", bias_initializer="random_normal")
    x = rand(*shape)
    layer(x)
    linear = torch.nn.Linear(4, 3, dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(layer.kernel.numpy().T))
        linear.bias.copy_(torch.tensor(layer.bias.numpy()))
    assert_twins(layer, linear, [x], [layer.kernel, layer.bias], [linear.weight, linear.bias],
                 weight_maps=[lambda g: g.T, lambda g: g])


def test_dense_with_activation_matches_linear_then_activation():
    layer = Dense(3, activation="tanh", dtype="float64")
    x = rand(4, 5)
    layer(x)
    linear = torch.nn.Linear(5, 3, dtype=torch.float64)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(layer.kernel.numpy().T))
        linear.bias.copy_(torch.tensor(layer.bias.numpy()))
    assert_twins(layer, lambda t: torch.tanh(linear(t)), [x], [layer.kernel, layer.bias],
                 [linear.weight, linear.bias], weight_maps=[lambda g: g.T, lambda g: g])


# -- activation functions ----------------------------------------------------------------
X = rand(3, 8, low=-4.0, high=7.0, seed=2)

ACTIVATIONS = [
    ("relu", activations.relu, F.relu, [0.0]),
    ("relu6", activations.relu6, F.relu6, [0.0, 6.0]),
    ("leaky_relu", lambda x: activations.leaky_relu(x, negative_slope=0.2),
     lambda x: F.leaky_relu(x, 0.2), [0.0]),
    ("elu", activations.elu, F.elu, [0.0]),
    ("elu_alpha", lambda x: activations.elu(x, alpha=0.7), lambda x: F.elu(x, 0.7), [0.0]),
    ("celu", lambda x: activations.celu(x, alpha=0.5), lambda x: F.celu(x, 0.5), [0.0]),
    ("selu", activations.selu, F.selu, [0.0]),
    ("gelu", activations.gelu, F.gelu, []),
    ("gelu_tanh", lambda x: activations.gelu(x, approximate=True),
     lambda x: F.gelu(x, approximate="tanh"), []),
    ("sigmoid", activations.sigmoid, torch.sigmoid, []),
    ("log_sigmoid", activations.log_sigmoid, F.logsigmoid, []),
    ("tanh", activations.tanh, torch.tanh, []),
    ("softplus", activations.softplus, F.softplus, []),
    ("softsign", activations.softsign, F.softsign, []),
    ("silu", activations.silu, F.silu, []),
    ("swish", activations.swish, F.silu, []),
    ("mish", activations.mish, F.mish, []),
    ("exponential", activations.exponential, torch.exp, []),
    # Keras 3's hard_sigmoid is relu6(x + 3) / 6, which is torch's hardsigmoid (Keras 2
    # used 0.2 * x + 0.5, which is not)
    ("hard_sigmoid", activations.hard_sigmoid, F.hardsigmoid, [-3.0, 3.0], 1e-7),
    ("hard_silu", activations.hard_silu, F.hardswish, [-3.0, 3.0]),
    ("hard_tanh", activations.hard_tanh, F.hardtanh, [-1.0, 1.0]),
    ("hard_shrink", activations.hard_shrink, F.hardshrink, [-0.5, 0.5]),
    ("soft_shrink", activations.soft_shrink, F.softshrink, [-0.5, 0.5]),
    ("tanh_shrink", activations.tanh_shrink, F.tanhshrink, []),
    ("glu", activations.glu, F.glu, []),
]


@pytest.mark.parametrize("case", ACTIVATIONS, ids=[case[0] for case in ACTIVATIONS])
def test_activation_functions_match_torch(case):
    # torch's float64 hardsigmoid backward multiplies by a float32 1/6 (relative error 3e-8)
    name, nd_fn, torch_fn, kinks, *rtol = case
    assert_twins(nd_fn, torch_fn, [away(X, kinks)], rtol=rtol[0] if rtol else RTOL)


def test_hard_sigmoid_is_relu6_shifted_and_scaled():
    x = away(X, [-3.0, 3.0])
    expected = np.clip(x + 3.0, 0.0, 6.0) / 6.0
    np.testing.assert_allclose(activations.hard_sigmoid(x).numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(F.hardsigmoid(torch.tensor(x)).numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("axis", [-1, 1, 0])
def test_softmax_and_log_softmax_match_torch(axis):
    x = rand(2, 3, 4, low=-3.0, high=3.0, seed=3)
    assert_twins(lambda t: activations.softmax(t, axis=axis),
                 lambda t: torch.softmax(t, dim=axis), [x])
    assert_twins(lambda t: activations.log_softmax(t, axis=axis),
                 lambda t: torch.log_softmax(t, dim=axis), [x])


# -- activation layers -------------------------------------------------------------------
def test_activation_layers_match_torch_modules():
    x = away(rand(4, 6, low=-8.0, high=8.0, seed=4), [0.0, 6.0])
    cases = [
        (ReLU(dtype="float64"), torch.nn.ReLU()),
        (ReLU(max_value=6, dtype="float64"), torch.nn.ReLU6()),
        (LeakyReLU(dtype="float64"), torch.nn.LeakyReLU(0.3)),
        (ELU(alpha=0.7, dtype="float64"), torch.nn.ELU(0.7)),
        (Softmax(dtype="float64"), torch.nn.Softmax(dim=-1)),
        (Softmax(axis=0, dtype="float64"), torch.nn.Softmax(dim=0)),
    ]
    for layer, module in cases:
        assert_twins(layer, module, [x])


def test_prelu_matches_torch_with_one_slope_per_channel():
    x = away(rand(2, 3, 4, 5, seed=5), [0.0])  # channels last: (batch, height, width, channels)
    layer = PReLU(alpha_initializer="random_uniform", shared_axes=[1, 2], dtype="float64")
    layer(x)
    module = torch.nn.PReLU(num_parameters=5, dtype=torch.float64)
    with torch.no_grad():
        module.weight.copy_(torch.tensor(layer.alpha.numpy().reshape(5)))

    def channels_first(t):
        return module(t.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)

    assert_twins(layer, channels_first, [x], [layer.alpha], [module.weight],
                 weight_maps=[lambda g: g.reshape(1, 1, 5)])


# -- merging layers ----------------------------------------------------------------------
A, B, C = (rand(3, 4, seed=s) for s in (6, 7, 8))

MERGES = [
    ("add", Add, lambda a, b, c: torch.add(torch.add(a, b), c)),
    ("multiply", Multiply, lambda a, b, c: torch.mul(torch.mul(a, b), c)),
    ("average", Average, lambda a, b, c: torch.mean(torch.stack([a, b, c]), dim=0)),
    ("maximum", Maximum, lambda a, b, c: torch.max(torch.stack([a, b, c]), dim=0).values),
    ("minimum", Minimum, lambda a, b, c: torch.min(torch.stack([a, b, c]), dim=0).values),
    ("concatenate", Concatenate, lambda a, b, c: torch.cat([a, b, c], dim=-1)),
]


@pytest.mark.parametrize("name, cls, torch_fn", MERGES, ids=[case[0] for case in MERGES])
def test_merging_layers_match_torch(name, cls, torch_fn):
    layer = cls(dtype="float64")
    assert_twins(lambda a, b, c: layer([a, b, c]), torch_fn, [A, B, C])


def test_subtract_and_concatenate_on_an_inner_axis_match_torch():
    layer = Subtract(dtype="float64")
    assert_twins(lambda a, b: layer([a, b]), torch.sub, [A, B])
    x, y = rand(2, 3, 4, seed=9), rand(2, 5, 4, seed=10)
    layer = Concatenate(axis=1, dtype="float64")
    assert_twins(lambda a, b: layer([a, b]), lambda a, b: torch.cat([a, b], dim=1), [x, y])


DOTS = [
    ("vectors", 1, (3, 4), (3, 4),
     lambda a, b: torch.bmm(a.unsqueeze(1), b.unsqueeze(2)).squeeze(-1)),
    ("matmul", (2, 1), (2, 3, 4), (2, 4, 5), torch.bmm),
    ("last_axes", 2, (2, 3, 4), (2, 5, 4), lambda a, b: torch.bmm(a, b.transpose(1, 2))),
    ("first_axes", (1, 2), (2, 5, 3), (2, 4, 5),
     lambda a, b: torch.bmm(a.transpose(1, 2), b.transpose(1, 2))),
]


@pytest.mark.parametrize("name, axes, shape_a, shape_b, torch_fn", DOTS,
                         ids=[case[0] for case in DOTS])
def test_dot_matches_torch_bmm(name, axes, shape_a, shape_b, torch_fn):
    layer = Dot(axes=axes, dtype="float64")
    assert_twins(lambda a, b: layer([a, b]), torch_fn, [rand(*shape_a, seed=11),
                                                         rand(*shape_b, seed=12)])


def test_normalized_dot_matches_torch_cosine_similarity():
    layer = Dot(axes=1, normalize=True, dtype="float64")
    assert_twins(lambda a, b: layer([a, b]),
                 lambda a, b: F.cosine_similarity(a, b, dim=1, eps=0.0).unsqueeze(1),
                 [A, B], rtol=1e-7, atol=1e-10)
