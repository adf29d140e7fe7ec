"""``ndflow.keras.layers``: the Keras layers."""

from ndflow.keras.layers.activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from ndflow.keras.layers.core import Activation, Dense, Identity
from ndflow.keras.layers.input_layer import Input, InputLayer
from ndflow.keras.layers.lambda_layer import Lambda
from ndflow.keras.layers.layer import Layer
from ndflow.keras.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from ndflow.keras.layers.preprocessing import Normalization, Rescaling
from ndflow.keras.layers.regularization import ActivityRegularization, Dropout, GaussianNoise
from ndflow.keras.layers.reshaping import Flatten, Permute, RepeatVector, Reshape
from ndflow.keras.layers.serialization import deserialize_layer as deserialize
from ndflow.keras.layers.serialization import serialize_layer as serialize
from ndflow.keras.layers.tensor_ops import install as _install_tensor_ops

_install_tensor_ops()

__all__ = [
    "ELU", "Activation", "ActivityRegularization", "Add", "Average", "Concatenate", "Dense",
    "Dot", "Dropout", "Flatten", "GaussianNoise", "Identity", "Input", "InputLayer", "Lambda",
    "Layer", "LeakyReLU", "Maximum", "Minimum", "Multiply", "Normalization", "PReLU", "ReLU",
    "Permute", "RepeatVector", "Rescaling", "Reshape", "Softmax", "Subtract", "add", "average",
    "concatenate", "deserialize", "dot", "maximum", "minimum", "multiply", "serialize",
    "subtract",
]
