"""Spatial layers: UpSampling, ZeroPadding, Cropping (1D, 2D, 3D) and SpatialDropout.

They act on the spatial axes of ``(batch, *spatial, channels)`` inputs
(``(batch, channels, *spatial)`` with ``data_format='channels_first'``) and leave the
batch and channel axes alone; SpatialDropout drops whole channels at once.
"""

import numbers

import numpy as np

from ndflow.keras.layers.layer import Layer
from ndflow.keras.layers.regularization import Dropout
from ndflow.keras.layers.reshaping import _data_format, _fmt, _require_rank
from ndflow.ops.array import pad, repeat
from ndflow.ops.linalg import einsum

_LETTERS = "defghijk"  # spatial axes in einsum equations (a, b, c, z: the rest)


def _int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _int_tuple(layer, name, value, n, minimum):
    """``value`` (an int, or ``n`` ints) as a tuple of ``n`` ints >= ``minimum``."""
    dims = (value,) * n if _int(value) else tuple(value) if isinstance(value, (list, tuple)) \
        else None
    if dims is None or len(dims) != n or not all(_int(d) and d >= minimum for d in dims):
        raise ValueError(f"{type(layer).__name__} '{layer.name}': `{name}` must be an integer "
                         f"or a tuple of {n} integers >= {minimum}. Received: {name}={value!r}")
    return tuple(int(d) for d in dims)


def _pairs(layer, name, value, n):
    """A padding or cropping spec as ``n`` (before, after) pairs of non-negative ints.

    Forms, as Keras: an int (the same everywhere); for one axis a pair ``(before, after)``;
    for ``n`` axes ``n`` entries, each an int (symmetric) or a pair.
    """
    def bad():
        one = "(before, after)" if n == 1 else f"a tuple of {n} ints or of {n} " \
                                               f"(before, after) pairs"
        return ValueError(f"{type(layer).__name__} '{layer.name}': `{name}` must be a "
                          f"non-negative int or {one}. Received: {name}={value!r}")

    if _int(value):
        pairs = ((value, value),) * n
    elif not isinstance(value, (list, tuple)):
        raise bad()
    elif n == 1:
        pairs = (tuple(value),)
    elif len(value) == n:
        pairs = tuple((v, v) if _int(v) else tuple(v) if isinstance(v, (list, tuple)) else ()
                      for v in value)
    else:
        raise bad()
    if not all(len(p) == 2 and all(_int(d) and d >= 0 for d in p) for p in pairs):
        raise bad()
    return tuple((int(a), int(b)) for a, b in pairs)


class _Spatial(Layer):
    """A layer on ``rank`` spatial axes; channels last or first."""

    rank = 1

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _data_format(self, data_format)

    def _spatial_axes(self):
        first = 2 if self.data_format == "channels_first" else 1
        return tuple(range(first, first + self.rank))

    def _check_rank(self, shape):
        _require_rank(self, shape, rank=self.rank + 2)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


# -- UpSampling ------------------------------------------------------------------------
def _bilinear_matrix(n_in, factor, dtype):
    """Rows of weights that resample ``n_in`` samples to ``n_in * factor`` (half-pixel
    centres, edges clamped: each output sample mixes its two nearest inputs)."""
    n_out = n_in * factor
    src = np.maximum((np.arange(n_out) + 0.5) / factor - 0.5, 0.0)
    lo = np.floor(src).astype(np.int64)
    hi = np.minimum(lo + 1, n_in - 1)
    w = src - lo
    m = np.zeros((n_out, n_in))
    np.add.at(m, (np.arange(n_out), lo), 1 - w)
    np.add.at(m, (np.arange(n_out), hi), w)
    return m.astype(dtype)


class _UpSampling(_Spatial):
    _INTERPOLATIONS = ("nearest",)

    def __init__(self, size, data_format=None, interpolation="nearest", **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.size = _int_tuple(self, "size", size, self.rank, 1)
        if interpolation not in self._INTERPOLATIONS:
            raise ValueError(f"{type(self).__name__} '{self.name}': `interpolation` must be "
                             f"one of {self._INTERPOLATIONS}. Received: "
                             f"interpolation={interpolation!r}")
        self.interpolation = interpolation

    def call(self, inputs):
        self._check_rank(tuple(inputs.shape))
        if self.interpolation == "bilinear":
            return self._bilinear(inputs)
        for axis, s in zip(self._spatial_axes(), self.size):
            if s != 1:
                inputs = repeat(inputs, s, axis=axis)
        return inputs

    def _bilinear(self, x):
        """Resample one spatial axis at a time: a matrix product along it."""
        letters = "abc" + _LETTERS[:x.ndim - 3]
        for axis, s in zip(self._spatial_axes(), self.size):
            if s == 1:
                continue
            m = _bilinear_matrix(x._value.shape[axis], s, x._value.dtype)
            out = letters[:axis] + "z" + letters[axis + 1:]
            x = einsum(f"z{letters[axis]},{letters}->{out}", m, x)
        return x

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        self._check_rank(tuple(shape))
        for axis, s in zip(self._spatial_axes(), self.size):
            shape[axis] = None if shape[axis] is None else shape[axis] * s
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "size": list(self.size)}


class UpSampling1D(_UpSampling):
    """Repeat each step ``size`` times: ``(batch, steps, features) -> (batch, steps * size,
    features)``."""

    rank = 1

    def __init__(self, size=2, **kwargs):
        super().__init__(size, data_format="channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["data_format"]
        config["size"] = self.size[0]
        return config


class UpSampling2D(_UpSampling):
    """Enlarge images ``size = (rows, cols)`` times, by repeating pixels
    (``interpolation='nearest'``) or interpolating them (``'bilinear'``)."""

    rank = 2
    _INTERPOLATIONS = ("nearest", "bilinear")

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(size, data_format=data_format, interpolation=interpolation, **kwargs)

    def get_config(self):
        return {**super().get_config(), "interpolation": self.interpolation}


class UpSampling3D(_UpSampling):
    """Enlarge volumes ``size = (d1, d2, d3)`` times by repeating voxels."""

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size, data_format=data_format, **kwargs)


# -- ZeroPadding -----------------------------------------------------------------------
class _ZeroPadding(_Spatial):
    def __init__(self, padding, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.padding = _pairs(self, "padding", padding, self.rank)

    def _full(self):
        pads = [(0, 0)] * (self.rank + 2)
        for axis, p in zip(self._spatial_axes(), self.padding):
            pads[axis] = p
        return pads

    def call(self, inputs):
        self._check_rank(tuple(inputs.shape))
        return pad(inputs, self._full())

    def compute_output_shape(self, input_shape):
        self._check_rank(tuple(input_shape))
        return tuple(None if d is None else d + a + b
                     for d, (a, b) in zip(input_shape, self._full()))

    def get_config(self):
        return {**super().get_config(), "padding": [list(p) for p in self.padding]}


class ZeroPadding1D(_ZeroPadding):
    """Add zeros at the start and end of the steps axis: ``padding`` is an int or
    ``(start, end)``."""

    rank = 1

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(padding, data_format=data_format, **kwargs)

    def get_config(self):
        return {**super().get_config(), "padding": list(self.padding[0])}


class ZeroPadding2D(_ZeroPadding):
    """Add rows and columns of zeros around images: ``padding`` is an int, ``(rows, cols)``
    (symmetric) or ``((top, bottom), (left, right))``."""

    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(padding, data_format=data_format, **kwargs)


class ZeroPadding3D(_ZeroPadding):
    """Add zeros around volumes: an int, three ints or three (before, after) pairs."""

    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(padding, data_format=data_format, **kwargs)


# -- Cropping --------------------------------------------------------------------------
class _Cropping(_Spatial):
    def __init__(self, cropping, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.cropping = _pairs(self, "cropping", cropping, self.rank)

    def _check(self, shape):
        self._check_rank(shape)
        for axis, (a, b) in zip(self._spatial_axes(), self.cropping):
            if shape[axis] is not None and a + b >= shape[axis]:
                raise ValueError(
                    f"{type(self).__name__} '{self.name}': `cropping` must leave something "
                    f"of each cropped axis, but it removes {a} + {b} of the {shape[axis]} "
                    f"entries of axis {axis}. Received: input_shape={_fmt(shape)}, "
                    f"cropping={self.cropping}")

    def call(self, inputs):
        shape = tuple(inputs.shape)
        self._check(shape)
        key = [slice(None)] * len(shape)
        for axis, (a, b) in zip(self._spatial_axes(), self.cropping):
            key[axis] = slice(a, shape[axis] - b)
        return inputs[tuple(key)]

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        self._check(tuple(shape))
        for axis, (a, b) in zip(self._spatial_axes(), self.cropping):
            shape[axis] = None if shape[axis] is None else shape[axis] - a - b
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "cropping": [list(p) for p in self.cropping]}


class Cropping1D(_Cropping):
    """Remove steps at the start and end: ``cropping = (start, end)`` (or one int)."""

    rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping, data_format="channels_last", **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["data_format"]
        config["cropping"] = list(self.cropping[0])
        return config


class Cropping2D(_Cropping):
    """Remove rows and columns at the borders: an int, ``(rows, cols)`` (symmetric) or
    ``((top, bottom), (left, right))``."""

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping, data_format=data_format, **kwargs)


class Cropping3D(_Cropping):
    """Remove slices at the borders of volumes: an int, three ints or three pairs."""

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping, data_format=data_format, **kwargs)


# -- SpatialDropout --------------------------------------------------------------------
class _SpatialDropout(Dropout):
    """Dropout of whole channels: one keep/drop decision per sample and channel."""

    rank = 1

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, seed=seed, **kwargs)
        self.data_format = _data_format(self, data_format)

    def call(self, inputs, training=None):
        _require_rank(self, tuple(inputs.shape), rank=self.rank + 2)
        return super().call(inputs, training=training)

    def _noise_shape(self, shape):
        if self.data_format == "channels_first":
            return (shape[0], shape[1]) + (1,) * self.rank
        return (shape[0],) + (1,) * self.rank + (shape[-1],)

    def compute_output_shape(self, input_shape):
        _require_rank(self, tuple(input_shape), rank=self.rank + 2)
        return tuple(input_shape)

    def get_config(self):
        config = super().get_config()
        del config["noise_shape"]
        return {**config, "data_format": self.data_format}


class SpatialDropout1D(_SpatialDropout):
    """Drop whole feature maps of ``(batch, steps, channels)`` inputs during training.

    >>> SpatialDropout1D(0.2)(x, training=True)
    """

    rank = 1

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(rate, data_format="channels_last", seed=seed, **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["data_format"]
        return config


class SpatialDropout2D(_SpatialDropout):
    """Drop whole channels of images during training (scaling the rest by 1 / (1 - rate))."""

    rank = 2

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, data_format=data_format, seed=seed, **kwargs)


class SpatialDropout3D(_SpatialDropout):
    """Drop whole channels of volumes during training."""

    rank = 3

    def __init__(self, rate, data_format=None, seed=None, **kwargs):
        super().__init__(rate, data_format=data_format, seed=seed, **kwargs)
