"""Calling layers on symbolic tensors: how a functional model records its graph.

A layer called on ``KerasTensor``s is built from their shapes, its output shapes are
found (``compute_output_shape`` when the layer defines it, else a trial call on zeros in
which unknown dimensions take two different sizes, to tell which output dimensions
follow them), and a ``Node`` links the inputs to new ``KerasTensor`` outputs.
"""

import itertools

import numpy as np

from ndflow.autodiff.primitive import state
from ndflow.core import nest
from ndflow.core.tensor import Tensor, wrap
from ndflow.keras.keras_tensor import KerasTensor

_TRIAL_SIZES = (2, 3)


_node_ids = itertools.count()


class Node:
    """One call of a layer on symbolic tensors: an edge of a functional model's graph."""

    def __init__(self, layer, args, kwargs):
        self.id = next(_node_ids)  # creation order, a topological order of any graph
        self.layer = layer
        self.args = args
        self.kwargs = kwargs
        self.outputs = None  # a structure of KerasTensors, set once they exist

    @property
    def input_tensors(self):
        """The KerasTensors this call read, in order."""
        return [t for t in nest.flatten((self.args, self.kwargs)) if isinstance(t, KerasTensor)]

    @property
    def output_tensors(self):
        return nest.flatten(self.outputs)


class _Spec:
    """Shape (None for unknown) and dtype of one symbolic output."""

    def __init__(self, shape, dtype):
        self.shape = tuple(shape)
        self.dtype = dtype


def _shape_structure(value):
    """The input shapes ``build`` receives: a tuple, or a structure of tuples."""
    return nest.map_structure(lambda t: tuple(t.shape), value)


def _trial_call(layer, args, kwargs, size):
    """Run the layer on zeros standing in for the symbolic inputs; return output specs."""
    def stand_in(t):
        if not isinstance(t, KerasTensor):
            return t
        return wrap(np.zeros(tuple(size if d is None else d for d in t.shape), dtype=t.dtype))

    concrete_args, concrete_kwargs = nest.map_structure(stand_in, (list(args), kwargs))
    saved = state.recorders
    state.recorders = []  # a trial call never belongs on a user's tape
    try:
        with np.errstate(all="ignore"):  # zeros may divide by zero: only shapes matter here
            out = layer.call(*concrete_args, **layer._call_kwargs(concrete_kwargs))
    finally:
        state.recorders = saved
    return nest.map_structure(lambda t: _Spec(t.shape, t.dtype.name), out)


def _output_specs(layer, args, kwargs, input_shapes):
    """Specs of the outputs of a symbolic call."""
    if getattr(layer, "compute_output_spec", None) is not None:
        # as in Keras: a layer whose outputs' dtype is not its compute dtype says so
        out = layer.compute_output_spec(*args, **kwargs)
        return nest.map_structure(lambda t: _Spec(tuple(t.shape), t.dtype), out)
    try:
        shapes = layer.compute_output_shape(input_shapes)
    except NotImplementedError:
        shapes = None
    if shapes is not None:
        return _to_specs(shapes, layer.compute_dtype)
    first = _trial_call(layer, args, kwargs, _TRIAL_SIZES[0])
    second = _trial_call(layer, args, kwargs, _TRIAL_SIZES[1])
    # a dimension that changed with the unknown input sizes is unknown in the output
    return nest.map_structure(
        lambda a, b: _Spec([x if x == y else None for x, y in zip(a.shape, b.shape)], a.dtype),
        first, second)


def _is_shape(value):
    return isinstance(value, tuple) and all(d is None or isinstance(d, int) for d in value)


def _to_specs(shapes, dtype):
    """Specs for a shape or a structure of shapes (shapes are tuples themselves)."""
    if _is_shape(shapes):
        return _Spec(shapes, dtype)
    if isinstance(shapes, dict):
        return {k: _to_specs(v, dtype) for k, v in shapes.items()}
    return [_to_specs(v, dtype) for v in shapes]


def symbolic_call(layer, args, kwargs):
    """Record ``layer(*args, **kwargs)`` on KerasTensors; return KerasTensor outputs."""
    for t in nest.flatten((list(args), kwargs)):
        if isinstance(t, Tensor):
            raise ValueError(f"Layer '{layer.name}' was called on a mix of symbolic inputs "
                             "(keras.Input) and concrete tensors; use only Input-derived "
                             "tensors when defining a functional model")
    input_shapes = _shape_structure(args[0])
    layer._maybe_build(input_shapes, args, kwargs)
    specs = _output_specs(layer, args, kwargs, input_shapes)
    node = Node(layer, args, kwargs)
    flat = nest.flatten(specs) if not isinstance(specs, _Spec) else [specs]
    tensors = [
        KerasTensor(s.shape, s.dtype, name=layer.name if i == 0 else f"{layer.name}_{i}",
                    node=node, index=i)
        for i, s in enumerate(flat)]
    node.outputs = tensors[0] if isinstance(specs, _Spec) else nest.pack_sequence_as(
        specs, tensors)
    layer._inbound_nodes.append(node)
    return node.outputs
