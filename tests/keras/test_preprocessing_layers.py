"""Rescaling and Normalization: contract, adapt against NumPy statistics, and bad input."""

import numpy as np
import pytest

from ndflow.core.convert import convert_to_tensor
from ndflow.core.errors import InvalidArgumentError
from ndflow.keras import Input, Model, Sequential
from ndflow.keras.layers.core import Dense
from ndflow.keras.layers.preprocessing import Normalization, Rescaling
from ndflow.keras.layers.serialization import deserialize_layer, serialize_layer
from ndflow.testing import check_gradients
from tests.keras.contract import check_layer

DATA = np.random.default_rng(0).normal(loc=[1.0, -3.0, 10.0], scale=[0.5, 2.0, 4.0],
                                       size=(50, 3))


# -- Rescaling ---------------------------------------------------------------------------
def test_rescaling_contract_and_values():
    check_layer(lambda: Rescaling(0.5, offset=-1.0), (3, 4), (3, 4), num_weights=0, order=2)
    x = np.random.default_rng(1).normal(size=(3, 4)).astype(np.float32)
    np.testing.assert_allclose(Rescaling(0.5, offset=-1.0)(x).numpy(), x * 0.5 - 1.0)
    assert Rescaling(2, offset=1).get_config()["scale"] == 2.0


def test_rescaling_casts_integer_images_to_floats():
    pixels = np.array([[0, 51, 255]], dtype=np.uint8)
    y = Rescaling(1.0 / 255)(pixels)
    assert y.dtype.name == "float32"
    np.testing.assert_allclose(y.numpy(), [[0.0, 0.2, 1.0]], rtol=1e-6)
    out = Rescaling(1.0 / 127.5, offset=-1)(Input(shape=(2, 2, 3), dtype="uint8"))
    assert out.dtype == "float32" and tuple(out.shape) == (None, 2, 2, 3)


def test_rescaling_with_a_scale_per_channel():
    def make():
        return Rescaling([1.0, 2.0, 3.0], offset=[0.0, 0.5, 1.0])

    check_layer(make, (2, 4, 3), (2, 4, 3), num_weights=0, order=2)
    x = np.ones((2, 3), np.float32)
    np.testing.assert_allclose(make()(x).numpy(), [[1.0, 2.5, 4.0]] * 2)
    assert make().get_config()["scale"] == [1.0, 2.0, 3.0]


# -- Normalization with given statistics -------------------------------------------------
def test_normalization_with_given_mean_and_variance_contract():
    def make():
        return Normalization(mean=[1.0, -2.0, 0.5, 0.0], variance=[4.0, 1.0, 0.25, 2.0])

    layer, _ = check_layer(make, (3, 4), (3, 4), num_weights=0, order=2)
    x = np.random.default_rng(2).normal(size=(3, 4)).astype(np.float32)
    expected = (x - [1.0, -2.0, 0.5, 0.0]) / np.sqrt([4.0, 1.0, 0.25, 2.0])
    np.testing.assert_allclose(layer(x).numpy(), expected, rtol=1e-5)
    np.testing.assert_allclose(layer.variance.numpy(), [[4.0, 1.0, 0.25, 2.0]])


def test_normalization_scalar_statistics_broadcast_to_the_features():
    layer = Normalization(mean=3.0, variance=2.0)
    y = layer(np.array([[1.0], [2.0], [3.0]], np.float32))
    np.testing.assert_allclose(y.numpy(), [[-2 / np.sqrt(2)], [-1 / np.sqrt(2)], [0.0]],
                               rtol=1e-6)
    config = layer.get_config()
    assert (config["mean"], config["variance"], config["axis"]) == (3.0, 2.0, (-1,))
    inverse = Normalization(mean=3.0, variance=2.0, invert=True)
    np.testing.assert_allclose(inverse(y).numpy(), [[1.0], [2.0], [3.0]], rtol=1e-6)


# -- Normalization.adapt -----------------------------------------------------------------
def adapted(data=DATA, **kwargs):
    layer = Normalization(**kwargs)
    layer.adapt(data)
    return layer


def test_adapt_computes_the_per_feature_mean_and_variance():
    layer = adapted()
    mean, variance, count = layer.get_weights()
    np.testing.assert_allclose(mean, DATA.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(variance, DATA.var(axis=0), rtol=1e-6)
    assert count == 50
    assert tuple(layer.mean.shape) == (1, 3)  # broadcast shape, as tutorials print it
    np.testing.assert_allclose(layer.variance.numpy()[0], DATA.var(axis=0), rtol=1e-6)
    assert Normalization().mean is None
    assert [w.name for w in layer.weights] == ["mean", "variance", "count"]
    assert layer.trainable_weights == [] and layer.count_params() == 7
    y = layer(DATA).numpy()
    np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=0), 1.0, rtol=1e-5)


def test_adapt_over_other_axes():
    images = np.random.default_rng(3).normal(size=(6, 4, 5, 3)) * [1.0, 2.0, 3.0] + 1.0
    for axis, reduce in [(None, None), (-1, (0, 1, 2)), ((1, 2), (0, 3)), (1, (0, 2, 3))]:
        layer = adapted(images, axis=axis)
        mean, variance, count = layer.get_weights()
        np.testing.assert_allclose(mean, images.mean(axis=reduce), rtol=1e-5)
        np.testing.assert_allclose(variance, images.var(axis=reduce), rtol=1e-5)
        assert count == images.size // max(mean.size, 1)
        keep = tuple(d for d in range(4) if reduce is not None and d not in reduce)
        shape = [images.shape[d] if d in keep else 1 for d in range(4)]
        expected = (images - mean.reshape(shape)) / np.sqrt(variance.reshape(shape))
        np.testing.assert_allclose(layer(images).numpy(), expected, rtol=1e-4, atol=1e-4)


def test_adapt_from_batches_matches_the_whole_array():
    whole = adapted().get_weights()
    batches = [DATA[i:i + 16] for i in range(0, 50, 16)]  # uneven last batch
    for data in (batches, iter(batches), ((b, np.zeros(len(b))) for b in batches),
                 convert_to_tensor(DATA), DATA.tolist()):
        weights = adapted(data).get_weights()
        for a, b in zip(weights, whole):
            np.testing.assert_allclose(a, b, rtol=1e-6)


def test_adapt_replaces_earlier_statistics_and_accepts_integers():
    layer = adapted()
    layer.adapt(np.arange(12, dtype=np.int64).reshape(4, 3))
    np.testing.assert_allclose(layer.get_weights()[0], [4.5, 5.5, 6.5])
    assert layer(np.array([[4, 5, 6]], np.int32)).dtype.name == "float32"


def test_adapted_normalization_gradients_and_weight_round_trip():
    layer = adapted()
    x = DATA[:4]
    clone = deserialize_layer(serialize_layer(layer))
    clone.build((None, 3))
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(x).numpy(), layer(x).numpy(), rtol=1e-6)
    layer64 = Normalization(dtype="float64")
    layer64.adapt(DATA)
    check_gradients(layer64, [x], order=2)


def test_invert_undoes_the_normalization():
    forward, inverse = adapted(), adapted(invert=True)
    np.testing.assert_allclose(inverse(forward(DATA)).numpy(), DATA, rtol=1e-4, atol=1e-4)
    assert inverse.get_config()["invert"] is True


def test_zero_variance_is_floored_by_epsilon():
    layer = adapted(np.ones((4, 2)))
    y = layer(np.ones((1, 2))).numpy()
    np.testing.assert_array_equal(y, [[0.0, 0.0]])


def test_normalization_in_models_adapted_after_the_model_is_defined():
    norm = Normalization()
    inputs = Input(shape=(3,))
    model = Model(inputs, Dense(1)(norm(inputs)))
    assert tuple(norm.adapt_mean.shape) == (3,)
    norm.adapt(DATA)
    assert model(DATA[:2]).shape == (2, 1)
    sequential = Sequential([Input(shape=(3,)), adapted(), Dense(2)])
    assert sequential.count_params() == 7 + 8
    lines = []
    sequential.summary(print_fn=lines.append)
    assert "Non-trainable params: 7" in "\n".join(lines)


def test_set_weights_without_a_count_still_counts_as_statistics():
    layer = Normalization()
    layer.build((None, 2))
    layer.set_weights([np.array([1.0, 2.0]), np.array([4.0, 1.0]), np.array(0)])
    np.testing.assert_allclose(layer(np.array([[3.0, 3.0]])).numpy(), [[1.0, 1.0]])


# -- bad input ---------------------------------------------------------------------------
def test_normalization_before_adapt_says_to_adapt():
    layer = Normalization(name="norm")
    with pytest.raises(ValueError, match="'norm' has no mean and variance yet.*adapt"):
        layer(DATA)


def test_normalization_bad_arguments():
    with pytest.raises(ValueError, match="both `mean` and `variance` must be set"):
        Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        Normalization(mean=[1.0, 2.0], variance=[1.0])
    with pytest.raises(ValueError, match="more dimensions than the kept axes"):
        Normalization(mean=[[1.0]], variance=[[1.0]])
    with pytest.raises(ValueError, match="cannot be broadcast to the kept axes \\(3,\\)"):
        Normalization(mean=[1.0, 2.0], variance=[1.0, 1.0])(np.ones((2, 3)))
    with pytest.raises(ValueError, match="axis=\\(2,\\) is out of range"):
        Normalization(axis=2)(np.ones((2, 3)))
    with pytest.raises(ValueError, match="nothing to adapt"):
        Normalization(mean=0.0, variance=1.0).adapt(DATA)


def test_normalization_bad_shapes():
    with pytest.raises(ValueError, match="axis 1 of the input shape \\(None, None\\) is unknown"):
        Normalization()(Input(shape=(None,)))
    layer = adapted(name="norm3")
    with pytest.raises(InvalidArgumentError, match="'norm3' was built for inputs of shape "
                                                   "\\(50, 3\\).*got inputs of shape \\(2, 4\\)"):
        layer(np.ones((2, 4)))
    with pytest.raises(ValueError, match="adapt\\(\\) got data of shape \\(5, 4\\)"):
        layer.adapt(np.ones((5, 4)))
    with pytest.raises(ValueError, match="no data"):
        Normalization().adapt([])
    with pytest.raises(TypeError, match="NumPy array, a tensor or an iterable"):
        Normalization().adapt(3.0)
