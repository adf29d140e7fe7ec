"""``ndflow.keras.backend``: Keras's global settings and dtype helpers.

>>> from ndflow.keras import backend
>>> backend.floatx(), backend.epsilon(), backend.image_data_format()
('float32', 1e-07, 'channels_last')
>>> backend.result_type("int32", float)
'float32'

``floatx`` and ``epsilon`` are ndflow's own settings (``ndflow.backend``), so changing
them here changes them for every ndflow op. ``clear_session`` forgets the state Keras
keeps between models: unique-name counters (``get_uid``) and whatever the modules that
registered a hook with :func:`register_clear_session_hook` reset (the layers module
registers its layer-name counters).
"""

import collections
import gc
import numbers

import numpy as np

from ndflow.backend import promotion
from ndflow.backend.config import epsilon, floatx, set_epsilon, set_floatx
from ndflow.core.dtypes import as_dtype
from ndflow.keras.keras_tensor import is_keras_tensor

__all__ = [
    "backend", "clear_session", "epsilon", "floatx", "get_uid", "image_data_format",
    "is_float_dtype", "is_int_dtype", "is_keras_tensor", "register_clear_session_hook",
    "result_type", "set_epsilon", "set_floatx", "set_image_data_format", "standardize_dtype",
]

_DATA_FORMATS = ("channels_first", "channels_last")
_state = {"image_data_format": "channels_last"}
_uids: collections.Counter = collections.Counter()
_clear_session_hooks: list = []

# Python types stand for the dtypes tensors made from them get (ints int32, floats floatx).
_PYTHON_TYPES = {bool: "bool", int: "int32", float: None, complex: "complex64", str: "string"}
_WEAK_SAMPLES = {int: 0, float: 0.0, complex: 0j}  # Python scalars that promote weakly


def backend() -> str:
    """The name of the backend: ``'ndflow'``."""
    return "ndflow"


def image_data_format() -> str:
    """The default layout of image data: ``'channels_last'`` or ``'channels_first'``."""
    return _state["image_data_format"]


def set_image_data_format(data_format: str) -> None:
    """Set the default layout of image data (``'channels_last'`` or ``'channels_first'``)."""
    value = str(data_format).lower()
    if value not in _DATA_FORMATS:
        raise ValueError(f"The `data_format` argument must be one of {set(_DATA_FORMATS)}. "
                         f"Received: data_format={data_format!r}")
    _state["image_data_format"] = value


def register_clear_session_hook(fn):
    """Have :func:`clear_session` call ``fn()`` (once, however often it is registered);
    returns ``fn``, so it also works as a decorator."""
    if not callable(fn):
        raise TypeError(f"register_clear_session_hook expects a callable, got {fn!r}")
    if fn not in _clear_session_hooks:
        _clear_session_hooks.append(fn)
    return fn


def clear_session(free_memory=True) -> None:
    """Reset the state Keras keeps between models (name counters and the registered
    hooks), and collect garbage when ``free_memory``."""
    _uids.clear()
    for hook in list(_clear_session_hooks):
        hook()
    if free_memory:
        gc.collect()


def get_uid(prefix="") -> int:
    """The next number for ``prefix`` in this session: 1, 2, 3 ... (reset by
    :func:`clear_session`)."""
    _uids[prefix] += 1
    return _uids[prefix]


def standardize_dtype(dtype=None) -> str:
    """The name of a dtype given as a string, an ndflow or NumPy dtype, or a Python type
    (None gives ``floatx()``).

    >>> standardize_dtype("float64"), standardize_dtype(int), standardize_dtype(None)
    ('float64', 'int32', 'float32')
    """
    if dtype is None:
        return floatx()
    if isinstance(dtype, type) and dtype in _PYTHON_TYPES:
        return _PYTHON_TYPES[dtype] or floatx()
    if dtype == "int":
        return "int32"
    name = getattr(dtype, "name", None)
    if isinstance(name, str) and not isinstance(dtype, (str, np.dtype)):
        dtype = name  # an ndflow DType, or a dtype object of another library
    try:
        return as_dtype(dtype).name
    except TypeError:
        raise ValueError(f"Invalid dtype: {dtype!r}") from None


def _weak_type(value):
    """The Python scalar type a weak operand stands for, or None for a dtype."""
    if isinstance(value, type) and value in _WEAK_SAMPLES:
        return value
    if isinstance(value, numbers.Number) and not isinstance(value, (bool, np.generic)):
        return type(value) if type(value) in _WEAK_SAMPLES else None
    return None


def result_type(*dtypes) -> str:
    """The dtype an operation on operands of ``dtypes`` gives, by ndflow's (Keras's)
    promotion rules; the Python types ``int``, ``float`` and ``complex`` are weak: they
    take the dtype of the tensors they meet. None stands for ``floatx()``; no dtypes at
    all give ``floatx()``.

    >>> result_type("int32", "float16"), result_type("uint8", "int8"), result_type(int)
    ('float16', 'int16', 'int32')
    """
    if not dtypes:
        return floatx()
    weak, strong = [], []
    for d in dtypes:
        kind = _weak_type(d)
        if kind is not None:
            weak.append(kind)
        else:
            strong.append(as_dtype(standardize_dtype(d)).np_dtype)
    if strong:
        out = strong[0]
        for d in strong[1:]:
            try:
                out = promotion.result_type(out, d)
            except promotion.PromotionError as e:
                raise ValueError(f"result_type: {e}") from None
    else:  # only Python scalars: the widest kind among them, as a tensor of it would be
        widest = max(weak, key=list(_WEAK_SAMPLES).index)
        return standardize_dtype(widest)
    for kind in weak:
        out = promotion.weak_scalar_dtype(_WEAK_SAMPLES[kind], out)
    return as_dtype(out).name


def is_float_dtype(dtype) -> bool:
    """Whether ``dtype`` is a floating-point type."""
    return standardize_dtype(dtype).startswith(("float", "bfloat"))


def is_int_dtype(dtype) -> bool:
    """Whether ``dtype`` is an integer type (signed or unsigned)."""
    return standardize_dtype(dtype).startswith(("int", "uint"))
