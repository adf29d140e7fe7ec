"""Activation layers: ReLU, LeakyReLU, PReLU (a learned slope), ELU and Softmax.

Each is the activation function of ``keras.activations`` with its arguments held as
configuration; PReLU alone has a weight.
"""

import warnings

from ndflow.keras import activations, constraints, initializers, regularizers
from ndflow.keras.layers.layer import Layer
from ndflow.ops import math as _math
from ndflow.ops.cast import cast
from ndflow.ops.nn import relu as _relu

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"]


def _non_negative(layer, name, value, allow_none=False):
    if value is None and allow_none:
        return None
    if value is None or value < 0:
        raise ValueError(f"{layer}: {name} cannot be None or negative, got {name}={value!r}")
    return float(value)


class ReLU(Layer):
    """Rectified linear unit with an optional cap, leak and threshold.

    ``max_value`` for ``x >= max_value``, ``x`` for ``threshold <= x < max_value``,
    ``negative_slope * (x - threshold)`` otherwise.
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = _non_negative("ReLU", "max_value", max_value, allow_none=True)
        self.negative_slope = _non_negative("ReLU", "negative_slope", negative_slope)
        self.threshold = _non_negative("ReLU", "threshold", threshold)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.relu(inputs, negative_slope=self.negative_slope,
                                max_value=self.max_value, threshold=self.threshold)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


class LeakyReLU(Layer):
    """Leaky rectifier: ``x`` where positive, ``negative_slope * x`` elsewhere.

    Keras 3 names the slope ``negative_slope`` (default 0.3); the older ``alpha`` is
    accepted with a warning.
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("LeakyReLU: the argument `alpha` is deprecated, use "
                          "`negative_slope` instead", stacklevel=2)
        super().__init__(**kwargs)
        self.negative_slope = _non_negative("LeakyReLU", "negative_slope", negative_slope)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class PReLU(Layer):
    """Parametric ReLU: ``x`` where positive, ``alpha * x`` elsewhere, ``alpha`` learned.

    ``alpha`` has the input shape without the batch axis, with size 1 along
    ``shared_axes`` (axes counted with the batch axis as 0; e.g. ``shared_axes=[1, 2]``
    shares one slope per channel across an image's height and width).
    """

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None,
                 alpha_constraint=None, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [int(a) for a in shared_axes]
        else:
            self.shared_axes = [int(shared_axes)]
        self.supports_masking = True

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if not 1 <= axis < len(input_shape):
                raise ValueError(f"PReLU '{self.name}': shared axis {axis} is out of range for "
                                 f"input shape {input_shape} (axes count from 1, after the "
                                 f"batch axis)")
            shape[axis - 1] = 1
        if None in shape:
            raise ValueError(f"PReLU '{self.name}': the input dimensions that are not shared "
                             f"must be known, got input shape {input_shape}; unknown ones can "
                             f"go in shared_axes")
        self.alpha = self.add_weight(shape=shape, name="alpha",
                                     initializer=self.alpha_initializer,
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)
        self.built = True

    def call(self, inputs):
        expected = tuple(self.alpha.shape)
        got = tuple(inputs.shape)[1:]
        if len(got) != len(expected) or any(a != 1 and a != g for a, g in zip(expected, got)):
            raise ValueError(f"PReLU '{self.name}' was built for inputs of shape "
                             f"(None, {', '.join(map(str, expected))}) (1 = shared axis), got "
                             f"{tuple(inputs.shape)}")
        return _relu(inputs) - self.alpha * _relu(-inputs)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }


class ELU(Layer):
    """Exponential linear unit: ``x`` where positive, ``alpha * (exp(x) - 1)`` elsewhere."""

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = float(alpha)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


def _large_negative(dtype):
    """Added to masked logits: far below any real logit, yet finite in the dtype."""
    return -3e4 if dtype.name == "float16" else -1e9


class Softmax(Layer):
    """Softmax along ``axis`` (an int or a list of ints).

    ``call(inputs, mask=None)``: where the boolean ``mask`` (broadcastable to ``inputs``)
    is False, the logit is pushed to a large negative number, so it gets ~0 probability.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else int(axis)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, mask=None):
        if mask is not None:
            keep = cast(mask, inputs.dtype)
            inputs = _math.add(inputs, (1.0 - keep) * _large_negative(inputs.dtype))
        axis = self.axis
        if isinstance(axis, list) and len(axis) == 1:
            axis = axis[0]
        return activations.softmax(inputs, axis=axis)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
