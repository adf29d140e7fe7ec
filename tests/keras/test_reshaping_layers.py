"""Flatten, Reshape, Permute and RepeatVector through the layer contract, plus specifics."""

import numpy as np
import pytest

from ndflow.keras import Input, Model, Sequential, backend
from ndflow.keras.layers.core import Dense
from ndflow.keras.layers.reshaping import Flatten, Permute, RepeatVector, Reshape
from ndflow.keras.models import clone_model
from tests.keras.contract import check_layer

X = np.random.default_rng(0).uniform(-1, 1, size=(2, 3, 4, 5)).astype(np.float32)


# -- Flatten -----------------------------------------------------------------------------
def test_flatten_contract():
    _, y = check_layer(lambda: Flatten(), (2, 3, 4), (2, 12), num_weights=0, num_params=0)
    assert y.dtype.name == "float32"


def test_flatten_channels_first_moves_channels_last_before_flattening():
    check_layer(lambda: Flatten(data_format="channels_first"), (2, 3, 4, 5), (2, 60),
                num_weights=0)
    y = Flatten(data_format="channels_first")(X)
    np.testing.assert_array_equal(y.numpy(), np.transpose(X, (0, 2, 3, 1)).reshape(2, -1))
    np.testing.assert_array_equal(Flatten()(X).numpy(), X.reshape(2, -1))


def test_flatten_of_a_vector_per_sample_and_of_rank_1_inputs():
    assert tuple(Flatten(data_format="channels_first")(X[:, :, 0, 0]).shape) == (2, 3)
    assert tuple(Flatten()(np.arange(3.0)).shape) == (3, 1)


def test_flatten_symbolic_shapes():
    assert tuple(Flatten()(Input(shape=(3, 4))).shape) == (None, 12)
    assert tuple(Flatten()(Input(shape=(None, 4))).shape) == (None, None)


def test_flatten_config_and_bad_arguments():
    assert Flatten(data_format="Channels_First").get_config()["data_format"] == "channels_first"
    assert Flatten().get_config()["data_format"] == "channels_last"
    backend.set_image_data_format("channels_first")
    try:
        assert Flatten().data_format == "channels_first"
    finally:
        backend.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="data_format.*channels_first.*'nhwc'"):
        Flatten(data_format="nhwc")
    with pytest.raises(ValueError, match="expected min_ndim=1, found ndim=0"):
        Flatten()(np.float32(1.0))


# -- Reshape -----------------------------------------------------------------------------
def test_reshape_contract():
    check_layer(lambda: Reshape((4, 3)), (2, 3, 4), (2, 4, 3), num_weights=0, num_params=0)
    check_layer(lambda: Reshape((-1, 2)), (2, 3, 4), (2, 6, 2), num_weights=0)
    check_layer(lambda: Reshape([12]), (2, 3, 4), (2, 12), num_weights=0)


def test_reshape_values_match_numpy():
    np.testing.assert_array_equal(Reshape((5, -1))(X).numpy(), X.reshape(2, 5, 12))


def test_reshape_symbolic_shapes():
    assert tuple(Reshape((-1, 2))(Input(shape=(3, 4))).shape) == (None, 6, 2)
    assert tuple(Reshape((-1, 2))(Input(shape=(None, 4))).shape) == (None, None, 2)
    assert tuple(Reshape((2, 6))(Input(shape=(None, 4))).shape) == (None, 2, 6)


def test_reshape_size_mismatch_names_layer_input_and_target():
    layer = Reshape((5,), name="to_five")
    with pytest.raises(ValueError, match=r"'to_five'.*input of shape \(2, 3, 4\).*12 values"
                                         r".*target_shape \(5,\) has 5"):
        layer(X[:, :, :, 0])
    with pytest.raises(ValueError, match=r"target_shape \(5, -1\).*12 is not a multiple of 5"):
        Reshape((5, -1))(X[:, :, :, 0])
    with pytest.raises(ValueError, match=r"input of shape \(None, 3, 4\)"):
        Reshape((5,))(Input(shape=(3, 4)))  # caught when the functional graph is defined


@pytest.mark.parametrize("target", [(-1, -1), (0, 3), (2.5,), "ab", None])
def test_reshape_rejects_bad_target_shapes(target):
    with pytest.raises(ValueError, match="target_shape must be a tuple of positive integers"):
        Reshape(target)


def test_reshape_config_round_trip_keeps_target_shape():
    layer = Reshape((3, -1))
    assert layer.get_config()["target_shape"] == [3, -1]
    assert Reshape.from_config(layer.get_config()).target_shape == (3, -1)


# -- Permute -----------------------------------------------------------------------------
def test_permute_contract():
    check_layer(lambda: Permute((3, 1, 2)), (2, 3, 4, 5), (2, 5, 3, 4), num_weights=0,
                num_params=0)
    check_layer(lambda: Permute((2, 1)), (2, 3, 4), (2, 4, 3), num_weights=0)


def test_permute_values_and_symbolic_shape():
    np.testing.assert_array_equal(Permute((2, 3, 1))(X).numpy(), np.transpose(X, (0, 2, 3, 1)))
    assert tuple(Permute((2, 1))(Input(shape=(None, 7))).shape) == (None, 7, None)
    assert Permute([2, 1]).get_config()["dims"] == [2, 1]


@pytest.mark.parametrize("dims", [(1, 3), (0, 1), (2, 2), "ab", 2])
def test_permute_rejects_bad_dims(dims):
    with pytest.raises(ValueError, match="consecutive and start from 1"):
        Permute(dims)


def test_permute_rejects_inputs_of_the_wrong_rank():
    with pytest.raises(ValueError, match=r"'swap'.*expected ndim=3, found ndim=4.*\(2, 3, 4, 5\)"):
        Permute((2, 1), name="swap")(X)
    with pytest.raises(ValueError, match="expected ndim=3, found ndim=2"):
        Permute((2, 1))(Input(shape=(3,)))


# -- RepeatVector ------------------------------------------------------------------------
def test_repeat_vector_contract():
    check_layer(lambda: RepeatVector(4), (2, 3), (2, 4, 3), num_weights=0, num_params=0)


def test_repeat_vector_values_and_symbolic_shape():
    v = X[:, :, 0, 0]
    y = RepeatVector(3)(v).numpy()
    np.testing.assert_array_equal(y, np.repeat(v[:, None, :], 3, axis=1))
    assert tuple(RepeatVector(5)(Input(shape=(3,))).shape) == (None, 5, 3)
    assert RepeatVector(5).get_config()["n"] == 5


def test_repeat_vector_bad_arguments():
    with pytest.raises(TypeError, match="expected an integer value for `n`"):
        RepeatVector(2.0)
    with pytest.raises(ValueError, match="non-negative"):
        RepeatVector(-1)
    with pytest.raises(ValueError, match="expected ndim=2, found ndim=4"):
        RepeatVector(2)(X)


# -- in models ---------------------------------------------------------------------------
def test_reshaping_layers_in_a_sequential_model_and_its_clone():
    model = Sequential([Reshape((2, 6), input_shape=(12,)), Permute((2, 1)), Flatten(),
                        RepeatVector(2), Flatten(), Dense(3)])
    assert model.count_params() == 24 * 3 + 3
    x = np.random.default_rng(1).normal(size=(4, 12)).astype(np.float32)
    clone = clone_model(model)
    clone.set_weights(model.get_weights())
    y = model(x).numpy()
    expected = np.tile(x.reshape(4, 2, 6).transpose(0, 2, 1).reshape(4, 12), (1, 2))
    np.testing.assert_allclose(y, expected @ model.weights[0].numpy() + model.weights[1].numpy(),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(clone(x).numpy(), y, rtol=1e-6)


def test_flatten_between_functional_layers():
    inputs = Input(shape=(4, 4, 2))
    outputs = Dense(2)(Flatten()(inputs))
    model = Model(inputs, outputs)
    assert model.count_params() == 32 * 2 + 2
    assert tuple(model(np.ones((3, 4, 4, 2), np.float32)).shape) == (3, 2)
