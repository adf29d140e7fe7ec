"""Normalization layers: BatchNormalization, LayerNormalization, GroupNormalization,
UnitNormalization.

Each standardizes its input over some axes (one fused op, ``ndflow.ops.normalization``)
and then scales it by ``gamma`` and shifts it by ``beta`` per feature. They differ in the
axes the statistics are taken over: the batch (and spatial) axes for batch normalization,
the feature axes of each sample for layer normalization, groups of channels of each
sample for group normalization.
"""

import numbers

import numpy as np

from ndflow.autodiff.primitive import run_on_arrays
from ndflow.core.errors import InvalidArgumentError
from ndflow.keras import constraints, initializers, regularizers
from ndflow.keras.layers.layer import Layer
from ndflow.ops.array import expand_dims, reshape
from ndflow.ops.cast import cast
from ndflow.ops.math import rsqrt, square, squared_difference
from ndflow.ops.nn import l2_normalize
from ndflow.ops.normalization import standardize
from ndflow.ops.reduction import reduce_mean, reduce_sum


def _axes(layer, axis, rank):
    """``axis`` (an int or a list of ints) as sorted non-negative axes of a rank-``rank``
    input, never the batch axis; raise a message naming the layer otherwise."""
    given = [axis] if isinstance(axis, numbers.Integral) else list(axis)
    out = set()
    for a in given:
        if isinstance(a, bool) or not isinstance(a, numbers.Integral) or not -rank <= a < rank:
            raise InvalidArgumentError(
                f"{type(layer).__name__} '{layer.name}': invalid axis {a!r} for an input of "
                f"rank {rank} (valid axes: 1 to {rank - 1}, or -{rank - 1} to -1)")
        a = int(a) % rank
        if a == 0:
            raise InvalidArgumentError(
                f"{type(layer).__name__} '{layer.name}': axis {axis!r} is the batch axis; "
                f"normalize over the feature axes instead (e.g. axis=-1)")
        out.add(a)
    return sorted(out)


def _check_axis_arg(layer, axis, allow_list):
    ok = isinstance(axis, numbers.Integral) and not isinstance(axis, bool)
    if allow_list and isinstance(axis, (list, tuple)) and axis:
        ok = all(isinstance(a, numbers.Integral) and not isinstance(a, bool) for a in axis)
    if not ok:
        expected = "an int or a list of ints" if allow_list else "an int"
        raise TypeError(f"{type(layer).__name__} '{layer.name}': expected {expected} for "
                        f"`axis`, got {axis!r}")
    return [int(a) for a in axis] if isinstance(axis, (list, tuple)) else int(axis)


def _known_dims(layer, shape, axes):
    dims = [shape[a] for a in axes]
    if any(d is None for d in dims):
        raise InvalidArgumentError(
            f"{type(layer).__name__} '{layer.name}': the normalized axes {axes} of the input "
            f"must have a known size, got input shape {tuple(shape)}")
    return tuple(int(d) for d in dims)


def _broadcast_shape(rank, axes, dims):
    """The shape that lines weights of shape ``dims`` up with ``axes`` of the input, or None
    when they already broadcast (the axes are the last ones)."""
    if list(axes) == list(range(rank - len(axes), rank)):
        return None
    shape = [1] * rank
    for a, d in zip(axes, dims):
        shape[a] = d
    return tuple(shape)


class _ScaleShift(Layer):
    """Shared by the layers with a ``gamma`` scale and a ``beta`` offset per feature."""

    def __init__(self, epsilon, center, scale, beta_initializer, gamma_initializer,
                 beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint,
                 **kwargs):
        super().__init__(**kwargs)
        self.epsilon = float(epsilon)
        if not self.epsilon >= 0:
            raise ValueError(f"{type(self).__name__} '{self.name}': epsilon must be a "
                             f"non-negative float, got {epsilon!r}")
        self.center = bool(center)
        self.scale = bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = None
        self.beta = None
        self._param_shape = None  # reshape of gamma/beta to broadcast against the input
        self.supports_masking = True

    def _add_scale_shift(self, shape, scale=None, center=None):
        scale = self.scale if scale is None else scale
        center = self.center if center is None else center
        if scale:
            self.gamma = self.add_weight(shape=shape, name="gamma",
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if center:
            self.beta = self.add_weight(shape=shape, name="beta",
                                        initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)

    def _param(self, weight):
        return weight if self._param_shape is None else reshape(weight, self._param_shape)

    def _scale_shift(self, y):
        if self.gamma is not None:
            y = y * self._param(self.gamma)
        if self.beta is not None:
            y = y + self._param(self.beta)
        return y

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {
            **super().get_config(),
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": regularizers.serialize(self.beta_regularizer),
            "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
            "beta_constraint": constraints.serialize(self.beta_constraint),
            "gamma_constraint": constraints.serialize(self.gamma_constraint),
        }


class BatchNormalization(_ScaleShift):
    """Normalize each feature with statistics over the batch (and every other axis).

    Called with ``training=True`` (as ``fit`` does) it uses the batch's mean and (biased)
    variance and moves the moving statistics towards them:
    ``moving = moving * momentum + batch * (1 - momentum)``. Otherwise, and always while
    the layer is frozen (``trainable = False``), it uses the moving statistics.

    >>> BatchNormalization()  # after Dense or Conv2D, channels last
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, synchronized=False, **kwargs):
        super().__init__(epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint,
                         gamma_constraint, **kwargs)
        self.axis = _check_axis_arg(self, axis, allow_list=False)
        self.momentum = float(momentum)
        # one process, one device: there is nothing to synchronize across
        self.synchronized = bool(synchronized)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self._reduction_axes = None

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        rank = len(input_shape)
        (axis,) = _axes(self, self.axis, rank)
        dims = _known_dims(self, input_shape, [axis])
        self._add_scale_shift(dims)
        self.moving_mean = self.add_weight(shape=dims, name="moving_mean",
                                           initializer=self.moving_mean_initializer,
                                           trainable=False)
        self.moving_variance = self.add_weight(shape=dims, name="moving_variance",
                                               initializer=self.moving_variance_initializer,
                                               trainable=False)
        self._param_shape = _broadcast_shape(rank, [axis], dims)
        self._reduction_axes = tuple(a for a in range(rank) if a != axis)
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if training and self.trainable:
            if mask is None:
                y = standardize(inputs, self._reduction_axes, self.epsilon)
                mean, variance = run_on_arrays("batch_moments", _moments, inputs._value,
                                               axes=self._reduction_axes,
                                               shape=self._stats_shape(inputs._value))
            else:
                y, mean, variance = self._masked_standardize(inputs, mask)
            self._update_moving(mean, variance)
            return self._scale_shift(y)
        inv = rsqrt(self._param(self.moving_variance) + self.epsilon)
        if self.gamma is not None:
            inv = inv * self._param(self.gamma)
        shift = -self._param(self.moving_mean) * inv
        if self.beta is not None:
            shift = shift + self._param(self.beta)
        return inputs * inv + shift

    def _stats_shape(self, x):
        return self._param_shape or (x.shape[-1],)

    def _masked_standardize(self, inputs, mask):
        """Standardize with statistics over the unmasked steps only."""
        weights = cast(mask, inputs.dtype)
        while weights.ndim < inputs.ndim:
            weights = expand_dims(weights, -1)
        axes = list(self._reduction_axes)
        count = reduce_sum(weights, axis=axes, keepdims=True) + 1e-7  # all masked: no 0/0
        mean = reduce_sum(inputs * weights, axis=axes, keepdims=True) / count
        variance = reduce_sum(squared_difference(inputs, mean) * weights, axis=axes,
                              keepdims=True) / count
        y = (inputs - mean) * rsqrt(variance + self.epsilon)
        flat = (-1,)
        return y, reshape(mean, flat)._value, reshape(variance, flat)._value

    def _update_moving(self, mean, variance):
        """The moving averages move on raw arrays (no tape records the update; a compiled
        training step replays it)."""
        for moving, stat in ((self.moving_mean, mean), (self.moving_variance, variance)):
            moving.assign(run_on_arrays("moving_average", _moving_average,
                                        moving.read_value()._value, stat,
                                        momentum=self.momentum))

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(
                self.moving_variance_initializer),
            "synchronized": self.synchronized,
        }


class LayerNormalization(_ScaleShift):
    """Normalize each sample over its feature axes (``axis``, the last by default).

    With ``rms_scaling=True`` the input is not centred, only divided by its root mean
    square, and scaled by ``gamma`` (there is no ``beta``).
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint,
                         gamma_constraint, **kwargs)
        self.axis = _check_axis_arg(self, axis, allow_list=True)
        self.rms_scaling = bool(rms_scaling)
        self._axes = None

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        rank = len(input_shape)
        self._axes = _axes(self, self.axis, rank)
        dims = _known_dims(self, input_shape, self._axes)
        self._add_scale_shift(dims, scale=self.scale or self.rms_scaling,
                              center=self.center and not self.rms_scaling)
        self._param_shape = _broadcast_shape(rank, self._axes, dims)
        self.built = True

    def call(self, inputs):
        if self.rms_scaling:
            ms = reduce_mean(square(inputs), axis=self._axes, keepdims=True)
            return self._scale_shift(inputs * rsqrt(ms + self.epsilon))
        return self._scale_shift(standardize(inputs, self._axes, self.epsilon))

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "rms_scaling": self.rms_scaling}


class GroupNormalization(_ScaleShift):
    """Normalize each sample over groups of channels (and all spatial axes).

    ``groups=1`` is layer normalization over all non-batch axes; ``groups=-1`` (one
    channel per group) is instance normalization.
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 **kwargs):
        super().__init__(epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint,
                         gamma_constraint, **kwargs)
        if isinstance(groups, bool) or not isinstance(groups, numbers.Integral) or \
                (groups < 1 and groups != -1):
            raise ValueError(f"GroupNormalization '{self.name}': groups must be a positive "
                             f"integer (or -1, one group per channel), got {groups!r}")
        self.groups = int(groups)
        self.axis = _check_axis_arg(self, axis, allow_list=False)
        self._axis = None
        self._groups = None

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        rank = len(input_shape)
        (axis,) = _axes(self, self.axis, rank)
        (channels,) = _known_dims(self, input_shape, [axis])
        groups = channels if self.groups == -1 else self.groups
        if groups > channels:
            raise ValueError(f"GroupNormalization '{self.name}': the number of groups "
                             f"({groups}) cannot be more than the number of channels "
                             f"({channels}); input shape {input_shape}")
        if channels % groups:
            raise ValueError(f"GroupNormalization '{self.name}': the number of groups "
                             f"({groups}) must divide the number of channels ({channels}); "
                             f"input shape {input_shape}")
        self._axis, self._groups = axis, groups
        self._add_scale_shift((channels,))
        self._param_shape = _broadcast_shape(rank, [axis], (channels,))
        self.built = True

    def call(self, inputs):
        shape = tuple(inputs.shape)
        a, g = self._axis, self._groups
        grouped = shape[:a] + (g, shape[a] // g) + shape[a + 1:]
        axes = [i for i in range(1, len(grouped)) if i != a]
        y = standardize(reshape(inputs, grouped), axes, self.epsilon)
        return self._scale_shift(reshape(y, shape))

    def get_config(self):
        return {**super().get_config(), "groups": self.groups, "axis": self.axis}


class UnitNormalization(Layer):
    """Scale each sample to unit L2 norm over ``axis``: ``x / max(||x||, 1e-12)``."""

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = _check_axis_arg(self, axis, allow_list=True)
        self.supports_masking = True

    def call(self, inputs):
        axes = _axes(self, self.axis, inputs.ndim)
        return l2_normalize(inputs, axis=axes, epsilon=1e-24)

    def compute_output_shape(self, input_shape):
        _axes(self, self.axis, len(input_shape))
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def _moments(x, axes, shape):
    """The mean and (biased) variance of ``x`` over ``axes``, each of ``shape``."""
    mean = x.mean(axis=axes)
    return [mean, np.square(x - mean.reshape(shape)).mean(axis=axes)]


def _moving_average(old, value, momentum):
    return (old * momentum + value * (1 - momentum)).astype(old.dtype, copy=False)
