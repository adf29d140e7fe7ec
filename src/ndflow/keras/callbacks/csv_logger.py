"""CSVLogger: write each epoch's logs as a row of a CSV file."""

import collections.abc
import csv
import os

import numpy as np

from ndflow.keras.callbacks.callback import Callback


def _cell(value):
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and np.ndim(value) > 0:
        return f'"[{", ".join(str(v) for v in np.ravel(np.asarray(value)))}]"'
    return value


class CSVLogger(Callback):
    """Streams epoch results to a CSV file: a header ``epoch,<sorted log keys>``, then one
    row per epoch (``append=True`` continues an existing file without a second header)."""

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys = None
        self.writer = None
        self.csv_file = None
        self.append_header = True

    def on_train_begin(self, logs=None):
        self.append_header = not (self.append and os.path.exists(self.filename)
                                  and os.path.getsize(self.filename) > 0)
        self.keys = None
        self.writer = None
        self.csv_file = open(self.filename, "a" if self.append else "w",  # noqa: SIM115
                             newline="", encoding="utf-8")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
        if self.writer is None:
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch", *self.keys],
                                         delimiter=self.sep)
            if self.append_header:
                self.writer.writeheader()
        # epochs without validation (validation_freq) or cut short leave gaps: "NA"
        row = {"epoch": epoch, **{k: _cell(logs[k]) if k in logs else "NA" for k in self.keys}}
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None:
            self.csv_file.close()
        self.csv_file = None
        self.writer = None
