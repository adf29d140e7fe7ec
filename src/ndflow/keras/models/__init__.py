"""``ndflow.keras.models``: Model, Sequential and model cloning."""

from ndflow.keras.models.cloning import clone_model
from ndflow.keras.models.functional import Functional
from ndflow.keras.models.model import Model
from ndflow.keras.models.sequential import Sequential
from ndflow.keras.saving.saving_api import load_model

__all__ = ["Functional", "Model", "Sequential", "clone_model", "load_model"]
