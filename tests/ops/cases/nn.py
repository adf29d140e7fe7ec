"""Gradient cases for ndflow.ops.nn.

Rectifiers are multiplied by their input so that their second derivative is not zero
(it exercises ``relu_grad``'s own rule); inputs keep clear of the kinks (0, and 6 for
relu6), where the one-sided slopes differ.
"""

import numpy as np

import ndflow as nd
from tests.ops.cases import Case, rand


def off_kinks(a, kinks=(0.0,), gap=0.1):
    """Move values within ``gap`` of a kink to ``gap`` past it."""
    a = np.array(a)
    for k in kinks:
        near = np.abs(a - k) < gap
        a[near] = k + gap * np.where(a[near] >= k, 1.0, -1.0)
    return a


X = off_kinks(rand(2, 3, low=-2.0, high=2.0))
WIDE = off_kinks(rand(2, 4, low=-2.0, high=8.0), kinks=(0.0, 6.0))
LOGITS = rand(3, 4, low=-3.0, high=3.0)
PROBS = rand(3, 4, low=0.0, high=1.0)  # need not sum to 1: the rules handle any weights
SPARSE = np.array([2, 0, 3])

CASES = [
    Case("relu", lambda x: nd.nn.relu(x) * x, [X]),
    Case("relu6", lambda x: nd.nn.relu6(x) * x, [WIDE]),
    Case("leaky_relu", lambda x: nd.nn.leaky_relu(x, alpha=0.3) * x, [X]),
    Case("elu", nd.nn.elu, [X]),
    Case("selu", nd.nn.selu, [X]),
    Case("gelu", nd.nn.gelu, [X]),
    Case("gelu_approximate", lambda x: nd.nn.gelu(x, approximate=True), [X]),
    Case("silu", nd.nn.silu, [X]),
    Case("swish_beta", lambda x: nd.nn.swish(x, beta=1.7), [X]),
    Case("softplus", nd.nn.softplus, [rand(2, 3, low=-4.0, high=4.0)]),
    Case("softsign", nd.nn.softsign, [X]),
    Case("softmax", nd.nn.softmax, [LOGITS]),
    Case("softmax_axis0", lambda x: nd.nn.softmax(x, axis=0), [LOGITS]),
    Case("log_softmax", nd.nn.log_softmax, [LOGITS]),
    Case("log_softmax_axis0", lambda x: nd.nn.log_softmax(x, axis=0), [rand(3, 2, 2)]),
    Case("sigmoid_cross_entropy_with_logits",
         lambda z, x: nd.nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x),
         [PROBS, off_kinks(LOGITS)]),
    Case("weighted_cross_entropy_with_logits",
         lambda z, x: nd.nn.weighted_cross_entropy_with_logits(z, x, pos_weight=2.5),
         [PROBS, LOGITS]),
    Case("softmax_cross_entropy_with_logits",
         lambda z, x: nd.nn.softmax_cross_entropy_with_logits(z, x), [PROBS, LOGITS]),
    Case("softmax_cross_entropy_axis0",
         lambda z, x: nd.nn.softmax_cross_entropy_with_logits(z, x, axis=0),
         [rand(3, 2, low=0.0, high=1.0), rand(3, 2)]),
    Case("sparse_softmax_cross_entropy_with_logits",
         lambda x: nd.nn.sparse_softmax_cross_entropy_with_logits(SPARSE, x), [LOGITS]),
    Case("l2_loss", nd.nn.l2_loss, [rand(2, 3)]),
    Case("l2_normalize", lambda x: nd.nn.l2_normalize(x, axis=1), [rand(2, 3)]),
    Case("moments", lambda x: nd.nn.moments(x, axes=[0])[0] + nd.nn.moments(x, axes=[0])[1],
         [rand(3, 2)]),
    Case("batch_normalization", lambda x, m, v, b, s: nd.nn.batch_normalization(
        x, m, v, b, s, variance_epsilon=1e-3),
        [rand(2, 3), rand(3), rand(3, low=0.5, high=2.0), rand(3), rand(3)]),
    Case("bias_add_channels_first",
         lambda x, b: nd.nn.bias_add(x, b, data_format="NCHW"), [rand(2, 3, 2), rand(3)]),
]
