"""The layer contract: what every Keras layer must do, checked in one call per layer."""

import numpy as np

from ndflow.autodiff.tape import GradientTape
from ndflow.core.tensor import wrap
from ndflow.keras import Input, Model
from ndflow.keras.layers.serialization import deserialize_layer, serialize_layer
from ndflow.ops.reduction import reduce_sum
from ndflow.testing import check_gradients, numerical_gradients


def check_layer(make, input_shape, expected_output_shape=None, num_weights=None,
                num_params=None, gradients=True, order=1, call_kwargs=None, seed=0):
    """Build ``make()`` on inputs of ``input_shape`` (batch included) and check it.

    Checks: the output shape (eager and symbolic agree, batch None symbolically), the number
    of weights and parameters, the config round trip (same class, same config, same outputs
    with copied weights), and float64 gradients against finite differences.
    """
    call_kwargs = call_kwargs or {}
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, size=input_shape).astype(np.float32)
    layer = make()
    y = layer(x, **call_kwargs)
    if expected_output_shape is not None:
        assert tuple(y.shape) == tuple(expected_output_shape), (y.shape, expected_output_shape)
    symbolic = make()(Input(shape=input_shape[1:]), **call_kwargs)
    assert tuple(symbolic.shape)[1:] == tuple(y.shape)[1:], (symbolic.shape, y.shape)
    assert symbolic.shape[0] is None
    if num_weights is not None:
        assert len(layer.weights) == num_weights, [w.name for w in layer.weights]
    if num_params is not None:
        assert layer.count_params() == num_params
    config = serialize_layer(layer)
    clone = deserialize_layer(config)
    assert type(clone) is type(layer)
    assert serialize_layer(clone)["config"] == config["config"]
    y2 = clone(x, **call_kwargs)
    if layer.weights:
        clone.set_weights(layer.get_weights())
        y2 = clone(x, **call_kwargs)
    np.testing.assert_allclose(np.asarray(y2), np.asarray(y), rtol=1e-6, atol=1e-6)
    if gradients:
        layer64 = type(layer).from_config({**layer.get_config(), "dtype": "float64",
                                           "name": layer.name + "_f64"})
        x64 = x.astype(np.float64)
        layer64(x64, **call_kwargs)
        if layer.weights:
            layer64.set_weights([w.astype(np.float64) for w in layer.get_weights()])
        check_gradients(lambda t: layer64(t, **call_kwargs), [x64], order=order)
        _check_weight_gradients(layer64, x64, call_kwargs, rng)
    return layer, y


def _check_weight_gradients(layer, x, call_kwargs, rng):
    """Tape gradients w.r.t. each trainable weight against finite differences."""
    out = layer(x, **call_kwargs)
    projection = wrap(rng.standard_normal(tuple(out.shape)))

    def scalar():
        return reduce_sum(layer(wrap(x), **call_kwargs) * projection)

    for w in layer.trainable_weights:
        original = w.numpy().copy()
        with GradientTape() as tape:
            s = scalar()
        analytic = tape.gradient(s, w)

        def as_function_of_weight(t, w=w):
            w.assign(t)
            return scalar()

        (numeric,) = numerical_gradients(as_function_of_weight, [original])
        w.assign(original)
        assert analytic is not None, f"no gradient for weight {w.name}"
        np.testing.assert_allclose(analytic.numpy(), numeric, rtol=1e-4, atol=1e-6)


def functional_wrap(layer, input_shape):
    """A functional model around one layer (to check the layer inside a graph)."""
    inputs = Input(shape=input_shape[1:])
    return Model(inputs, layer(inputs))
