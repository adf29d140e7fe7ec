"""Network architectures: a dense network (ANN) against a convolutional network (CNN).

Both classify CIFAR-10's 32x32 colour images into 10 classes with the course's layer
stacks, sparse categorical crossentropy and batch size 16; their accuracy curves are
plotted side by side and their test accuracies printed. Offline (CIFAR-10 not in the cache)
it says so and uses scikit-learn's 8x8 grey digits instead, with 'same' padding in the
convolutions so that two 2x2 poolings still fit on 8x8 images.

    python examples/course/week3/cifar_dense_vs_cnn.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

from ndflow import keras
from ndflow.datasets import DownloadError
from ndflow.keras import layers


def load_images(args):
    """(x_train, y_train), (x_test, y_test), a description and the padding to use.

    --quick never downloads the 170 MB archive: it uses CIFAR-10 only when it is cached.
    """
    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data(
            download=not args.quick)
    except (DownloadError, ImportError) as error:
        reason = ("not in the cache, and --quick does not download" if args.quick
                  else f"the download failed: {type(error).__name__}")
        print(f"CIFAR-10 is not available offline here ({reason}); using scikit-learn's "
              "digits (8x8 grey) instead, with 'same' padding in the CNN")
        (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
        x_train = (x_train / 16.0).reshape(-1, 8, 8, 1).astype("float32")
        x_test = (x_test / 16.0).reshape(-1, 8, 8, 1).astype("float32")
        return (x_train, y_train), (x_test, y_test), "digits (8x8 grey)", "same"
    if args.quick:  # a taste of CIFAR-10 in seconds
        x_train, y_train, x_test, y_test = x_train[:2000], y_train[:2000], x_test[:500], \
            y_test[:500]
    # normalise pixel values to [0, 1]
    return ((x_train / 255.0).astype("float32"), y_train), \
        ((x_test / 255.0).astype("float32"), y_test), "CIFAR-10", "valid"


def dense_network(input_shape):
    """The course's ANN: the image flattened into one vector, then five dense layers."""
    return keras.Sequential([
        keras.Input(shape=input_shape),
        layers.Flatten(),
        layers.Dense(units=100, activation="relu"),
        layers.Dense(units=100, activation="relu"),
        layers.Dense(units=64, activation="relu"),
        layers.Dense(units=32, activation="relu"),
        layers.Dense(units=10),
    ], name="ann")


def convolutional_network(input_shape, padding):
    """The course's CNN: two convolution + max-pooling stages, then three dense layers."""
    return keras.Sequential([
        keras.Input(shape=input_shape),
        layers.Conv2D(32, (3, 3), activation="relu", padding=padding),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, (3, 3), activation="relu", padding=padding),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dense(32, activation="relu"),
        layers.Dense(16, activation="relu"),
        layers.Dense(10),
    ], name="cnn")


def train(model, data, args):
    (x_train, y_train), (x_test, y_test) = data
    # the last layers give logits (no softmax), so the loss is told from_logits=True
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=16,
                        validation_split=0.2, verbose=0)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return history, float(accuracy)


def plot(args, histories, dataset):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(histories), figsize=(6 * len(histories), 4.5),
                             sharey=True)
    for ax, (name, history) in zip(axes, histories.items()):
        epochs = np.arange(1, len(history.history["accuracy"]) + 1)
        ax.plot(epochs, history.history["accuracy"], "o-", label="accuracy")
        ax.plot(epochs, history.history["val_accuracy"], "s--", label="val_accuracy")
        ax.set(xlabel="Epoch", ylabel="Accuracy", title=f"{name} on {dataset}")
        ax.legend(loc="lower right")
    fig.tight_layout()
    path = os.path.join(args.out, "cifar_dense_vs_cnn.png")
    fig.savefig(path, dpi=90)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="CIFAR-10: dense network vs CNN")
    parser.add_argument("--quick", action="store_true", help="a short run (seconds)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "cifar_dense_vs_cnn"))
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs is None:
        args.epochs = 4 if args.quick else 20  # the course trains 20 epochs
    return args


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(args.seed)
    train_data, test_data, dataset, padding = load_images(args)
    shape = train_data[0].shape[1:]
    print(f"dataset: {dataset}, {len(train_data[0])} training and {len(test_data[0])} test "
          f"images of shape {shape}")
    results, histories = {}, {}
    for name, model in (("dense network", dense_network(shape)),
                        ("CNN", convolutional_network(shape, padding))):
        histories[name], accuracy = train(model, (train_data, test_data), args)
        results[f"{name} test accuracy"] = accuracy
        print(f"{name} parameters: {model.count_params()}")
        print(f"{name} test accuracy: {accuracy:.4f}")
    path = plot(args, histories, dataset)
    print(f"plot: {path}")
    results["plots"] = [path]
    return results


if __name__ == "__main__":
    main()
