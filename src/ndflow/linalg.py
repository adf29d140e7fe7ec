"""``ndflow.linalg``: matrix products, norms and decompositions, as ``tf.linalg``."""

from ndflow.ops.creation import eye
from ndflow.ops.linalg import *
