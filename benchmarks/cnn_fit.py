"""The course's CIFAR-shaped CNN, one epoch timed in ndflow, Keras on TensorFlow and PyTorch.

Synthetic data shaped like CIFAR-10 (5,000 images of 32x32x3 in [0, 1), 10 classes, fixed
seed), the course's network: Conv2D 32 3x3 relu, MaxPooling 2, Conv2D 64 3x3 relu,
MaxPooling 2, Flatten, Dense 32 relu, Dense 16 relu, Dense 10 softmax; Adam, sparse
categorical cross-entropy, batches of 16. Keras (ndflow and TensorFlow) runs ``fit``;
PyTorch runs the equivalent loop by hand with its default thread count. Each framework
first fits two full batches plus the short last one (tracing every batch shape), then the
timed epoch runs: the figure is seconds per epoch.

    python benchmarks/cnn_fit.py [--repeats 3] [--quick]
"""

import sys

import numpy as np

from _common import keras_api, params, timed, torch_adam, torch_epoch, unknown, warmup_rows

FRAMEWORKS = ("ndflow", "tensorflow", "torch")
BATCH = 16
SIZES = {"quick": {"images": 40}, "full": {"images": 5000}}


def load_data(n):
    rng = np.random.default_rng(0)
    x = rng.random((n, 32, 32, 3), dtype=np.float32)
    y = rng.integers(0, 10, n).astype(np.int64)
    return x, y


def keras_model(keras):
    """The course's CNN in the Keras API given (ndflow's or TensorFlow's)."""
    layers = keras.layers
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


def torch_model(torch):
    """The same network in PyTorch (channels first; the softmax is in the loss)."""
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(3, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 6 * 6, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(),
        nn.Linear(16, 10))


def keras_epoch(framework, x, y):
    keras, set_random_seed = keras_api(framework)
    set_random_seed(0)
    model = keras_model(keras)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    warm = warmup_rows(len(x), BATCH)
    model.fit(x[:warm], y[:warm], batch_size=BATCH, epochs=1, verbose=0)
    return timed(lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0))[0]


def torch_epoch_seconds(x, y):
    import torch

    torch.manual_seed(0)
    model = torch_model(torch)
    optimizer = torch_adam(torch, model.parameters())
    loss_fn = torch.nn.CrossEntropyLoss()
    x = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous()
    y = torch.from_numpy(y)
    warm = warmup_rows(len(x), BATCH)
    torch_epoch(torch, model, optimizer, loss_fn, x[:warm], y[:warm], BATCH)
    return timed(lambda: torch_epoch(torch, model, optimizer, loss_fn, x, y, BATCH))[0]


def run(framework, size="full", info=None):
    """Seconds of one training epoch of the course CNN."""
    if framework not in FRAMEWORKS:
        raise unknown(framework, FRAMEWORKS, "cnn")
    x, y = load_data(params(SIZES, size)["images"])
    if framework == "torch":
        return torch_epoch_seconds(x, y)
    return keras_epoch(framework, x, y)


def main(argv=None):
    import peers

    return peers.main(["--workloads", "cnn", "--no-save", *(argv or sys.argv[1:])])


if __name__ == "__main__":
    main()
