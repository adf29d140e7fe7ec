"""The graph a traced function becomes: numbered values, and nodes that compute them.

A value is a slot in an environment list. Slots hold the function's inputs, constants
captured while tracing, reads of Variables, and the results of nodes. A node calls a
function on raw arrays: a primitive's forward (``prim`` set, so the graph can also be
replayed through ``bind`` when a tape outside must record it), a raw gradient rule or
another array computation recorded while tracing (``prim`` None).
"""

from ndflow.core import nest

__all__ = ["Graph", "GuardFailed", "Node", "VariableRead"]


class GuardFailed(Exception):
    """A node computed on raw arrays returned a shape other than when it was traced, so
    the nodes after it (traced for the old shape) cannot run."""

    def __init__(self, node, shape, effects_done):
        super().__init__(f"'{node.name}' returned shape {shape}, traced with {node.guard}")
        self.node, self.shape, self.effects_done = node, shape, effects_done


class Node:
    """One call: ``outputs = fn(*env[inputs], **params)``.

    ``multi`` nodes return a sequence, one entry per output slot (None entries allowed);
    ``effect`` nodes change state outside the graph (an optimizer update, an assignment)
    and are never removed or reordered by passes.
    """

    __slots__ = ("name", "fn", "params", "inputs", "outputs", "prim", "multi", "effect",
                 "guard")

    def __init__(self, name, fn, inputs, outputs, params=None, prim=None, multi=False,
                 effect=False, guard=None):
        self.name = name
        self.fn = fn
        self.inputs = tuple(inputs)
        self.outputs = tuple(outputs)
        self.params = params or {}
        self.prim = prim
        self.multi = multi
        self.effect = effect
        # the traced output shape of a raw-array computation whose shape may depend on
        # the data (a TextVectorization pads to each batch's longest text)
        self.guard = guard

    def __repr__(self):
        ins = ", ".join(f"%{i}" for i in self.inputs)
        outs = ", ".join(f"%{o}" for o in self.outputs)
        return f"{outs} = {self.name}({ins})"


class VariableRead:
    """A node's function that reads a Variable's value when the graph runs."""

    __slots__ = ("variable",)

    def __init__(self, variable):
        self.variable = variable

    def __call__(self):
        return self.variable._value

    def __repr__(self):
        return f"read({self.variable.name})"


class Graph:
    """A traced computation: run it with :meth:`run` on the flat input arrays."""

    def __init__(self, num_slots, constants, input_slots, nodes, output_slots,
                 output_structure, name="graph", shapes=None):
        self.num_slots = num_slots
        self.constants = dict(constants)  # slot -> array captured while tracing
        self.input_slots = list(input_slots)
        self.nodes = list(nodes)
        self.output_slots = list(output_slots)
        self.output_structure = output_structure
        self.name = name
        # slot -> (shape, dtype) of the value seen while tracing, for drawings
        self.shapes = dict(shapes or {})
        # {node: slots no later node reads}, dropped after it runs so their memory can
        # be reused at once (set by graph.passes.buffers; None: keep all to the end)
        self.release = None
        self._plan = None

    # -- inspection ------------------------------------------------------------------
    def __len__(self):
        return len(self.nodes)

    def __repr__(self):
        return (f"<Graph {self.name!r}: {len(self.input_slots)} inputs, {len(self.nodes)} "
                f"nodes, {len(self.output_slots)} outputs>")

    @property
    def differentiable_replay(self) -> bool:
        """Whether every node is a primitive, so ``bind`` can replay it on a tape."""
        return all(n.prim is not None or isinstance(n.fn, VariableRead)
                   or getattr(n.fn, "differentiable", False) for n in self.nodes)

    def pretty(self) -> str:
        """The graph as text, one node per line."""
        lines = [f"graph {self.name}({', '.join(f'%{s}' for s in self.input_slots)}):"]
        lines += [f"  {n!r}" for n in self.nodes]
        lines.append(f"  return {', '.join(f'%{s}' for s in self.output_slots)}")
        return "\n".join(lines)

    def to_dot(self, **options) -> str:
        """The graph in Graphviz DOT: operations are nodes, edges carry values."""
        from ndflow.graph.dot import to_dot

        return to_dot(self, **options)

    # -- running -----------------------------------------------------------------------
    def invalidate(self):
        """Forget the compiled plan (call after changing ``nodes``)."""
        self._plan = None
        self.release = None

    def _compile(self):
        template = [None] * self.num_slots
        for slot, value in self.constants.items():
            template[slot] = value
        release = self.release or {}
        steps = [(n.fn, n.inputs, n.params, n.outputs if n.multi else n.outputs[0], n.multi,
                  n, release.get(n, ())) for n in self.nodes]
        self._plan = (template, steps)
        return self._plan

    def run(self, arrays):
        """Replay on raw arrays (one per input slot); return the flat output arrays."""
        template, steps = self._plan or self._compile()
        env = template.copy()
        for slot, a in zip(self.input_slots, arrays):
            env[slot] = a
        for fn, inputs, params, out, multi, node, drop in steps:
            if multi:
                for slot, value in zip(out, fn(*[env[i] for i in inputs], **params)):
                    env[slot] = value
            else:
                value = env[out] = fn(*[env[i] for i in inputs], **params)
                if node.guard is not None and value.shape != node.guard:
                    raise GuardFailed(node, value.shape, self._effects_before(node))
            if drop:
                for slot in drop:
                    env[slot] = None
        return [env[s] for s in self.output_slots]

    def _effects_before(self, node) -> bool:
        for n in self.nodes:
            if n is node:
                return False
            if n.effect:
                return True
        return False

    def run_recorded(self, tensors, captured=None):
        """Replay through ``bind`` so active tapes record every operation.

        ``captured`` maps constant slots to the tensors they were captured from, so a tape
        that recorded those tensors differentiates through the replay to them.
        """
        from ndflow.autodiff.primitive import bind
        from ndflow.core.tensor import wrap

        env = [None] * self.num_slots
        captured = captured or {}
        for slot, value in self.constants.items():
            if slot in captured:
                env[slot] = captured[slot]
            else:
                env[slot] = wrap(value) if hasattr(value, "shape") else value
        for slot, t in zip(self.input_slots, tensors):
            env[slot] = t
        for n in self.nodes:
            if isinstance(n.fn, VariableRead):
                env[n.outputs[0]] = n.fn.variable
            elif n.prim is None:  # control flow (differentiable): replays its sub-graphs
                results = n.fn.replay_recorded(*[env[i] for i in n.inputs], **n.params)
                for slot, value in zip(n.outputs, results):
                    env[slot] = value
            else:
                env[n.outputs[0]] = bind(n.prim, *[env[i] for i in n.inputs], **n.params)
        return [env[s] for s in self.output_slots]

    def structured(self, flat):
        """Pack flat outputs into the traced function's output structure."""
        return nest.pack_sequence_as(self.output_structure, flat)
