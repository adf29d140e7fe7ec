"""Splitting data 60/20/20 into training, validation and test sets, and scaling the inputs.

The wine data (13 chemical measurements of 178 wines from three cultivars) has features of
very different sizes: proline is around 750, hue around 1. Four scalings from scikit-learn,
each fitted on the training set only, are compared with the raw inputs: standardisation
(mean 0, standard deviation 1), min-max (to [0, 1]), robust (median 0, interquartile
range 1) and decorrelation (PCA whitening: uncorrelated components of variance 1).
The same small network is trained on each; the validation set picks the best scaling and
only that one is scored on the test set.

    python examples/basics/splits_scaling.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np
from sklearn.decomposition import PCA
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

from ndflow import keras

FEATURES = (0, 12)  # alcohol and proline, drawn in the plot


def split_60_20_20(x, y, seed=0):
    """60% training, 20% validation, 20% test, each with the classes in proportion."""
    x_train, x_rest, y_train, y_rest = train_test_split(
        x, y, test_size=0.4, stratify=y, random_state=seed)
    x_val, x_test, y_val, y_test = train_test_split(
        x_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=seed)
    return (x_train, y_train), (x_val, y_val), (x_test, y_test)


def scalers():
    return {"raw": None, "standard": StandardScaler(), "min-max": MinMaxScaler(),
            "robust": RobustScaler(), "PCA whitening": PCA(whiten=True)}


def fitted(scaler, x_train):
    """The scaling as a function, its statistics taken from the training set only."""
    if scaler is None:
        return lambda a: a.astype("float32")
    scaler.fit(x_train)
    return lambda a: scaler.transform(a).astype("float32")


def key(name):
    return name.replace(" ", "_").replace("-", "_")


def train(x_train, y_train, x_val, y_val, epochs):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(x_train.shape[1],)),
                              keras.layers.Dense(16, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=16,
                        validation_data=(x_val, y_val), verbose=0)
    return model, history.history


def max_correlation(x):
    """The largest correlation between two different features."""
    c = np.corrcoef(x, rowvar=False)
    return float(np.max(np.abs(c - np.diag(np.diag(c)))))


def plot(scaled, y_train, histories, args):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, len(scaled), figsize=(4 * len(scaled), 7.5))
    for col, (name, x) in enumerate(scaled.items()):
        ax = axes[0, col]
        i, j = (0, 1) if name == "PCA whitening" else FEATURES
        ax.scatter(x[:, i], x[:, j], c=y_train, cmap="viridis", s=10)
        ax.set(title=name, xlabel="component 1" if name == "PCA whitening" else "alcohol",
               ylabel="component 2" if name == "PCA whitening" else "proline")
        ax = axes[1, col]
        ax.plot(histories[name]["loss"], label="train")
        ax.plot(histories[name]["val_loss"], label="validation")
        ax.set(xlabel="epoch", ylabel="loss", yscale="log", title=f"{name}: training")
        ax.legend()
    low = min(ax.get_ylim()[0] for ax in axes[1])
    high = max(ax.get_ylim()[1] for ax in axes[1])
    for ax in axes[1]:
        ax.set_ylim(low, high)  # one scale, so the raw inputs' slow start shows
    fig.tight_layout()
    path = os.path.join(args.out, "splits_scaling.png")
    fig.savefig(path, dpi=100)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="60/20/20 split and input scalings")
    parser.add_argument("--quick", action="store_true", help="a short run (fewer epochs)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "splits_scaling"),
                        help="folder for the PNG plot")
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    (x, y), _ = keras.datasets.wine.load_data(test_split=0.0)
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = split_60_20_20(x, y)
    print(f"split: {len(x_train)} training, {len(x_val)} validation, {len(x_test)} test")

    results, transforms, models, histories, scaled = {}, {}, {}, {}, {}
    print(f"{'scaling':15s}{'mean range':>22s}{'std range':>20s}{'max corr':>10s}"
          f"{'val acc':>9s}")
    for name, scaler in scalers().items():
        transforms[name] = scale = fitted(scaler, x_train)
        scaled[name] = xs = scale(x_train)
        models[name], histories[name] = train(xs, y_train, scale(x_val), y_val,
                                              20 if args.quick else 100)
        results[f"{key(name)}_validation_accuracy"] = histories[name]["val_accuracy"][-1]
        results[f"{key(name)}_max_correlation"] = max_correlation(xs)
        mean, std = xs.mean(axis=0), xs.std(axis=0)
        print(f"{name:15s}{mean.min():10.3g} .. {mean.max():8.3g}"
              f"{std.min():9.3g} .. {std.max():7.3g}{max_correlation(xs):10.2f}"
              f"{histories[name]['val_accuracy'][-1]:9.3f}")

    # The validation set chooses; the test set is touched once, by the chosen model.
    best = max(models, key=lambda name: results[f"{key(name)}_validation_accuracy"])
    _, test_accuracy = models[best].evaluate(transforms[best](x_test), y_test, verbose=0)
    path = plot(scaled, y_train, histories, args)
    print(f"best scaling on the validation set: {best}")
    print(f"test accuracy ({best}): {test_accuracy:.3f}")
    print(f"plot: {path}")
    return {**{k: float(v) for k, v in results.items()}, "best_scaling": best,
            "test_accuracy": float(test_accuracy), "plots": [path]}


if __name__ == "__main__":
    main()
