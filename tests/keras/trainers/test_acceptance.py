"""End-to-end acceptance: a real data set learned, and inference that neither leaks nor drags."""

import gc
import os
import timeit

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from ndflow import keras
from ndflow.keras import layers
from ndflow.keras.utils import set_random_seed, to_categorical


def test_digits_mlp_reaches_95_percent():
    digits = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        digits.data, digits.target, test_size=0.2, random_state=0, stratify=digits.target)
    scaler = StandardScaler().fit(x_train)
    x_train = scaler.transform(x_train).astype(np.float32)
    x_test = scaler.transform(x_test).astype(np.float32)
    set_random_seed(0)
    model = keras.Sequential([layers.Dense(64, activation="relu", input_shape=(64,)),
                              layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, to_categorical(y_train, 10), epochs=15, batch_size=32, verbose=0)
    loss, accuracy = model.evaluate(x_test, to_categorical(y_test, 10), verbose=0)
    assert accuracy >= 0.95, (loss, accuracy)
    predicted = model.predict(x_test, verbose=0).argmax(axis=1)
    np.testing.assert_allclose(np.mean(predicted == y_test), accuracy, atol=1e-6)


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.fixture
def small_model():
    set_random_seed(0)
    model = keras.Sequential([layers.Dense(8, activation="relu", input_shape=(4,)),
                              layers.Dense(3, activation="softmax")])
    x = np.random.default_rng(0).standard_normal((8, 4)).astype(np.float32)
    return model, x


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs Linux /proc")
def test_repeated_inference_keeps_memory_flat(small_model):
    model, x = small_model
    for _ in range(500):  # warm-up: caches, lazily built state, allocator pools
        model.predict(x, verbose=0)
        model(x)
    gc.collect()
    before = _rss_bytes()
    for _ in range(10_000):
        model.predict(x, verbose=0)
        model(x)
    gc.collect()
    growth = _rss_bytes() - before
    assert growth < 8 * 2**20, f"RSS grew by {growth / 2**20:.1f} MB over 10,000 calls"


def test_predict_on_a_small_batch_costs_little_more_than_a_call(small_model):
    model, x = small_model
    model.predict(x, verbose=0)

    call = lambda: model(x)
    predict = lambda: model.predict(x, verbose=0)
    # interleaved runs, so that load from elsewhere on the machine weighs on both alike
    number, call_runs, predict_runs = 200, [], []
    for _ in range(15):
        call_runs.append(timeit.timeit(call, number=number))
        predict_runs.append(timeit.timeit(predict, number=number))
    call_us = float(np.median(call_runs)) / number * 1e6
    predict_us = float(np.median(predict_runs)) / number * 1e6
    assert predict_us <= 5 * call_us, (
        f"predict {predict_us:.1f} µs vs model(x) {call_us:.1f} µs per small batch")
