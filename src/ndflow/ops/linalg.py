"""Linear algebra: matrix products, einsum, norms, diagonals, inverses and solvers.

Gradients follow TensorFlow's convention for complex numbers (the adjoint, i.e. the
conjugate transpose, where a real rule has a transpose), so for real tensors every
rule below is the textbook one.
"""

import functools
import math as _pymath

import numpy as np

from ndflow.autodiff.engine_ops import broadcast_to, reshape
from ndflow.autodiff.primitive import bind, defvjp, defvjp_raw, primitive
from ndflow.backend.xp import array_module
from ndflow.core.errors import InvalidArgumentError, InvalidTypeError, shape_str
from ndflow.core.tensor import wrap
from ndflow.ops._operands import as_tensor, promote, promote_all
from ndflow.ops.array import transpose
from ndflow.ops.cast import cast
from ndflow.ops.math import abs, conj, log, pow, real, where
from ndflow.ops.reduction import reduce_max, reduce_sum

__all__ = [
    "adjoint",
    "cholesky",
    "det",
    "diag",
    "diag_part",
    "einsum",
    "inv",
    "logdet",
    "matmul",
    "matrix_transpose",
    "matvec",
    "norm",
    "slogdet",
    "solve",
    "tensordot",
    "trace",
]


def _is_complex(t):
    return t._value.dtype.kind == "c"


def _adj(t):
    """Conjugate of ``t`` for complex tensors, ``t`` itself for real ones."""
    return conj(t) if _is_complex(t) else t


def _expand2(t):
    """Append two unit axes so a per-matrix value broadcasts against matrices."""
    return reshape(t, tuple(t.shape) + (1, 1))


def _require_matrix(x, op, square=False):
    if x.ndim < 2:
        raise InvalidArgumentError(f"{op}: input must have rank >= 2 (a matrix or a batch of "
                                   f"matrices), got shape {shape_str(x.shape)}")
    if square and x.shape[-1] != x.shape[-2]:
        raise InvalidArgumentError(f"{op}: input must be a square matrix (or a batch of "
                                   f"them), got shape {shape_str(x.shape)}")


def _require_inexact(x, op):
    if x._value.dtype.kind not in "fc":
        raise InvalidTypeError(f"{op} expects a floating-point or complex tensor, got "
                               f"{x.dtype.name}: cast it first, e.g. ndflow.cast(x, "
                               f"ndflow.float32)")


# -- matmul ------------------------------------------------------------------------------
def _matmul_forward(a, b, transpose_a, transpose_b):
    if transpose_a:
        a = a.T if a.ndim == 2 else np.swapaxes(a, -1, -2)  # .T is the cheaper view
    if transpose_b:
        b = b.T if b.ndim == 2 else np.swapaxes(b, -1, -2)
    if a.ndim == 2 and b.ndim == 2:
        return np.dot(a, b)  # the same product for matrices, with less call overhead
    return np.matmul(a, b)


def _explain_matmul(arrays, params, error):
    a, b = arrays
    if a.ndim < 2 or b.ndim < 2:
        return None
    inner_a = a.shape[-2] if params["transpose_a"] else a.shape[-1]
    inner_b = b.shape[-1] if params["transpose_b"] else b.shape[-2]
    if inner_a != inner_b:
        return (f"Matrix size-incompatible: In[0]: {shape_str(a.shape)}, "
                f"In[1]: {shape_str(b.shape)}")
    if "broadcast" in str(error) or "mismatch" in str(error):
        return (f"In[0] and In[1] must have compatible batch dimensions: "
                f"{shape_str(a.shape)} vs. {shape_str(b.shape)}")
    return None


matmul_p = primitive("matmul", _matmul_forward, _explain_matmul)


def _matmul_vjp_a(g, y, a, b, transpose_a, transpose_b):
    b = _adj(b)
    if transpose_a:
        return matmul(b, g, transpose_a=transpose_b, transpose_b=True)
    return matmul(g, b, transpose_b=not transpose_b)


def _matmul_vjp_b(g, y, a, b, transpose_a, transpose_b):
    a = _adj(a)
    if transpose_b:
        return matmul(g, a, transpose_a=True, transpose_b=transpose_a)
    return matmul(a, g, transpose_a=not transpose_a)


def _matmul_raw_vjp(needed, g, y, a, b, transpose_a, transpose_b):
    # the rules above, on arrays (conjugates for complex operands)
    grad_a = grad_b = None
    if needed[0]:
        bc = b.conj() if b.dtype.kind == "c" else b
        grad_a = (_matmul_forward(bc, g, transpose_b, True) if transpose_a
                  else _matmul_forward(g, bc, False, not transpose_b))
    if needed[1]:
        ac = a.conj() if a.dtype.kind == "c" else a
        grad_b = (_matmul_forward(g, ac, True, transpose_a) if transpose_b
                  else _matmul_forward(ac, g, not transpose_a, False))
    return grad_a, grad_b


defvjp(matmul_p, _matmul_vjp_a, _matmul_vjp_b)
defvjp_raw(matmul_p, _matmul_raw_vjp)


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None, name=None):
    """Matrix product ``a @ b`` over the last two axes, broadcasting batch axes.

    Rank-1 operands are treated as NumPy does (a row or column vector, then squeezed).

    >>> matmul([[1.0, 2.0]], [[3.0], [4.0]]).numpy()
    array([[11.]], dtype=float32)
    """
    a, b = promote(a, b, "matmul")
    if adjoint_a:
        a, transpose_a = _adj(a), True
    if adjoint_b:
        b, transpose_b = _adj(b), True
    if a.ndim >= 2 and b.ndim >= 2:
        out = bind(matmul_p, a, b, transpose_a=bool(transpose_a),
                   transpose_b=bool(transpose_b))
    else:
        out = _matmul_vector(a, b, bool(transpose_a), bool(transpose_b))
    return out if output_type is None else cast(out, output_type)


def _matmul_vector(a, b, transpose_a, transpose_b):
    if a.ndim == 0 or b.ndim == 0:
        raise InvalidArgumentError(
            f"matmul: operands must have rank >= 1, got shapes {shape_str(a.shape)} and "
            f"{shape_str(b.shape)}; use multiply for scalars")
    inner_a = a.shape[-2] if transpose_a and a.ndim > 1 else a.shape[-1]
    inner_b = b.shape[-1] if transpose_b and b.ndim > 1 else b.shape[-2 if b.ndim > 1 else 0]
    if inner_a != inner_b:
        raise InvalidArgumentError(f"Matrix size-incompatible: In[0]: {shape_str(a.shape)}, "
                                   f"In[1]: {shape_str(b.shape)}")
    if a.ndim == 1:
        a2, transpose_a = reshape(a, (1, a.shape[0])), False
    else:
        a2 = a
    if b.ndim == 1:
        b2, transpose_b = reshape(b, (b.shape[0], 1)), False
    else:
        b2 = b
    out = bind(matmul_p, a2, b2, transpose_a=transpose_a, transpose_b=transpose_b)
    shape = tuple(out.shape)
    if a.ndim == 1:
        shape = shape[:-2] + shape[-1:]
    if b.ndim == 1:
        shape = shape[:-1]
    return reshape(out, shape)


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False,
           name=None):
    """Matrix-vector product ``a @ b`` for ``a`` of shape [..., M, N] and ``b`` [..., N]."""
    a, b = promote(a, b, "matvec")
    if b.ndim < 1:
        raise InvalidArgumentError(f"matvec: b must have rank >= 1, got shape "
                                   f"{shape_str(b.shape)}")
    _require_matrix(a, "matvec")
    out = matmul(a, reshape(b, tuple(b.shape) + (1,)), transpose_a=transpose_a,
                 adjoint_a=adjoint_a)
    return reshape(out, tuple(out.shape)[:-1])


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """Swap the last two axes (and conjugate when ``conjugate``)."""
    a = as_tensor(a)
    if a.ndim < 2:
        raise InvalidArgumentError(f"matrix_transpose: input must have rank >= 2, got shape "
                                   f"{shape_str(a.shape)}")
    perm = list(range(a.ndim))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    out = transpose(a, perm)
    return conj(out) if conjugate and _is_complex(out) else out


def adjoint(matrix, name=None):
    """Conjugate transpose of the last two axes."""
    return matrix_transpose(matrix, conjugate=True)


# -- einsum ------------------------------------------------------------------------------
# An equation reaches the primitive normalized: explicit output ("->"), '...' replaced by
# letters, spaces removed. The forward contracts a pair of operands with one matmul
# (transpose, reshape, multiply, reshape back) as BLAS does it fastest; other cases go to
# np.einsum, with a contraction order computed once per equation and shapes.

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_EINSUM_MAX_OPERANDS = 64


def _einsum_error(equation, message):
    return InvalidArgumentError(f"einsum: {message} (equation {equation!r})")


@functools.lru_cache(maxsize=1024)
def _normalize_equation(equation, shapes):
    """Return the equation in explicit, ellipsis-free form, e.g. ``'ij,jk->ik'``."""
    eq = equation.replace(" ", "")
    for ch in eq:
        if ch not in _LETTERS and ch not in ",.->":
            raise _einsum_error(equation, f"invalid character {ch!r}; use letters a-z, A-Z, "
                                          "',', '->' and '...'")
    if eq.count("->") > 1 or eq.count("-") != eq.count(">") or eq.count("-") > 1:
        raise _einsum_error(equation, "malformed '->'")
    lhs, out = eq.split("->") if "->" in eq else (eq, None)
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise _einsum_error(equation, f"the equation has {len(terms)} input(s) but "
                                      f"{len(shapes)} operand(s) were given")
    for t in [*terms, out or ""]:
        if t.replace("...", "").count(".") or t.count("...") > 1:
            raise _einsum_error(equation, f"malformed ellipsis in {t!r}: use at most one "
                                          "'...' per term")
    ell_ranks = []
    for i, (t, shape) in enumerate(zip(terms, shapes)):
        named = len(t.replace("...", ""))
        if "..." in t and named <= len(shape):
            ell_ranks.append(len(shape) - named)
        elif "..." not in t and named == len(shape):
            ell_ranks.append(0)
        else:
            raise _einsum_error(equation, f"operand {i} has shape {shape_str(shape)} but its "
                                          f"subscripts {t!r} name {named} axes")
    used = set(eq)
    rank = max(ell_ranks)
    fresh = [c for c in _LETTERS if c not in used][:rank]
    if len(fresh) < rank:
        raise _einsum_error(equation, "too many axes: einsum names at most 52 axes")
    ell = "".join(fresh)
    expanded = tuple(t.replace("...", ell[rank - r:]) for t, r in zip(terms, ell_ranks))
    if out is None:
        letters = "".join(terms).replace("...", "")
        out = ell + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    elif "..." in out:
        out = out.replace("...", ell)
    elif rank and any(ell_ranks):
        raise _einsum_error(equation, "the inputs use '...' for some axes but the output does "
                                      "not; write '...' in the output too")
    _check_einsum_sizes(equation, expanded, out, shapes)
    return ",".join(expanded) + "->" + out


def _check_einsum_sizes(equation, terms, out, shapes):
    sizes = {}
    for i, (t, shape) in enumerate(zip(terms, shapes)):
        own = {}
        for c, d in zip(t, shape):
            if own.setdefault(c, d) != d:
                raise _einsum_error(equation, f"operand {i} repeats index {c!r} over axes of "
                                              f"different sizes in shape {shape_str(shape)}")
            prev = sizes.get(c)
            if prev is not None and prev != d and 1 not in (prev, d):
                raise _einsum_error(equation, f"index {c!r} has size {prev} in one operand "
                                              f"and {d} in operand {i}")
            sizes[c] = d if prev in (None, 1) else prev
    if len(set(out)) != len(out):
        raise _einsum_error(equation, f"output subscripts {out!r} repeat an index; "
                                      "repeated output indices are not supported")
    for c in out:
        if c not in sizes:
            raise _einsum_error(equation, f"output index {c!r} appears in no input")


@functools.lru_cache(maxsize=1024)
def _pair_plan(equation, shape_a, shape_b):
    """How to compute a two-operand einsum with one matmul, or None to use np.einsum."""
    inputs, out = equation.split("->")
    sa, sb = inputs.split(",")
    if len(set(sa)) != len(sa) or len(set(sb)) != len(sb):
        return None  # diagonals
    size_a, size_b = dict(zip(sa, shape_a)), dict(zip(sb, shape_b))
    sum_a = tuple(i for i, c in enumerate(sa) if c not in sb and c not in out)
    sum_b = tuple(i for i, c in enumerate(sb) if c not in sa and c not in out)
    ra = [c for c in sa if c in sb or c in out]
    rb = [c for c in sb if c in sa or c in out]
    batch = [c for c in out if c in size_a and c in size_b]
    contract = [c for c in ra if c not in out]
    if any(size_a[c] != size_b[c] for c in contract):
        return None  # a contracted axis broadcast from size 1
    keep_a = [c for c in out if c in size_a and c not in size_b]
    keep_b = [c for c in out if c in size_b and c not in size_a]
    m = _pymath.prod(size_a[c] for c in keep_a)
    k = _pymath.prod(size_a[c] for c in contract)
    n = _pymath.prod(size_b[c] for c in keep_b)
    batch_size = _pymath.prod(max(size_a[c], size_b[c]) for c in batch)
    if m == 1 and n == 1 or batch_size * m * n * k < 4096:
        return None  # dot products and tiny problems: np.einsum's loops win
    perm_a = [ra.index(c) for c in batch + keep_a + contract]
    perm_b = [rb.index(c) for c in batch + contract + keep_b]
    order = batch + keep_a + keep_b
    perm_out = [order.index(c) for c in out]
    return (
        sum_a, None if perm_a == sorted(perm_a) else tuple(perm_a),
        tuple(size_a[c] for c in batch) + (m, k),
        sum_b, None if perm_b == sorted(perm_b) else tuple(perm_b),
        tuple(size_b[c] for c in batch) + (k, n),
        tuple(max(size_a[c], size_b[c]) for c in batch)
        + tuple(size_a[c] for c in keep_a) + tuple(size_b[c] for c in keep_b),
        None if perm_out == sorted(perm_out) else tuple(perm_out),
        k == 1,
    )


def _run_pair(plan, a, b):
    sum_a, perm_a, shape_a, sum_b, perm_b, shape_b, shape_out, perm_out, outer = plan
    if sum_a:
        a = a.sum(axis=sum_a, dtype=a.dtype)
    if perm_a:
        a = a.transpose(perm_a)
    if sum_b:
        b = b.sum(axis=sum_b, dtype=b.dtype)
    if perm_b:
        b = b.transpose(perm_b)
    a, b = a.reshape(shape_a), b.reshape(shape_b)
    out = (a * b if outer else np.matmul(a, b)).reshape(shape_out)
    return out.transpose(perm_out) if perm_out else out


@functools.lru_cache(maxsize=256)
def _contraction_path(equation, shapes):
    """The order in which to contract three or more operands (pairs of positions)."""
    dummies = [np.broadcast_to(np.empty((), np.float32), s) for s in shapes]
    path = np.einsum_path(equation, *dummies, optimize="greedy")[0]
    return tuple(tuple(step) for step in path[1:])


def _contract(equation, operands):
    if len(operands) == 2:
        a, b = operands
        plan = _pair_plan(equation, a.shape, b.shape)
        if plan is not None:
            return _run_pair(plan, a, b)
    return np.einsum(equation, *operands)


def _einsum_forward(*operands, equation):
    if len(operands) == 2:
        a, b = operands
        plan = _pair_plan(equation, a.shape, b.shape)
        return np.einsum(equation, a, b) if plan is None else _run_pair(plan, a, b)
    if len(operands) == 1:
        return np.einsum(equation, operands[0])
    inputs, out = equation.split("->")
    terms = inputs.split(",")
    ops = list(operands)
    for step in _contraction_path(equation, tuple(o.shape for o in operands)):
        picked = [terms[i] for i in step]
        rest = [t for i, t in enumerate(terms) if i not in step]
        needed = set(out).union(*rest)
        result = "".join(dict.fromkeys(c for c in "".join(picked) if c in needed))
        value = _contract(",".join(picked) + "->" + result, [ops[i] for i in step])
        ops = [o for i, o in enumerate(ops) if i not in step] + [value]
        terms = rest + [result]
    (term,), (value,) = terms, ops
    return value if term == out else np.einsum(f"{term}->{out}", value)


einsum_p = primitive("einsum", _einsum_forward)


def _einsum_vjp(i):
    """Gradient of operand ``i``: an einsum of ``g`` with the other operands.

    Indices that occur in operand ``i`` only are broadcast back; an index repeated in
    operand ``i`` (a diagonal) gets fresh letters tied to it by identity matrices.
    """

    def rule(g, out, *operands, equation):
        inputs, out_sub = equation.split("->")
        terms = inputs.split(",")
        sub = terms[i]
        others = [t for j, t in enumerate(terms) if j != i]
        available = set(out_sub).union(*others)
        spare = iter(c for c in _LETTERS if c not in equation)
        x = operands[i]
        xp = array_module(g._value)
        target, eyes, eye_subs, seen = [], [], [], set()
        for c, d in zip(sub, np.shape(x)):
            if c in seen:
                f = next(spare)
                eye_subs.append(c + f)
                eyes.append(wrap(xp.eye(d, dtype=g._value.dtype)))
                target.append(f)
            else:
                seen.add(c)
                target.append(c)
        repeated = {s[0] for s in eye_subs}
        kept = [c for c in target if c in available or c in repeated or c not in sub]
        rhs = [_adj(as_tensor(o)) for j, o in enumerate(operands) if j != i]
        eq = ",".join([out_sub, *others, *eye_subs]) + "->" + "".join(kept)
        grad = bind(einsum_p, g, *rhs, *eyes, equation=eq)
        if len(kept) == len(target):
            return grad
        sizes = dict(zip(kept, grad.shape))
        full = tuple(sizes.get(c, d) for c, d in zip(target, np.shape(x)))
        unit = tuple(sizes.get(c, 1) for c in target)
        return broadcast_to(reshape(grad, unit), full)

    return rule


defvjp(einsum_p, *[_einsum_vjp(i) for i in range(_EINSUM_MAX_OPERANDS)])


def einsum(equation, *inputs, **kwargs):
    """Einstein summation, as ``np.einsum``: ``einsum('ij,jk->ik', a, b)`` is ``a @ b``.

    Supports implicit output, repeated indices (diagonals, traces), indices summed in one
    operand, and '...' for broadcast leading axes. Every input is differentiable.

    >>> einsum("ij,ij->i", [[1.0, 2.0]], [[3.0, 4.0]]).numpy()
    array([11.], dtype=float32)
    """
    if not inputs:
        raise InvalidArgumentError("einsum needs at least one input tensor")
    if len(inputs) > _EINSUM_MAX_OPERANDS:
        raise InvalidArgumentError(f"einsum supports at most {_EINSUM_MAX_OPERANDS} inputs")
    if not isinstance(equation, str):
        raise InvalidTypeError(f"einsum: equation must be a string, got {equation!r}")
    if len(inputs) == 2:
        a, b = promote(inputs[0], inputs[1], "einsum")
        explicit = _normalize_equation(equation, (a._value.shape, b._value.shape))
        return bind(einsum_p, a, b, equation=explicit)
    if len(inputs) == 1:
        tensors = [as_tensor(inputs[0])]
    else:
        tensors = promote_all(inputs, "einsum")
    explicit = _normalize_equation(equation, tuple(t._value.shape for t in tensors))
    return bind(einsum_p, *tensors, equation=explicit)


def tensordot(a, b, axes, name=None):
    """Sum products over the given axes: ``axes=N`` pairs the last N axes of ``a`` with
    the first N of ``b``; ``axes=[[a_axes], [b_axes]]`` names them."""
    a, b = promote(a, b, "tensordot")
    if hasattr(axes, "_value"):
        axes = axes._value.tolist()
    elif isinstance(axes, np.ndarray):
        axes = axes.tolist()
    key = axes if isinstance(axes, (int, np.integer)) else _hashable(axes)
    return bind(einsum_p, a, b,
                equation=_tensordot_equation(key, a._value.shape, b._value.shape))


def _hashable(value):
    if isinstance(value, (list, tuple)):
        return tuple(_hashable(v) for v in value)
    return value


@functools.lru_cache(maxsize=512)
def _tensordot_equation(axes, shape_a, shape_b):
    """The einsum equation of a tensordot (for example ``'ab,bc->ac'``)."""
    axes_a, axes_b = _tensordot_axes(axes, len(shape_a), len(shape_b))
    if len(shape_a) + len(shape_b) > len(_LETTERS):
        raise InvalidArgumentError("tensordot: the operands have more than 52 axes in all")
    letters = iter(_LETTERS)
    sa = [next(letters) for _ in shape_a]
    sb = [next(letters) for _ in shape_b]
    for i, j in zip(axes_a, axes_b):
        if shape_a[i] != shape_b[j]:
            raise InvalidArgumentError(
                f"tensordot: axis {i} of a (size {shape_a[i]}) does not match axis {j} of b "
                f"(size {shape_b[j]}); shapes {shape_str(shape_a)} and {shape_str(shape_b)}")
        sb[j] = sa[i]
    out = [c for k, c in enumerate(sa) if k not in axes_a]
    out += [c for k, c in enumerate(sb) if k not in axes_b]
    return "".join(sa) + "," + "".join(sb) + "->" + "".join(out)


def _tensordot_axes(axes, rank_a, rank_b):
    if isinstance(axes, (int, np.integer)):
        n = int(axes)
        if not 0 <= n <= min(rank_a, rank_b):
            raise InvalidArgumentError(f"tensordot: axes={n} must be between 0 and the smaller "
                                       f"rank ({min(rank_a, rank_b)})")
        return list(range(rank_a - n, rank_a)), list(range(n))
    if not isinstance(axes, (list, tuple)) or len(axes) != 2:
        raise InvalidArgumentError(f"tensordot: axes must be an int or a pair of axis lists, "
                                   f"got {axes!r}")
    pair = [[v] if isinstance(v, (int, np.integer)) else list(v) for v in axes]
    if len(pair[0]) != len(pair[1]):
        raise InvalidArgumentError(f"tensordot: the axis lists {pair[0]} and {pair[1]} have "
                                   f"different lengths")
    out = []
    for lst, rank, which in ((pair[0], rank_a, "a"), (pair[1], rank_b, "b")):
        norm_axes = []
        for ax in lst:
            ax = int(ax)
            if not -rank <= ax < rank:
                raise InvalidArgumentError(f"tensordot: axis {ax} is out of range for {which} "
                                           f"of rank {rank}")
            norm_axes.append(ax % rank)
        if len(set(norm_axes)) != len(norm_axes):
            raise InvalidArgumentError(f"tensordot: axes of {which} repeat: {lst}")
        out.append(norm_axes)
    return out[0], out[1]


# -- norms -------------------------------------------------------------------------------
def _euclidean_forward(x, axes, keepdims):
    sq = x.real * x.real + x.imag * x.imag if x.dtype.kind == "c" else x * x
    return np.sqrt(sq.sum(axis=axes, keepdims=keepdims))


euclidean_norm_p = primitive("euclidean_norm", _euclidean_forward)


def _euclidean_vjp(g, y, x, axes, keepdims):
    if not keepdims:
        kept = tuple(1 if i in axes else d for i, d in enumerate(np.shape(x)))
        g, y = reshape(g, kept), reshape(y, kept)
    # where the norm is 0 so is x: divide by 1 there, giving the zero subgradient
    return g * x / where(y > 0, y, 1)


defvjp(euclidean_norm_p, _euclidean_vjp)


def _spectral_forward(x):
    return np.linalg.svd(x, compute_uv=False)[..., 0]


def _top_singular_pair(x):
    u, _, vh = np.linalg.svd(x, full_matrices=False)
    return u[..., :, :1] * vh[..., :1, :]


spectral_norm_p = primitive("spectral_norm", _spectral_forward)
top_singular_pair_p = primitive("top_singular_pair", _top_singular_pair)


def _no_second_order(g, y, x):
    raise NotImplementedError("Second derivatives of the matrix 2-norm (norm with ord=2 over "
                              "two axes) are not implemented")


defvjp(spectral_norm_p, lambda g, y, x: _expand2(g) * bind(top_singular_pair_p, x))
defvjp(top_singular_pair_p, _no_second_order)

_VECTOR_ORDS = ("euclidean", 1, 2, np.inf)
_MATRIX_ORDS = ("euclidean", "fro", 1, 2, np.inf)


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None):
    """Vector norm (``axis`` None or an int) or matrix norm (``axis`` a pair of axes).

    ``ord``: 'euclidean' (also 'fro' for matrices), 1, 2, ``np.inf``, or any p > 0 for
    vectors; 'euclidean', 'fro', 1, 2 and ``np.inf`` for matrices. With ``axis=None`` the
    whole tensor is one vector. Unlike TensorFlow, the gradient of the Euclidean norm at
    zero is 0 (a subgradient), not NaN.
    """
    x = as_tensor(tensor)
    _require_inexact(x, "norm")
    keepdims = bool(keepdims)
    if hasattr(axis, "_value"):
        axis = axis._value.tolist()
    if isinstance(axis, (list, tuple)) and len(axis) == 2:
        return _matrix_norm(x, ord, axis, keepdims)
    if isinstance(axis, (list, tuple)) and len(axis) == 1:
        axis = axis[0]
    if axis is not None and not isinstance(axis, (int, np.integer)):
        raise InvalidArgumentError(f"norm: 'axis' must be None, an integer, or a tuple of 2 "
                                   f"unique integers, got {axis!r}")
    if ord == "fro" and axis is None:
        ord = "euclidean"
    if not (ord in _VECTOR_ORDS or _positive_real(ord)):
        raise InvalidArgumentError(f"norm: 'ord' must be a supported vector norm, got "
                                   f"{ord!r}; use 'euclidean', 1, 2, np.inf or any p > 0")
    axes = _norm_axes(x, [axis] if axis is not None else list(range(x.ndim)))
    if ord in ("euclidean", 2):
        return bind(euclidean_norm_p, x, axes=axes, keepdims=keepdims)
    if ord == 1:
        return reduce_sum(abs(x), axis=axes, keepdims=keepdims)
    if ord == np.inf:
        return reduce_max(abs(x), axis=axes, keepdims=keepdims)
    p = float(ord)
    return pow(reduce_sum(pow(abs(x), p), axis=axes, keepdims=keepdims), 1.0 / p)


def _positive_real(ord):
    return (isinstance(ord, (int, float, np.integer, np.floating)) and not isinstance(ord, bool)
            and ord > 0)


def _norm_axes(x, axes):
    out = []
    for a in axes:
        a = int(a)
        if not -x.ndim <= a < x.ndim:
            raise InvalidArgumentError(f"norm: axis {a} is out of range for a tensor of shape "
                                       f"{shape_str(x.shape)}")
        out.append(a % x.ndim)
    return tuple(out)


def _matrix_norm(x, ord, axis, keepdims):
    rows, cols = _norm_axes(x, axis)
    if rows == cols:
        raise InvalidArgumentError(f"norm: 'axis' must be None, an integer, or a tuple of 2 "
                                   f"unique integers, got {tuple(axis)!r}")
    if ord not in _MATRIX_ORDS or isinstance(ord, bool):
        raise InvalidArgumentError(f"norm: 'ord' must be a supported matrix norm in "
                                   f"['euclidean', 'fro', 1, 2, inf], got {ord!r}")
    if ord in ("euclidean", "fro"):
        return bind(euclidean_norm_p, x, axes=tuple(sorted((rows, cols))), keepdims=keepdims)
    if ord == 2:
        rest = [i for i in range(x.ndim) if i not in (rows, cols)]
        moved = transpose(x, rest + [rows, cols]) if rest + [rows, cols] != list(
            range(x.ndim)) else x
        out = bind(spectral_norm_p, moved)
    else:
        inner, outer = (rows, cols) if ord == 1 else (cols, rows)
        out = reduce_max(reduce_sum(abs(x), axis=inner, keepdims=True), axis=outer,
                         keepdims=True)
        out = reshape(out, [d for i, d in enumerate(out.shape) if i not in (rows, cols)])
    if keepdims:
        shape = [1 if i in (rows, cols) else d for i, d in enumerate(x.shape)]
        out = reshape(out, shape)
    return out


# -- diagonals ---------------------------------------------------------------------------
def _diag_index(xp, n, k):
    """Rows and columns of the n entries of diagonal ``k``."""
    i = xp.arange(n)
    return i + max(-k, 0), i + max(k, 0)


def _diag_forward(d, k, num_rows, num_cols, padding_value):
    xp = array_module(d)
    out = xp.full(d.shape[:-1] + (num_rows, num_cols), padding_value, dtype=d.dtype)
    rows, cols = _diag_index(xp, d.shape[-1], k)
    out[..., rows, cols] = d
    return out


def _diag_part_forward(x, k):
    return np.diagonal(x, offset=k, axis1=-2, axis2=-1)


matrix_diag_p = primitive("matrix_diag", _diag_forward)
matrix_diag_part_p = primitive("matrix_diag_part", _diag_part_forward)
defvjp(matrix_diag_p, lambda g, y, d, k, num_rows, num_cols, padding_value:
       bind(matrix_diag_part_p, g, k=k))
defvjp(matrix_diag_part_p, lambda g, y, x, k: bind(
    matrix_diag_p, g, k=k, num_rows=np.shape(x)[-2], num_cols=np.shape(x)[-1],
    padding_value=0))


def _single_k(k, op):
    if hasattr(k, "_value"):
        k = k._value.tolist()
    if isinstance(k, (list, tuple)):
        if len(k) == 2 and k[0] == k[1]:
            return int(k[0])
        if len(k) == 1:
            return int(k[0])
        raise NotImplementedError(f"{op}: a band of diagonals (k={k!r}) is not supported; "
                                  "give a single diagonal offset")
    return int(k)


def diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0,
         align="RIGHT_LEFT"):
    """Batch of matrices with ``diagonal`` (shape [..., N]) on diagonal ``k``."""
    d = as_tensor(diagonal)
    if d.ndim < 1:
        raise InvalidArgumentError("diag: diagonal must have rank >= 1, got a scalar")
    k = _single_k(k, "diag")
    if hasattr(padding_value, "_value"):
        padding_value = padding_value._value.item()
    n = d.shape[-1]
    min_rows, min_cols = n + max(-k, 0), n + max(k, 0)
    num_rows, num_cols = int(num_rows), int(num_cols)
    if num_rows < 0 and num_cols < 0:
        num_rows = num_cols = max(min_rows, min_cols)
    elif num_rows < 0:
        num_rows = min_rows
    elif num_cols < 0:
        num_cols = min_cols
    if min(num_rows + min(k, 0), num_cols - max(k, 0)) != n:
        raise InvalidArgumentError(
            f"diag: a diagonal of length {n} does not fit diagonal k={k} of a "
            f"{num_rows}x{num_cols} matrix")
    return bind(matrix_diag_p, d, k=k, num_rows=num_rows, num_cols=num_cols,
                padding_value=padding_value)


def diag_part(input, name="diag_part", k=0, padding_value=0, align="RIGHT_LEFT"):
    """Diagonal ``k`` of each matrix in the batch: shape [..., min(M, N)] for k=0."""
    x = as_tensor(input)
    _require_matrix(x, "diag_part")
    k = _single_k(k, "diag_part")
    rows, cols = x.shape[-2], x.shape[-1]
    if not -rows < k < cols and rows and cols:
        raise InvalidArgumentError(f"diag_part: diagonal k={k} is outside a {rows}x{cols} "
                                   "matrix")
    return bind(matrix_diag_part_p, x, k=k)


def trace(x, name=None):
    """Sum of the main diagonal of each matrix in the batch."""
    x = as_tensor(x)
    _require_matrix(x, "trace")
    return reduce_sum(bind(matrix_diag_part_p, x, k=0), axis=-1)


# -- inverses, determinants, solvers -----------------------------------------------------
def _explain_singular(arrays, params, error):
    if isinstance(error, np.linalg.LinAlgError):
        return "Input is not invertible."
    return None


def _inv_forward(x, adjoint):
    y = np.linalg.inv(x)
    return np.conj(np.swapaxes(y, -1, -2)) if adjoint else y


inv_p = primitive("inv", _inv_forward, _explain_singular)


def _inv_vjp(g, y, x, adjoint):
    if adjoint:
        return -matmul(y, matmul(g, y, adjoint_a=True))
    return -matmul(y, matmul(g, y, adjoint_b=True), adjoint_a=True)


defvjp(inv_p, _inv_vjp)


def inv(input, adjoint=False, name=None):
    """Inverse of each square matrix in the batch (of its adjoint when ``adjoint``)."""
    x = as_tensor(input)
    _require_inexact(x, "inv")
    _require_matrix(x, "inv", square=True)
    return bind(inv_p, x, adjoint=bool(adjoint))


det_p = primitive("det", np.linalg.det)
defvjp(det_p, lambda g, y, x: _expand2(g * y) * inv(x, adjoint=True))


def det(input, name=None):
    """Determinant of each square matrix in the batch."""
    x = as_tensor(input)
    _require_inexact(x, "det")
    _require_matrix(x, "det", square=True)
    return bind(det_p, x)


slogdet_sign_p = primitive("slogdet_sign", lambda x: np.linalg.slogdet(x)[0])
log_abs_det_p = primitive("log_abs_det", lambda x: np.linalg.slogdet(x)[1])
defvjp(log_abs_det_p, lambda g, y, x: _expand2(g) * inv(x, adjoint=True))


def slogdet(input, name=None):
    """Sign and log of the absolute value of the determinant: ``(sign, log_abs_det)``."""
    x = as_tensor(input)
    _require_inexact(x, "slogdet")
    _require_matrix(x, "slogdet", square=True)
    return bind(slogdet_sign_p, x), bind(log_abs_det_p, x)


def _explain_solve(arrays, params, error):
    if isinstance(error, np.linalg.LinAlgError):
        return "Input matrix is not invertible."
    return None


def _solve_forward(a, b, adjoint):
    if adjoint:
        a = np.conj(np.swapaxes(a, -1, -2))
    # equal ranks, so that every NumPy version reads b as a stack of matrices
    if a.ndim < b.ndim:
        a = a.reshape((1,) * (b.ndim - a.ndim) + a.shape)
    elif b.ndim < a.ndim:
        b = b.reshape((1,) * (a.ndim - b.ndim) + b.shape)
    return np.linalg.solve(a, b)


solve_p = primitive("solve", _solve_forward, _explain_solve)


def _solve_vjp_a(g, x, a, b, adjoint):
    gb = solve(a, g, adjoint=not adjoint)
    if adjoint:
        return -matmul(x, gb, adjoint_b=True)
    return -matmul(gb, x, adjoint_b=True)


defvjp(solve_p, _solve_vjp_a, lambda g, x, a, b, adjoint: solve(a, g, adjoint=not adjoint))


def solve(matrix, rhs, adjoint=False, name=None):
    """Solve ``matrix @ x = rhs`` for ``x`` (``adjoint(matrix) @ x = rhs`` if ``adjoint``).

    ``matrix`` has shape [..., M, M] and ``rhs`` [..., M, K]; batch axes broadcast.
    """
    a, b = promote(matrix, rhs, "solve")
    _require_inexact(a, "solve")
    _require_matrix(a, "solve", square=True)
    if b.ndim < 2:
        raise InvalidArgumentError(f"solve: rhs must have shape [..., M, K], got "
                                   f"{shape_str(b.shape)}; reshape a vector to [M, 1]")
    if a.shape[-1] != b.shape[-2]:
        raise InvalidArgumentError(
            f"solve: the matrix and the right-hand side must have the same number of rows: "
            f"{shape_str(a.shape)} vs. {shape_str(b.shape)}")
    return bind(solve_p, a, b, adjoint=bool(adjoint))


def _explain_cholesky(arrays, params, error):
    if isinstance(error, np.linalg.LinAlgError):
        return ("Cholesky decomposition was not successful. The input might not be valid: "
                "it must be symmetric (Hermitian) positive definite.")
    return None


cholesky_p = primitive("cholesky", np.linalg.cholesky, _explain_cholesky)


def _cholesky_vjp(g, chol, a):
    n = np.shape(a)[-1]
    xp = array_module(g._value)
    # lower triangle with the diagonal halved: what the symmetric input shares with L
    mask = wrap((xp.tril(xp.ones((n, n))) - 0.5 * xp.eye(n)).astype(g._value.dtype))
    l_inv = inv(chol)
    middle = matmul(chol, g, adjoint_a=True) * mask
    s = matmul(matmul(l_inv, middle, adjoint_a=True), l_inv)
    return 0.5 * (s + matrix_transpose(s, conjugate=True))


defvjp(cholesky_p, _cholesky_vjp)


def cholesky(input, name=None):
    """Lower-triangular ``L`` with ``L @ adjoint(L) == input``, for each Hermitian positive
    definite matrix in the batch (only the lower triangle of ``input`` is read)."""
    x = as_tensor(input)
    _require_inexact(x, "cholesky")
    _require_matrix(x, "cholesky", square=True)
    return bind(cholesky_p, x)


def logdet(matrix, name=None):
    """Log of the determinant of each Hermitian positive definite matrix (via Cholesky)."""
    chol = cholesky(matrix)
    d = bind(matrix_diag_part_p, chol, k=0)
    if _is_complex(d):
        d = real(d)
    return 2.0 * reduce_sum(log(d), axis=-1)
