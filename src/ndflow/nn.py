"""``ndflow.nn``: activations, losses on logits, moments, dropout, convolutions and pooling,
as ``tf.nn``."""

from ndflow.ops.conv import *
from ndflow.ops.nn import *
