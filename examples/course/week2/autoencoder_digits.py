"""Unsupervised learning: an autoencoder on scikit-learn's 8x8 digits.

The encoder squeezes each 64-pixel image into a 2-number code, the decoder rebuilds the
image from the code; the loss compares the output with the input, so no labels are used.
The labels only colour the plot of the codes, where the digits form clusters by themselves.
The reconstruction error is compared with the best linear 2-D code (PCA).

    python examples/course/week2/autoencoder_digits.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

from ndflow import keras


def load_digits():
    """Images scaled to [0, 1] as 64-vectors; labels kept only for the plot."""
    (x_train, y_train), (x_test, y_test) = keras.datasets.digits.load_data()
    return ((x_train / 16.0).astype("float32"), y_train,
            (x_test / 16.0).astype("float32"), y_test)


def build_autoencoder(code_size):
    """Encoder 64 -> 32 -> code, decoder code -> 32 -> 64, as two functional models."""
    image = keras.Input(shape=(64,), name="image")
    hidden = keras.layers.Dense(32, activation="relu")(image)
    code = keras.layers.Dense(code_size, name="code")(hidden)
    encoder = keras.Model(image, code, name="encoder")

    code_in = keras.Input(shape=(code_size,), name="code_in")
    hidden = keras.layers.Dense(32, activation="relu")(code_in)
    pixels = keras.layers.Dense(64, activation="sigmoid")(hidden)
    decoder = keras.Model(code_in, pixels, name="decoder")

    autoencoder = keras.Sequential([encoder, decoder], name="autoencoder")
    return encoder, decoder, autoencoder


def pca_mse(x_train, x_test, components):
    """Reconstruction MSE of the best linear code of the same size, for comparison."""
    from sklearn.decomposition import PCA

    pca = PCA(components).fit(x_train)
    rebuilt = pca.inverse_transform(pca.transform(x_test))
    return float(np.mean((rebuilt - x_test) ** 2))


def plot(args, x_test, rebuilt, codes, labels, history):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = 10
    fig, axes = plt.subplots(2, n, figsize=(1.2 * n, 2.8))
    for i in range(n):
        for row, images in ((0, x_test), (1, rebuilt)):
            axes[row, i].imshow(images[i].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            axes[row, i].set_xticks([])
            axes[row, i].set_yticks([])
        axes[0, i].set_title(str(labels[i]))
    axes[0, 0].set_ylabel("original")
    axes[1, 0].set_ylabel("rebuilt")
    fig.tight_layout()
    images_path = os.path.join(args.out, "autoencoder_reconstructions.png")
    fig.savefig(images_path, dpi=90)

    fig2, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 5))
    points = ax1.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", s=12)
    fig2.colorbar(points, ax=ax1, label="digit")
    ax1.set(xlabel="code 1", ylabel="code 2", title="2-D codes of the test digits")
    ax2.semilogy(history.history["loss"], label="train")
    ax2.semilogy(history.history["val_loss"], label="validation")
    ax2.set(xlabel="epoch", ylabel="reconstruction MSE", title="training")
    ax2.legend()
    fig2.tight_layout()
    codes_path = os.path.join(args.out, "autoencoder_codes.png")
    fig2.savefig(codes_path, dpi=90)
    if args.show:
        plt.show()
    plt.close(fig)
    plt.close(fig2)
    return [images_path, codes_path]


def parse_args(argv):
    parser = argparse.ArgumentParser(description="An autoencoder on the 8x8 digits")
    parser.add_argument("--quick", action="store_true", help="a short run (seconds)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "autoencoder_digits"))
    parser.add_argument("--show", action="store_true", help="show the plots in a window")
    parser.add_argument("--code-size", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs is None:
        args.epochs = 40 if args.quick else 300
    return args


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(args.seed)
    x_train, _, x_test, y_test = load_digits()
    encoder, decoder, autoencoder = build_autoencoder(args.code_size)
    autoencoder.compile(optimizer=keras.optimizers.Adam(3e-3), loss="mse")
    # the input is its own target: that is what makes this unsupervised
    history = autoencoder.fit(x_train, x_train, epochs=args.epochs, batch_size=32,
                              validation_split=0.1, verbose=0)
    mse = float(autoencoder.evaluate(x_test, x_test, verbose=0))
    codes = encoder.predict(x_test, verbose=0)
    rebuilt = decoder.predict(codes, verbose=0)
    mean_image_mse = float(np.mean((x_test - x_train.mean(axis=0)) ** 2))
    linear_mse = pca_mse(x_train, x_test, args.code_size)
    print(f"test reconstruction mse: {mse:.4f}")
    print(f"pca reconstruction mse: {linear_mse:.4f}")
    print(f"mean image mse: {mean_image_mse:.4f}")
    plots = plot(args, x_test, rebuilt, codes, y_test, history)
    for path in plots:
        print(f"plot: {path}")
    return {"test reconstruction mse": mse, "pca reconstruction mse": linear_mse,
            "mean image mse": mean_image_mse, "plots": plots}


if __name__ == "__main__":
    main()
