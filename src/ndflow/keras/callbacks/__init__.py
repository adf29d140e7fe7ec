"""``ndflow.keras.callbacks``: hooks into training."""

from ndflow.keras.callbacks.backup_and_restore import BackupAndRestore
from ndflow.keras.callbacks.callback import Callback, CallbackList
from ndflow.keras.callbacks.csv_logger import CSVLogger
from ndflow.keras.callbacks.early_stopping import EarlyStopping
from ndflow.keras.callbacks.history import History
from ndflow.keras.callbacks.lambda_callback import LambdaCallback
from ndflow.keras.callbacks.learning_rate_scheduler import LearningRateScheduler
from ndflow.keras.callbacks.model_checkpoint import ModelCheckpoint
from ndflow.keras.callbacks.progbar_logger import ProgbarLogger
from ndflow.keras.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from ndflow.keras.callbacks.tensorboard import TensorBoard
from ndflow.keras.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = ["BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping",
           "History", "LambdaCallback", "LearningRateScheduler", "ModelCheckpoint",
           "ProgbarLogger", "ReduceLROnPlateau", "TensorBoard", "TerminateOnNaN"]
