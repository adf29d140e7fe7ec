"""``ndflow.data``: input pipelines with the ``tf.data`` API (see :mod:`.dataset`)."""

from ndflow.data import experimental
from ndflow.data.dataset import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "Dataset", "experimental"]
