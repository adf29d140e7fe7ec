"""``ndflow.keras.layers``: the Keras layers."""

from ndflow.keras.layers.core import Activation, Dense, Identity
from ndflow.keras.layers.input_layer import Input, InputLayer
from ndflow.keras.layers.layer import Layer
from ndflow.keras.layers.serialization import deserialize_layer as deserialize
from ndflow.keras.layers.serialization import serialize_layer as serialize

__all__ = ["Activation", "Dense", "Identity", "Input", "InputLayer", "Layer", "deserialize",
           "serialize"]
