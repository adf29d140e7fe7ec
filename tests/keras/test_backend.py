"""keras.backend: global settings, clear_session hooks, dtype standardization, promotion."""

import numpy as np
import pytest

import ndflow as nd
from ndflow.keras import backend
from ndflow.keras.keras_tensor import KerasTensor


@pytest.fixture
def no_hooks(monkeypatch):
    """Run with an empty hook list, so a test's hooks do not outlive it."""
    monkeypatch.setattr(backend, "_clear_session_hooks", [])


def test_defaults():
    assert backend.backend() == "ndflow"
    assert backend.floatx() == "float32"
    assert backend.epsilon() == 1e-7
    assert backend.image_data_format() == "channels_last"


def test_floatx_and_epsilon_are_ndflow_settings():
    backend.set_floatx("float64")
    backend.set_epsilon(1e-5)
    try:
        assert nd.convert_to_tensor(1.5).dtype == nd.float64
        assert nd.floatx() == "float64" and backend.epsilon() == 1e-5
    finally:
        backend.set_floatx("float32")
        backend.set_epsilon(1e-7)


def test_set_floatx_refuses_non_floats():
    with pytest.raises(ValueError, match="floatx"):
        backend.set_floatx("int32")


def test_image_data_format_round_trip():
    backend.set_image_data_format("channels_first")
    try:
        assert backend.image_data_format() == "channels_first"
    finally:
        backend.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="data_format="):
        backend.set_image_data_format("channels_middle")
    assert backend.image_data_format() == "channels_last"


def test_clear_session_calls_each_hook_once(no_hooks):
    calls = []

    @backend.register_clear_session_hook
    def reset():
        calls.append("reset")

    assert backend.register_clear_session_hook(reset) is reset  # a second registration
    backend.clear_session()
    backend.clear_session(free_memory=False)
    assert calls == ["reset", "reset"]


def test_clear_session_hook_must_be_callable(no_hooks):
    with pytest.raises(TypeError, match="callable"):
        backend.register_clear_session_hook("reset")


def test_get_uid_counts_per_prefix_until_clear_session(no_hooks):
    backend.clear_session()
    assert [backend.get_uid("dense") for _ in range(3)] == [1, 2, 3]
    assert backend.get_uid("conv") == 1
    backend.clear_session()
    assert backend.get_uid("dense") == 1


@pytest.mark.parametrize(("dtype", "name"), [
    (None, "float32"), ("float64", "float64"), ("float", "float32"), ("int", "int32"),
    (int, "int32"), (float, "float32"), (bool, "bool"), (str, "string"),
    (np.float16, "float16"), (np.dtype("uint8"), "uint8"), (nd.int64, "int64"),
    (nd.complex64, "complex64"),
])
def test_standardize_dtype(dtype, name):
    assert backend.standardize_dtype(dtype) == name


def test_standardize_dtype_refuses_unknown_names():
    with pytest.raises(ValueError, match="Invalid dtype"):
        backend.standardize_dtype("flaot32")


@pytest.mark.parametrize(("dtypes", "name"), [
    ((), "float32"),
    (("float32",), "float32"),
    (("int32", "float32"), "float32"),
    (("int64", "float16"), "float16"),
    (("uint8", "int8"), "int16"),
    (("int32", "int64"), "int64"),
    (("bool", "int8"), "int8"),
    (("float32", "float64"), "float64"),
    (("float64", "complex64"), "complex128"),
    (("int32", float), "float32"),
    (("float16", int), "float16"),
    (("int8", int), "int8"),
    (("float16", float), "float16"),
    ((int,), "int32"),
    ((float,), "float32"),
    ((int, float), "float32"),
    ((None, "int64"), "float32"),
    ((nd.float32, np.float64), "float64"),
])
def test_result_type(dtypes, name):
    assert backend.result_type(*dtypes) == name


def test_result_type_of_strings_and_numbers_fails():
    with pytest.raises(ValueError, match="result_type"):
        backend.result_type("string", "float32")


def test_dtype_predicates():
    assert backend.is_float_dtype("float16") and backend.is_float_dtype(float)
    assert not backend.is_float_dtype("int32")
    assert backend.is_int_dtype("uint8") and backend.is_int_dtype(int)
    assert not backend.is_int_dtype("bool")


def test_is_keras_tensor():
    assert backend.is_keras_tensor(KerasTensor((None, 3)))
    assert not backend.is_keras_tensor(nd.constant([1.0]))
