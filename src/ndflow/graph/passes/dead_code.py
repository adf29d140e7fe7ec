"""Dead-code elimination: drop nodes whose results no output needs.

A node stays when one of its outputs (any, for a multi-output node) reaches a graph
output, when it changes state (``effect``), or when removing it could change what
happens: a random draw advances the random state that later draws continue from (eager
execution draws it too), and raw NumPy code recorded from a layer may do more than
return its result. Constants nothing reads any more are dropped with them.
"""

from ndflow.graph.passes._common import finish, is_pure, is_read

__all__ = ["run"]


def removable(node) -> bool:
    return is_read(node) or is_pure(node)


def run(graph):
    """Remove the nodes whose results are never used."""
    live = set(graph.output_slots)
    kept = []
    for node in reversed(graph.nodes):
        if not removable(node) or any(o in live for o in node.outputs):
            kept.append(node)
            live.update(node.inputs)
    kept.reverse()
    for slot in [s for s in graph.constants if s not in live]:
        del graph.constants[slot]
    return finish(graph, kept)
