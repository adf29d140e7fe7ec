"""The course's CIFAR-shaped CNN, one epoch timed in ndflow, Keras on TensorFlow and PyTorch.

Synthetic data shaped like CIFAR-10 (``--images`` images of 32x32x3 in [0, 1), 10 classes,
fixed seed), the course's network: Conv2D 32 3x3 relu, MaxPooling 2, Conv2D 64 3x3 relu,
MaxPooling 2, Flatten, Dense 32 relu, Dense 16 relu, Dense 10 softmax; Adam, sparse
categorical cross-entropy, batches of 16. Keras (ndflow and TensorFlow) runs ``fit``;
PyTorch runs the equivalent loop by hand with its default thread count. Each framework fits
one warm-up epoch, then ``--epochs`` timed ones; the figure is seconds per epoch (the best).
Peers that are not installed are skipped with a message.

    python benchmarks/cnn_fit.py [--images 5000] [--epochs 2]
"""

import argparse
import os
import time

import numpy as np

from _peers import print_ratios, run_peers

BATCH = 16
LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-7


def load_data(n):
    rng = np.random.default_rng(0)
    x = rng.random((n, 32, 32, 3), dtype=np.float32)
    y = rng.integers(0, 10, n).astype(np.int64)
    return x, y


def _epoch_times(fit_one_epoch, epochs):
    fit_one_epoch()  # warm-up
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        fit_one_epoch()
        times.append(time.perf_counter() - start)
    return min(times)


def _keras_model(keras, layers):
    return keras.Sequential([
        keras.Input(shape=(32, 32, 3)),
        layers.Conv2D(32, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu"),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
        layers.Dense(32, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(10, activation="softmax"),
    ])


def run_ndflow(data, epochs):
    from ndflow import keras
    from ndflow.keras import layers
    from ndflow.keras.layers import convolutional, pooling
    from ndflow.keras.utils import set_random_seed

    if not hasattr(layers, "Conv2D"):  # until the package exports them
        layers = _Namespace(layers, convolutional, pooling)
    set_random_seed(0)
    model = _keras_model(keras, layers)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x, y = data
    return _epoch_times(lambda: model.fit(x, y, epochs=1, batch_size=BATCH, verbose=0), epochs)


class _Namespace:
    def __init__(self, *modules):
        self.modules = modules

    def __getattr__(self, name):
        for m in self.modules:
            if hasattr(m, name):
                return getattr(m, name)
        raise AttributeError(name)


def run_tensorflow(data, epochs):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    model = _keras_model(tf.keras, tf.keras.layers)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x, y = data
    return _epoch_times(lambda: model.fit(x, y, epochs=1, batch_size=BATCH, verbose=0), epochs)


def run_torch(data, epochs):
    import torch
    from torch import nn

    torch.manual_seed(0)
    x = torch.from_numpy(data[0]).permute(0, 3, 1, 2).contiguous()
    y = torch.from_numpy(data[1])
    model = nn.Sequential(
        nn.Conv2d(3, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 6 * 6, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(),
        nn.Linear(16, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=LR, betas=(BETA1, BETA2), eps=EPS)
    loss_fn = nn.CrossEntropyLoss()  # on logits: the softmax is inside the loss

    def epoch():
        order = torch.randperm(len(x))
        for start in range(0, len(x), BATCH):
            idx = order[start:start + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            optimizer.step()

    return _epoch_times(epoch, epochs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args(argv)
    data = load_data(args.images)
    runners = [("ndflow", run_ndflow, None), ("tensorflow", run_tensorflow, "tensorflow"),
               ("torch", run_torch, "torch")]
    results = run_peers(runners, lambda runner: (runner(data, args.epochs), " per epoch"))
    print_ratios(results, f"CNN fit, {args.images} images 32x32x3, "
                          f"{-(-args.images // BATCH)} steps of {BATCH}, best of "
                          f"{args.epochs} epochs")


if __name__ == "__main__":
    main()
