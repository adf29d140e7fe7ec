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
           "callbacks", "constraints", "initializers", "layers", "losses", "metrics", "models",
           "ops", "optimizers", "regularizers", "utils"]
