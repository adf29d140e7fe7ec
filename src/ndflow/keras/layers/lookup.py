"""Vocabulary lookup layers: StringLookup and IntegerLookup (and their base, IndexLookup).

Index layout, as Keras 3: the mask token (if any, and only in 'int' mode) at 0, then the
``num_oov_indices`` out-of-vocabulary indices, then the vocabulary. ``adapt`` orders the
vocabulary by frequency, ties broken by the token itself in descending order (as Keras).
The vocabulary is plain Python state (a list and a dict), not a weight; ``get_config``
stores it as a list (Keras keeps it in a saved model's assets instead).

>>> layer = StringLookup(vocabulary=["a", "b", "c"])
>>> layer([["a", "c"], ["d", "b"]]).numpy()
array([[1, 3],
       [0, 2]])
"""

import collections

import numpy as np

from ndflow.backend.xp import to_numpy
from ndflow.core.tensor import Tensor, wrap
from ndflow.keras.layers.categorical import (
    as_numpy,
    check_output_mode,
    check_sparse,
    encode_categorical,
    encoded_shape,
    fingerprint64,
    output_spec,
)
from ndflow.keras.layers.layer import Layer, computes_on_arrays

__all__ = ["IndexLookup", "IntegerLookup", "StringLookup"]

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def iter_batches(data, batch_size=None, steps=None, who="adapt"):
    """NumPy batches of ``data`` for ``adapt``: an array, a tensor, a list of values, or an
    iterable of batches (a Dataset, batched or not; ``(x, y)`` elements give ``x``)."""
    if isinstance(data, (Tensor, np.ndarray, str, bytes)) or _is_flat_list(data):
        arr = as_numpy(data, who)
        if batch_size is None or arr.ndim == 0:
            batches = [arr]
        else:
            batches = [arr[i:i + int(batch_size)] for i in range(0, len(arr), int(batch_size))]
        yield from batches[:steps] if steps is not None else batches
        return
    if not hasattr(data, "__iter__"):
        raise TypeError(f"{who}.adapt() takes a NumPy array, a list, a tensor or a Dataset, "
                        f"got {type(data).__name__}")
    for i, batch in enumerate(data):
        if steps is not None and i >= steps:
            break
        if isinstance(batch, (tuple, list)) and batch and not isinstance(batch[0], (str, bytes)):
            batch = batch[0]
        if isinstance(batch, dict):
            raise TypeError(f"{who}.adapt() got a Dataset of dicts; map it to the feature "
                            f"to adapt on first (dataset.map(lambda d: d['text']))")
        yield as_numpy(batch, who)


def _is_flat_list(data):
    """A list (or nested lists) of plain values, rather than a list of batches."""
    if not isinstance(data, (list, tuple)):
        return False
    return not any(isinstance(v, (Tensor, np.ndarray)) for v in data)


def read_vocabulary_file(path):
    """The lines of a vocabulary file (one token a line, trailing empty lines dropped)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    while lines and lines[-1] == "":
        lines.pop()
    return lines


def _plain_list(values):
    if values is None:
        return None
    if isinstance(values, Tensor):
        values = to_numpy(values._value)
    if isinstance(values, np.ndarray):
        values = as_numpy(values, "vocabulary").reshape(-1).tolist()
    return [v.decode("utf-8") if isinstance(v, bytes) else v for v in values]


class IndexLookup(Layer):
    """The shared base of StringLookup and IntegerLookup (not a public Keras layer)."""

    _is_string = True

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype,
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 sparse=False, pad_to_max_tokens=False, **kwargs):
        super().__init__(**kwargs)
        who = self._who
        check_output_mode(who, output_mode, _MODES)
        check_sparse(who, sparse)
        if max_tokens is not None and int(max_tokens) <= 1:
            raise ValueError(f"{who}: `max_tokens` must be greater than 1 (it counts the mask "
                             f"and OOV indices too), got {max_tokens}")
        if num_oov_indices is None or int(num_oov_indices) < 0:
            raise ValueError(f"{who}: `num_oov_indices` must be >= 0, got {num_oov_indices!r}")
        if invert and output_mode != "int":
            raise ValueError(f"{who}: `output_mode` must be 'int' when `invert` is True, got "
                             f"{output_mode!r}")
        if output_mode == "tf_idf" and idf_weights is None and vocabulary is not None:
            raise ValueError(f"{who}: `idf_weights` must be given with a `vocabulary` when "
                             f"output_mode is 'tf_idf'")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{who}: `idf_weights` is only used when output_mode is "
                             f"'tf_idf', got output_mode={output_mode!r}")
        if pad_to_max_tokens and max_tokens is None and output_mode != "int":
            raise ValueError(f"{who}: `pad_to_max_tokens=True` needs `max_tokens`")
        self.max_tokens = None if max_tokens is None else int(max_tokens)
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.vocabulary_dtype = vocabulary_dtype
        self.invert = bool(invert)
        self.output_mode = output_mode
        self.sparse = bool(sparse)
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self._vocab = None  # learned or given tokens, without the special ones
        self._index = {}
        self._inverse = None
        self._idf = None
        self._has_input_vocabulary = vocabulary is not None
        self.input_vocabulary = vocabulary
        self.input_idf_weights = idf_weights
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    @property
    def _who(self):
        return f"{type(self).__name__} '{self.name}'"

    # -- index layout --------------------------------------------------------------------
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self):
        """The number of indices: mask and OOV indices included."""
        return self._token_start_index() + len(self._vocab or ())

    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary by index (mask and OOV tokens first, unless left out)."""
        vocab = list(self._vocab or ())
        if not include_special_tokens:
            return vocab
        mask = [self.mask_token] if self._oov_start_index() else []
        return mask + [self.oov_token] * self.num_oov_indices + vocab

    def _depth(self):
        if self.pad_to_max_tokens and self.max_tokens is not None:
            return self.max_tokens
        return self.vocabulary_size()

    def _convert_token(self, token):
        if self._is_string:
            return token.decode("utf-8") if isinstance(token, bytes) else str(token)
        return int(token)

    # -- setting the vocabulary ----------------------------------------------------------
    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Set the vocabulary (a list, array, tensor or a file path with one token a line)
        and, for 'tf_idf', the idf weights. Special tokens may lead the list."""
        who = self._who
        if isinstance(vocabulary, str):  # a file path, as in Keras
            vocabulary = read_vocabulary_file(vocabulary)
        tokens = [self._convert_token(t) for t in _plain_list(vocabulary)]
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{who}: `idf_weights` must be given with the vocabulary when "
                             f"output_mode is 'tf_idf'")
        if idf_weights is not None and self.output_mode != "tf_idf":
            raise ValueError(f"{who}: `idf_weights` is only used when output_mode is "
                             f"'tf_idf', got output_mode={self.output_mode!r}")
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        special = self.get_vocabulary()[:self._token_start_index()]
        has_special = bool(special) and tokens[:len(special)] == special
        if has_special:
            tokens = tokens[len(special):]
            repeated = [t for t in repeated if t not in special]
        if repeated:
            raise ValueError(f"{who}: the vocabulary has repeated tokens {repeated[:10]}")
        reserved = [t for t in (self.mask_token, self.oov_token) if t is not None]
        misplaced = [t for t in reserved if t in tokens]
        if misplaced:
            raise ValueError(
                f"{who}: reserved tokens {misplaced} found in the vocabulary at unexpected "
                f"places; special tokens may only lead it, in the order {special}")
        if self.max_tokens is not None and len(tokens) + len(special) > self.max_tokens:
            raise ValueError(
                f"{who}: a vocabulary of {len(tokens) + len(special)} entries (special tokens "
                f"included) is larger than max_tokens={self.max_tokens}")
        idf = None
        if idf_weights is not None:
            idf = np.asarray(as_numpy(idf_weights, who), dtype=np.float64).reshape(-1)
            expected = len(tokens) + (len(special) if has_special else 0)
            if idf.size != expected:
                raise ValueError(f"{who}: `idf_weights` must have one weight per vocabulary "
                                 f"entry ({expected}), got {idf.size}")
            if not has_special:  # no document counts for the OOV entries: use the mean
                fill = float(np.mean(idf)) if idf.size else 0.0
                idf = np.concatenate([np.full(len(special), fill), idf])
        self._set_tokens(tokens, idf)

    def _set_tokens(self, tokens, idf=None):
        start = self._token_start_index()
        self._vocab = list(tokens)
        self._index = {t: i for i, t in enumerate(self._vocab, start)}
        self._inverse = None
        if idf is not None and self.pad_to_max_tokens and self.max_tokens is not None:
            idf = np.concatenate([idf, np.zeros(max(0, self.max_tokens - idf.size))])
        self._idf = idf

    # -- adapting ------------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary from ``data`` (an array, list, tensor or Dataset)."""
        counts, doc_counts, num_docs = self._new_counts()
        for batch in iter_batches(data, batch_size, steps, self._who):
            self._count_batch(batch, counts, doc_counts)
            num_docs[0] += 1 if batch.ndim <= 1 else batch.shape[0]
        self._finalize(counts, doc_counts, num_docs[0])

    def _new_counts(self):
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt {self._who} after setting a static vocabulary "
                             f"via the `vocabulary` argument")
        return collections.Counter(), collections.Counter(), [0]

    def _count_batch(self, batch, counts, doc_counts):
        if self._is_string and batch.dtype.kind != "U":
            raise ValueError(f"{self._who}.adapt() expects strings, got dtype {batch.dtype}")
        if not self._is_string and batch.dtype.kind not in "iu":
            raise ValueError(f"{self._who}.adapt() expects integers, got dtype {batch.dtype}")
        uniques, n = np.unique(batch.reshape(-1), return_counts=True)
        counts.update(dict(zip(uniques.tolist(), n.tolist())))
        if self.output_mode == "tf_idf":
            rows = batch.reshape(1, -1) if batch.ndim <= 1 else batch.reshape(batch.shape[0], -1)
            for row in rows.tolist():
                doc_counts.update(set(row))

    def _finalize(self, counts, doc_counts, num_docs):
        """Order tokens by count (ties: larger token first), cap them, compute idf."""
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        order = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        if self.max_tokens is not None:
            order = order[:max(0, self.max_tokens - self._token_start_index())]
        tokens = [t for t, _ in order]
        idf = None
        if self.output_mode == "tf_idf":
            df = np.array([doc_counts[t] for t in tokens], dtype=np.float64)
            weights = np.log1p(num_docs / (1.0 + df))
            fill = float(weights.mean()) if weights.size else 0.0
            idf = np.concatenate([np.full(self._token_start_index(), fill), weights])
        self._set_tokens(tokens, idf)

    # -- calling -------------------------------------------------------------------------
    def _check_ready(self):
        if self._vocab is None:
            raise ValueError(f"{self._who} has no vocabulary yet: call `adapt(data)` on it, "
                             f"pass `vocabulary=` to the constructor, or call "
                             f"`set_vocabulary()` before using it")

    def lookup_tokens(self, values):
        """Indices (int64 array) of a NumPy array of tokens, OOV and mask handled."""
        uniques, inverse = np.unique(values.reshape(-1), return_inverse=True)
        keys = uniques.tolist()
        get = self._index.get
        found = np.fromiter((get(k, -1) for k in keys), dtype=np.int64, count=len(keys))
        missing = found < 0
        if self.mask_token is not None:
            is_mask = np.array([k == self.mask_token for k in keys], dtype=bool)
            missing &= ~is_mask
            found[is_mask] = 0 if self.output_mode == "int" else -1  # -1: dropped
        if missing.any():
            found[missing] = self._oov_indices([k for k, m in zip(keys, missing) if m])
        return found[inverse].reshape(values.shape)

    def _oov_indices(self, keys):
        start = self._oov_start_index()
        if self.num_oov_indices == 0:
            raise ValueError(f"{self._who}: when num_oov_indices=0 all inputs must be in the "
                             f"vocabulary, found OOV values {keys[:10]}; consider setting "
                             f"num_oov_indices=1")
        if self.num_oov_indices == 1:
            return start
        if self._is_string:
            hashed = fingerprint64(keys) % np.uint64(self.num_oov_indices)
            return hashed.astype(np.int64) + start
        return np.mod(np.asarray(keys, dtype=np.int64), self.num_oov_indices) + start

    def _invert(self, values):
        if values.dtype.kind not in "iu":
            raise ValueError(f"{self._who} with invert=True maps integer indices back to "
                             f"tokens, got dtype {values.dtype}")
        if self._inverse is None:
            vocab = self.get_vocabulary()
            if self._is_string:  # wide enough for the OOV token too
                width = max([len(t) for t in vocab] + [len(str(self.oov_token)), 1])
                self._inverse = np.array(vocab, dtype=f"<U{width}")
            else:
                self._inverse = np.array(vocab, dtype=np.int64)
        table = self._inverse
        idx = values.astype(np.int64)
        out_of_range = (idx < 0) | (idx >= table.size)
        out = table[np.where(out_of_range, 0, idx)]
        if out_of_range.any():
            out[out_of_range] = self.oov_token
        return out

    def _check_inputs(self, values):
        if self._is_string and values.dtype.kind != "U":
            raise ValueError(f"{self._who} expects string inputs, got dtype {values.dtype}")
        if not self._is_string and values.dtype.kind not in "iu":
            raise ValueError(f"{self._who} expects integer inputs, got dtype {values.dtype}")

    @computes_on_arrays
    def call(self, inputs):
        self._check_ready()
        values = as_numpy(inputs, self._who)
        if self.invert:
            return wrap(self._invert(values))
        self._check_inputs(values)
        indices = self.lookup_tokens(values)
        return self.encode(indices)

    def encode(self, indices):
        """The layer's output from vocabulary indices (NumPy int64)."""
        if self.output_mode == "int":
            return wrap(indices)
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = encode_categorical(indices, mode, self._depth(), self.compute_dtype,
                                 who=self._who)
        if self.output_mode == "tf_idf":
            out *= self._idf[:out.shape[-1]].astype(out.dtype)
        return wrap(out)

    def compute_output_spec(self, inputs):
        # indices are int64; inverted, the tokens come back in the vocabulary's dtype
        return output_spec(self, inputs, self.vocabulary_dtype if self.invert else "int64")

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return tuple(input_shape)
        depth = self._depth() if self._vocab is not None or self.pad_to_max_tokens else None
        return encoded_shape(input_shape, self.output_mode, depth)

    def get_config(self):
        vocabulary = self.input_vocabulary
        idf = self.input_idf_weights
        if self._vocab is not None:  # the learned vocabulary, in the config (not in assets)
            vocabulary = self.get_vocabulary()
            if self._idf is not None:
                idf = self._idf[:self.vocabulary_size()].tolist()
        return {**super().get_config(), "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices, "mask_token": self.mask_token,
                "oov_token": self.oov_token, "vocabulary": vocabulary,
                "idf_weights": idf, "invert": self.invert, "output_mode": self.output_mode,
                "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
                "vocabulary_dtype": self.vocabulary_dtype}


class StringLookup(IndexLookup):
    """Map strings to integer indices through a vocabulary (learned by ``adapt`` or given).

    ``invert=True`` maps indices back to strings. Inputs may be str or bytes (decoded as
    UTF-8); outputs of ``invert=True`` are str.
    """

    _is_string = True

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", **kwargs):
        kwargs.pop("vocabulary_dtype", None)
        if encoding.lower().replace("-", "") not in ("utf8",):
            raise ValueError(f"StringLookup: only encoding='utf-8' is supported, got "
                             f"{encoding!r}")
        self.encoding = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token,
                         vocabulary_dtype="string", vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         sparse=sparse, pad_to_max_tokens=pad_to_max_tokens, **kwargs)

    def get_config(self):
        config = super().get_config()
        config.pop("vocabulary_dtype")
        return {**config, "encoding": self.encoding}


class IntegerLookup(IndexLookup):
    """Map integers to contiguous indices through a vocabulary (learned by ``adapt`` or
    given); ``invert=True`` maps indices back to the integers."""

    _is_string = False

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False, **kwargs):
        if vocabulary_dtype not in ("int64", "int32"):
            raise ValueError(f"IntegerLookup: `vocabulary_dtype` must be 'int64' or 'int32', "
                             f"got {vocabulary_dtype!r}")
        if max_tokens is not None and int(max_tokens) <= 0:
            raise ValueError(f"IntegerLookup: `max_tokens` must be > 0, got {max_tokens}")
        if mask_token is not None and int(mask_token) < 0:
            raise ValueError(f"IntegerLookup: `mask_token` must be >= 0, got {mask_token}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=None if mask_token is None else int(mask_token),
                         oov_token=None if oov_token is None else int(oov_token),
                         vocabulary_dtype=vocabulary_dtype, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         sparse=sparse, pad_to_max_tokens=pad_to_max_tokens, **kwargs)
