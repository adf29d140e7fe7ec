"""Dtype promotion for mixed-dtype operations, following keras.ops (a JAX-style lattice).

The rules, for two array dtypes:

* the same dtype gives itself; ``bool`` joins anything as the other dtype;
* signed with signed, unsigned with unsigned: the wider one;
* unsigned with signed: the signed type wide enough for both
  (uint8 + int8 -> int16, uint32 + int32 -> int64, uint64 + any signed -> int64);
* any integer with a float: that float (int32 + float16 -> float16, int64 + float32 -> float32);
* float with float: the wider one; anything with complex: complex128 if either side
  holds 64-bit floats, else complex64;
* strings only join strings.

Python scalars are *weak*: they take the dtype of the tensor they meet, so
``float32_tensor * 2`` stays float32. A Python float meeting an integer or bool tensor
gives ``floatx()``; a Python complex gives the complex type of matching precision.
"""

import numpy as np

from ndflow.backend.config import floatx

_BOOL = np.dtype(bool)
_C64 = np.dtype(np.complex64)
_C128 = np.dtype(np.complex128)
_cache: dict = {}


class PromotionError(TypeError):
    """Two dtypes cannot meet in one operation."""


def _kind(dt):
    k = dt.kind
    if k in "USO":
        return "s"
    return k  # 'b', 'u', 'i', 'f', 'c'


def _join(a, b):
    if a == b:
        return a
    ka, kb = _kind(a), _kind(b)
    if ka == "s" or kb == "s":
        if ka == kb:
            return a if a.itemsize >= b.itemsize else b
        raise PromotionError(f"Cannot combine a string dtype with {b if ka == 's' else a}")
    if ka == "b":
        return b
    if kb == "b":
        return a
    if ka == kb:
        return a if a.itemsize >= b.itemsize else b
    order = "uifc"
    if order.index(ka) > order.index(kb):
        a, b, ka, kb = b, a, kb, ka
    # now ka is "lower" than kb
    if ka == "u" and kb == "i":
        if b.itemsize > a.itemsize:
            return b
        return np.dtype(f"int{min(2 * a.itemsize, 8) * 8}")
    if kb == "f":
        return b
    # kb == "c"
    wide = b == _C128 or (ka == "f" and a.itemsize == 8)
    return _C128 if wide else _C64


def result_type(a, b):
    """Return the dtype two array dtypes promote to (see the module docstring)."""
    if a is b or a == b:
        return a
    key = (a, b)
    out = _cache.get(key)
    if out is None:
        out = _cache[key] = _join(np.dtype(a), np.dtype(b))
    return out


def weak_scalar_dtype(value, dtype):
    """Return the dtype a Python scalar takes when it meets an array of ``dtype``."""
    k = dtype.kind
    if isinstance(value, bool):
        return dtype
    if isinstance(value, int):
        return np.dtype(np.int32) if k == "b" else dtype
    if isinstance(value, float):
        return dtype if k in "fc" else np.dtype(floatx())
    if isinstance(value, complex):
        if k == "c":
            return dtype
        return _C128 if (k == "f" and dtype.itemsize == 8) else _C64
    return dtype


def default_dtype_for(value):
    """Return the dtype TensorFlow gives a Python scalar or nested list on its own."""
    if isinstance(value, bool):
        return _BOOL
    if isinstance(value, int):
        return np.dtype(np.int32)
    if isinstance(value, float):
        return np.dtype(floatx())
    if isinstance(value, complex):
        return _C128
    return None
