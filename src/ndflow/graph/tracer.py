"""Tracing: run a Python function once on real values and record what it computes.

The tracer is a recorder (like a GradientTape) that ``bind`` hands every primitive call
to. It follows values by the identity of their arrays: an array a node produced is that
node's output slot; an array nobody produced is a constant of the graph, captured by
value, as TensorFlow captures NumPy values. Variables are read through nodes, so a graph
sees their current values each time it runs. Backward passes of tapes inside the
function and optimizer updates come in as raw array computations (``call_raw``).
"""

from ndflow.core.tensor import Tensor
from ndflow.core.variable import Variable
from ndflow.graph.ir import Graph, Node, VariableRead

__all__ = ["Tracer"]


class Tracer:
    """Record the primitive calls of a function into a :class:`Graph`."""

    traces_arrays = True  # tapes run raw backward passes through ``call_raw``

    def __init__(self, name="graph"):
        self.name = name
        self.nodes = []
        self.constants = {}
        self.input_slots = []
        self.problems = []  # why replaying this trace would not be faithful
        # the tapes that were recording when tracing began (they record the traced run)
        self.outer_recorders = ()
        self.captured_tensors = {}  # constant slot -> the tensor it was captured from
        self.shapes = {}  # slot -> (shape, dtype), for drawings of the graph
        self._slots = {}  # id(array) -> slot
        self._alive = []  # keeps traced arrays alive so their ids stay unique
        self._count = 0

    # -- slots -------------------------------------------------------------------------
    def _new(self, array):
        slot = self._count
        self._count += 1
        if hasattr(array, "shape"):  # arrays and NumPy scalars; Python ints may be shared
            self._slots[id(array)] = slot
            self._alive.append(array)
            self.shapes[slot] = (array.shape, getattr(array, "dtype", None))
        return slot

    def add_input(self, tensor):
        """Make ``tensor`` (a function argument) an input of the graph."""
        slot = self._new(tensor._value)
        self.input_slots.append(slot)
        return slot

    def slot_of(self, value):
        """The slot of a tensor, array or Python value; unknown ones become constants."""
        if type(value) is Variable:
            return self._read(value)
        array = value._value if isinstance(value, Tensor) else value
        slot = self._slots.get(id(array))
        if slot is None:
            slot = self._new(array)
            self.constants[slot] = array
            if isinstance(value, Tensor):
                self.captured_tensors[slot] = value
        return slot

    def _read(self, variable):
        """A read of ``variable`` at this point of the graph."""
        slot = self._slots.get(id(variable._value))
        if slot is None:
            slot = self._new(variable._value)
            self.nodes.append(Node(f"read:{variable.name}", VariableRead(variable), (),
                                   (slot,)))
        return slot

    # -- the recorder interface ------------------------------------------------------------
    def record(self, prim, args, out, params):
        if prim.forward is None:
            self.problems.append(f"'{prim.name}' has no forward function that can be replayed")
            return
        inputs = [self.slot_of(a) for a in args]
        self.nodes.append(Node(prim.name, prim.forward, inputs, (self._new(out._value),),
                               params, prim=prim))

    def record_read(self, variable, snapshot):
        slot = self._read(variable)
        self._slots[id(snapshot._value)] = slot

    def record_assign(self, variable, kind, value, old_array, new_array):
        """``variable.<kind>(value)`` (value: the checked array) replaced ``old_array``
        by ``new_array``."""
        source = self.slot_of(value)
        if kind == "assign":
            inputs = (source,)
        else:
            old = self._slots.get(id(old_array))
            if old is None:  # never read before: read it here, ahead of the update
                old = self._new(old_array)
                self.nodes.append(Node(f"read:{variable.name}", VariableRead(variable), (),
                                       (old,)))
            inputs = (old, source)
        self.nodes.append(Node(f"{kind}:{variable.name}", _ASSIGN[kind](variable), inputs,
                               (self._new(new_array),), effect=True))

    def call_raw(self, name, fn, arrays, params, effect=False, guard_shape=False):
        """Run ``fn(*arrays, **params)`` now and record it; return its result.

        A list or tuple result becomes one output slot per entry (None entries stay None).
        ``guard_shape``: the result's shape may depend on the data, so a replay checks it.
        """
        return self.record_raw(name, fn, arrays, fn(*arrays, **params), params, effect,
                               guard_shape)

    def record_raw(self, name, fn, arrays, result, params, effect=False, guard_shape=False):
        """Record ``fn(*arrays, **params)`` whose ``result`` was computed already (see
        :meth:`call_raw`); return the result."""
        inputs = [self.slot_of(a) for a in arrays]
        if isinstance(result, (list, tuple)):
            outs = tuple(self._new(r) for r in result)
            self.nodes.append(Node(name, fn, inputs, outs, params, multi=True, effect=effect))
        else:
            out = self._new(result)
            guard = tuple(result.shape) if guard_shape and hasattr(result, "shape") else None
            self.nodes.append(Node(name, fn, inputs, (out,), params, effect=effect,
                                   guard=guard))
        return result

    # -- result ------------------------------------------------------------------------
    def graph(self, outputs, structure):
        """The :class:`Graph` whose outputs are the flat ``outputs`` (tensors or values)."""
        output_slots = [self.slot_of(o) for o in outputs]
        return Graph(self._count, self.constants, self.input_slots, self.nodes, output_slots,
                     structure, self.name, self.shapes)


def _assigner(variable):
    def assign(value):
        variable._value = value.copy()
        return variable._value
    return assign


def _adder(variable, sign):
    def update(old, delta):
        variable._value = old + delta if sign > 0 else old - delta
        return variable._value
    return update


_ASSIGN = {"assign": _assigner,
           "assign_add": lambda v: _adder(v, 1),
           "assign_sub": lambda v: _adder(v, -1)}
