"""Week 1: the iris network as a ``Sequential`` list of layers.

Four measurements of a flower (sepal and petal length and width) go into a hidden layer of
8 ReLU neurons and an output layer of 3 softmax neurons, one per iris species. Trained with
Adam on the categorical cross-entropy for 200 epochs (150 with --quick) in batches of 8,
with the last 20% of the training data held back for validation; the test accuracy is
measured on flowers the network never saw.

    python examples/course/week1/iris_list.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

from ndflow import keras


def load_iris():
    """Iris as train and test sets: features standardised, labels one-hot."""
    (x_train, y_train), (x_test, y_test) = keras.datasets.iris.load_data()
    # Standardise with the training statistics only: the test set stays unseen.
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    x_train = ((x_train - mean) / std).astype("float32")
    x_test = ((x_test - mean) / std).astype("float32")
    y_train = keras.utils.to_categorical(y_train, 3)  # species 0, 1, 2 -> one-hot rows
    y_test = keras.utils.to_categorical(y_test, 3)
    return (x_train, y_train), (x_test, y_test)


def build_model():
    """Dense 8 relu -> Dense 3 softmax, handed to ``Sequential`` as one list."""
    return keras.Sequential([
        keras.Input(shape=(4,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ])


def plot_history(history, args):
    """Loss and accuracy per epoch, train and validation, side by side."""
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 5))
    for ax, key in ((ax1, "loss"), (ax2, "accuracy")):
        ax.plot(history.history[key], label="train")
        ax.plot(history.history["val_" + key], label="validation")
        ax.set(title=f"model {key}", xlabel="epoch", ylabel=key)
        ax.legend()
    fig.tight_layout()
    path = os.path.join(args.out, "iris_list.png")
    fig.savefig(path, dpi=100)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="The iris network as a Sequential list")
    parser.add_argument("--quick", action="store_true", help="a short run (fewer epochs)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "iris_list"),
                        help="folder for the PNG plot")
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(0)

    (x_train, y_train), (x_test, y_test) = load_iris()
    model = build_model()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=150 if args.quick else 200, batch_size=8,
                        validation_split=0.2, verbose=0)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)

    path = plot_history(history, args)
    print(f"validation accuracy: {history.history['val_accuracy'][-1]:.3f}")
    print(f"test loss: {loss:.4f}")
    print(f"test accuracy: {accuracy:.3f}")
    print(f"plot: {path}")
    return {"validation_accuracy": float(history.history["val_accuracy"][-1]),
            "test_loss": float(loss), "test_accuracy": float(accuracy), "plots": [path]}


if __name__ == "__main__":
    main()
