"""History: the per-epoch logs that ``fit`` returns."""

from ndflow.keras.callbacks.callback import Callback


class History(Callback):
    """Records the logs of every epoch: ``history.history['loss']``, ``['val_loss']`` ..."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []  # a second fit() on the same model appends to the history

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)

    def plot(self, metrics=None, logy=False, to_file=None):
        """Plot the learning curves (train and validation per metric); return the figure."""
        from ndflow.keras.utils.plotting import plot_history  # matplotlib stays optional
        return plot_history(self, metrics=metrics, logy=logy, to_file=to_file)
