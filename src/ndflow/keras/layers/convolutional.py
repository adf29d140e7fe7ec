"""Convolution layers: Conv1D/2D/3D, their transposes, DepthwiseConv1D/2D, SeparableConv1D/2D.

Kernels are shaped as in Keras: ``(*kernel_size, in_channels // groups, filters)`` for a
convolution, ``(*kernel_size, filters, in_channels)`` for a transposed one. The math runs
channels last; ``data_format='channels_first'`` transposes in and out. A convolution, its
bias and a relu/tanh activation are one recorded op (``ndflow.ops.conv.fused_conv``).
"""

import numbers

from ndflow.autodiff.engine_ops import reshape
from ndflow.core.errors import InvalidArgumentError
from ndflow.keras import activations, constraints, initializers, regularizers
from ndflow.keras.layers.layer import Layer
from ndflow.keras.layers.reshaping import _data_format, _require_rank
from ndflow.ops.array import transpose
from ndflow.ops.conv import conv_transpose, fused_conv
from ndflow.ops.math import add

_FUSED = {activations.linear: "linear", activations.relu: "relu", activations.tanh: "tanh"}


def normalize_tuple(value, rank, name, layer, allow_zero=False):
    """An int or ``rank`` ints as a tuple of ``rank`` positive ints (Keras's check)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        values = (int(value),) * rank
    else:
        try:
            values = tuple(int(v) for v in value)
        except (TypeError, ValueError):
            values = ()
        if len(values) != rank:
            raise ValueError(f"{type(layer).__name__}: the `{name}` argument must be a tuple "
                             f"of {rank} integers. Received {name}={value!r}")
    low = 0 if allow_zero else 1
    if any(v < low for v in values):
        raise ValueError(f"{type(layer).__name__}: the `{name}` argument must be "
                         f"{'non-negative' if allow_zero else 'positive'} integers. Received "
                         f"{name}={value!r}")
    return values


def normalize_padding(layer, padding, allowed=("valid", "same")):
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode not in allowed:
        raise ValueError(f"{type(layer).__name__}: the `padding` argument must be one of "
                         f"{allowed}. Received: padding={padding!r}")
    return mode


def conv_output_length(n, k, padding, stride, dilation=1):
    """Length of a convolution's output along one axis (None stays None)."""
    if n is None:
        return None
    eff = (k - 1) * dilation + 1
    if padding == "valid":
        return max((n - eff) // stride + 1, 0)
    return -(-n // stride)  # same, causal


def deconv_output_length(n, k, padding, stride, dilation=1, output_padding=None):
    """Length of a transposed convolution's output along one axis (as Keras)."""
    if n is None:
        return None
    eff = (k - 1) * dilation + 1
    if output_padding is None:
        return n * stride + max(eff - stride, 0) if padding == "valid" else n * stride
    pad = 0 if padding == "valid" else eff // 2
    return (n - 1) * stride + eff - 2 * pad + output_padding


def _to_last(layer, x):
    if layer.data_format != "channels_first":
        return x
    r = len(x.shape)
    return transpose(x, (0, *range(2, r), 1))


def _to_first(layer, y):
    if layer.data_format != "channels_first":
        return y
    r = len(y.shape)
    return transpose(y, (0, r - 1, *range(1, r - 1)))


def _split(layer, shape):
    """(batch, spatial dims, channels) of an input shape in the layer's data format."""
    shape = tuple(shape)
    _require_rank(layer, shape, rank=layer.rank + 2)
    if layer.data_format == "channels_first":
        return shape[0], shape[2:], shape[1]
    return shape[0], shape[1:-1], shape[-1]


def _join(layer, batch, spatial, channels):
    if layer.data_format == "channels_first":
        return (batch, channels, *spatial)
    return (batch, *spatial, channels)


def _channels(layer, shape):
    channels = _split(layer, shape)[2]
    if channels is None:
        raise ValueError(f"{type(layer).__name__} '{layer.name}': the channel dimension of the "
                         f"inputs must be known, got input shape {tuple(shape)}")
    return channels


def _check_channels(layer, x, expected, inputs):
    got = x._value.shape[-1]
    if got != expected:
        raise InvalidArgumentError(
            f"Layer '{layer.name}' expects {expected} input channels, got {got} (input shape "
            f"{tuple(inputs.shape)}, data_format={layer.data_format!r})")


# The (attribute suffix, lookup module) of each per-weight argument, in Keras's config order.
_WEIGHT_ARGS = (("initializer", initializers), ("regularizer", regularizers),
                ("constraint", constraints))


class _BaseConv(Layer):
    """Argument handling, weights and output shapes shared by the convolution layers.

    A weight's arguments live in ``<prefix>_initializer``, ``<prefix>_regularizer`` and
    ``<prefix>_constraint`` (prefix ``kernel``, ``depthwise``, ``pointwise`` or ``bias``).
    """

    rank = 2

    def _positive_int(self, name, value):
        if not isinstance(value, numbers.Integral) or value <= 0:
            raise ValueError(f"{type(self).__name__}: invalid value for argument `{name}`. "
                             f"Expected a strictly positive value. Received {name}={value!r}.")
        return int(value)

    def _set_window(self, kernel_size, strides, dilation_rate, padding,
                    paddings=("valid", "same")):
        r = self.rank
        self.kernel_size = normalize_tuple(kernel_size, r, "kernel_size", self)
        self.strides = normalize_tuple(strides, r, "strides", self)
        self.dilation_rate = normalize_tuple(dilation_rate, r, "dilation_rate", self)
        self.padding = normalize_padding(self, padding, paddings)

    def _set_activation_and_weight_args(self, activation, use_bias, **weights):
        """``weights``: prefix -> (initializer, regularizer, constraint) as given by the user."""
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        for i, (suffix, module) in enumerate(_WEIGHT_ARGS):
            for prefix, args in weights.items():
                setattr(self, f"{prefix}_{suffix}", module.get(args[i]))

    def _window_config(self):
        """The sliding-window arguments every convolution's config holds."""
        return {"kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate}

    def _activation_and_weight_config(self, *prefixes):
        config = {"activation": activations.serialize(self.activation),
                  "use_bias": self.use_bias}
        for suffix, module in _WEIGHT_ARGS:
            for prefix in prefixes:
                key = f"{prefix}_{suffix}"
                config[key] = module.serialize(getattr(self, key))
        return config

    def _add_conv_weight(self, name, shape, prefix):
        return self.add_weight(shape=shape, name=name,
                               initializer=getattr(self, f"{prefix}_initializer"),
                               regularizer=getattr(self, f"{prefix}_regularizer"),
                               constraint=getattr(self, f"{prefix}_constraint"))

    def _add_bias(self, units):
        self.bias = self._add_conv_weight("bias", (units,), "bias") if self.use_bias else None

    def _depthwise_kernel(self, kernel, x, inputs):
        """``kernel`` (..., channels, depth_multiplier) as a grouped-conv kernel, and channels."""
        channels = kernel._value.shape[-2]
        _check_channels(self, x, channels, inputs)
        return reshape(kernel, (*self.kernel_size, 1, channels * self.depth_multiplier)), channels

    def _activated_conv(self, x, kernel, *conv_args):
        """``fused_conv`` with the layer's bias and activation (fused when it can be)."""
        fused = _FUSED.get(self.activation)
        y = fused_conv(x, kernel, self.bias, fused or "linear", *conv_args)
        return y if fused else self.activation(y)

    def _conv_spatial_out(self, spatial):
        return [conv_output_length(n, k, self.padding, s, d) for n, k, s, d in
                zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]


class _Conv(_BaseConv):
    """The N-d convolution shared by Conv1D, Conv2D and Conv3D."""

    rank = 2
    _paddings = ("valid", "same")

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        name = type(self).__name__
        self.filters = self._positive_int("filters", filters)
        self.groups = int(groups)
        if self.groups <= 0 or self.filters % self.groups:
            raise ValueError(f"{name}: the number of filters must be evenly divisible by the "
                             f"number of groups. Received: groups={groups}, filters={filters}.")
        self._set_window(kernel_size, strides, dilation_rate, padding, self._paddings)
        self.data_format = _data_format(self, data_format)
        if self.padding == "causal" and self.data_format == "channels_first":
            raise ValueError(f"{name}: causal padding is only supported with "
                             "data_format='channels_last'")
        self._set_activation_and_weight_args(
            activation, use_bias,
            kernel=(kernel_initializer, kernel_regularizer, kernel_constraint),
            bias=(bias_initializer, bias_regularizer, bias_constraint))

    def build(self, input_shape):
        channels = _channels(self, input_shape)
        if channels % self.groups:
            raise ValueError(f"{type(self).__name__} '{self.name}': the number of input "
                             f"channels must be evenly divisible by the number of groups. "
                             f"Received groups={self.groups}, but the input has {channels} "
                             f"channels (full input shape is {tuple(input_shape)}).")
        self.kernel = self._add_conv_weight(
            "kernel", (*self.kernel_size, channels // self.groups, self.filters), "kernel")
        self._add_bias(self.filters)
        self.built = True

    def _padding_arg(self):
        if self.padding == "causal":
            return ((self.dilation_rate[0] * (self.kernel_size[0] - 1), 0),)
        return self.padding.upper()

    def call(self, inputs):
        _require_rank(self, tuple(inputs.shape), rank=self.rank + 2)
        x = _to_last(self, inputs)
        _check_channels(self, x, self.kernel._value.shape[-2] * self.groups, inputs)
        y = self._activated_conv(x, self.kernel, self.strides, self._padding_arg(),
                                 self.dilation_rate, self.groups)
        return _to_first(self, y)

    def compute_output_shape(self, input_shape):
        batch, spatial, _ = _split(self, input_shape)
        return _join(self, batch, self._conv_spatial_out(spatial), self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            **self._window_config(),
            "filters": self.filters,
            "groups": self.groups,
            **self._activation_and_weight_config("kernel", "bias"),
        }


class Conv1D(_Conv):
    """1-D convolution over (batch, steps, channels); ``padding='causal'`` looks back only.

    >>> Conv1D(8, 3, activation="relu")
    """

    rank = 1
    _paddings = ("valid", "same", "causal")


class Conv2D(_Conv):
    """2-D convolution over (batch, rows, cols, channels).

    >>> Conv2D(16, (3, 3), padding="same", activation="relu")
    """

    rank = 2


class Conv3D(_Conv):
    """3-D convolution over (batch, depth, rows, cols, channels)."""

    rank = 3


class _ConvTranspose(_BaseConv):
    """The N-d transposed convolution shared by Conv1DTranspose/2D/3D."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = self._positive_int("filters", filters)
        self._set_window(kernel_size, strides, dilation_rate, padding)
        self.output_padding = None
        if output_padding is not None:
            self.output_padding = normalize_tuple(output_padding, self.rank, "output_padding",
                                                  self, allow_zero=True)
            for p, s in zip(self.output_padding, self.strides):
                if p >= s:
                    raise ValueError(f"{type(self).__name__}: strides {self.strides} must be "
                                     f"greater than output padding {self.output_padding}")
        self.data_format = _data_format(self, data_format)
        self._set_activation_and_weight_args(
            activation, use_bias,
            kernel=(kernel_initializer, kernel_regularizer, kernel_constraint),
            bias=(bias_initializer, bias_regularizer, bias_constraint))

    def build(self, input_shape):
        channels = _channels(self, input_shape)
        self.kernel = self._add_conv_weight(
            "kernel", (*self.kernel_size, self.filters, channels), "kernel")
        self._add_bias(self.filters)
        self.built = True
    def _spatial_out(self, spatial):
        pads = self.output_padding or (None,) * self.rank
        return [deconv_output_length(n, k, self.padding, s, d, p) for n, k, s, d, p in
                zip(spatial, self.kernel_size, self.strides, self.dilation_rate, pads)]

    def call(self, inputs):
        _require_rank(self, tuple(inputs.shape), rank=self.rank + 2)
        x = _to_last(self, inputs)
        _check_channels(self, x, self.kernel._value.shape[-1], inputs)
        shape = x._value.shape
        out_shape = (shape[0], *self._spatial_out(shape[1:-1]), self.filters)
        y = conv_transpose(x, self.kernel, out_shape, self.strides, self.padding.upper(),
                           dilations=self.dilation_rate)
        if self.bias is not None:
            y = add(y, self.bias)
        return _to_first(self, self.activation(y))

    def compute_output_shape(self, input_shape):
        batch, spatial, _ = _split(self, input_shape)
        return _join(self, batch, self._spatial_out(spatial), self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            **self._window_config(),
            "filters": self.filters,
            "output_padding": self.output_padding,
            **self._activation_and_weight_config("kernel", "bias"),
        }


class Conv1DTranspose(_ConvTranspose):
    """1-D transposed convolution: kernel (kernel_size, filters, in_channels)."""

    rank = 1


class Conv2DTranspose(_ConvTranspose):
    """2-D transposed convolution (upsampling): kernel (kh, kw, filters, in_channels).

    >>> Conv2DTranspose(8, 3, strides=2, padding="same")
    """

    rank = 2


class Conv3DTranspose(_ConvTranspose):
    """3-D transposed convolution: kernel (kd, kh, kw, filters, in_channels)."""

    rank = 3



class _DepthwiseConv(_BaseConv):
    """Each input channel convolved with its own ``depth_multiplier`` filters."""

    rank = 2

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.depth_multiplier = self._positive_int("depth_multiplier", depth_multiplier)
        self._set_window(kernel_size, strides, dilation_rate, padding)
        self.data_format = _data_format(self, data_format)
        self._set_activation_and_weight_args(
            activation, use_bias,
            depthwise=(depthwise_initializer, depthwise_regularizer, depthwise_constraint),
            bias=(bias_initializer, bias_regularizer, bias_constraint))

    def build(self, input_shape):
        channels = _channels(self, input_shape)
        self.kernel = self._add_conv_weight(
            "kernel", (*self.kernel_size, channels, self.depth_multiplier), "depthwise")
        self._add_bias(channels * self.depth_multiplier)
        self.built = True

    def call(self, inputs):
        _require_rank(self, tuple(inputs.shape), rank=self.rank + 2)
        x = _to_last(self, inputs)
        kernel, channels = self._depthwise_kernel(self.kernel, x, inputs)
        y = self._activated_conv(x, kernel, self.strides, self.padding.upper(),
                                 self.dilation_rate, channels)
        return _to_first(self, y)

    def compute_output_shape(self, input_shape):
        batch, spatial, channels = _split(self, input_shape)
        return _join(self, batch, self._conv_spatial_out(spatial), None if channels is None
                     else channels * self.depth_multiplier)

    def get_config(self):
        return {
            **super().get_config(),
            **self._window_config(),
            "depth_multiplier": self.depth_multiplier,
            **self._activation_and_weight_config("depthwise", "bias"),
        }


class DepthwiseConv1D(_DepthwiseConv):
    """1-D depthwise convolution: kernel (kernel_size, in_channels, depth_multiplier)."""

    rank = 1


class DepthwiseConv2D(_DepthwiseConv):
    """2-D depthwise convolution: kernel (kh, kw, in_channels, depth_multiplier)."""

    rank = 2


class _SeparableConv(_BaseConv):
    """A depthwise convolution, then a 1x1 convolution mixing the channels into ``filters``."""

    rank = 2

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.filters = self._positive_int("filters", filters)
        self.depth_multiplier = self._positive_int("depth_multiplier", depth_multiplier)
        self._set_window(kernel_size, strides, dilation_rate, padding)
        self.data_format = _data_format(self, data_format)
        self._set_activation_and_weight_args(
            activation, use_bias,
            depthwise=(depthwise_initializer, depthwise_regularizer, depthwise_constraint),
            pointwise=(pointwise_initializer, pointwise_regularizer, pointwise_constraint),
            bias=(bias_initializer, bias_regularizer, bias_constraint))

    def build(self, input_shape):
        channels = _channels(self, input_shape)
        self.depthwise_kernel = self._add_conv_weight(
            "depthwise_kernel", (*self.kernel_size, channels, self.depth_multiplier), "depthwise")
        self.pointwise_kernel = self._add_conv_weight(
            "pointwise_kernel", (*(1,) * self.rank, channels * self.depth_multiplier,
                                 self.filters), "pointwise")
        self._add_bias(self.filters)
        self.built = True

    def call(self, inputs):
        _require_rank(self, tuple(inputs.shape), rank=self.rank + 2)
        x = _to_last(self, inputs)
        depthwise, channels = self._depthwise_kernel(self.depthwise_kernel, x, inputs)
        y = fused_conv(x, depthwise, None, "linear", self.strides, self.padding.upper(),
                       self.dilation_rate, channels)
        return _to_first(self, self._activated_conv(y, self.pointwise_kernel))

    def compute_output_shape(self, input_shape):
        batch, spatial, _ = _split(self, input_shape)
        return _join(self, batch, self._conv_spatial_out(spatial), self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            **self._window_config(),
            "filters": self.filters,
            "depth_multiplier": self.depth_multiplier,
            **self._activation_and_weight_config("depthwise", "pointwise", "bias"),
        }


class SeparableConv1D(_SeparableConv):
    """1-D separable convolution (depthwise, then pointwise)."""

    rank = 1


class SeparableConv2D(_SeparableConv):
    """2-D separable convolution (depthwise, then pointwise)."""

    rank = 2


# Keras aliases
Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
Convolution2DTranspose, Convolution3DTranspose = Conv2DTranspose, Conv3DTranspose
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
