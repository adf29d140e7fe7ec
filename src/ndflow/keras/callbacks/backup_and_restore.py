"""BackupAndRestore: resume an interrupted ``fit`` from its last completed epoch.

After each epoch (or every ``save_freq`` batches) the model's weights, the optimizer's
state and the epoch number go to ``backup_dir``: the arrays in a NumPy ``.npz`` file
(no pickles), the epoch in ``backup.json``, which names that ``.npz`` file. Each file is
written under a temporary name and renamed, and the JSON is renamed last, so a process
killed while saving leaves the previous backup whole. When ``fit`` starts, a backup found
there is loaded and training continues at the epoch after the saved one; when ``fit``
ends normally the backup is deleted (``delete_checkpoint=True``).
"""

import contextlib
import json
import os

import numpy as np

from ndflow.keras.callbacks.callback import Callback

_INDEX = "backup.json"


class BackupAndRestore(Callback):
    """Backs up training state so that a killed ``fit`` resumes where it stopped.

    >>> backup = BackupAndRestore(backup_dir="/tmp/backup")
    >>> # model.fit(x, y, epochs=100, callbacks=[backup])   # killed at epoch 40
    >>> # model.fit(x, y, epochs=100, callbacks=[backup])   # goes on from epoch 40
    """

    def __init__(self, backup_dir, save_freq="epoch", delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore: empty `backup_dir` argument passed")
        if save_freq != "epoch" and not (isinstance(save_freq, int)
                                         and not isinstance(save_freq, bool) and save_freq > 0):
            raise ValueError(f"Invalid value for argument `save_freq`. Received: "
                             f"save_freq={save_freq!r}. Expected 'epoch' or a positive int "
                             f"(a number of batches)")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.delete_checkpoint = delete_checkpoint
        self._current_epoch = 0
        self._batches_seen = 0

    # -- hooks ---------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._batches_seen = 0
        saved = self._read_index()
        if saved is None:
            return
        self._restore(saved)
        # the trainer starts the epoch loop here (and forgets the override)
        self.model._initial_epoch_override = saved["epoch"] + 1

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_seen += 1
        if self._batches_seen % self.save_freq == 0:
            # mid-epoch state: a resume restarts the unfinished epoch from these weights
            self._save(self._current_epoch - 1)

    def on_epoch_end(self, epoch, logs=None):
        # a save on the epoch's last batch is a completed epoch: record it as one, or a
        # resume would run this epoch a second time
        if self.save_freq == "epoch" or self._batches_seen % self.save_freq == 0:
            self._save(epoch)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint:
            self._delete()

    # -- files ---------------------------------------------------------------------------
    def _path(self, name):
        return os.path.join(self.backup_dir, name)

    def _read_index(self):
        try:
            with open(self._path(_INDEX), encoding="utf-8") as f:
                return json.load(f)
        except FileNotFoundError:
            return None

    def _optimizer_variables(self):
        optimizer = getattr(self.model, "optimizer", None)
        return list(getattr(optimizer, "variables", None) or [])

    def _save(self, epoch):
        os.makedirs(self.backup_dir, exist_ok=True)
        weights = self.model.get_weights()
        optimizer = [v.numpy() for v in self._optimizer_variables()]
        arrays = {f"weight_{i}": w for i, w in enumerate(weights)}
        arrays.update({f"optimizer_{i}": a for i, a in enumerate(optimizer)})
        old = self._read_index()
        name = f"backup-{os.getpid()}-{epoch + 1}-{self._batches_seen}.npz"
        _write_atomically(self._path(name), lambda f: np.savez(f, **arrays))
        index = {"epoch": epoch, "arrays": name, "num_weights": len(weights),
                 "num_optimizer_variables": len(optimizer)}
        _write_atomically(self._path(_INDEX),
                          lambda f: f.write(json.dumps(index, indent=1).encode()))
        if old is not None and old.get("arrays") != name:
            _remove(self._path(old["arrays"]))

    def _restore(self, saved):
        model = self.model
        if saved["num_weights"] and not model.weights:
            raise ValueError("BackupAndRestore: the model has no weights yet, so the backup "
                             f"in {self.backup_dir!r} cannot be loaded into it. Build the "
                             "model first (give it an Input or call model.build(shape)).")
        with np.load(self._path(saved["arrays"]), allow_pickle=False) as data:
            model.set_weights([data[f"weight_{i}"] for i in range(saved["num_weights"])])
            optimizer_arrays = [data[f"optimizer_{i}"]
                                for i in range(saved["num_optimizer_variables"])]
        optimizer = getattr(model, "optimizer", None)
        if optimizer is None or not optimizer_arrays:
            return
        if not getattr(optimizer, "built", True):
            optimizer.build(model.trainable_weights)  # creates the slots to load into
        variables = self._optimizer_variables()
        if len(variables) != len(optimizer_arrays):
            raise ValueError(f"BackupAndRestore: the backup in {self.backup_dir!r} holds "
                             f"{len(optimizer_arrays)} optimizer variables, but the model's "
                             f"optimizer has {len(variables)}; was it made with another "
                             f"optimizer?")
        for variable, array in zip(variables, optimizer_arrays):
            if tuple(variable.shape) != array.shape:
                raise ValueError(f"BackupAndRestore: optimizer variable {variable.name!r} "
                                 f"has shape {tuple(variable.shape)}, the backup's has "
                                 f"{array.shape}")
            variable.assign(array.astype(variable.dtype.np_dtype, copy=False))

    def _delete(self):
        saved = self._read_index()
        _remove(self._path(_INDEX))
        if saved is not None:
            _remove(self._path(saved["arrays"]))
        with contextlib.suppress(OSError):  # the folder goes only when nothing else is there
            os.rmdir(self.backup_dir)


def _write_atomically(path, write):
    temporary = f"{path}.tmp"
    with open(temporary, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def _remove(path):
    with contextlib.suppress(FileNotFoundError):
        os.remove(path)
