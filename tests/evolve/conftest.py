"""The iris data, shared by the evolve tests."""

import numpy as np
import pytest

from ndflow import keras


@pytest.fixture(scope="session")
def iris():
    """Standardized iris (scaled with the training rows), one-hot labels."""
    (x_train, y_train), (x_test, y_test) = keras.datasets.iris.load_data()
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    scale = lambda x: ((x - mean) / std).astype(np.float32)
    one_hot = np.eye(3, dtype=np.float32)
    return scale(x_train), one_hot[y_train], scale(x_test), one_hot[y_test]
