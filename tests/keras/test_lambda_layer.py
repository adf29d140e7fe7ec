"""Lambda: the layer contract, arguments, shapes, masks, and what can and can't be
serialized."""

import numpy as np
import pytest

from ndflow.keras import Input, Model, Sequential
from ndflow.keras.layers.core import Dense
from ndflow.keras.layers.lambda_layer import Lambda
from ndflow.keras.layers.serialization import deserialize_layer, serialize_layer
from ndflow.keras.models import clone_model
from ndflow.ops.array import concat
from ndflow.ops.math import square, tanh
from ndflow.ops.reduction import reduce_sum
from tests.keras.contract import check_layer

X = np.random.default_rng(0).uniform(-1, 1, size=(3, 4)).astype(np.float32)


def cube(x):
    return x * x * x


def scaled(x, factor=1.0):
    return x * factor


def doubled_in_training(x, training=None):
    return x * 2.0 if training else x


def echo_mask(x, mask=None):
    return x if mask is None else x * mask


def both_signs(x):
    return concat([x, -x], axis=-1)


def both_signs_shape(input_shape):
    return (*input_shape[:-1], 2 * input_shape[-1])


def row_sum(x):
    return reduce_sum(x, axis=-1)


def pair_sum(pair):
    return pair[0] + pair[1]


def keep_first_feature(inputs, mask=None):
    return None if mask is None else mask[:, 0]


def test_lambda_contract():
    check_layer(lambda: Lambda(cube), (3, 4), (3, 4), num_weights=0, num_params=0, order=2)
    check_layer(lambda: Lambda(tanh), (3, 4), (3, 4), num_weights=0, order=2)
    check_layer(lambda: Lambda(both_signs, output_shape=both_signs_shape), (3, 4), (3, 8),
                num_weights=0)
    check_layer(lambda: Lambda(row_sum, output_shape=()), (3, 4), (3,), num_weights=0)


def test_lambda_values_and_arguments():
    np.testing.assert_allclose(Lambda(square)(X).numpy(), X ** 2, rtol=1e-6)
    layer = Lambda(scaled, arguments={"factor": 3.0})
    np.testing.assert_allclose(layer(X).numpy(), 3 * X, rtol=1e-6)
    check_layer(lambda: Lambda(scaled, arguments={"factor": -2.0}), (3, 4), (3, 4),
                num_weights=0)
    assert layer.get_config()["arguments"] == {"factor": 3.0}


def test_lambda_output_shapes():
    assert tuple(Lambda(row_sum)(Input(shape=(5, 4))).shape) == (None, 5)  # inferred
    assert tuple(Lambda(both_signs, output_shape=(8,))(Input(shape=(4,))).shape) == (None, 8)
    assert tuple(Lambda(both_signs, output_shape=both_signs_shape)(
        Input(shape=(4,))).shape) == (None, 8)
    assert tuple(Lambda(pair_sum)([Input(shape=(3,)), Input(shape=(3,))]).shape) == (None, 3)
    assert tuple(Lambda(pair_sum, output_shape=(3,))(
        [Input(shape=(3,)), Input(shape=(3,))]).shape) == (None, 3)
    with pytest.raises(TypeError, match="`output_shape` must be a tuple"):
        Lambda(cube, output_shape="big")


def test_lambda_passes_training_and_mask_when_the_function_takes_them():
    layer = Lambda(doubled_in_training)
    np.testing.assert_allclose(layer(X).numpy(), X)
    np.testing.assert_allclose(layer(X, training=True).numpy(), 2 * X)
    model = Sequential([Lambda(doubled_in_training, input_shape=(4,))])
    np.testing.assert_allclose(model(X, training=True).numpy(), 2 * X)
    mask = np.array([[1, 0, 1, 0]], np.float32)
    np.testing.assert_allclose(Lambda(echo_mask)(X, mask=mask).numpy(), X * mask)
    np.testing.assert_allclose(Lambda(cube)(X, training=True).numpy(), X ** 3, rtol=1e-6)


def test_lambda_masks():
    assert not Lambda(cube).supports_masking
    assert Lambda(cube).compute_mask(X, None) is None
    bool_mask = np.array([[True, False], [False, True], [True, True]])
    layer = Lambda(cube, mask=keep_first_feature)
    assert layer.supports_masking
    np.testing.assert_array_equal(layer.compute_mask(X, bool_mask), bool_mask[:, 0])
    fixed = Lambda(cube, mask=bool_mask)
    np.testing.assert_array_equal(fixed.compute_mask(X).numpy(), bool_mask)
    clone = Lambda.from_config(fixed.get_config())
    np.testing.assert_array_equal(clone.compute_mask(X).numpy(), bool_mask)
    assert Lambda.from_config(layer.get_config()).mask is keep_first_feature


def test_lambda_config_names_functions_by_module():
    config = Lambda(cube, output_shape=both_signs_shape).get_config()
    assert config["function"] == {"module": __name__, "class_name": "function",
                                  "config": "cube", "registered_name": "cube"}
    assert config["output_shape"]["config"] == "both_signs_shape"
    assert Lambda(cube, output_shape=(4,)).get_config()["output_shape"] == [4]
    clone = deserialize_layer(serialize_layer(Lambda(tanh)))
    assert clone.function is tanh


def test_lambda_of_a_python_lambda_runs_but_cannot_be_serialized():
    layer = Lambda(lambda x: x + 1.0)
    np.testing.assert_allclose(layer(X).numpy(), X + 1)

    def local(x):
        return x

    for fn in (lambda x: x, local):
        with pytest.raises(ValueError, match="lambdas and nested functions can't be serialized"):
            Lambda(fn).get_config()
    with pytest.raises(ValueError, match="output_shape.*can't be serialized"):
        Lambda(cube, output_shape=lambda s: s).get_config()


def test_lambda_from_config_errors_and_custom_objects():
    config = serialize_layer(Lambda(cube))
    config["config"]["function"]["module"] = "no_such_module_for_ndflow_tests"
    with pytest.raises(ValueError, match="could not find the function "
                                         "no_such_module_for_ndflow_tests.cube"):
        deserialize_layer(config)
    restored = deserialize_layer(config, custom_objects={"cube": scaled})
    assert restored.function is scaled
    serialized_lambda = dict(serialize_layer(Lambda(cube))["config"],
                             function={"class_name": "__lambda__", "config": {"code": "..."}})
    with pytest.raises(ValueError, match="serialized Python lambda"):
        Lambda.from_config(serialized_lambda)
    with pytest.raises(TypeError, match="`function` must be callable"):
        Lambda(3)


def test_lambda_in_models_round_trips():
    model = Sequential([Lambda(cube, input_shape=(4,)), Dense(2)])
    clone = clone_model(model)
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(clone(X).numpy(), model(X).numpy(), rtol=1e-6)
    inputs = Input(shape=(4,))
    functional = Model(inputs, Dense(2)(Lambda(both_signs)(inputs)))
    assert functional.count_params() == 8 * 2 + 2
    rebuilt = deserialize_layer(serialize_layer(functional))
    rebuilt.set_weights(functional.get_weights())
    np.testing.assert_allclose(rebuilt(X).numpy(), functional(X).numpy(), rtol=1e-6)
