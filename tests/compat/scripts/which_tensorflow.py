"""Prints which tensorflow and keras it got (an installed copy must not be used)."""

import tensorflow as tf

import keras

print("runner", tf.__version__)
print("runner_keras", keras.__version__, hasattr(tf, "REAL"), hasattr(keras, "REAL"))
