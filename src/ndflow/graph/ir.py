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

    def set_constant(self, slot, value):
        """Give constant ``slot`` a new value for the next runs (no new code is made)."""
        self.constants[slot] = value
        if self._plan is not None:
            self._plan.__globals__[f"c{slot}"] = value

    def source(self) -> str:
        """The Python source :meth:`run` executes: one line per node (see ``_codegen``)."""
        return _codegen(self)[0]

    def run(self, arrays):
        """Replay on raw arrays (one per input slot); return the flat output arrays."""
        if self._plan is None:
            source, namespace = _codegen(self)
            exec(compile(source, f"<graph {self.name}>", "exec"), namespace)  # noqa: S102
            self._plan = namespace["run"]
        return self._plan(arrays)

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


def _codegen(graph):
    """Straight-line Python for :meth:`Graph.run`, and the names it refers to.

    Replaying a small graph is largely interpreter work per node: fetch the inputs from an
    environment list, call, store. Written out as one function of local variables, a node
    costs little more than its call (a tenth less time for a small training step). Slot
    ``n`` is the local ``sn``; functions, parameters, constants and guards are bound by
    number (``f3``, ``p3``, ``c5``, ``g3``), so no name from the graph reaches the source.
    A released slot is set to None right after the node that last reads it, so NumPy can
    reuse its memory at once.
    """
    namespace = {"GuardFailed": GuardFailed}
    release = graph.release or {}
    lines = ["def run(arrays):"]
    if graph.input_slots:
        lines.append(f"    {''.join(f's{i}, ' for i in graph.input_slots)}= arrays")
    assigned = set(graph.input_slots)
    for slot, value in graph.constants.items():
        namespace[f"c{slot}"] = value
        lines.append(f"    s{slot} = c{slot}")
        assigned.add(slot)
    effect_seen = False
    for k, node in enumerate(graph.nodes):
        namespace[f"f{k}"] = node.fn
        args = [f"s{i}" for i in node.inputs]
        if node.params:
            namespace[f"p{k}"] = node.params
            args.append(f"**p{k}")
        call = f"f{k}({', '.join(args)})"
        if node.multi:  # one entry per output slot, as when it was traced
            lines.append(f"    {''.join(f's{slot}, ' for slot in node.outputs)}= {call}")
        else:
            out = node.outputs[0]
            lines.append(f"    s{out} = {call}")
            if node.guard is not None:
                namespace[f"n{k}"], namespace[f"g{k}"] = node, node.guard
                lines.append(f"    if s{out}.shape != g{k}:")
                lines.append(f"        raise GuardFailed(n{k}, s{out}.shape, {effect_seen})")
        assigned.update(node.outputs)
        effect_seen = effect_seen or node.effect
        dropped = [slot for slot in release.get(node, ()) if slot not in graph.output_slots]
        if dropped:
            lines.append(f"    {' = '.join(f's{slot}' for slot in dropped)} = None")
    for slot in graph.output_slots:  # returned but never set: None, as an empty slot was
        if slot not in assigned:
            lines.append(f"    s{slot} = None")
            assigned.add(slot)
    lines.append(f"    return [{', '.join(f's{slot}' for slot in graph.output_slots)}]")
    return "\n".join(lines) + "\n", namespace
