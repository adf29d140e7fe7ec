"""Saving and loading models (.keras archives) and weights (safetensors, npz)."""

import json
import os
import zipfile

import numpy as np
import pytest

import ndflow as nd
from ndflow import keras
from ndflow.keras import layers
from ndflow.keras.saving import (
    load_model,
    register_keras_serializable,
    safetensors_io,
    saving_api,
)

safetensors_numpy = pytest.importorskip("safetensors.numpy")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 4)).astype(np.float32)
Y = np.eye(3, dtype=np.float32)[RNG.integers(0, 3, size=16)]


def sequential():
    return keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="relu"),
                             layers.Dense(3, activation="softmax")])


def functional_two_inputs():
    a, b = keras.Input(shape=(4,), name="a"), keras.Input(shape=(2,), name="b")
    h = layers.Concatenate()([layers.Dense(5, activation="tanh")(a), b])
    return keras.Model(inputs=[a, b], outputs=layers.Dense(3)(h))


@register_keras_serializable(package="TestSaving")
class TwoLayerNet(keras.Model):
    def __init__(self, hidden=6, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.d1 = layers.Dense(hidden, activation="relu")
        self.d2 = layers.Dense(3)

    def call(self, x):
        return self.d2(self.d1(x))

    def get_config(self):
        return {**super().get_config(), "hidden": self.hidden}


def predict(model, x):
    return model(x).numpy()


# -- round trips ----------------------------------------------------------------------------
@pytest.mark.parametrize("make, x", [
    (sequential, X),
    (functional_two_inputs, [X, X[:, :2]]),
    (lambda: TwoLayerNet(hidden=7), X),
], ids=["sequential", "functional_two_inputs", "subclassed_registered"])
def test_a_saved_model_loads_with_identical_predictions(tmp_path, make, x):
    nd.random.set_seed(1)
    model = make()
    expected = predict(model, x)
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = load_model(path)
    assert type(loaded) is type(model)
    np.testing.assert_array_equal(predict(loaded, x), expected)
    assert [w.name for w in loaded.weights] == [w.name for w in model.weights]


def test_the_archive_holds_config_metadata_and_safetensors_weights(tmp_path):
    model = sequential()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        config = json.loads(archive.read("config.json"))
        metadata = json.loads(archive.read("metadata.json"))
        weights = safetensors_numpy.load(archive.read("model.weights.safetensors"))
        opt = safetensors_numpy.load(archive.read("optimizer.safetensors"))
    assert names == {"config.json", "metadata.json", "model.weights.safetensors",
                     "optimizer.safetensors"}
    assert config["class_name"] == "Sequential"
    assert config["compile_config"]["loss"] == "categorical_crossentropy"
    assert config["compile_config"]["metrics"] == ["accuracy"]
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    assert {"ndflow_version", "date_saved"} <= set(metadata)
    names_in_order = saving_api._weight_names(model)
    assert set(weights) == set(names_in_order)
    assert names_in_order[0].endswith("/kernel_0") and names_in_order[1].endswith("/bias_1")
    for name, w in zip(names_in_order, model.weights):
        np.testing.assert_array_equal(weights[name], w.numpy())
    assert len(opt) == len(model.optimizer.variables)


def test_resuming_from_a_saved_model_equals_training_straight_through(tmp_path):
    def fresh():
        nd.random.set_seed(7)
        model = sequential()
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy",
                      metrics=["accuracy"])
        return model

    straight = fresh()
    straight.fit(X, Y, epochs=5, batch_size=4, shuffle=False, verbose=0)
    first = fresh()
    first.fit(X, Y, epochs=3, batch_size=4, shuffle=False, verbose=0)
    first.save(tmp_path / "ckpt.keras")
    resumed = load_model(tmp_path / "ckpt.keras")
    assert resumed.compiled and int(resumed.optimizer.iterations.numpy()) == 12
    resumed.fit(X, Y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    for a, b in zip(resumed.weights, straight.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_resuming_a_subclassed_model_restores_weights_and_optimizer(tmp_path):
    def fresh():
        nd.random.set_seed(3)
        model = TwoLayerNet()
        model.compile(optimizer="rmsprop", loss="mse")
        return model

    straight = fresh()
    straight.fit(X, Y, epochs=4, batch_size=8, shuffle=False, verbose=0)
    first = fresh()
    first.fit(X, Y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    first.save(tmp_path / "sub.keras")
    resumed = load_model(tmp_path / "sub.keras")
    resumed.fit(X, Y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(resumed.weights, straight.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_a_subclassed_model_has_its_weights_right_after_loading(tmp_path):
    # the input shape of the first call is saved (build_config) and rebuilds the weights
    model = TwoLayerNet()
    model(X)
    model.save(tmp_path / "sub.keras")
    loaded = load_model(tmp_path / "sub.keras")
    assert loaded.built and len(loaded.weights) == 4
    for a, b in zip(loaded.weights, model.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert loaded.get_build_config() == {"input_shape": [None, X.shape[1]]}


def test_compile_settings_round_trip_loss_weights_and_weighted_metrics(tmp_path):
    inputs = keras.Input(shape=(4,))
    hidden = layers.Dense(5, activation="relu")(inputs)
    model = keras.Model(inputs, [layers.Dense(3, name="p")(hidden),
                                 layers.Dense(1, name="q")(hidden)])
    model.compile(optimizer="adam", loss={"p": "mse", "q": "mae"},
                  loss_weights={"p": 0.25, "q": 2.0}, metrics={"p": ["mae"], "q": ["mse"]},
                  weighted_metrics=["mae"])
    targets = {"p": Y, "q": Y[:, :1]}
    weights = np.linspace(0.0, 1.0, len(X))
    before = model.evaluate(X, targets, sample_weight=weights, return_dict=True, verbose=0)
    model.save(tmp_path / "two.keras")
    loaded = load_model(tmp_path / "two.keras")
    after = loaded.evaluate(X, targets, sample_weight=weights, return_dict=True, verbose=0)
    assert after == pytest.approx(before)
    assert {"p_mae", "q_mse", "p_weighted_mae", "q_mae"} <= set(after)


def test_compile_false_gives_an_uncompiled_model(tmp_path):
    model = sequential()
    model.compile(optimizer="sgd", loss="mse")
    model.save(tmp_path / "m.keras")
    assert not load_model(tmp_path / "m.keras", compile=False).compiled


def test_an_unregistered_subclass_needs_custom_objects(tmp_path):
    class Plain(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.d = layers.Dense(2)

        def call(self, x):
            return self.d(x)

    model = Plain()
    expected = predict(model, X)
    model.save(tmp_path / "p.keras")
    with pytest.raises(ValueError, match="register_keras_serializable"):
        load_model(tmp_path / "p.keras")
    loaded = load_model(tmp_path / "p.keras", custom_objects={"Plain": Plain})
    np.testing.assert_array_equal(predict(loaded, X), expected)


# -- safe mode -------------------------------------------------------------------------------
def double(x):
    return x * 2.0


def test_safe_mode_refuses_lambda_layers(tmp_path):
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Lambda(double, name="twice"),
                              layers.Dense(2)])
    expected = predict(model, X)
    model.save(tmp_path / "lam.keras")
    with pytest.raises(ValueError, match="Lambda layer 'twice'.*safe_mode=False"):
        load_model(tmp_path / "lam.keras")
    loaded = load_model(tmp_path / "lam.keras", safe_mode=False)
    np.testing.assert_array_equal(predict(loaded, X), expected)


# -- weights files ---------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".weights.safetensors", ".npz"])
def test_save_and_load_weights_into_another_instance(tmp_path, suffix):
    source, target = sequential(), sequential()
    path = tmp_path / f"w{suffix}"
    source.save_weights(path)
    target.load_weights(path)
    np.testing.assert_array_equal(predict(target, X), predict(source, X))


def test_load_weights_from_a_keras_archive(tmp_path):
    source, target = sequential(), sequential()
    source.save(tmp_path / "m.keras")
    target.load_weights(tmp_path / "m.keras")
    np.testing.assert_array_equal(predict(target, X), predict(source, X))


def test_weight_files_name_their_problems(tmp_path):
    model = sequential()
    with pytest.raises(ValueError, match=r"HDF5.*\.weights\.safetensors"):
        model.save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(ValueError, match=r"must end in '\.weights\.safetensors'"):
        model.save_weights(tmp_path / "w.bin")
    with pytest.raises(ValueError, match=r"'\.keras'"):
        model.save(tmp_path / "m.h5")
    other = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8)])
    other.save_weights(tmp_path / "o.weights.safetensors")
    with pytest.raises(ValueError, match="holds 2 weights but model"):
        model.load_weights(tmp_path / "o.weights.safetensors")
    wrong = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(8), layers.Dense(3)])
    wrong.save_weights(tmp_path / "s.weights.safetensors")
    with pytest.raises(ValueError, match=r"shape \(5, 8\)"):
        model.load_weights(tmp_path / "s.weights.safetensors")


def test_overwrite_false_keeps_an_existing_file(tmp_path):
    path = tmp_path / "m.keras"
    path.write_bytes(b"precious")
    with pytest.raises(FileExistsError):
        sequential().save(path, overwrite=False)
    assert path.read_bytes() == b"precious"


# -- corrupted files and atomic writes -----------------------------------------------------
def test_truncated_and_corrupted_archives_raise_clear_errors(tmp_path):
    path = tmp_path / "m.keras"
    sequential().save(path)
    data = path.read_bytes()
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(data[: len(data) // 2])
    with pytest.raises(ValueError, match="truncated.keras is not a valid .keras file"):
        load_model(truncated)
    flipped = bytearray(data)
    start = data.index(b"kernel_0")  # inside the weights' safetensors header (stored raw)
    flipped[start - 20: start + 40] = b"#" * 60
    corrupted = tmp_path / "corrupted.keras"
    corrupted.write_bytes(bytes(flipped))
    with pytest.raises(ValueError, match="corrupted.keras"):
        load_model(corrupted)
    with pytest.raises(FileNotFoundError, match="missing.keras"):
        load_model(tmp_path / "missing.keras")


def test_a_failed_save_leaves_no_partial_file_and_the_old_one_intact(tmp_path, monkeypatch):
    path = tmp_path / "m.keras"
    sequential().save(path)
    before = path.read_bytes()

    def broken(f):
        f.write(b"half of a file")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        saving_api._atomic_write(str(path), broken, overwrite=True)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.keras"]
    fresh = tmp_path / "new.keras"
    monkeypatch.setattr(safetensors_io, "dumps", lambda *a, **k: b"partial")
    monkeypatch.setattr(zipfile.ZipFile, "writestr", _raise_disk_full)
    with pytest.raises(OSError, match="disk full"):
        sequential().save(fresh)
    assert sorted(os.listdir(tmp_path)) == ["m.keras"]


def _raise_disk_full(*args, **kwargs):
    raise OSError("disk full")


# -- the safetensors format ------------------------------------------------------------------
TENSORS = {
    "f32": np.arange(6, dtype=np.float32).reshape(2, 3),
    "f64": np.linspace(0, 1, 5),
    "i64": np.array([[1, -2], [3, 4]], dtype=np.int64),
    "i32": np.array([7], dtype=np.int32),
    "u8": np.array([0, 255], dtype=np.uint8),
    "bool": np.array([True, False]),
    "f16": np.array([1.5, -2.0], dtype=np.float16),
    "scalar": np.array(3.0, dtype=np.float32),
    "empty": np.zeros((0, 3), dtype=np.float32),
}


def test_files_we_write_are_read_by_the_safetensors_package(tmp_path):
    path = tmp_path / "t.safetensors"
    safetensors_io.save_file(TENSORS, path, metadata={"format": "np"})
    theirs = safetensors_numpy.load_file(str(path))
    assert set(theirs) == set(TENSORS)
    for name, value in TENSORS.items():
        assert theirs[name].dtype == value.dtype
        np.testing.assert_array_equal(theirs[name], value)


def test_files_the_safetensors_package_writes_are_read_by_ours(tmp_path):
    path = tmp_path / "t.safetensors"
    safetensors_numpy.save_file(TENSORS, str(path), metadata={"who": "them"})
    ours, metadata = safetensors_io.loads(path.read_bytes())
    assert metadata == {"who": "them"}
    for name, value in TENSORS.items():
        assert ours[name].dtype == value.dtype
        np.testing.assert_array_equal(ours[name], value)


def test_the_header_is_padded_and_non_contiguous_big_endian_arrays_are_stored_right():
    data = safetensors_io.dumps({"t": np.arange(6, dtype=">f4").reshape(2, 3).T})
    n = int.from_bytes(data[:8], "little")
    assert n % 8 == 0
    back = safetensors_numpy.load(data)["t"]
    np.testing.assert_array_equal(back, np.arange(6, dtype=np.float32).reshape(2, 3).T)


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d[:5], "fewer than the 8-byte"),
    (lambda d: (10**6).to_bytes(8, "little") + d[8:], "header claims"),
    (lambda d: d[:8] + b"[" + d[9:], "not valid JSON"),
    (lambda d: d[:-4], "truncated or corrupted"),
])
def test_bad_safetensors_bytes_raise_clear_errors(mutate, message):
    data = safetensors_io.dumps({"x": np.ones((2, 2), np.float32)})
    with pytest.raises(ValueError, match=f"w.safetensors is not a valid safetensors.*{message}"):
        safetensors_io.loads(mutate(data), source="w.safetensors")


def test_unsupported_dtypes_are_refused_by_name():
    with pytest.raises(ValueError, match="dtype <U1"):
        safetensors_io.dumps({"s": np.array(["a"])})
