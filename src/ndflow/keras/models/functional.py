"""Functional models: ``Model(inputs, outputs)`` over a directed acyclic graph of layers."""

from ndflow.core import nest
from ndflow.core.tensor import Tensor
from ndflow.keras.keras_tensor import KerasTensor
from ndflow.keras.layers.input_layer import InputLayer
from ndflow.keras.layers.serialization import deserialize_layer, serialize_layer
from ndflow.keras.models.input_rank import match_rank
from ndflow.keras.models.model import Model


class Functional(Model):
    """A model defined by calling layers on ``keras.Input`` tensors, as Keras's Functional."""

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        flat_inputs = nest.flatten(inputs)
        flat_outputs = nest.flatten(outputs)
        for t in flat_inputs + flat_outputs:
            if not isinstance(t, KerasTensor):
                raise TypeError(f"Model '{self.name}': inputs and outputs must be symbolic "
                                f"tensors made from keras.Input, got {type(t).__name__}")
        for t in flat_inputs:
            if not isinstance(t.node.layer, InputLayer):
                raise ValueError(f"Model '{self.name}': each input must come straight from "
                                 f"keras.Input, but {t.name} is the output of layer "
                                 f"'{t.node.layer.name}'")
        self._nodes = _nodes_between(flat_inputs, flat_outputs, self.name)
        self._layers = _unique_layers(flat_inputs, self._nodes)
        self.built = True

    # -- structure -----------------------------------------------------------------------
    @property
    def inputs(self):
        return nest.flatten(self._inputs_struct)

    @property
    def outputs(self):
        return nest.flatten(self._outputs_struct)

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def layers(self) -> list:
        return list(self._layers)

    @property
    def output_names(self) -> list:
        """The names of the layers producing the outputs (keys for per-output losses)."""
        if isinstance(self._outputs_struct, dict):
            return list(self._outputs_struct)
        return [t.node.layer.name for t in self.outputs]

    def _graph_edges(self):
        """(from layer name, to layer name) pairs, for plot_model."""
        return [(t.node.layer.name, node.layer.name) for node in self._nodes
                for t in node.input_tensors]

    def _layer_output_shape(self, layer):
        for node in self._nodes:
            if node.layer is layer:
                return _shapes(node.outputs)
        if isinstance(layer, InputLayer):
            return layer.batch_shape
        return None

    def _connections(self, layer):
        for node in self._nodes:
            if node.layer is layer:
                return [f"{t.node.layer.name}[0][{t.index}]" for t in node.input_tensors]
        return []

    def _is_chain(self):
        return len(self.inputs) == 1 and len(self.outputs) == 1 and all(
            len(n.input_tensors) == 1 for n in self._nodes)

    # -- computation ---------------------------------------------------------------------
    def call(self, inputs, training=None, mask=None):
        values = {}
        flat = nest.flatten(inputs) if nest.is_nested(inputs) else [inputs]
        if len(flat) != len(self.inputs):
            raise ValueError(f"Model '{self.name}' expects {len(self.inputs)} input(s), but "
                             f"it received {len(flat)}")
        for kt, value in zip(self.inputs, flat):
            values[id(kt)] = match_rank(value, kt.ndim) if isinstance(value, Tensor) else value
        for node in self._nodes:
            args, kwargs = nest.map_structure(
                lambda t: values[id(t)] if isinstance(t, KerasTensor) else t,
                (list(node.args), dict(node.kwargs)))
            if training is not None and "training" not in kwargs:
                kwargs["training"] = training
            out = node.layer(*args, **kwargs)
            for kt, value in zip(nest.flatten(node.outputs), nest.flatten(out)):
                values[id(kt)] = value
        return nest.map_structure(lambda t: values[id(t)], self._outputs_struct)

    def build(self, input_shape):
        self.built = True

    def compute_output_shape(self, input_shape):
        return nest.map_structure(lambda t: tuple(t.shape), self._outputs_struct)

    # -- configuration -------------------------------------------------------------------
    def get_config(self):
        index = {}
        layers = []
        for layer in self._layers:
            entry = serialize_layer(layer)
            entry["name"] = layer.name
            entry["inbound_nodes"] = []
            index[id(layer)] = entry
            layers.append(entry)
        node_index = {}
        for node in self._nodes:
            layer_nodes = node_index.setdefault(id(node.layer), [])
            layer_nodes.append(node)
            index[id(node.layer)]["inbound_nodes"].append(
                nest.map_structure(lambda t: _ref(t, node_index), node.args[0]
                                   if len(node.args) == 1 else list(node.args)))
        return {
            "name": self.name,
            "trainable": self.trainable,
            "layers": layers,
            "input_layers": nest.map_structure(lambda t: _ref(t, node_index),
                                               self._inputs_struct),
            "output_layers": nest.map_structure(lambda t: _ref(t, node_index),
                                                self._outputs_struct),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        layers = {}
        outputs_by_ref = {}
        for entry in config["layers"]:
            layer = deserialize_layer(entry, custom_objects)
            layers[entry["name"]] = layer
            if isinstance(layer, InputLayer):
                outputs_by_ref[(layer.name, 0, 0)] = layer.output_tensor
        pending = [(entry["name"], i, args) for entry in config["layers"]
                   for i, args in enumerate(entry["inbound_nodes"])]
        while pending:
            progress = False
            for item in list(pending):
                name, i, args = item
                try:
                    resolved = nest.map_structure(lambda r: outputs_by_ref[r.key],
                                                  _refs_as_leaves(args))
                except KeyError:
                    continue
                out = layers[name](resolved)
                for j, t in enumerate(nest.flatten(out)):
                    outputs_by_ref[(name, i, j)] = t
                pending.remove(item)
                progress = True
            if not progress:
                raise ValueError("Model config is inconsistent: some layers' inputs are never "
                                 f"produced ({[p[0] for p in pending]})")
        inputs = nest.map_structure(lambda r: outputs_by_ref[r.key],
                                    _refs_as_leaves(config["input_layers"]))
        outputs = nest.map_structure(lambda r: outputs_by_ref[r.key],
                                     _refs_as_leaves(config["output_layers"]))
        return cls(inputs, outputs, name=config.get("name"),
                   trainable=config.get("trainable", True))


def _ref(t, node_index):
    """A serialized reference to a symbolic tensor: [layer name, node index, tensor index]."""
    layer = t.node.layer
    nodes = node_index.get(id(layer), [])
    i = next((k for k, n in enumerate(nodes) if n is t.node), 0)
    return [layer.name, i, t.index]


class _TensorRef:
    """A reference to a symbolic tensor read from a config: a leaf for ``nest``."""

    def __init__(self, ref):
        self.key = (ref[0], int(ref[1]), int(ref[2]))


def _refs_as_leaves(value):
    """Turn ``[name, node, index]`` references (lists of three) into _TensorRef leaves."""
    if isinstance(value, (list, tuple)) and len(value) == 3 and isinstance(value[0], str):
        return _TensorRef(value)
    if isinstance(value, dict):
        return {k: _refs_as_leaves(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_refs_as_leaves(v) for v in value]
    return value


def _nodes_between(inputs, outputs, model_name):
    """The nodes computing ``outputs`` from ``inputs``, in an order that respects the graph."""
    input_ids = {id(t) for t in inputs}
    order, state = [], {}

    def visit(tensor, consumer):
        if id(tensor) in input_ids:
            return
        node = tensor.node
        if isinstance(node.layer, InputLayer):
            raise ValueError(
                f"Graph disconnected: cannot obtain value for tensor {tensor.name} at layer "
                f"'{consumer}'. It comes from the input layer '{node.layer.name}', which is not "
                f"among the inputs of model '{model_name}'. Pass it in `inputs`.")
        mark = state.get(id(node))
        if mark == "done":
            return
        if mark == "visiting":
            raise ValueError(f"Model '{model_name}': the layer graph has a cycle at layer "
                             f"'{node.layer.name}'")
        state[id(node)] = "visiting"
        for t in node.input_tensors:
            visit(t, node.layer.name)
        state[id(node)] = "done"
        order.append(node)

    for t in outputs:
        visit(t, "the model's outputs")
    return sorted(order, key=lambda node: node.id)  # the order the user wrote the calls


def _unique_layers(inputs, nodes):
    layers, seen = [], set()
    for layer in [t.node.layer for t in inputs] + [n.layer for n in nodes]:
        if id(layer) not in seen:
            seen.add(id(layer))
            layers.append(layer)
    return layers


def _shapes(outputs):
    return nest.map_structure(lambda t: tuple(t.shape), outputs)
