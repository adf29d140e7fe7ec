"""The course's iris network, shared by the evolve tests."""

from ndflow import keras
from ndflow.keras import layers


def iris_network(seed=0, optimizer="rmsprop"):
    """4 -> Dense 8 relu -> Dense 3 softmax, categorical cross-entropy, accuracy."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([layers.Input(shape=(4,)), layers.Dense(8, activation="relu"),
                              layers.Dense(3, activation="softmax")])
    model.compile(optimizer=optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    return model
