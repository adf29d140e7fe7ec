"""The MNIST multilayer perceptron of the lecture: 28x28 handwritten digits, flattened and
scaled to [0, 1], through Dense 512 relu, Dense 512 relu and Dense 10 softmax, trained with
Adam. Shows the training curves, the output layer's weights as images (the 512 weights
into each digit's neuron, and the first layer's weights from the pixels as images) and
test images with their true and predicted labels.

Offline, MNIST cannot be downloaded: the example then says so and uses scikit-learn's
bundled digits (8x8 images, 1797 of them) instead.

    python examples/basics/mnist_mlp.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

from ndflow import keras
from ndflow.datasets import DownloadError


def load_data(quick):
    """(x_train, y_train), (x_test, y_test) with flat images in [0, 1], and the image side."""
    try:
        (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
        side, scale = 28, 255.0
        if quick:  # a subset keeps the quick run to seconds
            x_train, y_train, x_test, y_test = x_train[:6000], y_train[:6000], \
                x_test[:2000], y_test[:2000]
    except (DownloadError, ImportError) as error:
        reason = str(error).split(". ")[0]
        reason = reason[:1].lower() + reason[1:]
        print(f"MNIST is not available offline here ({reason}); "
              "using scikit-learn's digits (8x8) instead")
        (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
        side, scale = 8, 16.0
    x_train = x_train.reshape(len(x_train), -1).astype("float32") / scale
    x_test = x_test.reshape(len(x_test), -1).astype("float32") / scale
    return (x_train, y_train.astype("int64")), (x_test, y_test.astype("int64")), side


def build_model(n_inputs):
    model = keras.Sequential([
        keras.Input(shape=(n_inputs,)),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def save(fig, name, args, plt):
    path = os.path.join(args.out, name)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    if not args.show:
        plt.close(fig)
    return path


def plot(model, history, x_test, y_test, side, args):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for ax, key in zip(axes, ("loss", "accuracy")):
        ax.plot(history.history[key], label="train")
        ax.plot(history.history["val_" + key], label="test")
        ax.set(xlabel="epoch", ylabel=key, title=key)
        ax.legend()
    paths.append(save(fig, "mnist_mlp_training.png", args, plt))

    kernel = model.layers[-1].kernel.numpy()  # (512, 10): one column per digit
    first = model.layers[0].kernel.numpy()    # (pixels, 512): one column per hidden neuron
    fig, axes = plt.subplots(4, 5, figsize=(12, 8.5))
    for i, ax in enumerate(axes[:2].flat):
        limit = np.abs(kernel).max()
        ax.imshow(kernel[:, i].reshape(16, 32), cmap="seismic", vmin=-limit, vmax=limit)
        ax.set(title=f"into output '{i}'", xticks=[], yticks=[])
    for i, ax in enumerate(axes[2:].flat):
        limit = np.abs(first[:, i]).max()
        ax.imshow(first[:, i].reshape(side, side), cmap="seismic", vmin=-limit, vmax=limit)
        ax.set(title=f"pixels into hidden {i}", xticks=[], yticks=[])
    fig.suptitle("rows 1-2: output layer, the 512 weights into each output neuron (16 x 32); "
                 f"rows 3-4: first layer, as {side} x {side} images (red +, blue -)")
    paths.append(save(fig, "mnist_mlp_weights.png", args, plt))

    predicted = np.argmax(model.predict(x_test[:25], verbose=0), axis=1)
    fig, axes = plt.subplots(5, 5, figsize=(8, 9))
    for i, ax in enumerate(axes.flat):
        ax.imshow(x_test[i].reshape(side, side), cmap="gray_r")
        ok = predicted[i] == y_test[i]
        ax.set_title(f"true {y_test[i]}, pred {predicted[i]}", fontsize=9,
                     color="black" if ok else "red")
        ax.set(xticks=[], yticks=[])
    paths.append(save(fig, "mnist_mlp_predictions.png", args, plt))
    if args.show:
        plt.show()
    return paths


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="The MNIST multilayer perceptron")
    parser.add_argument("--quick", action="store_true", help="a short run (fewer epochs)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "mnist_mlp"),
                        help="folder for the PNG plots")
    parser.add_argument("--show", action="store_true", help="show the plots in windows")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(0)

    (x_train, y_train), (x_test, y_test), side = load_data(args.quick)
    model = build_model(x_train.shape[1])
    history = model.fit(x_train, y_train, epochs=5 if args.quick else 10, batch_size=32,
                        validation_data=(x_test, y_test), verbose=0)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)

    paths = plot(model, history, x_test, y_test, side, args)
    print(f"training images: {len(x_train)} of {side}x{side} pixels")
    print(f"test loss: {loss:.4f}")
    print(f"test accuracy: {accuracy:.3f}")
    for path in paths:
        print(f"plot: {path}")
    return {"test_loss": float(loss), "test_accuracy": float(accuracy),
            "image_side": float(side), "plots": paths}


if __name__ == "__main__":
    main()
