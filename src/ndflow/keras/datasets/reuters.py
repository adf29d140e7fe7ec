"""Reuters newswire topics: 11228 newswires as word-index sequences, labelled with 46 topics.

The data are Keras's own ``reuters.npz`` (checked against Keras's pinned SHA-256). Its
sequences are stored as a pickled NumPy object array; ``ndflow.datasets.formats`` reads
that stream with an interpreter that accepts only what such an array is made of, so
nothing is unpickled. The word index is Keras's ``reuters_word_index.json`` (plain JSON,
checked against Keras's pinned MD5).
"""

from ndflow.datasets import catalog
from ndflow.keras.datasets._common import fetch_args
from ndflow.keras.datasets.imdb import prepare_sequences

__all__ = ["get_label_names", "get_word_index", "load_data"]

# The topic of label i, in the order of the labels in reuters.npz.
LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3, *, cache_dir=None,
              data_dir=None, origin=None, download=True):
    """Reuters as ``(x_train, y_train), (x_test, y_test)``: object arrays of lists of word
    indices and integer topic labels (0 to 45, see ``get_label_names``).

    The newswires are shuffled with ``seed``; a sequence starts with ``start_char``; word
    ranks are shifted by ``index_from``; words ranked ``>= num_words`` or ``< skip_top``
    become ``oov_char`` (or are dropped when it is None); with ``maxlen``, longer sequences
    are dropped; then the last ``test_split`` of what is left is the test set.
    """
    del path
    if not 0 <= test_split <= 1:
        raise ValueError(f"reuters.load_data: test_split must be in [0, 1], got {test_split}")
    sequences, labels = catalog.reuters_sequences(
        **fetch_args(cache_dir, data_dir, origin, download))
    # Keras shuffles the whole set once, then splits: the set goes through imdb's helper as
    # its "train" part (the first draw of the seeded generator), with an empty "test" part.
    (xs, ys), _ = prepare_sequences((sequences, labels), ([], labels[:0]), num_words,
                                    skip_top, maxlen, seed, start_char, oov_char, index_from,
                                    "reuters")
    cut = int(len(xs) * (1 - test_split))
    return (xs[:cut], ys[:cut]), (xs[cut:], ys[cut:])


def get_word_index(path="reuters_word_index.json", *, cache_dir=None, data_dir=None,
                   origin=None, download=True) -> dict:
    """``{word: rank}`` of the words in ``load_data``'s sequences (before ``index_from``)."""
    del path
    return catalog.reuters_word_index(**fetch_args(cache_dir, data_dir, origin, download))


def get_label_names() -> tuple:
    """The 46 topic names, indexed by label."""
    return LABEL_NAMES
