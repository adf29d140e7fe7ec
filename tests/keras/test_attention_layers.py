"""Attention, AdditiveAttention and MultiHeadAttention: NumPy references for the math and the
masks, PyTorch on identical weights, float64 gradients, configs, functional models, and a
small transformer encoder that learns an order-dependent sequence task."""

import numpy as np
import pytest

from ndflow import keras
from ndflow.autodiff.tape import GradientTape
from ndflow.core.tensor import wrap
from ndflow.keras import Input, Model
from ndflow.keras.layers.attention import AdditiveAttention, Attention, MultiHeadAttention
from ndflow.keras.layers.core import Dense
from ndflow.keras.layers.merging import Add
from ndflow.keras.layers.reshaping import Flatten
from ndflow.keras.layers.serialization import deserialize_layer, serialize_layer
from ndflow.keras.utils import set_random_seed
from ndflow.ops.reduction import reduce_sum
from ndflow.testing import check_gradients, numerical_gradients

try:
    from ndflow.keras.layers.normalization import LayerNormalization
except ImportError:  # written beside this layer; the encoder then normalizes with a Lambda
    LayerNormalization = None


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def np_masked_softmax(scores, keep):
    """Keras's masked softmax: masked scores set to -1e9, masked weights zero."""
    return softmax(np.where(keep, scores, -1e9)) * keep


def causal(t, s):
    return np.tri(t, s, dtype=bool)


# -- Attention / AdditiveAttention: values ---------------------------------------------------
def np_attention(q, v, k=None, scale=1.0, mode="dot", concat_weight=1.0, v_mask=None,
                 q_mask=None, use_causal=False):
    k = v if k is None else k
    if mode == "dot":
        scores = scale * q @ np.swapaxes(k, -1, -2)
    else:
        scores = concat_weight * np.tanh(scale * (q[:, :, None] + k[:, None])).sum(-1)
    keep = np.ones(scores.shape, bool)
    if v_mask is not None:
        keep &= v_mask[:, None, :]
    if use_causal:
        keep &= causal(*scores.shape[-2:])
    weights = softmax(scores - 1e9 * (~keep))
    out = weights @ v
    if q_mask is not None:
        out = out * q_mask[..., None]
    return out, weights


def test_attention_dot_matches_numpy():
    q, v, k = rand(2, 3, 4), rand(2, 5, 4, seed=1), rand(2, 5, 4, seed=2)
    layer = Attention(dtype="float64")
    out, w = layer([q, v, k], return_attention_scores=True)
    ref, ref_w = np_attention(q, v, k)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-12)
    np.testing.assert_allclose(w.numpy(), ref_w, rtol=1e-12)
    assert layer.weights == []
    np.testing.assert_allclose(layer([q, v]).numpy(), np_attention(q, v)[0], rtol=1e-12)


def test_attention_scale_and_concat_weights():
    q, v = rand(2, 3, 4), rand(2, 5, 4, seed=1)
    layer = Attention(use_scale=True, score_mode="concat", dtype="float64")
    layer([q, v])
    assert [w.name for w in layer.weights] == ["scale", "concat_score_weight"]
    assert [tuple(w.shape) for w in layer.weights] == [(), ()]
    layer.set_weights([np.array(0.7), np.array(1.3)])
    ref, _ = np_attention(q, v, scale=0.7, mode="concat", concat_weight=1.3)
    np.testing.assert_allclose(layer([q, v]).numpy(), ref, rtol=1e-12)
    dot = Attention(use_scale=True, dtype="float64")
    dot([q, v])
    dot.set_weights([np.array(0.5)])
    np.testing.assert_allclose(dot([q, v]).numpy(), np_attention(q, v, scale=0.5)[0],
                               rtol=1e-12)


def test_attention_masks_match_numpy():
    q, v = rand(2, 4, 3), rand(2, 4, 3, seed=1)
    v_mask = np.array([[True, True, False, True], [True, False, False, False]])
    q_mask = np.array([[True, False, True, True], [True, True, True, False]])
    layer = Attention(dtype="float64")
    out, w = layer([q, v], mask=[q_mask, v_mask], use_causal_mask=True,
                   return_attention_scores=True)
    ref, ref_w = np_attention(q, v, v_mask=v_mask, q_mask=q_mask, use_causal=True)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(w.numpy(), ref_w, rtol=1e-12, atol=1e-15)
    assert np.all(w.numpy()[~np.broadcast_to(v_mask[:, None] & causal(4, 4), w.shape)] < 1e-30)
    np.testing.assert_array_equal(layer.compute_mask([q, v], [q_mask, v_mask]).numpy(), q_mask)
    assert layer.compute_mask([q, v], None) is None


def test_additive_attention_matches_numpy():
    q, v, k = rand(2, 3, 4), rand(2, 5, 4, seed=1), rand(2, 5, 4, seed=2)
    layer = AdditiveAttention(dtype="float64")
    layer([q, v, k])
    (scale,) = layer.get_weights()
    assert layer.weights[0].name == "scale" and scale.shape == (4,)
    v_mask = np.array([[True] * 5, [True, True, False, False, True]])
    out, w = layer([q, v, k], mask=[None, v_mask], return_attention_scores=True)
    scores = (scale * np.tanh(q[:, :, None] + k[:, None])).sum(-1)
    ref_w = softmax(scores - 1e9 * ~v_mask[:, None])
    np.testing.assert_allclose(w.numpy(), ref_w, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(out.numpy(), ref_w @ v, rtol=1e-12)
    plain = AdditiveAttention(use_scale=False, dtype="float64")
    np.testing.assert_allclose(plain([q, v]).numpy(),
                               softmax(np.tanh(q[:, :, None] + v[:, None]).sum(-1)) @ v,
                               rtol=1e-12)
    assert plain.weights == []


def test_attention_matches_torch_sdpa():
    torch = pytest.importorskip("torch")
    q, k, v = rand(2, 3, 4), rand(2, 6, 4, seed=1), rand(2, 6, 5, seed=2)
    v_mask = np.array([[True] * 6, [True, False, True, True, False, True]])
    out = Attention(dtype="float64")([q, v, k], mask=[None, v_mask])
    # torch scales by 1/sqrt(dim) unless told otherwise; Attention(use_scale=False) does not
    ref = torch.nn.functional.scaled_dot_product_attention(
        *(torch.tensor(a) for a in (q, k, v)), attn_mask=torch.tensor(v_mask[:, None, :]),
        scale=1.0)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-10, atol=1e-12)
    out = Attention(dtype="float64")([q, v, k], use_causal_mask=True)
    ref = torch.nn.functional.scaled_dot_product_attention(
        *(torch.tensor(a) for a in (q, k, v)), is_causal=True, scale=1.0)
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-10, atol=1e-12)


def test_attention_dropout_only_in_training():
    q, v = rand(4, 6, 3).astype(np.float32), rand(4, 7, 3, seed=1).astype(np.float32)
    layer = Attention(dropout=0.5, seed=3)
    base, w = layer([q, v], return_attention_scores=True)
    np.testing.assert_allclose(layer([q, v], training=False).numpy(), base.numpy())
    _, dropped = layer([q, v], training=True, return_attention_scores=True)
    zero = dropped.numpy() == 0
    assert 0.3 < zero.mean() < 0.7
    np.testing.assert_allclose(dropped.numpy()[~zero], 2 * w.numpy()[~zero], rtol=1e-5)


# -- Attention / AdditiveAttention: contract -------------------------------------------------
def _check_weight_gradients(layer, call):
    """Tape gradients of ``sum(call() * projection)`` w.r.t. each weight against finite
    differences."""
    projection = wrap(rand(*tuple(call().shape), seed=9))

    def scalar():
        return reduce_sum(call() * projection)

    assert layer.trainable_weights
    for w in layer.trainable_weights:
        original = w.numpy().copy()
        with GradientTape() as tape:
            s = scalar()
        analytic = tape.gradient(s, w)

        def as_function_of_weight(t, w=w):
            w.assign(t)
            return scalar()

        (numeric,) = numerical_gradients(as_function_of_weight, [original])
        w.assign(original)
        assert analytic is not None, f"no gradient for weight {w.name}"
        np.testing.assert_allclose(analytic.numpy(), numeric, rtol=1e-4, atol=1e-7)


@pytest.mark.parametrize("make", [
    lambda: Attention(use_scale=True, dtype="float64"),
    lambda: Attention(use_scale=True, score_mode="concat", dtype="float64"),
    lambda: AdditiveAttention(dtype="float64"),
])
def test_attention_gradients(make):
    q, v, k = rand(2, 3, 4), rand(2, 4, 4, seed=1), rand(2, 4, 4, seed=2)
    v_mask = np.array([[True, True, False, True], [True, True, True, True]])
    layer = make()
    layer([q, v, k])
    layer.set_weights([w + 0.1 for w in layer.get_weights()])
    check_gradients(lambda a, b, c: layer([a, b, c], mask=[None, v_mask]), [q, v, k])
    check_gradients(lambda a, b: layer([a, b], use_causal_mask=True), [q, v])
    _check_weight_gradients(layer, lambda: layer([wrap(q), wrap(v), wrap(k)],
                                                 mask=[None, v_mask]))


@pytest.mark.parametrize("cls", [Attention, AdditiveAttention])
def test_attention_config_round_trip_and_symbolic(cls):
    q, v = rand(2, 3, 4).astype(np.float32), rand(2, 5, 4, seed=1).astype(np.float32)
    layer = cls(use_scale=True, dropout=0.25)
    y = layer([q, v])
    config = serialize_layer(layer)
    clone = deserialize_layer(config)
    assert type(clone) is cls and serialize_layer(clone)["config"] == config["config"]
    clone([q, v])
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone([q, v]).numpy(), y.numpy(), rtol=1e-6)
    qi, vi = Input((3, 4)), Input((None, 4))
    out, scores = cls()([qi, vi], return_attention_scores=True)
    assert tuple(out.shape) == (None, 3, 4) and tuple(scores.shape) == (None, 3, None)
    model = Model([qi, vi], cls()([qi, vi]))
    assert tuple(model([q, v]).shape) == (2, 3, 4)


def test_attention_bad_inputs():
    q = rand(2, 3, 4)
    with pytest.raises(ValueError, match=r"list \[query, value\]"):
        Attention()(q)
    with pytest.raises(ValueError, match="same last dimension"):
        Attention()([q, rand(2, 5, 3)])
    with pytest.raises(ValueError, match="score_mode"):
        Attention(score_mode="general")
    with pytest.raises(ValueError, match=r"\[query_mask, value_mask\]"):
        Attention()([q, q], mask=np.ones((2, 3), bool))


# -- MultiHeadAttention: values and masks ----------------------------------------------------
def np_mha(layer, q, v, k=None, keep=None):
    """MultiHeadAttention in NumPy from the layer's weights."""
    k = v if k is None else k
    wq, bq, wk, bk, wv, bv, wo, bo = layer.get_weights()
    qp = np.einsum("btd,dhk->bthk", q, wq) + bq
    kp = np.einsum("bsd,dhk->bshk", k, wk) + bk
    vp = np.einsum("bsd,dhk->bshk", v, wv) + bv
    scores = np.einsum("bthk,bshk->bhts", qp, kp) / np.sqrt(wq.shape[-1])
    probs = softmax(scores) if keep is None else np_masked_softmax(scores, keep[:, None])
    heads = np.einsum("bhts,bshk->bthk", probs, vp)
    return np.einsum("bthk,hko->bto", heads, wo) + bo, probs


def _mha(q, v, k=None, **kwargs):
    layer = MultiHeadAttention(dtype="float64", **{"num_heads": 2, "key_dim": 3, **kwargs})
    layer(q, v, k)
    # non-zero biases, so that their role is checked too
    layer.set_weights([w + 0.05 * rand(*w.shape, seed=i + 5)
                       for i, w in enumerate(layer.get_weights())])
    return layer


def test_mha_weights_as_keras():
    layer = MultiHeadAttention(num_heads=3, key_dim=4, value_dim=5)
    layer(rand(2, 6, 7), rand(2, 8, 9), rand(2, 8, 10))
    assert [(w.name, tuple(w.shape)) for w in layer.weights] == [
        ("query/kernel", (7, 3, 4)), ("query/bias", (3, 4)),
        ("key/kernel", (10, 3, 4)), ("key/bias", (3, 4)),
        ("value/kernel", (9, 3, 5)), ("value/bias", (3, 5)),
        ("attention_output/kernel", (3, 5, 7)), ("attention_output/bias", (7,))]
    assert layer.count_params() == 7 * 12 + 12 + 10 * 12 + 12 + 9 * 15 + 15 + 15 * 7 + 7
    no_bias = MultiHeadAttention(num_heads=2, key_dim=4, use_bias=False, output_shape=6)
    assert tuple(no_bias(rand(2, 3, 5), rand(2, 4, 5)).shape) == (2, 3, 6)
    assert [w.name for w in no_bias.weights] == [
        "query/kernel", "key/kernel", "value/kernel", "attention_output/kernel"]


def test_mha_matches_numpy_reference():
    q, v, k = rand(2, 3, 4), rand(2, 5, 6, seed=1), rand(2, 5, 7, seed=2)
    layer = _mha(q, v, k, value_dim=2)
    out, scores = layer(q, v, k, return_attention_scores=True)
    ref, ref_scores = np_mha(layer, q, v, k)
    assert out.dtype.name == "float64" and tuple(scores.shape) == (2, 2, 3, 5)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-10)
    np.testing.assert_allclose(scores.numpy(), ref_scores, rtol=1e-10)


def test_mha_output_shape_tuple():
    q, v = rand(2, 3, 4), rand(2, 5, 4, seed=1)
    layer = _mha(q, v, output_shape=(2, 3))
    assert tuple(layer.weights[-2].shape) == (2, 3, 2, 3)
    wq, bq, wk, bk, wv, bv, wo, bo = layer.get_weights()
    flat = MultiHeadAttention(2, 3, output_shape=6, dtype="float64")
    flat(q, v)
    flat.set_weights([wq, bq, wk, bk, wv, bv, wo.reshape(2, 3, 6), bo.reshape(6)])
    np.testing.assert_allclose(layer(q, v).numpy().reshape(2, 3, 6), flat(q, v).numpy(),
                               rtol=1e-12)
    assert layer.compute_output_shape((None, 3, 4), (None, 5, 4)) == (None, 3, 2, 3)


def test_mha_masks_match_numpy():
    q, v = rand(2, 4, 4), rand(2, 5, 4, seed=1)
    layer = _mha(q, v)
    q_mask = np.array([[1, 1, 0, 1], [1, 1, 1, 1]])
    v_mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], bool)
    att = np.random.default_rng(3).uniform(size=(2, 4, 5)) > 0.3
    cases = [
        ({"value_mask": v_mask}, v_mask[:, None, :]),
        ({"query_mask": q_mask}, q_mask.astype(bool)[:, :, None]),
        ({"attention_mask": att}, att),
        ({"use_causal_mask": True}, causal(4, 5)[None]),
        ({"attention_mask": att, "value_mask": v_mask, "use_causal_mask": True},
         att & v_mask[:, None, :] & causal(4, 5)),
    ]
    for kwargs, keep in cases:
        out, scores = layer(q, v, return_attention_scores=True, **kwargs)
        keep = np.broadcast_to(keep, (2, 4, 5))
        ref, ref_scores = np_mha(layer, q, v, keep=keep)
        np.testing.assert_allclose(scores.numpy(), ref_scores, rtol=1e-10, atol=1e-14,
                                   err_msg=str(kwargs))
        np.testing.assert_allclose(out.numpy(), ref, rtol=1e-10, atol=1e-14,
                                   err_msg=str(kwargs))
    # a query position that may attend nowhere gets zero weights (not a uniform average)
    _, scores = layer(q, v, query_mask=q_mask, return_attention_scores=True)
    assert np.all(scores.numpy()[0, :, 2] == 0)


def test_mha_key_mask_ignored_without_key():
    q, v = rand(2, 3, 4), rand(2, 5, 4, seed=1)
    layer = _mha(q, v)
    k_mask = np.array([[1, 1, 1, 0, 0]] * 2, bool)
    np.testing.assert_allclose(layer(q, v, key_mask=k_mask).numpy(), layer(q, v).numpy())
    masked = layer(q, v, v, key_mask=k_mask).numpy()
    np.testing.assert_allclose(masked, np_mha(layer, q, v, keep=np.broadcast_to(
        k_mask[:, None], (2, 3, 5)))[0], rtol=1e-10)


def test_mha_dropout_on_probabilities_in_training():
    q = rand(4, 6, 4).astype(np.float32)
    layer = MultiHeadAttention(num_heads=2, key_dim=4, dropout=0.5, seed=1)
    inference = layer(q, q)
    np.testing.assert_allclose(layer(q, q, training=False).numpy(), inference.numpy())
    trained = layer(q, q, training=True)
    assert not np.allclose(trained.numpy(), inference.numpy())
    # the scores returned are the probabilities before dropout, as Keras returns them
    _, scores = layer(q, q, training=True, return_attention_scores=True)
    np.testing.assert_allclose(scores.numpy().sum(-1), 1.0, rtol=1e-5)


# -- MultiHeadAttention: PyTorch parity ------------------------------------------------------
def _torch_mha(layer, embed_dim, kdim, vdim):
    """torch.nn.MultiheadAttention holding the Keras layer's weights.

    Torch's projections are ``x @ W.T + b`` with output index ``head * head_dim + d``:
    Keras's ``(dim, heads, head_dim)`` kernel reshaped to ``(dim, heads * head_dim)`` is
    ``W.T``; the output kernel ``(heads, head_dim, out)`` reshaped likewise is ``out_proj``'s
    ``W.T``.
    """
    torch = pytest.importorskip("torch")
    wq, bq, wk, bk, wv, bv, wo, bo = layer.get_weights()
    module = torch.nn.MultiheadAttention(embed_dim, layer.num_heads, kdim=kdim, vdim=vdim,
                                         batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        module.q_proj_weight.copy_(torch.tensor(wq.reshape(wq.shape[0], -1).T))
        module.k_proj_weight.copy_(torch.tensor(wk.reshape(wk.shape[0], -1).T))
        module.v_proj_weight.copy_(torch.tensor(wv.reshape(wv.shape[0], -1).T))
        module.in_proj_bias.copy_(torch.tensor(np.concatenate(
            [bq.reshape(-1), bk.reshape(-1), bv.reshape(-1)])))
        module.out_proj.weight.copy_(torch.tensor(wo.reshape(-1, wo.shape[-1]).T))
        module.out_proj.bias.copy_(torch.tensor(bo))
    return module


def test_mha_matches_torch():
    torch = pytest.importorskip("torch")
    embed, heads, kdim, vdim = 6, 2, 5, 7
    q, v, k = rand(2, 4, embed), rand(2, 5, vdim, seed=1), rand(2, 5, kdim, seed=2)
    layer = _mha(q, v, k, num_heads=heads, key_dim=embed // heads)
    module = _torch_mha(layer, embed, kdim, vdim)
    v_mask = np.array([[True] * 5, [True, False, True, False, True]])
    att = np.random.default_rng(4).uniform(size=(2, 4, 5)) > 0.3
    att[:, :, 0] = True  # torch gives NaN for a row with nothing to attend to
    tq, tk, tv = (torch.tensor(a, requires_grad=True) for a in (q, k, v))
    for kwargs, torch_kwargs in [
        ({}, {}),
        ({"value_mask": v_mask}, {"key_padding_mask": torch.tensor(~v_mask)}),
        ({"attention_mask": att}, {"attn_mask": torch.tensor(
            ~np.repeat(att, heads, axis=0))}),
        ({"use_causal_mask": True}, {"attn_mask": torch.tensor(~causal(4, 5))}),
    ]:
        expected, expected_scores = module(tq, tk, tv, average_attn_weights=False,
                                           **torch_kwargs)
        qw, vw, kw = wrap(q), wrap(v), wrap(k)
        with GradientTape(persistent=True) as tape:
            tape.watch([qw, vw, kw])
            out, scores = layer(qw, vw, kw, return_attention_scores=True, **kwargs)
            total = reduce_sum(out * out)
        np.testing.assert_allclose(out.numpy(), expected.detach().numpy(), rtol=1e-9,
                                   atol=1e-12, err_msg=str(kwargs))
        np.testing.assert_allclose(scores.numpy(), expected_scores.detach().numpy(),
                                   rtol=1e-9, atol=1e-12, err_msg=str(kwargs))
        torch_grads = torch.autograd.grad((expected * expected).sum(), [tq, tv, tk])
        for ours, theirs in zip(tape.gradient(total, [qw, vw, kw]), torch_grads):
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-8, atol=1e-11)


# -- MultiHeadAttention: gradients, config, symbolic use, errors -----------------------------
def test_mha_gradients():
    q, v, k = rand(2, 3, 4), rand(2, 4, 3, seed=1), rand(2, 4, 2, seed=2)
    layer = _mha(q, v, k, num_heads=2, key_dim=2)
    v_mask = np.array([[True, False, True, True], [True] * 4])
    check_gradients(lambda a, b, c: layer(a, b, c, value_mask=v_mask), [q, v, k])
    x = rand(2, 3, 4, seed=3)
    self_attention = _mha(x, x, num_heads=2, key_dim=2)
    check_gradients(lambda a: self_attention(a, a, use_causal_mask=True), [x])
    _check_weight_gradients(layer, lambda: layer(wrap(q), wrap(v), wrap(k), value_mask=v_mask))


def test_mha_config_round_trip():
    q, v = rand(2, 3, 4).astype(np.float32), rand(2, 5, 6, seed=1).astype(np.float32)
    layer = MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, dropout=0.1,
                               output_shape=5, kernel_initializer="he_normal",
                               kernel_regularizer="l2", bias_constraint="non_neg", seed=7)
    y = layer(q, v)
    config = serialize_layer(layer)
    clone = deserialize_layer(config)
    assert type(clone) is MultiHeadAttention
    assert serialize_layer(clone)["config"] == config["config"]
    assert config["config"]["value_dim"] == 4 and config["config"]["output_shape"] == [5]
    clone(q, v)
    clone.set_weights(layer.get_weights())
    np.testing.assert_allclose(clone(q, v).numpy(), y.numpy(), rtol=1e-6)
    assert len(layer.losses) == 4  # one l2 penalty per kernel


def test_mha_in_functional_model():
    qi, vi = Input((3, 4)), Input((None, 6))
    layer = MultiHeadAttention(num_heads=2, key_dim=3)
    out = layer(qi, vi)
    assert tuple(out.shape) == (None, 3, 4) and out.dtype == "float32"
    out2, scores = MultiHeadAttention(num_heads=2, key_dim=3)(qi, vi, vi,
                                                              return_attention_scores=True)
    assert tuple(out2.shape) == (None, 3, 4) and tuple(scores.shape) == (None, 2, 3, None)
    model = Model([qi, vi], [out, scores])
    q, v = rand(2, 3, 4).astype(np.float32), rand(2, 7, 6, seed=1).astype(np.float32)
    y, s = model([q, v])
    np.testing.assert_allclose(y.numpy(), layer(q, v).numpy(), rtol=1e-6)
    assert tuple(s.shape) == (2, 2, 3, 7)
    mask_in = Input((3, 7), dtype="bool")
    v_in = Input((7, 6))
    masked_model = Model([qi, v_in, mask_in], layer(qi, v_in, attention_mask=mask_in))
    mask = np.ones((2, 3, 7), bool)
    mask[..., 5:] = False
    np.testing.assert_allclose(masked_model([q, v, mask]).numpy(),
                               layer(q, v, attention_mask=mask).numpy(), rtol=1e-6)
    # masked keys count for nothing: the same as leaving them out
    np.testing.assert_allclose(layer(q, v, attention_mask=mask).numpy(),
                               layer(q, v[:, :5]).numpy(), rtol=1e-5, atol=1e-6)


def test_mha_bad_arguments():
    x = rand(2, 3, 4)
    with pytest.raises(NotImplementedError, match="attention_axes"):
        MultiHeadAttention(2, 3, attention_axes=(2,))(x, x)
    with pytest.raises(NotImplementedError, match="rank 4"):
        MultiHeadAttention(2, 3)(rand(2, 3, 3, 4), rand(2, 3, 3, 4))
    with pytest.raises(ValueError, match="num_heads must be a positive integer"):
        MultiHeadAttention(0, 3)
    with pytest.raises(ValueError, match="both a query and a value"):
        MultiHeadAttention(2, 3)(x)
    with pytest.raises(ValueError, match="same number of steps"):
        MultiHeadAttention(2, 3)(x, rand(2, 5, 4), rand(2, 6, 4))
    layer = MultiHeadAttention(2, 3, attention_axes=1)  # the default axis, named
    layer(x, x)
    with pytest.raises(ValueError, match="expects last dimension 4, got 5"):
        layer(x, rand(2, 3, 5))


# -- acceptance: a transformer encoder learns an order-dependent task -----------------------
def _order_task(n, length, vocab, seed):
    """One-hot tokens plus one-hot positions; label 1 when token 0 comes before token 1."""
    rng = np.random.default_rng(seed)
    tokens = rng.integers(2, vocab, size=(n, length))
    labels = rng.integers(0, 2, size=n)
    for i in range(n):
        first, second = sorted(rng.choice(length, 2, replace=False))
        tokens[i, first], tokens[i, second] = (0, 1) if labels[i] else (1, 0)
    positions = np.broadcast_to(np.eye(length), (n, length, length))
    x = np.concatenate([np.eye(vocab)[tokens], positions], axis=-1)
    return x.astype(np.float32), labels.astype(np.float32)[:, None]


def _normalization():
    if LayerNormalization is not None:
        return LayerNormalization()
    from ndflow.keras.layers.lambda_layer import Lambda
    from ndflow.ops.math import rsqrt
    from ndflow.ops.reduction import reduce_mean

    def normalize(x):
        centred = x - reduce_mean(x, axis=-1, keepdims=True)
        return centred * rsqrt(reduce_mean(centred * centred, axis=-1, keepdims=True) + 1e-3)

    return Lambda(normalize)


def test_transformer_encoder_learns_token_order():
    length, vocab = 8, 6
    x, y = _order_task(2000, length, vocab, seed=0)
    x_test, y_test = _order_task(500, length, vocab, seed=1)
    set_random_seed(0)
    inputs = Input((length, vocab + length))
    h = Dense(16)(inputs)
    for _ in range(2):
        attended = MultiHeadAttention(num_heads=2, key_dim=8)(h, h)
        h = _normalization()(Add()([h, attended]))
        ff = Dense(16)(Dense(32, activation="relu")(h))
        h = _normalization()(Add()([h, ff]))
    model = Model(inputs, Dense(1, activation="sigmoid")(Flatten()(h)))
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy",
                  metrics=["accuracy"])
    model.fit(x, y, epochs=8, batch_size=32, verbose=0)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy >= 0.9, accuracy
