"""TensorFlow and Keras names that ndflow does not provide yet, and how they fail."""

import tensorflow as tf

import keras

print("hasattr", hasattr(tf, "nonexistent"), hasattr(tf, "constant"),
      hasattr(keras.layers, "Dense"))
print("getattr", getattr(tf, "nonexistent", "default"))

for attempt in ("import tensorflow.compat.v1",
                "from keras.applications import ResNet50",
                "tf.strings.lower('A')",
                "keras.applications.ResNet50(weights=None)",
                "tf.keras.layers.Nonexistent(3)"):
    try:
        exec(attempt)
    except (ImportError, AttributeError) as error:
        print(f"{type(error).__name__}: {error}")

strategy = tf.distribute.MirroredStrategy()
print("not reached")
