"""Fusion of elementwise chains: one node evaluates a chain in one buffer.

A group is a tree of elementwise NumPy ufunc calls of one traced shape and dtype, each
result except the last read by the next one only (and not returned). Evaluated node by
node, every step allocates a fresh array; the fused kernel writes each step into the
previous step's buffer with ``out=`` instead (``tanh'`` backward ``g * (1 - y*y)``: one
array instead of three), so a chain makes one pass of allocations and stays in cache.
The kernel is a small generated Python function (``kernel.source`` shows it).

Only groups of at least ``MIN_SIZE`` elements are fused: below that the gain is lost
in the noise, so the graph stays as traced (readable, and quicker to optimise). Every
operand must have the group's dtype (or be a Python number), so each ufunc picks the
same loop as when run alone and the results are identical. Groups never move
computations past an effect.
"""

import functools
import itertools
import math
import threading

import numpy as np

from ndflow.graph.ir import Node
from ndflow.graph.passes._common import avals_of, consumers, finish

__all__ = ["MIN_SIZE", "FusedKernel", "elementwise", "fusable", "kernel_node", "run"]

MIN_SIZE = 1024

# primitives whose forward checks the dtype, then applies this ufunc
_CHECKED_UFUNCS = {
    "add_any": np.add, "divide": np.true_divide, "exp": np.exp, "log": np.log,
    "log1p": np.log1p, "expm1": np.expm1, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos,
    "tan": np.tan, "arcsin": np.arcsin, "arccos": np.arccos, "arctan": np.arctan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "arcsinh": np.arcsinh,
    "arccosh": np.arccosh, "arctanh": np.arctanh, "floor": np.floor, "ceil": np.ceil,
}
# primitives that are a ufunc with constant trailing operands
_WITH_CONSTANTS = {"relu": (np.maximum, (0,))}


def elementwise(node):
    """``(ufunc, constant trailing operands)`` when ``node`` applies a ufunc, else None."""
    if node.multi or node.effect or node.guard is not None or node.params:
        return None
    fn, extra = node.fn, ()
    if node.prim is not None:
        name = node.prim.name
        if name in _CHECKED_UFUNCS:
            fn = _CHECKED_UFUNCS[name]
        elif name in _WITH_CONSTANTS:
            fn, extra = _WITH_CONSTANTS[name]
    if not isinstance(fn, np.ufunc) or fn.nout != 1 or fn.nin != len(node.inputs) + len(extra):
        return None
    return fn, extra


class FusedKernel:
    """Evaluate elementwise steps into reused buffers.

    ``steps``: ``(ufunc, operands, buffer)`` in order, an operand being ``("input", k)``,
    ``("buffer", j)`` or ``("value", python_number)``; the result is buffer ``result``.
    ``input_shapes``: the traced shape of each input (None: a Python number). Buffers
    other than the result are allocated once per thread and reused by every call; the
    result too when ``reuse`` (set by the buffer planning pass only where the result
    never leaves the graph run). Inputs of other shapes than traced (a boolean mask
    upstream selects another number of elements) are computed step by step into fresh
    arrays, as the nodes would have been.
    """

    pure = True

    def __init__(self, steps, input_shapes, shape, dtype, like, result, num_buffers,
                 reuse=False):
        self.steps = list(steps)
        self.input_shapes = tuple(None if s is None else tuple(s) for s in input_shapes)
        self.shape, self.dtype = tuple(shape), np.dtype(dtype)
        self.like = like  # an input of the run's array type, to allocate alike
        self.result, self.num_buffers = result, num_buffers
        self.reuse = reuse
        self.source = self._source()
        self._call = self._compile()

    def with_reuse(self):
        """The same kernel, keeping its result buffer across calls too."""
        return FusedKernel(self.steps, self.input_shapes, self.shape, self.dtype, self.like,
                           self.result, self.num_buffers, reuse=True)

    def __call__(self, *arrays):
        return self._call(*arrays)

    def __repr__(self):
        names = ",".join(u.__name__ for u, _, _ in self.steps)
        return f"fused({names}{', reuse' if self.reuse else ''})"

    def stepwise(self, *arrays):
        """The same result without buffers: each step into a fresh array."""
        values = {}
        for ufunc, operands, buffer in self.steps:
            values[buffer] = ufunc(*[arrays[v] if kind == "input" else values[v]
                                     if kind == "buffer" else v for kind, v in operands])
        return values[self.result]

    def _source(self):
        inputs = [f"e{k}" for k in range(len(self.input_shapes))]
        lines = [f"def kernel({', '.join(inputs)}):"]
        checks = [f"e{k}.shape != s{k}" for k, s in enumerate(self.input_shapes)
                  if s is not None]
        if checks:
            lines += [f"    if {' or '.join(checks)}:",
                      f"        return stepwise({', '.join(inputs)})"]
        kept = [j for j in range(self.num_buffers) if self.reuse or j != self.result]
        if kept:
            names = ", ".join(f"b{j}" for j in kept)
            lines += ["    try:", "        kept = local.buffers", "    except AttributeError:",
                      f"        kept = local.buffers = alloc(e{self.like}, {len(kept)})",
                      f"    {names}, = kept"]
        if not self.reuse:
            lines.append(f"    b{self.result} = empty_like(e{self.like}, dtype=dtype, "
                         "shape=shape)")
        for i, (_, operands, buffer) in enumerate(self.steps):
            args = ", ".join(f"e{v}" if kind == "input" else f"b{v}" if kind == "buffer"
                             else repr(v) for kind, v in operands)
            lines.append(f"    u{i}({args}, out=b{buffer})")
        lines.append(f"    return b{self.result}")
        return "\n".join(lines)

    def _compile(self):
        shape, dtype = self.shape, self.dtype

        def alloc(like, count):
            return [np.empty_like(like, dtype=dtype, shape=shape) for _ in range(count)]

        scope = {"local": threading.local(), "alloc": alloc, "empty_like": np.empty_like,
                 "dtype": dtype, "shape": shape, "stepwise": self.stepwise}
        scope.update({f"u{i}": u for i, (u, _, _) in enumerate(self.steps)})
        scope.update({f"s{k}": s for k, s in enumerate(self.input_shapes)})
        exec(_code(self.source), scope)
        return scope["kernel"]


@functools.lru_cache(maxsize=512)
def _code(source):
    """Compiled kernel source (kernels of one structure share it)."""
    return compile(source, "<fused kernel>", "exec")


def _compatible(node, spec, group_aval, avals, constants):
    """Whether ``node`` can compute into a buffer of ``group_aval``: its result has that
    shape and dtype and every operand has the dtype (or is a Python number)."""
    if spec is None or group_aval is None or avals.get(node.outputs[0]) != group_aval:
        return False
    dtype = group_aval[1]
    for slot in node.inputs:
        known = avals.get(slot)
        if known is None:
            value = constants.get(slot)
            if type(value) not in (int, float):
                return False
        elif known[1] != dtype:
            return False
    return True


def _group(root, nodes, specs, index, uses, returned, avals, constants, effects):
    """The node indices of the tree fused into ``root`` (root last, in graph order).

    ``effects[k]``: how many effect nodes come before node ``k``.
    """
    group_aval = avals[nodes[root].outputs[0]]
    members, todo = {root}, [root]
    while todo:
        node = nodes[todo.pop()]
        for slot in node.inputs:
            k = index.get(slot)
            if (k is not None and k not in members and uses.get(slot) == 1
                    and slot not in returned
                    and _compatible(nodes[k], specs[k], group_aval, avals, constants)):
                members.add(k)
                todo.append(k)
    members = sorted(members)
    # moving the members down to the root must not carry them past an effect
    if effects[root] != effects[members[0]]:
        return [root]
    return members


def kernel_node(group, nodes, specs, avals):
    """A fused node for the group (indices in graph order, root last), or None."""
    shape, dtype = avals[nodes[group[-1]].outputs[0]]
    internal = {nodes[k].outputs[0] for k in group}
    external = {}  # slot -> position among the kernel's inputs (dicts keep order)
    buffer_of, free, count, steps = {}, [], 0, []
    for k in group:
        node = nodes[k]
        ufunc, extra = specs[k]
        operands, mine = [], []
        for slot in node.inputs:
            if slot in internal:
                operands.append(("buffer", buffer_of[slot]))
                mine.append(buffer_of[slot])
            else:
                position = external.setdefault(slot, len(external))
                operands.append(("input", position))
        operands += [("value", v) for v in extra]
        if mine:  # in place: elementwise, same shape and dtype
            buffer = mine[0]
        elif free:
            buffer = free.pop()
        else:
            buffer, count = count, count + 1
        free += [b for b in set(mine) if b != buffer]
        buffer_of[node.outputs[0]] = buffer
        steps.append((ufunc, operands, buffer))
    # allocate like an input of the full shape (or at least an array): CuPy stays CuPy
    ranked = sorted((avals[s][0] != shape, avals[s][0] == (), i)
                    for i, s in enumerate(external) if avals.get(s) is not None)
    if not ranked:
        return None
    like = ranked[0][2]
    root = nodes[group[-1]]
    input_shapes = [avals[s][0] if s in avals else None for s in external]
    kernel = FusedKernel(steps, input_shapes, shape, dtype, like,
                         buffer_of[root.outputs[0]], count)
    return Node(f"fused[{'>'.join(nodes[k].name for k in group)}]", kernel, list(external),
                root.outputs)


def fusable(node, spec, avals, constants) -> bool:
    """Whether ``node`` can be (the last step of) a kernel: an elementwise ufunc with a
    float result of at least ``MIN_SIZE`` elements, operands of its dtype."""
    known = avals.get(node.outputs[0])
    return (_compatible(node, spec, known, avals, constants) and known[1].kind == "f"
            and math.prod(known[0]) >= MIN_SIZE)


def run(graph):
    """Fuse chains (trees) of elementwise nodes of one shape into single nodes."""
    avals, constants = avals_of(graph), graph.constants
    nodes = graph.nodes
    specs = [elementwise(n) for n in nodes]
    index = {n.outputs[0]: k for k, n in enumerate(nodes) if specs[k] is not None}
    uses, returned = consumers(nodes), set(graph.output_slots)
    effects = list(itertools.accumulate((n.effect for n in nodes), initial=0))
    fused, taken = {}, set()
    for root in range(len(nodes) - 1, -1, -1):
        if root in taken or not fusable(nodes[root], specs[root], avals, constants):
            continue
        group = _group(root, nodes, specs, index, uses, returned, avals, constants, effects)
        replacement = kernel_node(group, nodes, specs, avals) if len(group) > 1 else None
        if replacement is not None:
            taken.update(group)
            fused[root] = replacement
    out = [fused.get(k, n) for k, n in enumerate(nodes) if k not in taken or k in fused]
    return finish(graph, out)
