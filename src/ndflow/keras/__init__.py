"""``ndflow.keras``: the Keras 3 API on ndflow tensors (``keras`` / ``tf.keras`` paths)."""

from ndflow.keras import (
    activations,
    backend,
    callbacks,
    constraints,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    regularizers,
    utils,
)
from ndflow.keras.keras_tensor import KerasTensor
from ndflow.keras.layers import Input, Layer
from ndflow.keras.models import Model, Sequential

__all__ = ["Input", "KerasTensor", "Layer", "Model", "Sequential", "activations", "backend",
           "callbacks", "constraints", "datasets", "initializers", "layers", "losses", "metrics",
           "models", "ops", "optimizers", "regularizers", "utils"]


def __getattr__(name):
    # keras.datasets pulls in the download machinery: load it on first use only
    if name == "datasets":
        import importlib

        return importlib.import_module("ndflow.keras.datasets")
    raise AttributeError(f"module 'ndflow.keras' has no attribute {name!r}")
