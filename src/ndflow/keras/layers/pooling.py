"""Pooling layers: MaxPooling1D/2D/3D, AveragePooling1D/2D/3D and the global poolings.

Windowed pooling runs channels last through ``ndflow.ops.conv`` (max: the gradient goes to
the first maximum of each window; average with ``padding='same'``: only the valid cells of
a border window are averaged, as TensorFlow). Global pooling reduces every spatial axis.
"""

from ndflow.keras.layers.convolutional import (
    _join,
    _split,
    _to_first,
    _to_last,
    conv_output_length,
    normalize_padding,
    normalize_tuple,
)
from ndflow.keras.layers.layer import Layer
from ndflow.keras.layers.reshaping import _data_format, _require_rank
from ndflow.ops.array import expand_dims
from ndflow.ops.cast import cast
from ndflow.ops.conv import avg_pool, max_pool
from ndflow.ops.reduction import reduce_max, reduce_mean, reduce_sum


class _Pooling(Layer):
    """Pooling over windows of ``pool_size`` moved by ``strides`` (default: ``pool_size``)."""

    rank = 2
    _op = staticmethod(max_pool)

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.pool_size = normalize_tuple(pool_size, self.rank, "pool_size", self)
        self.strides = self.pool_size if strides is None else normalize_tuple(
            strides, self.rank, "strides", self)
        self.padding = normalize_padding(self, padding)
        self.data_format = _data_format(self, data_format)

    def call(self, inputs):
        _require_rank(self, tuple(inputs.shape), rank=self.rank + 2)
        y = type(self)._op(_to_last(self, inputs), self.pool_size, self.strides,
                           self.padding.upper())
        return _to_first(self, y)

    def compute_output_shape(self, input_shape):
        batch, spatial, channels = _split(self, input_shape)
        out = [conv_output_length(n, k, self.padding, s) for n, k, s in
               zip(spatial, self.pool_size, self.strides)]
        return _join(self, batch, out, channels)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling1D(_Pooling):
    """Maximum over windows of ``pool_size`` steps.

    >>> MaxPooling1D(pool_size=2)
    """

    rank = 1


class MaxPooling2D(_Pooling):
    """Maximum over windows of ``pool_size`` (rows, cols).

    >>> MaxPooling2D((2, 2))
    """

    rank = 2


class MaxPooling3D(_Pooling):
    """Maximum over windows of ``pool_size`` (depth, rows, cols)."""

    rank = 3


class AveragePooling1D(_Pooling):
    """Average over windows of ``pool_size`` steps."""

    rank = 1
    _op = staticmethod(avg_pool)


class AveragePooling2D(_Pooling):
    """Average over windows of ``pool_size`` (rows, cols)."""

    rank = 2
    _op = staticmethod(avg_pool)


class AveragePooling3D(_Pooling):
    """Average over windows of ``pool_size`` (depth, rows, cols)."""

    rank = 3
    _op = staticmethod(avg_pool)


class _GlobalPooling(Layer):
    """A reduction over every spatial axis; ``keepdims`` keeps them with length 1."""

    rank = 2

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _data_format(self, data_format)
        self.keepdims = bool(keepdims)

    def _axes(self):
        start = 2 if self.data_format == "channels_first" else 1
        return tuple(range(start, start + self.rank))

    def compute_output_shape(self, input_shape):
        batch, _, channels = _split(self, input_shape)
        if self.keepdims:
            return _join(self, batch, (1,) * self.rank, channels)
        return (batch, channels)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


class _GlobalMax(_GlobalPooling):
    def call(self, inputs):
        _require_rank(self, tuple(inputs.shape), rank=self.rank + 2)
        return reduce_max(inputs, axis=self._axes(), keepdims=self.keepdims)


class _GlobalAverage(_GlobalPooling):
    def call(self, inputs):
        _require_rank(self, tuple(inputs.shape), rank=self.rank + 2)
        return reduce_mean(inputs, axis=self._axes(), keepdims=self.keepdims)


class GlobalMaxPooling1D(_GlobalMax):
    """Maximum over the steps: (batch, steps, channels) -> (batch, channels)."""

    rank = 1


class GlobalMaxPooling2D(_GlobalMax):
    """Maximum over rows and cols: (batch, rows, cols, channels) -> (batch, channels)."""

    rank = 2


class GlobalMaxPooling3D(_GlobalMax):
    """Maximum over depth, rows and cols -> (batch, channels)."""

    rank = 3


class GlobalAveragePooling1D(_GlobalAverage):
    """Mean over the steps (only the unmasked ones when a mask is given)."""

    rank = 1

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return super().call(inputs)
        _require_rank(self, tuple(inputs.shape), rank=3)
        axis = self._axes()[0]
        weights = cast(mask, inputs.dtype)
        weights = expand_dims(weights, 1 if self.data_format == "channels_first" else 2)
        total = reduce_sum(inputs * weights, axis=axis, keepdims=self.keepdims)
        return total / reduce_sum(weights, axis=axis, keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalAveragePooling2D(_GlobalAverage):
    """Mean over rows and cols: (batch, rows, cols, channels) -> (batch, channels)."""

    rank = 2


class GlobalAveragePooling3D(_GlobalAverage):
    """Mean over depth, rows and cols -> (batch, channels)."""

    rank = 3


# Keras aliases
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = (GlobalMaxPooling1D, GlobalMaxPooling2D,
                                                     GlobalMaxPooling3D)
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (GlobalAveragePooling1D,
                                                     GlobalAveragePooling2D,
                                                     GlobalAveragePooling3D)
