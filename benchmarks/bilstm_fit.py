"""One epoch of a bidirectional-LSTM text classifier, timed in ndflow, Keras on
TensorFlow and PyTorch.

The same task everywhere: 2,000 random sequences of 200 token ids below 10,000 with random
binary labels, Embedding(10000, 64) -> Bidirectional(LSTM(64)) -> Dense(1), trained with
Adam on binary cross-entropy from logits for one epoch of batches of 64. PyTorch runs the
equivalent loop by hand (nn.LSTM with bidirectional=True). Peers that are not installed
are skipped with a message. Times are wall-clock seconds of the epoch (after one warm-up
step), the best of ``--repeats`` runs.

    python benchmarks/bilstm_fit.py [--repeats 2] [--samples 2000]
"""

import argparse
import os
import time

import numpy as np

from _peers import print_ratios, run_peers

VOCAB, EMBED, UNITS, LENGTH, BATCH = 10000, 64, 64, 200, 64


def load_data(samples):
    rng = np.random.default_rng(0)
    x = rng.integers(1, VOCAB, size=(samples, LENGTH)).astype(np.int32)
    y = rng.integers(0, 2, size=(samples, 1)).astype(np.float32)
    return x, y


def _best(fn, repeats):
    times = []
    for _ in range(repeats):
        times.append(fn())
    return min(times)


def run_ndflow(x, y, repeats):
    from ndflow import keras
    from ndflow.keras.layers.core import Dense
    from ndflow.keras.layers.embedding import Embedding
    from ndflow.keras.layers.recurrent import LSTM
    from ndflow.keras.layers.wrappers import Bidirectional
    from ndflow.keras.utils import set_random_seed

    def fit():
        set_random_seed(0)
        model = keras.Sequential([keras.Input((LENGTH,), dtype="int32"),
                                  Embedding(VOCAB, EMBED), Bidirectional(LSTM(UNITS)),
                                  Dense(1)])
        model.compile(optimizer="adam",
                      loss=keras.losses.BinaryCrossentropy(from_logits=True))
        model.train_on_batch(x[:BATCH], y[:BATCH])
        start = time.perf_counter()
        model.fit(x, y, epochs=1, batch_size=BATCH, verbose=0)
        return time.perf_counter() - start

    return _best(fit, repeats)


def run_tensorflow(x, y, repeats):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    def fit():
        tf.keras.utils.set_random_seed(0)
        model = tf.keras.Sequential([
            tf.keras.Input((LENGTH,), dtype="int32"),
            tf.keras.layers.Embedding(VOCAB, EMBED),
            tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(UNITS)),
            tf.keras.layers.Dense(1)])
        model.compile(optimizer="adam",
                      loss=tf.keras.losses.BinaryCrossentropy(from_logits=True))
        model.train_on_batch(x[:BATCH], y[:BATCH])
        start = time.perf_counter()
        model.fit(x, y, epochs=1, batch_size=BATCH, verbose=0)
        return time.perf_counter() - start

    return _best(fit, repeats)


def run_torch(x, y, repeats):
    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = torch.nn.Embedding(VOCAB, EMBED)
            self.lstm = torch.nn.LSTM(EMBED, UNITS, batch_first=True, bidirectional=True)
            self.dense = torch.nn.Linear(2 * UNITS, 1)

        def forward(self, ids):
            _, (h, _) = self.lstm(self.embedding(ids))
            return self.dense(torch.cat([h[0], h[1]], dim=1))

    xt, yt = torch.from_numpy(x).long(), torch.from_numpy(y)

    def fit():
        torch.manual_seed(0)
        model = Net()
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
        loss_fn = torch.nn.BCEWithLogitsLoss()

        def step(ids, labels):
            optimizer.zero_grad()
            loss_fn(model(ids), labels).backward()
            optimizer.step()

        step(xt[:BATCH], yt[:BATCH])
        start = time.perf_counter()
        order = torch.randperm(len(xt))
        for i in range(0, len(xt), BATCH):
            idx = order[i:i + BATCH]
            step(xt[idx], yt[idx])
        return time.perf_counter() - start

    return _best(fit, repeats)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--samples", type=int, default=2000)
    args = parser.parse_args(argv)
    x, y = load_data(args.samples)
    runners = [("ndflow", run_ndflow, None), ("tensorflow", run_tensorflow, "tensorflow"),
               ("torch", run_torch, "torch")]
    results = run_peers(runners, lambda runner: (runner(x, y, args.repeats), ""))
    print_ratios(results, f"BiLSTM fit, 1 epoch x {-(-args.samples // BATCH)} steps of "
                          f"{BATCH}, length {LENGTH}, best of {args.repeats}")


if __name__ == "__main__":
    main()
