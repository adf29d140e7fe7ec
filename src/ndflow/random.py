"""``ndflow.random``: seeded random tensors, as ``tf.random``."""

from ndflow.ops.random import *
