"""LearningRateScheduler: set the learning rate at the start of every epoch."""

import numbers

import numpy as np

from ndflow.keras.callbacks import _monitor
from ndflow.keras.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """Sets the learning rate to ``schedule(epoch, lr)`` before each epoch (0-based epoch).

    >>> def schedule(epoch, lr):
    ...     return lr if epoch < 10 else lr * 0.9
    >>> callback = LearningRateScheduler(schedule)
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        lr = _monitor.learning_rate_of(self.model, "LearningRateScheduler")
        try:
            lr = self.schedule(epoch, lr)
        except TypeError:  # schedules of the older one-argument form: schedule(epoch)
            lr = self.schedule(epoch)
        if hasattr(lr, "numpy"):
            lr = lr.numpy()
        if isinstance(lr, np.ndarray) and lr.ndim == 0:
            lr = lr[()]
        if not isinstance(lr, numbers.Real) or isinstance(lr, bool):
            raise ValueError(f'The output of the "schedule" function should be a float. '
                             f"Got: {lr!r}")
        self.model.optimizer.learning_rate = float(lr)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{float(lr)}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = _monitor.learning_rate_of(self.model,
                                                              "LearningRateScheduler")
