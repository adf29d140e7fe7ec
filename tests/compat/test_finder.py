"""The import aliases: TensorFlow/Keras/TFDS module and attribute names resolve to ndflow."""

import importlib
import sys
import types
import warnings

import pytest

import ndflow
import ndflow.compat as compat
import ndflow.data
import ndflow.datasets
import ndflow.keras
from ndflow.compat.table import ALIASES, UNSUPPORTED


@pytest.fixture
def aliases():
    """Install the finder for one test, then remove it and the modules it made."""
    assert not compat.is_installed()
    compat.install()
    yield
    compat.uninstall()
    assert not compat.is_installed()
    assert not [m for m in sys.modules if m.split(".")[0] in ("tensorflow", "keras",
                                                              "tensorflow_datasets")]


def resolve(dotted: str):
    """``'tensorflow.keras.layers.Dense'`` -> the object, imported through the finder."""
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


# names course scripts use, and what they must be in ndflow
SAME_OBJECTS = [
    ("tensorflow.GradientTape", ndflow.GradientTape),
    ("tensorflow.cast", ndflow.cast),
    ("tensorflow.constant", ndflow.constant),
    ("tensorflow.reduce_sum", ndflow.reduce_sum),
    ("tensorflow.reduce_mean", ndflow.reduce_mean),
    ("tensorflow.abs", ndflow.abs),
    ("tensorflow.multiply", ndflow.multiply),
    ("tensorflow.float32", ndflow.float32),
    ("tensorflow.Variable", ndflow.Variable),
    ("tensorflow.math.multiply", ndflow.math.multiply),
    ("tensorflow.math.pow", ndflow.math.pow),
    ("tensorflow.nn.relu", ndflow.nn.relu),
    ("tensorflow.random.set_seed", ndflow.random.set_seed),
    ("tensorflow.linalg.matmul", ndflow.linalg.matmul),
    ("tensorflow.nest.flatten", ndflow.nest.flatten),
    ("tensorflow.dtypes.float64", ndflow.float64),
    ("tensorflow.errors.InvalidArgumentError", ndflow.InvalidArgumentError),
    ("tensorflow.data.Dataset", ndflow.data.Dataset),
    ("tensorflow.data.AUTOTUNE", ndflow.data.AUTOTUNE),
    ("tensorflow.data.experimental.AUTOTUNE", ndflow.data.AUTOTUNE),
    ("tensorflow.keras.Sequential", ndflow.keras.Sequential),
    ("tensorflow.keras.layers.TextVectorization", ndflow.keras.layers.TextVectorization),
    ("tensorflow.keras.layers.Embedding", ndflow.keras.layers.Embedding),
    ("tensorflow.keras.layers.Bidirectional", ndflow.keras.layers.Bidirectional),
    ("tensorflow.keras.layers.LSTM", ndflow.keras.layers.LSTM),
    ("tensorflow.keras.optimizers.Adam", ndflow.keras.optimizers.Adam),
    ("tensorflow.keras.losses.SparseCategoricalCrossentropy",
     ndflow.keras.losses.SparseCategoricalCrossentropy),
    ("tensorflow.keras.losses.BinaryCrossentropy", ndflow.keras.losses.BinaryCrossentropy),
    ("tensorflow.optimizers.SGD", ndflow.keras.optimizers.SGD),
    ("keras.Sequential", ndflow.keras.Sequential),
    ("keras.Loss", ndflow.keras.losses.Loss),
    ("keras.models.Sequential", ndflow.keras.models.Sequential),
    ("keras.models.clone_model", ndflow.keras.models.clone_model),
    ("keras.layers.Dense", ndflow.keras.layers.Dense),
    ("keras.initializers.Ones", ndflow.keras.initializers.Ones),
    ("keras.regularizers.L1", ndflow.keras.regularizers.L1),
    ("keras.ops.square", ndflow.keras.ops.square),
    ("keras.ops.mean", ndflow.keras.ops.mean),
    ("keras.utils.to_categorical", ndflow.keras.utils.to_categorical),
    ("keras.losses.MeanSquaredError", ndflow.keras.losses.MeanSquaredError),
    ("keras.metrics.Accuracy", ndflow.keras.metrics.Accuracy),
    ("keras.callbacks.EarlyStopping", ndflow.keras.callbacks.EarlyStopping),
    ("keras.activations.relu", ndflow.keras.activations.relu),
    ("keras.backend.clear_session", ndflow.keras.backend.clear_session),
    ("keras.config.floatx", ndflow.keras.backend.floatx),
    ("keras.optimizers.schedules.ExponentialDecay",
     ndflow.keras.optimizers.schedules.ExponentialDecay),
    ("keras.preprocessing.sequence.pad_sequences", ndflow.keras.utils.pad_sequences),
    ("tensorflow_datasets.load", ndflow.datasets.load),
]


@pytest.mark.usefixtures("aliases")
@pytest.mark.parametrize(("dotted", "expected"), SAME_OBJECTS, ids=[d for d, _ in SAME_OBJECTS])
def test_names_are_ndflow_objects(dotted, expected):
    assert resolve(dotted) is expected


@pytest.mark.usefixtures("aliases")
def test_dataset_modules_and_import_forms():
    import tensorflow as tf
    from keras.datasets import cifar10, mnist
    from tensorflow.keras import datasets, layers, models

    import keras

    assert datasets.cifar10.load_data is ndflow.keras.datasets.cifar10.load_data
    assert cifar10.load_data is ndflow.keras.datasets.cifar10.load_data
    assert mnist.load_data is ndflow.keras.datasets.mnist.load_data
    assert layers.Dense is ndflow.keras.layers.Dense
    assert models.Sequential is ndflow.keras.Sequential
    assert tf.keras.layers is layers and tf.keras is sys.modules["tensorflow.keras"]
    assert keras.layers is not tf.keras.layers  # each path names errors its own way
    import tensorflow.compat.v2 as tf2

    assert tf2 is tf and tf.__spec__.name == "tensorflow"
    namespace = {}
    exec("from keras.layers import *", namespace)
    assert namespace["Dense"] is ndflow.keras.layers.Dense and "layer" not in namespace
    assert "Dense" in dir(keras.layers) and "keras" in dir(tf) and "constant" in dir(tf)


@pytest.mark.usefixtures("aliases")
def test_names_are_looked_up_once_and_kept():
    import tensorflow as tf

    assert "reduce_sum" not in vars(tf)
    assert tf.reduce_sum is ndflow.reduce_sum
    assert vars(tf)["reduce_sum"] is ndflow.reduce_sum


@pytest.mark.usefixtures("aliases")
def test_versions_name_ndflow():
    import tensorflow as tf
    import tensorflow_datasets as tfds

    import keras

    for module, major in ((tf, "2."), (tf.keras, "3."), (keras, "3."), (tfds, "4.")):
        assert module.__version__.startswith(major)
        assert module.__version__.endswith(f"+ndflow.{ndflow.__version__}")
    assert tf.__version__ == tf.version.VERSION and keras.version() == keras.__version__


@pytest.mark.usefixtures("aliases")
def test_missing_names_raise_attribute_errors_naming_the_api():
    import tensorflow as tf

    import keras

    assert not hasattr(tf, "nonexistent") and hasattr(tf, "constant")
    assert getattr(tf.keras.layers, "Nonexistent", None) is None
    with pytest.raises(compat.UnsupportedAPIError,
                       match=r"^tf\.distribute\.MirroredStrategy is not supported by ndflow "
                             r"yet \(see docs/compatibility\.md\)$"):
        tf.distribute.MirroredStrategy()
    with pytest.raises(AttributeError, match=r"^keras\.applications\.ResNet50 is not"):
        keras.applications.ResNet50(weights=None)
    with pytest.raises(NotImplementedError, match=r"^tf\.keras\.layers\.RandomFlip is not"):
        tf.keras.layers.RandomFlip("horizontal")
    with pytest.raises(compat.UnsupportedAPIError, match=r"^tf\.datasets is not"):
        tf.datasets  # noqa: B018  (an ndflow module, but not a TensorFlow name)
    with pytest.raises(compat.UnsupportedAPIError, match=r"^tf\.config\.set_memory_growth"):
        tf.config.set_memory_growth  # noqa: B018  (only under tf.config.experimental)
    with pytest.raises(compat.UnsupportedAPIError, match=r"^tf\.distribute is not"):
        tf.distribute()
    assert "not supported by ndflow yet" in repr(tf.distribute)
    error = pytest.raises(AttributeError, getattr, tf.strings, "lower").value
    assert error.api == "tf.strings.lower"
    with pytest.raises(AttributeError, match="has no attribute '_private'"):
        tf._private  # noqa: B018


@pytest.mark.usefixtures("aliases")
def test_unsupported_modules_raise_import_errors_naming_them():
    with pytest.raises(compat.UnsupportedModuleError,
                       match=r"^tensorflow\.compat\.v1 is not supported by ndflow yet"):
        import tensorflow.compat.v1  # noqa: F401
    with pytest.raises(ModuleNotFoundError, match=r"^keras\.applications is not supported"):
        from keras.applications import ResNet50  # noqa: F401
    with pytest.raises(ImportError, match=r"^tensorflow\.python is not supported") as caught:
        import tensorflow.python.keras  # noqa: F401
    assert caught.value.name == "tensorflow.python"
    with pytest.raises(ImportError) as caught:
        from keras.layers import Dense, RandomFlip  # noqa: F401
    assert compat.explain(caught.value) == (
        "keras.layers.RandomFlip is not supported by ndflow yet (see docs/compatibility.md)")
    assert compat.explain(ImportError("cannot import name 'x' from 'numpy'")) is None
    assert compat.explain(ValueError("x")) is None


def test_every_table_entry_imports():
    compat.install()
    try:
        for name in ALIASES:
            module = importlib.import_module(name)
            assert isinstance(module, compat.AliasModule)
            for attribute in module.__all__:  # every advertised name resolves
                getattr(module, attribute)
        for name in UNSUPPORTED:
            with pytest.raises(compat.UnsupportedModuleError):
                importlib.import_module(name)
    finally:
        compat.uninstall()


def test_install_is_explicit_idempotent_and_undone():
    assert not compat.is_installed()  # importing ndflow and ndflow.compat installs nothing
    compat.install()
    compat.install()
    try:
        assert sum(isinstance(f, compat.AliasFinder) for f in sys.meta_path) == 1
        assert isinstance(sys.meta_path[0], compat.AliasFinder)
        import tensorflow  # noqa: F401
    finally:
        compat.uninstall()
    assert "tensorflow" not in sys.modules
    with pytest.raises(ModuleNotFoundError):
        import tensorflow  # noqa: F401


def test_install_replaces_modules_imported_before(monkeypatch):
    monkeypatch.setitem(sys.modules, "keras", types.ModuleType("keras"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compat.install()
    try:
        assert "keras was imported before" in str(caught[0].message)
        import keras

        assert isinstance(keras, compat.AliasModule)
    finally:
        compat.uninstall()
