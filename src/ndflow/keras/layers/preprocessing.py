"""Preprocessing layers for numbers: Rescaling and Normalization (with ``adapt``).

>>> norm = Normalization()
>>> norm.adapt(np.array([[0.0, 7.0], [2.0, 9.0]]))
>>> norm(np.array([[1.0, 8.0]])).numpy()
array([[0., 0.]], dtype=float32)
"""

import numpy as np

from ndflow.backend.config import epsilon
from ndflow.backend.xp import to_numpy
from ndflow.core.convert import convert_to_tensor
from ndflow.core.errors import InvalidArgumentError
from ndflow.core.tensor import Tensor
from ndflow.keras.layers.layer import Layer
from ndflow.ops import math as _math
from ndflow.ops.array import reshape
from ndflow.ops.cast import cast

__all__ = ["Normalization", "Rescaling"]


def _plain(value):
    """A float, or nested lists of floats, for a JSON config."""
    arr = np.asarray(to_numpy(value._value) if isinstance(value, Tensor) else value,
                     dtype=np.float64)
    return float(arr) if arr.ndim == 0 else arr.tolist()


def _as_floats(layer, value):
    """A Python float stays one (it adapts to the input's dtype); arrays become tensors."""
    if isinstance(value, float):
        return value
    return convert_to_tensor(np.asarray(value, dtype=layer.compute_dtype))


class Rescaling(Layer):
    """Multiply by ``scale`` and add ``offset``: ``Rescaling(1 / 255)`` maps pixels to [0, 1].

    Inputs of any dtype (uint8 images, say) are cast to the layer's float dtype first.
    ``scale`` and ``offset`` may be numbers or arrays broadcastable to the inputs.
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _plain(scale)
        self.offset = _plain(offset)
        self.supports_masking = True

    def build(self, input_shape):
        self._scale = _as_floats(self, self.scale)
        self._offset = _as_floats(self, self.offset)
        self.built = True

    def call(self, inputs):
        if inputs.dtype.name != self.compute_dtype:
            inputs = cast(inputs, self.compute_dtype)
        out = inputs * self._scale
        if isinstance(self._offset, float) and self._offset == 0.0:
            return out
        return out + self._offset

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}


class Normalization(Layer):
    """Shift and scale features to mean 0 and variance 1: ``(x - mean) / sqrt(variance)``.

    ``axis`` names the axes that keep their own statistics (default -1: one mean and
    variance per feature; None: one for everything); the statistics are averaged over
    all other axes. Give ``mean`` and ``variance``, or learn them with ``adapt(data)``.
    ``invert=True`` undoes the normalization: ``mean + x * sqrt(variance)``.
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, (int, np.integer)):
            axis = (int(axis),)
        else:
            axis = tuple(int(a) for a in axis)
        self.axis = axis
        if (mean is None) != (variance is None):
            raise ValueError(f"Normalization: when setting values directly, both `mean` and "
                             f"`variance` must be set; got mean={mean!r} and "
                             f"variance={variance!r}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(f"Normalization: `mean` and `variance` must have the same "
                                 f"shape, got {np.shape(mean)} and {np.shape(variance)}")
            if np.ndim(mean) > len(self.axis):
                raise ValueError(f"Normalization: `mean` of shape {np.shape(mean)} has more "
                                 f"dimensions than the kept axes axis={axis} ")
        self.input_mean = None if mean is None else _plain(mean)
        self.input_variance = None if variance is None else _plain(variance)
        self.invert = bool(invert)
        self.supports_masking = True

    # -- building ------------------------------------------------------------------------
    def build(self, input_shape):
        shape = tuple(input_shape)
        ndim = len(shape)
        if any(not -ndim <= a < ndim for a in self.axis):
            raise ValueError(f"Normalization '{self.name}': axis={self.axis} is out of range "
                             f"for inputs of shape {shape}")
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if shape[d] is None:
                raise ValueError(f"Normalization '{self.name}': the kept axes must have a "
                                 f"known size, but axis {d} of the input shape {shape} is "
                                 f"unknown (axis={self.axis})")
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._build_shape = shape
        self._broadcast_shape = tuple(shape[d] if d in self._keep_axis else 1
                                      for d in range(ndim))
        stats_shape = tuple(shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=stats_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=stats_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int64",
                                         initializer="zeros", trainable=False)
        else:
            mean = self._broadcast_given(self.input_mean)
            variance = self._broadcast_given(self.input_variance)
            self._mean = convert_to_tensor(mean.astype(self.compute_dtype))
            self._variance = convert_to_tensor(variance.astype(self.compute_dtype))
            std = np.maximum(np.sqrt(variance), epsilon())
            self._std = convert_to_tensor(std.astype(self.compute_dtype))
        self.built = True

    def _broadcast_given(self, value):
        """A given mean or variance, its dimensions laid on the kept axes from the right."""
        arr = np.asarray(value, dtype=np.float64)
        expanded = [1] * len(self._broadcast_shape)
        for i in range(1, arr.ndim + 1):
            expanded[self._keep_axis[-i]] = arr.shape[-i]
        try:
            return np.broadcast_to(arr.reshape(expanded), self._broadcast_shape)
        except ValueError:
            kept = tuple(self._broadcast_shape[d] for d in self._keep_axis)
            raise ValueError(
                f"Normalization '{self.name}': the given mean/variance of shape {arr.shape} "
                f"cannot be broadcast to the kept axes {kept} of the input shape "
                f"{self._build_shape} (axis={self.axis})") from None

    # -- adapting ------------------------------------------------------------------------
    def adapt(self, data):
        """Compute the mean and variance of ``data`` over all axes but ``axis``.

        ``data``: a NumPy array, a tensor, or an iterable of batches (a list of arrays, a
        generator, a batched dataset; ``(x, y)`` batches use ``x``). Replaces earlier
        statistics.
        """
        if self.input_mean is not None:
            raise ValueError(f"Normalization '{self.name}' was given its mean and variance, "
                             f"so there is nothing to adapt")
        batches = _batches(data)
        first = next(batches, None)
        if first is None:
            raise ValueError(f"Normalization '{self.name}'.adapt() received no data (an empty "
                             f"iterable of batches)")
        if not self.built:
            self._maybe_build(first.shape)
        total, mean, m2 = 0, None, None
        for batch in _chain(first, batches):
            self._check_adapt_shape(batch.shape)
            n = int(np.prod([batch.shape[d] for d in self._reduce_axis], dtype=np.int64))
            if n == 0 or batch.size == 0:
                continue
            b_mean = batch.mean(axis=self._reduce_axis)
            b_m2 = batch.var(axis=self._reduce_axis) * n
            if mean is None:
                total, mean, m2 = n, b_mean, b_m2
                continue
            # combine two sets' means and sums of squared deviations (Chan et al.)
            delta = b_mean - mean
            new_total = total + n
            mean = mean + delta * (n / new_total)
            m2 = m2 + b_m2 + delta ** 2 * (total * n / new_total)
            total = new_total
        if mean is None:
            raise ValueError(f"Normalization '{self.name}'.adapt() received only empty "
                             f"batches")
        np_dtype = self.adapt_mean.dtype.np_dtype
        self.adapt_mean.assign(np.asarray(mean, dtype=np_dtype))
        self.adapt_variance.assign(np.asarray(m2 / total, dtype=np_dtype))
        self.count.assign(np.asarray(total, dtype=np.int64))

    def _check_adapt_shape(self, shape):
        built = self._build_shape
        if len(shape) != len(built) or any(shape[d] != built[d] for d in self._keep_axis):
            raise ValueError(f"Normalization '{self.name}' was built for inputs of shape "
                             f"{built} (axis={self.axis}), but adapt() got data of shape "
                             f"{tuple(shape)}")

    # -- calling -------------------------------------------------------------------------
    @property
    def mean(self):
        """The mean, shaped to broadcast against the inputs (e.g. ``(1, features)``)."""
        if not self.built:
            return None
        if self.input_mean is not None:
            return self._mean
        return reshape(self.adapt_mean, self._broadcast_shape)

    @property
    def variance(self):
        """The variance, shaped to broadcast against the inputs."""
        if not self.built:
            return None
        if self.input_mean is not None:
            return self._variance
        return reshape(self.adapt_variance, self._broadcast_shape)

    def _statistics(self):
        """Mean and standard deviation, shaped to broadcast against the inputs."""
        if self.input_mean is not None:
            return self._mean, self._std
        if int(self.count.numpy()) == 0 and not self._has_statistics():
            raise ValueError(
                f"Normalization layer '{self.name}' has no mean and variance yet: call "
                f"`adapt(data)` on it before using it, or pass `mean=` and `variance=` to "
                f"the constructor")
        return self.mean, _math.maximum(_math.sqrt(self.variance), epsilon())

    def _has_statistics(self):
        """True if weights were set by hand (``set_weights``) without a sample count."""
        return bool(np.any(self.adapt_mean.numpy() != 0) or
                    np.any(self.adapt_variance.numpy() != 1))

    def _check_call_shape(self, shape):
        target = self._broadcast_shape
        extra = len(target) - len(shape)
        bad = extra > 0 and any(d != 1 for d in target[:extra])
        bad = bad or any(t != 1 and s != t for t, s in zip(target[::-1], shape[::-1]))
        if bad:
            raise InvalidArgumentError(
                f"Normalization layer '{self.name}' was built for inputs of shape "
                f"{self._build_shape} with statistics along axis={self.axis}, got inputs of "
                f"shape {tuple(shape)}")

    def call(self, inputs):
        if inputs.dtype.name != self.compute_dtype:
            inputs = cast(inputs, self.compute_dtype)
        self._check_call_shape(tuple(inputs.shape))
        mean, std = self._statistics()
        if self.invert:
            return mean + inputs * std
        return (inputs - mean) / std

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "invert": self.invert,
                "mean": self.input_mean, "variance": self.input_variance}


def _batches(data):
    """An iterator of float64 NumPy batches from an array, a tensor or an iterable."""
    if isinstance(data, Tensor):
        return iter([np.asarray(to_numpy(data._value), dtype=np.float64)])
    if isinstance(data, np.ndarray) or hasattr(data, "__array_namespace__"):
        return iter([np.asarray(to_numpy(data), dtype=np.float64)])
    if isinstance(data, (list, tuple)) and data and not any(
            hasattr(item, "shape") or isinstance(item, tuple) for item in data):
        return iter([np.asarray(data, dtype=np.float64)])  # nested lists of numbers
    if not hasattr(data, "__iter__"):
        raise TypeError(f"Normalization.adapt() takes a NumPy array, a tensor or an iterable "
                        f"of batches, got {type(data).__name__}")
    return (_batch_array(b) for b in data)


def _batch_array(batch):
    if isinstance(batch, tuple):  # (x, y) or (x, y, sample_weight): statistics of x
        batch = batch[0]
    if isinstance(batch, Tensor):
        batch = to_numpy(batch._value)
    return np.asarray(to_numpy(batch) if hasattr(batch, "__array_namespace__") else batch,
                      dtype=np.float64)


def _chain(first, rest):
    yield first
    yield from rest
