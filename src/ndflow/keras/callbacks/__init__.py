"""``ndflow.keras.callbacks``: hooks into training."""

from ndflow.keras.callbacks.callback import Callback, CallbackList
from ndflow.keras.callbacks.history import History
from ndflow.keras.callbacks.progbar_logger import ProgbarLogger

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]
