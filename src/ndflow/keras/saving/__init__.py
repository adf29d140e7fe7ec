"""``ndflow.keras.saving``: save and load models (``.keras``) and weights (safetensors)."""

from ndflow.keras.saving.saving_api import load_model, load_weights, save_model, save_weights
from ndflow.keras.utils.object_registration import (
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)

__all__ = ["get_registered_name", "get_registered_object", "load_model", "load_weights",
           "register_keras_serializable", "save_model", "save_weights"]
