"""StringLookup, IntegerLookup, Hashing, CategoryEncoding and Discretization."""

import numpy as np
import pytest

import ndflow as nf
from ndflow import keras
from ndflow.keras.layers.categorical import CategoryEncoding, Discretization, Hashing
from ndflow.keras.layers.lookup import IntegerLookup, StringLookup
from ndflow.keras.layers.serialization import deserialize_layer, serialize_layer
from tests.keras.contract import check_layer

ABCD = ["a", "b", "c", "d"]
DATA = [["a", "c", "d"], ["d", "z", "b"]]


def values(t):
    return np.asarray(t.numpy())


def assert_same_after_round_trip(layer, inputs):
    clone = type(layer).from_config(layer.get_config())
    np.testing.assert_array_equal(values(clone(inputs)), values(layer(inputs)))
    rebuilt = deserialize_layer(serialize_layer(layer))
    np.testing.assert_array_equal(values(rebuilt(inputs)), values(layer(inputs)))


# -- StringLookup ---------------------------------------------------------------------------
def test_string_lookup_with_vocabulary():
    layer = StringLookup(vocabulary=ABCD)
    out = layer(DATA)
    assert out.dtype == nf.int64
    np.testing.assert_array_equal(values(out), [[1, 3, 4], [4, 0, 2]])
    assert layer.get_vocabulary() == ["[UNK]"] + ABCD and layer.vocabulary_size() == 5
    np.testing.assert_array_equal(values(layer(nf.constant(np.array([b"b", b"q"])))), [2, 0])
    assert int(values(layer("c"))) == 3


def test_string_lookup_adapt_orders_by_count_then_token():
    data = ["a", "c", "d", "d", "d", "z", "b", "z"]
    for source in (data, np.array(data), nf.constant(data), np.array(data).reshape(4, 2),
                   nf.data.Dataset.from_tensor_slices(data),
                   nf.data.Dataset.from_tensor_slices(data).batch(3)):
        layer = StringLookup()
        layer.adapt(source)
        assert layer.get_vocabulary() == ["[UNK]", "d", "z", "c", "b", "a"]
    capped = StringLookup(max_tokens=3)
    capped.adapt(data)
    assert capped.get_vocabulary() == ["[UNK]", "d", "z"]
    stepped = StringLookup()
    stepped.adapt(np.array(data), batch_size=3, steps=1)
    assert stepped.get_vocabulary() == ["[UNK]", "d", "c", "a"]


def test_string_lookup_oov_indices():
    two = StringLookup(vocabulary=ABCD, num_oov_indices=2)
    out = values(two(DATA))
    np.testing.assert_array_equal(out[0], [2, 4, 5])
    assert out[1, 1] in (0, 1) and out[1, 0] == 5 and out[1, 2] == 3
    np.testing.assert_array_equal(values(two(DATA)), out)  # deterministic
    assert two.get_vocabulary()[:2] == ["[UNK]", "[UNK]"]
    zero = StringLookup(vocabulary=ABCD, num_oov_indices=0)
    np.testing.assert_array_equal(values(zero(["a", "d"])), [0, 3])
    with pytest.raises(ValueError, match="found OOV values"):
        zero(["a", "z"])


def test_string_lookup_mask_token():
    layer = StringLookup(vocabulary=ABCD, mask_token="")
    assert layer.get_vocabulary() == ["", "[UNK]"] + ABCD
    np.testing.assert_array_equal(values(layer([["a", ""], ["z", "d"]])), [[2, 0], [1, 5]])
    multi = StringLookup(vocabulary=ABCD, mask_token="", output_mode="multi_hot")
    assert multi.get_vocabulary() == ["[UNK]"] + ABCD  # the mask is dropped outside 'int'
    np.testing.assert_array_equal(values(multi([["a", ""]])), [[0, 1, 0, 0, 0]])


def test_string_lookup_output_modes():
    one_hot = StringLookup(vocabulary=ABCD, output_mode="one_hot")
    np.testing.assert_array_equal(values(one_hot(["a", "z"])), [[0, 1, 0, 0, 0],
                                                                [1, 0, 0, 0, 0]])
    assert tuple(one_hot(np.array([["a"], ["b"]])).shape) == (2, 5)
    assert tuple(one_hot([["a", "b", "c"]]).shape) == (1, 3, 5)
    multi = StringLookup(vocabulary=ABCD, output_mode="multi_hot")
    out = multi(DATA)
    assert out.dtype == nf.float32
    np.testing.assert_array_equal(values(out), [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]])
    np.testing.assert_array_equal(values(multi(["a", "a"])), [0, 1, 0, 0, 0])
    count = StringLookup(vocabulary=ABCD, output_mode="count")
    np.testing.assert_array_equal(values(count([["a", "d", "d", "z"]])), [[1, 1, 0, 0, 2]])
    padded = StringLookup(vocabulary=ABCD, output_mode="multi_hot", max_tokens=8,
                          pad_to_max_tokens=True)
    assert tuple(padded(DATA).shape) == (2, 8)


def test_string_lookup_tf_idf():
    layer = StringLookup(vocabulary=ABCD, idf_weights=[0.25, 0.75, 0.6, 0.4],
                         output_mode="tf_idf")
    # the OOV weight is the mean of the given ones (0.5)
    np.testing.assert_allclose(values(layer([["a", "c", "d", "d"], ["d", "z", "b", "z"]])),
                               [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]], rtol=1e-6)
    explicit = StringLookup(vocabulary=["[UNK]"] + ABCD, idf_weights=[0.0, 0.25, 0.75, 0.6, 0.4],
                            output_mode="tf_idf")
    np.testing.assert_allclose(values(explicit([["z", "a"]])), [[0, 0.25, 0, 0, 0]])
    adapted = StringLookup(output_mode="tf_idf")
    adapted.adapt([["a", "b"], ["a", "c"]])
    idf = np.log1p(2 / (1 + np.array([2.0, 1.0, 1.0])))  # a, c, b
    np.testing.assert_allclose(values(adapted([["a", "c", "q"]])),
                               [[idf.mean(), idf[0], idf[1], 0]], rtol=1e-6)
    assert_same_after_round_trip(adapted, [["a", "c", "q"]])


def test_string_lookup_invert():
    layer = StringLookup(vocabulary=ABCD, invert=True)
    out = layer([[1, 3, 4], [4, 0, 2]])
    assert out.dtype == nf.string
    np.testing.assert_array_equal(values(out), [["a", "c", "d"], ["d", "[UNK]", "b"]])
    masked = StringLookup(vocabulary=ABCD, mask_token="[MASK]", invert=True)
    np.testing.assert_array_equal(values(masked([0, 1, 2, 99])),
                                  ["[MASK]", "[UNK]", "a", "[UNK]"])
    forward = StringLookup(vocabulary=ABCD)
    back = StringLookup(vocabulary=forward.get_vocabulary(), invert=True)
    np.testing.assert_array_equal(values(back(forward(DATA))),
                                  [["a", "c", "d"], ["d", "[UNK]", "b"]])


def test_string_lookup_vocabulary_file_and_errors(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("a\nb\nc\nd\n", encoding="utf-8")
    assert StringLookup(vocabulary=str(path)).get_vocabulary() == ["[UNK]"] + ABCD
    with pytest.raises(ValueError, match="no vocabulary"):
        StringLookup()(["a"])
    with pytest.raises(ValueError, match="output_mode"):
        StringLookup(output_mode="binary")
    with pytest.raises(ValueError, match="repeated"):
        StringLookup(vocabulary=["a", "a"])
    with pytest.raises(ValueError, match="reserved tokens"):
        StringLookup(vocabulary=["a", "[UNK]"])
    with pytest.raises(ValueError, match="larger than max_tokens"):
        StringLookup(max_tokens=3, vocabulary=ABCD)
    with pytest.raises(ValueError, match="invert"):
        StringLookup(vocabulary=ABCD, invert=True, output_mode="multi_hot")
    with pytest.raises(ValueError, match="idf_weights"):
        StringLookup(vocabulary=ABCD, output_mode="tf_idf")
    with pytest.raises(ValueError, match="expects string inputs"):
        StringLookup(vocabulary=ABCD)(np.array([1, 2]))
    with pytest.raises(ValueError, match="Cannot adapt"):
        StringLookup(vocabulary=ABCD).adapt(["a"])
    with pytest.raises(NotImplementedError, match="sparse"):
        StringLookup(sparse=True)


@pytest.mark.parametrize("kwargs", [{}, {"mask_token": "", "num_oov_indices": 2},
                                    {"output_mode": "count"}, {"output_mode": "one_hot"}])
def test_string_lookup_config_round_trip(kwargs):
    layer = StringLookup(**kwargs)
    layer.adapt(["a", "b", "b", "c"])
    assert_same_after_round_trip(layer, ["a", "b", "zz", "c"])


def test_string_lookup_in_a_model():
    lookup = StringLookup(vocabulary=ABCD, output_mode="one_hot")
    inp = keras.Input(shape=(1,), dtype="string")
    encoded = lookup(inp)
    assert tuple(encoded.shape) == (None, 5)
    model = keras.Model(inp, keras.layers.Dense(1)(encoded))
    assert tuple(model.predict(np.array([["a"], ["z"]]), verbose=0).shape) == (2, 1)


# -- IntegerLookup --------------------------------------------------------------------------
def test_integer_lookup():
    layer = IntegerLookup(vocabulary=[12, 36, 1138, 42])
    np.testing.assert_array_equal(values(layer(np.array([[12, 1138, 42], [42, 1000, 36]]))),
                                  [[1, 3, 4], [4, 0, 2]])
    assert layer.get_vocabulary() == [-1, 12, 36, 1138, 42]
    adapted = IntegerLookup()
    adapted.adapt(np.array([[12, 1138, 42], [42, 1000, 36]]))
    assert adapted.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]
    two = IntegerLookup(vocabulary=[12, 36, 1138, 42], num_oov_indices=2)
    # OOV integers go to index value mod num_oov_indices
    np.testing.assert_array_equal(values(two(np.array([[12, 1138, 42], [37, 1000, 36]]))),
                                  [[2, 4, 5], [1, 0, 3]])
    masked = IntegerLookup(vocabulary=[12, 36], mask_token=0)
    assert masked.get_vocabulary() == [0, -1, 12, 36]
    np.testing.assert_array_equal(values(masked(np.array([0, 36, 7]))), [0, 3, 1])
    inverse = IntegerLookup(vocabulary=[12, 36, 1138, 42], invert=True)
    np.testing.assert_array_equal(values(inverse(np.array([1, 3, 0, 9]))), [12, 1138, -1, -1])
    multi = IntegerLookup(vocabulary=[12, 36], output_mode="multi_hot")
    np.testing.assert_array_equal(values(multi(np.array([[12, 5], [36, 36]]))),
                                  [[1, 1, 0], [0, 0, 1]])
    with pytest.raises(ValueError, match="expects integer inputs"):
        layer(np.array([1.5]))
    with pytest.raises(ValueError, match="vocabulary_dtype"):
        IntegerLookup(vocabulary_dtype="float32")
    adapted_twice = IntegerLookup(output_mode="count")
    adapted_twice.adapt(nf.data.Dataset.from_tensor_slices(np.array([3, 3, 5])).batch(2))
    assert adapted_twice.get_vocabulary() == [-1, 3, 5]
    assert_same_after_round_trip(adapted_twice, np.array([[3, 5, 9]]))


# -- Hashing --------------------------------------------------------------------------------
def test_hashing_is_deterministic_and_in_range():
    words = np.array([f"w{i}" for i in range(200)])
    layer = Hashing(num_bins=7)
    out = values(layer(words.reshape(20, 10)))
    assert out.dtype == np.int64 and out.shape == (20, 10)
    assert out.min() >= 0 and out.max() < 7 and len(np.unique(out)) == 7
    np.testing.assert_array_equal(values(Hashing(num_bins=7)(words)), out.reshape(-1))
    # integers hash as their decimal text
    np.testing.assert_array_equal(values(layer(np.array([5, 12]))),
                                  values(layer(np.array(["5", "12"]))))
    np.testing.assert_array_equal(values(layer(np.array([b"w3"]))), out.reshape(-1)[3:4])


def test_hashing_mask_value_salt_and_modes():
    words = np.array([f"w{i}" for i in range(100)] + [""])
    masked = values(Hashing(num_bins=5, mask_value="")(words))
    assert masked[-1] == 0 and masked[:-1].min() >= 1 and masked.max() <= 4
    plain = values(Hashing(num_bins=50)(words))
    salted = values(Hashing(num_bins=50, salt=133)(words))
    assert (plain != salted).any()
    np.testing.assert_array_equal(values(Hashing(num_bins=50, salt=[133, 0])(words)), salted)
    ints = values(Hashing(num_bins=3, mask_value=0)(np.array([0, 0, 4])))
    assert ints[0] == ints[1] == 0 and ints[2] in (1, 2)
    one_hot = Hashing(num_bins=4, output_mode="one_hot")(np.array([["a"], ["b"]]))
    assert tuple(one_hot.shape) == (2, 4) and one_hot.dtype == nf.float32
    np.testing.assert_array_equal(values(one_hot).sum(axis=1), [1, 1])
    count = values(Hashing(num_bins=4, output_mode="count")(np.array([["a", "a", "b"]])))
    assert count.sum() == 3 and count.max() >= 2
    layer = Hashing(num_bins=9, salt=7, mask_value="x")
    assert_same_after_round_trip(layer, words)
    with pytest.raises(ValueError, match="strings or integers"):
        layer(np.array([1.5]))
    with pytest.raises(ValueError, match="num_bins"):
        Hashing(num_bins=0)
    with pytest.raises(ValueError, match="output_mode"):
        Hashing(num_bins=3, output_mode="tf_idf")


# -- CategoryEncoding -----------------------------------------------------------------------
def test_category_encoding_modes():
    one_hot = CategoryEncoding(num_tokens=4, output_mode="one_hot")
    np.testing.assert_array_equal(values(one_hot(np.array([3, 2, 0, 1]))),
                                  np.eye(4)[[3, 2, 0, 1]])
    assert tuple(one_hot(np.array([[3], [2]])).shape) == (2, 4)
    multi = CategoryEncoding(num_tokens=4, output_mode="multi_hot")
    out = multi([[0, 1], [0, 0], [1, 2], [3, 1]])
    assert out.dtype == nf.float32
    np.testing.assert_array_equal(values(out), [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0],
                                                [0, 1, 0, 1]])
    np.testing.assert_array_equal(values(multi(np.array(2))), [0, 0, 1, 0])
    count = CategoryEncoding(num_tokens=4, output_mode="count")
    weights = np.array([[.1, .2], [.1, .1], [.2, .3], [.4, .2]])
    np.testing.assert_allclose(
        values(count([[0, 1], [0, 0], [1, 2], [3, 1]], count_weights=weights)),
        [[.1, .2, 0, 0], [.2, 0, 0, 0], [0, .2, .3, 0], [0, .2, 0, .4]], rtol=1e-6)
    np.testing.assert_array_equal(values(count([[0, 0, 3]])), [[2, 0, 0, 1]])
    assert_same_after_round_trip(count, np.array([[0, 0, 3]]))
    sym = CategoryEncoding(num_tokens=6)(keras.Input(shape=(3,), dtype="int32"))
    assert tuple(sym.shape) == (None, 6)


def test_category_encoding_errors():
    layer = CategoryEncoding(num_tokens=3, output_mode="multi_hot")
    with pytest.raises(ValueError, match="0 <= values < 3"):
        layer(np.array([[0, 3]]))
    with pytest.raises(ValueError, match="0 <= values < 3"):
        layer(np.array([[-1, 0]]))
    with pytest.raises(ValueError, match="count_weights"):
        layer(np.array([[0, 1]]), count_weights=np.array([[1.0, 1.0]]))
    with pytest.raises(ValueError, match="output_mode"):
        CategoryEncoding(num_tokens=3, output_mode="int")
    with pytest.raises(ValueError, match="num_tokens"):
        CategoryEncoding()
    with pytest.raises(ValueError, match="rank 2"):
        layer(np.zeros((2, 2, 2), dtype=np.int32))


# -- Discretization -------------------------------------------------------------------------
INPUT = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]])


def test_discretization_with_boundaries():
    layer = Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    out = layer(INPUT)
    assert out.dtype == nf.int64
    np.testing.assert_array_equal(values(out), [[0, 2, 3, 1], [1, 3, 2, 1]])
    one_hot = Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot")
    np.testing.assert_array_equal(values(one_hot(np.array([-1.0, 0.5, 7.0]))), np.eye(3))
    count = Discretization(bin_boundaries=[0.0, 1.0], output_mode="count")
    np.testing.assert_array_equal(values(count(np.array([[-1.0, 0.5, 0.7]]))), [[1, 2, 0]])
    # float32 inputs compare in float32, as TensorFlow's bucketize does
    np.testing.assert_array_equal(values(Discretization(bin_boundaries=[0.7])(
        np.array([0.7], dtype=np.float32))), [1])


def test_discretization_adapt_quantiles():
    layer = Discretization(num_bins=4, epsilon=0.01)
    layer.adapt(INPUT)
    np.testing.assert_allclose(layer.bin_boundaries, [0.0, 0.5, 1.3])
    np.testing.assert_array_equal(values(layer(INPUT)), [[0, 2, 3, 2], [1, 3, 3, 1]])
    for source in (nf.data.Dataset.from_tensor_slices(INPUT.reshape(-1)).batch(3),
                   nf.constant(INPUT.astype(np.float32)), INPUT.tolist()):
        again = Discretization(num_bins=4)
        again.adapt(source)
        np.testing.assert_allclose(again.bin_boundaries, [0.0, 0.5, 1.3], rtol=1e-6)
    big = np.random.default_rng(0).normal(size=20000)
    quartiles = Discretization(num_bins=4)
    quartiles.adapt(nf.data.Dataset.from_tensor_slices(big).batch(1000))
    np.testing.assert_allclose(quartiles.bin_boundaries, np.quantile(big, [.25, .5, .75]),
                               atol=0.05)
    assert_same_after_round_trip(layer, INPUT)


def test_discretization_contract_and_errors():
    check_layer(lambda: Discretization(bin_boundaries=[-0.5, 0.0, 0.5]), (3, 4), (3, 4),
                num_weights=0, gradients=False)
    with pytest.raises(ValueError, match="not both"):
        Discretization(bin_boundaries=[0.0], num_bins=5)
    with pytest.raises(ValueError, match="adapt"):
        Discretization(num_bins=3)(INPUT)
    with pytest.raises(ValueError, match="cannot be adapted"):
        Discretization(bin_boundaries=[0.0]).adapt(INPUT)
    with pytest.raises(ValueError, match="sorted"):
        Discretization(bin_boundaries=[1.0, 0.0])
    with pytest.raises(ValueError, match="numeric"):
        Discretization(bin_boundaries=[0.0])(np.array(["a"]))


def test_symbolic_outputs_carry_the_real_output_dtypes():
    # int-mode preprocessing outputs are int64 KerasTensors (encodings stay floats), so the
    # layers after them in a functional model see what the data will be
    from ndflow import keras
    from ndflow.keras import layers

    text = keras.Input(shape=(1,), dtype="string")
    assert layers.TextVectorization(output_sequence_length=4,
                                    vocabulary=["a", "b"])(text).dtype == "int64"
    assert layers.TextVectorization(output_mode="multi_hot",
                                    vocabulary=["a", "b"])(text).dtype == "float32"
    ids = keras.Input(shape=(3,), dtype="int64")
    assert layers.StringLookup(vocabulary=["a", "b"], invert=True)(ids).dtype == "string"
    assert layers.IntegerLookup(vocabulary=[7, 9])(ids).dtype == "int64"
    assert layers.Hashing(num_bins=4)(text).dtype == "int64"
    values = keras.Input(shape=(2,))
    assert layers.Discretization(bin_boundaries=[0.0, 1.0])(values).dtype == "int64"
