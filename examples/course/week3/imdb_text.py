"""Recurrent networks: the course's IMDB review classifier (positive or negative).

Raw review strings go through a Dataset pipeline (shuffle, batch, prefetch), a
TextVectorization layer turns them into word indices (1000 most frequent words), an
Embedding (64, mask_zero=True) into vectors, a Bidirectional LSTM(64) reads the sequence
both ways and a Dense(1) gives the logit of 'positive'; Adam(1e-4), binary crossentropy.
Offline (the IMDB archive not in the cache) it says so and runs the same pipeline on a
small synthetic corpus built from positive and negative word lists.

    python examples/course/week3/imdb_text.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

import ndflow as tf
from ndflow import keras
from ndflow.datasets import DownloadError

BUFFER_SIZE = 10000
BATCH_SIZE = 64
VOCAB_SIZE = 1000

POSITIVE = ["great", "wonderful", "superb", "moving", "brilliant", "charming", "funny",
            "beautiful", "gripping", "delightful"]
NEGATIVE = ["awful", "boring", "dull", "terrible", "clumsy", "tedious", "silly", "weak",
            "predictable", "pointless"]
SUBJECTS = ["film", "plot", "acting", "story", "ending", "cast", "music", "script", "director",
            "camera work"]


def synthetic_reviews(count, rng):
    """Reviews of three or five sentences 'the <subject> was <adjective>': in a positive
    review each adjective is positive with probability 0.9, in a negative one negative."""
    texts, labels = [], []
    for _ in range(count):
        label = int(rng.integers(2))
        sentences = []
        for _ in range(rng.choice([3, 5])):
            agrees = rng.random() < 0.9
            words = POSITIVE if agrees == bool(label) else NEGATIVE
            sentences.append(f"the {rng.choice(SUBJECTS)} was {rng.choice(words)}")
        texts.append(". ".join(sentences).capitalize() + ".")
        labels.append(label)
    return tf.data.Dataset.from_tensor_slices((np.array(texts), np.array(labels, np.int64)))


def load_reviews(args):
    """Train and test Datasets of (text, label) and a description of the data.

    --quick never downloads the 84 MB archive, and takes only a part of the cached one.
    """
    try:
        dataset, info = tf.datasets.load("imdb_reviews", with_info=True, as_supervised=True,
                                         download=not args.quick)
    except (DownloadError, ImportError) as error:
        reason = ("not in the cache, and --quick does not download" if args.quick
                  else f"the download failed: {type(error).__name__}")
        print(f"IMDB reviews are not available offline here ({reason}); using a small "
              "SYNTHETIC corpus of reviews built from positive/negative word lists instead")
        rng = np.random.default_rng(args.seed)
        count = 1000 if args.quick else 5000
        return (synthetic_reviews(count, rng), synthetic_reviews(count // 2, rng),
                f"synthetic reviews ({count} for training)")
    train, test = dataset["train"], dataset["test"]
    if args.quick:
        train, test = train.shuffle(BUFFER_SIZE, seed=args.seed).take(1000), test.take(500)
    return train, test, f"IMDB reviews ({info.splits['train'].num_examples} for training)"


def build_model(encoder):
    return keras.Sequential([
        encoder,
        keras.layers.Embedding(input_dim=len(encoder.get_vocabulary()), output_dim=64,
                               mask_zero=True),  # index 0 is padding: the LSTM skips it
        keras.layers.Bidirectional(keras.layers.LSTM(64)),
        keras.layers.Dense(1),  # a logit: positive when > 0
    ])


def plot(args, history, description):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for ax, metric in zip(axes, ("accuracy", "loss")):
        ax.plot(history.history[metric], "o-", label=metric)
        ax.plot(history.history["val_" + metric], "s--", label="val_" + metric)
        ax.set(xlabel="Epochs", ylabel=metric, title=f"{metric} on {description}")
        ax.legend()
    axes[0].set_ylim(None, 1)
    axes[1].set_ylim(0, None)
    fig.tight_layout()
    path = os.path.join(args.out, "imdb_text.png")
    fig.savefig(path, dpi=90)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="IMDB reviews: a bidirectional LSTM")
    parser.add_argument("--quick", action="store_true", help="a short run (seconds)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "imdb_text"))
    parser.add_argument("--show", action="store_true", help="show the plots in a window")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs is None:
        args.epochs = 3 if args.quick else 10
    if args.lr is None:
        # the course's 1e-4 needs thousands of steps; a quick run has about fifty
        args.lr = 1e-3 if args.quick else 1e-4
    return args


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(args.seed)
    train, test, description = load_reviews(args)
    print(f"data: {description}")

    train = train.shuffle(BUFFER_SIZE, seed=args.seed).batch(BATCH_SIZE) \
        .prefetch(tf.data.AUTOTUNE)
    test = test.batch(BATCH_SIZE).prefetch(tf.data.AUTOTUNE)

    encoder = keras.layers.TextVectorization(max_tokens=VOCAB_SIZE)
    encoder.adapt(train.map(lambda text, label: text))
    print(f"vocabulary: {len(encoder.get_vocabulary())} tokens, e.g. "
          f"{encoder.get_vocabulary()[:8]}")

    model = build_model(encoder)
    model.compile(loss=keras.losses.BinaryCrossentropy(from_logits=True),
                  optimizer=keras.optimizers.Adam(args.lr), metrics=["accuracy"])
    history = model.fit(train, epochs=args.epochs, validation_data=test,
                        validation_steps=30, verbose=0)
    test_loss, test_accuracy = model.evaluate(test, verbose=0)
    print(f"test loss: {test_loss:.4f}")
    print(f"test accuracy: {test_accuracy:.4f}")

    samples = ["The plot was gripping and the acting was superb.",
               "The film was dull. the script was pointless."]
    logits = model.predict(tf.constant(samples), verbose=0)[:, 0]
    for text, logit in zip(samples, logits):
        print(f"  {'positive' if logit > 0 else 'negative'} ({logit:+.2f}): {text}")
    path = plot(args, history, description)
    print(f"plot: {path}")
    return {"test loss": float(test_loss), "test accuracy": float(test_accuracy),
            "plots": [path]}


if __name__ == "__main__":
    main()
