"""``ndflow.keras.utils``: Keras's utilities (``keras.utils``).

One-hot labels (``to_categorical``), normalization, one seed for every random source
(``set_random_seed``), padding sequences, drawing models (``plot_model``) and the
registry of custom objects used when loading saved models.
"""

from ndflow.keras.backend import is_keras_tensor, standardize_dtype
from ndflow.keras.trainers.data_adapter import pack_x_y_sample_weight, unpack_x_y_sample_weight
from ndflow.keras.utils.model_visualization import model_to_dot, plot_model
from ndflow.keras.utils.numerical_utils import normalize, to_categorical
from ndflow.keras.utils.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from ndflow.keras.utils.plotting import plot_history
from ndflow.keras.utils.rng_utils import set_random_seed
from ndflow.keras.utils.sequence_utils import pad_sequences

__all__ = [
    "CustomObjectScope", "custom_object_scope", "get_custom_objects", "get_registered_name",
    "get_registered_object", "is_keras_tensor", "model_to_dot", "normalize",
    "pack_x_y_sample_weight", "pad_sequences", "plot_history", "plot_model",
    "register_keras_serializable", "set_random_seed", "standardize_dtype", "to_categorical",
    "unpack_x_y_sample_weight",
]
