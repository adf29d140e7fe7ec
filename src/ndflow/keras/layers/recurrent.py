"""Recurrent layers: RNN(cell), SimpleRNN, LSTM and GRU.

``RNN`` loops a cell over the time axis with ndflow ops (any cell works, at the cost of
a few tape entries per step). SimpleRNN, LSTM and GRU run the whole sequence as one
fused op (``ndflow.ops.recurrent``) whenever their activations allow it and no recurrent
dropout is active, which is what makes them fast; otherwise they take the cell loop.

Masks (from ``Embedding(mask_zero=True)`` or ``Masking``) are honoured as Keras does: at
a masked step the states are carried over unchanged and the output repeats the previous
one.
"""

import numpy as np

from ndflow.autodiff.engine_ops import reshape, stack
from ndflow.core.tensor import Tensor, wrap
from ndflow.keras import activations
from ndflow.keras.layers.layer import Layer
from ndflow.keras.layers.rnn_cells import GRUCell, LSTMCell, SimpleRNNCell
from ndflow.keras.layers.serialization import deserialize_layer, serialize_layer
from ndflow.ops.cast import cast
from ndflow.ops.recurrent import (
    FUSED_RNN_ACTIVATIONS,
    gru_sequence,
    lstm_sequence,
    simple_rnn_sequence,
)


class RNN(Layer):
    """Run a recurrent cell over the time axis of (batch, time, features) inputs.

    >>> RNN(LSTMCell(32), return_sequences=True)(x)  # (batch, time, 32)
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(cell, dict):
            if kwargs.get("dtype") is not None:  # the layer's dtype is the cell's
                cell = {**cell, "config": {**cell["config"], "dtype": kwargs["dtype"]}}
            cell = deserialize_layer(cell)
        if isinstance(cell, (list, tuple)):
            raise NotImplementedError(f"RNN '{self.name}': stacked cells (a list of cells) "
                                      "are not supported; stack RNN layers instead")
        if not hasattr(cell, "state_size") or not hasattr(cell, "call"):
            raise ValueError(f"RNN '{self.name}': `cell` must have a `call` method and a "
                             f"`state_size` attribute, got {cell!r}")
        if stateful:
            raise NotImplementedError(f"{type(self).__name__} '{self.name}': stateful=True "
                                      "is not supported; pass the states as initial_state")
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = False
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True

    @property
    def _state_sizes(self):
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"{type(self).__name__} '{self.name}' expects inputs of shape "
                             f"(batch, time, features), got shape {tuple(input_shape)}")
        self.cell._maybe_build((input_shape[0], input_shape[-1]))
        self.built = True

    def call(self, sequences, initial_state=None, mask=None, training=None):
        if sequences._value.ndim != 3:
            raise ValueError(f"{type(self).__name__} '{self.name}' expects inputs of shape "
                             f"(batch, time, features), got shape {tuple(sequences.shape)}")
        states = self._initial_states(initial_state, sequences)
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if mask is not None:  # an op, so a compiled step follows each batch's mask
            mask = cast(mask if isinstance(mask, Tensor) else wrap(np.asarray(mask)),
                        sequences._value.dtype)
        if hasattr(self.cell, "reset_dropout_masks"):
            self.cell.reset_dropout_masks()
        outputs, last, states = self._run(sequences, states, mask, training)
        if self.return_sequences and self.zero_output_for_mask and mask is not None:
            keep = mask[:, ::-1] if self.go_backwards else mask
            outputs = outputs * reshape(keep, (*tuple(keep.shape), 1))
        out = outputs if self.return_sequences else last
        return [out, *states] if self.return_state else out

    def _initial_states(self, initial_state, sequences):
        sizes = self._state_sizes
        batch = sequences._value.shape[0]
        if initial_state is None:
            dtype = sequences._value.dtype
            return [wrap(np.zeros((batch, s), dtype=dtype)) for s in sizes]
        states = list(initial_state) if isinstance(initial_state, (list, tuple)) \
            else [initial_state]
        if len(states) != len(sizes):
            raise ValueError(f"{type(self).__name__} '{self.name}' expects {len(sizes)} "
                             f"initial state(s), got {len(states)}")
        return [self._convert_inputs(s) for s in states]

    def _run(self, x, states, mask, training):
        """The cell looped over time: (all outputs, last output, final states)."""
        n = x._value.shape[1]
        steps = range(n - 1, -1, -1) if self.go_backwards else range(n)
        outputs, prev = [], None
        for t in steps:
            out, new = self.cell(x[:, t], states, training=training)
            new = list(new) if isinstance(new, (list, tuple)) else [new]
            if mask is not None:
                m = mask[:, t:t + 1]
                new = [m * a + (1.0 - m) * b for a, b in zip(new, states)]
                out = m * out + (1.0 - m) * (out * 0.0 if prev is None else prev)
            states, prev = new, out
            outputs.append(out)
        return stack(outputs, axis=1), prev, states

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        out = mask if self.return_sequences else None
        return [out] + [None] * len(self._state_sizes) if self.return_state else out

    def compute_output_shape(self, input_shape):
        batch, time = input_shape[0], input_shape[1]
        units = self.cell.output_size if hasattr(self.cell, "output_size") \
            else self._state_sizes[0]
        out = (batch, time, units) if self.return_sequences else (batch, units)
        if self.return_state:
            return [out] + [(batch, s) for s in self._state_sizes]
        return out

    def get_config(self):
        return {
            **super().get_config(),
            "cell": serialize_layer(self.cell),
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        }


class _FusedRNN(RNN):
    """A layer owning one built-in cell, with its arguments flat in the config."""

    _cell_class = None

    def __init__(self, units, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, cell_kwargs=None,
                 activity_regularizer=None, use_cudnn="auto", **kwargs):
        cell_kwargs = dict(cell_kwargs or {})
        for key in ("dtype", "trainable"):
            if key in kwargs:
                cell_kwargs[key] = kwargs[key]
        cell = self._cell_class(units, **cell_kwargs)
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         zero_output_for_mask=zero_output_for_mask,
                         activity_regularizer=activity_regularizer, **kwargs)

    @property
    def units(self):
        return self.cell.units

    def _fusable(self, x, training):
        cell = self.cell
        names = [activations.serialize(cell.activation)]
        if hasattr(cell, "recurrent_activation"):
            names.append(activations.serialize(cell.recurrent_activation))
        return (all(isinstance(n, str) and n in FUSED_RNN_ACTIVATIONS for n in names)
                and not (training and 0 < cell.recurrent_dropout < 1)
                and x._value.dtype == cell.kernel._value.dtype)

    def _prepare(self, x, training):
        """Inputs after dropout, the bias (zeros without one) and the activation names."""
        cell = self.cell
        if training and 0 < cell.dropout < 1:
            m = cell.get_dropout_mask(x[:, 0])
            x = x * reshape(m, (m.shape[0], 1, m.shape[1]))
        bias = cell.bias
        if bias is None:
            bias = wrap(np.zeros(cell._bias_shape(), dtype=x._value.dtype))
        names = {"activation": activations.serialize(cell.activation)}
        if hasattr(cell, "recurrent_activation"):
            names["recurrent_activation"] = activations.serialize(cell.recurrent_activation)
        return x, bias, names

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        outer = {k: config.pop(k) for k in
                 ("name", "trainable", "dtype", "return_sequences", "return_state",
                  "go_backwards", "stateful", "unroll", "zero_output_for_mask",
                  "activity_regularizer", "batch_input_shape") if k in config}
        units = config.pop("units")
        return cls(units, **outer, **config)


def _split_kwargs(layer_kwargs, cell_args):
    return {k: layer_kwargs.pop(k) for k in list(layer_kwargs) if k in cell_args}


_CELL_ARGS = ("activation", "use_bias", "kernel_initializer", "recurrent_initializer",
              "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
              "bias_regularizer", "kernel_constraint", "recurrent_constraint",
              "bias_constraint", "dropout", "recurrent_dropout", "seed")


class SimpleRNN(_FusedRNN):
    """A fully connected recurrent layer: ``h = activation(x @ W + h @ U + b)``.

    >>> SimpleRNN(16)(x)  # (batch, time, features) -> (batch, 16)
    """

    _cell_class = SimpleRNNCell

    def __init__(self, units, **kwargs):
        cell_kwargs = _split_kwargs(kwargs, _CELL_ARGS)
        super().__init__(units, cell_kwargs=cell_kwargs, **kwargs)

    def _run(self, x, states, mask, training):
        if not self._fusable(x, training):
            return super()._run(x, states, mask, training)
        x, bias, names = self._prepare(x, training)
        cell = self.cell
        seq, h = simple_rnn_sequence(x, cell.kernel, cell.recurrent_kernel, bias, states[0],
                                     mask=mask, go_backwards=self.go_backwards, **names)
        return seq, h, [h]


class LSTM(_FusedRNN):
    """Long short-term memory (Hochreiter & Schmidhuber), as ``keras.layers.LSTM``.

    >>> LSTM(32, return_sequences=True)(x)  # (batch, time, features) -> (batch, time, 32)
    """

    _cell_class = LSTMCell

    def __init__(self, units, **kwargs):
        cell_kwargs = _split_kwargs(kwargs, _CELL_ARGS + ("recurrent_activation",
                                                          "unit_forget_bias",
                                                          "implementation"))
        super().__init__(units, cell_kwargs=cell_kwargs, **kwargs)

    def _run(self, x, states, mask, training):
        if not self._fusable(x, training):
            return super()._run(x, states, mask, training)
        x, bias, names = self._prepare(x, training)
        cell = self.cell
        seq, h, c = lstm_sequence(x, cell.kernel, cell.recurrent_kernel, bias, states[0],
                                  states[1], mask=mask, go_backwards=self.go_backwards,
                                  **names)
        return seq, h, [h, c]


class GRU(_FusedRNN):
    """Gated recurrent unit (Cho et al.), as ``keras.layers.GRU`` (``reset_after=True``:
    the reset gate applies after the recurrent matmul, bias shape (2, 3 units)).

    >>> GRU(32)(x)  # (batch, time, features) -> (batch, 32)
    """

    _cell_class = GRUCell

    def __init__(self, units, **kwargs):
        cell_kwargs = _split_kwargs(kwargs, _CELL_ARGS + ("recurrent_activation",
                                                          "reset_after", "implementation"))
        super().__init__(units, cell_kwargs=cell_kwargs, **kwargs)

    def _run(self, x, states, mask, training):
        if not (self.cell.reset_after and self._fusable(x, training)):
            return super()._run(x, states, mask, training)
        x, bias, names = self._prepare(x, training)
        cell = self.cell
        seq, h = gru_sequence(x, cell.kernel, cell.recurrent_kernel, bias, states[0],
                              mask=mask, go_backwards=self.go_backwards, **names)
        return seq, h, [h]

