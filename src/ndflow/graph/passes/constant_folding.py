"""Constant folding: compute once, while optimising, what depends on constants only.

A primitive whose inputs are all constants of the graph gives the same result on every
run, so it runs now and its output becomes a constant. Left alone: random draws (each
run draws anew), reads of Variables and effects (their values change between runs), raw
NumPy code recorded from layers (not known to be pure), results returned by the graph
(each call hands out a fresh array, as eager execution does) and results larger than
``SIZE_LIMIT`` bytes (kept as a computation rather than held in memory for good).
"""

from ndflow.graph.passes._common import aval, avals_of, finish, is_pure

__all__ = ["run"]

SIZE_LIMIT = 1 << 24


def foldable(node) -> bool:
    return node.prim is not None and not node.multi and is_pure(node)


def run(graph):
    """Replace constant-only primitive calls by their results."""
    constants, avals = graph.constants, avals_of(graph)
    returned = set(graph.output_slots)
    kept = []
    for node in graph.nodes:
        out = node.outputs[0]
        if (foldable(node) and out not in returned
                and all(i in constants for i in node.inputs)):
            try:
                value = node.fn(*[constants[i] for i in node.inputs], **node.params)
            except Exception:  # the replay raises as eager execution would
                value = None
            if value is not None and getattr(value, "nbytes", 0) <= SIZE_LIMIT:
                constants[out] = value
                if aval(value) is not None:
                    avals[out] = aval(value)
                continue
        kept.append(node)
    return finish(graph, kept)
