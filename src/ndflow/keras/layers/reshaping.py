"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector.

They rearrange the dimensions after the batch dimension, which they never touch.
"""

import math
import numbers

from ndflow.core.errors import InvalidArgumentError
from ndflow.keras.backend import image_data_format
from ndflow.keras.layers.layer import Layer
from ndflow.ops.array import expand_dims, reshape, tile, transpose

_DATA_FORMATS = ("channels_first", "channels_last")


def _data_format(layer, value):
    """Validate ``data_format``; None is ``keras.backend.image_data_format()``."""
    if value is None:
        return image_data_format()
    fmt = value.lower() if isinstance(value, str) else value
    if fmt not in _DATA_FORMATS:
        raise ValueError(f"{type(layer).__name__}: the `data_format` argument must be one of "
                         f"{{'channels_first', 'channels_last'}}. Received: "
                         f"data_format={value!r}")
    return fmt


def _require_rank(layer, shape, rank=None, min_rank=None, why=""):
    """Raise the error Keras gives when an input's rank does not fit the layer."""
    ndim = len(shape)
    if (rank is not None and ndim != rank) or (min_rank is not None and ndim < min_rank):
        expected = f"ndim={rank}" if rank is not None else f"min_ndim={min_rank}"
        raise InvalidArgumentError(
            f"Input 0 of layer '{layer.name}' is incompatible with the layer: expected "
            f"{expected}, found ndim={ndim}. Full shape received: {_fmt(shape)}{why}")


def _fmt(shape):
    dims = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({dims},)" if len(shape) == 1 else f"({dims})"


class Flatten(Layer):
    """Flatten each sample to one dimension: ``(batch, 4, 5) -> (batch, 20)``.

    With ``data_format='channels_first'`` the channels axis (axis 1) is moved last before
    flattening, so the result matches a channels-last model's.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = _data_format(self, data_format)

    def call(self, inputs):
        shape = tuple(inputs.shape)
        _require_rank(self, shape, min_rank=1)
        rank = len(shape)
        if self.data_format == "channels_first" and rank > 2:
            inputs = transpose(inputs, (0, *range(2, rank), 1))
        return reshape(inputs, (shape[0], math.prod(shape[1:])))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        _require_rank(self, input_shape, min_rank=1)
        rest = input_shape[1:]
        size = None if any(d is None for d in rest) else math.prod(rest)
        return (input_shape[0], size)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


def _target_shape(value):
    """``target_shape`` as a tuple of positive ints with at most one -1, or None if not."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,)
    try:
        dims = tuple(value)
    except TypeError:
        return None
    ok = all(isinstance(d, numbers.Integral) and not isinstance(d, bool) and (d > 0 or d == -1)
             for d in dims)
    if not ok or sum(d == -1 for d in dims) > 1:
        return None
    return tuple(int(d) for d in dims)


class Reshape(Layer):
    """Reshape each sample to ``target_shape`` (one entry may be -1, inferred).

    >>> Reshape((3, 4))  # (batch, 12) -> (batch, 3, 4)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        dims = _target_shape(target_shape)
        if dims is None:
            raise ValueError(f"Reshape '{self.name}': target_shape must be a tuple of positive "
                             f"integers with at most one -1 (the size to infer), got "
                             f"{target_shape!r}")
        self.target_shape = dims

    def _resolve(self, input_shape):
        """The output shape after the batch dimension (None where it can't be known yet)."""
        rest = tuple(input_shape)[1:]
        known = math.prod(d for d in self.target_shape if d != -1)
        if any(d is None for d in rest):
            return tuple(None if d == -1 else d for d in self.target_shape)
        size = math.prod(rest)
        if -1 in self.target_shape:
            if size % known:
                raise InvalidArgumentError(
                    f"Reshape '{self.name}': cannot reshape an input of shape "
                    f"{_fmt(input_shape)} ({size} values per sample) to target_shape "
                    f"{_fmt(self.target_shape)}: {size} is not a multiple of {known}")
            return tuple(size // known if d == -1 else d for d in self.target_shape)
        if known != size:
            raise InvalidArgumentError(
                f"Reshape '{self.name}': the total size of the input must be unchanged, but an "
                f"input of shape {_fmt(input_shape)} has {size} values per sample and "
                f"target_shape {_fmt(self.target_shape)} has {known}")
        return self.target_shape

    def call(self, inputs):
        shape = tuple(inputs.shape)
        _require_rank(self, shape, min_rank=1)
        return reshape(inputs, (shape[0], *self._resolve(shape)))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        _require_rank(self, input_shape, min_rank=1)
        return (input_shape[0], *self._resolve(input_shape))

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class Permute(Layer):
    """Permute the non-batch dimensions; ``dims`` counts from 1, as in Keras.

    >>> Permute((2, 1))  # (batch, 10, 64) -> (batch, 64, 10)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        try:
            given = tuple(int(d) for d in dims)
        except (TypeError, ValueError):
            given = None
        if given is None or sorted(given) != list(range(1, len(given) + 1)):
            raise ValueError(f"Permute '{self.name}': invalid permutation argument `dims`: the "
                             f"indices must be consecutive and start from 1 (the batch "
                             f"dimension is 0 and stays first). Received dims={dims!r}")
        self.dims = given
        self.supports_masking = True

    def _check(self, shape):
        _require_rank(self, shape, rank=len(self.dims) + 1,
                      why=f" (dims={self.dims} permutes {len(self.dims)} dimensions after the "
                          f"batch dimension)")

    def call(self, inputs):
        self._check(tuple(inputs.shape))
        return transpose(inputs, (0, *self.dims))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        self._check(input_shape)
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}


class RepeatVector(Layer):
    """Repeat each sample vector ``n`` times: ``(batch, features) -> (batch, n, features)``."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, numbers.Integral):
            raise TypeError(f"RepeatVector '{self.name}': expected an integer value for `n`, "
                            f"got {n!r} (type {type(n).__name__})")
        if n < 0:
            raise ValueError(f"RepeatVector '{self.name}': `n` must be non-negative, got {n}")
        self.n = int(n)

    def call(self, inputs):
        _require_rank(self, tuple(inputs.shape), rank=2)
        return tile(expand_dims(inputs, 1), (1, self.n, 1))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        _require_rank(self, input_shape, rank=2)
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
