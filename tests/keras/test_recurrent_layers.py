"""Recurrent layers: the layer contract, PyTorch parity on identical weights, masking,
the cell loop against the fused ops, wrappers, and learning a parity task."""

import numpy as np
import pytest

from ndflow.autodiff.tape import GradientTape
from ndflow.core.tensor import wrap
from ndflow.keras import Input, Model
from ndflow.keras.layers.core import Dense
from ndflow.keras.layers.embedding import Embedding
from ndflow.keras.layers.recurrent import GRU, LSTM, RNN, SimpleRNN
from ndflow.keras.layers.rnn_cells import GRUCell, LSTMCell, SimpleRNNCell
from ndflow.keras.layers.wrappers import Bidirectional, TimeDistributed
from ndflow.ops.reduction import reduce_sum
from tests.keras.contract import check_layer

LAYERS = [(SimpleRNN, SimpleRNNCell, 1), (LSTM, LSTMCell, 4), (GRU, GRUCell, 3)]


def rand(*shape, seed=0, scale=1.0):
    return np.random.default_rng(seed).uniform(-scale, scale, size=shape)


# -- the contract ----------------------------------------------------------------------
@pytest.mark.parametrize("cls,cell,gates", LAYERS, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_contract(cls, cell, gates, return_sequences, go_backwards):
    units, feats = 3, 2
    bias = 2 * gates * units if cls is GRU else gates * units
    params = gates * units * (feats + units) + bias
    out = (2, 4, units) if return_sequences else (2, units)
    check_layer(lambda: cls(units, return_sequences=return_sequences,
                            go_backwards=go_backwards),
                (2, 4, feats), out, num_weights=3, num_params=params)


@pytest.mark.parametrize("cell", [SimpleRNNCell, LSTMCell, GRUCell], ids=lambda c: c.__name__)
def test_rnn_wrapper_contract(cell):
    check_layer(lambda: RNN(cell(3), return_sequences=True), (2, 3, 2), (2, 3, 3))


def test_wrappers_contract():
    check_layer(lambda: Bidirectional(LSTM(3, return_sequences=True)), (2, 4, 2), (2, 4, 6),
                num_weights=6)
    check_layer(lambda: Bidirectional(GRU(3), merge_mode="sum"), (2, 4, 2), (2, 3))
    check_layer(lambda: TimeDistributed(Dense(5)), (2, 4, 3), (2, 4, 5), num_weights=2)


def test_weights_as_keras():
    layer = LSTM(4)
    layer(rand(2, 3, 5).astype(np.float32))
    assert [(w.name, tuple(w.shape)) for w in layer.weights] == [
        ("kernel", (5, 16)), ("recurrent_kernel", (4, 16)), ("bias", (16,))]
    bias = layer.weights[2].numpy()
    np.testing.assert_array_equal(bias, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    gru = GRU(4, reset_after=False)
    gru(rand(2, 3, 5).astype(np.float32))
    assert tuple(gru.weights[2].shape) == (12,)


# -- the fused ops equal the cell loop -------------------------------------------------
@pytest.mark.parametrize("cls,cell,gates", LAYERS, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("go_backwards", [False, True])
def test_fused_equals_cell_loop_with_mask(cls, cell, gates, go_backwards):
    x = rand(3, 5, 2)
    mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 0], [1, 1, 1, 1, 1]], dtype=bool)
    fused = cls(4, return_sequences=True, return_state=True, go_backwards=go_backwards,
                dtype="float64")
    loop = RNN(cell(4, dtype="float64"), return_sequences=True, return_state=True,
               go_backwards=go_backwards, dtype="float64")
    fused(x)
    loop(x)
    loop.set_weights([w * 1.3 for w in fused.get_weights()])
    fused.set_weights([w * 1.3 for w in fused.get_weights()])
    outs = []
    for layer in (fused, loop):
        xt = wrap(x)
        with GradientTape() as tape:
            tape.watch(xt)
            y = layer(xt, mask=wrap(mask))
            s = sum(reduce_sum(t * t) for t in y)
        outs.append([t.numpy() for t in y] + [g.numpy() for g in
                                               tape.gradient(s, [xt] + layer.weights)])
    for a, b in zip(*outs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_gru_reset_before_runs_the_cell_loop():
    check_layer(lambda: GRU(3, reset_after=False, return_sequences=True), (2, 3, 2), (2, 3, 3))


def test_recurrent_dropout_uses_the_cell_loop_and_is_off_in_inference():
    layer = LSTM(3, dropout=0.3, recurrent_dropout=0.3, seed=1)
    x = rand(4, 5, 2).astype(np.float32)
    a, b = layer(x).numpy(), layer(x).numpy()
    np.testing.assert_array_equal(a, b)
    c = layer(x, training=True).numpy()
    assert c.shape == a.shape and not np.allclose(a, c)


def test_initial_state_and_return_state():
    layer = LSTM(3, return_state=True)
    x = rand(2, 4, 2).astype(np.float32)
    out, h, c = layer(x)
    np.testing.assert_array_equal(out.numpy(), h.numpy())
    h0, c0 = rand(2, 3, seed=1).astype(np.float32), rand(2, 3, seed=2).astype(np.float32)
    out2, _, _ = layer(x, initial_state=[h0, c0])
    assert not np.allclose(out.numpy(), out2.numpy())
    inp, s1, s2 = Input((4, 2)), Input((3,)), Input((3,))
    model = Model([inp, s1, s2], layer(inp, initial_state=[s1, s2])[0])
    np.testing.assert_allclose(model([x, h0, c0]).numpy(), out2.numpy(), rtol=1e-6)


# -- PyTorch parity --------------------------------------------------------------------
def _torch_weights(kind, kernel, recurrent, bias, units):
    torch = pytest.importorskip("torch")
    if kind == "GRU":  # Keras z, r, h; torch r, z, n
        order = np.r_[units:2 * units, 0:units, 2 * units:3 * units]
        return [torch.tensor(kernel[:, order].T), torch.tensor(recurrent[:, order].T),
                torch.tensor(bias[0][order]), torch.tensor(bias[1][order])]
    return [torch.tensor(kernel.T), torch.tensor(recurrent.T), torch.tensor(bias),
            torch.tensor(np.zeros_like(bias))]


@pytest.mark.parametrize("cls", [SimpleRNN, LSTM, GRU], ids=lambda c: c.__name__)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_torch_parity(cls, bidirectional):
    torch = pytest.importorskip("torch")
    batch, time, feats, units = 3, 6, 4, 5
    x = rand(batch, time, feats)
    layer = cls(units, return_sequences=True, dtype="float64")
    if bidirectional:
        layer = Bidirectional(layer, dtype="float64")
    layer(x)
    weights = [w * 1.5 for w in layer.get_weights()]
    if cls is not LSTM:
        weights = [w + rand(*w.shape, seed=7, scale=0.3) for w in weights]
    layer.set_weights(weights)
    module = {SimpleRNN: torch.nn.RNN, LSTM: torch.nn.LSTM, GRU: torch.nn.GRU}[cls](
        feats, units, batch_first=True, bidirectional=bidirectional, dtype=torch.float64)
    names = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    sets = [(weights[:3], "")] + ([(weights[3:], "_reverse")] if bidirectional else [])
    with torch.no_grad():
        for ws, suffix in sets:
            for name, value in zip(names, _torch_weights(cls.__name__, *ws, units)):
                getattr(module, name + suffix).copy_(value)
    projection = rand(batch, time, units * (2 if bidirectional else 1), seed=3)
    xt = wrap(x)
    with GradientTape() as tape:
        tape.watch(xt)
        y = layer(xt)
        s = reduce_sum(y * wrap(projection))
    grads = tape.gradient(s, [xt] + layer.weights)
    tx = torch.tensor(x, requires_grad=True)
    ty = module(tx)[0]
    (ty * torch.tensor(projection)).sum().backward()
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(grads[0].numpy(), tx.grad.numpy(), rtol=1e-8, atol=1e-11)
    inverse = np.r_[units:2 * units, 0:units, 2 * units:3 * units]  # torch r, z, n -> z, r, h
    for (_, suffix), offset in zip(sets, (1, 4)):
        for k, name in enumerate(names[:2]):
            expected = getattr(module, name + suffix).grad.numpy().T
            if cls is GRU:
                expected = expected[:, inverse]
            np.testing.assert_allclose(grads[offset + k].numpy(), expected, rtol=1e-8,
                                       atol=1e-11)


# -- masking ---------------------------------------------------------------------------
@pytest.mark.parametrize("cls", [SimpleRNN, LSTM, GRU], ids=lambda c: c.__name__)
@pytest.mark.parametrize("bidirectional", [False, True])
def test_more_padding_gives_the_same_outputs(cls, bidirectional):
    ids = np.array([[3, 1, 4, 1, 5], [9, 2, 6, 0, 0], [5, 0, 0, 0, 0]])
    padded = np.concatenate([ids, np.zeros((3, 4), dtype=ids.dtype)], axis=1)
    emb = Embedding(10, 3, mask_zero=True)
    rnn = cls(4)
    if bidirectional:
        rnn = Bidirectional(rnn)
    a = rnn(emb(ids)).numpy()
    b = rnn(emb(padded)).numpy()
    np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    short = rnn(emb(ids[2:, :1])).numpy()
    np.testing.assert_allclose(a[2:], short, rtol=1e-6, atol=1e-7)


def test_masked_steps_repeat_the_previous_output_and_mask_propagates():
    ids = np.array([[3, 1, 0, 0], [2, 0, 0, 0]])
    seq = LSTM(2, return_sequences=True)(Embedding(5, 3, mask_zero=True)(ids))
    out = seq.numpy()
    np.testing.assert_array_equal(out[0, 2], out[0, 1])
    np.testing.assert_array_equal(out[1, 3], out[1, 0])
    np.testing.assert_array_equal(seq._keras_mask.numpy(), ids != 0)


def test_functional_model_propagates_masks_and_the_loss_skips_masked_steps():
    inp = Input((4,), dtype="int32")
    x = Embedding(5, 3, mask_zero=True)(inp)
    x = LSTM(2, return_sequences=True)(x)
    out = Dense(1)(x)
    model = Model(inp, out)
    model.compile(optimizer="sgd", loss="mse")
    ids = np.array([[3, 1, 0, 0], [2, 4, 1, 0]])
    y = model(ids)
    np.testing.assert_array_equal(y._keras_mask.numpy(), ids != 0)
    target = np.zeros((2, 4, 1), dtype=np.float32)
    other = target.copy()
    other[ids == 0] = 100.0  # targets at padded steps must not matter
    assert np.isclose(model.evaluate(ids, target, verbose=0),
                      model.evaluate(ids, other, verbose=0))


# -- learning --------------------------------------------------------------------------
def _parity_data(n, seed):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 11, size=n)
    bits = rng.integers(0, 2, size=(n, 10))
    ids = np.where(np.arange(10) < lengths[:, None], bits + 1, 0)
    labels = ((ids == 2).sum(axis=1) % 2 == 0).astype(np.float32)
    return ids, labels


@pytest.mark.parametrize("cls", [LSTM, GRU], ids=lambda c: c.__name__)
def test_learns_parity_of_a_padded_binary_sequence(cls):
    from ndflow.keras import Sequential
    from ndflow.random import set_seed

    set_seed(0)
    x, y = _parity_data(3000, 0)
    model = Sequential([Input((10,), dtype="int32"), Embedding(3, 8, mask_zero=True),
                        cls(24), Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=25, batch_size=32, verbose=0)
    xt, yt = _parity_data(500, 1)
    _, acc = model.evaluate(xt, yt, verbose=0)
    assert acc >= 0.95
