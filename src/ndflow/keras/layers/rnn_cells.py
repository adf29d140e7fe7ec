"""Recurrent cells: one time step of SimpleRNN, LSTM and GRU, as Keras's cell classes.

A cell's ``call(inputs, states, training)`` maps one step's inputs (batch, features) and
the states to ``(output, new_states)``; ``keras.layers.RNN(cell)`` loops it over time.
The LSTM, GRU and SimpleRNN layers own one of these cells (its weights, named and shaped
as Keras's) and run the whole sequence as one fused op when they can.
"""

import numpy as np

from ndflow.backend import rng
from ndflow.core.tensor import wrap
from ndflow.keras import activations, constraints, initializers, regularizers
from ndflow.keras.layers.layer import Layer
from ndflow.ops.cast import cast
from ndflow.ops.linalg import matmul
from ndflow.ops.math import greater_equal
from ndflow.ops.nn import dropout as _dropout
from ndflow.ops.random import Generator


def _rate(layer, name, value):
    value = float(value)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{type(layer).__name__} '{layer.name}': `{name}` must be between 0 "
                         f"and 1, got {value}")
    return value


class _ForgetBiasInitializer:
    """LSTM bias with the forget gate's part at one (``unit_forget_bias``)."""

    def __init__(self, units, base):
        self.units = units
        self.base = base

    def __call__(self, shape, dtype=None):
        u = self.units
        parts = [np.asarray(self.base((u,), dtype=dtype)), np.ones((u,), dtype=dtype),
                 np.asarray(self.base((2 * u,), dtype=dtype))]
        return np.concatenate(parts)


class _Cell(Layer):
    """What the three cells share: configuration, weights and the dropout masks."""

    _gates = 1

    def __init__(self, units, activation="tanh", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 **kwargs):
        super().__init__(**kwargs)
        if int(units) <= 0:
            raise ValueError(f"{type(self).__name__} '{self.name}': units must be a positive "
                             f"integer, got {units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = _rate(self, "dropout", dropout)
        self.recurrent_dropout = _rate(self, "recurrent_dropout", recurrent_dropout)
        self.seed = rng.check_seed(seed, f"{type(self).__name__} '{self.name}': seed")
        self._generator = None if self.seed is None else Generator.from_seed(self.seed)
        self._masks = {}

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    def _bias_shape(self):
        return (self._gates * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape):
        width = self._gates * self.units
        self.kernel = self.add_weight(
            shape=(input_shape[-1], width), name="kernel", initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width), name="recurrent_kernel",
            initializer=self.recurrent_initializer, regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                shape=self._bias_shape(), name="bias", initializer=self._bias_initializer(),
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.built = True

    # -- dropout masks: drawn once per sequence, the same at every step ---------------------
    def reset_dropout_masks(self):
        self._masks = {}

    def _mask(self, key, like, rate):
        if key not in self._masks:
            shape = tuple(like.shape)
            ones = np.ones(shape, dtype=like._value.dtype)
            if self._generator is None:
                self._masks[key] = _dropout(ones, rate)
            else:
                u = self._generator.uniform(shape, dtype=like.dtype)
                self._masks[key] = cast(greater_equal(u, rate), like.dtype) * (1 / (1 - rate))
        return self._masks[key]

    def get_dropout_mask(self, step_input):
        """The input dropout mask of the current sequence (batch, features)."""
        return self._mask("input", step_input, self.dropout)

    def get_recurrent_dropout_mask(self, state):
        """The recurrent dropout mask of the current sequence (batch, units)."""
        return self._mask("recurrent", state, self.recurrent_dropout)

    def _dropped(self, inputs, h, training):
        if training and 0 < self.dropout < 1:
            inputs = inputs * self.get_dropout_mask(inputs)
        if training and 0 < self.recurrent_dropout < 1:
            h = h * self.get_recurrent_dropout_mask(h)
        return inputs, h

    def get_initial_state(self, batch_size=None, dtype=None):
        """Zero states for a batch."""
        dtype = dtype or self.dtype
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        return [wrap(np.zeros((batch_size, s), dtype=dtype)) for s in sizes]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }


def _state(states):
    return states[0] if isinstance(states, (list, tuple)) else states


class SimpleRNNCell(_Cell):
    """One step of ``h = activation(x @ kernel + h @ recurrent_kernel + bias)``."""

    def call(self, sequence, states, training=False):
        h = _state(states)
        x, hr = self._dropped(sequence, h, training)
        z = matmul(x, self.kernel) + matmul(hr, self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        out = self.activation(z)
        return out, [out]


class LSTMCell(_Cell):
    """One LSTM step; kernels hold the gates in the order input, forget, cell, output."""

    _gates = 4

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 unit_forget_bias=True, **kwargs):
        kwargs.pop("implementation", None)
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)

    @property
    def state_size(self):
        return [self.units, self.units]

    def _bias_initializer(self):
        if self.unit_forget_bias:
            return _ForgetBiasInitializer(self.units, self.bias_initializer)
        return self.bias_initializer

    def call(self, sequence, states, training=False):
        h, c = states
        x, hr = self._dropped(sequence, h, training)
        u = self.units
        z = matmul(x, self.kernel) + matmul(hr, self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        ract, act = self.recurrent_activation, self.activation
        i, f, o = ract(z[:, :u]), ract(z[:, u:2 * u]), ract(z[:, 3 * u:])
        c = f * c + i * act(z[:, 2 * u:3 * u])
        h = o * act(c)
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class GRUCell(_Cell):
    """One GRU step; kernels hold the update (z), reset (r) and candidate (h) parts."""

    _gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid",
                 reset_after=True, **kwargs):
        kwargs.pop("implementation", None)
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def call(self, sequence, states, training=False):
        h = _state(states)
        x, hr = self._dropped(sequence, h, training)
        u = self.units
        ract, act = self.recurrent_activation, self.activation
        xp = matmul(x, self.kernel)
        if self.reset_after:
            hp = matmul(hr, self.recurrent_kernel)
            if self.bias is not None:
                xp, hp = xp + self.bias[0], hp + self.bias[1]
            z = ract(xp[:, :u] + hp[:, :u])
            r = ract(xp[:, u:2 * u] + hp[:, u:2 * u])
            hh = act(xp[:, 2 * u:] + r * hp[:, 2 * u:])
        else:
            if self.bias is not None:
                xp = xp + self.bias
            hp = matmul(hr, self.recurrent_kernel[:, :2 * u])
            z = ract(xp[:, :u] + hp[:, :u])
            r = ract(xp[:, u:2 * u] + hp[:, u:])
            hh = act(xp[:, 2 * u:] + matmul(r * hr, self.recurrent_kernel[:, 2 * u:]))
        h = z * h + (1.0 - z) * hh
        return h, [h]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}


