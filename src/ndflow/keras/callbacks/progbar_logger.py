"""ProgbarLogger: progress output of ``fit``/``evaluate``.

verbose=1 draws a bar per epoch in a terminal or notebook (with tqdm, from the
``progress`` extra; without it a simple bar redrawn in place), at most ten times a
second, and prints one plain line per epoch elsewhere (log files, CI); verbose=2 prints
one line per epoch; verbose=0 prints nothing.
"""

import sys
import time

from ndflow.keras.callbacks.callback import Callback


def _format_logs(logs):
    return " - ".join(f"{k}: {v:.4f}" for k, v in logs.items() if isinstance(v, float))


def _tqdm():
    """tqdm's bar class (notebook widgets in notebooks), or None when not installed."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


class ProgbarLogger(Callback):
    """Prints training progress to standard output."""

    def __init__(self, verbose=1, stream=None):
        super().__init__()
        self.verbose = verbose
        self.stream = stream
        self._bar = None

    def _out(self):
        return self.stream or sys.stdout

    def _interactive(self):
        out = self._out()
        in_notebook = "ipykernel" in sys.modules and self.stream is None
        return self.verbose == 1 and (in_notebook or (hasattr(out, "isatty") and out.isatty()))

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        self._last_draw = 0.0
        self._epoch = epoch
        self._bar = None  # a tqdm bar while an epoch runs interactively
        epochs = self.params.get("epochs")
        if self._interactive() and _tqdm() is not None:
            self._bar = _tqdm()(total=self.params.get("steps"), desc=f"Epoch {epoch + 1}/{epochs}",
                                file=self._out(), mininterval=0.1, unit="step", leave=True,
                                dynamic_ncols=True)
        elif self.verbose and epochs:
            print(f"Epoch {epoch + 1}/{epochs}", file=self._out(), flush=True)

    def on_train_batch_end(self, batch, logs=None):
        if self._bar is not None:
            self._bar.update(1)
            self._bar.set_postfix_str(_format_logs(logs or {}), refresh=False)
            return
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
        if self._bar is not None:
            self._bar.set_postfix_str(_format_logs(logs or {}), refresh=True)
            self._bar.close()
            self._bar = None
            return
        if not self.verbose:
            return
        elapsed = time.perf_counter() - self._start
        steps = self.params.get("steps") or 1
        prefix = "\r" if self._interactive() else ""
        print(f"{prefix}{steps}/{steps} - {elapsed:.1f}s {elapsed / steps * 1e3:.0f}ms/step - "
              f"{_format_logs(logs or {})}", file=self._out(), flush=True)
