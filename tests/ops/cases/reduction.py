"""Gradient cases for ndflow.ops.reduction.

Max, min and sort use distinct values (their gradients jump at ties) except one
two-way tie, where central differences give each tied element half the gradient, as
the even split does. Products with exact zeros are checked to first order.
"""

import numpy as np

import ndflow as nd
from tests.ops.cases import Case, rand

_POS = dict(low=0.5, high=2.0)
_TIED = np.array([[0.3, 0.9, 0.9], [-0.5, 0.2, -0.1]])

CASES = [
    Case("reduce_sum", lambda a: nd.reduce_sum(a, axis=1), [rand(2, 3)]),
    Case("reduce_sum_keepdims", lambda a: nd.reduce_sum(a, axis=[0, 2], keepdims=True),
         [rand(2, 3, 2)]),
    Case("reduce_mean", lambda a: nd.reduce_mean(a, axis=-1), [rand(2, 3)]),
    Case("reduce_mean_all", nd.reduce_mean, [rand(2, 3)]),
    Case("reduce_prod", lambda a: nd.reduce_prod(a, axis=0), [rand(3, 2, **_POS)]),
    Case("reduce_prod_all", nd.reduce_prod, [rand(2, 3, **_POS)]),
    Case("reduce_prod_zeros", lambda a: nd.reduce_prod(a, axis=1, keepdims=True),
         [np.array([[0.0, 1.5, -0.7], [2.0, 0.0, 0.0], [0.5, 1.2, 0.9]])], order=1),
    Case("reduce_max", lambda a: nd.reduce_max(a, axis=1), [rand(2, 3)], order=1),
    Case("reduce_max_tie", lambda a: nd.reduce_max(a, axis=1), [_TIED], order=1),
    Case("reduce_min", lambda a: nd.reduce_min(a, axis=[0, 1], keepdims=True),
         [rand(2, 3)], order=1),
    Case("reduce_variance", lambda a: nd.reduce_variance(a, axis=0), [rand(3, 2)]),
    Case("reduce_std", lambda a: nd.reduce_std(a, axis=-1, keepdims=True), [rand(2, 3)]),
    Case("reduce_euclidean_norm", lambda a: nd.reduce_euclidean_norm(a, axis=1),
         [rand(2, 3)]),
    Case("reduce_logsumexp", lambda a: nd.reduce_logsumexp(a, axis=1), [rand(2, 3)]),
    Case("reduce_logsumexp_keepdims", lambda a: nd.reduce_logsumexp(a, keepdims=True),
         [rand(2, 2, low=-3.0, high=3.0)]),
    Case("cumsum", lambda a: nd.cumsum(a, axis=1), [rand(2, 3)]),
    Case("cumsum_exclusive_reverse",
         lambda a: nd.cumsum(a, axis=0, exclusive=True, reverse=True), [rand(3, 2)]),
    Case("cumprod", lambda a: nd.cumprod(a, axis=1), [rand(2, 3, **_POS)]),
    Case("cumprod_exclusive_reverse",
         lambda a: nd.cumprod(a, axis=0, exclusive=True, reverse=True),
         [rand(3, 2, **_POS)]),
    Case("sort", lambda a: nd.sort(a) * a, [rand(2, 4)]),
    Case("sort_descending", lambda a: nd.sort(a, axis=0, direction="DESCENDING"),
         [rand(3, 2)]),
    Case("top_k", lambda a: nd.top_k(a, k=2).values ** 2, [rand(2, 4)]),
]
