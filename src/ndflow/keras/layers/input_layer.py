"""``keras.Input`` and ``InputLayer``: the symbolic entry points of a model."""

from ndflow.backend.config import floatx
from ndflow.keras.keras_tensor import KerasTensor
from ndflow.keras.layers.layer import Layer
from ndflow.keras.layers.symbolic import Node


class InputLayer(Layer):
    """The layer behind ``keras.Input``: it holds the model's symbolic input."""

    def __init__(self, shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
                 input_tensor=None, name=None, **kwargs):
        if "input_shape" in kwargs and shape is None:
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs and batch_shape is None:
            batch_shape = kwargs.pop("batch_input_shape")
        if shape is None and batch_shape is None:
            raise ValueError("Input needs a `shape` (without the batch dimension) or a "
                             "`batch_shape`, e.g. keras.Input(shape=(4,))")
        if batch_shape is None:
            shape = (shape,) if isinstance(shape, int) else tuple(shape)
            batch_shape = (batch_size, *shape)
        super().__init__(name=name, dtype=dtype or floatx(), **kwargs)
        self.batch_shape = tuple(None if d is None else int(d) for d in batch_shape)
        self.built = True
        self._batch_input_shape = self.batch_shape
        node = Node(self, (), {})
        self.output_tensor = KerasTensor(self.batch_shape, self.dtype, name=self.name,
                                         node=node)
        node.outputs = self.output_tensor
        self._inbound_nodes.append(node)

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return self.batch_shape

    def get_config(self):
        return {"batch_shape": list(self.batch_shape), "dtype": self.dtype, "name": self.name}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None, name=None,
          tensor=None):
    """A symbolic input of a functional model: ``keras.Input(shape=(4,))``.

    ``shape`` excludes the batch dimension, which is unknown (None) unless
    ``batch_size`` is given.
    """
    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, batch_shape=batch_shape,
                       name=name)
    return layer.output_tensor
