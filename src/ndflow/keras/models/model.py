"""Model: a layer made of layers, with what Keras models share (summary, get_layer ...).

``Model(inputs=..., outputs=...)`` gives a functional model; subclassing ``Model`` and
defining ``call`` gives a subclassed one, whose layers are found among its attributes.
"""

import numpy as np

from ndflow.core import nest
from ndflow.core.convert import convert_to_tensor
from ndflow.core.tensor import Tensor
from ndflow.keras.layers.layer import Layer
from ndflow.keras.models.summary import print_summary
from ndflow.keras.saving import saving_api
from ndflow.keras.trainers.trainer import Trainer


class Model(Trainer, Layer):
    """A model: layers grouped with a forward pass, as ``keras.Model``.

    >>> inputs = keras.Input(shape=(4,))
    >>> outputs = keras.layers.Dense(3, activation="softmax")(inputs)
    >>> model = keras.Model(inputs=inputs, outputs=outputs)
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and ("inputs" in kwargs or len(args) >= 2):
            from ndflow.keras.models.functional import Functional  # a subclass of Model

            return Functional.__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args, **kwargs):
        if type(self) is Model and (args or "inputs" in kwargs):
            raise TypeError("Model(inputs, outputs) needs both inputs and outputs")
        super().__init__(*args, **kwargs)

    # -- structure -----------------------------------------------------------------------
    @property
    def layers(self) -> list:
        """The layers of the model, in the order they were added or are called."""
        return self._sublayers()

    def get_layer(self, name=None, index=None):
        """A layer of the model, by ``name`` or by position ``index``."""
        if (name is None) == (index is None):
            raise ValueError("get_layer needs exactly one of `name` or `index`")
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(f"Model '{self.name}' has {len(layers)} layers, so index "
                                 f"{index} does not exist")
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name!r}. Model '{self.name}' has layers "
                         f"{[layer.name for layer in layers]}")

    def build(self, input_shape):
        """Build a subclassed model by calling it once on zeros of ``input_shape``."""
        if self.built:
            return
        self._build_input_shape = _batchless(_as_lists(input_shape))
        shapes = nest.map_structure(lambda d: 1 if d is None else d, _as_lists(input_shape))
        self.built = True  # so that the call below does not come back here
        try:
            self(_zeros_for(shapes, self.dtype))
        except Exception:
            self.built = False
            raise

    def _maybe_build(self, shapes, args=(), kwargs=None):
        # A subclassed model's layers build themselves during its first call; only a
        # user-defined ``build`` needs calling first.
        if not self.built:
            self._build_input_shape = _batchless(shapes)
            if type(self).build is not Model.build:
                super()._maybe_build(shapes, args, kwargs)
            self.built = True

    def get_build_config(self):
        """The input shape of the first call (batch size left open), or None: what
        ``build_from_config`` needs to create the weights before any data arrives."""
        shape = getattr(self, "_build_input_shape", None)
        return None if shape is None else {"input_shape": shape}

    def build_from_config(self, config):
        """Create the weights for the input shape that ``get_build_config`` recorded."""
        self.build(config["input_shape"])

    def _convert_inputs(self, inputs):
        # Only make tensors: each layer inside casts its own inputs to its own dtype.
        def convert(x):
            return x if x is None or isinstance(x, Tensor) else convert_to_tensor(x)

        return nest.map_structure(convert, inputs) if nest.is_nested(inputs) else convert(inputs)

    def _layer_output_shape(self, layer):
        """The output shape of ``layer`` in this model, if known (for the summary)."""
        nodes = getattr(layer, "_inbound_nodes", [])
        if nodes:
            return nest.map_structure(lambda t: tuple(t.shape), nodes[-1].outputs)
        return None

    def _connections(self, layer):
        return []

    def _is_chain(self):
        return True

    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Print a table of the layers: name (type), output shape, parameter count."""
        print_summary(self, line_length=line_length, print_fn=print_fn,
                      show_trainable=show_trainable)

    def __call__(self, *args, **kwargs):
        out = super().__call__(*args, **kwargs)
        self.built = True
        return out

    # -- saving ----------------------------------------------------------------------------
    def save(self, filepath, overwrite=True):
        """Save the model (architecture, weights, compile settings, optimizer state) to a
        ``.keras`` file; ``keras.models.load_model`` restores it."""
        saving_api.save_model(self, filepath, overwrite=overwrite)

    def save_weights(self, filepath, overwrite=True):
        """Save the weights to a ``.weights.safetensors`` (or ``.npz``) file."""
        saving_api.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath):
        """Load weights saved by ``save_weights`` (or from a ``.keras`` file)."""
        saving_api.load_weights(self, filepath)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuild a model; a functional model's config rebuilds its graph."""
        if cls is Model and "input_layers" in config:
            from ndflow.keras.models.functional import Functional  # a subclass of Model

            return Functional.from_config(config, custom_objects=custom_objects)
        return cls(**config)

    def get_config(self):
        """Subclassed models rebuild from their constructor arguments, if they define
        ``get_config``; the base only records the name and trainability."""
        return {"name": self.name, "trainable": self.trainable}


def _as_lists(shape):
    if isinstance(shape, (list, tuple)) and all(d is None or isinstance(d, (int, np.integer))
                                                 for d in shape):
        return tuple(shape)
    if isinstance(shape, dict):
        return {k: _as_lists(v) for k, v in shape.items()}
    return [_as_lists(s) for s in shape]


def _batchless(shapes):
    """Shapes with the batch dimension left open (None), as JSON-friendly lists."""
    if isinstance(shapes, tuple):
        return [None, *shapes[1:]] if shapes else []
    if isinstance(shapes, dict):
        return {k: _batchless(v) for k, v in shapes.items()}
    return [_batchless(s) for s in shapes]


def _zeros_for(shapes, dtype):
    if isinstance(shapes, tuple):
        return np.zeros(shapes, dtype=dtype)
    if isinstance(shapes, dict):
        return {k: _zeros_for(v, dtype) for k, v in shapes.items()}
    return [_zeros_for(s, dtype) for s in shapes]
