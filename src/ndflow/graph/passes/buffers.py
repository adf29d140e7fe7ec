"""Buffer planning: fewer fresh arrays per run, and memory handed back early.

Two parts:

* Liveness: the last node that reads each value. ``Graph.run`` drops a value from its
  environment right after that node (``Graph.release``), so NumPy frees the array while
  the step goes on and the next array of that size reuses the memory, still in cache,
  instead of the step holding every intermediate until it returns.
* Reuse across runs: a fused kernel (fusion.py), or a lone elementwise node made a
  one-step kernel, whose result never leaves the run keeps its result array and writes
  into it on every run, so with its scratch buffers it allocates nothing. "Never
  leaves" is checked by an escape analysis: the result must not be returned, nor reach
  an effect (an assignment) or raw code that could keep a reference (anything but
  primitives, gradient rules, ufuncs and kernels); the same holds for every value that
  may be a view of it (the output of any node not known to return fresh arrays: a
  reshape, a gradient rule passing ``g`` through).
  Buffers are per thread, so two threads running one graph never share them.
"""

from ndflow.graph.passes._common import avals_of, finish, is_pure_raw, is_read, replaced
from ndflow.graph.passes.fusion import FusedKernel, elementwise, fusable, kernel_node

__all__ = ["escaping", "release_plan", "run"]

# primitives that always return new arrays (never a view of an input)
_FRESH = frozenset({"matmul", "dense", "reduce_sum", "reduce_mean", "reduction_spread"})


def _fresh(node) -> bool:
    return (isinstance(node.fn, FusedKernel) or elementwise(node) is not None
            or (node.prim is not None and node.prim.name in _FRESH))


def _may_keep(node) -> bool:
    """Whether the node could hold on to its inputs beyond the run."""
    return node.effect or not (node.prim is not None or is_read(node)
                               or is_pure_raw(node.fn))


def escaping(graph) -> set:
    """Slots whose arrays (or views of them) may outlive the run of the graph."""
    escapes = set(graph.output_slots)
    for node in reversed(graph.nodes):  # every reader of a value comes after it
        if _may_keep(node) or (not _fresh(node)
                               and any(o in escapes for o in node.outputs)):
            escapes.update(node.inputs)
    return escapes


def release_plan(graph) -> dict:
    """``{node: slots read for the last time by it}`` (outputs and constants excluded)."""
    last = {}
    for k, node in enumerate(graph.nodes):
        for slot in node.inputs:
            last[slot] = k
        for slot in node.outputs:  # never read: dropped as soon as computed
            last.setdefault(slot, k)
    keep = set(graph.output_slots).union(graph.constants)
    plan = {}
    for slot, k in last.items():
        if slot not in keep:
            plan.setdefault(graph.nodes[k], []).append(slot)
    return {node: tuple(sorted(slots)) for node, slots in plan.items()}


def _reusing(node, avals, constants):
    """``node`` writing its result into one array kept across runs (or ``node``)."""
    if isinstance(node.fn, FusedKernel):
        return node if node.fn.reuse else replaced(node, fn=node.fn.with_reuse())
    spec = elementwise(node)
    if spec is None or not fusable(node, spec, avals, constants):
        return node
    single = kernel_node([0], [node], [spec], avals)  # a one-step kernel
    return node if single is None else replaced(single, name=node.name,
                                                fn=single.fn.with_reuse())


def run(graph):
    """Reuse the result arrays of kernels and elementwise nodes whose results stay inside
    the run, and drop every value after its last use."""
    escapes, avals = escaping(graph), avals_of(graph)
    nodes = [n if n.multi or n.outputs[0] in escapes
             else _reusing(n, avals, graph.constants) for n in graph.nodes]
    finish(graph, nodes)
    graph.release = release_plan(graph)
    return graph
