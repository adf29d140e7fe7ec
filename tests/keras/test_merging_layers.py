"""Merging layers: values against NumPy, a multi-input layer contract, and bad input."""

import numpy as np
import pytest

from ndflow.core.errors import InvalidArgumentError
from ndflow.keras import Input, Model
from ndflow.keras.layers.core import Dense
from ndflow.keras.layers.merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from ndflow.keras.layers.serialization import deserialize_layer, serialize_layer
from ndflow.testing import check_gradients


def check_merge(make, shapes, expected_shape, order=1, seed=0):
    """The layer contract for a layer called on a list of inputs.

    Output shape eager and symbolic (batch None), config round trip, the layer inside a
    functional model, and float64 gradients w.r.t. every input. Returns the inputs and
    the eager output.
    """
    rng = np.random.default_rng(seed)
    xs = [rng.uniform(-1.0, 1.0, size=s).astype(np.float32) for s in shapes]
    layer = make()
    y = layer(xs)
    assert tuple(y.shape) == tuple(expected_shape)
    assert y.dtype.name == "float32"
    inputs = [Input(shape=s[1:]) for s in shapes]
    symbolic = make()(inputs)
    assert symbolic.shape[0] is None
    assert tuple(symbolic.shape)[1:] == tuple(y.shape)[1:]
    config = serialize_layer(layer)
    clone = deserialize_layer(config)
    assert type(clone) is type(layer)
    assert serialize_layer(clone)["config"] == config["config"]
    np.testing.assert_allclose(np.asarray(clone(xs)), np.asarray(y), rtol=1e-6)
    model = Model(inputs, symbolic)
    np.testing.assert_allclose(np.asarray(model(xs)), np.asarray(y), rtol=1e-6)
    layer64 = type(layer).from_config({**layer.get_config(), "dtype": "float64",
                                       "name": layer.name + "_f64"})
    check_gradients(lambda *ts: layer64(list(ts)), [x.astype(np.float64) for x in xs],
                    order=order)
    return xs, np.asarray(y)


ELEMENTWISE = [
    (Add, lambda xs: xs[0] + xs[1] + xs[2]),
    (Multiply, lambda xs: xs[0] * xs[1] * xs[2]),
    (Average, lambda xs: (xs[0] + xs[1] + xs[2]) / 3),
    (Maximum, lambda xs: np.maximum(np.maximum(xs[0], xs[1]), xs[2])),
    (Minimum, lambda xs: np.minimum(np.minimum(xs[0], xs[1]), xs[2])),
]


@pytest.mark.parametrize("cls, reference", ELEMENTWISE, ids=lambda v: getattr(v, "__name__", ""))
def test_elementwise_merges_contract_and_values(cls, reference):
    order = 2 if cls in (Add, Multiply, Average) else 1
    xs, y = check_merge(cls, [(2, 3), (2, 3), (2, 3)], (2, 3), order=order)
    np.testing.assert_allclose(y, reference(xs), rtol=1e-6)


def test_subtract_contract_and_values():
    xs, y = check_merge(Subtract, [(3, 4), (3, 4)], (3, 4), order=2)
    np.testing.assert_allclose(y, xs[0] - xs[1], rtol=1e-6)


def test_elementwise_merges_broadcast_size_1_and_lower_rank_after_the_batch_axis():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(2, 3, 4)).astype(np.float32)
    b = rng.normal(size=(2, 4)).astype(np.float32)  # meets a as (2, 1, 4)
    c = rng.normal(size=(2, 3, 1)).astype(np.float32)
    np.testing.assert_allclose(Add()([a, b, c]).numpy(), a + b[:, None] + c, rtol=1e-6)
    out = Add()([Input(shape=(3, 4)), Input(shape=(4,)), Input(shape=(3, 1))])
    assert tuple(out.shape) == (None, 3, 4)
    check_merge(Multiply, [(2, 3, 4), (2, 4)], (2, 3, 4), order=2)
    # an unknown size next to a known size > 1 is that size; next to 1 it stays unknown
    assert tuple(Add()([Input(shape=(None, 4)), Input(shape=(5, 4))]).shape) == (None, 5, 4)
    assert tuple(Add()([Input(shape=(None, 4)), Input(shape=(1, 4))]).shape) == (None, None, 4)


def test_a_single_input_passes_through():
    x = np.ones((2, 3), np.float32)
    np.testing.assert_array_equal(Add()([x]).numpy(), x)
    np.testing.assert_array_equal(Average()([x]).numpy(), x)


def test_functional_forms():
    rng = np.random.default_rng(2)
    a, b = (rng.normal(size=(4, 3)).astype(np.float32) for _ in range(2))
    pairs = [
        (add, a + b), (subtract, a - b), (multiply, a * b), (average, (a + b) / 2),
        (maximum, np.maximum(a, b)), (minimum, np.minimum(a, b)),
        (concatenate, np.concatenate([a, b], axis=-1)),
        (dot, np.sum(a * b, axis=-1, keepdims=True)),
    ]
    for fn, expected in pairs:
        np.testing.assert_allclose(fn([a, b]).numpy(), expected, rtol=1e-5, atol=1e-6)
    out = concatenate([Input(shape=(2,)), Input(shape=(3,))], axis=1, name="joined")
    assert tuple(out.shape) == (None, 5) and out.name == "joined"
    assert tuple(dot([Input(shape=(3, 4)), Input(shape=(5, 4))], axes=2).shape) == (None, 3, 5)


# -- Concatenate -------------------------------------------------------------------------
@pytest.mark.parametrize("axis, shapes, expected", [
    (-1, [(2, 3), (2, 4)], (2, 7)),
    (1, [(2, 2, 5), (2, 1, 5), (2, 3, 5)], (2, 6, 5)),
    (-2, [(2, 2, 3, 4), (2, 2, 1, 4)], (2, 2, 4, 4)),
])
def test_concatenate_contract_and_values(axis, shapes, expected):
    xs, y = check_merge(lambda: Concatenate(axis=axis), shapes, expected, order=2)
    np.testing.assert_array_equal(y, np.concatenate(xs, axis=axis))


def test_concatenate_symbolic_shapes_with_unknown_sizes():
    out = Concatenate(axis=1)([Input(shape=(None, 3)), Input(shape=(2, 3))])
    assert tuple(out.shape) == (None, None, 3)
    out = Concatenate()([Input(shape=(None, 3)), Input(shape=(4, 2))])
    assert tuple(out.shape) == (None, 4, 5)
    assert Concatenate(axis=1).get_config()["axis"] == 1


def test_concatenate_masks_follow_the_concatenation():
    layer = Concatenate(axis=1)
    a, b = np.zeros((2, 3, 4), np.float32), np.zeros((2, 2, 4), np.float32)
    mask_a = np.array([[True, False, True], [True, True, False]])
    mask = layer.compute_mask([a, b], [mask_a, None]).numpy()
    np.testing.assert_array_equal(mask, np.concatenate([mask_a, np.ones((2, 2), bool)], 1))
    assert layer.compute_mask([a, b], [None, None]) is None
    features = Concatenate().compute_mask([a, a], [mask_a, ~mask_a]).numpy()
    np.testing.assert_array_equal(features, np.ones((2, 3), bool))


# -- Dot ---------------------------------------------------------------------------------
@pytest.mark.parametrize("axes, shapes, expected, equation", [
    (1, [(3, 4), (3, 4)], (3, 1), "bk,bk->b"),
    (-1, [(3, 4), (3, 4)], (3, 1), "bk,bk->b"),
    ((1, 2), [(2, 5, 2), (2, 2, 5)], (2, 2, 2), "bki,bjk->bij"),
    ((2, 1), [(2, 3, 4), (2, 4, 5)], (2, 3, 5), "bik,bkj->bij"),
    (2, [(2, 3, 4), (2, 5, 4)], (2, 3, 5), "bik,bjk->bij"),
    ((2, 1), [(2, 3, 4), (2, 4)], (2, 3), "bik,bk->bi"),
    ((1, 1), [(2, 3, 2, 4), (2, 3, 5)], (2, 2, 4, 5), "bkij,bkl->bijl"),
])
def test_dot_contract_and_values(axes, shapes, expected, equation):
    xs, y = check_merge(lambda: Dot(axes=axes), shapes, expected, order=2)
    reference = np.einsum(equation, *xs).reshape(expected)
    np.testing.assert_allclose(y, reference, rtol=1e-5, atol=1e-6)


def test_dot_normalize_gives_the_cosine_similarity():
    xs, y = check_merge(lambda: Dot(axes=1, normalize=True), [(4, 3), (4, 3)], (4, 1), order=2)
    a, b = (x / np.linalg.norm(x, axis=1, keepdims=True) for x in xs)
    np.testing.assert_allclose(y, np.sum(a * b, axis=1, keepdims=True), rtol=1e-5)


def test_dot_config_and_integer_inputs():
    config = Dot(axes=(1, 2), normalize=True).get_config()
    assert config["axes"] == [1, 2] and config["normalize"] is True
    out = Dot(axes=(1, 2))([np.arange(10).reshape(1, 5, 2), np.arange(10, 20).reshape(1, 2, 5)])
    np.testing.assert_array_equal(out.numpy(), [[[260, 360], [320, 445]]])


# -- shared behaviour --------------------------------------------------------------------
def test_merge_of_two_branches_in_a_functional_model_round_trips_its_config():
    inputs = Input(shape=(4,))
    left, right = Dense(3, name="left")(inputs), Dense(3, name="right")(inputs)
    outputs = Concatenate()([Add()([left, right]), Multiply()([left, right])])
    model = Model(inputs, outputs)
    assert tuple(model.output.shape) == (None, 6)
    clone = type(model).from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(3).normal(size=(2, 4)).astype(np.float32)
    np.testing.assert_allclose(clone(x).numpy(), model(x).numpy(), rtol=1e-6)


def test_elementwise_masks_keep_a_step_any_input_keeps():
    m1, m2 = np.array([[True, False, False]]), np.array([[False, False, True]])
    np.testing.assert_array_equal(Add().compute_mask([None, None], [m1, m2]).numpy(),
                                  [[True, False, True]])
    assert Add().compute_mask([None, None], [m1, None]) is None
    assert Add().compute_mask([None, None], None) is None


# -- bad input ---------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [Add, Subtract, Multiply, Average, Maximum, Minimum])
def test_incompatible_shapes_name_the_layer_and_both_shapes(cls):
    with pytest.raises(InvalidArgumentError, match=r"'.+' \(.+\).*\(None, 3\), \(None, 4\)"):
        cls(name="merge_me")([Input(shape=(3,)), Input(shape=(4,))])
    with pytest.raises(ValueError, match=r"'merge_it'.*\(2, 3\), \(2, 4\)"):
        cls(name="merge_it")([np.ones((2, 3)), np.ones((2, 4))])


def test_a_built_layer_still_names_itself_on_bad_shapes():
    layer = Add(name="sum_layer")
    layer([np.ones((2, 3)), np.ones((2, 3))])
    with pytest.raises(ValueError, match=r"'sum_layer'.*\(2, 3\), \(2, 5\)"):
        layer([np.ones((2, 3)), np.ones((2, 5))])


def test_merges_refuse_different_batch_sizes_and_a_single_tensor():
    with pytest.raises(InvalidArgumentError, match=r"different batch sizes.*\(2, 3\), \(3, 3\)"):
        Add()([np.ones((2, 3)), np.ones((3, 3))])
    with pytest.raises(InvalidArgumentError, match="should be called on a list of tensors"):
        Add(name="lonely")(Input(shape=(3,)))
    with pytest.raises(InvalidArgumentError, match="'lonely_2'.*list of tensors"):
        Maximum(name="lonely_2")(np.ones((2, 3)))
    with pytest.raises(InvalidArgumentError, match="at least 1 input.*empty list"):
        Average()([])


def test_subtract_needs_exactly_two_inputs():
    with pytest.raises(InvalidArgumentError, match="'sub'.*exactly 2 inputs.*received 3"):
        Subtract(name="sub")([Input(shape=(2,))] * 3)
    with pytest.raises(InvalidArgumentError, match="exactly 2 inputs.*received 1"):
        Subtract()([np.ones((2, 2))])


def test_concatenate_refuses_mismatched_non_concat_dimensions_and_ranks():
    with pytest.raises(InvalidArgumentError,
                       match=r"'cat'.*matching shapes except for the concatenation axis.*"
                             r"\(None, 2, 5\), \(None, 3, 4\).*axis 1"):
        Concatenate(name="cat")([Input(shape=(2, 5)), Input(shape=(3, 4))])
    with pytest.raises(InvalidArgumentError, match="same rank.*\\(None, 2\\), \\(None, 2, 1\\)"):
        Concatenate()([Input(shape=(2,)), Input(shape=(2, 1))])
    with pytest.raises(InvalidArgumentError, match="axis 3 is out of range"):
        Concatenate(axis=3)([Input(shape=(2,)), Input(shape=(2,))])
    layer = Concatenate(axis=1, name="cat_eager")
    layer([np.ones((2, 2, 5)), np.ones((2, 1, 5))])
    with pytest.raises(ValueError, match=r"'cat_eager'.*\(2, 2, 5\), \(2, 1, 4\)"):
        layer([np.ones((2, 2, 5)), np.ones((2, 1, 4))])


def test_dot_refuses_bad_axes_and_shapes():
    with pytest.raises(InvalidArgumentError,
                       match=r"'dotty'.*\(None, 3\), \(None, 4\).*size 3 at axis 1.*size 4"):
        Dot(axes=1, name="dotty")([Input(shape=(3,)), Input(shape=(4,))])
    with pytest.raises(InvalidArgumentError, match="batch axis 0"):
        Dot(axes=0)([np.ones((2, 3)), np.ones((2, 3))])
    with pytest.raises(InvalidArgumentError, match="exactly 2 inputs.*received 3"):
        Dot(axes=1)([Input(shape=(3,))] * 3)
    with pytest.raises(InvalidArgumentError, match="out of range"):
        Dot(axes=(1, 3))([Input(shape=(3,)), Input(shape=(3,))])
    with pytest.raises(ValueError, match="tuple of 2 ints"):
        Dot(axes=(1, 2, 3))
    with pytest.raises(TypeError, match="tuple of 2 ints"):
        Dot(axes="last")
