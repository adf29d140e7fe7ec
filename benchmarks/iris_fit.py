"""The course's iris fit, timed in ndflow, Keras on TensorFlow, PyTorch and plain NumPy.

The same task everywhere: iris standardized, one-hot labels, an 80/20 train/test split
(``random_state=42``), then ``fit`` of a 4-8-3 MLP (Dense 8 relu, Dense 3 softmax) with Adam
and categorical cross-entropy for 200 epochs of batches of 8, holding out 20% of the
training rows for validation (evaluated after every epoch). PyTorch runs the equivalent loop
by hand (Adam with lr 1e-3 and eps 1e-7 as in Keras, shuffled batches of 8, a validation
pass per epoch); the NumPy loop is the same algorithm written directly on arrays, the floor
for a framework on NumPy. Peers that are not installed are skipped with a message. Times
are wall-clock seconds of the whole fit, the best of ``--repeats`` runs.

    python benchmarks/iris_fit.py [--repeats 3] [--epochs 200]
"""

import argparse
import os
import time

import numpy as np
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from _peers import print_ratios, run_peers

BATCH = 8
VALIDATION_SPLIT = 0.2
LR, BETA1, BETA2, EPS = 1e-3, 0.9, 0.999, 1e-7


def load_data():
    """Standardized iris with one-hot labels, split 80/20 with random_state=42."""
    iris = load_iris()
    x = StandardScaler().fit_transform(iris.data).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[iris.target]
    return train_test_split(x, y, test_size=0.2, random_state=42)


def _best(fn, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def run_ndflow(data, epochs, repeats):
    from ndflow import keras
    from ndflow.keras import layers
    from ndflow.keras.utils import set_random_seed

    x_train, x_test, y_train, y_test = data

    def fit():
        set_random_seed(0)
        model = keras.Sequential([layers.Dense(8, activation="relu", input_shape=(4,)),
                                  layers.Dense(3, activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
        model.fit(x_train, y_train, epochs=epochs, batch_size=BATCH,
                  validation_split=VALIDATION_SPLIT, verbose=0)
        return model.evaluate(x_test, y_test, verbose=0)[1]

    return _best(fit, repeats)


def run_tensorflow(data, epochs, repeats):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    x_train, x_test, y_train, y_test = data

    def fit():
        tf.keras.utils.set_random_seed(0)
        model = tf.keras.Sequential([tf.keras.Input(shape=(4,)),
                                     tf.keras.layers.Dense(8, activation="relu"),
                                     tf.keras.layers.Dense(3, activation="softmax")])
        model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
        model.fit(x_train, y_train, epochs=epochs, batch_size=BATCH,
                  validation_split=VALIDATION_SPLIT, verbose=0)
        return model.evaluate(x_test, y_test, verbose=0)[1]

    return _best(fit, repeats)


def run_torch(data, epochs, repeats):
    import torch

    torch.set_num_threads(1)  # tiny matrices: threads only add synchronization
    x_train, x_test, y_train, y_test = (torch.from_numpy(a) for a in data)
    n_fit = int(len(x_train) * (1 - VALIDATION_SPLIT))
    x_fit, y_fit = x_train[:n_fit], y_train[:n_fit]
    x_val, y_val = x_train[n_fit:], y_train[n_fit:]

    def accuracy(model, x, y):
        return (model(x).argmax(1) == y.argmax(1)).float().mean().item()

    def fit():
        torch.manual_seed(0)
        model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(),
                                    torch.nn.Linear(8, 3))
        optimizer = torch.optim.Adam(model.parameters(), lr=LR, betas=(BETA1, BETA2), eps=EPS)
        loss_fn = torch.nn.CrossEntropyLoss()
        for _ in range(epochs):
            model.train()
            order = torch.randperm(n_fit)
            for start in range(0, n_fit, BATCH):
                idx = order[start:start + BATCH]
                optimizer.zero_grad()
                loss = loss_fn(model(x_fit[idx]), y_fit[idx])
                loss.backward()
                optimizer.step()
            model.eval()
            with torch.no_grad():  # the per-epoch validation pass of fit(validation_split=)
                for start in range(0, len(x_val), BATCH):
                    loss_fn(model(x_val[start:start + BATCH]), y_val[start:start + BATCH])
        with torch.no_grad():
            return accuracy(model, x_test, y_test)

    return _best(fit, repeats)


def run_numpy(data, epochs, repeats):
    x_train, x_test, y_train, y_test = data
    n_fit = int(len(x_train) * (1 - VALIDATION_SPLIT))
    x_fit, y_fit = x_train[:n_fit], y_train[:n_fit]
    x_val, y_val = x_train[n_fit:], y_train[n_fit:]

    def forward(params, x):
        w1, b1, w2, b2 = params
        h = np.maximum(x @ w1 + b1, 0)
        z = h @ w2 + b2
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return h, e / e.sum(axis=1, keepdims=True)

    def fit():
        rng = np.random.default_rng(0)

        def glorot(fan_in, fan_out):
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)

        params = [glorot(4, 8), np.zeros(8, np.float32), glorot(8, 3), np.zeros(3, np.float32)]
        m = [np.zeros_like(p) for p in params]
        v = [np.zeros_like(p) for p in params]
        t = 0
        for _ in range(epochs):
            order = rng.permutation(n_fit)
            for start in range(0, n_fit, BATCH):
                idx = order[start:start + BATCH]
                x, y = x_fit[idx], y_fit[idx]
                h, p = forward(params, x)
                dz = (p - y) / len(x)
                dh = (dz @ params[2].T) * (h > 0)
                grads = [x.T @ dh, dh.sum(0), h.T @ dz, dz.sum(0)]
                t += 1
                alpha = LR * np.sqrt(1 - BETA2 ** t) / (1 - BETA1 ** t)
                for i, g in enumerate(grads):
                    m[i] += (1 - BETA1) * (g - m[i])
                    v[i] += (1 - BETA2) * (g * g - v[i])
                    params[i] = params[i] - alpha * m[i] / (np.sqrt(v[i]) + EPS)
            for start in range(0, len(x_val), BATCH):
                _, p = forward(params, x_val[start:start + BATCH])
                -np.mean(np.sum(y_val[start:start + BATCH] * np.log(p + 1e-7), axis=1))
        _, p = forward(params, x_test)
        return float(np.mean(p.argmax(1) == y_test.argmax(1)))

    return _best(fit, repeats)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=200)
    args = parser.parse_args(argv)
    data = load_data()
    runners = [("ndflow", run_ndflow, None), ("tensorflow", run_tensorflow, "tensorflow"),
               ("torch", run_torch, "torch"), ("numpy loop", run_numpy, None)]

    def call(runner):
        seconds, acc = runner(data, args.epochs, args.repeats)
        return seconds, f"   test accuracy {acc:.3f}"

    results = run_peers(runners, call)
    n_fit = int(len(data[0]) * (1 - VALIDATION_SPLIT))
    print_ratios(results, f"iris fit, {args.epochs} epochs x {-(-n_fit // BATCH)} steps of "
                          f"{BATCH}, best of {args.repeats}",
                 peers=("tensorflow", "torch", "numpy loop"), not_frameworks=("numpy loop",))


if __name__ == "__main__":
    main()
