"""Binary classification of two Gaussian clouds, centred at (-1, -1) and (1, 1) with unit
width, by a small network; the decision boundary it learned is drawn over the data.

The clouds overlap, so no classifier is perfect: the best possible rule is the line
x + y = 0, right for Phi(sqrt(2)) = 92.1% of the points. The network should come close.

    python examples/basics/gaussians.py [--quick] [--out DIR] [--show]
"""

import argparse
import math
import os

import numpy as np

from ndflow import keras


def build_model():
    model = keras.Sequential([
        keras.Input(shape=(2,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(1, activation="sigmoid"),  # the probability of class 1
    ])
    model.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(),
                  metrics=["accuracy"])
    return model


def plot(model, history, x_test, y_test, args):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(16, 4.8))
    grid = np.linspace(-4.0, 4.0, 201)
    gx, gy = np.meshgrid(grid, grid)
    points = np.stack([gx.ravel(), gy.ravel()], axis=1).astype("float32")
    prob = model.predict(points, batch_size=4096, verbose=0).reshape(gx.shape)
    ax1.contourf(gx, gy, prob, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.4)
    ax1.contour(gx, gy, prob, levels=[0.5], colors="k", linewidths=2)
    ax1.plot(grid, -grid, "k--", lw=1, label="best possible: x + y = 0")
    for label, colour in ((0, "tab:blue"), (1, "tab:red")):
        sel = y_test == label
        ax1.scatter(x_test[sel, 0], x_test[sel, 1], s=6, c=colour,
                    label=f"class {label} (test)")
    ax1.set(xlim=(-4, 4), ylim=(-4, 4), xlabel="x", ylabel="y", aspect="equal",
            title="decision boundary (solid: p = 0.5)")
    ax1.legend(fontsize=8, loc="upper left")
    for ax, key in ((ax2, "loss"), (ax3, "accuracy")):
        ax.plot(history.history[key], label="train")
        ax.plot(history.history["val_" + key], label="validation")
        ax.set(xlabel="epoch", ylabel=key, title=key)
        ax.legend()
    fig.tight_layout()
    path = os.path.join(args.out, "gaussians.png")
    fig.savefig(path, dpi=100)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="Two Gaussians: binary classification")
    parser.add_argument("--quick", action="store_true", help="a short run (fewer epochs)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "gaussians"),
                        help="folder for the PNG plot")
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(0)

    (x_train, y_train), (x_test, y_test) = keras.datasets.gaussians.load_data(
        n_samples=5000, centers=[[-1.0, -1.0], [1.0, 1.0]], std=1.0, test_split=0.2)
    model = build_model()
    history = model.fit(x_train, y_train, epochs=5 if args.quick else 30, batch_size=32,
                        validation_split=0.2, verbose=0)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    best_rule = float(np.mean((x_test.sum(axis=1) > 0) == (y_test == 1)))
    bayes = 0.5 * (1.0 + math.erf(1.0))  # Phi(sqrt(2)): sqrt(2) is the distance to the line

    path = plot(model, history, x_test, y_test, args)
    print(f"test loss: {loss:.4f}")
    print(f"test accuracy: {accuracy:.3f}")
    print(f"best rule x + y > 0 on the same test points: {best_rule:.3f}")
    print(f"best possible accuracy in the long run: {bayes:.3f}")
    print(f"plot: {path}")
    return {"test_loss": float(loss), "test_accuracy": float(accuracy),
            "best_rule_accuracy": best_rule, "bayes_accuracy": bayes, "plots": [path]}


if __name__ == "__main__":
    main()
