"""Dense, Activation and Identity through the layer contract, plus Dense specifics."""

import numpy as np
import pytest

import ndflow as nd
from ndflow import keras
from ndflow.keras import Input, layers
from tests.keras.contract import check_layer


def test_dense_contract():
    check_layer(lambda: layers.Dense(3, activation="tanh"), (4, 5), (4, 3), num_weights=2,
                num_params=18, order=2)


def test_dense_without_bias_and_on_rank_3_inputs():
    check_layer(lambda: layers.Dense(2, use_bias=False), (2, 3, 4), (2, 3, 2), num_weights=1,
                num_params=8)


def test_activation_and_identity_contracts():
    check_layer(lambda: layers.Activation("sigmoid"), (3, 4), (3, 4), num_weights=0, order=2)
    check_layer(lambda: layers.Identity(), (3, 4), (3, 4), num_weights=0)


def test_dense_regularizers_add_losses():
    layer = layers.Dense(2, kernel_regularizer="l2", activity_regularizer="l1")
    layer(np.ones((3, 4), np.float32))
    assert len(layer.losses) == 2
    kernel_penalty = 0.01 * float((layer.kernel.numpy() ** 2).sum())
    assert float(layer.losses[0]) == pytest.approx(kernel_penalty, rel=1e-5)


def test_dense_names_are_unique_and_configurable():
    a, b = layers.Dense(1), layers.Dense(1)
    assert a.name != b.name and a.name.startswith("dense") and b.name.startswith("dense")
    assert layers.Dense(1, name="head").name == "head"


def test_dense_rejects_bad_units():
    with pytest.raises(ValueError, match="units must be a positive integer"):
        layers.Dense(0)


def test_symbolic_dense_has_unknown_batch():
    out = layers.Dense(7)(Input(shape=(3,)))
    assert tuple(out.shape) == (None, 7)


def test_unknown_activation_and_initializer_names_are_clear_errors():
    with pytest.raises(ValueError, match=r"relux.*relu"):
        layers.Dense(2, activation="relux")
    with pytest.raises(ValueError, match=r"glorot_uniformm.*glorot_uniform"):
        layers.Dense(2, kernel_initializer="glorot_uniformm")


@pytest.mark.parametrize("activation", ["linear", "relu", "tanh", "sigmoid", "softmax", "elu"])
@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4)])
def test_dense_fused_op_matches_the_separate_ops(activation, shape):
    # Dense runs matmul, bias and (relu/tanh/linear) activation as one fused op; values and
    # gradients must be those of the three ops run one by one
    import ndflow as nd
    from ndflow.keras import activations

    layer = layers.Dense(3, activation=activation, bias_initializer="glorot_uniform")
    x = nd.constant(np.random.default_rng(0).normal(size=shape).astype(np.float32))
    with nd.GradientTape(persistent=True) as tape:
        tape.watch(x)
        fused = layer(x)
        separate = activations.get(activation)(nd.matmul(x, layer.kernel) + layer.bias)
        fused_loss = nd.reduce_sum(fused * fused)
        separate_loss = nd.reduce_sum(separate * separate)
    np.testing.assert_allclose(fused.numpy(), separate.numpy(), rtol=1e-6, atol=1e-6)
    sources = [x, layer.kernel, layer.bias]
    for g_fused, g_separate in zip(tape.gradient(fused_loss, sources),
                                   tape.gradient(separate_loss, sources)):
        np.testing.assert_allclose(g_fused.numpy(), g_separate.numpy(), rtol=1e-5, atol=1e-6)


def test_dense_keeps_the_logits_of_a_softmax_output_for_the_loss():
    import ndflow as nd

    out = layers.Dense(3, activation="softmax")(nd.constant(np.ones((2, 4), np.float32)))
    assert out._keras_logits is not None


def test_dense_on_a_rank_1_input_and_on_mismatched_dtypes():
    import ndflow as nd

    layer = layers.Dense(2, kernel_initializer="ones")
    np.testing.assert_allclose(layer(nd.constant([1.0, 2.0, 3.0])).numpy(), [6.0, 6.0])
    # float64 data is cast to the layer's float32 before the op
    assert layer(np.ones((1, 3))).dtype == nd.float32


class _Bilinear(keras.layers.Layer):
    """A layer with two inputs whose build names both shapes, Keras 3 style."""

    def build(self, a_shape, b_shape):
        self.w = self.add_weight(shape=(a_shape[-1], b_shape[-1]), name="w",
                                 initializer="ones")

    def call(self, a, b):
        return nd.reduce_sum(nd.matmul(a, self.w) * b, axis=-1, keepdims=True)


def test_build_receives_the_shape_of_each_named_argument():
    a, b = np.ones((2, 3), np.float32), np.ones((2, 5), np.float32)
    eager = _Bilinear()
    np.testing.assert_allclose(eager(a, b).numpy(), [[15.0], [15.0]])
    assert tuple(eager.w.shape) == (3, 5)
    keyword = _Bilinear()
    keyword(a, b=b)
    assert tuple(keyword.w.shape) == (3, 5)
    ia, ib = keras.Input((3,)), keras.Input((5,))
    layer = _Bilinear()
    model = keras.Model([ia, ib], layer(ia, ib))
    assert tuple(layer.w.shape) == (3, 5)
    np.testing.assert_allclose(model.predict([a, b], verbose=0), [[15.0], [15.0]])
