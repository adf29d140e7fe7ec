"""Common-subexpression elimination: compute each value once.

Two pure nodes doing the same operation (same primitive or raw function, equal
parameters) on the same input slots give the same value: the later one is dropped and its
users read the earlier one's outputs. Constants with equal values (same type, dtype,
shape and bytes) are merged first, so ``1 - y*y`` traced twice is found twice the same.
Two reads of one Variable are merged only when no effect (an assignment) or unknown raw
code runs between them. Random draws are never merged: each draws its own values.
"""

from ndflow.graph.passes._common import finish, frozen_or_none, is_pure, is_read, op_key, rewired

__all__ = ["run"]


def _merge_constants(graph):
    """``{slot: slot of an equal constant seen first}``."""
    first, mapping = {}, {}
    for slot, value in graph.constants.items():
        key = frozen_or_none(value)
        if key is None:
            continue
        seen = first.setdefault(key, slot)
        if seen != slot:
            mapping[slot] = seen
    for slot in mapping:
        del graph.constants[slot]
    return mapping


def _key(node):
    op = op_key(node)
    if op is None:
        return None
    params = frozen_or_none(node.params) if node.params else ()
    if params is None:
        return None
    return op, params, node.inputs


def run(graph):
    """Merge nodes that compute the same values."""
    mapping = _merge_constants(graph)
    computed, reads, nodes = {}, {}, []
    for node in graph.nodes:
        node = rewired(node, mapping)
        if is_read(node):
            first = reads.setdefault(id(node.fn.variable), node)
            if first is not node:
                mapping[node.outputs[0]] = first.outputs[0]
                continue
        elif is_pure(node):
            key = _key(node)
            first = computed.setdefault(key, node) if key is not None else node
            if first is not node:
                mapping.update(zip(node.outputs, first.outputs))
                continue
        elif node.effect or node.prim is None:  # it may change Variables
            reads.clear()
        nodes.append(node)
    graph.output_slots = [mapping.get(s, s) for s in graph.output_slots]
    return finish(graph, nodes)
