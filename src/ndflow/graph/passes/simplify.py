"""Algebraic simplification: drop operations that do not change their operand.

``x * 1``, ``1 * x``, ``x + 0``, ``0 + x``, ``x - 0``, ``x / 1``, ``x ** 1``, ``identity``,
and a ``cast`` to the dtype ``x`` already has become ``x`` itself, but only where the
result has exactly ``x``'s traced shape and dtype (``x + zeros((3, 1))`` broadcasts, and
``int_x * 1.0`` would promote) and the constant is a scalar or all ones in its
dimensions, so ``x``'s shape cannot matter (it may vary from run to run after a
boolean mask). A transpose of a transpose becomes one transpose (or
none), a reshape of a reshape one reshape (or none); the inner one goes when nothing
else reads it. A value the graph returns is left computed, so each call still hands
out its own array.
"""

import numpy as np

from ndflow.graph.passes._common import avals_of, finish, replaced, rewired

__all__ = ["run"]

# primitive -> {operand position that can be the neutral constant: its value}
_NEUTRAL = {
    "multiply": {0: 1, 1: 1},
    "add": {0: 0, 1: 0},
    "add_any": {0: 0, 1: 0},
    "subtract": {1: 0},
    "divide": {1: 1},
    "pow": {1: 1},
}
_PASS_THROUGH = frozenset({"identity", "stop_gradient"})  # replays never record gradients


def _is_neutral(value, neutral, rank) -> bool:
    """Whether ``value`` is ``neutral`` and cannot broadcast an operand of ``rank``
    dimensions to another shape, whatever that operand's shape at run time."""
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        return type(value) in (int, float) and value == neutral
    shape = getattr(value, "shape", None)
    if (np.dtype(dtype).kind not in "iufc" or shape is None or len(shape) > rank
            or any(d != 1 for d in shape)):
        return False
    return bool(np.all(value == neutral))


def _operand(node, constants, avals):
    """The slot ``node`` passes through unchanged, or None."""
    name = node.prim.name
    if name in _PASS_THROUGH:
        return node.inputs[0]
    if name == "cast":
        x = node.inputs[0]
        known = avals.get(x)
        return x if known is not None and known[1] == node.params["dtype"] else None
    neutral = _NEUTRAL.get(name)
    if neutral is None or len(node.inputs) != 2:
        return None
    for position, value in neutral.items():
        slot, x = node.inputs[position], node.inputs[1 - position]
        if (slot in constants and x in avals
                and _is_neutral(constants[slot], value, len(avals[x][0]))):
            return x
    return None


def _compose(node, producer):
    """One node for ``transpose(transpose(x))`` or ``reshape(reshape(x))`` (or None)."""
    inner = producer.get(node.inputs[0])
    name = node.prim.name
    if (inner is None or inner.prim is None or inner.prim.name != name
            or len(node.inputs) != 1 or len(inner.inputs) != 1):
        return None
    if name == "transpose":
        if node.params.get("perm") is None or inner.params.get("perm") is None:
            return None
        perm = tuple(inner.params["perm"][p] for p in node.params["perm"])
        return replaced(node, inputs=inner.inputs, params={"perm": perm})
    return replaced(node, inputs=inner.inputs)  # the outer reshape's shape decides


def _is_noop(node, avals):
    """A transpose by the identity permutation, a reshape to the shape it has."""
    x, out = avals.get(node.inputs[0]), avals.get(node.outputs[0])
    if node.prim.name == "transpose":
        perm = node.params.get("perm")
        return perm is not None and tuple(perm) == tuple(range(len(perm)))
    return x is not None and x == out


def run(graph):
    """Simplify algebraic identities and chains of transposes and reshapes."""
    constants, avals = graph.constants, avals_of(graph)
    returned = set(graph.output_slots)
    producer, mapping, nodes, bypassed = {}, {}, [], set()
    for node in graph.nodes:
        node = rewired(node, mapping)
        if node.prim is not None and not node.multi:
            out = node.outputs[0]
            if node.prim.name in ("transpose", "reshape") and len(node.inputs) == 1:
                composed = _compose(node, producer)
                if composed is not None:
                    bypassed.add(producer[node.inputs[0]])
                    node = composed
                x = node.inputs[0] if _is_noop(node, avals) else None
            else:
                x = _operand(node, constants, avals)
            if (x is not None and out not in returned and avals.get(x) is not None
                    and avals.get(x) == avals.get(out)):
                mapping[out] = x
                continue
        nodes.append(node)
        for slot in node.outputs:
            producer[slot] = node
    if bypassed:  # inner transposes and reshapes nothing reads any more
        read = returned.union(*(n.inputs for n in nodes))
        nodes = [n for n in nodes if n not in bypassed or n.outputs[0] in read]
    return finish(graph, nodes)
