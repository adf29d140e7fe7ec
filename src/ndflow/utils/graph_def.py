"""A traced graph as the nodes of a TensorBoard ``GraphDef``.

Graph inputs become ``Placeholder`` nodes, captured constants ``Const`` nodes, Variable
reads ``<variable path>/read`` nodes and assignments ``<variable path>/<kind>`` nodes, the
graph's results ``Identity`` nodes; every other node keeps its primitive's name as its
op, and goes in the name scope of the layer whose weights it reads (``dense/dense``,
``dense/dense_grad``), so TensorBoard draws each layer as one box to open, as it does
for TensorFlow's graphs. The shapes and dtypes the tracer saw label the edges.
"""

import re

import numpy as np

from ndflow.graph.ir import VariableRead
from ndflow.utils.event_file import GraphNode

__all__ = ["graph_nodes", "node_name"]

_BAD_CHARACTERS = re.compile(r"[^A-Za-z0-9_.\-/]")
_SHORT = 40  # longer parameter values are left out of the node cards


def node_name(text) -> str:
    """``text`` made a valid TensorFlow node name ('/' keeps separating scopes)."""
    name = _BAD_CHARACTERS.sub("_", str(text)).strip("/") or "node"
    name = re.sub("/+", "/", name)
    return name if re.match(r"[A-Za-z0-9.]", name) else "n" + name


class _Names:
    """Unique node names that never equal a name scope (a scope and a node of the same
    name would be drawn as one)."""

    def __init__(self, scopes):
        self.taken = set(scopes)

    def __call__(self, base: str) -> str:
        base = node_name(base)
        name, k = base, 0
        while name in self.taken:
            k += 1
            name = f"{base}_{k}"
        self.taken.add(name)
        for i in range(len(name)):  # its scopes cannot be nodes either
            if name[i] == "/":
                self.taken.add(name[:i])
        return name


def _plain_params(params) -> dict:
    out = {}
    for key, value in params.items():
        if value is None or key.startswith("_"):
            continue
        if isinstance(value, (bool, int, float, str, np.integer, np.floating)):
            out[key] = value
        elif isinstance(value, (tuple, list)) and len(repr(value)) <= _SHORT:
            out[key] = repr(tuple(value))
    return out


def _constant_attrs(value) -> dict:
    if getattr(value, "shape", None) == () or not hasattr(value, "shape"):
        text = repr(value.item() if hasattr(value, "item") else value)
        return {"value": text} if len(text) <= _SHORT else {}
    return {}


def _variable_of(node, graph_nodes_by_output):
    """The Variable a read or assignment node is about (None when it cannot be told)."""
    if isinstance(node.fn, VariableRead):
        return node.fn.variable
    if node.inputs:  # assign_add / assign_sub read the variable right before
        source = graph_nodes_by_output.get(node.inputs[0])
        if source is not None and isinstance(source.fn, VariableRead):
            return source.fn.variable
    return None


def graph_nodes(graph, variable_names=None) -> list:
    """The nodes TensorBoard draws for ``graph`` (an ``ndflow.graph.Graph``).

    ``variable_names``: ``{id(variable): path}`` for nicer variable names (a Keras
    weight's ``'dense/kernel'``); by default each Variable's own name.
    """
    variable_names = variable_names or {}
    shapes = getattr(graph, "shapes", None) or {}
    by_output = {slot: n for n in graph.nodes for slot in n.outputs}

    def path_of(node):
        variable = _variable_of(node, by_output)
        if variable is not None:
            return variable_names.get(id(variable), variable.name)
        return node.name.split(":", 1)[1] if ":" in node.name else node.name

    effects = [n for n in graph.nodes if isinstance(n.fn, VariableRead) or
               (n.effect and ":" in n.name)]
    scopes = {node_name(path_of(n)) for n in effects}
    scopes |= {s[:i] for s in scopes for i in range(len(s)) if s[i] == "/"}
    unique = _Names(scopes)
    produced = {}  # slot -> "node" or "node:k"
    produced_scope = {}  # slot of a Variable read -> the scope of the variable's layer
    out = []

    def known(slots):
        return [tuple(shapes[s][0]) if s in shapes else None for s in slots]

    def dtype(slot):
        return shapes[slot][1] if slot in shapes else None

    def source(slot):
        if slot not in produced and slot in graph.constants:
            value = graph.constants[slot]
            name = unique("Const")
            out.append(GraphNode(name, "Const", shapes=known([slot]), dtype=dtype(slot),
                                 attrs=_constant_attrs(value)))
            produced[slot] = name
        return produced.get(slot)

    for i, slot in enumerate(graph.input_slots):
        name = unique(f"input_{i}")
        out.append(GraphNode(name, "Placeholder", shapes=known([slot]), dtype=dtype(slot)))
        produced[slot] = name
    for node in graph.nodes:
        inputs = [s for s in (source(slot) for slot in node.inputs) if s is not None]
        if isinstance(node.fn, VariableRead):
            name, op = unique(f"{path_of(node)}/read"), "ReadVariableOp"
            if "/" in path_of(node):
                produced_scope[node.outputs[0]] = node_name(path_of(node).rsplit("/", 1)[0])
        elif node.effect and ":" in node.name:
            kind = node.name.split(":", 1)[0]
            name, op = unique(f"{path_of(node)}/{kind}"), kind
        else:  # an op reading a layer's weights goes in that layer's box
            scope = next((produced_scope[s] for s in node.inputs if s in produced_scope), None)
            name, op = unique(f"{scope}/{node.name}" if scope else node.name), node.name
        first = node.outputs[0] if node.outputs else None
        out.append(GraphNode(name, op, inputs, shapes=known(node.outputs),
                             dtype=dtype(first), attrs=_plain_params(node.params)))
        for k, slot in enumerate(node.outputs):
            produced[slot] = name if k == 0 else f"{name}:{k}"
    for i, slot in enumerate(graph.output_slots):
        feed = source(slot)
        out.append(GraphNode(unique(f"output_{i}"), "Identity",
                             [feed] if feed is not None else [], shapes=known([slot]),
                             dtype=dtype(slot)))
    return out
