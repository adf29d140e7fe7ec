"""Sequential: a plain stack of layers, each feeding the next."""

from ndflow.core.tensor import Tensor
from ndflow.keras.keras_tensor import KerasTensor
from ndflow.keras.layers.input_layer import InputLayer
from ndflow.keras.layers.layer import Layer, _dropped_arguments
from ndflow.keras.layers.serialization import deserialize_layer, serialize_layer
from ndflow.keras.models.input_rank import match_rank
from ndflow.keras.models.model import Model


class Sequential(Model):
    """A linear stack of layers, as ``keras.Sequential``.

    >>> model = Sequential([Input(shape=(4,)), Dense(8, activation="relu"),
    ...                     Dense(3, activation="softmax")])
    """

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name)
        self._stack = []
        self._input_layer = None
        self._symbolic_outputs = None
        self._layer_outputs = {}
        for layer in layers or []:
            self.add(layer)

    # -- editing the stack ---------------------------------------------------------------
    def add(self, layer, rebuild=True):
        """Append a layer (or an ``Input``, which fixes the model's input shape)."""
        if isinstance(layer, KerasTensor):
            if not isinstance(layer.node.layer, InputLayer):
                raise ValueError("Sequential.add accepts layers or keras.Input tensors; this "
                                 f"tensor comes from layer '{layer.node.layer.name}'")
            layer = layer.node.layer
        if isinstance(layer, InputLayer):
            if self._stack or self._input_layer is not None:
                raise ValueError(f"Sequential '{self.name}': an Input can only be the first "
                                 "element of the model")
            self._input_layer = layer
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a keras layer, got {type(layer).__name__}")
        if any(existing.name == layer.name for existing in self._stack):
            raise ValueError(f"All layers added to a Sequential model should have unique "
                             f"names. Name '{layer.name}' is already the name of a layer in "
                             f"model '{self.name}'")
        if not self._stack and self._input_layer is None and layer._batch_input_shape:
            self._input_layer = InputLayer(batch_shape=layer._batch_input_shape)
        self._stack.append(layer)
        if not rebuild:
            return
        if self._symbolic_outputs is not None:  # extend the graph by the new layer only
            self._symbolic_outputs = layer(self._symbolic_outputs)
            self._layer_outputs[id(layer)] = self._symbolic_outputs
        else:
            self._build_graph()

    def pop(self):
        """Remove and return the last layer."""
        if not self._stack:
            raise TypeError("There are no layers in the model")
        layer = self._stack.pop()
        self._build_graph()
        return layer

    # -- structure -----------------------------------------------------------------------
    @property
    def layers(self) -> list:
        return list(self._stack)

    def _sublayers(self):
        return list(self._stack)

    @property
    def inputs(self):
        return [self._input_layer.output_tensor] if self._input_layer is not None else None

    @property
    def outputs(self):
        return [self._symbolic_outputs] if self._symbolic_outputs is not None else None

    @property
    def input_shape(self):
        return self._input_layer.batch_shape if self._input_layer is not None else None

    @property
    def output_shape(self):
        return tuple(self._symbolic_outputs.shape) if self._symbolic_outputs is not None \
            else None

    def _build_graph(self):
        """Run the stack on the symbolic input, so shapes and weights exist (when known)."""
        self._symbolic_outputs = None
        if self._input_layer is None:
            self.built = False
            return
        x = self._input_layer.output_tensor
        self._layer_outputs = {}
        for layer in self._stack:
            x = layer(x)
            self._layer_outputs[id(layer)] = x
        self._symbolic_outputs = x
        self.built = True

    def _layer_output_shape(self, layer):
        out = self._layer_outputs.get(id(layer))
        return tuple(out.shape) if out is not None else super()._layer_output_shape(layer)

    def build(self, input_shape=None):
        """Fix the input shape (batch dimension included) and create the weights."""
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError(f"Sequential '{self.name}' cannot be built without an input "
                                 "shape: add keras.Input(shape=...) first or pass input_shape")
        else:
            self._input_layer = InputLayer(batch_shape=(None, *tuple(input_shape)[1:]))
        self._build_graph()

    # -- computation ---------------------------------------------------------------------
    def call(self, inputs, training=None, mask=None):
        x = inputs
        if self._input_layer is not None and isinstance(x, Tensor):
            x = match_rank(x, len(self._input_layer.batch_shape))
        for layer in self._stack:
            # `training` only goes to the layers whose call takes it (Dropout, models...)
            if training is None or "training" in _dropped_arguments(type(layer)):
                x = layer(x)
            else:
                x = layer(x, training=training)
        return x

    def __call__(self, *args, **kwargs):
        if not self.built and args and not isinstance(args[0], KerasTensor):
            shape = tuple(getattr(args[0], "shape", ()))
            if shape:
                self.build((None, *shape[1:]))
        return super().__call__(*args, **kwargs)

    def compute_output_shape(self, input_shape):
        if self._symbolic_outputs is not None:
            return tuple(self._symbolic_outputs.shape)
        raise NotImplementedError

    # -- configuration -------------------------------------------------------------------
    def get_config(self):
        layers = []
        if self._input_layer is not None:
            layers.append(serialize_layer(self._input_layer))
        layers.extend(serialize_layer(layer) for layer in self._stack)
        return {"name": self.name, "trainable": self.trainable, "layers": layers}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for entry in config["layers"]:
            model.add(deserialize_layer(entry, custom_objects), rebuild=False)
        model._build_graph()
        return model
