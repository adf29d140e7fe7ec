"""The stand-ins for TensorFlow names ndflow lacks: tf.config, tf.test, tf.function,
tf.print, tf.TensorSpec, tf.device, tfds helpers."""

import io
import logging

import numpy as np
import pytest

import ndflow as nd
from ndflow.compat import devices, keras_shims, tensorflow_shims, tfds_shims
from ndflow.data import Dataset


@pytest.fixture
def one_gpu(monkeypatch):
    """As if CuPy saw one GPU; the device settings are restored afterwards."""
    monkeypatch.setattr(devices, "_gpu_count", lambda: 1)
    monkeypatch.setattr(devices, "_state", {"hidden": set(), "memory_growth": {},
                                            "run_eagerly": False})
    monkeypatch.setattr(devices, "set_default_device", lambda device: None)
    return devices.list_physical_devices("GPU")[0]


def test_devices_list_the_cpu_and_the_gpus_cupy_sees(one_gpu):
    assert devices.list_physical_devices() == [
        devices.PhysicalDevice("/physical_device:CPU:0", "CPU"),
        devices.PhysicalDevice("/physical_device:GPU:0", "GPU")]
    assert devices.list_physical_devices("gpu") == [one_gpu]
    assert devices.list_logical_devices("GPU") == [
        devices.LogicalDevice("/device:GPU:0", "GPU")]
    assert devices.gpu_device_name() == "/device:GPU:0" and devices.is_gpu_available()


def test_hiding_the_gpus(one_gpu, monkeypatch):
    chosen = []
    monkeypatch.setattr(devices, "set_default_device", chosen.append)
    devices.set_visible_devices([], "GPU")
    assert devices.get_visible_devices() == devices.list_physical_devices("CPU")
    assert devices.get_visible_devices("GPU") == [] and chosen == ["cpu"]
    assert devices.gpu_device_name() == "" and not devices.is_gpu_available()
    devices.set_visible_devices(one_gpu, "GPU")
    assert devices.get_visible_devices("GPU") == [one_gpu]
    devices.set_visible_devices(devices.list_physical_devices())
    assert len(devices.get_visible_devices()) == 2


def test_device_settings_check_their_arguments(one_gpu):
    cpu = devices.list_physical_devices("CPU")[0]
    with pytest.raises(ValueError, match="the CPU cannot be hidden"):
        devices.set_visible_devices([one_gpu])
    with pytest.raises(ValueError, match="unknown device"):
        devices.set_visible_devices([devices.PhysicalDevice("/physical_device:GPU:7", "GPU")])
    with pytest.raises(ValueError, match="memory growth applies to GPUs"):
        devices.set_memory_growth(cpu, True)
    assert devices.get_memory_growth(one_gpu) is False
    devices.set_memory_growth(one_gpu, True)
    assert devices.get_memory_growth(one_gpu) is True
    assert devices.functions_run_eagerly() is False
    devices.run_functions_eagerly(True)
    assert devices.functions_run_eagerly() is True


def test_without_cupy_there_is_no_gpu(monkeypatch):
    monkeypatch.setattr(devices, "_cupy_installed", lambda: False)
    devices._gpu_count.cache_clear()
    try:
        assert devices.list_physical_devices("GPU") == []
        assert not devices.is_built_with_cuda()
    finally:
        devices._gpu_count.cache_clear()


def test_function_compiles_with_its_options():
    function = nd.function

    @function
    def double(x):
        return 2 * x

    @function(input_signature=[nd.TensorSpec([None], nd.float32)],
              jit_compile=True, reduce_retracing=True)
    def total(x):
        return nd.reduce_sum(x)

    class Model:
        scale = 3.0

        @function
        def __call__(self, x):
            return self.scale * x

    assert float(double(nd.constant(1.5))) == 3.0
    assert float(total(nd.constant([1.0, 2.0]))) == 3.0
    assert float(Model()(nd.constant(2.0))) == 6.0
    assert double.__name__ == "double" and double.python_function(4) == 8
    with pytest.raises(TypeError, match="expected a function"):
        function(3)
    assert tensorflow_shims.executing_eagerly() is True
    assert nd.function(lambda: tensorflow_shims.executing_eagerly())() is False
    with tensorflow_shims.device("/GPU:0"):
        assert float(double(nd.constant(1.0))) == 2.0
    with pytest.raises(TypeError, match="device name"):
        tensorflow_shims.device(0).__enter__()


def test_print_formats_tensors_like_tensorflow(capsys, tmp_path):
    tf_print = tensorflow_shims.print
    tf_print("x:", nd.constant([1, 2, 3]), {"b": nd.constant(True)}, [1.5, nd.constant(2)])
    assert capsys.readouterr().err == "x: [1 2 3] {'b': True} [1.5, 2]\n"
    tf_print(nd.range(10), summarize=2, output_stream=io.StringIO())  # any stream
    stream = io.StringIO()
    tf_print(nd.range(10), nd.reshape(nd.range(4), (2, 2)), summarize=2, output_stream=stream,
             sep=" | ", end=";")
    assert stream.getvalue() == "[0 1 ... 8 9] | [[0 1]\n [2 3]];"
    tf_print(nd.range(8), summarize=-1, output_stream=stream)
    assert stream.getvalue().endswith("[0 1 2 3 4 5 6 7]\n")
    lines = []
    tf_print("loss", nd.constant(0.5), output_stream=lines.append)
    assert lines == ["loss 0.5"]
    path = tmp_path / "log.txt"
    tf_print("a", output_stream=f"file://{path}")
    tf_print("b", output_stream=f"file://{path}")
    assert path.read_text() == "a\nb\n"
    with pytest.raises(ValueError, match="output_stream"):
        tf_print("a", output_stream="stdout")


def test_tensor_spec_describes_generator_elements():
    spec = nd.TensorSpec(shape=(None, 2), dtype=nd.float32, name="x")
    assert spec.shape.as_list() == [None, 2] and spec.dtype is nd.float32
    assert spec == nd.TensorSpec([None, 2], "float32", "x")
    assert len({spec, nd.TensorSpec([None, 2], nd.float32, "x")}) == 1
    assert repr(spec) == f"TensorSpec(shape=(None, 2), dtype={nd.float32!r}, name='x')"
    assert spec.is_compatible_with(nd.zeros((5, 2)))
    assert not spec.is_compatible_with(nd.zeros((5, 3)))
    assert not spec.is_compatible_with(nd.zeros((5, 2), dtype=nd.int32))
    assert nd.TensorSpec(None).is_compatible_with(nd.zeros((1, 2, 3)))

    def rows():
        for i in range(3):
            yield np.full((2,), i, dtype=np.float32), i

    dataset = Dataset.from_generator(rows, output_signature=(
        nd.TensorSpec((2,), nd.float32), nd.TensorSpec((), nd.int64)))
    x, y = list(dataset.as_numpy_iterator())[2]
    assert x.tolist() == [2.0, 2.0] and y == 2 and y.dtype == np.int64


def test_tfds_helpers():
    tfds_shims.disable_progress_bar()
    tfds_shims.enable_progress_bar()
    tfds_shims.display_progress_bar(False)
    assert (tfds_shims.Split.TRAIN, tfds_shims.Split.TEST) == ("train", "test")
    assert "imdb_reviews" in tfds_shims.list_builders()
    rows = list(tfds_shims.as_numpy(Dataset.from_tensor_slices({"x": [1, 2]})))
    assert rows == [{"x": 1}, {"x": 2}] and isinstance(rows[0]["x"], np.integer)
    arrays = tfds_shims.as_numpy({"x": nd.constant([1.0]), "y": [nd.constant(2), 3]})
    assert isinstance(arrays["x"], np.ndarray) and arrays["y"][1] == 3


def test_keras_and_logging_names():
    assert keras_shims.version() == keras_shims.__version__
    assert keras_shims.Variable is nd.Variable
    assert tensorflow_shims.get_logger() is logging.getLogger("ndflow")
