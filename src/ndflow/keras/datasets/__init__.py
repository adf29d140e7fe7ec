"""``ndflow.keras.datasets``: Keras's ``load_data()`` datasets, from their original files
(downloaded, checked and cached by ``ndflow.datasets``), plus small bundled ones."""

from ndflow.keras.datasets import (
    boston_housing,
    breast_cancer,
    cifar10,
    cifar100,
    digits,
    fashion_mnist,
    gaussians,
    imdb,
    iris,
    mnist,
    reuters,
    wine,
)
from ndflow.keras.datasets.gaussians import make_gaussians

__all__ = ["boston_housing", "breast_cancer", "cifar10", "cifar100", "digits", "fashion_mnist",
           "gaussians", "imdb", "iris", "make_gaussians", "mnist", "reuters", "wine"]
