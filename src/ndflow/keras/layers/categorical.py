"""Preprocessing layers for categories: CategoryEncoding, Hashing and Discretization.

Their outputs are integer indices or float encodings computed with NumPy; nothing here is
differentiable (no gradient flows back to the inputs), as in Keras.

>>> CategoryEncoding(num_tokens=4, output_mode="multi_hot")([[0, 1], [3, 3]]).numpy()
array([[1., 1., 0., 0.],
       [0., 0., 0., 1.]], dtype=float32)
"""

import hashlib

import numpy as np

from ndflow.backend.xp import to_numpy
from ndflow.core.tensor import Tensor, wrap
from ndflow.keras.keras_tensor import KerasTensor
from ndflow.keras.layers.layer import Layer, computes_on_arrays

__all__ = ["CategoryEncoding", "Discretization", "Hashing"]

_ENCODINGS = ("one_hot", "multi_hot", "count")


def as_numpy(value, who):
    """A NumPy array from a tensor, an array or Python data; bytes decoded as UTF-8."""
    if isinstance(value, Tensor):
        arr = to_numpy(value._value)
    elif isinstance(value, np.ndarray):
        arr = value
    elif hasattr(value, "__array_namespace__"):
        arr = to_numpy(value)
    else:
        try:
            arr = np.asarray(_unwrap(value))
        except ValueError:
            raise ValueError(f"{who} received ragged (non-rectangular) data {value!r:.60}; "
                             f"pad it to a rectangular shape first") from None
    if not isinstance(arr, np.ndarray):  # a NumPy scalar (a rank-0 tensor's value)
        arr = np.asarray(arr)
    if arr.dtype.kind == "S":
        arr = np.char.decode(arr, "utf-8")
    elif arr.dtype.kind == "O":
        flat = [v.decode("utf-8") if isinstance(v, bytes) else v for v in arr.ravel()]
        if all(isinstance(v, str) for v in flat):
            arr = np.array(flat, dtype=str).reshape(arr.shape)
    return arr


def _unwrap(value):
    """Nested lists with the tensors (Layer.__call__ converts list items) made raw."""
    if isinstance(value, (list, tuple)):
        return [_unwrap(v) for v in value]
    if isinstance(value, Tensor):
        return to_numpy(value._value)
    return value


def check_output_mode(who, output_mode, allowed):
    if output_mode not in allowed:
        raise ValueError(f"{who}: unknown `output_mode` {output_mode!r}; expected one of "
                         f"{', '.join(repr(m) for m in allowed)}")


def check_sparse(who, sparse):
    if sparse:
        raise NotImplementedError(f"{who}: sparse=True is not supported (ndflow has no sparse "
                                  f"tensors); use sparse=False for dense outputs")


def encoded_shape(input_shape, output_mode, depth):
    """Keras's output shape of a one_hot / multi_hot / count encoding."""
    shape = tuple(input_shape)
    if not shape:
        return (depth,)
    if output_mode == "one_hot":
        if shape[-1] == 1 and len(shape) > 1:
            return shape[:-1] + (depth,)
        return shape + (depth,)
    return shape[:-1] + (depth,)


def encode_categorical(indices, output_mode, depth, dtype, count_weights=None, who="Layer"):
    """One-hot, multi-hot or count encoding of integer ``indices`` (NumPy) into ``depth`` bins.

    The last axis holds one sample's values for multi_hot and count (a scalar or a 1-D input
    is one sample); one_hot encodes each value, on the last axis when its size is 1. Indices
    of -1 (dropped mask tokens) count nowhere.
    """
    indices = np.asarray(indices)
    if indices.ndim > 2:
        raise ValueError(f"{who}: when output_mode is not 'int', inputs may have rank 2 at "
                         f"most, got shape {indices.shape}")
    out_shape = encoded_shape(indices.shape, output_mode, depth)
    flat = indices.reshape(-1).astype(np.int64, copy=False)
    keep = flat >= 0
    if np.any(flat[keep] >= depth):
        bad = np.unique(flat[flat >= depth])[:5].tolist()
        raise ValueError(f"{who}: input values must be in the range 0 <= values < {depth} "
                         f"(num_tokens), got {bad}")
    if output_mode == "one_hot":
        out = np.zeros((flat.size, depth), dtype=dtype)
        rows = np.nonzero(keep)[0]
        out[rows, flat[rows]] = 1
        return out.reshape(out_shape)
    sample = indices.shape[-1] if indices.ndim else 1
    samples = flat.size // sample if sample else int(np.prod(out_shape[:-1], dtype=np.int64))
    row = np.repeat(np.arange(samples, dtype=np.int64), sample)
    pos = row[keep] * depth + flat[keep]
    if output_mode == "multi_hot":
        out = np.zeros(samples * depth, dtype=dtype)
        out[pos] = 1
    else:
        weights = None
        if count_weights is not None:
            weights = np.asarray(count_weights, dtype=np.float64).reshape(-1)[keep]
        out = np.bincount(pos, weights=weights, minlength=samples * depth).astype(dtype)
    return out.reshape(out_shape)


class CategoryEncoding(Layer):
    """Encode integer category indices in ``[0, num_tokens)`` as one-hot, multi-hot or
    count vectors (``count_weights`` in ``call`` weighs the counts)."""

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        name = f"CategoryEncoding '{self.name}'"
        if num_tokens is None:
            raise ValueError(f"{name}: `num_tokens` must be set (the number of categories)")
        if int(num_tokens) < 1:
            raise ValueError(f"{name}: `num_tokens` must be >= 1, got {num_tokens}")
        check_output_mode(name, output_mode, _ENCODINGS)
        check_sparse(name, sparse)
        self.num_tokens = int(num_tokens)
        self.output_mode = output_mode
        self.sparse = bool(sparse)

    @computes_on_arrays
    def call(self, inputs, count_weights=None):
        who = f"CategoryEncoding '{self.name}'"
        values = as_numpy(inputs, who)
        if values.dtype.kind not in "iub":
            if values.dtype.kind == "f" and values.size and np.all(np.mod(values, 1) == 0):
                values = values.astype(np.int64)
            elif values.size:
                raise ValueError(f"{who} expects integer category indices, got dtype "
                                 f"{values.dtype}")
        if values.size and values.min() < 0:
            raise ValueError(f"{who}: input values must be in the range 0 <= values < "
                             f"{self.num_tokens} (num_tokens), got {int(values.min())}")
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(f"{who}: `count_weights` is only used when output_mode is "
                                 f"'count', got output_mode={self.output_mode!r}")
            count_weights = as_numpy(count_weights, who)
            if count_weights.shape != values.shape:
                raise ValueError(f"{who}: `count_weights` must have the inputs' shape "
                                 f"{values.shape}, got {count_weights.shape}")
        return wrap(encode_categorical(values, self.output_mode, self.num_tokens,
                                       self.compute_dtype, count_weights, who))

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.num_tokens)

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens,
                "output_mode": self.output_mode, "sparse": self.sparse}


def _salt_key(salt):
    """The 16-byte key of the keyed hash: from an int, a pair of ints, or none."""
    if salt is None:
        return b""
    parts = [salt, 0] if isinstance(salt, (int, np.integer)) else list(salt)
    if len(parts) != 2:
        raise ValueError(f"Hashing: `salt` must be an int or a list of two ints, got {salt!r}")
    return b"".join(int(p).to_bytes(8, "little", signed=False) for p in parts)


def output_spec(layer, inputs, int_dtype="int64"):
    """The symbolic output of a preprocessing layer: ``int_dtype`` indices in 'int' mode,
    else encodings in the layer's dtype."""
    shape = layer.compute_output_shape(tuple(inputs.shape))
    return KerasTensor(shape, int_dtype if layer.output_mode == "int" else layer.compute_dtype)


def fingerprint64(values, key=b""):
    """A stable unsigned 64-bit hash of each string (or integer, by its decimal text).

    blake2b with an 8-byte digest (keyed by the salt); stable across runs and machines, but
    not FarmHash, so bins differ from TensorFlow's.
    """
    out = np.empty(len(values), dtype=np.uint64)
    for i, v in enumerate(values):
        data = str(v).encode("utf-8")
        out[i] = int.from_bytes(hashlib.blake2b(data, digest_size=8, key=key).digest(),
                                "little")
    return out


class _IndexLayer(Layer):
    """A layer that maps inputs to integer indices, returned as they are (``output_mode``
    'int') or encoded as one-hot, multi-hot or count vectors of ``depth`` bins."""

    def _output(self, indices, depth, who):
        if self.output_mode == "int":
            return wrap(indices)
        return wrap(encode_categorical(indices, self.output_mode, depth, self.compute_dtype,
                                       who=who))

    def _output_shape(self, input_shape, depth):
        if self.output_mode == "int":
            return tuple(input_shape)
        return encoded_shape(input_shape, self.output_mode, depth)

    def compute_output_spec(self, inputs):
        return output_spec(self, inputs)


class Hashing(_IndexLayer):
    """Hash strings or integers into ``num_bins`` bins (deterministically).

    With ``mask_value``, that value goes to bin 0 and the others to bins 1..num_bins-1.
    Bins come from a 64-bit blake2b fingerprint (integers hash their decimal text, as
    Keras does), so they are stable across runs but differ from Keras's FarmHash bins.
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 **kwargs):
        super().__init__(**kwargs)
        name = f"Hashing '{self.name}'"
        if num_bins is None or int(num_bins) <= 0:
            raise ValueError(f"{name}: `num_bins` must be a positive integer, got {num_bins!r}")
        if mask_value is not None and int(num_bins) < 2:
            raise ValueError(f"{name}: with a `mask_value`, `num_bins` must be at least 2, "
                             f"got {num_bins}")
        check_output_mode(name, output_mode, ("int",) + _ENCODINGS)
        check_sparse(name, sparse)
        self._key = _salt_key(salt)
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.salt = salt
        self.output_mode = output_mode
        self.sparse = bool(sparse)

    @computes_on_arrays
    def call(self, inputs):
        who = f"Hashing '{self.name}'"
        values = as_numpy(inputs, who)
        if values.dtype.kind not in "iuU":
            raise ValueError(f"{who} hashes strings or integers, got dtype {values.dtype}")
        uniques, inverse = np.unique(values.reshape(-1), return_inverse=True)
        hashed = fingerprint64(uniques.tolist(), self._key)
        if self.mask_value is None:
            bins = (hashed % np.uint64(self.num_bins)).astype(np.int64)
        else:
            bins = (hashed % np.uint64(self.num_bins - 1)).astype(np.int64) + 1
            mask = np.array([u == self.mask_value for u in uniques.tolist()], dtype=bool)
            bins[mask] = 0
        return self._output(bins[inverse].reshape(values.shape), self.num_bins, who)

    def compute_output_shape(self, input_shape):
        return self._output_shape(input_shape, self.num_bins)

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins,
                "mask_value": self.mask_value, "salt": self.salt,
                "output_mode": self.output_mode, "sparse": self.sparse}


def _summarize(values, epsilon):
    """A weighted sample (values, weights) of sorted data, about 1/epsilon points."""
    values = np.sort(values.reshape(-1))
    step_f = values.size * epsilon
    start, step = int(step_f), max(int(max(step_f, 1)), 1)
    kept = values[start::step]
    return np.stack([kept, np.full(kept.shape, float(max(step_f, 1)))])


def _compress(summary, epsilon):
    """Resample a summary at quantiles epsilon, 2 epsilon, ... 1 (by interpolation)."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum = np.cumsum(summary[1])
    fraction = cum / cum[-1]
    bins = np.interp(percents, fraction, summary[0])
    cum_at = np.interp(percents, fraction, cum)
    weights = np.diff(cum_at, prepend=0.0)
    return np.stack([bins, weights])


def _merge(first, second, epsilon):
    merged = np.concatenate([first, second], axis=1)
    merged = merged[:, np.argsort(merged[0], kind="stable")]
    return _compress(merged, epsilon)


class Discretization(_IndexLayer):
    """Bucket numbers by ranges: ``bin_boundaries=[0., 1.]`` gives bins (-inf, 0), [0, 1),
    [1, inf). Or give ``num_bins`` and learn quantile boundaries with ``adapt(data)``.

    >>> Discretization(bin_boundaries=[0.0, 1.0])([[-0.5, 0.0, 2.0]]).numpy()
    array([[0, 1, 2]])
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, **kwargs):
        super().__init__(**kwargs)
        name = f"Discretization '{self.name}'"
        check_output_mode(name, output_mode, ("int",) + _ENCODINGS)
        check_sparse(name, sparse)
        if bin_boundaries is not None and num_bins is not None and \
                len(bin_boundaries) != int(num_bins) - 1:
            # both may be set only as a config round trip of an adapted layer does
            raise ValueError(f"{name}: set either `bin_boundaries` or `num_bins`, not both "
                             f"(got bin_boundaries={bin_boundaries!r}, num_bins={num_bins!r})")
        if num_bins is not None and int(num_bins) < 0:
            raise ValueError(f"{name}: `num_bins` must be >= 0, got {num_bins}")
        if bin_boundaries is not None:
            bin_boundaries = [float(b) for b in np.asarray(bin_boundaries).reshape(-1)]
            if any(b > a for a, b in zip(bin_boundaries[1:], bin_boundaries)):
                raise ValueError(f"{name}: `bin_boundaries` must be sorted, got "
                                 f"{bin_boundaries}")
        self.input_bin_boundaries = bin_boundaries if num_bins is None else None
        self.bin_boundaries = bin_boundaries
        self.num_bins = None if num_bins is None else int(num_bins)
        self.epsilon = float(epsilon)
        self.output_mode = output_mode
        self.sparse = bool(sparse)

    def adapt(self, data, batch_size=None, steps=None):
        """Learn ``num_bins`` quantile boundaries from ``data`` (array, tensor, batches)."""
        from ndflow.keras.layers.lookup import iter_batches

        who = f"Discretization '{self.name}'"
        if self.input_bin_boundaries is not None:
            raise ValueError(f"{who} was given `bin_boundaries`, so it cannot be adapted; "
                             f"create it with `num_bins=` to learn them")
        if self.num_bins is None:
            raise ValueError(f"{who}: set `num_bins` to adapt the layer")
        summary = None
        for batch in iter_batches(data, batch_size, steps, who):
            batch = np.asarray(batch, dtype=np.float64)
            if batch.size == 0:
                continue
            part = _summarize(batch, self.epsilon)
            summary = part if summary is None else _merge(summary, part, self.epsilon)
        if summary is None:
            raise ValueError(f"{who}.adapt() received no data")
        if self.num_bins == 0:
            self.bin_boundaries = []
            return
        self.bin_boundaries = _compress(summary, 1.0 / self.num_bins)[0, :-1].tolist()

    @property
    def _depth(self):
        return len(self.bin_boundaries) + 1

    @computes_on_arrays
    def call(self, inputs):
        who = f"Discretization '{self.name}'"
        if self.bin_boundaries is None:
            raise ValueError(f"{who} has no bin boundaries: call `adapt(data)` first or pass "
                             f"`bin_boundaries=`")
        values = as_numpy(inputs, who)
        if values.dtype.kind not in "iufb":
            raise ValueError(f"{who} expects numeric inputs, got dtype {values.dtype}")
        float_dtype = values.dtype if values.dtype.kind == "f" else np.float64
        # compare in the inputs' precision, as a bucketize kernel on float32 data does
        bounds = np.asarray(self.bin_boundaries, dtype=float_dtype)
        indices = np.searchsorted(bounds, values, side="right").astype(np.int64)
        return self._output(indices, self._depth, who)

    def compute_output_shape(self, input_shape):
        depth = self._depth if self.bin_boundaries is not None else self.num_bins
        return self._output_shape(input_shape, depth)

    def get_config(self):
        return {**super().get_config(), "bin_boundaries": self.bin_boundaries,
                "num_bins": self.num_bins, "epsilon": self.epsilon,
                "output_mode": self.output_mode, "sparse": self.sparse}
