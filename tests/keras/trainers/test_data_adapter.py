"""Batches from arrays and generators; validation_split takes the last fraction."""

import numpy as np
import pytest

import ndflow as nd
from ndflow.keras.trainers.data_adapter import (
    ArrayData,
    GeneratorData,
    adapt,
    pack_x_y_sample_weight,
    unpack_x_y_sample_weight,
)

X = np.arange(20, dtype=np.float32).reshape(10, 2)
Y = np.arange(10)


def test_batches_cover_the_data_in_order_with_a_short_last_batch():
    data = ArrayData(X, Y, batch_size=4)
    batches = list(data.batches())
    assert data.num_batches == 3 == len(batches)
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), Y)


def test_shuffling_is_a_permutation_reproducible_under_set_seed():
    data = ArrayData(X, Y, batch_size=3, shuffle=True)
    nd.random.set_seed(1)
    first = np.concatenate([b[1] for b in data.batches()])
    nd.random.set_seed(1)
    again = np.concatenate([b[1] for b in data.batches()])
    assert sorted(first.tolist()) == list(range(10))
    np.testing.assert_array_equal(first, again)
    x_rows = np.concatenate([b[0] for b in data.batches()])
    y_rows = np.concatenate([b[1] for b in data.batches()])
    assert x_rows.shape == (10, 2) and y_rows.shape == (10,)


def test_shuffled_batches_keep_x_and_y_aligned():
    data = ArrayData(X, Y, batch_size=4, shuffle=True)
    for x, y in data.batches():
        np.testing.assert_array_equal(x[:, 0], 2 * y)


def test_validation_split_takes_the_last_fraction_before_shuffling():
    train, val = ArrayData(X, Y, batch_size=4, shuffle=True).split(0.2)
    assert train.num_samples == 8 and val.num_samples == 2
    np.testing.assert_array_equal(val.y, [8, 9])
    assert train.shuffle and not val.shuffle


def test_multi_input_lists_and_dicts_and_tensors():
    data = ArrayData([X, X * 2], {"out": nd.constant(Y)}, batch_size=5)
    x, y = next(data.batches())
    assert isinstance(x, list) and len(x) == 2
    np.testing.assert_array_equal(y["out"], Y[:5])


def test_mismatched_lengths_name_the_arrays():
    with pytest.raises(ValueError, match=r"x: 10, y: 9"):
        ArrayData(X, Y[:9])


def test_generators_yield_batches_and_steps_limit_them():
    def gen():
        for i in range(5):
            yield X[i:i + 1], Y[i:i + 1]

    data = adapt(gen(), steps=3)
    assert isinstance(data, GeneratorData)
    assert len(list(data.batches())) == 3


def test_unpacking_batches():
    assert unpack_x_y_sample_weight(X)[1] is None
    assert unpack_x_y_sample_weight((X, Y))[1] is Y
    assert unpack_x_y_sample_weight((X, Y, Y))[2] is Y
    with pytest.raises(ValueError, match="tuple of 4"):
        unpack_x_y_sample_weight((X, Y, Y, Y))


def test_batches_are_packed_as_keras_packs_them():
    # (x,) without targets, (x, y) without weights, so a custom train_step may unpack them
    assert len(next(ArrayData(X, batch_size=4).batches())) == 1
    assert len(next(ArrayData(X, Y, batch_size=4).batches())) == 2
    assert len(next(ArrayData(X, Y, np.ones(len(X)), batch_size=4).batches())) == 3
    assert pack_x_y_sample_weight(X, Y)[1] is Y


def test_float64_data_is_cast_to_floatx_once_and_integer_labels_are_kept():
    data = ArrayData(X.astype(np.float64), Y.astype(np.int64), batch_size=4)
    x, y = next(data.batches())
    assert x.dtype == np.float32 and y.dtype == np.int64
