"""Conversion of Python data, NumPy arrays and tensors to raw arrays and Tensors."""

import numbers

import numpy as np

from ndflow.backend.config import floatx
from ndflow.backend.promotion import default_dtype_for
from ndflow.backend.xp import default_xp
from ndflow.core.dtypes import as_dtype, to_np_dtype
from ndflow.core.tensor import Tensor, wrap

_INT32 = np.dtype(np.int32)
_I32_MIN, _I32_MAX = np.iinfo(np.int32).min, np.iinfo(np.int32).max


def _describe(value) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} (type {type(value).__name__})"


def _from_python(value, dtype):
    """Convert Python scalars and nested lists with TensorFlow's dtype inference."""
    xp = default_xp()
    if dtype is None:
        dt = default_dtype_for(value)
        if dt is not None:  # a Python scalar
            if dt == _INT32 and not _I32_MIN <= value <= _I32_MAX:
                dt = np.dtype(np.int64)
            return xp.asarray(value, dtype=dt)
    try:
        arr = np.asarray(value) if dtype is None else None
    except ValueError:
        raise ValueError(
            f"Can't convert non-rectangular Python sequence to Tensor: {_describe(value)}"
        ) from None
    if arr is not None:
        kind = arr.dtype.kind
        if kind == "O":
            raise TypeError(f"Cannot convert {_describe(value)} to a Tensor")
        if kind in "US" and not _all_strings(value):
            raise TypeError(f"Cannot convert {_describe(value)} to a Tensor: mixed strings "
                            "and numbers")
        if kind == "i" and arr.dtype.itemsize == 8:
            if arr.size == 0 or (arr.min() >= _I32_MIN and arr.max() <= _I32_MAX):
                arr = arr.astype(np.int32)
        elif kind == "f" and arr.dtype.itemsize == 8:
            arr = arr.astype(np.dtype(floatx()))
        return xp.asarray(arr)
    return _cast_python(value, dtype, xp)


def _all_strings(value):
    if isinstance(value, (str, bytes)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_all_strings(v) for v in value)
    return False


def _cast_python(value, np_dtype, xp):
    try:
        arr = np.asarray(value)
    except ValueError:
        raise ValueError(
            f"Can't convert non-rectangular Python sequence to Tensor: {_describe(value)}"
        ) from None
    if arr.dtype.kind == "O":
        raise TypeError(f"Cannot convert {_describe(value)} to a Tensor of dtype {np_dtype}")
    _check_cast(arr, np_dtype, value)
    return xp.asarray(arr.astype(np_dtype, copy=False))


def _check_cast(arr, np_dtype, value):
    """Refuse conversions that would silently lose information, as TensorFlow does."""
    src, dst = arr.dtype.kind, np_dtype.kind
    if dst in "US":
        if src not in "US":
            raise TypeError(f"Cannot convert {_describe(value)} to a string tensor")
        return
    if src in "US":
        raise TypeError(f"Cannot convert {_describe(value)} to a Tensor of dtype "
                        f"{as_dtype(np_dtype).name}")
    if dst in "iu" and src == "f" and arr.size and not np.all(np.mod(arr, 1) == 0):
        raise TypeError(f"Cannot convert {_describe(value)} to a Tensor of dtype "
                        f"{as_dtype(np_dtype).name}: it has a fractional part")
    if dst in "biuf" and src == "c":
        raise TypeError(f"Cannot convert complex {_describe(value)} to dtype "
                        f"{as_dtype(np_dtype).name}")


def to_array(value, dtype=None):
    """Return a raw array (NumPy or CuPy) for a Tensor, array or Python data.

    Python data gets TensorFlow's dtypes (ints int32, floats floatx); NumPy arrays keep
    theirs; ``dtype`` converts, refusing lossy conversions of Python data.
    """
    if isinstance(value, Tensor):
        arr = value._value
        if dtype is not None and arr.dtype != (dt := to_np_dtype(dtype)):
            raise ValueError(
                f"Tensor conversion requested dtype {as_dtype(dt).name} for Tensor with "
                f"dtype {value.dtype.name}"
            )
        return arr
    np_dtype = None if dtype is None else to_np_dtype(dtype)
    if isinstance(value, np.generic) or hasattr(value, "__array_namespace__"):
        # NumPy scalars serve as rank-0 arrays: NumPy functions accept them as they are
        if np_dtype is None or value.dtype == np_dtype:
            return value
        return value.astype(np_dtype)
    if hasattr(value, "__array__") and not isinstance(value, (list, tuple)):
        arr = np.asarray(value)
        return arr if np_dtype is None else arr.astype(np_dtype)
    if isinstance(value, (numbers.Number, str, bytes, list, tuple)):
        return _from_python(value, np_dtype)
    raise TypeError(f"Cannot convert {_describe(value)} to a Tensor")


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None) -> Tensor:
    """Convert a Python value, NumPy array or Tensor to a Tensor.

    A Tensor or Variable is returned as it is (a Variable keeps its identity, so
    gradients flow to it); ``dtype_hint`` is used for Python data when ``dtype`` is None.
    """
    if isinstance(value, Tensor):
        to_array(value, dtype)  # dtype check
        return value
    if dtype is None and dtype_hint is not None and not hasattr(value, "dtype"):
        try:
            return wrap(to_array(value, dtype_hint))
        except (TypeError, ValueError):
            pass
    return wrap(to_array(value, dtype))
