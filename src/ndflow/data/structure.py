"""Dataset elements: nested tuples and dicts whose leaves are arrays.

Inside a pipeline an element is kept as raw arrays (NumPy arrays or NumPy scalars);
it becomes Tensors only where user code sees it (iteration, ``map``, ``filter``).
As in ``tf.data``, tuples (and namedtuples) and dicts are structure while a list is a
value: ``[1, 2, 3]`` is one component, converted to an array. Dicts are flattened in
sorted-key order, so two elements with the same keys line up whatever their order.
"""

import numpy as np

from ndflow.backend.xp import default_xp, to_numpy
from ndflow.core.convert import to_array as _core_to_array
from ndflow.core.tensor import Tensor, wrap

_CONTAINERS = (tuple, dict)
_TENSOR_KINDS = frozenset("biufcUS")  # numbers, booleans and strings


def flatten(element) -> list:
    """The leaves of ``element`` in order (dicts by sorted key)."""
    if type(element) is tuple and not any(isinstance(v, _CONTAINERS) for v in element):
        return list(element)
    if not isinstance(element, _CONTAINERS):
        return [element]
    out = []
    _flatten_into(element, out)
    return out


def _flatten_into(x, out):
    if isinstance(x, dict):
        for k in sorted(x):
            _flatten_into(x[k], out)
    elif isinstance(x, tuple):
        for v in x:
            _flatten_into(v, out)
    else:
        out.append(x)


def pack(structure, leaves):
    """Rebuild ``structure`` with ``leaves`` (in :func:`flatten` order)."""
    if type(structure) is tuple and len(structure) == len(leaves) and not any(
        isinstance(v, _CONTAINERS) for v in structure
    ):
        return tuple(leaves)
    if not isinstance(structure, _CONTAINERS):
        return leaves[0]
    return _pack(structure, iter(leaves))


def _pack(x, it):
    if isinstance(x, dict):
        packed = {k: _pack(x[k], it) for k in sorted(x)}
        return {k: packed[k] for k in x}
    if isinstance(x, tuple):
        values = [_pack(v, it) for v in x]
        return type(x)(*values) if hasattr(x, "_fields") else tuple(values)
    return next(it)


def map_leaves(fn, element):
    """Apply ``fn`` to every leaf, keeping the structure."""
    if type(element) is tuple:
        return tuple([map_leaves(fn, v) if isinstance(v, _CONTAINERS) else fn(v)
                      for v in element])
    if not isinstance(element, _CONTAINERS):
        return fn(element)
    if isinstance(element, dict):
        return {k: map_leaves(fn, v) for k, v in element.items()}
    return type(element)(*[map_leaves(fn, v) for v in element])  # a namedtuple


def flatten_up_to(structure, value):
    """The parts of ``value`` at the leaves of ``structure`` (a list may stand for a tuple)."""
    if isinstance(structure, dict):
        if not isinstance(value, dict) or sorted(value) != sorted(structure):
            raise ValueError("structure mismatch")
        return [v for k in sorted(structure) for v in flatten_up_to(structure[k], value[k])]
    if isinstance(structure, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(structure):
            raise ValueError("structure mismatch")
        return [v for s, x in zip(structure, value) for v in flatten_up_to(s, x)]
    return [value]


def leaf_paths(element) -> list:
    """Readable paths of the leaves, in :func:`flatten` order: ``[0]``, ``['x']``."""
    out = []

    def walk(x, path):
        if isinstance(x, dict):
            for k in sorted(x):
                walk(x[k], f"{path}[{k!r}]")
        elif isinstance(x, tuple):
            for i, v in enumerate(x):
                walk(v, f"{path}[{i}]")
        else:
            out.append(path or "element")

    walk(element, "")
    return out


def same_structure(a, b) -> bool:
    """Whether two elements have the same nesting (leaves are not compared)."""
    if isinstance(a, dict):
        return isinstance(b, dict) and sorted(a) == sorted(b) and all(
            same_structure(a[k], b[k]) for k in a
        )
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(
            same_structure(x, y) for x, y in zip(a, b)
        )
    return not isinstance(b, _CONTAINERS)


def describe(value) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} (type {type(value).__name__})"


def to_array(value, what: str, dtype=None):
    """One component as a raw array, with TensorFlow's dtype inference for Python data."""
    if isinstance(value, Tensor):
        if dtype is not None and value._value.dtype != np.dtype(dtype):
            return value._value.astype(dtype)
        return value._value
    if dtype is None and isinstance(value, (np.ndarray, np.generic)):
        return value
    try:
        return _core_to_array(value, dtype)
    except (TypeError, ValueError) as e:
        raise type(e)(f"{what}: cannot convert component {describe(value)} to a tensor: "
                      f"{e}") from None


def normalize(value, what: str):
    """A user's nested value as an element of raw arrays."""
    if value is None:
        raise TypeError(f"{what}: an element cannot be None")
    return map_leaves(lambda v: to_array(v, what), value)


def tensor_converter():
    """A function turning one leaf into what user code sees: a Tensor (string tensors stay
    on the CPU), or the NumPy value of a Python-object component."""
    xp = default_xp()

    def convert(leaf):
        if not hasattr(leaf, "dtype"):  # a Python object from an object array (a str, say)
            leaf = np.asarray(leaf)
        kind = leaf.dtype.kind
        if kind not in _TENSOR_KINDS:
            return leaf
        return wrap(leaf if xp is np or kind in "US" else xp.asarray(leaf))

    return convert


def numpy_value(leaf):
    """A leaf as NumPy: an array, or a NumPy scalar for rank 0 (as ``as_numpy_iterator``)."""
    leaf = to_numpy(leaf)
    if isinstance(leaf, np.ndarray) and leaf.ndim == 0:
        return leaf[()]
    return leaf


def from_function_output(value, what: str):
    """What a user function returned, as an element (a returned list becomes a tuple)."""
    if value is None:
        raise TypeError(f"{what}: the function returned None; it must return a tensor or a "
                        "tuple/dict of tensors")
    if type(value) is list:
        value = tuple(value)
    return normalize(value, what)
