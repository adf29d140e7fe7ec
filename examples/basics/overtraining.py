"""Over-training and two cures, the Fashion-MNIST exercise of the lecture.

A big network (Dense 512 relu, Dense 512 relu, Dense 10 softmax) trained on few images
learns them by heart: the training cross-entropy falls towards zero while the test
cross-entropy turns up again. The same network is then trained with Dropout(0.5) after each
hidden layer, and with an L2(0.001) penalty on its weights, which keep the test
cross-entropy lower. The curves show the cross-entropy alone (a metric), since the L2 model's
loss also holds its penalty.

Fashion-MNIST is trained on a subset of 10000 images (2000 with --quick) so that the effect
shows in minutes. Offline it cannot be downloaded: the example then says so and uses
scikit-learn's digits (8x8), training on only 200 of them (the effect is milder there and
takes ~100 epochs to show; --quick shows only the gap between train and test).

    python examples/basics/overtraining.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

from ndflow import keras
from ndflow.datasets import DownloadError

CE = "sparse_categorical_crossentropy"  # the metric's name in the history


def load_data(quick):
    """A small training set and a test set (flat images in [0, 1], integer labels), the
    dataset's name and the number of epochs that shows over-training on it."""
    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
        n_train, n_test, scale = (2000, 2000, 255.0) if quick else (10000, 10000, 255.0)
        name, epochs = "Fashion-MNIST", 10 if quick else 30
    except (DownloadError, ImportError) as error:
        reason = str(error).split(". ")[0]
        reason = reason[:1].lower() + reason[1:]
        print(f"Fashion-MNIST is not available offline here ({reason}); using "
              "scikit-learn's digits (8x8) instead, training on 200 of them")
        (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
        n_train, n_test, scale = 200, len(x_test), 16.0
        name, epochs = "digits", 20 if quick else 150
    x_train, y_train = x_train[:n_train], y_train[:n_train].astype("int64")
    x_test, y_test = x_test[:n_test], y_test[:n_test].astype("int64")
    x_train = x_train.reshape(len(x_train), -1).astype("float32") / scale
    x_test = x_test.reshape(len(x_test), -1).astype("float32") / scale
    return (x_train, y_train), (x_test, y_test), name, epochs


def build_model(n_inputs, variant):
    """The big network; 'dropout' adds Dropout(0.5) layers, 'L2' a weight penalty."""
    regularizer = keras.regularizers.L2(0.001) if variant == "L2" else None
    layers = [keras.Input(shape=(n_inputs,))]
    for _ in range(2):
        layers.append(keras.layers.Dense(512, activation="relu",
                                         kernel_regularizer=regularizer))
        if variant == "dropout":
            layers.append(keras.layers.Dropout(0.5))
    layers.append(keras.layers.Dense(10, activation="softmax"))
    model = keras.Sequential(layers)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", "sparse_categorical_crossentropy"])
    return model


def plot(histories, name, args):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, len(histories), figsize=(5 * len(histories), 8),
                             sharey="row")
    for col, (variant, history) in enumerate(histories.items()):
        for row, (key, label) in enumerate(((CE, "cross-entropy"), ("accuracy", "accuracy"))):
            ax = axes[row, col]
            ax.plot(history[key], label="train")
            ax.plot(history["val_" + key], label="test")
            ax.set(xlabel="epoch", ylabel=label, title=f"{variant}: {label}")
            ax.legend()
    fig.suptitle(f"{name}: over-training and its cures")
    fig.tight_layout()
    path = os.path.join(args.out, "overtraining.png")
    fig.savefig(path, dpi=100)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="Over-training, Dropout and L2")
    parser.add_argument("--quick", action="store_true", help="a short run (fewer epochs)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "overtraining"),
                        help="folder for the PNG plot")
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    (x_train, y_train), (x_test, y_test), name, epochs = load_data(args.quick)
    histories, results = {}, {}
    for variant in ("plain", "dropout", "L2"):
        keras.utils.set_random_seed(0)
        model = build_model(x_train.shape[1], variant)
        history = model.fit(x_train, y_train, epochs=epochs, batch_size=32,
                            validation_data=(x_test, y_test), verbose=0).history
        histories[variant] = history
        test_ce = np.array(history["val_" + CE])
        numbers = {
            "train accuracy": history["accuracy"][-1],
            "test accuracy": history["val_accuracy"][-1],
            "train cross-entropy": history[CE][-1],
            "test cross-entropy": test_ce[-1],
            "lowest test cross-entropy": test_ce.min(),
            "epoch of lowest test cross-entropy": float(test_ce.argmin() + 1),
        }
        for key, value in numbers.items():
            print(f"{variant} {key}: {value:.4g}")
            results[f"{variant}_{key.replace(' ', '_').replace('-', '_')}"] = float(value)

    path = plot(histories, name, args)
    print(f"plot: {path}")
    return {**results, "dataset": name, "plots": [path]}


if __name__ == "__main__":
    main()
