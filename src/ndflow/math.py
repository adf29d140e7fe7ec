"""``ndflow.math``: elementwise math and reductions, as ``tf.math``."""

from ndflow.ops.math import *
from ndflow.ops.reduction import *
