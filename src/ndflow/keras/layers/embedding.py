"""Embedding and Masking: the layers that start a mask for the layers after them.

A mask is a boolean (batch, time) tensor riding on the output as ``_keras_mask``;
``Layer.__call__`` hands it to the next layer's ``call(mask=...)`` and recurrent layers
skip the masked steps.
"""

import warnings

import numpy as np

from ndflow.autodiff.primitive import bind
from ndflow.keras import constraints, initializers, regularizers
from ndflow.keras.layers.layer import Layer
from ndflow.ops.array import gather_p
from ndflow.ops.cast import cast
from ndflow.ops.math import not_equal
from ndflow.ops.reduction import reduce_any


class Embedding(Layer):
    """Map integer ids to dense vectors: row ``i`` of an (input_dim, output_dim) table.

    With ``mask_zero=True`` the id 0 is padding: the output carries a mask that is False
    there, and ``input_dim`` must count it.

    >>> Embedding(1000, 16, mask_zero=True)(ids)  # (batch, time) -> (batch, time, 16)
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, input_length=None, **kwargs):
        super().__init__(**kwargs)
        if int(input_dim) <= 0 or int(output_dim) <= 0:
            raise ValueError(f"Embedding '{self.name}': input_dim and output_dim must be "
                             f"positive integers, got input_dim={input_dim!r}, "
                             f"output_dim={output_dim!r}")
        if input_length is not None:
            warnings.warn("Embedding: the argument `input_length` is deprecated and ignored",
                          stacklevel=2)
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self._initial_weights = weights

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim), name="embeddings",
            initializer=self.embeddings_initializer, regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def call(self, inputs):
        if inputs._value.dtype.kind not in "iu":
            inputs = cast(inputs, "int32")
        return bind(gather_p, self.embeddings, inputs, axis=0)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
        }


class Masking(Layer):
    """Mask the time steps whose features all equal ``mask_value`` (and zero them).

    >>> Masking(mask_value=0.0)(x)  # x: (batch, time, features)
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return reduce_any(not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        keep = reduce_any(not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return inputs * cast(keep, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        value = self.mask_value
        if isinstance(value, np.generic):
            value = value.item()
        return {**super().get_config(), "mask_value": value}
