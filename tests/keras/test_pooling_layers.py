"""Pooling layers: the layer contract, Keras shapes and configs, PyTorch parity, errors."""

import numpy as np
import pytest

from ndflow.autodiff.tape import GradientTape
from ndflow.core.tensor import wrap
from ndflow.keras import Input
from ndflow.keras.layers.pooling import (
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    AvgPool2D,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalAveragePooling3D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    GlobalMaxPooling3D,
    MaxPool2D,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
)
from ndflow.ops.reduction import reduce_sum
from tests.keras.contract import check_layer


@pytest.mark.parametrize("make, in_shape, out_shape", [
    (lambda: MaxPooling1D(), (2, 7, 3), (2, 3, 3)),
    (lambda: MaxPooling1D(3, strides=1, padding="same"), (2, 5, 2), (2, 5, 2)),
    (lambda: MaxPooling2D(), (2, 5, 4, 3), (2, 2, 2, 3)),
    (lambda: MaxPooling2D((3, 2), strides=2, padding="same", data_format="channels_first"),
     (1, 2, 5, 5), (1, 2, 3, 3)),
    (lambda: MaxPooling3D(2, padding="same"), (1, 3, 3, 3, 2), (1, 2, 2, 2, 2)),
    (lambda: AveragePooling1D(2, strides=1), (2, 5, 2), (2, 4, 2)),
    (lambda: AveragePooling2D(3, strides=2, padding="same"), (2, 5, 5, 2), (2, 3, 3, 2)),
    (lambda: AveragePooling3D(2), (1, 4, 4, 4, 1), (1, 2, 2, 2, 1)),
    (lambda: GlobalMaxPooling1D(), (2, 5, 3), (2, 3)),
    (lambda: GlobalMaxPooling2D(keepdims=True), (2, 4, 3, 3), (2, 1, 1, 3)),
    (lambda: GlobalMaxPooling3D(data_format="channels_first"), (1, 2, 3, 3, 3), (1, 2)),
    (lambda: GlobalAveragePooling1D(data_format="channels_first"), (2, 3, 5), (2, 3)),
    (lambda: GlobalAveragePooling2D(), (2, 4, 3, 3), (2, 3)),
    (lambda: GlobalAveragePooling3D(keepdims=True), (1, 2, 3, 3, 2), (1, 1, 1, 1, 2)),
])
def test_layer_contract(make, in_shape, out_shape):
    check_layer(make, in_shape, out_shape, num_weights=0)


def test_defaults_config_and_aliases():
    layer = MaxPooling2D()
    assert layer.pool_size == (2, 2) and layer.strides == (2, 2) and layer.padding == "valid"
    config = AveragePooling2D(3, strides=1, padding="same").get_config()
    assert {k: config[k] for k in ("pool_size", "strides", "padding", "data_format")} == {
        "pool_size": (3, 3), "strides": (1, 1), "padding": "same",
        "data_format": "channels_last"}
    assert MaxPool2D is MaxPooling2D and AvgPool2D is AveragePooling2D
    assert GlobalAveragePooling2D(keepdims=True).get_config()["keepdims"] is True


def test_symbolic_shapes():
    assert tuple(MaxPooling2D()(Input(shape=(None, 7, 3))).shape) == (None, None, 3, 3)
    assert tuple(GlobalMaxPooling2D()(Input(shape=(None, None, 3))).shape) == (None, 3)


def test_masked_global_average_pooling_1d():
    x = np.arange(12, dtype=np.float32).reshape(2, 3, 2)
    mask = np.array([[True, True, False], [True, False, False]])
    y = GlobalAveragePooling1D()(x, mask=mask).numpy()
    np.testing.assert_allclose(y, [x[0, :2].mean(0), x[1, :1].mean(0)])


def test_errors():
    with pytest.raises(ValueError, match="padding"):
        MaxPooling2D(padding="full")
    with pytest.raises(ValueError, match="pool_size"):
        MaxPooling2D(pool_size=(2, 2, 2))
    with pytest.raises(ValueError, match="expected ndim=4, found ndim=3"):
        MaxPooling2D()(np.zeros((4, 4, 3), np.float32))
    with pytest.raises(ValueError, match="data_format"):
        GlobalMaxPooling2D(data_format="NHWC")


torch = pytest.importorskip("torch")
F = torch.nn.functional


def _grads(layer, x, projection):
    t = wrap(x)
    with GradientTape() as tape:
        tape.watch(t)
        y = layer(t)
        s = reduce_sum(y * wrap(projection))
    return y.numpy(), tape.gradient(s, t).numpy()


def _torch(fn, x, projection):
    xt = torch.tensor(x, requires_grad=True)
    y = fn(xt.permute(0, 3, 1, 2)).permute(0, 2, 3, 1)
    y.backward(torch.tensor(projection))
    return y.detach().numpy(), xt.grad.numpy()


@pytest.mark.parametrize("pool, strides, padding", [
    (2, None, "valid"), (3, 2, "valid"), (3, 1, "valid"), (3, 2, "same")])
def test_max_pooling_2d_matches_torch(pool, strides, padding):
    x = np.random.default_rng(0).permutation(2 * 7 * 6 * 3).reshape(2, 7, 6, 3) * 0.01
    layer = MaxPooling2D(pool, strides=strides, padding=padding, dtype="float64")
    s = strides or pool
    # 7x6, window 3, stride 2: TF pads rows 1/1 and columns 0/1 (the extra cell after)
    pads = (0, 1, 1, 1) if padding == "same" else (0, 0, 0, 0)
    y = layer(x).numpy()
    projection = np.random.default_rng(1).standard_normal(y.shape)

    def fn(t):
        return F.max_pool2d(F.pad(t, pads, value=-np.inf), pool, s)

    for a, b in zip(_grads(layer, x, projection), _torch(fn, x, projection)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("pool, strides, padding", [(2, None, "valid"), (3, 1, "valid"),
                                                    (3, 2, "same")])
def test_average_pooling_2d_matches_torch(pool, strides, padding):
    x = np.random.default_rng(0).standard_normal((2, 7, 7, 3))
    layer = AveragePooling2D(pool, strides=strides, padding=padding, dtype="float64")
    s = strides or pool
    y = layer(x).numpy()
    projection = np.random.default_rng(1).standard_normal(y.shape)

    def fn(t):  # torch leaves the padding out of the divisor with count_include_pad=False
        return F.avg_pool2d(t, pool, s, padding=1 if padding == "same" else 0,
                            count_include_pad=False)

    for a, b in zip(_grads(layer, x, projection), _torch(fn, x, projection)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
