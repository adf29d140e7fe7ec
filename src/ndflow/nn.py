"""``ndflow.nn``: activations, losses on logits, moments and dropout, as ``tf.nn``."""

from ndflow.ops.nn import *
