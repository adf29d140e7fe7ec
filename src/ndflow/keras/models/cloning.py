"""``clone_model``: the same architecture with fresh weights."""

from ndflow.core import nest
from ndflow.keras.keras_tensor import KerasTensor
from ndflow.keras.layers.input_layer import InputLayer
from ndflow.keras.layers.lambda_layer import Lambda
from ndflow.keras.layers.serialization import serialize_layer
from ndflow.keras.layers.tensor_ops import TensorOp
from ndflow.keras.models.functional import Functional
from ndflow.keras.models.sequential import Sequential


def _clone_layer(layer):
    if isinstance(layer, Lambda):  # a Python function has no config to rebuild it from
        return Lambda(layer.function, output_shape=layer._output_shape,
                      mask=layer.mask, arguments=layer.arguments)
    if isinstance(layer, TensorOp):
        return TensorOp(layer.fn)
    return type(layer).from_config(serialize_layer(layer)["config"])


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model with the architecture of ``model`` and newly initialized weights.

    ``clone_function(layer)`` may replace the default (a layer rebuilt from its config).
    Works for Sequential and functional models; a subclassed model is rebuilt from its
    ``get_config`` through ``from_config``.
    """
    clone = clone_function or _clone_layer
    if isinstance(model, Sequential):
        new = Sequential(name=model.name)
        if model._input_layer is not None:
            new.add(InputLayer(batch_shape=model._input_layer.batch_shape))
        for layer in model.layers:
            new.add(clone(layer), rebuild=False)
        new._build_graph()
        return new
    if isinstance(model, Functional):
        return _clone_functional(model, clone, input_tensors)
    try:
        return type(model).from_config(model.get_config())
    except TypeError as e:
        raise ValueError(f"clone_model: the subclassed model '{model.name}' cannot be rebuilt "
                         f"from its config ({e}); define get_config/from_config") from None


def _clone_functional(model, clone, input_tensors):
    mapping = {}
    new_inputs = []
    given = nest.flatten(input_tensors) if input_tensors is not None else None
    for i, kt in enumerate(model.inputs):
        layer = kt.node.layer
        new_kt = given[i] if given else InputLayer(batch_shape=layer.batch_shape,
                                                   dtype=layer.dtype).output_tensor
        mapping[id(kt)] = new_kt
        new_inputs.append(new_kt)
    clones = {}
    for node in model._nodes:
        layer = node.layer
        if id(layer) not in clones:  # a shared layer stays shared in the clone
            clones[id(layer)] = clone(layer)
        args, kwargs = nest.map_structure(
            lambda t: mapping[id(t)] if isinstance(t, KerasTensor) else t,
            (list(node.args), dict(node.kwargs)))
        out = clones[id(layer)](*args, **kwargs)
        for old, new in zip(nest.flatten(node.outputs), nest.flatten(out)):
            mapping[id(old)] = new
    inputs = nest.pack_sequence_as(model._inputs_struct, new_inputs)
    outputs = nest.map_structure(lambda t: mapping[id(t)], model._outputs_struct)
    return Functional(inputs, outputs, name=model.name)
