"""The Keras callbacks, driven by real ``fit`` runs on tiny models."""

import csv
import json
import math
import os

import numpy as np
import pytest

from ndflow.keras import Sequential, layers
from ndflow.keras import callbacks as cb
from ndflow.random import set_seed

RNG = np.random.default_rng(0)
X = RNG.normal(size=(32, 3)).astype(np.float32)
Y = (X @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)


def tiny_model(optimizer="sgd", seed=1):
    set_seed(seed)
    model = Sequential([layers.Input((3,)), layers.Dense(4, activation="tanh"),
                        layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


def lr_of(model):
    return float(model.optimizer.learning_rate.numpy())


class ScriptedLogs(cb.Callback):
    """Overwrites ``logs[key]`` at each epoch end with the next scripted value (runs first)."""

    def __init__(self, key, values):
        super().__init__()
        self.key, self.values = key, list(values)

    def on_epoch_end(self, epoch, logs=None):
        logs[self.key] = self.values[epoch]


# -- EarlyStopping -------------------------------------------------------------------------
def test_early_stopping_stops_after_patience_and_restores_the_best_weights():
    model = tiny_model()
    snapshots = []
    record = cb.LambdaCallback(on_epoch_end=lambda e, logs: snapshots.append(model.get_weights()))
    scripted = ScriptedLogs("val_loss", [1.0, 0.5, 0.6, 0.7, 0.4, 0.3])
    stop = cb.EarlyStopping(patience=2, restore_best_weights=True)
    history = model.fit(X, Y, epochs=6, batch_size=8, verbose=0,
                        callbacks=[scripted, record, stop])
    assert history.epoch == [0, 1, 2, 3]
    assert stop.stopped_epoch == 3 and stop.best_epoch == 1 and stop.best == 0.5
    for restored, best in zip(model.get_weights(), snapshots[1]):
        np.testing.assert_array_equal(restored, best)


def test_early_stopping_min_delta_mode_max_and_baseline():
    model = tiny_model()
    stop = cb.EarlyStopping(monitor="val_accuracy", min_delta=0.1, patience=1)
    assert stop.mode == "max"
    scripted = ScriptedLogs("val_accuracy", [0.5, 0.55, 0.9, 0.95, 0.96])
    history = model.fit(X, Y, epochs=5, verbose=0, callbacks=[scripted, stop])
    assert history.epoch == [0, 1]  # +0.05 is no improvement with min_delta=0.1
    stop = cb.EarlyStopping(monitor="loss", patience=2, baseline=-1.0)
    history = model.fit(X, Y, epochs=10, verbose=0, callbacks=[stop])
    assert history.epoch == [0, 1]  # patience epochs: a loss never beats baseline -1


def test_early_stopping_waits_for_start_from_epoch_and_warns_on_missing_metric():
    model = tiny_model()
    scripted = ScriptedLogs("val_loss", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    stop = cb.EarlyStopping(patience=1, start_from_epoch=3)
    history = model.fit(X, Y, epochs=6, verbose=0, callbacks=[scripted, stop])
    assert history.epoch == [0, 1, 2, 3, 4]
    with pytest.warns(UserWarning, match="`nope` which is not available.*loss"):
        model.fit(X, Y, epochs=1, verbose=0, callbacks=[cb.EarlyStopping(monitor="nope")])


def test_early_stopping_restores_best_weights_when_training_ends_without_stopping():
    model = tiny_model()
    snapshots = []
    record = cb.LambdaCallback(on_epoch_end=lambda e, logs: snapshots.append(model.get_weights()))
    scripted = ScriptedLogs("val_loss", [1.0, 0.2, 0.6])
    model.fit(X, Y, epochs=3, verbose=0, callbacks=[
        scripted, record, cb.EarlyStopping(patience=5, restore_best_weights=True)])
    for restored, best in zip(model.get_weights(), snapshots[1]):
        np.testing.assert_array_equal(restored, best)


# -- ReduceLROnPlateau / LearningRateScheduler ---------------------------------------------
def test_reduce_lr_on_plateau_lowers_the_rate_with_cooldown_and_floor():
    model = tiny_model()
    model.optimizer.learning_rate = 0.1
    rates = []
    scripted = ScriptedLogs("val_loss", [1.0] * 10)
    reduce = cb.ReduceLROnPlateau(factor=0.5, patience=2, cooldown=2, min_lr=0.02)
    record = cb.LambdaCallback(on_epoch_end=lambda e, logs: rates.append(logs["learning_rate"]))
    model.fit(X, Y, epochs=10, verbose=0, callbacks=[scripted, reduce, record])
    # logs report the rate of the epoch; reductions after epochs 2, 5, 8: patience 2, then
    # the first cooldown epoch ignores the metric and the second already counts
    np.testing.assert_allclose(rates, [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025,
                                       0.02])
    assert lr_of(model) == pytest.approx(0.02)


def test_reduce_lr_on_plateau_keeps_the_rate_while_improving_and_rejects_factor_one():
    model = tiny_model()
    model.optimizer.learning_rate = 0.1
    scripted = ScriptedLogs("val_loss", [1.0, 0.9, 0.8, 0.7])
    model.fit(X, Y, epochs=4, verbose=0,
              callbacks=[scripted, cb.ReduceLROnPlateau(patience=1, min_delta=0.05)])
    assert lr_of(model) == pytest.approx(0.1)
    with pytest.raises(ValueError, match="factor >= 1.0"):
        cb.ReduceLROnPlateau(factor=1.0)


def test_learning_rate_scheduler_sets_the_rate_before_each_epoch():
    model = tiny_model()
    seen = []
    record = cb.LambdaCallback(on_epoch_begin=lambda e, logs: seen.append(lr_of(model)))
    scheduler = cb.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    model.fit(X, Y, epochs=4, verbose=0, callbacks=[scheduler, record])
    np.testing.assert_allclose(seen, [0.1, 0.05, 0.1 / 3, 0.025], rtol=1e-12)
    cb_one_arg = cb.LearningRateScheduler(lambda epoch: 0.003)
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[cb_one_arg])
    assert lr_of(model) == pytest.approx(0.003)
    with pytest.raises(ValueError, match="should be a float"):
        model.fit(X, Y, epochs=1, verbose=0,
                  callbacks=[cb.LearningRateScheduler(lambda epoch, lr: "fast")])


def test_a_scheduled_rate_changes_the_updates():
    slow, fast = tiny_model(), tiny_model()
    slow.fit(X, Y, epochs=2, verbose=0, shuffle=False,
             callbacks=[cb.LearningRateScheduler(lambda e, lr: 0.0)])
    fast.fit(X, Y, epochs=2, verbose=0, shuffle=False)
    untouched = tiny_model().get_weights()
    for w0, ws in zip(untouched, slow.get_weights()):
        np.testing.assert_array_equal(w0, ws)
    assert any(not np.array_equal(w0, wf) for w0, wf in zip(untouched, fast.get_weights()))


# -- CSVLogger -----------------------------------------------------------------------------
def test_csv_logger_writes_one_row_per_epoch_and_appends(tmp_path):
    path = tmp_path / "log.csv"
    model = tiny_model()
    history = model.fit(X, Y, epochs=3, verbose=0, validation_data=(X, Y),
                        callbacks=[cb.CSVLogger(path)])
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["epoch", "loss", "val_loss"]
    assert [int(r["epoch"]) for r in rows] == [0, 1, 2]
    np.testing.assert_allclose([float(r["loss"]) for r in rows], history.history["loss"])
    np.testing.assert_allclose([float(r["val_loss"]) for r in rows],
                               history.history["val_loss"])
    model.fit(X, Y, epochs=2, verbose=0, validation_data=(X, Y),
              callbacks=[cb.CSVLogger(path, separator=",", append=True)])
    lines = path.read_text().splitlines()
    assert len(lines) == 6 and lines.count(lines[0]) == 1  # one header only


def test_csv_logger_separator_and_missing_validation_epochs(tmp_path):
    path = tmp_path / "log.tsv"
    model = tiny_model()
    model.fit(X, Y, epochs=2, verbose=0, validation_data=(X, Y), validation_freq=2,
              callbacks=[cb.CSVLogger(path, separator="\t")])
    lines = path.read_text().splitlines()
    assert lines[0] == "epoch\tloss"  # the keys of the first epoch
    assert len(lines) == 3 and lines[1].startswith("0\t")


# -- TerminateOnNaN / LambdaCallback -------------------------------------------------------
@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_terminate_on_nan_stops_after_the_first_nan_batch(capsys):
    model = tiny_model()
    model.optimizer.learning_rate = 1e30  # diverges to inf, then NaN, within a few batches
    batches = []
    count = cb.LambdaCallback(on_train_batch_end=lambda b, logs: batches.append(logs["loss"]))
    history = model.fit(X * 100, Y * 100, epochs=20, batch_size=4, verbose=0, shuffle=False,
                        callbacks=[count, cb.TerminateOnNaN()])
    assert len(history.epoch) == 1 and len(batches) < 8
    assert not math.isfinite(batches[-1]) and all(math.isfinite(b) for b in batches[:-1])
    assert "Invalid loss, terminating training" in capsys.readouterr().out


def test_lambda_callback_calls_each_hook_with_its_arguments():
    calls = []
    callback = cb.LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda epoch, logs: calls.append(f"epoch_begin {epoch}"),
        on_train_batch_end=lambda batch, logs: calls.append(f"batch_end {batch}"),
        on_epoch_end=lambda epoch, logs: calls.append(f"epoch_end {epoch} {sorted(logs)}"),
        on_train_end=lambda logs: calls.append("train_end"),
        on_test_begin=lambda logs: calls.append("test_begin"))
    model = tiny_model()
    model.fit(X, Y, epochs=2, batch_size=16, verbose=0, callbacks=[callback])
    assert calls == ["train_begin", "epoch_begin 0", "batch_end 0", "batch_end 1",
                     "epoch_end 0 ['loss']", "epoch_begin 1", "batch_end 0", "batch_end 1",
                     "epoch_end 1 ['loss']", "train_end"]
    model.evaluate(X, Y, verbose=0, callbacks=[callback])
    assert calls[-1] == "test_begin"
    aliased = cb.LambdaCallback(on_batch_end=lambda b, logs: calls.append("alias"))
    assert aliased.on_train_batch_end(0, {}) is None and calls[-1] == "alias"
    with pytest.raises(ValueError, match="unknown hook 'on_whatever'"):
        cb.LambdaCallback(on_whatever=print)


def test_the_older_batch_hook_names_are_called_by_fit_with_float_logs():
    # Keras's Callback routes on_train_batch_begin/end to on_batch_begin/end
    class OldStyle(cb.Callback):
        def __init__(self):
            super().__init__()
            self.seen = []

        def on_batch_begin(self, batch, logs=None):
            self.seen.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            self.seen.append(("end", batch, type(logs["loss"])))

    callback = OldStyle()
    tiny_model().fit(X, Y, epochs=1, batch_size=16, verbose=0, callbacks=[callback])
    assert callback.seen == [("begin", 0), ("end", 0, float), ("begin", 1), ("end", 1, float)]
    assert cb.CallbackList([callback]).overrides("on_train_batch_end", "on_batch_end")
    assert not cb.CallbackList([cb.History()]).overrides("on_train_batch_end",
                                                         "on_batch_end")


# -- ModelCheckpoint -----------------------------------------------------------------------
class FakeModel:
    """Stands in for a model: records what was saved where, and writes the files."""

    def __init__(self):
        self.saved = []
        self.stop_training = False

    def save(self, path):
        self._write(path, "model")

    def save_weights(self, path):
        self._write(path, "weights")

    def _write(self, path, kind):
        with open(path, "w") as f:
            f.write(kind)
        self.saved.append((kind, os.path.basename(path)))


def drive(callback, model, val_losses, batches_per_epoch=1):
    """Call the hooks as fit does, with scripted logs."""
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, val_loss in enumerate(val_losses):
        callback.on_epoch_begin(epoch)
        for batch in range(batches_per_epoch):
            callback.on_train_batch_end(batch, {"loss": 1.0 + batch})
        callback.on_epoch_end(epoch, {"loss": 2.0, "val_loss": val_loss})
    callback.on_train_end()


def test_model_checkpoint_formats_the_path_with_epoch_and_logs(tmp_path):
    model = FakeModel()
    pattern = str(tmp_path / "sub" / "ckpt-{epoch:02d}-{val_loss:.2f}.keras")
    drive(cb.ModelCheckpoint(pattern), model, [0.5, 0.25])
    assert model.saved == [("model", "ckpt-01-0.50.keras"), ("model", "ckpt-02-0.25.keras")]
    assert sorted(os.listdir(tmp_path / "sub")) == ["ckpt-01-0.50.keras", "ckpt-02-0.25.keras"]


def test_model_checkpoint_save_best_only_weights_and_threshold(tmp_path, capsys):
    model = FakeModel()
    pattern = str(tmp_path / "w-{epoch}.weights.h5")
    callback = cb.ModelCheckpoint(pattern, save_best_only=True, save_weights_only=True,
                                  verbose=1)
    drive(callback, model, [0.5, 0.7, 0.4, 0.4])
    assert model.saved == [("weights", "w-1.weights.h5"), ("weights", "w-3.weights.h5")]
    out = capsys.readouterr().out
    assert "Epoch 3: val_loss improved from 0.50000 to 0.40000" in out
    assert "Epoch 4: val_loss did not improve from 0.40000" in out
    model = FakeModel()
    drive(cb.ModelCheckpoint(pattern, save_best_only=True, initial_value_threshold=0.45),
          model, [0.5, 0.3])
    assert model.saved == [("model", "w-2.weights.h5")]
    model = FakeModel()
    with pytest.warns(UserWarning, match="`val_acc` which is not available"):
        drive(cb.ModelCheckpoint(pattern, monitor="val_acc", save_best_only=True), model,
              [0.1])
    assert model.saved == []  # val_acc missing: a warning, no save


def test_model_checkpoint_every_n_batches_and_bad_arguments(tmp_path):
    model = FakeModel()
    pattern = str(tmp_path / "b-{epoch}-{batch}.keras")
    drive(cb.ModelCheckpoint(pattern, save_freq=3), model, [0.5, 0.5], batches_per_epoch=2)
    assert model.saved == [("model", "b-2-1.keras")]  # the 3rd batch: epoch 2, batch 1
    with pytest.raises(ValueError, match="save_freq"):
        cb.ModelCheckpoint(pattern, save_freq="sometimes")
    with pytest.raises(KeyError, match="no value for 'val_accuracy'"):
        drive(cb.ModelCheckpoint(str(tmp_path / "{val_accuracy}.keras")), FakeModel(), [0.1])


def test_model_checkpoint_in_a_real_fit(tmp_path):
    model = tiny_model()
    saved = []
    model.save = lambda path: saved.append(os.path.basename(path))
    model.fit(X, Y, epochs=3, verbose=0, validation_data=(X, Y),
              callbacks=[cb.ModelCheckpoint(str(tmp_path / "m{epoch}.keras"))])
    assert saved == ["m1.keras", "m2.keras", "m3.keras"]


def test_model_checkpoint_best_files_load_back_as_the_best_epoch(tmp_path):
    # real files: the best epoch's model and weights, named from the logs, load back
    from ndflow.keras.models import load_model

    model = tiny_model("adam")
    snapshots = {}

    class Snapshot(cb.Callback):
        def on_epoch_end(self, epoch, logs=None):
            snapshots[epoch + 1] = (logs["val_loss"], model.predict(X, verbose=0))

    best_model = cb.ModelCheckpoint(str(tmp_path / "best.keras"), save_best_only=True)
    best_weights = cb.ModelCheckpoint(str(tmp_path / "w-{epoch:02d}.weights.safetensors"),
                                      save_weights_only=True, save_best_only=True)
    model.fit(X, Y, epochs=4, batch_size=8, verbose=0, validation_data=(X, Y),
              callbacks=[Snapshot(), best_model, best_weights])
    best_epoch = min(snapshots, key=lambda e: snapshots[e][0])
    loaded = load_model(tmp_path / "best.keras")
    np.testing.assert_allclose(loaded.predict(X, verbose=0), snapshots[best_epoch][1],
                               rtol=1e-6)
    weights_file = tmp_path / f"w-{best_epoch:02d}.weights.safetensors"
    other = tiny_model(seed=99)
    other.load_weights(weights_file)
    np.testing.assert_allclose(other.predict(X, verbose=0), snapshots[best_epoch][1],
                               rtol=1e-6)


# -- BackupAndRestore ----------------------------------------------------------------------
class Kill(cb.Callback):
    """Raises in the middle of an epoch, as a killed process would stop."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        self.current = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.current == self.epoch and batch == 1:
            raise KeyboardInterrupt("killed")


def test_backup_and_restore_resumes_a_killed_fit_with_the_same_result(tmp_path):
    backup_dir = tmp_path / "backup"
    reference = tiny_model("adam")
    reference.fit(X, Y, epochs=5, batch_size=8, shuffle=False, verbose=0)

    model = tiny_model("adam")
    backup = cb.BackupAndRestore(backup_dir)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, epochs=5, batch_size=8, shuffle=False, verbose=0,
                  callbacks=[backup, Kill(3)])
    index = json.loads((backup_dir / "backup.json").read_text())
    assert index["epoch"] == 2  # epochs 0, 1, 2 completed

    resumed = tiny_model("adam", seed=99)  # a new process: other weights, fresh optimizer
    history = resumed.fit(X, Y, epochs=5, batch_size=8, shuffle=False, verbose=0,
                          callbacks=[backup])
    assert history.epoch == [3, 4]
    for got, want in zip(resumed.get_weights(), reference.get_weights()):
        np.testing.assert_array_equal(got, want)
    assert int(resumed.optimizer.iterations.numpy()) == 5 * 4
    assert not backup_dir.exists()  # a completed fit deletes its backup


def test_backup_and_restore_files_and_options(tmp_path):
    backup_dir = tmp_path / "b"
    model = tiny_model("adam")
    backup = cb.BackupAndRestore(backup_dir, delete_checkpoint=False)
    model.fit(X, Y, epochs=2, batch_size=8, verbose=0, callbacks=[backup])
    index = json.loads((backup_dir / "backup.json").read_text())
    assert index["epoch"] == 1 and index["num_weights"] == 4
    assert sorted(os.listdir(backup_dir)) == sorted(["backup.json", index["arrays"]])
    with np.load(backup_dir / index["arrays"], allow_pickle=False) as data:
        for i, w in enumerate(model.get_weights()):
            np.testing.assert_array_equal(data[f"weight_{i}"], w)
        assert len([k for k in data.files if k.startswith("optimizer_")]) == \
            len(model.optimizer.variables)
    with pytest.raises(ValueError, match="save_freq"):
        cb.BackupAndRestore(backup_dir, save_freq=0)
    with pytest.raises(ValueError, match="empty `backup_dir`"):
        cb.BackupAndRestore("")


def test_backup_and_restore_rejects_a_backup_from_another_optimizer(tmp_path):
    model = tiny_model("adam")
    backup = cb.BackupAndRestore(tmp_path, delete_checkpoint=False)
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[backup])
    with pytest.raises(ValueError, match="optimizer variables"):
        tiny_model("sgd").fit(X, Y, epochs=2, verbose=0, callbacks=[backup])


def test_backup_every_n_batches_resumes_the_unfinished_epoch_from_its_last_save(tmp_path):
    model = tiny_model("adam")
    backup = cb.BackupAndRestore(tmp_path / "b", save_freq=3)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, Y, epochs=5, batch_size=8, shuffle=False, verbose=0,
                  callbacks=[backup, Kill(3)])
    index = json.loads((tmp_path / "b" / "backup.json").read_text())
    # the 12th batch, the last of epoch 2, was saved as a completed epoch 2
    assert index["epoch"] == 2
    resumed = tiny_model("adam", seed=5)
    starts = []
    history = resumed.fit(X, Y, epochs=4, batch_size=8, shuffle=False, verbose=0, callbacks=[
        backup, cb.LambdaCallback(on_train_begin=lambda logs: starts.append(
            int(resumed.optimizer.iterations.numpy())))])
    assert history.epoch == [3]
    assert starts == [12]  # the restore ran before any other callback's on_train_begin
