"""Shape and layout ops: transpose, concat, split, tile, pad, gather, scatter, masks ...

Most are compositions of a few primitives (reshape, getitem, gather), so their gradients
come for free; the primitives here carry their rules right below their forwards.
``reshape``, ``stack`` and ``broadcast_to`` are the gradient engine's own primitives.
"""

import builtins

import numpy as np

from ndflow.autodiff.engine_ops import broadcast_to, reshape, reshape_p
from ndflow.autodiff.engine_ops import stack as _stack
from ndflow.autodiff.primitive import bind, defvjp, defvjp_all, primitive
from ndflow.backend.xp import array_module, to_numpy
from ndflow.core.convert import to_array
from ndflow.core.dtypes import int32, to_np_dtype
from ndflow.core.errors import IndexOutOfRangeError, InvalidArgumentError, InvalidTypeError
from ndflow.core.errors import shape_str as _s
from ndflow.core.tensor import Tensor, wrap
from ndflow.ops._operands import as_tensor, normalize_axis, promote_all
from ndflow.ops.indexing import ARRAY, index, scatter_into_zeros
from ndflow.ops.math import add, conj, negative, zeros_like
from ndflow.ops.reduction import reduce_sum

__all__ = [
    "boolean_mask", "broadcast_to", "concat", "expand_dims", "gather", "gather_nd",
    "identity", "meshgrid", "newaxis", "pad", "rank", "repeat", "reshape", "reverse", "roll",
    "scatter_nd", "shape", "size", "slice", "split", "squeeze", "stack", "stop_gradient",
    "tensor_scatter_nd_add", "tensor_scatter_nd_sub", "tensor_scatter_nd_update", "tile",
    "transpose", "unstack",
]

newaxis = None
_slice = builtins.slice  # this module defines ``slice`` (tf.slice)
_ALL = _slice(None)


# -- helpers ---------------------------------------------------------------------------
def _ints(value):
    """A list of Python ints from an int, a list or a tensor (static parameters)."""
    if isinstance(value, Tensor):
        value = to_numpy(value._value).tolist()
    if isinstance(value, (int, np.integer)):
        return [int(value)]
    return [int(v) for v in np.asarray(value).reshape(-1).tolist()]


def _int(value, what):
    if isinstance(value, (int, np.integer)):
        return int(value)
    values = _ints(value)
    if len(values) != 1:
        raise InvalidArgumentError(f"{what} must be a single integer, got {value!r}")
    return values[0]


def _axis(axis, rank, op):
    """Normalize one axis (an int or a one-element list or tensor) into ``[0, rank)``."""
    return normalize_axis(_int(axis, f"{op}: axis"), rank, op)


def _axes(axis, rank, op):
    axes = [_axis(a, rank, op) for a in _ints(axis)]
    if len(set(axes)) != len(axes):
        raise InvalidArgumentError(f"{op}: axis {_ints(axis)} names a dimension more than once")
    return axes


def _int_tensor(indices, op):
    t = as_tensor(indices)
    if t._value.dtype.kind not in "iu":
        raise InvalidTypeError(f"{op}: indices must be int32 or int64, got {t.dtype.name}")
    return t


def _shape(x):
    return tuple(x._value.shape)


# -- transpose, expand_dims, squeeze ---------------------------------------------------
transpose_p = primitive("transpose", lambda x, perm: np.transpose(x, perm))
defvjp(transpose_p, lambda g, y, x, perm: bind(transpose_p, g, perm=_inverse(perm)))


def _inverse(perm):
    return tuple(int(i) for i in np.argsort(perm))


def transpose(a, perm=None, conjugate=False, name="transpose"):
    """Permute the dimensions: output dimension ``i`` is input dimension ``perm[i]``.

    >>> tf.transpose(tf.constant([[1, 2, 3], [4, 5, 6]])).shape
    TensorShape([3, 2])
    """
    x = as_tensor(a)
    rank = x.ndim
    if perm is None:
        perm = tuple(range(rank - 1, -1, -1))
    else:
        given = _ints(perm)
        perm = tuple(p % rank if -rank <= p < rank else p for p in given) if rank else ()
        if sorted(perm) != list(range(rank)):
            raise InvalidArgumentError(f"transpose: perm {given} is not a permutation of the "
                                       f"{rank} dimensions of a tensor of shape {_s(_shape(x))}")
    out = bind(transpose_p, x, perm=perm)
    return conj(out) if conjugate and x._value.dtype.kind == "c" else out


def expand_dims(input, axis, name=None):
    """Insert a dimension of size 1 at ``axis`` (in ``[-rank-1, rank]``)."""
    x = as_tensor(input)
    shape = _shape(x)
    rank = len(shape)
    a = _int(axis, "expand_dims: axis")
    if not -rank - 1 <= a <= rank:
        raise InvalidArgumentError(f"expand_dims: tried to expand dim index {a} for a tensor "
                                   f"of shape {_s(shape)}; axis must be in [{-rank - 1}, {rank}]")
    if a < 0:
        a += rank + 1
    return bind(reshape_p, x, shape=shape[:a] + (1,) + shape[a:])


def squeeze(input, axis=None, name=None):
    """Remove dimensions of size 1 (only those in ``axis`` when given; they must be 1)."""
    x = as_tensor(input)
    shape = _shape(x)
    if axis is None or (isinstance(axis, (list, tuple)) and not axis):  # TF's default is []
        return bind(reshape_p, x, shape=tuple(d for d in shape if d != 1))
    axes = _axes(axis, len(shape), "squeeze")
    for a in axes:
        if shape[a] != 1:
            raise InvalidArgumentError(f"Can not squeeze dim[{a}], expected a dimension of 1, "
                                       f"got {shape[a]} (tensor shape {_s(shape)})")
    return bind(reshape_p, x, shape=tuple(d for i, d in enumerate(shape) if i not in axes))


def stack(values, axis=0, name="stack"):
    """Stack same-shaped tensors along a new axis (dtypes promote as in ``concat``)."""
    if not len(values):
        raise InvalidArgumentError("stack needs at least one tensor")
    values = promote_all(list(values), "stack")
    first = values[0]._value.shape
    for i, v in enumerate(values[1:], 1):
        if v._value.shape != first:
            raise InvalidArgumentError(
                f"Shapes of all inputs must match: values[0].shape = {_s(first)} != "
                f"values[{i}].shape = {_s(v._value.shape)} [Op:stack]")
    return _stack(values, axis)


# -- concat, unstack, split --------------------------------------------------------------
def _explain_concat(arrays, params, error):
    axis = params["axis"]
    first = arrays[0].shape
    if len(first) == 0:
        return "ConcatOp: can't concatenate scalars (use stack instead)"
    for i, a in enumerate(arrays[1:], 1):
        if a.ndim != len(first):
            return (f"ConcatOp: ranks of all input tensors should match: shape[0] = "
                    f"{_s(first)} vs. shape[{i}] = {_s(a.shape)}")
        for d, (m, n) in enumerate(zip(first, a.shape)):
            if d != axis and m != n:
                return (f"ConcatOp: dimension {d} in both shapes must be equal (concatenating "
                        f"along axis {axis}): shape[0] = {_s(first)} vs. shape[{i}] = "
                        f"{_s(a.shape)}")
    return None


concat_p = primitive("concat", lambda *xs, axis: np.concatenate(xs, axis=axis), _explain_concat)


def _concat_vjp(g, y, *xs, axis):
    grads, start = [], 0
    lead = (_ALL,) * axis
    for x in xs:
        stop = start + np.shape(x)[axis]
        grads.append(index(g, lead + (_slice(start, stop),)))
        start = stop
    return grads


defvjp_all(concat_p, _concat_vjp)


def concat(values, axis, name="concat"):
    """Join tensors along an existing ``axis``; other dimensions must match."""
    if not isinstance(values, (list, tuple)):
        values = list(values)
    if not values:
        raise InvalidArgumentError("concat needs at least one tensor")
    first = values[0]
    if not (isinstance(first, Tensor) and all(
            isinstance(v, Tensor) and v._value.dtype == first._value.dtype for v in values)):
        values = promote_all(list(values), "concat")
    rank = values[0].ndim
    if rank == 0:
        raise InvalidArgumentError("ConcatOp: can't concatenate scalars (use stack instead)")
    a = _axis(axis, rank, "concat")
    if len(values) == 1:
        return values[0]
    return bind(concat_p, *values, axis=a)


def unstack(value, num=None, axis=0, name="unstack"):
    """Split a tensor along ``axis`` into a list of tensors with that axis removed."""
    x = as_tensor(value)
    shape = _shape(x)
    a = _axis(axis, len(shape), "unstack")
    n = shape[a]
    if num is not None and int(num) != n:
        raise InvalidArgumentError(f"unstack: num={num} but dimension {a} of shape "
                                   f"{_s(shape)} has size {n}")
    lead = (_ALL,) * a
    return [index(x, lead + (i,)) for i in range(n)]


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """Split along ``axis`` into equal parts (an int) or parts of given sizes (a list).

    One size may be -1: it takes what the others leave.
    """
    x = as_tensor(value)
    shape = _shape(x)
    a = _axis(axis, len(shape), "split")
    n = shape[a]
    sizes = num_or_size_splits
    if isinstance(sizes, Tensor) and sizes.ndim == 0:
        sizes = int(sizes)
    if isinstance(sizes, (int, np.integer)):
        k = int(sizes)
        if k <= 0 or n % k:
            raise InvalidArgumentError(
                f"split: the number of splits ({k}) must evenly divide dimension {a} of "
                f"shape {_s(shape)} (size {n})")
        sizes = [n // k] * k
    else:
        sizes = _split_sizes(_ints(sizes), n, a, shape)
    if num is not None and int(num) != len(sizes):
        raise InvalidArgumentError(f"split: num={num} but {len(sizes)} sizes were given")
    lead = (_ALL,) * a
    out, start = [], 0
    for size in sizes:
        out.append(index(x, lead + (_slice(start, start + size),)))
        start += size
    return out


def _split_sizes(sizes, n, axis, shape):
    unknown = [i for i, s in enumerate(sizes) if s == -1]
    if len(unknown) > 1:
        raise InvalidArgumentError(f"split: at most one size can be -1, got {sizes}")
    if any(s < -1 for s in sizes):
        raise InvalidArgumentError(f"split: sizes must be >= 0 (or one -1), got {sizes}")
    known = sum(s for s in sizes if s != -1)
    if unknown and known <= n:
        sizes = list(sizes)
        sizes[unknown[0]] = n - known
    elif known != n or unknown:
        raise InvalidArgumentError(
            f"split: sizes {sizes} must sum to dimension {axis} of shape {_s(shape)} "
            f"(size {n}), or leave room for the -1 entry")
    return sizes


# -- tile, repeat, pad -------------------------------------------------------------------
tile_p = primitive("tile", lambda x, multiples: np.tile(x, multiples))


def _tile_vjp(g, y, x, multiples):
    shape = np.shape(x)
    pairs = tuple(v for m, d in zip(multiples, shape) for v in (m, d))
    return reduce_sum(reshape(g, pairs), axis=tuple(range(0, len(pairs), 2)))


defvjp(tile_p, _tile_vjp)


def tile(input, multiples, name=None):
    """Repeat the whole tensor ``multiples[i]`` times along dimension ``i``."""
    x = as_tensor(input)
    m = tuple(_ints(multiples))
    if len(m) != x.ndim:
        raise InvalidArgumentError(f"tile: expected multiples to be a vector of length "
                                   f"{x.ndim} (the rank of shape {_s(_shape(x))}), but got "
                                   f"length {len(m)}")
    if any(v < 0 for v in m):
        raise InvalidArgumentError(f"tile: multiples must be non-negative, got {list(m)}")
    return bind(tile_p, x, multiples=m)


repeat_p = primitive("repeat", lambda x, repeats, axis: np.repeat(x, repeats, axis=axis))


def _repeat_vjp(g, y, x, repeats, axis):
    shape = np.shape(x)
    return reduce_sum(reshape(g, shape[:axis + 1] + (repeats,) + shape[axis + 1:]), axis=axis + 1)


defvjp(repeat_p, _repeat_vjp)


def repeat(input, repeats, axis=None, name=None):
    """Repeat each element ``repeats`` times along ``axis`` (of the flattened tensor if None).

    ``repeats`` is one count or one count per element along the axis.
    """
    x = as_tensor(input)
    if axis is None:
        x, a = bind(reshape_p, x, shape=(-1,)), 0
    else:
        a = _axis(axis, x.ndim, "repeat")
    reps = np.asarray(to_numpy(repeats._value) if isinstance(repeats, Tensor) else repeats)
    if reps.dtype.kind not in "iu" or reps.ndim > 1 or (reps.size and reps.min() < 0):
        raise InvalidArgumentError(f"repeat: repeats must be non-negative integers (a scalar "
                                   f"or a vector), got {reps.tolist()}")
    n = x._value.shape[a]
    if reps.ndim == 1 and reps.size not in (1, n):
        raise InvalidArgumentError(f"repeat: repeats has {reps.size} entries but axis {a} of "
                                   f"shape {_s(_shape(x))} has size {n}")
    if reps.size == 1:  # the same count for every element: the gradient is a plain sum
        return bind(repeat_p, x, repeats=int(reps.reshape(-1)[0]), axis=a)
    idx = array_module(x._value).asarray(np.repeat(np.arange(n), reps))
    return bind(gather_p, x, idx, axis=a)


def _pad_forward(x, paddings, constant_values):
    shape = tuple(d + b + e for d, (b, e) in zip(x.shape, paddings))
    out = np.full_like(x, constant_values, shape=shape)
    out[tuple(_slice(b, b + d) for d, (b, _) in zip(x.shape, paddings))] = x
    return out


pad_p = primitive("pad", _pad_forward)


def _pad_vjp(g, y, x, paddings, constant_values):
    return index(g, tuple(_slice(b, b + d) for d, (b, _) in zip(np.shape(x), paddings)))


defvjp(pad_p, _pad_vjp)

_PAD_MODES = ("CONSTANT", "REFLECT", "SYMMETRIC")


def pad(tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    """Pad ``paddings[i] = [before, after]`` values around dimension ``i``.

    ``mode``: 'CONSTANT' (with ``constant_values``), 'REFLECT' (mirror without the
    edge) or 'SYMMETRIC' (mirror with the edge).
    """
    x = as_tensor(tensor)
    shape = _shape(x)
    pads = np.asarray(to_numpy(paddings._value) if isinstance(paddings, Tensor) else paddings)
    if pads.shape != (len(shape), 2) or pads.dtype.kind not in "iu":
        raise InvalidArgumentError(f"pad: paddings must be integers of shape [rank, 2] = "
                                   f"[{len(shape)},2] for a tensor of shape {_s(shape)}, got "
                                   f"{pads.tolist()}")
    if pads.size and pads.min() < 0:
        raise InvalidArgumentError(f"pad: paddings must be non-negative, got {pads.tolist()}")
    pads = tuple((int(b), int(e)) for b, e in pads.tolist())
    mode = str(mode).upper()
    if mode not in _PAD_MODES:
        raise InvalidArgumentError(f"pad: mode must be one of {_PAD_MODES}, got {mode!r}")
    if not any(b or e for b, e in pads):
        return x
    if mode == "CONSTANT":
        c = constant_values
        c = to_numpy(c._value).item() if isinstance(c, Tensor) else c
        return bind(pad_p, x, paddings=pads, constant_values=c)
    return _mirror_pad(x, pads, mode)


def _mirror_pad(x, pads, mode):
    """Mirror padding as a gather per padded axis (its gradient adds the mirrored parts)."""
    limit = 0 if mode == "SYMMETRIC" else 1
    for axis, ((b, e), n) in enumerate(zip(pads, _shape(x))):
        if max(b, e) > n - limit:
            raise InvalidArgumentError(
                f"pad: in {mode} mode paddings must be at most the dimension size"
                f"{' - 1' if limit else ''}: got [{b}, {e}] for dimension {axis} of size {n}")
        if b or e:
            idx = array_module(x._value).asarray(np.pad(np.arange(n), (b, e), mode=mode.lower()))
            x = bind(gather_p, x, idx, axis=axis)
    return x


# -- gather ------------------------------------------------------------------------------
def _gather_forward(params, indices, axis):
    if indices.size and indices.min() < 0:
        raise IndexError("negative index")
    return np.take(params, indices, axis=axis)


def _explain_gather(arrays, params, error):
    p, idx = arrays
    n = p.shape[params["axis"]]
    idx = to_numpy(idx)
    bad = np.argwhere((idx < 0) | (idx >= n))
    if not len(bad):
        return None
    where = tuple(bad[0].tolist())
    return (f"gather: indices[{','.join(map(str, where))}] = {idx[where]} is not in [0, {n}) "
            f"(axis {params['axis']} of params with shape {_s(p.shape)})")


gather_p = primitive("gather", _gather_forward, _explain_gather)


def _gather_vjp(g, y, params, indices, axis):
    key = (_ALL,) * axis + (ARRAY,)
    return scatter_into_zeros(g, np.shape(params), key, (indices,))


defvjp(gather_p, _gather_vjp)


def gather(params, indices, validate_indices=None, axis=None, batch_dims=0, name=None):
    """Take slices of ``params`` along ``axis`` at ``indices``.

    The output has shape ``params.shape[:axis] + indices.shape[batch_dims:] +
    params.shape[axis + 1:]``. Indices outside ``[0, params.shape[axis])`` raise an error.

    >>> tf.gather(tf.constant([10, 20, 30]), [2, 0, 2]).numpy()
    array([30, 10, 30], dtype=int32)
    """
    p = as_tensor(params)
    idx = _int_tensor(indices, "gather")
    bd = _int(batch_dims, "gather: batch_dims")
    if bd < 0:
        bd += idx.ndim
    a = bd if axis is None else _int(axis, "gather: axis")
    if a < 0:
        a += p.ndim
    if not 0 <= a < p.ndim:
        raise InvalidArgumentError(f"gather: axis {axis} is out of range for params of shape "
                                   f"{_s(_shape(p))}")
    if bd == 0:
        return bind(gather_p, p, idx, axis=a)
    return _batch_gather(p, idx, a, bd)


def _batch_gather(p, idx, axis, bd):
    """Gather with leading batch dimensions, as one flat gather along axis 0."""
    pshape, ishape = _shape(p), _shape(idx)
    if not 0 < bd <= idx.ndim or bd > axis:
        raise InvalidArgumentError(f"gather: batch_dims ({bd}) must be at most rank(indices) "
                                   f"({idx.ndim}) and at most axis ({axis})")
    if pshape[:bd] != ishape[:bd]:
        raise InvalidArgumentError(f"gather: the first batch_dims={bd} dimensions of params "
                                   f"{_s(pshape)} and indices {_s(ishape)} must be equal")
    n = pshape[axis]
    raw = to_numpy(idx._value)
    if raw.size and (raw.min() < 0 or raw.max() >= n):
        bad = tuple(np.argwhere((raw < 0) | (raw >= n))[0].tolist())
        raise IndexOutOfRangeError(f"gather: indices[{','.join(map(str, bad))}] = {raw[bad]} "
                                   f"is not in [0, {n}) [Op:gather]")
    batch = pshape[:bd]
    middle, rest = pshape[bd:axis], pshape[axis + 1:]
    nb = int(np.prod(batch))
    front = list(range(bd)) + [axis] + list(range(bd, axis)) + list(range(axis + 1, len(pshape)))
    flat = reshape(transpose(p, front) if middle else p, (nb * n,) + middle + rest)
    offsets = (np.arange(nb) * n).astype(idx._value.dtype).reshape(batch + (1,) * (idx.ndim - bd))
    offsets = wrap(array_module(idx._value).asarray(offsets))
    out = bind(gather_p, flat, add(idx, offsets), axis=0)  # batch + I + middle + rest
    if not middle:
        return out
    ni, nm = idx.ndim - bd, len(middle)
    order = (list(range(bd)) + list(range(bd + ni, bd + ni + nm)) + list(range(bd, bd + ni))
             + list(range(bd + ni + nm, out.ndim)))
    return transpose(out, order)


# -- gather_nd and scatters --------------------------------------------------------------
def _nd_key(indices):
    """The index tuple selecting ``indices[..., j]`` along dimension ``j``."""
    return tuple(indices[..., j] for j in range(indices.shape[-1]))


def _check_nd(shape, indices):
    """Raise IndexError when a row of ``indices`` falls outside ``shape``."""
    k = indices.shape[-1]
    if indices.size and k:
        bounds = array_module(indices).asarray(shape[:k])
        if (indices.min() < 0) or (indices >= bounds).any():
            raise IndexError("index out of range")


def _explain_nd(arrays, params, error, op, shape):
    idx = to_numpy(arrays[0] if op == "scatter_nd" else arrays[1])
    if idx.ndim == 0 or idx.shape[-1] > len(shape):
        return (f"{op}: indices of shape {_s(idx.shape)} index more dimensions than the "
                f"tensor of shape {_s(shape)} has")
    k = idx.shape[-1]
    bad = np.argwhere(np.any((idx < 0) | (idx >= np.asarray(shape[:k])), axis=-1))
    if not len(bad):
        return None
    where = tuple(bad[0].tolist())
    return (f"{op}: indices[{','.join(map(str, where))}] = {idx[where].tolist()} does not "
            f"index into shape {_s(shape)}")


def _gather_nd_forward(params, indices):
    _check_nd(params.shape, indices)
    if indices.shape[-1] == 0:
        return np.broadcast_to(params, indices.shape[:-1] + params.shape).copy()
    return params[_nd_key(indices)]


gather_nd_p = primitive("gather_nd", _gather_nd_forward,
                        lambda a, p, e: _explain_nd(a, p, e, "gather_nd", a[0].shape))


def _scatter_add_forward(tensor, indices, updates):
    _check_nd(tensor.shape, indices)
    out = tensor.copy()
    k = indices.shape[-1]
    if k == 0:
        out += updates.reshape((-1,) + tensor.shape).sum(axis=0)
    else:
        np.add.at(out, _nd_key(indices), updates)  # repeated indices accumulate
    return out


def _scatter_nd_forward(indices, updates, shape):
    return _scatter_add_forward(np.zeros_like(updates, shape=shape), indices, updates)


def _scatter_update_forward(tensor, indices, updates):
    _check_nd(tensor.shape, indices)
    out = tensor.copy()
    out[_nd_key(indices) if indices.shape[-1] else ...] = updates
    return out


scatter_nd_p = primitive("scatter_nd", _scatter_nd_forward,
                         lambda a, p, e: _explain_nd(a, p, e, "scatter_nd", p["shape"]))
tensor_scatter_nd_add_p = primitive(
    "tensor_scatter_nd_add", _scatter_add_forward,
    lambda a, p, e: _explain_nd(a, p, e, "tensor_scatter_nd_add", a[0].shape))
tensor_scatter_nd_update_p = primitive(
    "tensor_scatter_nd_update", _scatter_update_forward,
    lambda a, p, e: _explain_nd(a, p, e, "tensor_scatter_nd_update", a[0].shape))

defvjp(gather_nd_p, lambda g, y, params, indices: scatter_nd(indices, g, np.shape(params)))
defvjp(scatter_nd_p, None, lambda g, y, indices, updates, shape: gather_nd(g, indices))
defvjp(tensor_scatter_nd_add_p,
       lambda g, y, tensor, indices, updates: g,
       None,
       lambda g, y, tensor, indices, updates: gather_nd(g, indices))
defvjp(tensor_scatter_nd_update_p,
       lambda g, y, tensor, indices, updates: tensor_scatter_nd_update(
           g, indices, zeros_like(updates)),  # updated places got their value elsewhere
       None,
       lambda g, y, tensor, indices, updates: gather_nd(g, indices))


def _nd_indices(indices, shape, op):
    idx = _int_tensor(indices, op)
    if idx.ndim == 0 or idx.shape[-1] > len(shape):
        raise InvalidArgumentError(f"{op}: indices must have rank >= 1 and last dimension at "
                                   f"most the rank of shape {_s(shape)}, got indices of shape "
                                   f"{_s(_shape(idx))}")
    return idx


def gather_nd(params, indices, batch_dims=0, name=None):
    """Gather slices of ``params`` addressed by the last dimension of ``indices``.

    ``indices[..., :]`` is a (partial) coordinate into ``params``; the output has shape
    ``indices.shape[:-1] + params.shape[indices.shape[-1]:]``.
    """
    p = as_tensor(params)
    bd = _int(batch_dims, "gather_nd: batch_dims")
    if bd == 0:
        return bind(gather_nd_p, p, _nd_indices(indices, _shape(p), "gather_nd"))
    idx = _int_tensor(indices, "gather_nd")
    pshape, ishape = _shape(p), _shape(idx)
    if not 0 < bd < idx.ndim or bd >= p.ndim or pshape[:bd] != ishape[:bd]:
        raise InvalidArgumentError(f"gather_nd: batch_dims={bd} must be less than the ranks of "
                                   f"params {_s(pshape)} and indices {_s(ishape)}, whose first "
                                   f"batch_dims dimensions must be equal")
    nb = int(np.prod(pshape[:bd]))
    inner = ishape[bd:-1]
    flat_p = reshape(p, (nb,) + pshape[bd:])
    flat_i = reshape(idx, (nb,) + ishape[bd:])
    ids = np.broadcast_to(np.arange(nb, dtype=idx._value.dtype).reshape((nb,) + (1,) * (
        len(inner) + 1)), (nb,) + inner + (1,))
    full = concat([wrap(array_module(idx._value).asarray(ids)), flat_i], axis=-1)
    _nd_indices(full, _shape(flat_p), "gather_nd")
    out = bind(gather_nd_p, flat_p, full)
    return reshape(out, pshape[:bd] + inner + pshape[bd + ishape[-1]:])


def _updates_for(updates, dtype, op):
    if isinstance(updates, Tensor):
        if updates._value.dtype != dtype:
            raise InvalidTypeError(f"{op}: updates have dtype {updates.dtype.name} but the "
                                   f"tensor has dtype {np.dtype(dtype).name}")
        return updates
    return wrap(to_array(updates, dtype))


def _check_updates(idx, updates, shape, op):
    expected = _shape(idx)[:-1] + tuple(shape[idx.shape[-1]:])
    if _shape(updates) != expected:
        raise InvalidArgumentError(
            f"{op}: updates must have shape indices.shape[:-1] + shape[indices.shape[-1]:] = "
            f"{_s(expected)}, got {_s(_shape(updates))} (indices {_s(_shape(idx))}, shape "
            f"{_s(shape)})")


def scatter_nd(indices, updates, shape, name=None):
    """Zeros of ``shape`` with ``updates`` added at ``indices`` (repeated indices add up)."""
    shape = tuple(_ints(shape))
    idx = _nd_indices(indices, shape, "scatter_nd")
    u = as_tensor(updates)
    _check_updates(idx, u, shape, "scatter_nd")
    return bind(scatter_nd_p, idx, u, shape=shape)


def _tensor_scatter(prim, tensor, indices, updates):
    t = as_tensor(tensor)
    idx = _nd_indices(indices, _shape(t), prim.name)
    u = _updates_for(updates, t._value.dtype, prim.name)
    _check_updates(idx, u, _shape(t), prim.name)
    return bind(prim, t, idx, u)


def tensor_scatter_nd_update(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with the slices at ``indices`` replaced by ``updates``."""
    return _tensor_scatter(tensor_scatter_nd_update_p, tensor, indices, updates)


def tensor_scatter_nd_add(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with ``updates`` added at ``indices`` (repeats add up)."""
    return _tensor_scatter(tensor_scatter_nd_add_p, tensor, indices, updates)


def tensor_scatter_nd_sub(tensor, indices, updates, name=None):
    """A copy of ``tensor`` with ``updates`` subtracted at ``indices``."""
    t = as_tensor(tensor)
    return tensor_scatter_nd_add(t, indices, negative(_updates_for(updates, t._value.dtype,
                                                                   "tensor_scatter_nd_sub")))


# -- masks, reversal, rolling, slicing ---------------------------------------------------
def boolean_mask(tensor, mask, axis=None, name="boolean_mask"):
    """Keep the entries where ``mask`` is true; ``mask`` covers dimensions ``axis ...``.

    The masked dimensions collapse into one of length ``count_nonzero(mask)``.
    """
    x = as_tensor(tensor)
    m = as_tensor(mask)
    if m._value.dtype.kind != "b":
        raise InvalidTypeError(f"boolean_mask: mask must be boolean, got {m.dtype.name}")
    if m.ndim == 0:
        raise InvalidArgumentError("boolean_mask: mask cannot be a scalar")
    a = 0 if axis is None else _axis(axis, x.ndim, "boolean_mask")
    covered = _shape(x)[a:a + m.ndim]
    if covered != _shape(m):
        raise InvalidArgumentError(f"boolean_mask: mask of shape {_s(_shape(m))} does not "
                                   f"match dimensions {a}..{a + m.ndim - 1} of the tensor of "
                                   f"shape {_s(_shape(x))}")
    return index(x, (_ALL,) * a + (ARRAY,), (m,))


def reverse(tensor, axis, name=None):
    """Reverse the order of elements along each dimension in ``axis``."""
    x = as_tensor(tensor)
    axes = _axes(axis, x.ndim, "reverse")
    return index(x, tuple(_slice(None, None, -1) if i in axes else _ALL for i in range(x.ndim)))


def roll(input, shift, axis, name=None):
    """Shift elements along ``axis`` by ``shift``, wrapping around (shifts may be lists)."""
    x = as_tensor(input)
    shifts, axes = _ints(shift), [_axis(a, x.ndim, "roll") for a in _ints(axis)]
    if len(shifts) != len(axes):
        raise InvalidArgumentError(f"roll: shift {shifts} and axis {axes} must have the same "
                                   f"length")
    total = {}
    for s, a in zip(shifts, axes):
        total[a] = total.get(a, 0) + s
    for a, s in total.items():
        n = x.shape[a]
        s = s % n if n else 0
        if s:
            lead = (_ALL,) * a
            x = concat([index(x, lead + (_slice(n - s, None),)),
                        index(x, lead + (_slice(0, n - s),))], axis=a)
    return x


def slice(input_, begin, size, name=None):  # noqa: A001 - TensorFlow's name
    """The part of ``input_`` starting at ``begin`` with extent ``size`` (-1: to the end)."""
    x = as_tensor(input_)
    shape = _shape(x)
    begin, size = _ints(begin), _ints(size)
    if len(begin) != len(shape) or len(size) != len(shape):
        raise InvalidArgumentError(f"slice: begin {begin} and size {size} must both have "
                                   f"length {len(shape)} (the rank of shape {_s(shape)})")
    key = []
    for i, (b, s, d) in enumerate(zip(begin, size, shape)):
        stop = d if s == -1 else b + s
        if not 0 <= b <= d or s < -1 or stop > d:
            raise InvalidArgumentError(f"slice: expected begin[{i}] in [0, {d}] and size[{i}] "
                                       f"in [0, {d - b}] (or -1), got begin {begin}, size "
                                       f"{size} for shape {_s(shape)}")
        key.append(_slice(b, stop))
    return index(x, tuple(key))


def meshgrid(*args, **kwargs):
    """Coordinate grids from 1-D tensors; ``indexing='xy'`` (default) or ``'ij'``."""
    indexing = kwargs.pop("indexing", "xy")
    kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"meshgrid got unexpected keyword arguments {sorted(kwargs)}")
    if indexing not in ("xy", "ij"):
        raise InvalidArgumentError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    xs = [reshape(as_tensor(a), (-1,)) for a in args]
    out_shape = [x.shape[0] for x in xs]
    where = list(range(len(xs)))
    if indexing == "xy" and len(xs) > 1:
        out_shape[0], out_shape[1] = out_shape[1], out_shape[0]
        where[0], where[1] = 1, 0
    grids = []
    for x, w in zip(xs, where):
        ones = [1] * len(xs)
        ones[w] = x.shape[0]
        grids.append(broadcast_to(reshape(x, ones), out_shape))
    return grids


# -- shape queries, identity, stop_gradient ----------------------------------------------
def shape(input, out_type=int32, name=None):
    """The shape of a tensor, as a 1-D int32 tensor."""
    dims = input._value.shape if isinstance(input, Tensor) else np.shape(input)
    return wrap(np.array(dims, dtype=to_np_dtype(out_type)))


def size(input, out_type=int32, name=None):
    """The number of elements of a tensor, as a scalar int32 tensor."""
    n = input._value.size if isinstance(input, Tensor) else np.size(input)
    return wrap(np.array(n, dtype=to_np_dtype(out_type)))


def rank(input, name=None):
    """The number of dimensions of a tensor, as a scalar int32 tensor."""
    n = input._value.ndim if isinstance(input, Tensor) else np.ndim(input)
    return wrap(np.array(n, dtype=np.int32))


# No copy needed: a Variable installs a new array on assignment, so this stays a snapshot.
identity_p = primitive("identity", lambda x: x)
defvjp(identity_p, lambda g, y, x: g)


def identity(input, name=None):
    """A tensor with the same value (a snapshot of a Variable's current value)."""
    return bind(identity_p, input)


stop_gradient_p = primitive("stop_gradient", lambda x: x)  # no rule: gradients stop here


def stop_gradient(input, name=None):
    """The same value, seen as a constant by gradient computations."""
    return bind(stop_gradient_p, input)
