"""``cast``: change a tensor's dtype (gradients are cast back)."""

import numpy as np

from ndflow.autodiff.primitive import bind, defvjp, primitive
from ndflow.core.dtypes import to_np_dtype


def _cast_forward(x, dtype):
    if x.dtype.kind == "c" and dtype.kind != "c":
        x = x.real  # TensorFlow drops the imaginary part
    return x.astype(dtype, copy=False)


cast_p = primitive("cast", _cast_forward)


def _cast_vjp(g, out, x, dtype):
    src = np.asarray(x).dtype if not hasattr(x, "_value") else x._value.dtype
    if src.kind not in "fc":
        return None
    return cast(g, src)


defvjp(cast_p, _cast_vjp)


def cast(x, dtype, name=None):
    """Return ``x`` converted to ``dtype`` (floats to ints truncate toward zero)."""
    np_dtype = to_np_dtype(dtype)
    if getattr(x, "_value", None) is not None and x._value.dtype == np_dtype:
        return x
    return bind(cast_p, x, dtype=np_dtype)
