"""Values and gradients agree with PyTorch on the same float64 inputs.

Each case runs ``fn`` in ndflow and its twin in PyTorch on identical inputs and compares
the outputs and the gradients of ``sum(out * w)`` for a fixed random ``w``, with respect
to every float argument. Integer arguments (indices, class labels) are passed through.
API differences are written out in the lambdas (leaky_relu's alpha, dims vs axes ...).
"""

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import ndflow as nd
from tests.ops.cases import rand as r


@dataclasses.dataclass
class Twin:
    name: str
    nd_fn: Callable | str  # a name under ndflow ("nn.relu") is looked up when run
    torch_fn: Callable
    args: list
    rtol: float = 1e-10

    def __str__(self):
        return self.name


def away(*shape, gap=0.1):
    """Float64 input in [-1, 1] kept at least ``gap`` from 0 (kinks of relu, abs ...)."""
    x = r(*shape)
    return np.where(x >= 0, x + gap, x - gap)


def probs(*shape):
    """Rows that are probability distributions."""
    p = r(*shape, low=0.1, high=1.0)
    return p / p.sum(axis=-1, keepdims=True)


POS = dict(low=0.5, high=2.0)
IDX = np.array([2, 0, 2, 1])
LABELS = np.array([1, 0, 3])
MASK = np.array([True, False, True, True])

CASES = [
    # -- elementwise unary
    Twin("exp", "exp", torch.exp, [r(2, 3)]),
    Twin("log", "math.log", torch.log, [r(2, 3, **POS)]),
    Twin("log1p", "math.log1p", torch.log1p, [r(5, **POS)]),
    Twin("expm1", "math.expm1", torch.expm1, [r(5)]),
    Twin("sqrt", "sqrt", torch.sqrt, [r(2, 3, **POS)]),
    Twin("rsqrt", "math.rsqrt", torch.rsqrt, [r(4, **POS)]),
    Twin("square", "square", torch.square, [r(2, 3)]),
    Twin("reciprocal", "math.reciprocal", torch.reciprocal, [r(4, **POS)]),
    Twin("negative", "negative", torch.neg, [r(4)]),
    Twin("abs", "abs", torch.abs, [away(2, 3)]),
    Twin("sin", "sin", torch.sin, [r(2, 3)]),
    Twin("cos", "cos", torch.cos, [r(2, 3)]),
    Twin("tan", "math.tan", torch.tan, [r(4)]),
    Twin("atan", "math.atan", torch.atan, [r(4)]),
    Twin("sinh", "math.sinh", torch.sinh, [r(4)]),
    Twin("tanh", "tanh", torch.tanh, [r(2, 3)]),
    Twin("sigmoid", "sigmoid", torch.sigmoid, [r(2, 3, low=-4, high=4)]),
    Twin("erf", lambda x: nd.math.erf(x), torch.erf, [r(5)]),
    Twin("pow_scalar", lambda x: x**3, lambda x: x**3, [r(4)]),
    # -- elementwise binary, broadcasting
    Twin("add", "add", torch.add, [r(2, 3), r(3)]),
    Twin("subtract", "subtract", torch.sub, [r(2, 1, 3), r(4, 1)]),
    Twin("multiply", "multiply", torch.mul, [r(2, 3), r(2, 1)]),
    Twin("divide", "divide", torch.div, [r(2, 3), r(1, 3, **POS)]),
    Twin("pow", "pow", torch.pow, [r(2, 3, **POS), r(3)]),
    Twin("maximum", "maximum", torch.maximum, [r(2, 3), r(3)]),
    Twin("minimum", "minimum", torch.minimum, [r(3, 1), r(3, 4)]),
    Twin("squared_difference", "math.squared_difference", lambda a, b: (a - b) ** 2,
         [r(2, 3), r(3)]),
    Twin("atan2", "math.atan2", torch.atan2, [r(2, 3), r(2, 3, **POS)]),
    Twin("where", lambda a, b: nd.where(nd.constant(MASK), a, b),
         lambda a, b: torch.where(torch.tensor(MASK), a, b), [r(4), r(2, 4)]),
    Twin("clip_by_value", lambda x: nd.clip_by_value(x, -0.5, 0.5),
         lambda x: torch.clamp(x, -0.5, 0.5), [r(3, 4)]),
    # -- reductions
    Twin("reduce_sum", lambda x: nd.reduce_sum(x, axis=1, keepdims=True),
         lambda x: x.sum(dim=1, keepdim=True), [r(2, 3, 4)]),
    Twin("reduce_sum_all", "reduce_sum", torch.sum, [r(2, 3)]),
    Twin("reduce_mean", lambda x: nd.reduce_mean(x, axis=[0, 2]),
         lambda x: x.mean(dim=(0, 2)), [r(2, 3, 4)]),
    Twin("reduce_max", lambda x: nd.reduce_max(x, axis=-1),
         lambda x: torch.amax(x, dim=-1), [r(3, 5)]),
    Twin("reduce_min", lambda x: nd.reduce_min(x, axis=0, keepdims=True),
         lambda x: torch.amin(x, dim=0, keepdim=True), [r(3, 5)]),
    Twin("reduce_prod", lambda x: nd.reduce_prod(x, axis=1),
         lambda x: torch.prod(x, dim=1), [away(3, 4)]),
    Twin("reduce_logsumexp", lambda x: nd.reduce_logsumexp(x, axis=1),
         lambda x: torch.logsumexp(x, dim=1), [r(3, 4, low=-3, high=3)]),
    Twin("reduce_std", lambda x: nd.math.reduce_std(x, axis=0),
         lambda x: torch.std(x, dim=0, correction=0), [r(5, 3)]),
    Twin("reduce_variance", lambda x: nd.math.reduce_variance(x, axis=-1, keepdims=True),
         lambda x: torch.var(x, dim=-1, correction=0, keepdim=True), [r(3, 5)]),
    Twin("moments", lambda x: nd.add(*nd.nn.moments(x, axes=[0])),
         lambda x: x.mean(dim=0) + x.var(dim=0, correction=0), [r(4, 3)]),
    Twin("cumsum", lambda x: nd.cumsum(x, axis=1), lambda x: torch.cumsum(x, dim=1),
         [r(3, 4)]),
    Twin("cumsum_reverse", lambda x: nd.cumsum(x, axis=0, reverse=True),
         lambda x: torch.flip(torch.cumsum(torch.flip(x, [0]), dim=0), [0]), [r(4, 2)]),
    Twin("cumprod", lambda x: nd.math.cumprod(x, axis=-1),
         lambda x: torch.cumprod(x, dim=-1), [away(2, 4)]),
    Twin("norm", "norm", torch.linalg.norm, [r(3, 4)]),
    Twin("norm_axis", lambda x: nd.norm(x, axis=1, keepdims=True),
         lambda x: torch.linalg.vector_norm(x, dim=1, keepdim=True), [r(3, 4)]),
    Twin("norm_ord1", lambda x: nd.norm(x, ord=1, axis=0),
         lambda x: torch.linalg.vector_norm(x, ord=1, dim=0), [away(3, 4)]),
    Twin("l2_normalize", lambda x: nd.nn.l2_normalize(x, axis=-1),
         lambda x: F.normalize(x, dim=-1), [r(3, 4)]),
    # -- linear algebra
    Twin("matmul", "matmul", torch.matmul, [r(3, 4), r(4, 2)]),
    Twin("matmul_batched", "matmul", torch.matmul, [r(2, 3, 4), r(2, 4, 5)]),
    Twin("matmul_broadcast", "matmul", torch.matmul, [r(2, 1, 3, 4), r(3, 4, 2)]),
    Twin("matmul_transpose_b", lambda a, b: nd.matmul(a, b, transpose_b=True),
         lambda a, b: a @ b.mT, [r(3, 4), r(5, 4)]),
    Twin("matmul_operator", lambda a, b: a @ b, lambda a, b: a @ b, [r(2, 3), r(3, 2)]),
    Twin("einsum_matmul", lambda a, b: nd.einsum("ij,jk->ik", a, b),
         lambda a, b: torch.einsum("ij,jk->ik", a, b), [r(2, 3), r(3, 4)]),
    Twin("einsum_batch", lambda a, b: nd.einsum("bij,bkj->bik", a, b),
         lambda a, b: torch.einsum("bij,bkj->bik", a, b), [r(2, 3, 4), r(2, 5, 4)]),
    Twin("einsum_outer", lambda a, b: nd.einsum("i,j->ij", a, b),
         lambda a, b: torch.einsum("i,j->ij", a, b), [r(3), r(4)]),
    Twin("einsum_trace", lambda a: nd.einsum("ii->", a),
         lambda a: torch.einsum("ii->", a), [r(3, 3)]),
    Twin("linalg_inv", "linalg.inv", torch.linalg.inv, [r(3, 3) + 3 * np.eye(3)]),
    Twin("linalg_det", "linalg.det", torch.linalg.det, [r(3, 3) + 2 * np.eye(3)]),
    Twin("linalg_trace", "linalg.trace", lambda x: torch.diagonal(x, dim1=-2, dim2=-1).sum(-1),
         [r(2, 3, 3)]),
    # -- softmax and losses on logits
    Twin("softmax", "nn.softmax", lambda x: torch.softmax(x, dim=-1), [r(3, 4, low=-3)]),
    Twin("softmax_axis0", lambda x: nd.nn.softmax(x, axis=0),
         lambda x: torch.softmax(x, dim=0), [r(3, 4, low=-3)]),
    Twin("log_softmax", "nn.log_softmax", lambda x: torch.log_softmax(x, dim=-1),
         [r(3, 4, low=-3)]),
    Twin("softmax_cross_entropy_with_logits",
         lambda y, z: nd.nn.softmax_cross_entropy_with_logits(labels=y, logits=z),
         lambda y, z: F.cross_entropy(z, y, reduction="none"),
         [probs(3, 4), r(3, 4, low=-3, high=3)]),
    Twin("sparse_softmax_cross_entropy_with_logits",
         lambda z: nd.nn.sparse_softmax_cross_entropy_with_logits(
             labels=nd.constant(LABELS), logits=z),
         lambda z: F.cross_entropy(z, torch.tensor(LABELS), reduction="none"),
         [r(3, 4, low=-3, high=3)]),
    Twin("sigmoid_cross_entropy_with_logits",
         lambda y, z: nd.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z),
         lambda y, z: F.binary_cross_entropy_with_logits(z, y, reduction="none"),
         [r(3, 4, low=0.0, high=1.0), r(3, 4, low=-4, high=4)]),
    # -- activations
    Twin("relu", "nn.relu", torch.relu, [away(3, 4)]),
    Twin("relu6", "nn.relu6", F.relu6, [away(3, 4) * 4 + 3]),
    Twin("elu", "nn.elu", F.elu, [away(3, 4) * 2]),
    Twin("selu", "nn.selu", F.selu, [away(3, 4) * 2]),
    Twin("gelu", "nn.gelu", F.gelu, [r(3, 4, low=-3, high=3)]),
    Twin("gelu_tanh", lambda x: nd.nn.gelu(x, approximate=True),
         lambda x: F.gelu(x, approximate="tanh"), [r(3, 4, low=-3, high=3)]),
    Twin("softplus", "nn.softplus", F.softplus, [r(3, 4, low=-5, high=5)]),
    Twin("softsign", "nn.softsign", F.softsign, [r(3, 4, low=-3, high=3)]),
    Twin("leaky_relu", lambda x: nd.nn.leaky_relu(x, alpha=0.2),
         lambda x: F.leaky_relu(x, negative_slope=0.2), [away(3, 4)]),
    Twin("leaky_relu_default", "nn.leaky_relu",
         lambda x: F.leaky_relu(x, negative_slope=0.2), [away(3, 4)]),
    Twin("silu", "nn.silu", F.silu, [r(3, 4, low=-3, high=3)]),
    Twin("log_sigmoid", "math.log_sigmoid", F.logsigmoid, [r(3, 4, low=-5, high=5)]),
    Twin("bias_add", "nn.bias_add", lambda x, b: x + b, [r(2, 3, 4), r(4)]),
    # -- shape and indexing
    Twin("transpose", lambda x: nd.transpose(x, perm=[2, 0, 1]),
         lambda x: x.permute(2, 0, 1), [r(2, 3, 4)]),
    Twin("transpose_default", "transpose", lambda x: x.permute(2, 1, 0), [r(2, 3, 4)]),
    Twin("reshape", lambda x: nd.reshape(x, [4, -1]), lambda x: x.reshape(4, -1),
         [r(2, 3, 4)]),
    Twin("expand_dims", lambda x: nd.expand_dims(x, 1), lambda x: x.unsqueeze(1), [r(2, 3)]),
    Twin("squeeze", lambda x: nd.squeeze(x, axis=[1]), lambda x: x.squeeze(1), [r(2, 1, 3)]),
    Twin("broadcast_to", lambda x: nd.broadcast_to(x, [2, 3, 4]),
         lambda x: x.expand(2, 3, 4), [r(3, 1)]),
    Twin("tile", lambda x: nd.tile(x, [2, 3]), lambda x: torch.tile(x, (2, 3)), [r(2, 3)]),
    Twin("concat", lambda a, b: nd.concat([a, b], axis=1),
         lambda a, b: torch.cat([a, b], dim=1), [r(2, 3), r(2, 2)]),
    Twin("concat_neg_axis", lambda a, b, c: nd.concat([a, b, c], axis=-2),
         lambda a, b, c: torch.cat([a, b, c], dim=-2), [r(2, 1, 3), r(2, 2, 3), r(2, 3, 3)]),
    Twin("stack", lambda a, b: nd.stack([a, b], axis=1),
         lambda a, b: torch.stack([a, b], dim=1), [r(2, 3), r(2, 3)]),
    Twin("gather", lambda x: nd.gather(x, nd.constant(IDX)),
         lambda x: x[torch.tensor(IDX)], [r(3, 2)]),
    Twin("gather_axis1", lambda x: nd.gather(x, nd.constant(IDX), axis=1),
         lambda x: torch.index_select(x, 1, torch.tensor(IDX)), [r(2, 3)]),
    Twin("gather_nd", lambda x: nd.gather_nd(x, nd.constant([[0, 1], [2, 0], [0, 1]])),
         lambda x: x[torch.tensor([0, 2, 0]), torch.tensor([1, 0, 1])], [r(3, 2)]),
    Twin("boolean_mask", lambda x: nd.boolean_mask(x, nd.constant(MASK)),
         lambda x: x[torch.tensor(MASK)], [r(4, 2)]),
    Twin("getitem_slices", lambda x: x[1:, ::2], lambda x: x[1:, ::2], [r(3, 5)]),
    Twin("getitem_negative", lambda x: x[-1, ..., -2], lambda x: x[-1, ..., -2], [r(3, 2, 4)]),
    Twin("getitem_newaxis", lambda x: x[None, 0, :], lambda x: x[None, 0, :], [r(3, 4)]),
    Twin("getitem_repeated_indices", lambda x: x[[0, 2, 2, -1]],
         lambda x: x[[0, 2, 2, -1]], [r(4, 3)]),
    Twin("pad", lambda x: nd.pad(x, [[1, 0], [2, 1]]),
         lambda x: F.pad(x, (2, 1, 1, 0)), [r(2, 3)]),
    Twin("pad_value", lambda x: nd.pad(x, [[0, 0], [1, 2]], constant_values=1.5),
         lambda x: F.pad(x, (1, 2), value=1.5), [r(2, 3)]),
    Twin("pad_reflect", lambda x: nd.pad(x, [[0, 0], [2, 1]], mode="REFLECT"),
         lambda x: F.pad(x, (2, 1), mode="reflect"), [r(2, 5)]),
    Twin("reverse", lambda x: nd.reverse(x, axis=[1]), lambda x: torch.flip(x, [1]),
         [r(2, 3)]),
    Twin("roll", lambda x: nd.roll(x, shift=1, axis=1), lambda x: torch.roll(x, 1, 1),
         [r(2, 3)]),
]


def _resolve(fn):
    if isinstance(fn, str):
        obj = nd
        for part in fn.split("."):
            obj = getattr(obj, part)
        return obj
    return fn


def _to_torch(a):
    t = torch.from_numpy(np.array(a))
    return t.requires_grad_(True) if t.is_floating_point() else t


@pytest.mark.parametrize("case", CASES, ids=str)
def test_values_and_gradients_match_torch(case):
    float_args = [i for i, a in enumerate(case.args) if np.asarray(a).dtype.kind == "f"]

    nd_args = [nd.constant(a) for a in case.args]
    with nd.GradientTape() as tape:
        tape.watch([nd_args[i] for i in float_args])
        out = _resolve(case.nd_fn)(*nd_args)
        w = np.random.default_rng(0).standard_normal(np.shape(out.numpy()))
        loss = nd.reduce_sum(out * nd.constant(w))
    grads = tape.gradient(loss, [nd_args[i] for i in float_args])

    t_args = [_to_torch(a) for a in case.args]
    t_out = case.torch_fn(*t_args)
    (t_out * torch.from_numpy(w)).sum().backward()

    expected = t_out.detach().numpy()
    assert out.dtype == nd.float64
    assert tuple(out.shape) == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=case.rtol, atol=1e-12,
                               err_msg=f"{case.name}: values")
    for i, g in zip(float_args, grads):
        t_grad = t_args[i].grad
        expected_g = np.zeros(case.args[i].shape) if t_grad is None else t_grad.numpy()
        assert g is not None, f"{case.name}: no gradient for argument {i}"
        assert g.dtype == nd.float64
        np.testing.assert_allclose(g.numpy(), expected_g, rtol=case.rtol, atol=1e-12,
                                   err_msg=f"{case.name}: gradient of argument {i}")


SECOND_ORDER = ["exp", "log", "sqrt", "tanh", "sigmoid", "divide", "pow", "atan2", "matmul",
                "matmul_batched", "einsum_batch", "reduce_logsumexp", "reduce_std", "norm_axis",
                "l2_normalize", "softmax", "log_softmax", "softmax_cross_entropy_with_logits",
                "sigmoid_cross_entropy_with_logits", "elu", "selu", "gelu", "gelu_tanh",
                "softplus", "silu", "log_sigmoid", "gather", "pad", "cumprod"]


@pytest.mark.parametrize("name", SECOND_ORDER)
def test_hessian_vector_products_match_torch(name):
    """Second order: the gradient of ``sum(grad * v)`` for fixed random ``v``."""
    case = next(c for c in CASES if c.name == name)
    rng = np.random.default_rng(1)
    xs = [nd.constant(a) for a in case.args]
    vs = [rng.standard_normal(np.shape(a)) for a in case.args]
    with nd.GradientTape() as outer:
        outer.watch(xs)
        with nd.GradientTape() as inner:
            inner.watch(xs)
            out = _resolve(case.nd_fn)(*xs)
            w = np.random.default_rng(0).standard_normal(np.shape(out.numpy()))
            loss = nd.reduce_sum(out * nd.constant(w))
        grads = inner.gradient(loss, xs)
        s = nd.add_n([nd.reduce_sum(g * v) for g, v in zip(grads, vs)])
    hvps = outer.gradient(s, xs, unconnected_gradients="zero")

    t_xs = [_to_torch(a) for a in case.args]
    t_out = case.torch_fn(*t_xs)
    t_grads = torch.autograd.grad((t_out * torch.from_numpy(w)).sum(), t_xs,
                                  create_graph=True)
    t_s = sum((g * torch.from_numpy(v)).sum() for g, v in zip(t_grads, vs))
    # for an op linear in its inputs the gradient is constant: nothing to differentiate
    t_hvps = (torch.autograd.grad(t_s, t_xs, allow_unused=True) if t_s.requires_grad
              else [None] * len(t_xs))
    for i, (h, th) in enumerate(zip(hvps, t_hvps)):
        expected = np.zeros(np.shape(case.args[i])) if th is None else th.detach().numpy()
        np.testing.assert_allclose(h.numpy(), expected, rtol=1e-9, atol=1e-12,
                                   err_msg=f"{name}: second order, argument {i}")


def test_the_table_is_large_and_names_are_unique():
    names = [c.name for c in CASES]
    assert len(set(names)) == len(names)
    assert len(CASES) >= 30
