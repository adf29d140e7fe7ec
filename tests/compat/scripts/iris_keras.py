"""The course's iris network (Dense 8 relu -> Dense 3 softmax), written for Keras 3."""

import numpy as np
from keras.layers import Dense, Input
from keras.models import Sequential, clone_model
from keras.utils import to_categorical

import keras
from keras import initializers, regularizers

rng = np.random.default_rng(0)
centres = np.array([[0.0, 0.0, 0.0, 0.0], [3.0, 3.0, 0.0, 0.0], [0.0, 3.0, 3.0, 3.0]])
x = np.concatenate([c + rng.normal(0.0, 0.5, (50, 4)) for c in centres]).astype("float32")
labels = np.repeat(np.arange(3), 50)
order = rng.permutation(len(x))
x, labels = x[order], labels[order]
y = to_categorical(labels, num_classes=3)

keras.utils.set_random_seed(1)
model = Sequential()
model.add(Input(shape=(4,)))
model.add(Dense(8, activation="relu", kernel_regularizer=regularizers.L1(1e-4)))
model.add(Dense(3, activation="softmax"))
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.summary()
history = model.fit(x, y, epochs=40, batch_size=8, validation_split=0.2, verbose=0)
loss, accuracy = model.evaluate(x, y, verbose=0)

print(f"accuracy {accuracy:.3f}")
print("history", sorted(history.history))
print("trainable", [tuple(w.shape) for w in model.trainable_weights])
print("params", model.count_params())

twin = clone_model(model)
same = all(a.shape == b.shape for a, b in zip(model.get_weights(), twin.get_weights()))
print("clone", len(twin.layers), same, twin is not model)

ones = Dense(2, kernel_initializer=initializers.Ones())
print("ones", ones(np.ones((1, 3), dtype="float32")).numpy().tolist())
print("one_hot", to_categorical([0, 2, 1], num_classes=3).tolist())
print("keras", keras.__version__)
