"""IMDB movie-review sentiment as integer sequences, built from the aclImdb text archive.

The reviews are tokenized here (lower case, HTML line breaks and punctuation dropped) and
words are ranked by frequency over the 50000 labelled reviews (rank 1 = most frequent,
ties alphabetical). The sequences have Keras's layout and options, but the word indices
differ from those of Keras's pickled ``imdb.npz`` and ``imdb_word_index.json``: use this
module's ``get_word_index()`` to decode them.
"""

import numpy as np

from ndflow.datasets import catalog
from ndflow.keras.datasets._common import fetch_args

__all__ = ["get_word_index", "load_data"]


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, *, cache_dir=None, data_dir=None,
              origin=None, download=True):
    """IMDB as ``(x_train, y_train), (x_test, y_test)``: object arrays of lists of word
    indices and int64 labels (1 positive), 25000 reviews each.

    Each split is shuffled with ``seed``; a sequence starts with ``start_char``; word ranks
    are shifted by ``index_from``; words ranked ``>= num_words`` or ``< skip_top`` become
    ``oov_char`` (or are dropped when it is None); with ``maxlen``, longer sequences are
    dropped.
    """
    del path
    splits, _ = catalog.imdb_sequences(**fetch_args(cache_dir, data_dir, origin, download))
    return prepare_sequences(splits["train"], splits["test"], num_words, skip_top, maxlen,
                             seed, start_char, oov_char, index_from, "imdb")


def get_word_index(path="imdb_word_index.json", *, cache_dir=None, data_dir=None,
                   origin=None, download=True) -> dict:
    """``{word: rank}`` of the words in ``load_data``'s sequences (before ``index_from``)."""
    del path
    return catalog.imdb_sequences(**fetch_args(cache_dir, data_dir, origin, download))[1]


def prepare_sequences(train, test, num_words, skip_top, maxlen, seed, start_char, oov_char,
                      index_from, what):
    """Keras's processing of word-rank sequences, shared by imdb and reuters."""
    rng = np.random.RandomState(seed)
    shuffled = []
    for seqs, labels in (train, test):
        order = np.arange(len(seqs))
        rng.shuffle(order)
        shuffled.append(([seqs[i] for i in order], np.asarray(labels)[order]))
    xs = shuffled[0][0] + shuffled[1][0]
    labels = np.concatenate([shuffled[0][1], shuffled[1][1]])
    n_train = len(shuffled[0][0])
    if start_char is not None:
        xs = [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        xs = [[w + index_from for w in x] for x in xs]
    if maxlen:
        keep = [len(x) < maxlen for x in xs]
        n_train = sum(keep[:n_train])
        xs = [x for x, k in zip(xs, keep) if k]
        labels = labels[np.array(keep, dtype=bool)]
        if not xs:
            raise ValueError(f"{what}.load_data: after filtering for sequences shorter than "
                             f"maxlen={maxlen}, no sequence was kept; increase maxlen")
    if not num_words:
        num_words = max((max(x) for x in xs if x), default=0)
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    x_train, x_test = np.empty(n_train, dtype=object), np.empty(len(xs) - n_train, dtype=object)
    x_train[:], x_test[:] = xs[:n_train], xs[n_train:]
    return (x_train, labels[:n_train]), (x_test, labels[n_train:])
