"""scikit-learn's digits end to end in ndflow, Keras on TensorFlow, PyTorch and
scikit-learn's own MLPClassifier, with the test accuracy.

End to end: load the 1,797 8x8 digit images (``sklearn.datasets.load_digits``), scale the
pixels to [0, 1], split 80/20 (stratified, ``random_state=0``), build an MLP (Dense 64 relu,
Dense 10 softmax), train it with Adam for 30 epochs of batches of 32, and compute the test
accuracy. Keras (ndflow and TensorFlow) runs ``fit`` and ``predict``; PyTorch the equivalent
loop by hand (one thread: the matrices are tiny); scikit-learn ``MLPClassifier`` with the
same layer, optimizer, batch size and epochs (and no L2 penalty or early stop). The figure
is the seconds from loading to accuracy, imports excluded (the accuracy into ``info``),
after a throwaway one-epoch run in the same process (see ``run``).

    python benchmarks/digits_fit.py [--repeats 3] [--quick]
"""

import sys
import warnings

import numpy as np

from _common import EPS, LR, accuracy, keras_api, params, timed, torch_adam, torch_epoch, unknown

FRAMEWORKS = ("ndflow", "tensorflow", "torch", "sklearn")
HIDDEN, BATCH = 64, 32
SIZES = {"quick": {"epochs": 2}, "full": {"epochs": 30}}


def load_data():
    """Digits scaled to [0, 1] (float32), split 80/20 stratified with random_state=0."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    return train_test_split(x, digits.target.astype(np.int64), test_size=0.2,
                            random_state=0, stratify=digits.target)


def keras_digits(framework, epochs):
    keras, set_random_seed = keras_api(framework)
    x_train, x_test, y_train, y_test = load_data()
    set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(x_train.shape[1],)),
                              keras.layers.Dense(HIDDEN, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x_train, y_train, batch_size=BATCH, epochs=epochs, verbose=0)
    return accuracy(model.predict(x_test, verbose=0), y_test)


def torch_digits(epochs):
    import torch

    torch.set_num_threads(1)
    x_train, x_test, y_train, y_test = (torch.from_numpy(a) for a in load_data())
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(x_train.shape[1], HIDDEN), torch.nn.ReLU(),
                                torch.nn.Linear(HIDDEN, 10))
    optimizer = torch_adam(torch, model.parameters())
    loss_fn = torch.nn.CrossEntropyLoss()
    for _ in range(epochs):
        torch_epoch(torch, model, optimizer, loss_fn, x_train, y_train, BATCH)
    model.eval()
    with torch.no_grad():
        return accuracy(model(x_test).numpy(), y_test.numpy())


def sklearn_digits(epochs):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    x_train, x_test, y_train, y_test = load_data()
    model = MLPClassifier(hidden_layer_sizes=(HIDDEN,), solver="adam", alpha=0.0,
                          batch_size=BATCH, learning_rate_init=LR, epsilon=EPS,
                          max_iter=epochs, tol=0.0, n_iter_no_change=epochs + 1,
                          random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # max_iter is the epoch count
        model.fit(x_train, y_train)
    return accuracy(model.predict_proba(x_test), y_test)


def run(framework, size="full", info=None):
    """Seconds from loading digits to the test accuracy (the accuracy into ``info``).

    A throwaway one-epoch run goes first, so one-time loading inside the framework
    (PyTorch's first optimizer imports ``torch._dynamo``, about a second) is left out like
    the import itself.
    """
    epochs = params(SIZES, size)["epochs"]
    if framework in ("ndflow", "tensorflow"):
        fit = lambda n: keras_digits(framework, n)
    elif framework == "torch":
        fit = torch_digits
    elif framework == "sklearn":
        fit = sklearn_digits
    else:
        raise unknown(framework, FRAMEWORKS, "digits")
    fit(1)
    seconds, acc = timed(lambda: fit(epochs))
    if info is not None:
        info["accuracy"] = round(acc, 4)
    return seconds


def main(argv=None):
    import peers

    return peers.main(["--workloads", "digits", "--no-save", *(argv or sys.argv[1:])])


if __name__ == "__main__":
    main()
