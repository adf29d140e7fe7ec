"""Graph optimisation passes: each is ``run(graph) -> graph``, in its own module.

``optimize`` copies a traced graph and runs the passes on the copy in this order:

1. constant_folding: primitives of constants only are computed once, now;
2. simplify: ``x * 1``, ``x + 0``, transposes and reshapes of themselves ... go;
3. cse: the same operation on the same values is computed once;
4. softmax_xent: a softmax and the cross-entropy on its logits share one pass, and the
   gradient reads the probabilities instead of recomputing them;
5. dead_code: what no output needs goes (after the passes above left things unused);
6. fusion: chains of elementwise ufuncs of one shape become one kernel with ``out=``;
7. buffers: kernels whose results stay inside the run keep their arrays across runs,
   and every value is dropped after its last use.

The optimised graph keeps the traced one (``original``): replays that a tape records
(``run_recorded``) go through it, since fused kernels are not primitives a tape can
differentiate.
"""

import warnings

from ndflow.graph.ir import Graph
from ndflow.graph.passes import (
    buffers,
    constant_folding,
    cse,
    dead_code,
    fusion,
    simplify,
    softmax_xent,
)

__all__ = ["DEFAULT", "OptimizedGraph", "optimize"]

DEFAULT = (constant_folding.run, simplify.run, cse.run, softmax_xent.run, dead_code.run,
           fusion.run, buffers.run)


class OptimizedGraph(Graph):
    """A rewritten copy of a traced graph that replays through the original on tapes.

    ``stats`` maps each pass run to its ``(nodes before, nodes after)``.
    """

    def __init__(self, original):
        super().__init__(original.num_slots, original.constants, original.input_slots,
                         original.nodes, original.output_slots, original.output_structure,
                         original.name)
        self.shapes = dict(getattr(original, "shapes", None) or {})
        self.original = original
        self.stats = {}

    @property
    def differentiable_replay(self) -> bool:
        return self.original.differentiable_replay

    def run_recorded(self, tensors, captured=None):
        return self.original.run_recorded(tensors, captured)


def optimize(graph, passes=DEFAULT):
    """An optimised copy of ``graph`` (the graph itself is left as it is).

    Should a pass fail, ``graph`` is returned unchanged, with a warning naming the pass:
    optimisation never stops a function from running.
    """
    result = OptimizedGraph(graph)
    for run in passes:
        name = run.__module__.rsplit(".", 1)[-1]
        before = len(result.nodes)
        try:
            result = run(result)
        except Exception as e:
            warnings.warn(f"graph pass '{name}' failed on '{graph.name}' ({type(e).__name__}: "
                          f"{e}); it runs unoptimised", RuntimeWarning, stacklevel=2)
            return graph
        key = name if name not in result.stats else f"{name}#{len(result.stats)}"
        result.stats[key] = (before, len(result.nodes))
    return result
