"""ndflow's demo: the course's first network, trained on the iris flowers.

Four measurements of a flower go into 8 ReLU neurons and then 3 softmax neurons, one per
species; Adam minimises the categorical cross-entropy for 200 epochs in batches of 8,
with 20% of the training flowers held back for validation. The script prints the test
accuracy and saves the loss and accuracy curves as a PNG (``make demo`` runs it).

    python examples/demo.py [--epochs 200] [--out ndflow-output/demo]
"""

import argparse
import os
import time

from ndflow import keras


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--out", default=os.path.join("ndflow-output", "demo"))
    args = parser.parse_args(argv)
    keras.utils.set_random_seed(0)

    (x_train, y_train), (x_test, y_test) = keras.datasets.iris.load_data()
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)  # training statistics only
    x_train, x_test = (x_train - mean) / std, (x_test - mean) / std
    y_train, y_test = keras.utils.to_categorical(y_train, 3), keras.utils.to_categorical(y_test, 3)

    model = keras.Sequential([keras.Input(shape=(4,)),
                              keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=8,
                        validation_split=0.2, verbose=0)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"trained {args.epochs} epochs in {seconds:.2f} s")
    print(f"test accuracy: {accuracy:.3f}")
    plot = save_curves(history, args.out)
    print(f"plot: {plot}" if plot else "plot: not drawn (pip install matplotlib)")
    return {"test_accuracy": float(accuracy), "seconds": seconds, "plots": [plot] if plot else []}


def save_curves(history, out):
    """Loss and accuracy per epoch, train and validation, as a PNG (None without matplotlib)."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(out, exist_ok=True)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, key in zip(axes, ("loss", "accuracy")):
        ax.plot(history.history[key], label="train")
        ax.plot(history.history[f"val_{key}"], label="validation")
        ax.set(title=key, xlabel="epoch")
        ax.legend()
    fig.tight_layout()
    path = os.path.join(out, "iris_training.png")
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


if __name__ == "__main__":
    main()
