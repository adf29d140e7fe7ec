"""UpSampling, ZeroPadding, Cropping and SpatialDropout: the layer contract, values against
NumPy (and bilinear upsampling against PyTorch), channels_first, configs and bad
arguments."""

import numpy as np
import pytest

from ndflow.core.errors import InvalidArgumentError
from ndflow.keras import Input
from ndflow.keras.layers.spatial import (
    Cropping1D,
    Cropping2D,
    Cropping3D,
    SpatialDropout1D,
    SpatialDropout2D,
    SpatialDropout3D,
    UpSampling1D,
    UpSampling2D,
    UpSampling3D,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)
from ndflow.testing import check_gradients
from tests.keras.contract import check_layer

X3 = np.random.default_rng(0).uniform(-1, 1, size=(2, 5, 3)).astype(np.float32)
X4 = np.random.default_rng(1).uniform(-1, 1, size=(2, 4, 5, 3)).astype(np.float32)
X5 = np.random.default_rng(2).uniform(-1, 1, size=(2, 3, 4, 2, 3)).astype(np.float32)


# -- the layer contract ------------------------------------------------------------------
@pytest.mark.parametrize("make, shape, out", [
    (lambda: UpSampling1D(3), (2, 4, 3), (2, 12, 3)),
    (lambda: UpSampling2D((2, 3)), (2, 2, 3, 2), (2, 4, 9, 2)),
    (lambda: UpSampling2D(2, data_format="channels_first"), (2, 2, 3, 2), (2, 2, 6, 4)),
    (lambda: UpSampling2D(2, interpolation="bilinear"), (2, 2, 3, 2), (2, 4, 6, 2)),
    (lambda: UpSampling3D((1, 2, 2)), (1, 2, 2, 2, 2), (1, 2, 4, 4, 2)),
    (lambda: ZeroPadding1D((1, 2)), (2, 4, 3), (2, 7, 3)),
    (lambda: ZeroPadding2D(((1, 0), (2, 3))), (2, 2, 3, 2), (2, 3, 8, 2)),
    (lambda: ZeroPadding2D(1, data_format="channels_first"), (2, 2, 3, 2), (2, 2, 5, 4)),
    (lambda: ZeroPadding3D(1), (1, 2, 2, 2, 2), (1, 4, 4, 4, 2)),
    (lambda: Cropping1D((1, 2)), (2, 5, 3), (2, 2, 3)),
    (lambda: Cropping2D(((1, 0), (0, 2))), (2, 3, 4, 2), (2, 2, 2, 2)),
    (lambda: Cropping2D(1, data_format="channels_first"), (2, 2, 3, 4), (2, 2, 1, 2)),
    (lambda: Cropping3D(((1, 0), 0, (0, 1))), (1, 2, 2, 3, 2), (1, 1, 2, 2, 2)),
])
def test_contract(make, shape, out):
    check_layer(make, shape, out, num_weights=0, order=2)


@pytest.mark.parametrize("make, shape", [
    (lambda: SpatialDropout1D(0.5), (2, 4, 3)),
    (lambda: SpatialDropout2D(0.5), (2, 2, 3, 2)),
    (lambda: SpatialDropout2D(0.5, data_format="channels_first"), (2, 2, 3, 2)),
    (lambda: SpatialDropout3D(0.5), (1, 2, 2, 2, 2)),
])
def test_spatial_dropout_contract(make, shape):
    check_layer(make, shape, shape, num_weights=0)  # inference: the identity
    check_layer(lambda: type(make())(**{**make().get_config(), "seed": 3, "name": None}),
                shape, shape, call_kwargs={"training": True}, gradients=False)


# -- values --------------------------------------------------------------------------------
def test_upsampling_repeats_like_numpy():
    np.testing.assert_array_equal(UpSampling1D(2)(X3).numpy(), np.repeat(X3, 2, axis=1))
    np.testing.assert_array_equal(UpSampling2D((2, 3))(X4).numpy(),
                                  np.repeat(np.repeat(X4, 2, axis=1), 3, axis=2))
    np.testing.assert_array_equal(
        UpSampling2D((3, 1), data_format="channels_first")(X4).numpy(),
        np.repeat(X4, 3, axis=2))
    np.testing.assert_array_equal(
        UpSampling3D(2)(X5).numpy(),
        np.repeat(np.repeat(np.repeat(X5, 2, axis=1), 2, axis=2), 2, axis=3))


@pytest.mark.parametrize("size", [(2, 2), (3, 2), (1, 4)])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_bilinear_upsampling_matches_torch(size, data_format):
    torch = pytest.importorskip("torch")
    x = X4.astype(np.float64)
    y = UpSampling2D(size, data_format=data_format, interpolation="bilinear",
                     dtype="float64")(x).numpy()
    t = torch.tensor(x) if data_format == "channels_first" else torch.tensor(x).movedim(-1, 1)
    ref = torch.nn.functional.interpolate(t, scale_factor=size, mode="bilinear",
                                          align_corners=False)
    ref = ref if data_format == "channels_first" else ref.movedim(1, -1)
    np.testing.assert_allclose(y, ref.numpy(), rtol=1e-12, atol=1e-12)


def test_zero_padding_and_cropping_like_numpy():
    np.testing.assert_array_equal(ZeroPadding1D(2)(X3).numpy(),
                                  np.pad(X3, ((0, 0), (2, 2), (0, 0))))
    np.testing.assert_array_equal(ZeroPadding2D((1, 2))(X4).numpy(),
                                  np.pad(X4, ((0, 0), (1, 1), (2, 2), (0, 0))))
    np.testing.assert_array_equal(
        ZeroPadding2D(((0, 1), (2, 0)), data_format="channels_first")(X4).numpy(),
        np.pad(X4, ((0, 0), (0, 0), (0, 1), (2, 0))))
    np.testing.assert_array_equal(ZeroPadding3D(((1, 0), (0, 1), 2))(X5).numpy(),
                                  np.pad(X5, ((0, 0), (1, 0), (0, 1), (2, 2), (0, 0))))
    np.testing.assert_array_equal(Cropping1D((1, 2))(X3).numpy(), X3[:, 1:3])
    np.testing.assert_array_equal(Cropping2D(((1, 0), (2, 1)))(X4).numpy(), X4[:, 1:, 2:4])
    np.testing.assert_array_equal(Cropping2D((1, 1), data_format="channels_first")(X4).numpy(),
                                  X4[:, :, 1:4, 1:2])
    np.testing.assert_array_equal(Cropping3D(((1, 1), 1, 0))(X5).numpy(), X5[:, 1:2, 1:3])


def test_cropping_undoes_zero_padding():
    padded = ZeroPadding2D(((1, 2), (3, 0)))(X4)
    np.testing.assert_array_equal(Cropping2D(((1, 2), (3, 0)))(padded).numpy(), X4)


@pytest.mark.parametrize("make, x, channel_axes", [
    (lambda: SpatialDropout1D(0.5, seed=1), X3, (0, 2)),
    (lambda: SpatialDropout2D(0.5, seed=1), X4, (0, 3)),
    (lambda: SpatialDropout2D(0.5, data_format="channels_first", seed=1), X4, (0, 1)),
    (lambda: SpatialDropout3D(0.5, seed=1), X5, (0, 4)),
])
def test_spatial_dropout_drops_whole_channels(make, x, channel_axes):
    layer = make()
    y = layer(x, training=True).numpy()
    spatial = tuple(a for a in range(x.ndim) if a not in channel_axes)
    kept = np.all(np.isclose(y, 2 * x), axis=spatial)
    dropped = np.all(y == 0, axis=spatial)
    assert np.all(kept ^ dropped)  # each channel of each sample: all kept or all dropped
    assert kept.any() and dropped.any()
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    np.testing.assert_array_equal(layer(x).numpy(), x)


def test_spatial_dropout_rate_and_scaling():
    x = np.ones((400, 2, 50), np.float32)
    y = SpatialDropout1D(0.3, seed=0)(x, training=True).numpy()
    dropped = np.mean(y[:, 0, :] == 0)
    assert abs(dropped - 0.3) < 0.03
    np.testing.assert_allclose(y[y != 0], 1 / 0.7, rtol=1e-6)
    assert y.mean() == pytest.approx(1.0, abs=0.05)  # expectation kept


def test_spatial_dropout_seed_repeats_and_gradients():
    a = SpatialDropout2D(0.5, seed=4)(X4, training=True).numpy()
    b = SpatialDropout2D(0.5, seed=4)(X4, training=True).numpy()
    np.testing.assert_array_equal(a, b)
    x64 = X4.astype(np.float64)
    check_gradients(lambda t: SpatialDropout2D(0.5, seed=4, dtype="float64")(t, training=True),
                    [x64])


# -- configuration ----------------------------------------------------------------------
def test_configs_in_keras_form():
    assert UpSampling1D(3).get_config()["size"] == 3
    config = UpSampling2D(2, interpolation="bilinear").get_config()
    assert (config["size"], config["interpolation"], config["data_format"]) == \
        ([2, 2], "bilinear", "channels_last")
    assert ZeroPadding1D(2).get_config()["padding"] == [2, 2]
    assert ZeroPadding2D((1, 2)).get_config()["padding"] == [[1, 1], [2, 2]]
    assert Cropping1D().get_config()["cropping"] == [1, 1]
    assert Cropping2D().get_config()["cropping"] == [[0, 0], [0, 0]]
    assert ZeroPadding3D().get_config()["padding"] == [[1, 1]] * 3
    sd = SpatialDropout2D(0.25, data_format="channels_first", seed=2).get_config()
    assert (sd["rate"], sd["data_format"], sd["seed"]) == (0.25, "channels_first", 2)
    assert "noise_shape" not in sd and "data_format" not in SpatialDropout1D(0.1).get_config()
    for layer in (UpSampling1D(3), ZeroPadding2D(((1, 2), (0, 3))), Cropping1D((0, 2)),
                  SpatialDropout1D(0.2), UpSampling3D(), Cropping3D()):
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == {**layer.get_config(), "name": clone.name}


def test_symbolic_shapes_keep_unknown_dimensions():
    assert tuple(UpSampling2D(2)(Input(shape=(None, 4, 3))).shape) == (None, None, 8, 3)
    assert tuple(ZeroPadding1D(1)(Input(shape=(None, 3))).shape) == (None, None, 3)
    assert tuple(Cropping2D(1)(Input(shape=(None, 5, 3))).shape) == (None, None, 3, 3)


# -- bad arguments -------------------------------------------------------------------------
@pytest.mark.parametrize("make, match", [
    (lambda: ZeroPadding2D(((1, 2, 3), (0, 0))), "`padding` must be"),
    (lambda: ZeroPadding2D((1, 2, 3)), "`padding` must be"),
    (lambda: ZeroPadding1D(-1), "`padding` must be"),
    (lambda: ZeroPadding1D("same"), "`padding` must be"),
    (lambda: Cropping2D(((1, 1), (1.5, 0))), "`cropping` must be"),
    (lambda: UpSampling2D((2, 0)), "`size` must be"),
    (lambda: UpSampling1D(True), "`size` must be"),
    (lambda: UpSampling2D(interpolation="bicubic"), "`interpolation` must be one of"),
    (lambda: ZeroPadding2D(data_format="channels_middle"), "data_format"),
    (lambda: SpatialDropout2D(1.5), "rate"),
])
def test_bad_arguments(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_cropping_too_much_is_reported():
    with pytest.raises(ValueError, match=r"removes 3 \+ 2 of the 5 entries of axis 1"):
        Cropping1D((3, 2))(X3)
    with pytest.raises(ValueError, match="must leave something"):
        Cropping2D(((0, 0), (3, 2)))(Input(shape=(4, 5, 3)))


@pytest.mark.parametrize("layer", [UpSampling2D(), ZeroPadding1D(), Cropping2D(),
                                   SpatialDropout2D(0.5)])
def test_wrong_rank_is_reported(layer):
    with pytest.raises(InvalidArgumentError, match="expected ndim="):
        layer(X5, training=True)
