"""Convolution and pooling forwards against direct NumPy loops; dtypes; TF's SAME
arithmetic; data formats; errors that name the op and the bad argument."""

import itertools

import numpy as np
import pytest

from ndflow.ops import conv


def conv_loop(x, w, strides, pads, dilations, groups=1):
    """The textbook convolution, one output cell at a time (channels last)."""
    r = x.ndim - 2
    xp = np.pad(x, [(0, 0), *pads, (0, 0)])
    kernel, cin_g, f = w.shape[:r], w.shape[-2], w.shape[-1]
    out = [(p - (k - 1) * d - 1) // s + 1
           for p, k, s, d in zip(xp.shape[1:-1], kernel, strides, dilations)]
    y = np.zeros((x.shape[0], *out, f), x.dtype)
    fg = f // groups
    for n, o in itertools.product(range(x.shape[0]), itertools.product(*map(range, out))):
        for k in itertools.product(*map(range, kernel)):
            pos = tuple(oi * s + ki * d for oi, ki, s, d in zip(o, k, strides, dilations))
            for g in range(groups):
                cells = xp[(n, *pos, slice(g * cin_g, (g + 1) * cin_g))]
                y[(n, *o, slice(g * fg, (g + 1) * fg))] += cells @ w[(*k, slice(None),
                                                                      slice(g * fg, (g + 1) * fg))]
    return y


def pool_loop(x, ksize, strides, pads, reduce):
    r = x.ndim - 2
    xp = np.pad(x, [(0, 0), *pads, (0, 0)], constant_values=np.nan)
    out = [(p - k) // s + 1 for p, k, s in zip(xp.shape[1:-1], ksize, strides)]
    y = np.zeros((x.shape[0], *out, x.shape[-1]), x.dtype)
    for o in itertools.product(*map(range, out)):
        window = xp[(slice(None), *(slice(oi * s, oi * s + k)
                                    for oi, s, k in zip(o, strides, ksize)), slice(None))]
        y[(slice(None), *o, slice(None))] = reduce(window, axis=tuple(range(1, 1 + r)))
    return y


def same_pads(sizes, ksize, strides, dilations=None):
    dilations = dilations or (1,) * len(sizes)
    pads = []
    for n, k, s, d in zip(sizes, ksize, strides, dilations):
        total = max((-(-n // s) - 1) * s + (k - 1) * d + 1 - n, 0)
        pads.append((total // 2, total - total // 2))
    return pads


RNG = np.random.default_rng(0)


@pytest.mark.parametrize("shape, kernel, strides, padding, dilations, groups", [
    ((2, 9, 3), (3,), (2,), "SAME", (1,), 1),
    ((2, 7, 6, 4), (3, 2), (1, 2), "VALID", (1, 1), 1),
    ((1, 8, 7, 4), (3, 3), (2, 2), "SAME", (1, 1), 2),
    ((1, 8, 8, 2), (3, 3), (1, 1), "SAME", (2, 3), 1),
    ((1, 4, 5, 6, 2), (2, 3, 2), (1, 2, 1), "SAME", (1, 1, 1), 1),
])
def test_convolution_matches_a_loop(shape, kernel, strides, padding, dilations, groups):
    x = RNG.standard_normal(shape)
    w = RNG.standard_normal((*kernel, shape[-1] // groups, 4))
    y = conv.convolution(x, w, strides, padding, dilations=dilations).numpy()
    pads = same_pads(shape[1:-1], kernel, strides, dilations) if padding == "SAME" \
        else [(0, 0)] * len(kernel)
    np.testing.assert_allclose(y, conv_loop(x, w, strides, pads, dilations, groups),
                               rtol=1e-12, atol=1e-12)


def test_conv2d_float32_stays_float32_and_nchw_matches_nhwc():
    x = RNG.standard_normal((2, 6, 5, 3)).astype(np.float32)
    w = RNG.standard_normal((3, 3, 3, 4)).astype(np.float32)
    y = conv.conv2d(x, w, [1, 2, 2, 1], "SAME")
    assert y.dtype.name == "float32" and tuple(y.shape) == (2, 3, 3, 4)
    y_cf = conv.conv2d(x.transpose(0, 3, 1, 2), w, [1, 1, 2, 2], "SAME", data_format="NCHW")
    np.testing.assert_allclose(y_cf.numpy().transpose(0, 2, 3, 1), y.numpy(), rtol=1e-5)


def test_explicit_padding():
    x = RNG.standard_normal((1, 5, 5, 2))
    w = RNG.standard_normal((3, 3, 2, 1))
    y = conv.conv2d(x, w, 1, [[0, 0], [2, 0], [0, 1], [0, 0]]).numpy()
    np.testing.assert_allclose(y, conv_loop(x, w, (1, 1), [(2, 0), (0, 1)], (1, 1)), atol=1e-12)


def test_depthwise_and_separable_match_a_loop():
    x = RNG.standard_normal((2, 5, 5, 3))
    dw = RNG.standard_normal((3, 3, 3, 2))
    y = conv.depthwise_conv2d(x, dw, [1, 1, 1, 1], "VALID").numpy()
    expected = np.concatenate([conv_loop(x[..., c:c + 1], dw[:, :, c:c + 1, :], (1, 1),
                                         [(0, 0)] * 2, (1, 1)) for c in range(3)], axis=-1)
    np.testing.assert_allclose(y, expected, atol=1e-12)
    pw = RNG.standard_normal((1, 1, 6, 4))
    ys = conv.separable_conv2d(x, dw, pw, [1, 1, 1, 1], "VALID").numpy()
    np.testing.assert_allclose(ys, expected @ pw[0, 0], atol=1e-12)


def test_conv2d_transpose_is_the_adjoint_of_conv2d():
    x = RNG.standard_normal((2, 7, 6, 3))
    w = RNG.standard_normal((3, 3, 3, 4))
    y = conv.conv2d(x, w, 2, "SAME").numpy()
    g = RNG.standard_normal(y.shape)
    xt = conv.conv2d_transpose(g, w, x.shape, 2, "SAME").numpy()
    assert xt.shape == x.shape
    np.testing.assert_allclose(np.sum(y * g), np.sum(x * xt), rtol=1e-10)


@pytest.mark.parametrize("ksize, strides, padding", [
    ((2, 2), (2, 2), "VALID"), ((3, 3), (2, 2), "SAME"), ((3, 2), (1, 1), "SAME")])
def test_pooling_matches_a_loop(ksize, strides, padding):
    x = RNG.standard_normal((2, 7, 6, 3))
    pads = same_pads(x.shape[1:-1], ksize, strides) if padding == "SAME" else [(0, 0)] * 2
    np.testing.assert_allclose(conv.max_pool2d(x, ksize, strides, padding).numpy(),
                               pool_loop(x, ksize, strides, pads, np.nanmax), atol=1e-12)
    # SAME average pooling divides by the valid cells only
    np.testing.assert_allclose(conv.avg_pool2d(x, ksize, strides, padding).numpy(),
                               pool_loop(x, ksize, strides, pads, np.nanmean), atol=1e-12)


def test_pooling_ranks_formats_and_dtypes():
    x = RNG.standard_normal((2, 4, 6, 5, 3)).astype(np.float32)
    y = conv.max_pool3d(x, 2, 2, "VALID")
    assert tuple(y.shape) == (2, 2, 3, 2, 3) and y.dtype.name == "float32"
    y1 = conv.avg_pool1d(x[:, 0, 0, :4], 2, 2, "SAME")
    np.testing.assert_allclose(y1.numpy(), x[:, 0, 0, :4].reshape(2, 2, 2, 3).mean(2), rtol=1e-6)
    cf = conv.max_pool(x.transpose(0, 4, 1, 2, 3), 2, 2, "VALID", data_format="NCDHW")
    np.testing.assert_allclose(cf.numpy().transpose(0, 2, 3, 4, 1), y.numpy())


def test_max_pool_gradient_goes_to_the_first_maximum():
    import ndflow as nd

    x = nd.constant(np.array([[[[1.0], [1.0]], [[1.0], [0.0]]]]))
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = conv.max_pool2d(x, 2, 2, "VALID")
    np.testing.assert_array_equal(tape.gradient(y, x).numpy()[0, ..., 0], [[1, 0], [0, 0]])


def test_errors_name_the_op_and_the_argument():
    x = np.zeros((1, 5, 5, 3), np.float32)
    with pytest.raises(ValueError, match=r"conv2d: input channels \(3.*in-channels \(2"):
        conv.conv2d(x, np.zeros((3, 3, 2, 4), np.float32), 1, "SAME")
    with pytest.raises(ValueError, match="conv2d: input must be rank 4"):
        conv.conv2d(x[0], np.zeros((3, 3, 3, 4), np.float32), 1, "SAME")
    with pytest.raises(ValueError, match="conv2d: padding must be"):
        conv.conv2d(x, np.zeros((3, 3, 3, 4), np.float32), 1, "FULL")
    with pytest.raises(ValueError, match="conv2d: strides must have 1, 2 or 4"):
        conv.conv2d(x, np.zeros((3, 3, 3, 4), np.float32), [1, 1, 1], "SAME")
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv.conv2d(x, np.zeros((7, 7, 3, 4), np.float32), 1, "VALID")
    with pytest.raises(ValueError, match="data_format"):
        conv.conv2d(x, np.zeros((3, 3, 3, 4), np.float32), 1, "SAME", data_format="NWC")
    with pytest.raises(TypeError, match="conv2d: input must be a floating-point"):
        conv.conv2d(x.astype(np.int32), np.zeros((3, 3, 3, 4), np.float32), 1, "SAME")
    with pytest.raises(ValueError, match="conv2d_transpose: input spatial size"):
        conv.conv2d_transpose(np.zeros((1, 4, 4, 2)), np.zeros((3, 3, 3, 2)), (1, 5, 5, 3),
                              1, "SAME")
    with pytest.raises(ValueError, match="max_pool2d: padding must be 'SAME' or 'VALID'"):
        conv.max_pool2d(x, 2, 2, "FULL")
    with pytest.raises(ValueError, match="max_pool2d: ksize must be positive"):
        conv.max_pool2d(x, 0, 2, "VALID")
