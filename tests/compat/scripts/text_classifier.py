"""The IMDB-style text classifier of the course, on a few sentences, for TensorFlow 2."""

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(4)
texts = ["a great movie", "great acting and a great story", "the best film this year",
         "loved it", "a boring movie", "the worst film", "bad acting, bad story",
         "boring and bad"]
labels = np.array([1, 1, 1, 1, 0, 0, 0, 0])
train = tf.data.Dataset.from_tensor_slices((texts, labels)).shuffle(8, seed=0).batch(4)

encoder = tf.keras.layers.TextVectorization(max_tokens=1000)
encoder.adapt(train.map(lambda text, label: text))
vocabulary = encoder.get_vocabulary()
print("vocabulary", len(vocabulary), vocabulary[:3])

model = tf.keras.Sequential([
    encoder,
    tf.keras.layers.Embedding(input_dim=len(vocabulary), output_dim=8, mask_zero=True),
    tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(8)),
    tf.keras.layers.Dense(8, activation="relu"),
    tf.keras.layers.Dense(1),
])
model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
              optimizer=tf.keras.optimizers.Adam(1e-4), metrics=["accuracy"])
history = model.fit(train, epochs=2, verbose=0)
print("epochs", len(history.history["loss"]))
scores = model.predict(tf.constant(["a great story", "a bad film, boring"]), verbose=0)
print("predict", scores.shape, str(scores.dtype))
masked = model.layers[1].compute_mask(encoder(tf.constant(["great movie", "boring"])))
print("mask", masked.numpy().tolist())
