"""Activation layers through the layer contract, against NumPy formulas, and bad input."""

import numpy as np
import pytest

from ndflow.keras import Input
from ndflow.keras.layers.activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from tests.keras.contract import check_layer

X = np.random.default_rng(0).uniform(-2.0, 2.0, size=(3, 5)).astype(np.float32)


def np_softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# -- ReLU --------------------------------------------------------------------------------
def test_relu_contract_and_default_values():
    layer, y = check_layer(ReLU, (3, 4), (3, 4), num_weights=0)
    assert layer.get_config()["max_value"] is None
    np.testing.assert_array_equal(ReLU()(X).numpy(), np.maximum(X, 0))


def test_relu_with_cap_leak_and_threshold():
    def make():
        return ReLU(max_value=0.5, negative_slope=0.1, threshold=0.2)

    check_layer(make, (3, 4), (3, 4), num_weights=0)
    expected = np.where(X >= 0.5, 0.5, np.where(X > 0.2, X, 0.1 * (X - 0.2)))
    np.testing.assert_allclose(make()(X).numpy(), expected, rtol=1e-6)
    np.testing.assert_allclose(ReLU(max_value=6)(X * 5).numpy(), np.clip(X * 5, 0, 6))
    config = make().get_config()
    assert (config["max_value"], config["negative_slope"], config["threshold"]) == (0.5, 0.1, 0.2)


@pytest.mark.parametrize("kwargs, name", [
    ({"max_value": -1.0}, "max_value"), ({"negative_slope": -0.1}, "negative_slope"),
    ({"threshold": -0.5}, "threshold"), ({"negative_slope": None}, "negative_slope"),
])
def test_relu_refuses_negative_arguments(kwargs, name):
    with pytest.raises(ValueError, match=f"ReLU: {name} cannot be None or negative"):
        ReLU(**kwargs)


# -- LeakyReLU ---------------------------------------------------------------------------
def test_leaky_relu_contract_and_keras_3_default_slope():
    layer, _ = check_layer(LeakyReLU, (3, 4), (3, 4), num_weights=0)
    assert layer.negative_slope == 0.3
    np.testing.assert_allclose(LeakyReLU()(X).numpy(), np.where(X > 0, X, 0.3 * X), rtol=1e-6)
    np.testing.assert_allclose(LeakyReLU(0.05)(X).numpy(), np.where(X > 0, X, 0.05 * X),
                               rtol=1e-6)


def test_leaky_relu_accepts_the_old_alpha_with_a_warning():
    with pytest.warns(UserWarning, match="`alpha` is deprecated"):
        layer = LeakyReLU(alpha=0.1)
    assert layer.get_config()["negative_slope"] == 0.1
    with pytest.raises(ValueError, match="LeakyReLU: negative_slope cannot be None or negative"):
        LeakyReLU(negative_slope=-1)


# -- PReLU -------------------------------------------------------------------------------
def test_prelu_contract_with_a_slope_per_feature():
    def make():
        return PReLU(alpha_initializer="random_uniform")

    layer, _ = check_layer(make, (3, 4), (3, 4), num_weights=1, num_params=4)
    assert layer.alpha.trainable and tuple(layer.alpha.shape) == (4,)
    assert PReLU()(X).numpy().min() == 0  # alpha starts at zero: a plain ReLU
    alpha = layer.alpha.numpy()
    x = np.random.default_rng(1).uniform(-1, 1, (3, 4)).astype(np.float32)
    np.testing.assert_allclose(layer(x).numpy(), np.where(x > 0, x, alpha * x), rtol=1e-6)


def test_prelu_shared_axes_share_one_slope_per_channel():
    def make():
        return PReLU(alpha_initializer="random_uniform", shared_axes=[1, 2])

    layer, _ = check_layer(make, (2, 3, 4, 2), (2, 3, 4, 2), num_weights=1, num_params=2)
    assert tuple(layer.alpha.shape) == (1, 1, 2)
    assert PReLU(shared_axes=1).get_config()["shared_axes"] == [1]
    # shared axes may be unknown in a symbolic input
    out = PReLU(shared_axes=[1])(Input(shape=(None, 3)))
    assert tuple(out.shape) == (None, None, 3)


def test_prelu_regularizer_and_constraint():
    layer = PReLU(alpha_initializer="ones", alpha_regularizer="l2", alpha_constraint="non_neg")
    layer(X)
    assert len(layer.losses) == 1
    assert float(layer.losses[0]) == pytest.approx(0.01 * 5, rel=1e-6)
    config = layer.get_config()
    assert config["alpha_constraint"]["class_name"] == "NonNeg"


def test_prelu_bad_inputs():
    with pytest.raises(ValueError, match="PReLU 'p1'.*must be known.*\\(None, None, 3\\)"):
        PReLU(name="p1")(Input(shape=(None, 3)))
    layer = PReLU(name="p2")
    layer(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match="PReLU 'p2' was built for inputs of shape \\(None, 3\\)"):
        layer(np.ones((2, 4), np.float32))
    with pytest.raises(ValueError, match="shared axis 3 is out of range"):
        PReLU(shared_axes=3)(np.ones((2, 3), np.float32))


# -- ELU ---------------------------------------------------------------------------------
@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_elu_contract_and_values(alpha):
    check_layer(lambda: ELU(alpha=alpha), (3, 4), (3, 4), num_weights=0, order=2)
    expected = np.where(X > 0, X, alpha * (np.exp(X) - 1))
    np.testing.assert_allclose(ELU(alpha)(X).numpy(), expected, rtol=1e-5, atol=1e-7)
    assert ELU(alpha).get_config()["alpha"] == alpha


# -- Softmax -----------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [-1, 1, [1, 2]])
def test_softmax_contract_and_values(axis):
    check_layer(lambda: Softmax(axis=axis), (2, 3, 4), (2, 3, 4), num_weights=0, order=2)
    x = np.random.default_rng(2).normal(size=(2, 3, 4)).astype(np.float32)
    reference = np_softmax(x, axis=tuple(axis) if isinstance(axis, list) else axis)
    np.testing.assert_allclose(Softmax(axis=axis)(x).numpy(), reference, rtol=1e-5)
    assert Softmax(axis=axis).get_config()["axis"] == axis


def test_softmax_mask_gives_masked_positions_no_probability():
    x = np.random.default_rng(3).normal(size=(2, 4)).astype(np.float32)
    mask = np.array([[True, True, False, True], [False, True, True, True]])
    y = Softmax()(x, mask=mask).numpy()
    assert np.all(y[~mask] < 1e-30)
    reference = np_softmax(np.where(mask, x, -np.inf))
    np.testing.assert_allclose(y, reference, rtol=1e-5, atol=1e-7)
    # a mask broadcast over the rows (as attention masks are)
    scores = np.random.default_rng(4).normal(size=(2, 3, 4)).astype(np.float32)
    keys = np.array([[[True, True, True, False]], [[True, False, False, False]]])
    y = Softmax()(scores, mask=keys).numpy()
    np.testing.assert_allclose(y, np_softmax(np.where(keys, scores, -np.inf)), atol=1e-7)


def test_softmax_mask_gradients():
    mask = np.array([[True, False, True], [True, True, True]])
    check_layer(lambda: Softmax(), (2, 3), (2, 3), call_kwargs={"mask": mask}, order=2)


def test_activation_layers_keep_masks_and_default_names():
    for cls in (ReLU, LeakyReLU, PReLU, ELU, Softmax):
        assert cls().supports_masking
    assert LeakyReLU().name.startswith("leaky_re_lu")
    assert PReLU().name.startswith("p_re_lu")
