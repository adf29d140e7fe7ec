"""The breast cancer dataset bundled with scikit-learn, split the Keras way."""

from ndflow.keras.datasets._common import sklearn_split

__all__ = ["load_data"]


def load_data(test_split=0.2, seed=113):
    """``(x_train, y_train), (x_test, y_test)`` of scikit-learn's ``load_breast_cancer`` data: rows
    shuffled with ``seed``, the last ``test_split`` of them for test (needs scikit-learn)."""
    return sklearn_split("breast_cancer", test_split, seed)
