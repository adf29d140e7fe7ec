"""ProgbarLogger: progress output of ``fit``/``evaluate``.

verbose=1 draws a bar per epoch in a terminal (redrawn in place, at most ten times a
second) and prints one plain line per epoch elsewhere (log files, CI); verbose=2 prints
one line per epoch; verbose=0 prints nothing.
"""

import sys
import time

from ndflow.keras.callbacks.callback import Callback


def _format_logs(logs):
    return " - ".join(f"{k}: {v:.4f}" for k, v in logs.items() if isinstance(v, float))


class ProgbarLogger(Callback):
    """Prints training progress to standard output."""

    def __init__(self, verbose=1, stream=None):
        super().__init__()
        self.verbose = verbose
        self.stream = stream

    def _out(self):
        return self.stream or sys.stdout

    def _interactive(self):
        out = self._out()
        return self.verbose == 1 and hasattr(out, "isatty") and out.isatty()

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        self._last_draw = 0.0
        self._epoch = epoch
        epochs = self.params.get("epochs")
        if self.verbose and epochs:
            print(f"Epoch {epoch + 1}/{epochs}", file=self._out(), flush=True)

    def on_train_batch_end(self, batch, logs=None):
        if not self._interactive():
            return
        now = time.perf_counter()
        if now - self._last_draw < 0.1:
            return
        self._last_draw = now
        steps = self.params.get("steps")
        done = batch + 1
        if steps:
            width = 30
            filled = int(width * done / steps)
            bar = "━" * filled + " " * (width - filled)
            eta = (now - self._start) / done * (steps - done)
            line = f"\r{done}/{steps} {bar} ETA {eta:.0f}s - {_format_logs(logs or {})}"
        else:
            line = f"\r{done} steps - {_format_logs(logs or {})}"
        print(line, end="", file=self._out(), flush=True)

    def on_epoch_end(self, epoch, logs=None):
        if not self.verbose:
            return
        elapsed = time.perf_counter() - self._start
        steps = self.params.get("steps") or 1
        prefix = "\r" if self._interactive() else ""
        print(f"{prefix}{steps}/{steps} - {elapsed:.1f}s {elapsed / steps * 1e3:.0f}ms/step - "
              f"{_format_logs(logs or {})}", file=self._out(), flush=True)
