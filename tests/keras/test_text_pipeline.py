"""Acceptance: the course's text classifier on a small labelled corpus of strings.

TextVectorization (adapted on the corpus) -> Embedding(mask_zero=True) ->
Bidirectional(LSTM) -> Dense, fed by a Dataset with shuffle/batch/prefetch.
"""

import numpy as np

import ndflow as nd
from ndflow import keras
from ndflow.data import AUTOTUNE, Dataset
from ndflow.keras import layers

GOOD = ["great", "wonderful", "superb", "moving", "brilliant", "charming"]
BAD = ["awful", "boring", "dull", "terrible", "clumsy", "tedious"]
FILLER = ["the", "film", "was", "plot", "and", "acting", "really", "quite", "a", "story"]


def corpus(n, rng):
    """Reviews of 4 to 12 words: one sentiment word among fillers decides the label."""
    texts, labels = [], []
    for _ in range(n):
        label = int(rng.integers(2))
        words = list(rng.choice(FILLER, size=int(rng.integers(3, 12))))
        words.insert(int(rng.integers(len(words) + 1)), rng.choice(GOOD if label else BAD))
        texts.append(" ".join(words).capitalize() + rng.choice([".", "!", ""]))
        labels.append(label)
    return np.array(texts), np.array(labels, np.float32)


def test_text_classifier_reaches_90_percent():
    rng = np.random.default_rng(0)
    x_train, y_train = corpus(400, rng)
    x_test, y_test = corpus(200, rng)
    nd.random.set_seed(0)
    vectorize = layers.TextVectorization(max_tokens=100, output_sequence_length=14)
    vectorize.adapt(Dataset.from_tensor_slices(x_train).batch(64))
    model = keras.Sequential([
        keras.Input(shape=(1,), dtype="string"),
        vectorize,
        layers.Embedding(len(vectorize.get_vocabulary()), 16, mask_zero=True),
        layers.Bidirectional(layers.LSTM(8)),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy",
                  metrics=["accuracy"])
    train = Dataset.from_tensor_slices((x_train[:, None], y_train)).shuffle(400).batch(32) \
        .prefetch(AUTOTUNE)
    model.fit(train, epochs=8, verbose=0)
    _, accuracy = model.evaluate(x_test[:, None], y_test, verbose=0)
    assert accuracy >= 0.9
