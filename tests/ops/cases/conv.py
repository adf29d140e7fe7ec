"""Gradient cases for ndflow.ops.conv: convolutions (strides, SAME, dilation, groups,
depthwise, transposed, fused bias and activation) and pooling.

Convolutions are bilinear, so the squared outputs make second-order checks meaningful; they
are order=2 only on the smallest shapes. Max-pool inputs are spread apart (a permutation of
distinct values) so no window holds a near tie.
"""

import numpy as np

from ndflow.ops import conv
from tests.ops.cases import Case, rand


def _spread(*shape, seed=3):
    """Distinct values at least 0.1 apart, shuffled: no max-pool window has a near tie."""
    n = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(n).reshape(shape) * 0.1 - n * 0.05


def _sq(fn):
    return lambda *a: fn(*a) ** 2


CASES = [
    Case("conv1d_same_stride2", _sq(lambda x, w: conv.conv1d(x, w, 2, "SAME")),
         [rand(2, 7, 3), rand(3, 3, 2)], order=1),
    Case("conv2d_valid", _sq(lambda x, w: conv.conv2d(x, w, 1, "VALID")),
         [rand(1, 4, 4, 2), rand(2, 2, 2, 2)]),
    Case("conv2d_same_strides", _sq(lambda x, w: conv.conv2d(x, w, [2, 1], "SAME")),
         [rand(2, 5, 4, 2), rand(3, 2, 2, 3)], order=1),
    Case("conv2d_dilated", _sq(lambda x, w: conv.conv2d(x, w, 1, "SAME", dilations=2)),
         [rand(1, 5, 5, 2), rand(2, 2, 2, 2)], order=1),
    Case("conv2d_groups", _sq(lambda x, w: conv.conv2d(x, w, 1, "VALID")),
         [rand(1, 4, 4, 4), rand(2, 2, 2, 4)]),
    Case("conv2d_nchw", _sq(lambda x, w: conv.conv2d(x, w, 1, "SAME", data_format="NCHW")),
         [rand(1, 2, 4, 3), rand(3, 3, 2, 2)], order=1),
    Case("conv3d_same", _sq(lambda x, w: conv.conv3d(x, w, 1, "SAME")),
         [rand(1, 3, 3, 3, 2), rand(2, 2, 2, 2, 2)], order=1),
    Case("depthwise_conv2d", _sq(lambda x, w: conv.depthwise_conv2d(x, w, [1, 1, 1, 1],
                                                                    "SAME")),
         [rand(1, 4, 4, 2), rand(3, 3, 2, 2)], order=1),
    Case("separable_conv2d", _sq(lambda x, d, p: conv.separable_conv2d(x, d, p, [1, 1, 1, 1],
                                                                       "VALID")),
         [rand(1, 4, 4, 2), rand(2, 2, 2, 2), rand(1, 1, 4, 3)], order=1),
    Case("conv2d_transpose", _sq(lambda x, w: conv.conv2d_transpose(x, w, (1, 5, 5, 2), 2,
                                                                    "SAME")),
         [rand(1, 3, 3, 3), rand(3, 3, 2, 3)]),
    Case("conv1d_transpose_valid", _sq(lambda x, w: conv.conv1d_transpose(x, w, (2, 8, 2), 2,
                                                                          "VALID")),
         [rand(2, 3, 3), rand(3, 2, 3)], order=1),
    Case("fused_conv_relu", _sq(lambda x, w, b: conv.fused_conv(x, w, b, "relu", 1, "SAME")),
         [rand(1, 4, 4, 2), rand(2, 2, 2, 3), rand(3, low=0.1, high=0.5)], order=1),
    Case("fused_conv_tanh", _sq(lambda x, w, b: conv.fused_conv(x, w, b, "tanh", 2,
                                                                ((1, 0), (0, 1)))),
         [rand(1, 4, 4, 2), rand(2, 2, 2, 3), rand(3)]),
    Case("max_pool2d_same", _sq(lambda x: conv.max_pool2d(x, 2, 2, "SAME")),
         [_spread(2, 5, 5, 2)]),
    Case("max_pool1d_overlap", _sq(lambda x: conv.max_pool1d(x, 3, 1, "VALID")),
         [_spread(2, 6, 2)]),
    Case("avg_pool2d_same", _sq(lambda x: conv.avg_pool2d(x, 3, 2, "SAME")),
         [rand(1, 5, 5, 2)]),
    Case("avg_pool3d_valid", _sq(lambda x: conv.avg_pool3d(x, 2, 1, "VALID")),
         [rand(1, 3, 3, 3, 1)], order=1),
]
