"""Layer wrappers: Bidirectional (a recurrent layer both ways) and TimeDistributed."""

from ndflow.autodiff.engine_ops import reshape
from ndflow.keras.layers.layer import Layer
from ndflow.keras.layers.serialization import deserialize_layer, serialize_layer
from ndflow.ops.array import concat

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _inner(config, dtype):
    """Deserialize a wrapped layer's config; the wrapper's dtype, when given, is its dtype."""
    if dtype is not None:
        config = {**config, "config": {**config["config"], "dtype": dtype}}
    return deserialize_layer(config)


def _copy(layer, **changes):
    config = {**layer.get_config(), **changes}
    return type(layer).from_config(config)


class Bidirectional(Layer):
    """Run a recurrent layer forwards and a copy of it backwards in time, and merge.

    >>> Bidirectional(LSTM(32))(x)  # (batch, time, features) -> (batch, 64)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None,
                 **kwargs):
        super().__init__(**kwargs)
        if isinstance(layer, dict):
            layer = _inner(layer, kwargs.get("dtype"))
        if isinstance(backward_layer, dict):
            backward_layer = _inner(backward_layer, kwargs.get("dtype"))
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Bidirectional '{self.name}': invalid merge_mode {merge_mode!r}; "
                             f"use one of {_MERGE_MODES}")
        if not hasattr(layer, "go_backwards"):
            raise ValueError(f"Bidirectional '{self.name}' needs a recurrent layer (with "
                             f"`go_backwards`), got {type(layer).__name__}")
        self._layer_config = serialize_layer(layer)
        self.forward_layer = _copy(layer, name="forward_" + layer.name)
        if backward_layer is None:
            self.backward_layer = _copy(layer, name="backward_" + layer.name,
                                        go_backwards=not layer.go_backwards)
            self._backward_config = None
        else:
            if backward_layer.return_sequences != layer.return_sequences or \
                    backward_layer.return_state != layer.return_state:
                raise ValueError(f"Bidirectional '{self.name}': backward_layer must have the "
                                 "same return_sequences and return_state as layer")
            self.backward_layer = backward_layer
            self._backward_config = serialize_layer(backward_layer)
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self._initial_weights = weights

    def build(self, input_shape):
        self.forward_layer._maybe_build(input_shape)
        self.backward_layer._maybe_build(input_shape)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def call(self, sequences, initial_state=None, mask=None, training=None):
        fw_state = bw_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            fw_state, bw_state = initial_state[:half], initial_state[half:]
        y_f = self.forward_layer(sequences, initial_state=fw_state, mask=mask,
                                 training=training)
        y_b = self.backward_layer(sequences, initial_state=bw_state, mask=mask,
                                  training=training)
        states = []
        if self.return_state:
            y_f, states_f = y_f[0], list(y_f[1:])
            y_b, states_b = y_b[0], list(y_b[1:])
            states = states_f + states_b
        if self.return_sequences:
            y_b = y_b[:, ::-1]
        out = self._merge(y_f, y_b)
        if self.return_state:
            return (list(out) if isinstance(out, list) else [out]) + states
        return out

    def _merge(self, a, b):
        mode = self.merge_mode
        if mode == "concat":
            return concat([a, b], axis=-1)
        if mode == "sum":
            return a + b
        if mode == "mul":
            return a * b
        if mode == "ave":
            return (a + b) * 0.5
        return [a, b]

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        out = mask if self.return_sequences else None
        outs = [out, out] if self.merge_mode is None else [out]
        if self.return_state:
            n = len(self.forward_layer._state_sizes) * 2
            return outs + [None] * n
        return outs if self.merge_mode is None else out

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(input_shape)
        states = []
        if self.return_state:
            shape, states = shape[0], list(shape[1:])
            states = states + states
        shape = tuple(shape)
        if self.merge_mode == "concat":
            out = [(*shape[:-1], shape[-1] * 2)]
        elif self.merge_mode is None:
            out = [shape, shape]
        else:
            out = [shape]
        if self.return_state:
            return out + states
        return out if self.merge_mode is None else out[0]

    def get_config(self):
        config = {**super().get_config(), "layer": self._layer_config,
                  "merge_mode": self.merge_mode}
        if self._backward_config is not None:
            config["backward_layer"] = self._backward_config
        return config


class TimeDistributed(Layer):
    """Apply a layer to every time step: (batch, time, ...) -> (batch, time, ...).

    >>> TimeDistributed(Dense(8))(x)  # (batch, time, 4) -> (batch, time, 8)
    """

    def __init__(self, layer, **kwargs):
        super().__init__(**kwargs)
        if isinstance(layer, dict):
            layer = _inner(layer, kwargs.get("dtype"))
        if not isinstance(layer, Layer):
            raise ValueError(f"TimeDistributed '{self.name}' wraps a Layer, got {layer!r}")
        self.layer = layer
        self.supports_masking = True

    def build(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(f"TimeDistributed '{self.name}' expects inputs of rank >= 3 "
                             f"(batch, time, ...), got shape {tuple(input_shape)}")
        self.layer._maybe_build((None, *tuple(input_shape)[2:]))
        self.built = True

    def call(self, inputs, training=None):
        shape = tuple(inputs._value.shape)
        flat = reshape(inputs, (shape[0] * shape[1], *shape[2:]))
        kwargs = {} if training is None else {"training": training}
        out = self.layer(flat, **kwargs)
        return reshape(out, (shape[0], shape[1], *tuple(out._value.shape)[1:]))

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((None, *tuple(input_shape)[2:]))
        return (input_shape[0], input_shape[1], *tuple(inner)[1:])

    def get_config(self):
        return {**super().get_config(), "layer": serialize_layer(self.layer)}
