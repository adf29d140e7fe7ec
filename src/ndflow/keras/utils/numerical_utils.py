"""NumPy utilities of ``keras.utils``: one-hot labels and normalization."""

import numpy as np

from ndflow.core.tensor import Tensor
from ndflow.keras.ops.nn import normalize as _normalize_tensor

__all__ = ["normalize", "to_categorical"]


def _class_labels(x):
    y = np.asarray(x)
    if y.dtype.kind == "f" and y.size and not np.all(np.mod(y, 1) == 0):
        raise ValueError("to_categorical expects integer class labels, got fractional values "
                         f"such as {y[np.mod(y, 1) != 0].reshape(-1)[0]!r}")
    if y.dtype.kind not in "biuf":
        raise ValueError(f"to_categorical expects integer class labels, got an array of "
                         f"dtype {y.dtype}")
    return y.astype(np.int64, copy=False)


def to_categorical(x, num_classes=None):
    """One-hot encode integer class labels as a float64 NumPy array (as Keras 3), classes
    on a new last axis (a trailing axis of length 1 is replaced). Models cast it to their
    own float type.

    >>> to_categorical([0, 2, 1], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])

    ``num_classes`` defaults to ``max(x) + 1``; labels outside ``[0, num_classes)`` raise
    an error.
    """
    y = _class_labels(x)
    shape = y.shape[:-1] if y.ndim > 1 and y.shape[-1] == 1 else y.shape
    flat = y.reshape(-1)
    if num_classes is None:
        num_classes = int(flat.max()) + 1 if flat.size else 0
    num_classes = int(num_classes)
    bad = (flat < 0) | (flat >= num_classes)
    if bad.any():
        raise ValueError(f"to_categorical: label {int(flat[bad][0])} is outside [0, "
                         f"{num_classes}) for num_classes={num_classes}")
    out = np.zeros((flat.size, num_classes))  # float64, as Keras 3 returns
    out[np.arange(flat.size), flat] = 1.0
    return out.reshape(tuple(shape) + (num_classes,))


def normalize(x, axis=-1, order=2):
    """Divide ``x`` by its ``order``-norm along ``axis`` (zero vectors stay zero).

    NumPy arrays (and Python data) give a NumPy array; tensors give a tensor, computed
    with ``keras.ops.normalize``. ``axis=None`` normalizes the flattened array as one
    vector.
    """
    if isinstance(x, Tensor):
        return _normalize_tensor(x, axis=axis, order=order)
    x = np.asarray(x)
    if axis is None:
        norms = np.linalg.norm(x.reshape(-1), ord=order)
    else:
        norms = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    norms = np.where(norms == 0, np.ones_like(norms), norms)
    return x / norms
