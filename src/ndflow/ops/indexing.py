"""Indexing with ``tensor[key]``: ints, slices, ellipsis, newaxis, integer and boolean arrays.

A key is split in two: a static template (ints, slices, None, Ellipsis, and a marker
``ARRAY`` where an index array goes) passed as a parameter, and the index arrays passed
positionally, so that index tensors computed by other ops stay inputs of the graph.
The gradient scatters ``g`` back into zeros (repeated indices accumulate); that scatter
is a primitive whose own gradient is indexing again, so every order works.
"""

import numpy as np

from ndflow.autodiff.primitive import bind, defvjp, primitive
from ndflow.backend.xp import array_module, to_numpy
from ndflow.core.errors import InvalidTypeError, shape_str
from ndflow.core.tensor import Tensor

__all__ = []


class _ArrayMarker:
    """Stands in a key template for the next positional index array."""

    __slots__ = ()

    def __repr__(self):
        return "ARRAY"


ARRAY = _ArrayMarker()

_BASIC = (int, slice, type(None), type(Ellipsis))
_INDEX_ERROR = ("Only integers, slices (`:`), ellipsis (`...`), newaxis (`None`) and integer "
                "or boolean arrays and tensors are valid indices, got ")


def _fill(key, arrays):
    """Put the index arrays into the template; 0-d integer arrays become ints."""
    it = iter(arrays)
    out = []
    for k in key:
        if k is ARRAY:
            k = next(it)
            if k.ndim == 0 and k.dtype.kind in "iu":
                k = int(k)
        out.append(k)
    return tuple(out)


def _getitem_forward(x, *arrays, key):
    return x[_fill(key, arrays) if arrays else key]


def _key_str(key, arrays):
    """The key as the user wrote it, for error messages: ``[1, ::-1, ...]``."""
    it = iter(arrays)
    parts = []
    for k in key:
        if k is ARRAY:
            a = next(it)
            parts.append(_short(to_numpy(a).tolist()))
        elif isinstance(k, slice):
            parts.append(":".join("" if v is None else str(v) for v in
                                  (k.start, k.stop) + ((k.step,) if k.step is not None else ())))
        elif k is Ellipsis:
            parts.append("...")
        else:
            parts.append(repr(k))
    return "[" + ", ".join(parts) + "]"


def _explain_getitem(arrays, params, error):
    x = arrays[0]
    return (f"Index {_key_str(params['key'], arrays[1:])} is invalid for a tensor of shape "
            f"{shape_str(x.shape)}: {error}")


getitem_p = primitive("getitem", _getitem_forward, _explain_getitem)


def _add_rows(out, rows, g):
    """``out[rows[k]] += g[k]`` for row indices that may repeat.

    ``np.add.at`` works one element at a time; an Embedding gradient (thousands of token
    rows into a large table) is about twice as fast as a few buffered fancy-index adds,
    one per rank of repetition (every first occurrence, then every second, ...).
    """
    flat = rows.reshape(-1)
    g = g.reshape(flat.size, -1)
    out = out.reshape(out.shape[0], -1)
    if flat.min() < 0:  # -1 and n - 1 are the same row
        flat = np.where(flat < 0, flat + out.shape[0], flat)
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    first = np.empty(flat.size, dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    position = np.arange(flat.size)
    rank = position - np.maximum.accumulate(np.where(first, position, 0))
    for r in range(int(rank.max()) + 1):
        take = order[rank == r]  # no row repeats within one rank
        out[flat[take]] += g[take]


def _scatter_forward(g, *arrays, shape, key):
    out = np.zeros_like(g, shape=shape)
    full = _fill(key, arrays) if arrays else key
    if (len(full) == 1 and getattr(full[0], "dtype", None) is not None
            and full[0].dtype.kind in "iu" and full[0].size > 1 and g.size):
        _add_rows(out, full[0], g)
    elif any(getattr(k, "dtype", None) is not None and k.dtype.kind in "iu" for k in full):
        np.add.at(out, full, g)  # integer arrays may repeat an index: accumulate
    else:
        out[full] = g
    return out


scatter_into_zeros_p = primitive("scatter_into_zeros", _scatter_forward)


def _getitem_vjp(g, y, x, *arrays, key):
    return bind(scatter_into_zeros_p, g, *arrays, shape=tuple(np.shape(x)), key=key)


def _scatter_vjp(g, y, updates, *arrays, shape, key):
    return bind(getitem_p, g, *arrays, key=key)


defvjp(getitem_p, _getitem_vjp)  # no gradient for the index arrays
defvjp(scatter_into_zeros_p, _scatter_vjp)


def index(x, key, arrays=()):
    """``x[key]`` for a template ``key`` whose ``ARRAY`` markers take ``arrays`` in order."""
    return bind(getitem_p, x, *arrays, key=key)


def scatter_into_zeros(updates, shape, key, arrays=()):
    """Zeros of ``shape`` with ``updates`` added at ``key`` (the transpose of indexing)."""
    return bind(scatter_into_zeros_p, updates, *arrays, shape=tuple(shape), key=key)


def _split_key(key, xp):
    """Turn a user's key into ``(template, index arrays)``; lists become ``xp`` arrays."""
    if type(key) is not tuple:
        key = (key,)
    template = []
    arrays = []
    for k in key:
        if isinstance(k, _BASIC):
            if type(k) is slice and not _plain_slice(k):
                k = slice(*(_slice_bound(v) for v in (k.start, k.stop, k.step)))
        elif isinstance(k, Tensor):
            _check_index_dtype(k._value.dtype, k)
            arrays.append(k)
            k = ARRAY
        elif isinstance(k, np.integer):
            k = int(k)
        elif isinstance(k, np.bool_):
            k = bool(k)
        elif isinstance(k, (list, tuple, np.ndarray)) or hasattr(k, "__array_namespace__"):
            a = k
            if isinstance(k, (list, tuple)):
                a = np.asarray(k)
                if a.size == 0 and a.dtype.kind == "f":  # an empty list
                    a = a.astype(np.intp)
                if a.dtype.kind in "biu":
                    a = xp.asarray(a)
            _check_index_dtype(a.dtype, k)
            arrays.append(a)
            k = ARRAY
        else:
            raise InvalidTypeError(_INDEX_ERROR + _short(k))
        template.append(k)
    return tuple(template), arrays


_PLAIN = frozenset((int, type(None), type(Ellipsis)))
_BOUNDS = frozenset((int, type(None)))


def _plain_slice(s):
    return type(s.start) in _BOUNDS and type(s.stop) in _BOUNDS and type(s.step) in _BOUNDS


def _slice_bound(v):
    if v is None or isinstance(v, int):
        return v
    if isinstance(v, (Tensor, np.integer)) or hasattr(v, "__index__"):
        try:
            return v.__index__()
        except (TypeError, ValueError):
            pass
    raise InvalidTypeError(f"Slice bounds must be integers or None, got {_short(v)}")


def _check_index_dtype(dtype, k):
    if dtype.kind not in "biu":
        raise InvalidTypeError(_INDEX_ERROR + _short(k))


def _short(v):
    text = repr(v)
    return text if len(text) <= 80 else text[:77] + "..."


def getitem(tensor, key):
    """``tensor[key]``, indexing as NumPy does; differentiable with respect to ``tensor``."""
    kind = type(key)
    if kind is int or (kind is slice and _plain_slice(key)):  # the common cases, kept short
        return bind(getitem_p, tensor, key=(key,))
    if kind is tuple and all(type(k) in _PLAIN or (type(k) is slice and _plain_slice(k))
                             for k in key):
        return bind(getitem_p, tensor, key=key)
    template, arrays = _split_key(key, array_module(getattr(tensor, "_value", None)))
    return bind(getitem_p, tensor, *arrays, key=template)
