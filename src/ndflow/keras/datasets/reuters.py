"""Reuters newswire topics: not available.

Keras's ``reuters.npz`` and its word index are distributed only as pickled files, which
ndflow never loads; rebuilding the same 46-topic split from the original Reuters-21578
SGML archive is not implemented yet.
"""

__all__ = ["get_label_names", "get_word_index", "load_data"]

_WHY = ("ndflow.keras.datasets.reuters is not available: Keras's Reuters data are "
        "distributed only as pickled files, which ndflow never unpickles, and building the "
        "same 46-topic dataset from the original Reuters-21578 archive is not implemented "
        "yet. Use ndflow.keras.datasets.imdb for a text-classification example.")


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3):
    """Not available (raises NotImplementedError; see the module docstring)."""
    raise NotImplementedError(_WHY)


def get_word_index(path="reuters_word_index.json"):
    """Not available (raises NotImplementedError; see the module docstring)."""
    raise NotImplementedError(_WHY)


def get_label_names():
    """Not available (raises NotImplementedError; see the module docstring)."""
    raise NotImplementedError(_WHY)
