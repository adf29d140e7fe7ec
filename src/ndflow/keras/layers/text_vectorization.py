"""TextVectorization: strings to token indices or bag-of-words vectors.

Each string is standardized (lower-cased, punctuation stripped), split into tokens
(whitespace or characters), optionally joined into n-grams, and looked up in a
vocabulary learned by ``adapt`` (most frequent first; ties broken by the token, larger
first, as Keras) or given up front. The work is plain Python string handling per string
and C-level dict lookups over all tokens at once: 25,000 IMDB-sized reviews (about
5 million tokens) take a few seconds, short ones well under a second.

>>> layer = TextVectorization(output_sequence_length=4)
>>> layer.adapt(["The cat sat.", "The dog!"])
>>> layer.get_vocabulary()
['', '[UNK]', 'the', 'sat', 'dog', 'cat']
>>> layer(["the cat ran"]).numpy()
array([[2, 5, 1, 0]])

The vocabulary (and idf weights) is kept in ``get_config()`` as a list; Keras stores it in
a saved model's assets instead. ``ragged=True`` and ``sparse=True`` are not supported.
"""

import itertools
import re

import numpy as np

from ndflow.core.tensor import Tensor, wrap
from ndflow.keras.layers.categorical import (
    as_numpy,
    check_output_mode,
    check_sparse,
    output_spec,
)
from ndflow.keras.layers.layer import Layer, computes_on_arrays
from ndflow.keras.layers.lookup import StringLookup, iter_batches

__all__ = ["TextVectorization"]

_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,\-\./:;<=>?@\[\\\]^_`{|}~\']')
_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")
_MODES = ("int", "multi_hot", "count", "tf_idf")


def _strip(text):
    return _PUNCTUATION.sub("", text)


def _lower_strip(text):
    return _PUNCTUATION.sub("", text.lower())


_STANDARDIZERS = {"lower_and_strip_punctuation": _lower_strip, "lower": str.lower,
                  "strip_punctuation": _strip}
_SPLITTERS = {"whitespace": str.split, "character": list, None: lambda s: [s]}


def _ngram_widths(ngrams, who):
    if ngrams is None:
        return None
    if isinstance(ngrams, (int, np.integer)) and not isinstance(ngrams, bool):
        if ngrams < 1:
            raise ValueError(f"{who}: `ngrams` must be a positive int or a tuple of ints, got "
                             f"{ngrams}")
        return tuple(range(1, int(ngrams) + 1))
    if isinstance(ngrams, (tuple, list)) and all(isinstance(n, (int, np.integer))
                                                 and n >= 1 for n in ngrams):
        return tuple(int(n) for n in ngrams)
    raise ValueError(f"{who}: `ngrams` must be None, an int or a tuple of ints, got {ngrams!r}")


def _with_ngrams(tokens, widths):
    """All n-grams of the given widths, widths in order, joined by a space."""
    if widths is None:
        return tokens
    out = []
    for n in widths:
        if n == 1:
            out.extend(tokens)
        else:
            out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return out


def _as_text_list(value, who):
    """A list of Python str (or a list of token lists) from a callable's result."""
    if isinstance(value, (Tensor, np.ndarray)):
        arr = as_numpy(value, who)
        if arr.dtype.kind != "U":
            raise ValueError(f"{who}: a custom standardize/split callable must return "
                             f"strings, got dtype {arr.dtype}")
        return arr.tolist()
    return [v.decode("utf-8") if isinstance(v, bytes) else v for v in value]


class TextVectorization(Layer):
    """Turn strings into sequences of token indices ('int') or vectors over the vocabulary
    ('multi_hot', 'count', 'tf_idf'), as ``keras.layers.TextVectorization``.

    In 'int' mode index 0 is padding ('') and 1 the OOV token '[UNK]'; ``max_tokens``
    counts both. A custom ``standardize`` is called on a string tensor of shape (batch,)
    and returns strings; a custom ``split`` is called on the standardized string tensor
    and returns a list of token lists (or a 2-D string array whose '' entries are padding).
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int",
                 output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", **kwargs):
        kwargs.pop("vocabulary_size", None)  # written by Keras's own configs
        super().__init__(**kwargs)
        who = f"TextVectorization '{self.name}'"
        check_output_mode(who, output_mode, _MODES)
        check_sparse(who, sparse)
        if ragged:
            raise NotImplementedError(f"{who}: ragged=True is not supported (ndflow has no "
                                      f"ragged tensors); outputs are padded with 0 instead")
        if not (standardize is None or callable(standardize) or standardize in _STANDARDIZE):
            raise ValueError(f"{who}: unknown `standardize` {standardize!r}; expected one of "
                             f"{_STANDARDIZE}, None or a callable")
        if not (split is None or callable(split) or split in _SPLIT):
            raise ValueError(f"{who}: unknown `split` {split!r}; expected one of {_SPLIT}, "
                             f"None or a callable")
        if output_sequence_length is not None and output_mode != "int":
            raise ValueError(f"{who}: `output_sequence_length` is only used when "
                             f"output_mode is 'int', got output_mode={output_mode!r}")
        if output_sequence_length is not None and int(output_sequence_length) < 1:
            raise ValueError(f"{who}: `output_sequence_length` must be a positive int, got "
                             f"{output_sequence_length}")
        if max_tokens is not None and int(max_tokens) < 1:
            raise ValueError(f"{who}: `max_tokens` must be >= 1, got {max_tokens}")
        self._widths = _ngram_widths(ngrams, who)
        self.max_tokens = None if max_tokens is None else int(max_tokens)
        self.standardize = standardize
        self.split = split
        self.ngrams = ngrams
        self.output_mode = output_mode
        self.output_sequence_length = (None if output_sequence_length is None
                                       else int(output_sequence_length))
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.sparse = bool(sparse)
        self.ragged = bool(ragged)
        self.encoding = encoding
        self._lookup = StringLookup(
            max_tokens=max_tokens, num_oov_indices=1, mask_token="", oov_token="[UNK]",
            vocabulary=vocabulary, idf_weights=idf_weights, output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens, encoding=encoding,
            name=f"{self.name}_lookup")

    @property
    def _who(self):
        return f"TextVectorization '{self.name}'"

    # -- vocabulary ----------------------------------------------------------------------
    def get_vocabulary(self, include_special_tokens=True):
        """The vocabulary by index ('' and '[UNK]' first in 'int' mode)."""
        return self._lookup.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        """The number of indices, padding and OOV included."""
        return self._lookup.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Set the vocabulary (list, array, tensor or file path) and the idf weights."""
        self._lookup.set_vocabulary(vocabulary, idf_weights)

    # -- text to tokens ------------------------------------------------------------------
    def _strings(self, inputs):
        """A list of Python str from the inputs, and whether the input was a scalar."""
        values = as_numpy(inputs, self._who)
        if values.dtype.kind != "U":
            raise ValueError(f"{self._who} expects string inputs, got dtype {values.dtype} "
                             f"(shape {values.shape}); pass text such as ['a b', 'c']")
        if values.ndim == 0:
            return [str(values[()])], True
        if values.ndim == 2 and values.shape[-1] == 1:
            values = values[:, 0]
        elif values.ndim != 1:
            raise ValueError(f"{self._who}: inputs must be a scalar string, or of shape "
                             f"(batch,) or (batch, 1), got shape {values.shape}")
        return values.tolist(), False

    def _tokenize(self, strings):
        """Token lists (n-grams included) of a list of strings."""
        standardize, split = self.standardize, self.split
        if callable(standardize):
            strings = _as_text_list(standardize(wrap(np.array(strings, dtype=str))), self._who)
        elif standardize is not None:
            fn = _STANDARDIZERS[standardize]
            strings = [fn(s) for s in strings]
        if callable(split):
            tokens = split(wrap(np.array(strings, dtype=str)))
            lists = [[t for t in _as_text_list(row, self._who) if t != ""]
                     for row in _as_text_list(tokens, self._who)]
        else:
            fn = _SPLITTERS[split]
            lists = [fn(s) for s in strings]
        if self._widths is not None:
            lists = [_with_ngrams(t, self._widths) for t in lists]
        return lists

    # -- adapting ------------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary from text: an array, list or tensor of strings, or a Dataset
        of strings (batched or not). Replaces any earlier adapted vocabulary."""
        lookup = self._lookup
        counts, doc_counts, num_docs = lookup._new_counts()
        tf_idf = self.output_mode == "tf_idf"
        for batch in iter_batches(data, batch_size, steps, self._who):
            strings, _ = self._strings(batch)
            for tokens in self._tokenize(strings):
                counts.update(tokens)
                if tf_idf:
                    doc_counts.update(set(tokens))
            num_docs[0] += len(strings)
        lookup._finalize(counts, doc_counts, num_docs[0])

    # -- calling -------------------------------------------------------------------------
    @computes_on_arrays
    def call(self, inputs):
        lookup = self._lookup
        lookup._check_ready()
        strings, scalar = self._strings(inputs)
        token_lists = self._tokenize(strings)
        lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
        total = int(lengths.sum())
        # one C-level pass of dict lookups over all tokens (no Python code per token)
        flat = np.fromiter(map(lookup._index.get, itertools.chain.from_iterable(token_lists),
                               itertools.repeat(lookup._oov_start_index())),
                           dtype=np.int64, count=total)
        rows = np.repeat(np.arange(len(token_lists), dtype=np.int64), lengths)
        if self.output_mode == "int":
            out = self._pad(flat, rows, lengths)
            if self.split is None and self.output_sequence_length is None and not scalar:
                out = out.reshape(as_numpy(inputs, self._who).shape)
            return wrap(out[0] if scalar else out)
        depth = lookup._depth()
        pos = rows * depth + flat
        out = np.zeros((len(token_lists), depth), dtype=self.compute_dtype)
        if self.output_mode == "multi_hot":
            out.reshape(-1)[pos] = 1
        else:
            where, counts = np.unique(pos, return_counts=True)
            out.reshape(-1)[where] = counts
            if self.output_mode == "tf_idf":
                out *= lookup._idf[:depth].astype(out.dtype)
        return wrap(out[0] if scalar else out)

    def _pad(self, flat, rows, lengths):
        """Rows of indices padded with 0 (or cut) to output_sequence_length."""
        length = self.output_sequence_length
        if length is None:
            length = int(lengths.max()) if lengths.size else 0
        starts = np.cumsum(lengths) - lengths
        place = np.arange(flat.size, dtype=np.int64) - np.repeat(starts, lengths)
        keep = place < length
        out = np.zeros((lengths.size, length), dtype=np.int64)
        out[rows[keep], place[keep]] = flat[keep]
        return out

    def compute_output_spec(self, inputs):
        return output_spec(self, inputs)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        batch = shape[:1]
        if self.output_mode == "int":
            if self.split is None and self.output_sequence_length is None:
                return shape
            return batch + (self.output_sequence_length,)
        lookup = self._lookup
        depth = lookup._depth() if lookup._vocab is not None or self.pad_to_max_tokens \
            else None
        return batch + (depth,)

    def get_config(self):
        lookup_config = self._lookup.get_config()
        return {**super().get_config(), "max_tokens": self.max_tokens,
                "standardize": self.standardize, "split": self.split, "ngrams": self.ngrams,
                "output_mode": self.output_mode,
                "output_sequence_length": self.output_sequence_length,
                "pad_to_max_tokens": self.pad_to_max_tokens, "sparse": self.sparse,
                "ragged": self.ragged, "vocabulary": lookup_config["vocabulary"],
                "idf_weights": lookup_config["idf_weights"], "encoding": self.encoding}
