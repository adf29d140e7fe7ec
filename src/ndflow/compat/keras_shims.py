"""Top-level ``keras`` names of Keras 3 that ``ndflow.keras`` keeps in its submodules."""

import importlib

from ndflow.core.variable import Variable
from ndflow.keras.initializers import Initializer
from ndflow.keras.losses import Loss
from ndflow.keras.metrics import Metric
from ndflow.keras.optimizers import Optimizer
from ndflow.keras.regularizers import Regularizer

__all__ = ["Initializer", "Loss", "Metric", "Optimizer", "Regularizer", "Variable", "version"]

KERAS_API = "3.0.0"  # the Keras release whose API ndflow follows

# the package facade sits above this layer: read by name (it is imported first)
__version__ = f"{KERAS_API}+ndflow.{importlib.import_module('ndflow').__version__}"


def version() -> str:
    """The Keras version string, which names ndflow."""
    return __version__
