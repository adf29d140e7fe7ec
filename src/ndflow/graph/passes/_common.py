"""What the passes share: which nodes are pure, comparable keys, rewiring, shapes.

Passes never change a :class:`Node` in place (the unoptimised graph shares them): a node
that needs other inputs is replaced by a new one (``rewired``).
"""

import numpy as np

from ndflow.autodiff.engine_ops import _sum_to_shape
from ndflow.autodiff.tape import _RawRule
from ndflow.graph.ir import Node, VariableRead
from ndflow.ops.random import RANDOM_PRIMITIVES

# Arrays up to this many elements are compared by value (constants, parameters).
VALUE_LIMIT = 1 << 16

# raw-array functions recorded while tracing that compute only from their arguments
_PURE_RAW = (np.ufunc, _RawRule)


def is_read(node) -> bool:
    return isinstance(node.fn, VariableRead)


def is_random(node) -> bool:
    """A draw from a random state: each run must draw again, in the traced order."""
    prim = node.prim
    return prim is not None and (prim.name in RANDOM_PRIMITIVES or "seed" in node.params)


def is_pure(node) -> bool:
    """Whether the node's outputs depend only on its inputs and it changes nothing else.

    Primitives are pure unless random (their forwards never mutate their inputs); of the
    raw-array computations, NumPy ufuncs, gradient rules and fused kernels are; anything
    else recorded with ``run_on_arrays`` (a layer's own NumPy code, ``cond``) may not be.
    """
    if node.effect or node.guard is not None or isinstance(node.fn, VariableRead):
        return False
    if node.prim is not None:
        return not is_random(node)
    return is_pure_raw(node.fn)


def is_pure_raw(fn) -> bool:
    return (isinstance(fn, _PURE_RAW) or fn is _sum_to_shape
            or getattr(type(fn), "pure", False) is True)


def op_key(node):
    """What a node computes, apart from its inputs and parameters (None: not comparable)."""
    if node.prim is not None:
        return ("prim", node.prim.name)
    fn = node.fn
    if isinstance(fn, np.ufunc):
        return ("ufunc", fn.__name__)
    if isinstance(fn, _RawRule):
        return ("rule", id(fn.rule), tuple(fn.needed))
    if fn is _sum_to_shape:
        return ("fn", "sum_to_shape")
    return None


class Unfrozen(Exception):
    """A value has no safe comparison key."""


def freeze(value):
    """A hashable key equal for equal values: types and array bytes included, so 1 and
    1.0, -0.0 and 0.0, float32 and float64 stay apart. Raises Unfrozen when unsure."""
    if value is None or isinstance(value, (bool, int, str, bytes)):
        return (type(value).__name__, value)
    if isinstance(value, (float, complex)):
        return (type(value).__name__, repr(value))
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(freeze(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((repr(k), freeze(v)) for k, v in value.items())))
    if isinstance(value, np.dtype):
        return ("dtype", value.str)
    if isinstance(value, slice):
        return ("slice", freeze(value.start), freeze(value.stop), freeze(value.step))
    if value is Ellipsis:
        return ("ellipsis",)
    if isinstance(value, (np.ndarray, np.generic)):
        if value.size > VALUE_LIMIT or value.dtype.kind not in "biufcSU":
            raise Unfrozen
        return ("array", value.dtype.str, value.shape, np.ascontiguousarray(value).tobytes())
    if isinstance(value, type):
        return ("type", value.__module__, value.__qualname__)
    raise Unfrozen


def frozen_or_none(value):
    try:
        return freeze(value)
    except Unfrozen:
        return None


def rewired(node, mapping):
    """``node`` reading ``mapping[slot]`` instead of each mapped input slot."""
    if not mapping:
        return node
    inputs = tuple(mapping.get(i, i) for i in node.inputs)
    if inputs == node.inputs:
        return node
    return replaced(node, inputs=inputs)


def replaced(node, **changes):
    """A copy of ``node`` with some fields changed."""
    fields = {k: getattr(node, k) for k in Node.__slots__}
    fields.update(changes)
    return Node(**fields)


def consumers(nodes):
    """``{slot: number of nodes reading it}``."""
    count = {}
    for node in nodes:
        for slot in set(node.inputs):
            count[slot] = count.get(slot, 0) + 1
    return count


def aval(value):
    """``(shape, dtype)`` of an array or NumPy scalar, None for other values."""
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return tuple(value.shape), np.dtype(value.dtype)
    return None


def avals_of(graph) -> dict:
    """The graph's ``{slot: (shape, dtype)}`` as traced (``Graph.shapes``; passes keep it
    up to date for the constants they add)."""
    shapes = getattr(graph, "shapes", None)
    if shapes is None:
        shapes = graph.shapes = {}
    return shapes


def finish(graph, nodes):
    """Install the rewritten node list."""
    graph.nodes = nodes
    graph.invalidate()
    return graph
