"""One epoch of an MNIST-shaped MLP in ndflow, Keras on TensorFlow and PyTorch, next to its
GEMM-only lower bound in raw NumPy.

Synthetic data shaped like MNIST (60,000 rows of 784 floats in [0, 1), 10 classes, fixed
seed); the network Dense 512 relu, Dense 512 relu, Dense 10 softmax, trained with Adam on
sparse categorical cross-entropy for one epoch of batches of 128 (Keras's ``fit``;
PyTorch's equivalent loop by hand, with its default thread count). Each framework first
fits two full batches plus the short last one (tracing every batch shape), then the timed
epoch runs. The ``numpy`` row runs only the matrix multiplies of that epoch: per batch the
three forward products and the five backward ones (two per hidden layer, one for the
output kernel; none for the input), into preallocated buffers: the arithmetic no
framework on NumPy can skip.

    python benchmarks/mnist_mlp.py [--repeats 3] [--quick]
"""

import sys

import numpy as np

from _common import keras_api, params, timed, torch_adam, torch_epoch, unknown, warmup_rows

FRAMEWORKS = ("ndflow", "tensorflow", "torch", "numpy")
FEATURES, HIDDEN, CLASSES, BATCH = 784, 512, 10, 128
SIZES = {"quick": {"rows": 640}, "full": {"rows": 60000}}


def load_data(rows):
    rng = np.random.default_rng(0)
    x = rng.random((rows, FEATURES), dtype=np.float32)
    y = rng.integers(0, CLASSES, rows).astype(np.int64)
    return x, y


def keras_epoch(framework, x, y):
    keras, set_random_seed = keras_api(framework)
    set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(FEATURES,)),
                              keras.layers.Dense(HIDDEN, activation="relu"),
                              keras.layers.Dense(HIDDEN, activation="relu"),
                              keras.layers.Dense(CLASSES, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    warm = warmup_rows(len(x), BATCH)
    model.fit(x[:warm], y[:warm], batch_size=BATCH, epochs=1, verbose=0)
    return timed(lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0))[0]


def torch_epoch_seconds(x, y):
    import torch

    torch.manual_seed(0)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(FEATURES, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN),
                          nn.ReLU(), nn.Linear(HIDDEN, CLASSES))
    optimizer = torch_adam(torch, model.parameters())
    loss_fn = nn.CrossEntropyLoss()  # on logits: the softmax is inside the loss
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    warm = warmup_rows(len(x), BATCH)
    torch_epoch(torch, model, optimizer, loss_fn, x[:warm], y[:warm], BATCH)
    return timed(lambda: torch_epoch(torch, model, optimizer, loss_fn, x, y, BATCH))[0]


def gemm_epoch(x, kernels, buffers):
    """The forward and backward matrix products of one epoch, on contiguous batches."""
    w1, w2, w3 = kernels
    for start in range(0, len(x), BATCH):
        xb = x[start:start + BATCH]
        b = buffers.setdefault(len(xb), [np.empty((len(xb), n), np.float32)
                                         for n in (HIDDEN, HIDDEN, CLASSES, HIDDEN, HIDDEN)])
        h1, h2, z, dh2, dh1 = b
        np.matmul(xb, w1, out=h1)
        np.matmul(h1, w2, out=h2)
        np.matmul(h2, w3, out=z)
        np.matmul(h2.T, z, out=buffers["dw3"])
        np.matmul(z, w3.T, out=dh2)
        np.matmul(h1.T, dh2, out=buffers["dw2"])
        np.matmul(dh2, w2.T, out=dh1)
        np.matmul(xb.T, dh1, out=buffers["dw1"])


def numpy_epoch_seconds(x):
    rng = np.random.default_rng(0)
    shapes = [(FEATURES, HIDDEN), (HIDDEN, HIDDEN), (HIDDEN, CLASSES)]
    kernels = [(rng.standard_normal(s) * 0.05).astype(np.float32) for s in shapes]
    buffers = {f"dw{i + 1}": np.empty(s, np.float32) for i, s in enumerate(shapes)}
    gemm_epoch(x[:warmup_rows(len(x), BATCH)], kernels, buffers)
    return timed(lambda: gemm_epoch(x, kernels, buffers))[0]


def run(framework, size="full", info=None):
    """Seconds of one training epoch (for ``numpy``: of its matrix products only)."""
    if framework not in FRAMEWORKS:
        raise unknown(framework, FRAMEWORKS, "mnist")
    x, y = load_data(params(SIZES, size)["rows"])
    if framework == "torch":
        return torch_epoch_seconds(x, y)
    if framework == "numpy":
        return numpy_epoch_seconds(x)
    return keras_epoch(framework, x, y)


def main(argv=None):
    import peers

    return peers.main(["--workloads", "mnist", "--no-save", *(argv or sys.argv[1:])])


if __name__ == "__main__":
    main()
