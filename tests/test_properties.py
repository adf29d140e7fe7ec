"""Property tests against NumPy: broadcasting, reductions, indexing and shape ops."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ndflow as nd

SETTINGS = settings(max_examples=40, deadline=None)
SHAPES = hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=4)
SEEDS = st.integers(0, 2**32 - 1)


def _data(shape, seed, dtype=np.float64, low=-2.0, high=2.0):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind in "iu":
        return rng.integers(int(np.floor(low * 3)), int(np.ceil(high * 3)) + 1,
                            size=shape).astype(dtype)
    return rng.uniform(low, high, size=shape).astype(dtype)


def _shape_str(shape):
    return "[" + ",".join(map(str, shape)) + "]"


def _check(out, expected, rtol=1e-12):
    assert isinstance(out, nd.Tensor)
    assert out.shape == np.shape(expected)
    assert out.dtype == np.asarray(expected).dtype
    np.testing.assert_allclose(out.numpy(), expected, rtol=rtol, atol=rtol)


# -- broadcasting -----------------------------------------------------------------------------
BINARY = {
    "add": (lambda a, b: nd.add(a, b), np.add),
    "subtract": (lambda a, b: nd.subtract(a, b), np.subtract),
    "multiply": (lambda a, b: nd.multiply(a, b), np.multiply),
    "divide": (lambda a, b: nd.divide(a, b), np.divide),
    "maximum": (lambda a, b: nd.maximum(a, b), np.maximum),
    "minimum": (lambda a, b: nd.minimum(a, b), np.minimum),
    "squared_difference": (lambda a, b: nd.math.squared_difference(a, b),
                           lambda a, b: (a - b) ** 2),
    "operator *": (lambda a, b: a * b, np.multiply),
    "operator -": (lambda a, b: a - b, np.subtract),
    "greater": (lambda a, b: nd.greater(a, b), np.greater),
}


@pytest.mark.parametrize("op", sorted(BINARY))
@SETTINGS
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=4, max_side=4),
       dtype=st.sampled_from([np.float64, np.float32, np.int32]), seed=SEEDS)
def test_binary_broadcasting_agrees_with_numpy(op, shapes, dtype, seed):
    nd_op, np_op = BINARY[op]
    sa, sb = shapes.input_shapes
    a = _data(sa, seed, dtype)
    b = _data(sb, seed + 1, dtype, low=0.5, high=2.0)  # no zeros: divide
    out = nd_op(nd.constant(a), nd.constant(b))
    assert out.shape == shapes.result_shape
    _check(out, np_op(a, b), rtol=1e-6 if dtype == np.float32 else 1e-12)


@st.composite
def incompatible_shapes(draw):
    """Two shapes that do not broadcast: one axis differs and neither side is 1."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4))
    axis = draw(st.integers(0, len(shape) - 1))
    d1 = draw(st.integers(2, 5))
    d2 = draw(st.integers(2, 5).filter(lambda d: d != d1))
    s1, s2 = list(shape), list(shape)
    s1[axis], s2[axis] = d1, d2
    cut = draw(st.integers(0, axis))  # drop leading axes of one of them
    if draw(st.booleans()):
        s2 = s2[cut:]
    else:
        s1 = s1[cut:]
    return tuple(s1), tuple(s2)


@pytest.mark.parametrize("op", ["add", "multiply", "maximum", "operator -"])
@SETTINGS
@given(shapes=incompatible_shapes())
def test_incompatible_shapes_raise_naming_both(op, shapes):
    sa, sb = shapes
    with pytest.raises(ValueError):
        np.broadcast_shapes(sa, sb)
    message = f"Incompatible shapes: {_shape_str(sa)} vs. {_shape_str(sb)}"
    with pytest.raises(nd.InvalidArgumentError) as info:
        BINARY[op][0](nd.ones(sa), nd.ones(sb))
    assert message in str(info.value)


# -- reductions ----------------------------------------------------------------------------------
REDUCTIONS = {
    "reduce_sum": (nd.reduce_sum, np.sum),
    "reduce_mean": (nd.reduce_mean, np.mean),
    "reduce_max": (nd.reduce_max, np.max),
    "reduce_min": (nd.reduce_min, np.min),
    "reduce_prod": (nd.reduce_prod, np.prod),
}


@st.composite
def shape_and_axis(draw, min_dims=0):
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=4, min_side=1, max_side=4))
    ndim = len(shape)
    kind = draw(st.sampled_from(["none", "int", "list"]) if ndim else st.just("none"))
    if kind == "none":
        return shape, None
    if kind == "int":
        return shape, draw(st.integers(-ndim, ndim - 1))
    axes = draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    negate = draw(st.lists(st.booleans(), min_size=len(axes), max_size=len(axes)))
    return shape, [a - ndim if n else a for a, n in zip(axes, negate)]


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@SETTINGS
@given(shape_axis=shape_and_axis(), keepdims=st.booleans(),
       dtype=st.sampled_from([np.float64, np.float32]), seed=SEEDS)
def test_float_reductions_agree_with_numpy(name, shape_axis, keepdims, dtype, seed):
    nd_op, np_op = REDUCTIONS[name]
    shape, axis = shape_axis
    x = _data(shape, seed, dtype)
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    _check(nd_op(nd.constant(x), axis=axis, keepdims=keepdims),
           np.asarray(np_op(x, axis=np_axis, keepdims=keepdims)),
           rtol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("name", ["reduce_sum", "reduce_max", "reduce_min", "reduce_prod"])
@SETTINGS
@given(shape_axis=shape_and_axis(), keepdims=st.booleans(), seed=SEEDS)
def test_integer_reductions_keep_the_dtype(name, shape_axis, keepdims, seed):
    nd_op, np_op = REDUCTIONS[name]
    shape, axis = shape_axis
    x = _data(shape, seed, dtype=np.int32)
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    expected = np.asarray(np_op(x, axis=np_axis, keepdims=keepdims)).astype(np.int32)
    _check(nd_op(nd.constant(x), axis=axis, keepdims=keepdims), expected)


# -- indexing ----------------------------------------------------------------------------------
@st.composite
def shape_and_index(draw):
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=5))
    index = draw(hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True))
    return shape, index


@SETTINGS
@given(shape_index=shape_and_index(), seed=SEEDS)
def test_basic_indexing_agrees_with_numpy(shape_index, seed):
    shape, index = shape_index
    x = _data(shape, seed)
    _check(nd.constant(x)[index], x[index])


@st.composite
def shape_and_ints(draw):
    """Integer indices (negative included) on leading axes, then slices."""
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=5))
    n = draw(st.integers(1, len(shape)))
    key = tuple(draw(st.integers(-d, d - 1)) for d in shape[:n])
    return shape, key


@SETTINGS
@given(shape_key=shape_and_ints(), seed=SEEDS)
def test_integer_and_negative_indices_agree_with_numpy(shape_key, seed):
    shape, key = shape_key
    x = _data(shape, seed)
    _check(nd.constant(x)[key], x[key])


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5), seed=SEEDS,
       data=st.data())
def test_integer_array_indices_agree_with_numpy(shape, seed, data):
    x = _data(shape, seed)
    idx = data.draw(st.lists(st.integers(-shape[0], shape[0] - 1), min_size=1, max_size=6))
    _check(nd.constant(x)[idx], x[np.array(idx)])
    _check(nd.constant(x)[nd.constant(idx)], x[np.array(idx)])


# -- shape ops -----------------------------------------------------------------------------------
@st.composite
def reshape_case(draw):
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=1, max_side=4))
    size = int(np.prod(shape))
    factors, rest = [], size
    while rest > 1 and len(factors) < 3:
        divisors = [d for d in range(1, rest + 1) if rest % d == 0]
        d = draw(st.sampled_from(divisors))
        factors.append(d)
        rest //= d
    new = [*factors, rest] if rest > 1 or not factors else factors
    if draw(st.booleans()):
        new[draw(st.integers(0, len(new) - 1))] = -1
    return shape, new


@SETTINGS
@given(case=reshape_case(), seed=SEEDS)
def test_reshape_agrees_with_numpy(case, seed):
    shape, new = case
    x = _data(shape, seed)
    _check(nd.reshape(nd.constant(x), new), x.reshape(new))


@SETTINGS
@given(shape=SHAPES, seed=SEEDS, data=st.data())
def test_transpose_agrees_with_numpy(shape, seed, data):
    x = _data(shape, seed)
    perm = data.draw(st.permutations(range(len(shape))))
    _check(nd.transpose(nd.constant(x), perm=perm), np.transpose(x, perm))
    _check(nd.transpose(nd.constant(x)), np.transpose(x))


@SETTINGS
@given(shape=SHAPES, seed=SEEDS, data=st.data())
def test_expand_dims_agrees_with_numpy(shape, seed, data):
    x = _data(shape, seed)
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    _check(nd.expand_dims(nd.constant(x), axis), np.expand_dims(x, axis))


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=0, max_dims=5, min_side=1, max_side=3), seed=SEEDS,
       data=st.data())
def test_squeeze_agrees_with_numpy(shape, seed, data):
    x = _data(shape, seed)
    _check(nd.squeeze(nd.constant(x)), np.squeeze(x))
    ones = [i for i, d in enumerate(shape) if d == 1]
    if ones:
        axes = data.draw(st.lists(st.sampled_from(ones), min_size=1, unique=True))
        _check(nd.squeeze(nd.constant(x), axis=axes), np.squeeze(x, axis=tuple(axes)))


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4), seed=SEEDS,
       data=st.data())
def test_concat_agrees_with_numpy(shape, seed, data):
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    sizes = data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=4))
    parts = []
    for i, n in enumerate(sizes):
        s = list(shape)
        s[axis] = n
        parts.append(_data(tuple(s), seed + i))
    _check(nd.concat([nd.constant(p) for p in parts], axis=axis),
           np.concatenate(parts, axis=axis))


@SETTINGS
@given(shape=SHAPES, seed=SEEDS, data=st.data())
def test_stack_agrees_with_numpy(shape, seed, data):
    n = data.draw(st.integers(1, 4))
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    parts = [_data(shape, seed + i) for i in range(n)]
    _check(nd.stack([nd.constant(p) for p in parts], axis=axis), np.stack(parts, axis=axis))


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=3), seed=SEEDS,
       data=st.data())
def test_tile_agrees_with_numpy(shape, seed, data):
    x = _data(shape, seed)
    multiples = data.draw(st.lists(st.integers(1, 3), min_size=len(shape), max_size=len(shape)))
    _check(nd.tile(nd.constant(x), multiples), np.tile(x, multiples))


@SETTINGS
@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=1, max_dims=4, max_side=4),
       seed=SEEDS)
def test_broadcast_to_agrees_with_numpy(shapes, seed):
    (shape,) = shapes.input_shapes
    target = shapes.result_shape
    assume(len(target) >= len(shape))
    x = _data(shape, seed)
    _check(nd.broadcast_to(nd.constant(x), target), np.broadcast_to(x, target))
