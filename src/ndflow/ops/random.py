"""Random tensors with TensorFlow's seeding rules (the random state is backend/rng.py).

>>> import ndflow as tf
>>> tf.random.set_seed(42)
>>> a = tf.random.normal([2, 3])
>>> tf.random.set_seed(42)
>>> bool(tf.reduce_all(a == tf.random.normal([2, 3])))
True

Every draw is a primitive without gradient rules, so a traced graph replays the draw
(fresh values on each run) instead of freezing one sample as a constant. ``mean``,
``stddev``, ``minval`` and ``maxval`` given as tensors are applied with ordinary ops, so
gradients flow to them (the reparameterization trick), as in TensorFlow.
"""

import numbers

import numpy as np

from ndflow.autodiff.primitive import bind, primitive
from ndflow.backend import rng
from ndflow.backend.rng import set_seed
from ndflow.backend.xp import to_numpy
from ndflow.core.convert import convert_to_tensor
from ndflow.core.dtypes import as_dtype, float32, int64, to_np_dtype
from ndflow.core.errors import InvalidArgumentError, InvalidTypeError
from ndflow.core.tensor import Tensor, wrap
from ndflow.ops._operands import as_tensor

__all__ = [
    "Generator",
    "categorical",
    "get_global_generator",
    "normal",
    "set_global_generator",
    "set_seed",
    "shuffle",
    "stateless_categorical",
    "stateless_normal",
    "stateless_truncated_normal",
    "stateless_uniform",
    "truncated_normal",
    "uniform",
]


# -- arguments -----------------------------------------------------------------------
def _shape(shape, op):
    """Normalize a shape (list, tuple, TensorShape, int or 1-D integer tensor) to a tuple."""
    if isinstance(shape, Tensor):
        value = shape._value
        if value.ndim > 1 or value.dtype.kind not in "iu":
            raise InvalidArgumentError(f"{op}: shape must be a 1-D integer tensor, got shape "
                                       f"{tuple(value.shape)} and dtype {value.dtype}")
        shape = to_numpy(value).tolist()
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise TypeError(f"{op}: shape must be a list of non-negative integers, got "
                        f"{shape!r}") from None
    for d in dims:
        if isinstance(d, bool) or not isinstance(d, numbers.Integral) or d < 0:
            raise InvalidArgumentError(f"{op}: shape must hold non-negative integers, got "
                                       f"{list(dims)}")
    return tuple(int(d) for d in dims)


def _float_dtype(dtype, op):
    np_dtype = to_np_dtype(dtype)
    if np_dtype.kind != "f":
        raise InvalidTypeError(f"{op}: dtype must be a floating-point type (float16, float32 "
                               f"or float64), got {as_dtype(np_dtype).name}")
    return np_dtype


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _resolve(seed, source):
    """The NumPy generator to draw from: op-seeded, stateless (a pair), or a Generator's."""
    if source is None:
        return rng.generator(seed)
    if type(source) is tuple:
        return rng.stateless_generator(source)
    return source._rng


# -- draws on NumPy generators (float16 is drawn in float32) ------------------------------
def _draw_dtype(dtype):
    return dtype if dtype.itemsize >= 4 else np.dtype(np.float32)


def _standard_normal(gen, shape, dtype):
    return gen.standard_normal(shape, dtype=_draw_dtype(dtype))


def _two_sided_truncated(gen, shape, dtype):
    z = _standard_normal(gen, shape, dtype)
    bad = np.flatnonzero(np.abs(z) > 2)
    flat = z.reshape(-1)
    while bad.size:  # redraw the rejected ones; about 4.6% of them each round
        flat[bad] = gen.standard_normal(bad.size, dtype=flat.dtype)
        bad = bad[np.abs(flat[bad]) > 2]
    return z


def _affine(z, dtype, scale, shift):
    if scale != 1:
        z *= scale
    if shift != 0:
        z += shift
    return z.astype(dtype, copy=False)


def _finish(z, dtype, scale, shift):
    return rng.to_device(_affine(z, dtype, scale, shift))


def _normal_forward(*, shape, dtype, mean, stddev, seed, source):
    return _finish(_standard_normal(_resolve(seed, source), shape, dtype), dtype, stddev, mean)


def _truncated_forward(*, shape, dtype, mean, stddev, seed, source):
    z = _two_sided_truncated(_resolve(seed, source), shape, dtype)
    return _finish(z, dtype, stddev, mean)


def _uniform_forward(*, shape, dtype, minval, maxval, seed, source):
    gen = _resolve(seed, source)
    if dtype.kind in "iu":
        return rng.to_device(gen.integers(minval, maxval, size=shape, dtype=dtype))
    u = gen.random(shape, dtype=_draw_dtype(dtype))
    if minval == 0 and maxval == 1 and u.dtype == dtype:
        return rng.to_device(u)
    out = _affine(u, dtype, maxval - minval, minval)
    if maxval > minval:  # rounding must not reach maxval: the interval is half-open
        np.minimum(out, np.nextafter(dtype.type(maxval), dtype.type(minval)), out=out)
    return rng.to_device(out)


def _shuffle_forward(x, *, seed, source):
    if x.ndim == 0:
        return x.copy()
    perm = _resolve(seed, source).permutation(x.shape[0])
    return x[rng.to_device(perm, like=x)]


def _categorical_forward(logits, *, num_samples, dtype, seed, source):
    gen = _resolve(seed, source)
    host = to_numpy(logits).astype(np.float64)
    batch, classes = host.shape
    # inverse CDF on each row; exp(-inf) = 0 gives classes with -inf logits no chance
    p = np.exp(host - host.max(axis=1, keepdims=True))
    cdf = np.cumsum(p, axis=1)
    u = gen.random((batch, num_samples)) * cdf[:, -1:]
    out = np.empty((batch, num_samples), dtype=dtype)
    for i in range(batch):
        out[i] = np.searchsorted(cdf[i], u[i], side="right")
    np.minimum(out, classes - 1, out=out)
    return rng.to_device(out, like=logits)


def _dropout_mask_forward(x, *, rate, noise_shape, seed):
    """Scaled keep mask for ``x``: ``1 / (1 - rate)`` with probability ``1 - rate``, else 0."""
    shape = x.shape if noise_shape is None else noise_shape
    u = rng.generator(seed).random(shape, dtype=_draw_dtype(x.dtype))
    mask = (u >= rate).astype(x.dtype)
    mask *= 1 / (1 - rate)
    return rng.to_device(mask, like=x)


random_normal_p = primitive("random_normal", _normal_forward)
truncated_normal_p = primitive("truncated_normal", _truncated_forward)
random_uniform_p = primitive("random_uniform", _uniform_forward)
random_shuffle_p = primitive("random_shuffle", _shuffle_forward)
categorical_p = primitive("categorical", _categorical_forward)
dropout_mask_p = primitive("dropout_mask", _dropout_mask_forward)

#: Primitives whose forward draws from a random state: graph passes must neither fold,
#: merge nor reorder them.
RANDOM_PRIMITIVES = frozenset(p.name for p in (random_normal_p, truncated_normal_p,
                                               random_uniform_p, random_shuffle_p,
                                               categorical_p, dropout_mask_p))


def dropout_mask(x, rate, noise_shape, seed):
    """The scaled keep mask ``nn.dropout`` multiplies ``x`` by (arguments already checked)."""
    return bind(dropout_mask_p, x, rate=rate, noise_shape=noise_shape, seed=seed)


# -- the shared bodies of the stateful, Generator and stateless ops ------------------------
def _normal_like(prim, shape, mean, stddev, dtype, seed, source, op):
    shape, dtype = _shape(shape, op), _float_dtype(dtype, op)
    if _is_number(mean) and _is_number(stddev):
        return bind(prim, shape=shape, dtype=dtype, mean=float(mean), stddev=float(stddev),
                    seed=seed, source=source)
    z = bind(prim, shape=shape, dtype=dtype, mean=0.0, stddev=1.0, seed=seed, source=source)
    return z * convert_to_tensor(stddev, dtype=dtype) + convert_to_tensor(mean, dtype=dtype)


def _uniform(shape, minval, maxval, dtype, seed, source, op):
    shape, dtype = _shape(shape, op), to_np_dtype(dtype)
    if dtype.kind in "iu":
        if maxval is None:
            raise ValueError(f"{op}: must specify maxval for integer dtype "
                             f"{as_dtype(dtype).name}")
        lo, hi = _int_bound(minval, "minval", op), _int_bound(maxval, "maxval", op)
        if lo >= hi:
            raise InvalidArgumentError(f"{op}: need minval < maxval: {lo} >= {hi}")
        return bind(random_uniform_p, shape=shape, dtype=dtype, minval=lo, maxval=hi, seed=seed,
                    source=source)
    if dtype.kind != "f":
        raise InvalidTypeError(f"{op}: dtype must be a float or integer type, got "
                               f"{as_dtype(dtype).name}")
    if maxval is None:
        maxval = 1.0
    if _is_number(minval) and _is_number(maxval):
        return bind(random_uniform_p, shape=shape, dtype=dtype, minval=float(minval),
                    maxval=float(maxval), seed=seed, source=source)
    u = bind(random_uniform_p, shape=shape, dtype=dtype, minval=0.0, maxval=1.0, seed=seed,
             source=source)
    lo, hi = convert_to_tensor(minval, dtype=dtype), convert_to_tensor(maxval, dtype=dtype)
    return u * (hi - lo) + lo


def _int_bound(value, what, op):
    if isinstance(value, Tensor):
        if value.ndim != 0 or value._value.dtype.kind not in "iu":
            raise InvalidArgumentError(f"{op}: {what} must be a scalar integer for integer "
                                       f"dtypes, got shape {tuple(value.shape)} and dtype "
                                       f"{value.dtype.name}")
        return int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidArgumentError(f"{op}: {what} must be a scalar integer for integer dtypes, "
                                   f"got {value!r}")
    return int(value)


def _categorical(logits, num_samples, dtype, seed, source, op):
    logits = as_tensor(logits)
    value = logits._value
    if value.ndim != 2:
        raise InvalidArgumentError(f"{op}: logits should be a matrix [batch_size, num_classes], "
                                   f"got shape {tuple(value.shape)}")
    if value.dtype.kind != "f":
        raise InvalidTypeError(f"{op}: logits must be a float tensor, got {logits.dtype.name}")
    if value.shape[1] == 0:
        raise InvalidArgumentError(f"{op}: logits must have at least one class")
    num_samples = int(num_samples)
    if num_samples < 0:
        raise InvalidArgumentError(f"{op}: num_samples must be >= 0, got {num_samples}")
    np_dtype = to_np_dtype(int64 if dtype is None else dtype)
    if np_dtype not in (np.dtype(np.int32), np.dtype(np.int64)):
        raise InvalidTypeError(f"{op}: dtype must be int32 or int64, got "
                               f"{as_dtype(np_dtype).name}")
    return bind(categorical_p, logits, num_samples=num_samples, dtype=np_dtype, seed=seed,
                source=source)


# -- stateful ops (global seed + op seed) ---------------------------------------------
def normal(shape, mean=0.0, stddev=1.0, dtype=float32, seed=None, name=None):
    """Samples from a normal distribution.

    >>> ndflow.random.normal([2, 2], seed=1).shape
    TensorShape([2, 2])
    """
    return _normal_like(random_normal_p, shape, mean, stddev, dtype,
                        rng.check_seed(seed), None, "random.normal")


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=float32, seed=None, name=None):
    """Samples from a normal distribution, redrawing values more than 2 stddev from the mean."""
    return _normal_like(truncated_normal_p, shape, mean, stddev, dtype,
                        rng.check_seed(seed), None, "random.truncated_normal")


def uniform(shape, minval=0, maxval=None, dtype=float32, seed=None, name=None):
    """Samples from a uniform distribution on ``[minval, maxval)`` (maxval 1 for floats)."""
    return _uniform(shape, minval, maxval, dtype, rng.check_seed(seed), None, "random.uniform")


def shuffle(value, seed=None, name=None):
    """Randomly shuffles a tensor along its first dimension."""
    return bind(random_shuffle_p, as_tensor(value), seed=rng.check_seed(seed), source=None)


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """Draws ``num_samples`` class indices per row of ``logits`` ``[batch, classes]``."""
    return _categorical(logits, num_samples, dtype, rng.check_seed(seed), None,
                        "random.categorical")


# -- stateless ops: the values depend on the seed pair alone --------------------------
def _stateless_seed(seed, op):
    value = seed._value if isinstance(seed, Tensor) else seed
    try:
        arr = np.asarray(to_numpy(value))
    except (TypeError, ValueError):
        arr = None
    if arr is None or arr.shape != (2,) or arr.dtype.kind not in "iu":
        raise InvalidArgumentError(f"{op}: seed must be a shape [2] integer tensor, got "
                                   f"{seed!r}")
    return tuple(int(s) for s in arr.tolist())


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=float32, name=None, alg=None):
    """Normal samples determined by ``seed`` (shape [2] integers) alone."""
    op = "random.stateless_normal"
    return _normal_like(random_normal_p, shape, mean, stddev, dtype, None,
                        _stateless_seed(seed, op), op)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=float32, name=None,
                               alg=None):
    """Truncated normal samples determined by ``seed`` (shape [2] integers) alone."""
    op = "random.stateless_truncated_normal"
    return _normal_like(truncated_normal_p, shape, mean, stddev, dtype, None,
                        _stateless_seed(seed, op), op)


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=float32, name=None, alg=None):
    """Uniform samples determined by ``seed`` (shape [2] integers) alone."""
    op = "random.stateless_uniform"
    return _uniform(shape, minval, maxval, dtype, None, _stateless_seed(seed, op), op)


def stateless_categorical(logits, num_samples, seed, dtype=int64, name=None):
    """Categorical samples determined by ``seed`` (shape [2] integers) alone."""
    op = "random.stateless_categorical"
    return _categorical(logits, num_samples, dtype, None, _stateless_seed(seed, op), op)


# -- Generator: an object with its own random state ---------------------------------
class Generator:
    """A random number generator with its own state, as ``tf.random.Generator``.

    >>> g = ndflow.random.Generator.from_seed(1234)
    >>> g.normal(shape=(2, 3)).shape
    TensorShape([2, 3])
    """

    def __init__(self, copy_from=None, state=None, alg=None):
        if copy_from is not None:
            if not isinstance(copy_from, Generator):
                raise TypeError(f"Generator: copy_from must be a Generator, got "
                                f"{type(copy_from).__name__}")
            bits = np.random.PCG64()
            bits.state = copy_from._rng.bit_generator.state
            self._rng = np.random.Generator(bits)
        elif state is not None:
            raise NotImplementedError("Generator(state=...) is not supported: use "
                                      "Generator.from_seed(seed)")
        else:
            self._rng = np.random.default_rng()

    @classmethod
    def from_seed(cls, seed, alg=None) -> "Generator":
        """A generator whose sequence is determined by the integer ``seed``."""
        gen = cls.__new__(cls)
        gen._rng = rng.seeded_generator(seed)
        return gen

    @classmethod
    def from_non_deterministic_state(cls, alg=None) -> "Generator":
        """A generator seeded by the operating system's entropy."""
        return cls()

    def reset_from_seed(self, seed) -> None:
        """Restart this generator as ``Generator.from_seed(seed)``."""
        self._rng = rng.seeded_generator(seed)

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=float32, name=None):
        """Normal samples from this generator."""
        return _normal_like(random_normal_p, shape, mean, stddev, dtype, None, self,
                            "Generator.normal")

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=float32, name=None):
        """Truncated normal samples (within 2 stddev) from this generator."""
        return _normal_like(truncated_normal_p, shape, mean, stddev, dtype, None, self,
                            "Generator.truncated_normal")

    def uniform(self, shape, minval=0, maxval=None, dtype=float32, name=None):
        """Uniform samples on ``[minval, maxval)`` from this generator."""
        return _uniform(shape, minval, maxval, dtype, None, self, "Generator.uniform")

    def make_seeds(self, count=1):
        """``count`` seed pairs for stateless ops, as an int64 tensor of shape [2, count]."""
        seeds = self._rng.integers(np.iinfo(np.int64).min, np.iinfo(np.int64).max,
                                   size=(2, int(count)), dtype=np.int64, endpoint=True)
        return wrap(rng.to_device(seeds))

    def split(self, count=1) -> list:
        """``count`` new independent generators, seeded from this one."""
        return [Generator.from_seed(int(s)) for s in
                self._rng.integers(0, 1 << 63, size=int(count), dtype=np.int64)]


_global = {"generator": None, "epoch": -1}


def get_global_generator() -> Generator:
    """The global Generator (re-created from the global seed after ``set_seed``)."""
    if _global["generator"] is None or _global["epoch"] != rng.epoch():
        gen = Generator.__new__(Generator)
        gen._rng = rng.global_generator_state()
        _global.update(generator=gen, epoch=rng.epoch())
    return _global["generator"]


def set_global_generator(generator) -> None:
    """Replace the global Generator."""
    if not isinstance(generator, Generator):
        raise TypeError(f"set_global_generator expects a Generator, got "
                        f"{type(generator).__name__}")
    _global.update(generator=generator, epoch=rng.epoch())
