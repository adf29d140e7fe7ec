"""Convolution layers: the layer contract, Keras shapes and configs, PyTorch parity on
identical weights, errors, and a small CNN on scikit-learn's digits."""

import numpy as np
import pytest

from ndflow.autodiff.tape import GradientTape
from ndflow.core.tensor import wrap
from ndflow.keras import Input
from ndflow.keras.layers.convolutional import (
    Conv1D,
    Conv1DTranspose,
    Conv2D,
    Conv2DTranspose,
    Conv3D,
    Conv3DTranspose,
    DepthwiseConv1D,
    DepthwiseConv2D,
    SeparableConv1D,
    SeparableConv2D,
)
from ndflow.ops.reduction import reduce_sum
from tests.keras.contract import check_layer


# -- the contract ------------------------------------------------------------------------
@pytest.mark.parametrize("make, in_shape, out_shape, n_params", [
    (lambda: Conv1D(3, 3), (2, 7, 2), (2, 5, 3), 3 * 2 * 3 + 3),
    (lambda: Conv1D(3, 2, padding="causal", dilation_rate=2), (2, 6, 2), (2, 6, 3), 15),
    (lambda: Conv1D(4, 3, strides=2, padding="same", groups=2), (2, 7, 2), (2, 4, 4), 16),
    (lambda: Conv2D(3, (2, 3), activation="relu"), (2, 5, 5, 2), (2, 4, 3, 3), 39),
    (lambda: Conv2D(2, 3, strides=2, padding="same", activation="sigmoid"), (1, 5, 4, 2),
     (1, 3, 2, 2), 38),
    (lambda: Conv2D(2, 2, dilation_rate=2, data_format="channels_first", use_bias=False),
     (1, 3, 5, 5), (1, 2, 3, 3), 24),
    (lambda: Conv3D(2, 2, padding="same", activation="tanh"), (1, 3, 3, 3, 2),
     (1, 3, 3, 3, 2), 34),
    (lambda: Conv1DTranspose(2, 3, strides=2), (2, 4, 3), (2, 9, 2), 20),
    (lambda: Conv2DTranspose(2, 3, strides=2, padding="same"), (1, 3, 3, 2), (1, 6, 6, 2),
     38),
    (lambda: Conv2DTranspose(2, 3, strides=2, output_padding=1, data_format="channels_first"),
     (1, 2, 3, 3), (1, 2, 8, 8), 38),
    (lambda: Conv3DTranspose(1, 2, strides=(1, 2, 1)), (1, 2, 2, 2, 2), (1, 3, 4, 3, 1), 17),
    (lambda: DepthwiseConv2D(3, depth_multiplier=2, padding="same"), (1, 4, 4, 2),
     (1, 4, 4, 4), 40),
    (lambda: DepthwiseConv1D(2, strides=2), (2, 5, 3), (2, 2, 3), 9),
    (lambda: SeparableConv2D(3, 2, depth_multiplier=2, activation="relu"), (1, 4, 4, 2),
     (1, 3, 3, 3), 16 + 12 + 3),
    (lambda: SeparableConv1D(2, 3, padding="same"), (2, 5, 2), (2, 5, 2), 6 + 4 + 2),
], ids=lambda v: getattr(v, "__name__", None) if callable(v) else None)
def test_layer_contract(make, in_shape, out_shape, n_params):
    check_layer(make, in_shape, out_shape, num_params=n_params)


def test_weight_names_and_shapes_follow_keras():
    conv = Conv2D(8, 3, groups=2)
    conv(np.zeros((1, 5, 5, 4), np.float32))
    assert [(w.name, tuple(w.shape)) for w in conv.weights] == [
        ("kernel", (3, 3, 2, 8)), ("bias", (8,))]
    tconv = Conv2DTranspose(6, 3)
    tconv(np.zeros((1, 5, 5, 4), np.float32))
    assert tuple(tconv.kernel.shape) == (3, 3, 6, 4)
    dw = DepthwiseConv2D(3, depth_multiplier=2)
    dw(np.zeros((1, 5, 5, 4), np.float32))
    assert [(w.name, tuple(w.shape)) for w in dw.weights] == [
        ("kernel", (3, 3, 4, 2)), ("bias", (8,))]
    sep = SeparableConv2D(5, 3)
    sep(np.zeros((1, 5, 5, 4), np.float32))
    assert [(w.name, tuple(w.shape)) for w in sep.weights] == [
        ("depthwise_kernel", (3, 3, 4, 1)), ("pointwise_kernel", (1, 1, 4, 5)), ("bias", (5,))]


def test_symbolic_shapes_with_unknown_spatial_dims():
    y = Conv2D(4, 3, strides=2, padding="same")(Input(shape=(None, 9, 3)))
    assert tuple(y.shape) == (None, None, 5, 4)
    y = Conv2DTranspose(4, 3, strides=2)(Input(shape=(None, 5, 3)))
    assert tuple(y.shape) == (None, None, 11, 4)


def test_config_holds_keras_arguments():
    config = Conv2D(4, 3, strides=2, padding="same", dilation_rate=1, groups=1,
                    activation="relu").get_config()
    assert config["kernel_size"] == (3, 3) and config["strides"] == (2, 2)
    assert config["padding"] == "same" and config["data_format"] == "channels_last"
    assert config["activation"] == "relu" and config["groups"] == 1
    assert Conv2DTranspose(2, 3, output_padding=1, strides=2).get_config()[
        "output_padding"] == (1, 1)


def test_float64_layer_keeps_dtype():
    y = Conv2D(2, 3, dtype="float64")(np.ones((1, 4, 4, 1)))
    assert y.numpy().dtype == np.float64


# -- errors -------------------------------------------------------------------------------
def test_errors_name_the_layer_and_the_problem():
    with pytest.raises(ValueError, match="padding"):
        Conv2D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="kernel_size"):
        Conv2D(2, (3, 3, 3))
    with pytest.raises(ValueError, match="groups"):
        Conv2D(3, 3, groups=2)
    with pytest.raises(ValueError, match="filters"):
        Conv2D(0, 3)
    with pytest.raises(ValueError, match="groups"):
        Conv2D(4, 3, groups=2)(np.zeros((1, 5, 5, 3), np.float32))
    layer = Conv2D(2, 3)
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        layer(np.zeros((5, 5, 3), np.float32))
    layer(np.zeros((1, 5, 5, 3), np.float32))
    with pytest.raises(ValueError, match="expects 3 input channels, got 2"):
        layer(np.zeros((1, 5, 5, 2), np.float32))
    with pytest.raises(ValueError, match="output padding"):
        Conv2DTranspose(2, 3, strides=2, output_padding=2)


# -- PyTorch parity -----------------------------------------------------------------------
torch = pytest.importorskip("torch")
F = torch.nn.functional


def _nd(layer, x, projection):
    """Output and gradients (input, kernel, bias) of sum(layer(x) * projection)."""
    t = wrap(x)
    with GradientTape() as tape:
        tape.watch(t)
        y = layer(t)
        s = reduce_sum(y * wrap(projection))
    grads = tape.gradient(s, [t, layer.kernel, layer.bias])
    return y.numpy(), [g.numpy() for g in grads]


def _torch(fn, x, kernel, bias, projection):
    xt = torch.tensor(x, requires_grad=True)
    kt = torch.tensor(kernel, requires_grad=True)
    bt = torch.tensor(bias, requires_grad=True)
    y = fn(xt, kt, bt)
    y.backward(torch.tensor(projection))
    return y.detach().numpy(), [xt.grad.numpy(), kt.grad.numpy(), bt.grad.numpy()]


def _compare(layer, x, torch_fn):
    probe = layer(x).numpy()
    rng = np.random.default_rng(1)
    layer.bias.assign(rng.uniform(-1, 1, layer.bias.shape))
    projection = rng.standard_normal(probe.shape)
    y, grads = _nd(layer, x, projection)
    yt, grads_t = _torch(torch_fn, x, layer.kernel.numpy(), layer.bias.numpy(), projection)
    np.testing.assert_allclose(y, yt, rtol=1e-9, atol=1e-10)
    for a, b, what in zip(grads, grads_t, ("input", "kernel", "bias")):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10, err_msg=what)


def _nchw(x):
    return x.permute(0, 3, 1, 2)


def _nhwc(y):
    return y.permute(0, 2, 3, 1)


@pytest.mark.parametrize("strides, padding, dilation, pads", [
    (1, "valid", 1, (0, 0, 0, 0)),
    (1, "same", 1, (1, 1, 1, 1)),
    (2, "same", 1, (0, 1, 1, 1)),  # 8 rows, stride 2: TF pads the extra row after
    (2, "valid", 1, (0, 0, 0, 0)),
    (1, "same", 2, (2, 2, 2, 2)),
])
def test_conv2d_matches_torch(strides, padding, dilation, pads):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 8, 7, 3))
    layer = Conv2D(4, 3, strides=strides, padding=padding, dilation_rate=dilation,
                   dtype="float64")
    top, bottom, left, right = pads
    if (strides, padding) == (2, "same"):  # 7 columns, stride 2: total pad 2, split 1/1
        left, right = 1, 1

    def torch_fn(xt, k, b):
        xp = F.pad(_nchw(xt), (left, right, top, bottom))
        return _nhwc(F.conv2d(xp, k.permute(3, 2, 0, 1), b, stride=strides,
                              dilation=dilation))

    _compare(layer, x, torch_fn)


def test_conv2d_groups_and_channels_first_match_torch():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4, 6, 5))  # NCHW
    layer = Conv2D(6, (3, 2), groups=2, data_format="channels_first", dtype="float64")

    def torch_fn(xt, k, b):
        return F.conv2d(xt, k.permute(3, 2, 0, 1), b, groups=2)

    _compare(layer, x, torch_fn)


@pytest.mark.parametrize("strides, padding, dilation", [
    (1, "valid", 1), (2, "valid", 1), (1, "same", 2), (1, "causal", 2)])
def test_conv1d_matches_torch(strides, padding, dilation):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 9, 3))
    layer = Conv1D(4, 3, strides=strides, padding=padding, dilation_rate=dilation,
                   dtype="float64")
    pad = {"valid": (0, 0), "same": (2, 2), "causal": (4, 0)}[padding]

    def torch_fn(xt, k, b):
        xp = F.pad(xt.permute(0, 2, 1), pad)
        y = F.conv1d(xp, k.permute(2, 1, 0), b, stride=strides, dilation=dilation)
        return y.permute(0, 2, 1)

    _compare(layer, x, torch_fn)


@pytest.mark.parametrize("strides, padding, output_padding, crop", [
    (2, "valid", None, 0), (2, "same", None, 0), (3, "valid", 1, 0), (1, "same", None, 1)])
def test_conv2d_transpose_matches_torch(strides, padding, output_padding, crop):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 4, 3, 3))
    layer = Conv2DTranspose(2, 3, strides=strides, padding=padding,
                            output_padding=output_padding, dtype="float64")
    out_shape = layer.compute_output_shape(x.shape)

    def torch_fn(xt, k, b):
        # torch's weight is (in, out, kh, kw); keep the full result, then crop as TF pads
        y = F.conv_transpose2d(_nchw(xt), k.permute(3, 2, 0, 1), b, stride=strides,
                               output_padding=output_padding or 0)
        y = _nhwc(y)
        return y[:, crop:crop + out_shape[1], crop:crop + out_shape[2], :]

    _compare(layer, x, torch_fn)


# -- acceptance: a small CNN on the digits -----------------------------------------------
def test_small_cnn_learns_the_digits():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from threadpoolctl import threadpool_limits

    import ndflow
    from ndflow import keras
    from ndflow.keras.layers.core import Dense
    from ndflow.keras.layers.pooling import MaxPooling2D
    from ndflow.keras.layers.reshaping import Flatten

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]
    x_train, x_test, y_train, y_test = train_test_split(x, digits.target, test_size=0.25,
                                                        random_state=0)
    ndflow.random.set_seed(0)
    model = keras.Sequential([
        Input(shape=(8, 8, 1)),
        Conv2D(16, 3, activation="relu", padding="same"),
        MaxPooling2D(),
        Conv2D(32, 3, activation="relu"),
        Flatten(),
        Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    # tiny matrices: extra BLAS threads only wait on each other (and on a busy machine, a lot)
    with threadpool_limits(limits=1, user_api="blas"):
        model.fit(x_train, y_train, epochs=20, batch_size=32, verbose=0)
        _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy >= 0.97
