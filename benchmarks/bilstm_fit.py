"""One epoch of a bidirectional-LSTM text classifier in ndflow, Keras on TensorFlow and
PyTorch.

The same task everywhere: 2,000 random sequences of 200 token ids below 10,000 with random
binary labels, Embedding(10000, 64) -> Bidirectional(LSTM(64)) -> Dense(1), trained with
Adam on binary cross-entropy from logits for one epoch of batches of 64. PyTorch runs the
equivalent loop by hand (``nn.LSTM`` with ``bidirectional=True``). Each framework first
fits two full batches plus the short last one (tracing every batch shape), then the timed
epoch runs: the figure is seconds per epoch.

    python benchmarks/bilstm_fit.py [--repeats 3] [--quick]
"""

import sys

import numpy as np

from _common import keras_api, params, timed, torch_adam, torch_epoch, unknown, warmup_rows

FRAMEWORKS = ("ndflow", "tensorflow", "torch")
VOCAB, EMBED, UNITS, BATCH = 10000, 64, 64, 64
SIZES = {"quick": {"samples": 80, "length": 12}, "full": {"samples": 2000, "length": 200}}


def load_data(samples, length):
    rng = np.random.default_rng(0)
    x = rng.integers(1, VOCAB, size=(samples, length)).astype(np.int32)
    y = rng.integers(0, 2, size=(samples, 1)).astype(np.float32)
    return x, y


def keras_epoch(framework, x, y):
    keras, set_random_seed = keras_api(framework)
    layers = keras.layers
    set_random_seed(0)
    model = keras.Sequential([keras.Input((x.shape[1],), dtype="int32"),
                              layers.Embedding(VOCAB, EMBED),
                              layers.Bidirectional(layers.LSTM(UNITS)),
                              layers.Dense(1)])
    model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
    warm = warmup_rows(len(x), BATCH)
    model.fit(x[:warm], y[:warm], batch_size=BATCH, epochs=1, verbose=0)
    return timed(lambda: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0))[0]


def torch_epoch_seconds(x, y):
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

    torch.manual_seed(0)
    model = Net()
    optimizer = torch_adam(torch, model.parameters())
    loss_fn = torch.nn.BCEWithLogitsLoss()
    x, y = torch.from_numpy(x).long(), torch.from_numpy(y)
    warm = warmup_rows(len(x), BATCH)
    torch_epoch(torch, model, optimizer, loss_fn, x[:warm], y[:warm], BATCH)
    return timed(lambda: torch_epoch(torch, model, optimizer, loss_fn, x, y, BATCH))[0]


def run(framework, size="full", info=None):
    """Seconds of one training epoch of the Embedding + Bidirectional LSTM classifier."""
    if framework not in FRAMEWORKS:
        raise unknown(framework, FRAMEWORKS, "bilstm")
    x, y = load_data(**params(SIZES, size))
    if framework == "torch":
        return torch_epoch_seconds(x, y)
    return keras_epoch(framework, x, y)


def main(argv=None):
    import peers

    return peers.main(["--workloads", "bilstm", "--no-save", *(argv or sys.argv[1:])])


if __name__ == "__main__":
    main()
