"""The course's iris fit, timed in ndflow, Keras on TensorFlow, PyTorch and plain NumPy.

The same task everywhere: iris standardized, one-hot labels, an 80/20 train/test split
(``random_state=42``), then ``fit`` of a 4-8-3 MLP (Dense 8 relu, Dense 3 softmax) with Adam
and categorical cross-entropy for 200 epochs of batches of 8, holding out 20% of the
training rows for validation (evaluated after every epoch). PyTorch runs the equivalent loop
by hand (Adam with lr 1e-3 and eps 1e-7 as in Keras, shuffled batches of 8, a validation
pass per epoch); the NumPy loop is the same algorithm written directly on arrays, the limit
for a framework on NumPy. ``ndflow-eager`` is ndflow with ``run_eagerly=True`` (no compiled
train step). The figure is the wall-clock seconds of the whole fit: building the model,
``fit`` and the test evaluation (test accuracy into ``info``), after a throwaway one-epoch
fit of another model in the same process (see ``run``).

    python benchmarks/iris_fit.py [--repeats 5] [--frameworks ndflow,ndflow-eager,torch]
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np

from _common import BETA1, BETA2, EPS, LR, accuracy, keras_api, params, timed, torch_adam, unknown

FRAMEWORKS = ("ndflow", "ndflow-eager", "tensorflow", "torch", "numpy")
BATCH = 8
VALIDATION_SPLIT = 0.2
SIZES = {"quick": {"epochs": 2}, "full": {"epochs": 200}}


def load_data():
    """Standardized iris with one-hot labels, split 80/20 as ``train_test_split`` with
    ``random_state=42`` splits it: ``x_train, x_test, y_train, y_test``.

    Read from scikit-learn's copy of the data without importing scikit-learn, whose
    import would add about 90 MB to every framework's peak memory.
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("iris needs scikit-learn's data files (pip install scikit-learn)")
    path = Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "iris.csv"
    table = np.loadtxt(path, delimiter=",", skiprows=1)
    x, labels = table[:, :4], table[:, 4].astype(np.int64)
    x = ((x - x.mean(0)) / x.std(0)).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[labels]
    order = np.random.RandomState(42).permutation(len(x))  # ShuffleSplit's draw
    test, train = order[:30], order[30:]
    return x[train], x[test], y[train], y[test]


def fit_keras(framework, data, epochs, run_eagerly=False):
    """Build, compile, fit and evaluate the course model; returns the test accuracy."""
    keras, set_random_seed = keras_api(framework)
    x_train, x_test, y_train, y_test = data
    set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(4,)),
                              keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"],
                  run_eagerly=run_eagerly)
    model.fit(x_train, y_train, epochs=epochs, batch_size=BATCH,
              validation_split=VALIDATION_SPLIT, verbose=0)
    return model.evaluate(x_test, y_test, verbose=0)[1]


def _split_validation(x_train, y_train):
    n_fit = int(len(x_train) * (1 - VALIDATION_SPLIT))
    return x_train[:n_fit], y_train[:n_fit], x_train[n_fit:], y_train[n_fit:]


def fit_torch(data, epochs):
    import torch

    torch.set_num_threads(1)  # tiny matrices: threads only add synchronization
    x_train, x_test, y_train, y_test = (torch.from_numpy(a) for a in data)
    x_fit, y_fit, x_val, y_val = _split_validation(x_train, y_train)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    optimizer = torch_adam(torch, model.parameters())
    loss_fn = torch.nn.CrossEntropyLoss()  # on logits and one-hot (probability) targets
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(x_fit))
        for start in range(0, len(x_fit), BATCH):
            idx = order[start:start + BATCH]
            optimizer.zero_grad()
            loss_fn(model(x_fit[idx]), y_fit[idx]).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():  # the per-epoch validation pass of fit(validation_split=)
            for start in range(0, len(x_val), BATCH):
                loss_fn(model(x_val[start:start + BATCH]), y_val[start:start + BATCH])
    with torch.no_grad():
        return accuracy(model(x_test).numpy(), y_test.numpy())


def _forward(params, x):
    w1, b1, w2, b2 = params
    h = np.maximum(x @ w1 + b1, 0)
    z = h @ w2 + b2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return h, e / e.sum(axis=1, keepdims=True)


def fit_numpy(data, epochs):
    """The same training written directly on NumPy arrays: the limit for ndflow."""
    x_train, x_test, y_train, y_test = data
    x_fit, y_fit, x_val, y_val = _split_validation(x_train, y_train)
    rng = np.random.default_rng(0)

    def glorot(fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)

    params = [glorot(4, 8), np.zeros(8, np.float32), glorot(8, 3), np.zeros(3, np.float32)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    t = 0
    for _ in range(epochs):
        order = rng.permutation(len(x_fit))
        for start in range(0, len(x_fit), BATCH):
            idx = order[start:start + BATCH]
            x, y = x_fit[idx], y_fit[idx]
            h, p = _forward(params, x)
            dz = (p - y) / len(x)
            dh = (dz @ params[2].T) * (h > 0)
            grads = [x.T @ dh, dh.sum(0), h.T @ dz, dz.sum(0)]
            t += 1
            alpha = LR * np.sqrt(1 - BETA2 ** t) / (1 - BETA1 ** t)
            for i, g in enumerate(grads):
                m[i] += (1 - BETA1) * (g - m[i])
                v[i] += (1 - BETA2) * (g * g - v[i])
                params[i] = params[i] - alpha * m[i] / (np.sqrt(v[i]) + EPS)
        for start in range(0, len(x_val), BATCH):  # the validation loss, as fit computes it
            _, p = _forward(params, x_val[start:start + BATCH])
            -np.mean(np.sum(y_val[start:start + BATCH] * np.log(p + 1e-7), axis=1))
    return accuracy(_forward(params, x_test)[1], y_test)


def run(framework, size="full", info=None):
    """Seconds of the whole iris fit in ``framework`` (test accuracy into ``info``).

    A throwaway one-epoch fit of another model runs first, so one-time loading inside the
    framework (PyTorch's first optimizer imports ``torch._dynamo``, about a second) is left
    out like the import itself; tracing the timed model stays in.
    """
    epochs = params(SIZES, size)["epochs"]
    data = load_data()
    if framework in ("ndflow", "tensorflow"):
        fit = lambda d, n: fit_keras(framework, d, n)
    elif framework == "ndflow-eager":
        fit = lambda d, n: fit_keras("ndflow", d, n, run_eagerly=True)
    elif framework == "torch":
        fit = fit_torch
    elif framework == "numpy":
        fit = fit_numpy
    else:
        raise unknown(framework, FRAMEWORKS, "iris")
    x_train, x_test, y_train, y_test = data
    fit((x_train[:20], x_test, y_train[:20], y_test), 1)
    seconds, acc = timed(lambda: fit(data, epochs))
    if info is not None:
        info["accuracy"] = round(float(acc), 4)
    return seconds


def main(argv=None):
    import peers

    return peers.main(["--workloads", "iris", "--no-save", *(argv or sys.argv[1:])])


if __name__ == "__main__":
    main()
