"""keras.ops: every name against NumPy, Keras's dtype rules, gradients, bad input."""

import math

import numpy as np
import pytest

import ndflow as nd
from ndflow.keras import backend, ops
from ndflow.testing import check_gradients

RNG = np.random.default_rng(0)
A = RNG.uniform(-2.0, 2.0, (2, 3)).astype(np.float32)
B = RNG.uniform(-2.0, 2.0, (2, 3)).astype(np.float32)
P = RNG.uniform(0.1, 2.0, (2, 3)).astype(np.float32)  # positive
U = RNG.uniform(-0.9, 0.9, (2, 3)).astype(np.float32)  # inside (-1, 1)
G = RNG.uniform(1.1, 3.0, (2, 3)).astype(np.float32)  # above 1
C3 = RNG.uniform(-2.0, 2.0, (2, 3, 4)).astype(np.float32)
S = RNG.uniform(-1.0, 1.0, (3, 3)).astype(np.float32)
SPD = (S @ S.T + 3 * np.eye(3)).astype(np.float32)
Z = (A + 1j * B).astype(np.complex64)
I = np.array([[1, -2, 3], [4, 0, -6]], np.int32)  # noqa: E741
V = np.array([1.0, -2.0, 3.0], np.float32)
W = np.array([0.5, 4.0, -1.0], np.float32)
BOOL = A > 0
SPECIAL = np.array([1.0, np.nan, np.inf, -np.inf, -2.0], np.float32)
PROBS = (P / P.sum(-1, keepdims=True)).astype(np.float32)
LABELS = np.array([2, 0])
EPS = 1e-7
SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805
_erf = np.vectorize(math.erf)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _gelu_tanh(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3)))


def _bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return -(t * np.log(p) + (1 - t) * np.log(1 - p))


def _cce(t, p, axis=-1):
    p = np.clip(p / p.sum(axis, keepdims=True), EPS, 1 - EPS)
    return -(t * np.log(p)).sum(axis)


def _segment_sum(data, ids, n):
    return np.stack([data[ids == k].sum(axis=0) for k in range(n)])


def _segment_max(data, ids, n):
    return np.stack([data[ids == k].max(axis=0) for k in range(n)])


def _multi_hot(x, n):
    out = np.zeros((len(x), n), np.float32)
    for row, labels in enumerate(x):
        out[row, labels] = 1
    return out


def C(name, ours, ref, *args, **kwargs):
    """One case: ``ours(*args, **kwargs)`` against ``ref(*args, **kwargs)``."""
    return pytest.param(name, ours, ref, args, kwargs, id=name)


def L(name, ours, ref, *args):
    """One case whose calls differ between ops and NumPy: two functions of ``args``."""
    return pytest.param(name, ours, ref, args, {}, id=name)


CASES = [
    # elementwise
    C("abs", ops.abs, np.abs, A),
    C("absolute", ops.absolute, np.absolute, I),
    C("add", ops.add, np.add, A, B),
    C("add", ops.add, np.add, A, 2.5),
    C("arccos", ops.arccos, np.arccos, U),
    C("arccosh", ops.arccosh, np.arccosh, G),
    C("arcsin", ops.arcsin, np.arcsin, U),
    C("arcsinh", ops.arcsinh, np.arcsinh, A),
    C("arctan", ops.arctan, np.arctan, A),
    C("arctan2", ops.arctan2, np.arctan2, A, B),
    C("arctanh", ops.arctanh, np.arctanh, U),
    C("ceil", ops.ceil, np.ceil, A),
    C("clip", ops.clip, np.clip, A, -1.0, 1.0),
    C("conj", ops.conj, np.conj, Z),
    C("conjugate", ops.conjugate, np.conjugate, Z),
    C("copy", ops.copy, np.copy, A),
    C("cos", ops.cos, np.cos, A),
    C("cosh", ops.cosh, np.cosh, A),
    C("deg2rad", ops.deg2rad, np.deg2rad, A),
    C("divide", ops.divide, np.divide, A, P),
    C("divide", ops.divide, np.divide, I, np.array([1, 2, 4], np.int32)),
    L("divide_no_nan", lambda a, b: ops.divide_no_nan(a, b),
      lambda a, b: np.where(b == 0, 0, a / np.where(b == 0, 1, b)), V, np.float32([2, 0, 4])),
    C("equal", ops.equal, np.equal, I, 0),
    C("exp", ops.exp, np.exp, A),
    C("exp2", ops.exp2, np.exp2, A),
    C("expm1", ops.expm1, np.expm1, A),
    C("floor", ops.floor, np.floor, A),
    C("floor_divide", ops.floor_divide, np.floor_divide, I, 4),
    C("floor_divide", ops.floor_divide, np.floor_divide, A, P),
    C("greater", ops.greater, np.greater, A, B),
    C("greater_equal", ops.greater_equal, np.greater_equal, I, 1),
    C("heaviside", ops.heaviside, np.heaviside, np.float32([-1.0, 0.0, 2.0]), 0.5),
    C("hypot", ops.hypot, np.hypot, A, B),
    C("imag", ops.imag, np.imag, Z),
    C("isclose", ops.isclose, np.isclose, SPECIAL, SPECIAL + np.float32(1e-7)),
    C("isclose", ops.isclose, np.isclose, SPECIAL, SPECIAL, equal_nan=True),
    C("isclose", ops.isclose, np.isclose, np.float32([1.0, np.inf]), np.float32([np.inf, 1.0])),
    C("isfinite", ops.isfinite, np.isfinite, SPECIAL),
    C("isfinite", ops.isfinite, np.isfinite, I),
    C("isinf", ops.isinf, np.isinf, SPECIAL),
    C("isnan", ops.isnan, np.isnan, SPECIAL),
    C("isnan", ops.isnan, np.isnan, np.complex64([1 + 1j, complex(0, np.nan)])),
    C("less", ops.less, np.less, A, B),
    C("less_equal", ops.less_equal, np.less_equal, A, 0.5),
    C("log", ops.log, np.log, P),
    C("log10", ops.log10, np.log10, P),
    C("log1p", ops.log1p, np.log1p, P),
    C("log2", ops.log2, np.log2, P),
    C("logaddexp", ops.logaddexp, np.logaddexp, A, B),
    C("logaddexp", ops.logaddexp, np.logaddexp, V, np.float32(-np.inf)),
    C("logical_and", ops.logical_and, np.logical_and, BOOL, B > 0),
    C("logical_not", ops.logical_not, np.logical_not, I),
    C("logical_or", ops.logical_or, np.logical_or, BOOL, B > 0),
    C("logical_xor", ops.logical_xor, np.logical_xor, BOOL, B > 0),
    C("maximum", ops.maximum, np.maximum, A, B),
    C("minimum", ops.minimum, np.minimum, A, 0.0),
    C("mod", ops.mod, np.mod, A, P),
    C("mod", ops.mod, np.mod, I, 4),
    C("multiply", ops.multiply, np.multiply, A, B),
    C("nan_to_num", ops.nan_to_num, np.nan_to_num, SPECIAL),
    C("nan_to_num", ops.nan_to_num, np.nan_to_num, SPECIAL, nan=-1.0, posinf=9.0, neginf=-9.0),
    C("negative", ops.negative, np.negative, A),
    C("not_equal", ops.not_equal, np.not_equal, A, B),
    C("power", ops.power, np.power, P, B),
    C("rad2deg", ops.rad2deg, np.rad2deg, A),
    C("real", ops.real, np.real, Z),
    C("reciprocal", ops.reciprocal, np.reciprocal, P),
    C("round", ops.round, np.round, A),
    C("round", ops.round, np.round, A, decimals=1),
    C("round", ops.round, np.round, np.int32([1234, -5678]), decimals=-2),
    C("sign", ops.sign, np.sign, I),
    C("sin", ops.sin, np.sin, A),
    C("sinh", ops.sinh, np.sinh, A),
    C("sqrt", ops.sqrt, np.sqrt, P),
    C("square", ops.square, np.square, A),
    C("subtract", ops.subtract, np.subtract, A, B),
    C("tan", ops.tan, np.tan, U),
    C("tanh", ops.tanh, np.tanh, A),
    C("true_divide", ops.true_divide, np.true_divide, A, P),
    C("trunc", ops.trunc, np.trunc, A),
    C("where", ops.where, np.where, BOOL, A, B),
    C("where", ops.where, np.where, BOOL, 1.0, 0.0),
    C("where", ops.where, np.where, I),
    # reductions
    C("all", ops.all, np.all, BOOL, axis=1),
    C("all", ops.all, np.all, I),
    C("amax", ops.amax, np.amax, A, axis=0),
    C("amin", ops.amin, np.amin, A, axis=1, keepdims=True),
    C("any", ops.any, np.any, BOOL, axis=0, keepdims=True),
    C("argmax", ops.argmax, np.argmax, A),
    C("argmax", ops.argmax, np.argmax, A, axis=1),
    C("argmax", ops.argmax, np.argmax, C3, axis=-2, keepdims=True),
    C("argmin", ops.argmin, np.argmin, A, axis=0),
    C("argmin", ops.argmin, np.argmin, A, keepdims=True),
    C("argsort", ops.argsort, np.argsort, A),
    C("argsort", ops.argsort, np.argsort, A, axis=None),
    C("average", ops.average, np.average, A),
    C("average", ops.average, np.average, A, axis=1, weights=P[0]),
    C("average", ops.average, np.average, A, axis=0, weights=P),
    C("count_nonzero", ops.count_nonzero, np.count_nonzero, I),
    C("count_nonzero", ops.count_nonzero, np.count_nonzero, I, axis=0),
    C("cumprod", ops.cumprod, np.cumprod, A, axis=1),
    C("cumsum", ops.cumsum, np.cumsum, A),
    C("cumsum", ops.cumsum, np.cumsum, I, axis=0),
    C("max", ops.max, np.max, A, axis=1),
    C("max", ops.max, np.max, A, initial=1.5),
    C("mean", ops.mean, np.mean, A),
    C("mean", ops.mean, np.mean, C3, axis=(0, 2), keepdims=True),
    C("mean", ops.mean, np.mean, I, axis=1),
    C("median", ops.median, np.median, A),
    C("median", ops.median, np.median, A, axis=1),
    C("median", ops.median, np.median, C3, axis=-1, keepdims=True),
    C("median", ops.median, np.median, A, keepdims=True),
    C("min", ops.min, np.min, A, axis=0, keepdims=True),
    C("prod", ops.prod, np.prod, A, axis=1),
    C("sort", ops.sort, np.sort, A),
    C("sort", ops.sort, np.sort, A, axis=0),
    C("sort", ops.sort, np.sort, A, axis=None),
    C("std", ops.std, np.std, A),
    C("std", ops.std, np.std, A, axis=1, keepdims=True),
    C("sum", ops.sum, np.sum, A),
    C("sum", ops.sum, np.sum, C3, axis=(0, 2)),
    C("sum", ops.sum, np.sum, BOOL, axis=1),
    C("var", ops.var, np.var, A, axis=0),
    C("var", ops.var, np.var, I),
    # shapes and layout
    C("append", ops.append, np.append, A, B),
    C("append", ops.append, np.append, A, B, axis=0),
    C("broadcast_to", ops.broadcast_to, np.broadcast_to, V, (2, 3)),
    L("concatenate", lambda a, b: ops.concatenate([a, b], axis=1),
      lambda a, b: np.concatenate([a, b], axis=1), A, B),
    L("concatenate", lambda a, b: ops.concatenate([a, b], axis=None),
      lambda a, b: np.concatenate([a, b], axis=None), A, V),
    C("diff", ops.diff, np.diff, A),
    C("diff", ops.diff, np.diff, C3, n=2, axis=2),
    C("expand_dims", ops.expand_dims, np.expand_dims, A, 1),
    C("expand_dims", ops.expand_dims, np.expand_dims, A, (0, -1)),
    C("flip", ops.flip, np.flip, A),
    C("flip", ops.flip, np.flip, C3, axis=(0, 2)),
    L("get_item", lambda x: ops.get_item(x, (slice(None), 1)), lambda x: x[:, 1], A),
    L("hstack", lambda a, b: ops.hstack([a, b]), lambda a, b: np.hstack([a, b]), A, B),
    L("hstack", lambda a, b: ops.hstack([a, b]), lambda a, b: np.hstack([a, b]), V, W),
    L("meshgrid", lambda a, b: ops.meshgrid(a, b), lambda a, b: np.meshgrid(a, b), V, W[:2]),
    L("meshgrid", lambda a, b: ops.meshgrid(a, b, indexing="ij"),
      lambda a, b: np.meshgrid(a, b, indexing="ij"), V, W[:2]),
    C("moveaxis", ops.moveaxis, np.moveaxis, C3, 0, -1),
    C("moveaxis", ops.moveaxis, np.moveaxis, C3, [0, 1], [2, 0]),
    C("ndim", ops.ndim, np.ndim, C3),
    C("nonzero", ops.nonzero, np.nonzero, I),
    C("pad", ops.pad, np.pad, A, 1),
    C("pad", ops.pad, np.pad, A, ((0, 1), (2, 0)), constant_values=3.0),
    C("pad", ops.pad, np.pad, A, ((1, 1), (2, 2)), mode="edge"),
    C("pad", ops.pad, np.pad, A, ((1, 1), (2, 2)), mode="reflect"),
    C("pad", ops.pad, np.pad, A, ((1, 0), (2, 1)), mode="symmetric"),
    C("pad", ops.pad, np.pad, A, ((1, 3), (4, 2)), mode="wrap"),
    C("ravel", ops.ravel, np.ravel, C3),
    C("repeat", ops.repeat, np.repeat, A, 2),
    C("repeat", ops.repeat, np.repeat, A, 2, axis=1),
    C("repeat", ops.repeat, np.repeat, A, [1, 2], axis=0),
    C("reshape", ops.reshape, np.reshape, A, (3, 2)),
    C("reshape", ops.reshape, np.reshape, C3, -1),
    C("roll", ops.roll, np.roll, A, 1),
    C("roll", ops.roll, np.roll, A, -1, axis=1),
    C("roll", ops.roll, np.roll, C3, 1, axis=(0, 2)),
    L("select", lambda x: ops.select([x > 1, x < -1], [x, -x], 0.5),
      lambda x: np.select([x > 1, x < -1], [x, -x], 0.5), A),
    C("size", ops.size, np.size, C3),
    C("split", ops.split, np.split, C3, 2, axis=-1),
    C("split", ops.split, np.split, A, [1, 5], axis=1),
    C("split", ops.split, np.split, V, [-1]),
    C("squeeze", ops.squeeze, np.squeeze, A[None, :, None]),
    C("squeeze", ops.squeeze, np.squeeze, A[None, :, None], axis=2),
    L("stack", lambda a, b: ops.stack([a, b], axis=1), lambda a, b: np.stack([a, b], axis=1),
      A, B),
    C("swapaxes", ops.swapaxes, np.swapaxes, C3, 0, 2),
    C("take", ops.take, np.take, A, [0, 2], axis=1),
    C("take", ops.take, np.take, A, np.array([[-1, 0]])),
    C("take_along_axis", ops.take_along_axis, np.take_along_axis, A, np.argsort(A, 1), axis=1),
    C("take_along_axis", ops.take_along_axis, np.take_along_axis, A, np.array([[2, -1, 2]]),
      axis=1),
    C("take_along_axis", ops.take_along_axis, np.take_along_axis, C3, np.zeros((1, 3, 1), int),
      axis=0),
    C("take_along_axis", ops.take_along_axis, np.take_along_axis, V, np.array([2, 0]),
      axis=None),
    C("tile", ops.tile, np.tile, A, 2),
    C("tile", ops.tile, np.tile, A, (2, 1, 3)),
    C("transpose", ops.transpose, np.transpose, C3),
    C("transpose", ops.transpose, np.transpose, C3, (1, 0, 2)),
    L("vstack", lambda a, b: ops.vstack([a, b]), lambda a, b: np.vstack([a, b]), A, B),
    L("vstack", lambda a, b: ops.vstack([a, b]), lambda a, b: np.vstack([a, b]), V, W),
    # matrices and products
    C("cross", ops.cross, np.cross, V, W),
    C("cross", ops.cross, np.cross, A, B),
    C("cross", ops.cross, np.cross, A[:, :2], B[:, :2]),
    C("cross", ops.cross, np.cross, A[:, :2], B),
    C("cross", ops.cross, np.cross, A, B[:, :2]),
    C("cross", ops.cross, np.cross, A.T, B.T, axisa=0, axisb=0, axisc=0),
    C("diag", ops.diag, np.diag, V),
    C("diag", ops.diag, np.diag, V, k=1),
    C("diag", ops.diag, np.diag, S, k=-1),
    C("diagonal", ops.diagonal, np.diagonal, S),
    C("diagonal", ops.diagonal, np.diagonal, C3, offset=1, axis1=1, axis2=2),
    C("diagonal", ops.diagonal, np.diagonal, C3, offset=-1, axis1=2, axis2=0),
    C("dot", ops.dot, np.dot, A, B.T),
    C("dot", ops.dot, np.dot, V, W),
    C("dot", ops.dot, np.dot, C3, C3[0].T),
    C("dot", ops.dot, np.dot, A, V),
    C("dot", ops.dot, np.dot, 2.0, A),
    L("einsum", lambda a, b: ops.einsum("ij,kj->ik", a, b),
      lambda a, b: np.einsum("ij,kj->ik", a, b), A, B),
    C("inner", ops.inner, np.inner, A, B),
    C("inner", ops.inner, np.inner, V, W),
    C("matmul", ops.matmul, np.matmul, A, B.T),
    C("matmul", ops.matmul, np.matmul, A, V),
    C("outer", ops.outer, np.outer, V, A),
    C("tensordot", ops.tensordot, np.tensordot, C3, C3[0], 2),
    C("tensordot", ops.tensordot, np.tensordot, A, B, ([1], [1])),
    C("trace", ops.trace, np.trace, S),
    C("trace", ops.trace, np.trace, C3, offset=1, axis1=1, axis2=2),
    C("tri", ops.tri, np.tri, 3),
    C("tri", ops.tri, np.tri, 3, 4, k=1),
    C("tril", ops.tril, np.tril, S),
    C("tril", ops.tril, np.tril, C3, k=-1),
    C("triu", ops.triu, np.triu, S, k=1),
    C("triu", ops.triu, np.triu, C3),
    C("vdot", ops.vdot, np.vdot, A, B),
    C("vdot", ops.vdot, np.vdot, Z, Z),
    # counting and binning
    C("bincount", ops.bincount, np.bincount, np.array([0, 1, 1, 3])),
    C("bincount", ops.bincount, np.bincount, np.array([0, 1, 1, 3]), weights=V.tolist() + [2.0],
      minlength=6),
    C("digitize", ops.digitize, np.digitize, A, np.float32([-1.0, 0.0, 1.0])),
    C("searchsorted", ops.searchsorted, np.searchsorted, np.float32([-1, 0, 0, 2]),
      np.float32([-2, 0, 1, 3])),
    C("searchsorted", ops.searchsorted, np.searchsorted, np.float32([-1, 0, 0, 2]),
      np.float32([-2, 0, 1, 3]), side="right"),
    # creation
    C("arange", ops.arange, np.arange, 5),
    C("arange", ops.arange, np.arange, 1, 10, 3),
    C("arange", ops.arange, np.arange, 0.0, 1.0, 0.25),
    C("arange", ops.arange, np.arange, 5, 2),
    C("array", ops.array, np.array, [[1, 2], [3, 4]]),
    C("array", ops.array, np.array, A, dtype="float64"),
    C("empty", lambda s: ops.zeros_like(ops.empty(s)), np.zeros, (2, 3)),
    C("eye", ops.eye, np.eye, 3),
    C("eye", ops.eye, np.eye, 3, 4, k=1),
    C("eye", ops.eye, np.eye, 3, k=-2),
    C("full", ops.full, np.full, (2, 3), 7.0),
    C("full", ops.full, np.full, (2, 3), V),
    C("full_like", ops.full_like, np.full_like, A, 2.0),
    C("full_like", ops.full_like, np.full_like, I, 2.7),
    C("identity", ops.identity, np.identity, 3),
    C("linspace", ops.linspace, np.linspace, 0.0, 1.0, 5),
    C("linspace", ops.linspace, np.linspace, 0.0, 1.0, 5, endpoint=False),
    C("linspace", ops.linspace, np.linspace, V, W, 4, axis=1),
    C("linspace", ops.linspace, np.linspace, 2.0, 3.0, 5, retstep=True),
    C("logspace", ops.logspace, np.logspace, 0.0, 2.0, 3),
    C("logspace", ops.logspace, np.logspace, 0.0, 3.0, 3, endpoint=False, base=2),
    C("ones", ops.ones, np.ones, (2, 3)),
    C("ones_like", ops.ones_like, np.ones_like, A),
    C("zeros", ops.zeros, np.zeros, 4),
    C("zeros_like", ops.zeros_like, np.zeros_like, I),
    # nn
    C("relu", ops.relu, lambda x: np.maximum(x, 0), A),
    C("relu6", ops.relu6, lambda x: np.clip(x, 0, 6), A * 4),
    C("sigmoid", ops.sigmoid, _sigmoid, A),
    C("softplus", ops.softplus, lambda x: np.logaddexp(x, 0), A),
    C("softsign", ops.softsign, lambda x: x / (1 + np.abs(x)), A),
    C("silu", ops.silu, lambda x: x * _sigmoid(x), A),
    C("swish", ops.swish, lambda x: x * _sigmoid(x), A),
    C("log_sigmoid", ops.log_sigmoid, lambda x: -np.logaddexp(0, -x), A),
    C("leaky_relu", ops.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x), A),
    C("leaky_relu", ops.leaky_relu, lambda x, negative_slope: np.where(x > 0, x, 0.5 * x), A,
      negative_slope=0.5),
    C("hard_sigmoid", ops.hard_sigmoid, lambda x: np.clip(x + 3, 0, 6) / 6, A * 3),
    C("hard_silu", ops.hard_silu, lambda x: x * np.clip(x + 3, 0, 6) / 6, A * 3),
    C("hard_swish", ops.hard_swish, lambda x: x * np.clip(x + 3, 0, 6) / 6, A * 3),
    C("elu", ops.elu, lambda x: np.where(x > 0, x, np.expm1(x)), A),
    C("elu", ops.elu, lambda x, alpha: np.where(x > 0, x, 0.5 * np.expm1(x)), A, alpha=0.5),
    C("selu", ops.selu, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)), A),
    C("gelu", ops.gelu, _gelu_tanh, A),
    C("gelu", ops.gelu, lambda x, approximate: 0.5 * x * (1 + _erf(x / np.sqrt(2))), A,
      approximate=False),
    C("celu", ops.celu, lambda x, alpha: np.maximum(x, 0) + alpha * np.expm1(
        np.minimum(x, 0) / alpha), A, alpha=0.7),
    C("glu", ops.glu, lambda x, axis: x[:1] * _sigmoid(x[1:]), A, axis=0),
    C("hard_tanh", ops.hard_tanh, lambda x: np.clip(x, -1, 1), A),
    C("tanh_shrink", ops.tanh_shrink, lambda x: x - np.tanh(x), A),
    C("soft_shrink", ops.soft_shrink, lambda x: np.sign(x) * np.maximum(np.abs(x) - 0.5, 0), A),
    C("hard_shrink", ops.hard_shrink, lambda x: np.where(np.abs(x) > 0.5, x, 0), A),
    C("threshold", ops.threshold, lambda x, t, d: np.where(x > t, x, d), A, 0.3, -9.0),
    C("squareplus", ops.squareplus, lambda x: (x + np.sqrt(x * x + 4)) / 2, A),
    C("sparse_plus", ops.sparse_plus, lambda x: np.where(
        x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)), A),
    C("sparse_sigmoid", ops.sparse_sigmoid, lambda x: np.clip((x + 1) / 2, 0, 1), A),
    C("softmax", ops.softmax, _softmax, A),
    C("softmax", ops.softmax, lambda x, axis: np.exp(x) / np.exp(x).sum(), A, axis=None),
    C("softmax", ops.softmax, lambda x, axis: np.exp(x) / np.exp(x).sum((0, 2), keepdims=True),
      C3, axis=(0, 2)),
    C("log_softmax", ops.log_softmax, lambda x, axis: np.log(_softmax(x, 0)), A, axis=0),
    C("one_hot", ops.one_hot, lambda x, n: np.eye(n)[x], LABELS, 3),
    C("one_hot", ops.one_hot, lambda x, n, axis: np.eye(n)[x].T, LABELS, 3, axis=0),
    C("multi_hot", ops.multi_hot, _multi_hot, [[0, 2], [1, 1]], 3),
    C("binary_crossentropy", ops.binary_crossentropy, _bce, (B > 0).astype(np.float32),
      _sigmoid(A)),
    C("binary_crossentropy", ops.binary_crossentropy, lambda t, z, from_logits: _bce(
        t, _sigmoid(z)), (B > 0).astype(np.float32), A, from_logits=True),
    C("categorical_crossentropy", ops.categorical_crossentropy, _cce, np.eye(3)[LABELS], P),
    C("categorical_crossentropy", ops.categorical_crossentropy, lambda t, z, from_logits: _cce(
        t, _softmax(z)), np.eye(3)[LABELS], A, from_logits=True),
    C("sparse_categorical_crossentropy", ops.sparse_categorical_crossentropy,
      lambda t, p: _cce(np.eye(3)[t], p), LABELS, P),
    C("sparse_categorical_crossentropy", ops.sparse_categorical_crossentropy,
      lambda t, z, from_logits: _cce(np.eye(3)[t[:, 0]], _softmax(z)), LABELS[:, None], A,
      from_logits=True),
    C("sparse_categorical_crossentropy", ops.sparse_categorical_crossentropy,
      lambda t, p, axis: _cce(np.eye(2)[t], p.T), np.array([1, 0, 1]), P, axis=0),
    C("moments", ops.moments, lambda x, axes: (x.mean(tuple(axes)), x.var(tuple(axes))),
      C3, [0, 2]),
    C("batch_normalization", ops.batch_normalization,
      lambda x, m, v, axis, offset, scale: (x - m) / np.sqrt(v + 1e-3) * scale + offset,
      A, V, P[0], axis=1, offset=W, scale=P[1]),
    C("normalize", ops.normalize, lambda x: x / np.linalg.norm(x, axis=-1, keepdims=True), A),
    C("normalize", ops.normalize, lambda x, axis, order: x / np.abs(x).sum(0), A, axis=0,
      order=1),
    # math
    C("erf", ops.erf, _erf, A),
    C("in_top_k", ops.in_top_k, lambda t, p, k: (p > p[[0, 1], t][:, None]).sum(1) < k,
      LABELS, A, 2),
    C("logdet", ops.logdet, lambda x: np.linalg.slogdet(x)[1], SPD),
    C("logsumexp", ops.logsumexp, lambda x: np.log(np.exp(x).sum()), A),
    C("logsumexp", ops.logsumexp, lambda x, axis, keepdims: np.log(np.exp(x).sum(
        axis, keepdims=True)), A, axis=1, keepdims=True),
    C("rsqrt", ops.rsqrt, lambda x: 1 / np.sqrt(x), P),
    C("segment_max", ops.segment_max, _segment_max, C3, np.array([1, 0]), 2),
    C("segment_sum", ops.segment_sum, _segment_sum, A.T, np.array([0, 2, 0]), 3),
    L("top_k", lambda x: ops.top_k(x, 2), lambda x: (np.sort(x)[:, ::-1][:, :2],
                                                    np.argsort(-x)[:, :2]), A),
    # linalg
    C("cholesky", ops.cholesky, np.linalg.cholesky, SPD),
    C("det", ops.det, np.linalg.det, SPD),
    C("inv", ops.inv, np.linalg.inv, SPD),
    C("norm", ops.norm, np.linalg.norm, C3),
    C("norm", ops.norm, np.linalg.norm, C3, keepdims=True),
    C("norm", ops.norm, np.linalg.norm, C3, axis=1),
    C("norm", ops.norm, np.linalg.norm, V, ord=1),
    C("norm", ops.norm, np.linalg.norm, V, ord=np.inf),
    C("norm", ops.norm, np.linalg.norm, V, ord=-np.inf),
    C("norm", ops.norm, np.linalg.norm, np.float32([0, 2, 0, -1]), ord=0),
    C("norm", ops.norm, np.linalg.norm, A, ord=3, axis=1),
    C("norm", ops.norm, np.linalg.norm, A, ord=-1.5, axis=0, keepdims=True),
    C("norm", ops.norm, np.linalg.norm, S, ord="fro"),
    C("norm", ops.norm, np.linalg.norm, S, ord=1),
    C("norm", ops.norm, np.linalg.norm, S, ord=2),
    C("norm", ops.norm, np.linalg.norm, S, ord=np.inf),
    C("norm", ops.norm, np.linalg.norm, C3, ord=-1, axis=(2, 1)),
    C("norm", ops.norm, np.linalg.norm, C3, ord=-np.inf, axis=(0, 2), keepdims=True),
    C("slogdet", ops.slogdet, np.linalg.slogdet, S),
    C("solve", ops.solve, np.linalg.solve, SPD, A.T),
    C("solve", ops.solve, np.linalg.solve, SPD, V),
    C("solve_triangular", ops.solve_triangular, lambda a, b, lower: np.linalg.solve(
        np.tril(a), b), SPD, A.T, lower=True),
    C("solve_triangular", ops.solve_triangular, lambda a, b: np.linalg.solve(np.triu(a), b),
      SPD, V),
    # core
    C("cast", ops.cast, lambda x, d: x.astype(d), A, "int32"),
    C("saturate_cast", ops.saturate_cast, lambda x, d: np.clip(x, 0, 255).astype(d), A * 200,
      "uint8"),
    C("saturate_cast", ops.saturate_cast, lambda x, d: np.clip(x, -2**31, 2**31 - 128).astype(
        d), np.float32([3e9, -3e9, 1.5]), "int32"),
    C("convert_to_numpy", ops.convert_to_numpy, np.asarray, A),
    C("convert_to_tensor", ops.convert_to_tensor, np.asarray, A),
    C("convert_to_tensor", ops.convert_to_tensor, lambda x, dtype: x.astype(dtype), A,
      dtype="float64"),
    C("dtype", ops.dtype, lambda x: x.dtype.name, I),
    C("is_tensor", ops.is_tensor, lambda x: False, A),
    C("scatter", ops.scatter, lambda i, v, s: np.array([0, 11, 0, 2], np.float32),
      [[1], [3], [1]], np.float32([5, 2, 6]), (4,)),
    C("scatter_update", ops.scatter_update, lambda x, i, u: np.where(np.eye(2, 3) > 0, 9, x),
      A, [[0, 0], [1, 1]], np.float32([9, 9])),
    C("shape", ops.shape, np.shape, C3),
    L("slice", lambda x: ops.slice(x, (0, 1, 1), (2, 1, 3)), lambda x: x[0:2, 1:2, 1:4], C3),
    L("slice_update", lambda x: ops.slice_update(x, (1, 1), np.ones((1, 2), np.float32)),
      lambda x: np.where(np.arange(6).reshape(2, 3) >= 4, 1, x), A),
    C("stop_gradient", ops.stop_gradient, np.asarray, A),
    C("unstack", ops.unstack, lambda x, axis: list(np.moveaxis(x, axis, 0)), C3, axis=1),
]


def _as_numpy(value):
    if isinstance(value, (list, tuple)):
        return [_as_numpy(v) for v in value]
    return np.asarray(value)


def _assert_matches(got, want):
    got, want = _as_numpy(got), _as_numpy(want)
    if isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want)
        for g, w in zip(got, want):
            _assert_matches(g, w)
        return
    assert got.shape == want.shape, f"shape {got.shape} != {want.shape}"
    if want.dtype.kind not in "fc":
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6, equal_nan=True)


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors:DeprecationWarning")
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize(("name", "ours", "ref", "args", "kwargs"), CASES)
def test_matches_numpy(name, ours, ref, args, kwargs):
    _assert_matches(ours(*args, **kwargs), ref(*args, **kwargs))


def test_every_name_has_a_numpy_case():
    covered = {p.values[0] for p in CASES}
    missing = sorted(set(ops.__all__) - covered)
    assert not missing, f"ops without a case in CASES: {missing}"


def test_tensors_and_variables_pass_through():
    x = nd.Variable(A)
    np.testing.assert_allclose(ops.mean(ops.square(x)), np.mean(A**2), rtol=1e-6)
    assert ops.is_tensor(x) and ops.is_tensor(nd.constant(A))


def test_groups_are_modules_as_in_keras():
    assert ops.nn.softmax is ops.softmax
    assert ops.numpy.mean is ops.mean
    assert ops.linalg.norm is ops.norm
    assert ops.math.logsumexp is ops.logsumexp
    assert ops.core.cast is ops.cast


# -- Keras's dtype rules ---------------------------------------------------------------
DTYPES = [
    (lambda: ops.mean(I), "float32"),
    (lambda: ops.var(I), "float32"),
    (lambda: ops.median(I), "float32"),
    (lambda: ops.sum(BOOL), "int32"),
    (lambda: ops.sum(np.int8([1, 2])), "int32"),
    (lambda: ops.sum(I), "int32"),
    (lambda: ops.cumsum(BOOL), "int32"),
    (lambda: ops.sqrt(np.abs(I)), "float32"),
    (lambda: ops.exp(BOOL), "float32"),
    (lambda: ops.floor(I), "float32"),
    (lambda: ops.divide(I, np.int32([1, 2, 4])), "float32"),
    (lambda: ops.add(I, 1.5), "float32"),
    (lambda: ops.add(A, 1), "float32"),
    (lambda: ops.multiply(A.astype(np.float64), 2.0), "float64"),
    (lambda: ops.argmax(A), "int32"),
    (lambda: ops.argsort(A), "int32"),
    (lambda: ops.count_nonzero(A), "int32"),
    (lambda: ops.nonzero(I)[0], "int32"),
    (lambda: ops.digitize(A, [0.0]), "int32"),
    (lambda: ops.square(BOOL), "int32"),
    (lambda: ops.clip(BOOL, 0, 1), "int32"),
    (lambda: ops.zeros((2,)), "float32"),
    (lambda: ops.eye(2, k=1), "float32"),
    (lambda: ops.tri(2), "float32"),
    (lambda: ops.arange(3), "int32"),
    (lambda: ops.arange(3.0), "float32"),
    (lambda: ops.arange(3, 1), "int32"),
    (lambda: ops.linspace(0, 1, 3), "float32"),
    (lambda: ops.full((2,), 1), "float32"),
    (lambda: ops.full((2,), 1, dtype="int32"), "int32"),
    (lambda: ops.sum(np.uint8([1, 2])), "uint32"),
    (lambda: ops.cumsum(np.int8([1, 2])), "int8"),
    (lambda: ops.std(I), "float32"),
    (lambda: ops.full_like(I, 2.7), "int32"),
    (lambda: ops.one_hot([1], 2), "float32"),
    (lambda: ops.relu(I), "float32"),
    (lambda: ops.isnan(I), "bool"),
    (lambda: ops.mean(A.astype(np.float16)), "float16"),
]


@pytest.mark.parametrize(("call", "dtype"), DTYPES)
def test_keras_dtype_rules(call, dtype):
    assert ops.dtype(call()) == dtype


def test_floatx_sets_the_default_float():
    backend.set_floatx("float64")
    try:
        assert ops.dtype(ops.zeros((2,))) == "float64"
        assert ops.dtype(ops.sqrt(np.abs(I))) == "float64"
        assert ops.dtype(ops.divide(I, 2)) == "float64"
    finally:
        backend.set_floatx("float32")


def test_linspace_retstep_and_top_k_indices():
    _, step = ops.linspace(0.0, 1.0, 4, endpoint=False, retstep=True)
    assert float(step) == pytest.approx(0.25)
    values, indices = ops.top_k(np.float32([3, 1, 4, 1, 5]), 3)
    assert values.numpy().tolist() == [5, 4, 3] and ops.dtype(indices) == "int32"


# -- gradients (float64, tape against finite differences) ------------------------------
X64 = RNG.uniform(-1.5, 1.5, (2, 3))
Y64 = RNG.uniform(-1.5, 1.5, (2, 3))
P64 = RNG.uniform(0.2, 2.0, (2, 3))
M64 = RNG.uniform(-1.0, 1.0, (3, 3))
SPD64 = M64 @ M64.T + 3 * np.eye(3)
T3 = RNG.uniform(-1.0, 1.0, (2, 3, 4))
Q64 = RNG.uniform(-1.0, 1.0, (4, 2))
ONE_HOT = np.eye(3)[LABELS]
TARGETS = (Y64 > 0).astype(np.float64)

GRADIENTS = [  # (name, function, arguments, order)
    ("square_mean", lambda x: ops.mean(ops.square(x)), [X64], 2),
    ("log10", ops.log10, [P64], 2),
    ("log2_exp2", lambda x: ops.log2(x) + ops.exp2(x), [P64], 2),
    ("logaddexp", ops.logaddexp, [X64, Y64], 2),
    ("hypot", ops.hypot, [X64, Y64], 2),
    ("divide", ops.divide, [X64, P64], 2),
    ("outer", ops.outer, [X64[0], Y64[1]], 2),
    ("dot", ops.dot, [T3, Q64], 2),
    ("inner_vdot", lambda a, b: ops.inner(a, b) + ops.vdot(a, b), [X64, Y64], 2),
    ("cross", ops.cross, [X64, Y64], 2),
    ("tril_triu", lambda x: ops.tril(x, -1) * 2 + ops.triu(x, 1), [M64], 1),
    ("diagonal_trace", lambda x: ops.diagonal(x, 1, 1, 2) + ops.trace(x, 0, 2, 0), [T3], 1),
    ("take_along_axis", lambda x: ops.take_along_axis(x, np.array([[2, 2, 0], [1, 1, 1]]),
                                                      axis=1), [X64], 1),
    ("take", lambda x: ops.take(x, [-1, 0, 1], axis=1), [X64], 1),
    ("median", lambda x: ops.median(x, axis=1), [X64], 1),
    ("average", lambda x, w: ops.average(x, axis=1, weights=w), [X64, P64[0]], 2),
    ("std_var", lambda x: ops.std(x, axis=0) + ops.var(x), [X64], 2),
    ("moveaxis_swapaxes", lambda x: ops.moveaxis(x, 0, -1) * ops.transpose(ops.swapaxes(x, 0, 2),
                                                                    (1, 0, 2)), [T3], 2),
    ("pad_edge_wrap", lambda x: ops.pad(x, 1, mode="edge") + ops.pad(x, 1, mode="wrap"),
     [X64], 1),
    ("tile_repeat", lambda x: ops.sum(ops.tile(x, (2, 1))) * ops.repeat(x, 2, axis=1), [X64],
     2),
    ("split_hstack", lambda x: ops.hstack(ops.split(x, [1], axis=1)[::-1]), [X64], 1),
    ("cumsum_cumprod", lambda x: ops.cumsum(x) * ops.sum(ops.cumprod(x, axis=1)), [P64], 2),
    ("max_min_initial", lambda x: ops.max(x, axis=1, initial=0.0) + ops.min(x), [X64], 1),
    ("full_like", lambda x: ops.full_like(X64, x[0, 0]) * x, [X64], 2),
    ("linspace", lambda a, b: ops.linspace(a, b, 5, endpoint=False, axis=1), [X64[0], Y64[0]],
     1),
    ("norm_vector", lambda x: ops.sum(ops.norm(x, ord=3, axis=1)) * ops.norm(
        x, ord=-np.inf, axis=0), [X64], 2),
    ("norm_matrix", lambda x: ops.norm(x, ord=-1) + ops.norm(x), [M64], 2),
    ("solve_triangular", lambda a, b: ops.solve_triangular(a, b, lower=True), [SPD64, X64.T],
     1),
    ("elu_celu", lambda x: ops.elu(x, alpha=0.5) + ops.celu(x, alpha=2.0), [X64], 2),
    ("glu", lambda x: ops.glu(x, axis=0), [X64], 2),
    ("hard_silu_squareplus", lambda x: ops.hard_silu(x) + ops.squareplus(x), [X64], 2),
    ("softmax_axes", lambda x: ops.softmax(x, axis=(0, 2)) + ops.log_softmax(x, axis=None),
     [T3], 2),
    ("binary_crossentropy", lambda z: ops.binary_crossentropy(TARGETS, ops.sigmoid(z)), [X64],
     2),
    ("categorical_crossentropy", lambda p: ops.categorical_crossentropy(ONE_HOT, p), [P64], 2),
    ("sparse_categorical_crossentropy", lambda z: ops.sparse_categorical_crossentropy(
        LABELS, z, from_logits=True), [X64], 2),
    ("sparse_probabilities", lambda p: ops.sparse_categorical_crossentropy(LABELS, p), [P64],
     2),
    ("logsumexp_segment_sum", lambda x: ops.logsumexp(x, axis=0) + ops.segment_sum(
        x, [0, 0])[0], [X64], 2),
    ("segment_max", lambda x: ops.segment_max(x, [1, 0], 2), [X64], 1),
    ("normalize", lambda x: ops.normalize(x, axis=1), [X64], 2),
    ("batch_normalization", lambda x, m, v: ops.batch_normalization(x, m, v, axis=1),
     [X64, Y64[0], P64[0]], 2),
    ("slice_update", lambda x, u: ops.slice_update(x, (0, 1), u), [X64, Y64[:1, :2]], 1),
]


@pytest.mark.parametrize(("name", "fn", "args", "order"), GRADIENTS,
                         ids=[g[0] for g in GRADIENTS])
def test_gradients(name, fn, args, order):
    check_gradients(fn, args, order=order)


# -- bad input -------------------------------------------------------------------------
ERRORS = [
    (lambda: ops.take_along_axis(A, np.array([0, 1]), axis=1), "must have the rank"),
    (lambda: ops.pad(A, 1, mode="mean"), "mode must be one of"),
    (lambda: ops.pad(A, [1, 2, 3]), "does not fit a tensor of rank 2"),
    (lambda: ops.pad(A, 1, mode="edge", constant_values=1.0), "only be given with"),
    (lambda: ops.split(A, 2, axis=1), "do not divide"),
    (lambda: ops.where(BOOL, A), "both x1 and x2"),
    (lambda: ops.categorical_crossentropy(ONE_HOT, A[:, :2]), "same shape"),
    (lambda: ops.sparse_categorical_crossentropy([1, 0, 1], A), "without its class axis"),
    (lambda: ops.average(A, weights=V), "give 1-D weights"),
    (lambda: ops.cross(A[:, :1], B), "2 or 3 components"),
    (lambda: ops.diag(C3), "1-D or 2-D"),
    (lambda: ops.tril(V), "rank >= 2"),
    (lambda: ops.moveaxis(C3, [0, 1], [1]), "as many distinct axes"),
    (lambda: ops.norm(A, ord="fro", axis=1), "matrix norm"),
    (lambda: ops.norm(S, ord=3), "invalid matrix norm"),
    (lambda: ops.glu(A), "even length"),
    (lambda: ops.normalize(A, order=0.5), "int >= 1"),
    (lambda: ops.bincount(np.array([1, -1])), "non-negative"),
    (lambda: ops.slice_update(A, (1, 2), np.ones((1, 2))), "along axis 1"),
    (lambda: ops.searchsorted(S, V), "must be 1-D"),
]


@pytest.mark.parametrize(("call", "match"), ERRORS)
def test_bad_input_is_named(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


def test_missing_singular_values_say_so():
    with pytest.raises(NotImplementedError, match="singular values"):
        ops.norm(S, ord="nuc")
