"""``ndflow.math``: elementwise math and reductions, as ``tf.math``."""

from ndflow.ops.math import *
from ndflow.ops.nn import l2_normalize, log_softmax, softmax, softplus, softsign
from ndflow.ops.reduction import *
