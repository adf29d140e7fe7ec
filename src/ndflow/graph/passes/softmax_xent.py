"""Softmax and cross-entropy on the same logits: compute the exponentials once.

A classifier that ends in a softmax and trains on categorical cross-entropy computes, on
the same logits, the probabilities (the model's output), the cross-entropy (the loss,
from the logits, for stability) and in the backward pass the gradient ``p * sum(z) - z``,
which needs the probabilities once more: three passes of max, exp and sum over the same
row. This pass merges the softmax and the cross-entropy into one node that returns both,
and lets the gradient rule read those probabilities instead of recomputing them. Each
rewritten value is computed with the same NumPy operations in the same order as before,
so results are bit for bit the same. Dense and sparse labels both.
"""

import numpy as np

from ndflow.autodiff.tape import _RawRule
from ndflow.graph.ir import Node
from ndflow.graph.passes._common import finish, replaced
from ndflow.ops import nn

__all__ = ["run"]


class _Kernel:
    """A pure raw function of a rewritten node (CSE may merge two equal ones)."""

    pure = True

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, *args, **params):
        return self.fn(*args, **params)


def _softmax_and_xent(z, x, axis):
    """``(softmax(x), cross-entropy(z, softmax(x)))`` as the two primitives compute them."""
    s = x - x.max(axis=axis, keepdims=True)
    e = np.exp(s)
    total = e.sum(axis=axis, keepdims=True)
    s -= np.log(total)
    s *= z
    return e / total, -s.sum(axis=axis)


def _softmax_and_sparse_xent(labels, x):
    nn._check_labels(labels, x.shape[-1])
    s = x - x.max(axis=-1, keepdims=True)
    e = np.exp(s)
    total = e.sum(axis=-1, keepdims=True)
    picked = np.take_along_axis(s, labels[..., None], axis=-1)[..., 0]
    return e / total, np.log(total[..., 0]) - picked


def _xent_grad_from_softmax(g, p, z, axis):
    grad = p * z.sum(axis=axis, keepdims=True)
    grad -= z
    grad *= nn._insert_axis(g, axis)
    return [None, grad]


def _sparse_xent_grad_from_softmax(g, p, labels):
    grad = p - nn._one_hot_like(labels, p)
    grad *= g[..., None]
    return [None, grad]


_MERGED = {  # cross-entropy primitive -> (merged forward, raw rule, rule from softmax)
    nn.softmax_xent_p.name: (_Kernel(_softmax_and_xent), nn._softmax_xent_raw_vjp,
                             _Kernel(_xent_grad_from_softmax)),
    nn.sparse_xent_p.name: (_Kernel(_softmax_and_sparse_xent), nn._sparse_xent_raw_vjp,
                            _Kernel(_sparse_xent_grad_from_softmax)),
}


def _negative_axis(axis, ndim):
    return axis - ndim if axis >= 0 else axis


def run(graph):
    """Merge each softmax with a cross-entropy on the same logits and axis."""
    ndims = {slot: len(shape) for slot, (shape, _) in graph.shapes.items()}
    position = {}
    for i, node in enumerate(graph.nodes):
        for slot in node.outputs:
            position[slot] = i
    softmaxes = {}
    for i, node in enumerate(graph.nodes):
        if node.prim is nn.softmax_p and node.inputs[0] in ndims:
            x = node.inputs[0]
            softmaxes.setdefault((x, _negative_axis(node.params["axis"], ndims[x])), (i, node))
    merged, dropped, probabilities = {}, set(), {}  # by node index; (logits, axis) -> p slot
    for i, node in enumerate(graph.nodes):
        if node.prim is None or node.prim.name not in _MERGED:
            continue
        x = node.inputs[1]
        axis = node.params.get("axis", -1)
        found = softmaxes.get((x, axis))
        if found is None:
            continue
        j, softmax = found
        at = _place(graph.nodes, position, node.inputs, graph.nodes[min(i, j)], min(i, j),
                    max(i, j))
        if at is None:
            continue
        del softmaxes[(x, axis)]  # one cross-entropy per softmax
        forward = _MERGED[node.prim.name][0]
        params = {"axis": axis} if "axis" in node.params else {}
        merged[at] = Node(f"softmax+{node.name}", forward, node.inputs,
                          (softmax.outputs[0], node.outputs[0]), params, multi=True)
        dropped.add(i + j - at)
        probabilities[(x, axis, node.prim.name)] = softmax.outputs[0]
    if not merged:
        return graph
    nodes = []
    for i, node in enumerate(graph.nodes):
        if i in dropped:
            continue
        node = merged.get(i, node)
        nodes.append(_from_softmax(node, probabilities) or node)
    return finish(graph, nodes)


def _place(nodes, position, inputs, earlier, first, last):
    """Where the merged node can stand: at the first of the two nodes when its inputs are
    computed by then, else at the second when nothing between reads the first's output
    (labels cast after the model's output, say); None when neither."""
    if all(position.get(slot, -1) < first for slot in inputs):
        return first
    if all(position.get(slot, -1) < last for slot in inputs) and not any(
            slot in n.inputs for n in nodes[first + 1:last] for slot in earlier.outputs):
        return last
    return None


def _from_softmax(node, probabilities):
    """The gradient rule of a merged cross-entropy, reading the merged probabilities."""
    fn = node.fn
    if not isinstance(fn, _RawRule) or tuple(fn.needed) != (False, True):
        return None
    for name, (_, rule, from_softmax) in _MERGED.items():
        if fn.rule is not rule:
            continue
        g, _, labels, x = node.inputs
        axis = node.params.get("axis", -1)
        p = probabilities.get((x, axis, name))
        if p is None:
            return None
        params = {"axis": axis} if "axis" in node.params else {}
        return replaced(node, fn=from_softmax, inputs=(g, p, labels), params=params)
    return None
