"""TerminateOnNaN: stop training as soon as the loss is NaN or infinite."""

import math

from ndflow.keras.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stops ``fit`` after the first batch whose loss is NaN or infinite."""

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
