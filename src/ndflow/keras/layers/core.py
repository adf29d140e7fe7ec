"""Core layers: Dense, Activation, Identity."""

from ndflow.keras import activations, constraints, initializers, regularizers
from ndflow.keras.layers.layer import Layer, check_last_dimension
from ndflow.ops.fused import dense
from ndflow.ops.linalg import matmul
from ndflow.ops.math import add

# Activations the fused dense op applies itself; any other runs after it.
_FUSED = {activations.linear: "linear", activations.relu: "relu", activations.tanh: "tanh"}


class Dense(Layer):
    """A densely connected layer: ``activation(inputs @ kernel + bias)``.

    >>> Dense(8, activation="relu", input_shape=(4,))
    """

    def __init__(self, units, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if int(units) <= 0:
            raise ValueError(f"Dense '{self.name}': units must be a positive integer, got "
                             f"{units!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        in_dim = input_shape[-1]
        if in_dim is None:
            raise ValueError(f"Dense '{self.name}': the last dimension of the input must be "
                             f"known, got input shape {tuple(input_shape)}")
        self.kernel = self.add_weight(shape=(in_dim, self.units), name="kernel",
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), name="bias",
                                        initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.built = True

    def call(self, inputs):
        if inputs._value.shape[-1:] != self.kernel._value.shape[:1]:
            check_last_dimension(self, tuple(inputs.shape), self.kernel.shape[0])
        activation = self.activation
        if inputs._value.ndim >= 2 and inputs._value.dtype == self.kernel._value.dtype:
            # one recorded op for matmul, bias and (when it can) the activation
            fused = _FUSED.get(activation)
            x = dense(inputs, self.kernel, self.bias, fused or "linear")
            return x if fused else activation(x)
        x = matmul(inputs, self.kernel)
        if self.bias is not None:
            x = add(x, self.bias)
        return activation(x)

    def compute_output_shape(self, input_shape):
        if self.built:
            check_last_dimension(self, tuple(input_shape), self.kernel.shape[0])
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }


class Activation(Layer):
    """Apply an activation function: ``Activation('relu')``."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)
        self.supports_masking = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Identity(Layer):
    """Return the input unchanged (a placeholder layer)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
