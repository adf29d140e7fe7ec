"""TextVectorization: standardize, split, n-grams, vocabulary, output modes, models."""

import math

import numpy as np
import pytest

import ndflow as nf
from ndflow import keras
from ndflow.keras.layers.serialization import deserialize_layer, serialize_layer
from ndflow.keras.layers.text_vectorization import TextVectorization

CORPUS = ["The cat sat.", "The dog sat!", "A cat"]
# counts: the 2, sat 2, cat 2, dog 1, a 1; ties go to the larger token first
VOCAB = ["", "[UNK]", "the", "sat", "cat", "dog", "a"]


def adapted(**kwargs):
    layer = TextVectorization(**kwargs)
    layer.adapt(CORPUS)
    return layer


def values(t):
    return np.asarray(t.numpy())


# -- vocabulary -----------------------------------------------------------------------------
def test_adapt_orders_by_frequency_with_reserved_tokens():
    layer = adapted()
    assert layer.get_vocabulary() == VOCAB
    assert layer.get_vocabulary(include_special_tokens=False) == VOCAB[2:]
    assert layer.vocabulary_size() == 7


def test_max_tokens_counts_the_reserved_tokens():
    assert adapted(max_tokens=4).get_vocabulary() == VOCAB[:4]
    assert adapted(max_tokens=4, output_mode="multi_hot").get_vocabulary() == \
        ["[UNK]", "the", "sat", "cat"]


@pytest.mark.parametrize("source", [
    lambda: list(CORPUS),
    lambda: np.array(CORPUS),
    lambda: np.array(CORPUS)[:, None],
    lambda: np.array([s.encode() for s in CORPUS]),
    lambda: nf.constant(CORPUS),
    lambda: nf.data.Dataset.from_tensor_slices(CORPUS),
    lambda: nf.data.Dataset.from_tensor_slices(CORPUS).batch(2),
    lambda: nf.data.Dataset.from_tensor_slices((CORPUS, [0, 1, 0])).batch(2),
], ids=["list", "array", "array_n1", "bytes", "tensor", "dataset", "batched", "xy_batched"])
def test_adapt_sources_agree(source):
    layer = TextVectorization()
    layer.adapt(source())
    assert layer.get_vocabulary() == VOCAB


def test_adapt_batch_size_and_steps():
    layer = TextVectorization()
    layer.adapt(np.array(CORPUS), batch_size=1, steps=1)  # only "The cat sat."
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "sat", "cat"]
    layer.adapt(nf.data.Dataset.from_tensor_slices(CORPUS).batch(1), steps=2)
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "sat", "dog", "cat"]


def test_vocabulary_given_up_front_and_set_vocabulary(tmp_path):
    layer = TextVectorization(vocabulary=["the", "cat"])
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "cat"]
    np.testing.assert_array_equal(values(layer(["the cat dog"])), [[2, 3, 1]])
    # the reserved tokens may lead a given vocabulary (as get_vocabulary returns it)
    same = TextVectorization(vocabulary=["", "[UNK]", "the", "cat"])
    assert same.get_vocabulary() == layer.get_vocabulary()
    path = tmp_path / "vocab.txt"
    path.write_text("the\ncat\n\n", encoding="utf-8")
    assert TextVectorization(vocabulary=str(path)).get_vocabulary() == layer.get_vocabulary()
    layer.set_vocabulary(["dog"])
    assert layer.get_vocabulary() == ["", "[UNK]", "dog"] and layer.vocabulary_size() == 3
    with pytest.raises(ValueError, match="Cannot adapt"):
        TextVectorization(vocabulary=["a"]).adapt(CORPUS)


def test_vocabulary_errors():
    with pytest.raises(ValueError, match="repeated"):
        TextVectorization(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match="reserved tokens"):
        TextVectorization(vocabulary=["a", "[UNK]"])
    with pytest.raises(ValueError, match="larger than max_tokens"):
        TextVectorization(max_tokens=3, vocabulary=["a", "b"])
    with pytest.raises(ValueError, match="idf_weights"):
        TextVectorization(output_mode="tf_idf", vocabulary=["a"])


# -- int outputs ----------------------------------------------------------------------------
def test_int_output_pads_to_the_longest_in_the_batch():
    out = adapted()(["the cat ran", "a"])
    assert out.dtype == nf.int64
    np.testing.assert_array_equal(values(out), [[2, 4, 1], [6, 0, 0]])


@pytest.mark.parametrize("length, expected", [(2, [[2, 4], [6, 0]]),
                                              (5, [[2, 4, 1, 0, 0], [6, 0, 0, 0, 0]])])
def test_output_sequence_length_truncates_and_pads(length, expected):
    out = adapted(output_sequence_length=length)(np.array([["the cat ran"], ["a"]]))
    np.testing.assert_array_equal(values(out), expected)


def test_scalar_and_bytes_inputs():
    layer = adapted(output_sequence_length=3)
    np.testing.assert_array_equal(values(layer("The cat!")), [2, 4, 0])
    np.testing.assert_array_equal(values(layer(nf.constant(b"the dog"))), [2, 5, 0])
    np.testing.assert_array_equal(values(layer(np.array([b"a", b"sat"]))), [[6, 0, 0],
                                                                         [3, 0, 0]])
    np.testing.assert_array_equal(values(layer(["", "the"])), [[0, 0, 0], [2, 0, 0]])


# -- standardize and split ------------------------------------------------------------------
@pytest.mark.parametrize("standardize, tokens", [
    ("lower_and_strip_punctuation", ["the", "cat", "its"]),
    ("lower", ["the", "cat,", "it's"]),
    ("strip_punctuation", ["The", "Cat", "its"]),
    (None, ["The", "Cat,", "it's"]),
])
def test_standardize_modes(standardize, tokens):
    layer = TextVectorization(standardize=standardize)
    layer.adapt(["The Cat, it's"])
    assert sorted(layer.get_vocabulary(include_special_tokens=False)) == sorted(tokens)


def test_character_and_no_split():
    layer = TextVectorization(split="character")
    layer.adapt(["aab a"])
    assert layer.get_vocabulary() == ["", "[UNK]", "a", "b", " "]
    np.testing.assert_array_equal(values(layer(["ba"])), [[3, 2]])
    whole = TextVectorization(split=None)
    whole.adapt(["x y", "x y", "z"])
    assert whole.get_vocabulary() == ["", "[UNK]", "x y", "z"]
    np.testing.assert_array_equal(values(whole(["X Y", "q"])), [2, 1])
    np.testing.assert_array_equal(values(whole(np.array([["z"], ["x"]]))), [[3], [1]])


def test_callable_standardize_and_split():
    def standardize(t):  # receives a string tensor of shape (batch,)
        return np.char.replace(np.char.upper(t.numpy()), "!", "")

    def split(t):
        return [s.split("-") for s in t.numpy().tolist()]

    layer = TextVectorization(standardize=standardize, split=split)
    layer.adapt(["a-b!", "b-c"])
    assert layer.get_vocabulary() == ["", "[UNK]", "B", "C", "A"]
    np.testing.assert_array_equal(values(layer(["c-a-x"])), [[3, 4, 1]])


def test_ngrams():
    layer = TextVectorization(ngrams=2)
    layer.adapt(["a b c"])
    assert sorted(layer.get_vocabulary()[2:]) == ["a", "a b", "b", "b c", "c"]
    index = {t: i for i, t in enumerate(layer.get_vocabulary())}
    np.testing.assert_array_equal(values(layer(["a b c"])),
                                  [[index[t] for t in ["a", "b", "c", "a b", "b c"]]])
    bigrams = TextVectorization(ngrams=(2,))
    bigrams.adapt(["a b c"])
    assert bigrams.get_vocabulary() == ["", "[UNK]", "b c", "a b"]
    with pytest.raises(ValueError, match="ngrams"):
        TextVectorization(ngrams=0)


# -- bag-of-words outputs -------------------------------------------------------------------
def test_multi_hot_and_count():
    text = ["the cat cat zebra", "sat"]
    multi = adapted(output_mode="multi_hot")
    assert multi.get_vocabulary() == VOCAB[1:]
    out = multi(text)
    assert out.dtype == nf.float32 and tuple(out.shape) == (2, 6)
    np.testing.assert_array_equal(values(out), [[1, 1, 0, 1, 0, 0], [0, 0, 1, 0, 0, 0]])
    np.testing.assert_array_equal(values(adapted(output_mode="count")(text)),
                                  [[1, 1, 0, 2, 0, 0], [0, 0, 1, 0, 0, 0]])
    np.testing.assert_array_equal(values(multi("cat")), [0, 0, 0, 1, 0, 0])


def test_tf_idf():
    layer = adapted(output_mode="tf_idf")
    # idf = log(1 + documents / (1 + document frequency)); OOV gets the mean idf
    common, rare = math.log(1 + 3 / 3), math.log(1 + 3 / 2)
    oov = (3 * common + 2 * rare) / 5
    np.testing.assert_allclose(values(layer(["the cat cat zebra"])),
                               [[oov, common, 0, 2 * common, 0, 0]], rtol=1e-6)
    given = TextVectorization(output_mode="tf_idf", vocabulary=["x", "y"],
                              idf_weights=[0.5, 1.5])
    np.testing.assert_allclose(values(given(["y y q"])), [[1.0, 0.0, 3.0]])


def test_pad_to_max_tokens():
    layer = adapted(output_mode="multi_hot", max_tokens=10, pad_to_max_tokens=True)
    assert tuple(layer(["the"]).shape) == (1, 10)
    tfidf = adapted(output_mode="tf_idf", max_tokens=10, pad_to_max_tokens=True)
    assert tuple(tfidf(["the"]).shape) == (1, 10)


# -- config, errors, symbolic use -----------------------------------------------------------
@pytest.mark.parametrize("kwargs", [
    {"output_sequence_length": 4}, {"output_mode": "tf_idf"},
    {"output_mode": "count", "ngrams": 2, "max_tokens": 6},
    {"standardize": "lower", "split": "character"},
])
def test_config_round_trip(kwargs):
    layer = adapted(**kwargs)
    text = ["The cat sat on a dog.", "zebra"]
    clone = TextVectorization.from_config(layer.get_config())
    assert clone.get_vocabulary() == layer.get_vocabulary()
    np.testing.assert_array_equal(values(clone(text)), values(layer(text)))
    rebuilt = deserialize_layer(serialize_layer(layer))
    np.testing.assert_array_equal(values(rebuilt(text)), values(layer(text)))


def test_errors():
    with pytest.raises(ValueError, match="no vocabulary"):
        TextVectorization()(["a"])
    with pytest.raises(ValueError, match="output_mode"):
        TextVectorization(output_mode="binary")
    with pytest.raises(ValueError, match="expects string inputs"):
        adapted()(np.array([1, 2]))
    with pytest.raises(ValueError, match="expects string inputs"):
        TextVectorization().adapt(np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"\(batch,\) or \(batch, 1\)"):
        adapted()(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="output_sequence_length"):
        TextVectorization(output_mode="multi_hot", output_sequence_length=3)
    with pytest.raises(ValueError, match="standardize"):
        TextVectorization(standardize="upper")
    with pytest.raises(ValueError, match="split"):
        TextVectorization(split="comma")
    with pytest.raises(NotImplementedError, match="ragged"):
        TextVectorization(ragged=True)
    with pytest.raises(NotImplementedError, match="sparse"):
        TextVectorization(sparse=True)


def test_symbolic_shapes():
    inp = keras.Input(shape=(1,), dtype="string")
    assert tuple(adapted(output_sequence_length=5)(inp).shape) == (None, 5)
    assert tuple(adapted(output_mode="multi_hot")(inp).shape) == (None, 6)


TEXTS = np.array(["good great fun", "bad awful boring", "great good", "awful bad",
                  "fun good", "boring bad"])
LABELS = np.array([1, 0, 1, 0, 1, 0], dtype="float32")


def _compile(model):
    model.compile(optimizer=keras.optimizers.Adam(0.1), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def test_functional_model_trains_on_strings():
    nf.random.set_seed(0)
    vectorize = TextVectorization(output_mode="multi_hot")
    vectorize.adapt(TEXTS)
    inp = keras.Input(shape=(1,), dtype="string")
    out = keras.layers.Dense(1, activation="sigmoid")(vectorize(inp))
    model = _compile(keras.Model(inp, out))
    history = model.fit(TEXTS[:, None], LABELS, epochs=30, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert history.history["accuracy"][-1] == 1.0
    pred = model.predict(np.array([["good fun"], ["awful boring"]]), verbose=0)
    assert pred[0, 0] > 0.5 > pred[1, 0]


def test_sequential_model_trains_on_a_dataset_of_strings():
    nf.random.set_seed(0)
    vectorize = TextVectorization(output_mode="count")
    vectorize.adapt(nf.data.Dataset.from_tensor_slices(TEXTS).batch(4))
    model = _compile(keras.Sequential([vectorize, keras.layers.Dense(1,
                                                                     activation="sigmoid")]))
    data = nf.data.Dataset.from_tensor_slices((TEXTS, LABELS)).batch(3)
    history = model.fit(data, epochs=30, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert model.evaluate(TEXTS, LABELS, verbose=0)[1] == 1.0


def test_many_reviews_vectorize_in_one_call():
    rng = np.random.default_rng(0)
    words = np.array([f"w{i}" for i in range(500)])
    reviews = [" ".join(words[rng.integers(0, 500, 20)]) + "!" for _ in range(2000)]
    layer = TextVectorization(max_tokens=100, output_sequence_length=25)
    layer.adapt(nf.data.Dataset.from_tensor_slices(reviews).batch(128))
    out = values(layer(np.array(reviews)))
    vocab = {t: i for i, t in enumerate(layer.get_vocabulary())}
    expected = [vocab.get(t, 1) for t in reviews[7][:-1].split()] + [0] * 5
    np.testing.assert_array_equal(out[7], expected)
    assert out.shape == (2000, 25) and out.max() < 100
