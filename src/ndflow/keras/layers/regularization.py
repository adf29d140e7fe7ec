"""Regularization layers: Dropout, GaussianNoise, ActivityRegularization.

Dropout and GaussianNoise act only when called with ``training=True`` (``fit`` does);
otherwise they return their input unchanged. Without a seed they draw from the global
random stream (so ``ndflow.random.set_seed`` makes runs repeatable); with a seed each
layer owns a generator started from it, so a seeded layer draws the same sequence of
masks every time it is created, whatever else the program draws.
"""

import math
import numbers

from ndflow.backend import rng
from ndflow.keras import regularizers
from ndflow.keras.layers.layer import Layer
from ndflow.ops.cast import cast
from ndflow.ops.math import greater_equal
from ndflow.ops.nn import dropout
from ndflow.ops.random import Generator, normal


def _number(layer, name, value, high=None):
    """``value`` as a finite float in ``[0, high]`` (``[0, inf)`` without ``high``), or raise."""
    ok = (isinstance(value, numbers.Real) and not isinstance(value, bool)
          and math.isfinite(value) and value >= 0 and (high is None or value <= high))
    if not ok:
        expected = "a non-negative float" if high is None else f"a float between 0 and {high}"
        raise ValueError(f"{type(layer).__name__} '{layer.name}': invalid value received for "
                         f"argument `{name}`. Expected {expected}. Received: {name}={value!r}")
    return float(value)


def _seed(layer, seed):
    return rng.check_seed(seed, f"{type(layer).__name__} '{layer.name}': seed")


def _require_floating(layer, inputs):
    if not inputs.dtype.is_floating:
        raise TypeError(f"{type(layer).__name__} '{layer.name}' expects floating-point inputs, "
                        f"got {inputs.dtype.name}: cast them first")


class Dropout(Layer):
    """Randomly zero a fraction ``rate`` of the inputs during training, scaling the rest by
    ``1 / (1 - rate)`` so the expected sum is unchanged.

    ``noise_shape`` (the input's rank, None for "as the input") shares one keep/drop
    decision along its size-1 dimensions, e.g. ``(batch, 1, features)`` drops whole
    features at every time step.

    >>> Dropout(0.5)(x, training=True)
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = _number(self, "rate", rate, 1)
        if noise_shape is not None:
            noise_shape = tuple(None if d is None else int(d) for d in noise_shape)
        self.noise_shape = noise_shape
        self.seed = _seed(self, seed)
        self._generator = None if self.seed is None else Generator.from_seed(self.seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        _require_floating(self, inputs)
        if self.rate == 1:
            return inputs * 0
        noise = self._noise_shape(tuple(inputs.shape))
        if self._generator is None:
            return dropout(inputs, self.rate, noise_shape=noise)
        u = self._generator.uniform(noise or tuple(inputs.shape), dtype=inputs.dtype)
        mask = cast(greater_equal(u, self.rate), inputs.dtype) * (1 / (1 - self.rate))
        return inputs * mask

    def _noise_shape(self, shape):
        """The full noise shape (None: one decision per element), checked against ``shape``."""
        if self.noise_shape is None:
            return None
        dims = tuple(s if d is None else d for d, s in zip(self.noise_shape, shape))
        if len(self.noise_shape) != len(shape) or any(d not in (1, s) for d, s in
                                                      zip(dims, shape)):
            raise ValueError(f"Dropout '{self.name}': noise_shape {self.noise_shape} must have "
                             f"the rank of the input and each dimension 1 (shared) or that of "
                             f"the input; input shape {shape}")
        return None if dims == shape else dims

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        noise = None if self.noise_shape is None else list(self.noise_shape)
        return {**super().get_config(), "rate": self.rate, "noise_shape": noise,
                "seed": self.seed}


class GaussianNoise(Layer):
    """Add zero-centred Gaussian noise of standard deviation ``stddev`` during training."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = _number(self, "stddev", stddev)
        self.seed = _seed(self, seed)
        self._generator = None if self.seed is None else Generator.from_seed(self.seed)
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.stddev == 0:
            return inputs
        _require_floating(self, inputs)
        shape = tuple(inputs.shape)
        if self._generator is None:
            noise = normal(shape, stddev=self.stddev, dtype=inputs.dtype)
        else:
            noise = self._generator.normal(shape, stddev=self.stddev, dtype=inputs.dtype)
        return inputs + noise

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class ActivityRegularization(Layer):
    """Pass the input through unchanged, adding ``l1 * sum(|x|) + l2 * sum(x**2)`` (per
    sample of the batch, as other activity penalties) to the layer's losses."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(**kwargs)
        self.l1 = _number(self, "l1", l1)
        self.l2 = _number(self, "l2", l2)
        self._penalty = regularizers.L1L2(l1=self.l1, l2=self.l2)
        self.supports_masking = True

    def call(self, inputs):
        self.add_loss(self._penalty(inputs))  # the whole penalty, as Keras 3
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}
