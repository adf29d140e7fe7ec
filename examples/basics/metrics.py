"""Accuracy, precision, recall and F1, computed by hand from the confusion matrix, by
ndflow.keras.metrics and by scikit-learn, and checked equal.

A small network learns to tell malignant from benign tumours (scikit-learn's breast-cancer
data: 30 measurements of cell nuclei per sample). "Positive" means malignant here: the class
a doctor must not miss, which is what recall measures.

    python examples/basics/metrics.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

from ndflow import keras


def load_data():
    """Standardised features; label 1 = malignant (scikit-learn's target is 0 there)."""
    (x_train, y_train), (x_test, y_test) = keras.datasets.breast_cancer.load_data()
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    x_train = ((x_train - mean) / std).astype("float32")
    x_test = ((x_test - mean) / std).astype("float32")
    return (x_train, 1 - y_train), (x_test, 1 - y_test)


def by_hand(y_true, y_pred):
    """The confusion matrix and the four metrics from its counts."""
    tp = int(np.sum((y_pred == 1) & (y_true == 1)))  # malignant, called malignant
    fp = int(np.sum((y_pred == 1) & (y_true == 0)))  # benign, called malignant
    fn = int(np.sum((y_pred == 0) & (y_true == 1)))  # malignant, missed
    tn = int(np.sum((y_pred == 0) & (y_true == 0)))  # benign, called benign
    print("confusion matrix:            predicted malignant   predicted benign")
    print(f"  truly malignant            TP = {tp:4d}             FN = {fn:4d}")
    print(f"  truly benign               FP = {fp:4d}             TN = {tn:4d}")
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    return {"accuracy": (tp + tn) / (tp + tn + fp + fn), "precision": precision,
            "recall": recall, "f1": 2 * precision * recall / (precision + recall)}


def by_keras(y_true, probabilities):
    """The same four from ndflow.keras.metrics, fed the probabilities (threshold 0.5)."""
    metrics = {"accuracy": keras.metrics.BinaryAccuracy(threshold=0.5),
               "precision": keras.metrics.Precision(thresholds=0.5),
               "recall": keras.metrics.Recall(thresholds=0.5),
               "f1": keras.metrics.F1Score(average="micro", threshold=0.5)}
    y = y_true.astype("float32")[:, None]
    for metric in metrics.values():
        metric.update_state(y, probabilities[:, None])
    return {name: float(metric.result()) for name, metric in metrics.items()}


def by_sklearn(y_true, y_pred):
    from sklearn import metrics

    return {"accuracy": metrics.accuracy_score(y_true, y_pred),
            "precision": metrics.precision_score(y_true, y_pred),
            "recall": metrics.recall_score(y_true, y_pred),
            "f1": metrics.f1_score(y_true, y_pred)}


def plot(y_true, probabilities, args):
    """Precision, recall and F1 as the threshold moves: the trade-off behind the numbers."""
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    thresholds = np.linspace(0.02, 0.98, 49)
    curves = {"precision": [], "recall": [], "F1": []}
    for t in thresholds:
        pred = probabilities > t
        tp = np.sum(pred & (y_true == 1))
        p = tp / max(np.sum(pred), 1)
        r = tp / np.sum(y_true == 1)
        curves["precision"].append(p)
        curves["recall"].append(r)
        curves["F1"].append(2 * p * r / (p + r) if p + r else 0.0)
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    for name, values in curves.items():
        ax.plot(thresholds, values, lw=2, label=name)
    ax.axvline(0.5, color="grey", ls="--", lw=1, label="threshold used")
    ax.set(xlabel="threshold on the predicted probability of 'malignant'", ylabel="value",
           title="precision, recall and F1 on the test set")
    ax.legend()
    fig.tight_layout()
    path = os.path.join(args.out, "metrics.png")
    fig.savefig(path, dpi=100)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="Accuracy, precision, recall and F1")
    parser.add_argument("--quick", action="store_true", help="a short run (fewer epochs)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "metrics"),
                        help="folder for the PNG plot")
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(0)

    (x_train, y_train), (x_test, y_test) = load_data()
    model = keras.Sequential([keras.Input(shape=(30,)),
                              keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=10 if args.quick else 50, batch_size=16, verbose=0)
    probabilities = model.predict(x_test, verbose=0)[:, 0]
    y_pred = (probabilities > 0.5).astype("int64")

    print(f"test samples: {len(y_test)}, of them malignant: {int(y_test.sum())}")
    hand = by_hand(y_test, y_pred)
    print("accuracy  = (TP + TN) / all        : how often the network is right")
    print("precision = TP / (TP + FP)         : of those called malignant, how many are")
    print("recall    = TP / (TP + FN)         : of the malignant ones, how many were found")
    print("F1        = 2 P R / (P + R)        : one number that needs both P and R high")
    keras_values = by_keras(y_test, probabilities)
    sklearn_values = by_sklearn(y_test, y_pred)
    print(f"{'':12s}{'by hand':>10s}{'keras':>10s}{'sklearn':>10s}")
    for name in hand:
        print(f"{name:12s}{hand[name]:10.4f}{keras_values[name]:10.4f}"
              f"{sklearn_values[name]:10.4f}")
    difference = max(abs(hand[k] - other[k]) for k in hand
                     for other in (keras_values, sklearn_values))
    path = plot(y_test, probabilities, args)
    for name, value in hand.items():
        print(f"{name}: {value:.4f}")
    print(f"largest difference between the three: {difference:.1e}")
    print(f"plot: {path}")
    return {**{name: float(v) for name, v in hand.items()},
            **{f"keras_{name}": v for name, v in keras_values.items()},
            **{f"sklearn_{name}": float(v) for name, v in sklearn_values.items()},
            "max_difference": float(difference), "plots": [path]}


if __name__ == "__main__":
    main()
