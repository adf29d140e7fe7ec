"""Weight initializers, as ``keras.initializers``.

>>> from ndflow.keras import initializers
>>> initializers.get("glorot_uniform")((4, 3)).shape
TensorShape([4, 3])

An initializer is called with a shape and an optional dtype (``floatx()`` by default)
and returns a tensor. Random initializers take a ``seed``: a seeded instance returns the
same values for the same shape every call; an unseeded one draws from ndflow's global
random state, so ``ndflow.random.set_seed`` makes a program's initial weights
reproducible.

Fan-in and fan-out follow Keras: a dense kernel ``(in, out)`` has ``fan_in = in`` and
``fan_out = out``; a convolution kernel ``(*window, in_channels, out_channels)``
multiplies both by the window's size.
"""

import math
import numbers

import numpy as np

from ndflow.backend.config import floatx
from ndflow.core.convert import convert_to_tensor
from ndflow.core.dtypes import as_dtype
from ndflow.keras.saving.object_table import Configurable, ObjectTable
from ndflow.ops import creation
from ndflow.ops import random as _random
from ndflow.ops.cast import cast

__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "IdentityInitializer",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "OrthogonalInitializer",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "compute_fans",
    "constant",
    "deserialize",
    "get",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "lecun_normal",
    "lecun_uniform",
    "ones",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "serialize",
    "truncated_normal",
    "variance_scaling",
    "zeros",
]

# The standard deviation of a standard normal truncated to [-2, 2]: dividing by it gives
# the truncated draws the variance the untruncated ones would have.
_TRUNCATED_STDDEV = 0.87962566103423978


def compute_fans(shape):
    """``(fan_in, fan_out)`` of a weight of ``shape``, as Keras computes them."""
    shape = tuple(shape)
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _shape(shape, who):
    try:
        dims = tuple(shape)
    except TypeError:
        dims = (shape,)
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, numbers.Integral) or d < 0:
            raise ValueError(f"{who}: shape must be a tuple of non-negative integers (fully "
                             f"defined), got {shape!r}")
    return tuple(int(d) for d in dims)


def _dtype(dtype, who, floating=True):
    dt = as_dtype(floatx() if dtype is None else dtype)
    if floating and not dt.is_floating:
        raise ValueError(f"{who}: dtype must be a floating-point type (float16, float32 or "
                         f"float64), got {dt.name}")
    return dt


class Initializer(Configurable):
    """Base class of initializers: ``initializer(shape, dtype=None)`` returns a tensor."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(shape, "
                                  f"dtype=None)")



    def clone(self):
        """A new initializer with the same configuration."""
        return type(self).from_config(self.get_config())



class Zeros(Initializer):
    """Fills with zeros."""

    def __call__(self, shape, dtype=None):
        return creation.zeros(_shape(shape, "Zeros"), _dtype(dtype, "Zeros", floating=False))


class Ones(Initializer):
    """Fills with ones."""

    def __call__(self, shape, dtype=None):
        return creation.ones(_shape(shape, "Ones"), _dtype(dtype, "Ones", floating=False))


class Constant(Initializer):
    """Fills with ``value`` (a scalar, or an array that broadcasts to the shape)."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dt = _dtype(dtype, "Constant", floating=False)
        return cast(convert_to_tensor(self.value), dt) * creation.ones(_shape(shape, "Constant"),
                                                                       dt)

    def get_config(self):
        value = self.value
        if hasattr(value, "tolist"):  # an array or tensor: a JSON-friendly list
            value = np.asarray(value).tolist()
        return {"value": value}


def _check_seed(seed, who):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise ValueError(f"{who}: seed must be an integer or None, got {seed!r}")
    return None if seed is None else int(seed)


# sampler -> (draw from the global random state, draw determined by a seed alone)
_SAMPLERS = {
    "normal": (_random.normal, _random.stateless_normal),
    "truncated_normal": (_random.truncated_normal, _random.stateless_truncated_normal),
    "uniform": (_random.uniform, _random.stateless_uniform),
}


class _RandomInitializer(Initializer):
    """Draws with ``seed``: per instance and repeatable when given, global state when None."""

    def __init__(self, seed=None):
        self.seed = _check_seed(seed, type(self).__name__)

    def _draw(self, sampler, shape, dtype, **params):
        stateful, stateless = _SAMPLERS[sampler]
        if self.seed is None:
            return stateful(shape, dtype=dtype, **params)
        return stateless(shape, seed=(self.seed, 0), dtype=dtype, **params)

    def get_config(self):
        return {"seed": self.seed}


class RandomNormal(_RandomInitializer):
    """Draws from a normal distribution ``N(mean, stddev**2)``."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return self._draw("normal", _shape(shape, "RandomNormal"), _dtype(dtype, "RandomNormal"),
                          mean=self.mean, stddev=self.stddev)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(_RandomInitializer):
    """Draws from ``N(mean, stddev**2)``, redrawing values more than 2 stddev from the mean."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def __call__(self, shape, dtype=None):
        return self._draw("truncated_normal", _shape(shape, "TruncatedNormal"),
                          _dtype(dtype, "TruncatedNormal"), mean=self.mean, stddev=self.stddev)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class RandomUniform(_RandomInitializer):
    """Draws from the uniform distribution on ``[minval, maxval)``."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def __call__(self, shape, dtype=None):
        return self._draw("uniform", _shape(shape, "RandomUniform"),
                          _dtype(dtype, "RandomUniform"), minval=self.minval,
                          maxval=self.maxval)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


_MODES = ("fan_in", "fan_out", "fan_avg")
_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


class VarianceScaling(_RandomInitializer):
    """Draws with variance ``scale / n``, ``n`` the fan-in, fan-out or their mean (``mode``).

    ``distribution``: 'truncated_normal' (within 2 stddev, rescaled to keep the variance),
    'untruncated_normal' or 'uniform' (on ``[-limit, limit]``, ``limit = sqrt(3 * var)``).
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None):
        super().__init__(seed)
        who = type(self).__name__
        if not isinstance(scale, numbers.Real) or not scale > 0:
            raise ValueError(f"{who}: scale must be a positive float, got {scale!r}")
        if mode not in _MODES:
            raise ValueError(f"{who}: mode must be one of {', '.join(_MODES)}; got {mode!r}")
        distribution = str(distribution).lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        if distribution not in _DISTRIBUTIONS:
            raise ValueError(f"{who}: distribution must be one of "
                             f"{', '.join(_DISTRIBUTIONS)}; got {distribution!r}")
        self.scale, self.mode, self.distribution = scale, mode, distribution

    def __call__(self, shape, dtype=None):
        who = type(self).__name__
        shape, dtype = _shape(shape, who), _dtype(dtype, who)
        fan_in, fan_out = compute_fans(shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, fan)
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * variance)
            return self._draw("uniform", shape, dtype, minval=-limit, maxval=limit)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(variance) / _TRUNCATED_STDDEV
            return self._draw("truncated_normal", shape, dtype, mean=0.0, stddev=stddev)
        return self._draw("normal", shape, dtype, mean=0.0, stddev=math.sqrt(variance))

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling preset: only the seed is configurable."""

    _preset = (1.0, "fan_in", "truncated_normal")

    def __init__(self, seed=None):
        scale, mode, distribution = self._preset
        super().__init__(scale=scale, mode=mode, distribution=distribution, seed=seed)

    def get_config(self):
        return {"seed": self.seed}


class GlorotNormal(_FixedVarianceScaling):
    """Xavier normal: truncated normal with variance ``2 / (fan_in + fan_out)``."""

    _preset = (1.0, "fan_avg", "truncated_normal")


class GlorotUniform(_FixedVarianceScaling):
    """Xavier uniform: on ``[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))``."""

    _preset = (1.0, "fan_avg", "uniform")


class HeNormal(_FixedVarianceScaling):
    """He normal: truncated normal with variance ``2 / fan_in`` (for ReLU networks)."""

    _preset = (2.0, "fan_in", "truncated_normal")


class HeUniform(_FixedVarianceScaling):
    """He uniform: on ``[-limit, limit]``, ``limit = sqrt(6 / fan_in)``."""

    _preset = (2.0, "fan_in", "uniform")


class LecunNormal(_FixedVarianceScaling):
    """LeCun normal: truncated normal with variance ``1 / fan_in`` (for SELU networks)."""

    _preset = (1.0, "fan_in", "truncated_normal")


class LecunUniform(_FixedVarianceScaling):
    """LeCun uniform: on ``[-limit, limit]``, ``limit = sqrt(3 / fan_in)``."""

    _preset = (1.0, "fan_in", "uniform")


class Orthogonal(_RandomInitializer):
    """A (semi-)orthogonal matrix times ``gain``, from the QR decomposition of normal draws.

    Shapes of rank > 2 are treated as a matrix ``(prod(shape[:-1]), shape[-1])``; its rows
    are orthonormal when it is wide, its columns when it is tall.
    """

    def __init__(self, gain=1.0, seed=None):
        super().__init__(seed)
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape, dtype = _shape(shape, "Orthogonal"), _dtype(dtype, "Orthogonal")
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: the shape to initialize must have rank 2 or more, "
                             f"got {shape}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        draws = self._draw("normal", (max(rows, cols), min(rows, cols)), "float64")
        q, r = np.linalg.qr(draws.numpy())
        q *= np.where(np.diagonal(r) < 0, -1.0, 1.0)  # makes the distribution uniform
        if rows < cols:
            q = q.T
        return convert_to_tensor((self.gain * q).reshape(shape), dtype=dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only; rectangular ones allowed)."""

    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype=None):
        shape, dtype = _shape(shape, "Identity"), _dtype(dtype, "Identity", floating=False)
        if len(shape) != 2:
            raise ValueError(f"Identity: the identity initializer only makes 2-D matrices, "
                             f"got shape {shape}")
        eye = creation.eye(shape[0], shape[1], dtype=dtype)
        return eye if self.gain == 1 else eye * cast(convert_to_tensor(self.gain), dtype)

    def get_config(self):
        return {"gain": self.gain}


OrthogonalInitializer = Orthogonal
IdentityInitializer = Identity

# Keras's lower-case aliases of the classes
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling = VarianceScaling
glorot_normal, glorot_uniform = GlorotNormal, GlorotUniform
he_normal, he_uniform = HeNormal, HeUniform
lecun_normal, lecun_uniform = LecunNormal, LecunUniform
orthogonal, identity = Orthogonal, Identity


# -- lookup by name ------------------------------------------------------------------
_CLASSES = (Zeros, Ones, Constant, RandomNormal, RandomUniform, TruncatedNormal,
            VarianceScaling, GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal,
            LecunUniform, Orthogonal, Identity)
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({
    "zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
    "random_normal": RandomNormal, "normal": RandomNormal, "random_uniform": RandomUniform,
    "uniform": RandomUniform, "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling, "glorot_normal": GlorotNormal,
    "glorot_uniform": GlorotUniform, "he_normal": HeNormal, "he_uniform": HeUniform,
    "lecun_normal": LecunNormal, "lecun_uniform": LecunUniform, "orthogonal": Orthogonal,
    "OrthogonalInitializer": Orthogonal, "orthogonal_initializer": Orthogonal,
    "identity": Identity, "IdentityInitializer": Identity, "identity_initializer": Identity,
})


_TABLE = ObjectTable("initializer", "keras.initializers", _BY_NAME, "glorot_uniform")
serialize = _TABLE.serialize
deserialize = _TABLE.deserialize
get = _TABLE.get
