"""Indexing with ``tensor[key]``: slices, negative indices, ellipsis, newaxis, integer and
boolean arrays, all differentiable (the gradient scatters back into zeros)."""

import numpy as np

from ndflow.autodiff.primitive import bind, defvjp, primitive
from ndflow.core.tensor import Tensor


def _normalize_key(key):
    """Turn a user's key into a tuple NumPy understands (tensors become arrays)."""
    if not isinstance(key, tuple):
        key = (key,)
    out = []
    for k in key:
        if isinstance(k, Tensor):
            k = k._value
            if k.ndim == 0 and k.dtype.kind in "iu":
                k = int(k)
        elif isinstance(k, list):
            k = np.asarray(k)
        elif isinstance(k, slice):
            k = slice(*(int(v) if isinstance(v, Tensor) else v for v in (k.start, k.stop, k.step)))
        if isinstance(k, np.ndarray) and k.dtype.kind not in "biu":
            raise TypeError(f"Only integers, slices, ellipsis, None and integer or boolean "
                            f"arrays are valid indices, got an array of dtype {k.dtype}")
        out.append(k)
    return tuple(out)


def _is_basic(key):
    return all(isinstance(k, (int, slice, type(None), type(Ellipsis))) for k in key)


def _explain_getitem(arrays, params, error):
    return f"Index {params['key']!r} is invalid for a tensor of shape {arrays[0].shape}: {error}"


getitem_p = primitive("getitem", lambda x, key: x[key], _explain_getitem)


def _scatter_forward(g, shape, key):
    out = np.zeros(shape, dtype=g.dtype)
    if _is_basic(key):
        out[key] = g
    else:
        np.add.at(out, key, g)  # repeated indices accumulate
    return out


scatter_into_zeros_p = primitive("scatter_into_zeros", _scatter_forward)

defvjp(getitem_p, lambda g, y, x, key: scatter_into_zeros(g, np.shape(x), key))
defvjp(scatter_into_zeros_p, lambda g, y, gin, shape, key: getitem(g, key))


def scatter_into_zeros(updates, shape, key):
    """Zeros of ``shape`` with ``updates`` added at ``key`` (the transpose of indexing)."""
    return bind(scatter_into_zeros_p, updates, shape=tuple(shape), key=key)


def getitem(x, key):
    """``x[key]`` for a tensor, as NumPy indexes arrays."""
    return bind(getitem_p, x, key=_normalize_key(key))
