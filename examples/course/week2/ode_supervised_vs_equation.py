"""Solving y'(x) = f(x), y(0) = 1 on [0, 2] with a network, in two ways.

(a) supervised: fit the network on generated points (x, y(x)) of the known solution;
(b) from the equation alone: a custom GradientTape loop, where an inner tape gives dy/dx of
    the network's output and the loss is mean (dy/dx - f)^2 + (y(0) - 1)^2 (no solution data).
Both are compared with the analytic solutions for f = 2x, x^2 and x^2 - 2x.

    python examples/course/week2/ode_supervised_vs_equation.py [--quick] [--out DIR] [--show]
"""

import argparse
import os
import time

import numpy as np

import ndflow as tf
from ndflow import keras

X_MAX = 2.0  # the course solves on [0, 2]

# y' = f(x), y(0) = 1: the name of f, f itself and the analytic solution
PROBLEMS = [
    ("2x", lambda x: 2 * x, lambda x: x ** 2 + 1),
    ("x^2", lambda x: x ** 2, lambda x: x ** 3 / 3 + 1),
    ("x^2-2x", lambda x: x ** 2 - 2 * x, lambda x: x ** 3 / 3 - x ** 2 + 1),
]


def make_network(width):
    """A small fully connected network x -> y(x); tanh keeps dy/dx smooth."""
    return keras.Sequential([
        keras.Input(shape=(1,)),
        keras.layers.Dense(width, activation="tanh"),
        keras.layers.Dense(width, activation="tanh"),
        keras.layers.Dense(1),
    ])


def train_supervised(solution, args):
    """(a) Ordinary regression on samples of the analytic solution."""
    rng = np.random.default_rng(args.seed)
    x = (rng.random((args.samples, 1)) * X_MAX).astype("float32")
    y = solution(x)
    model = make_network(args.width)
    model.compile(optimizer=keras.optimizers.Adam(args.lr), loss="mse")
    history = model.fit(x, y, epochs=args.epochs, batch_size=32, verbose=0)
    return model, history.history["loss"]


def train_from_equation(f, args):
    """(b) The network only ever sees the equation: residual of y' = f plus y(0) = 1."""
    model = make_network(args.width)
    optimizer = keras.optimizers.Adam(args.lr)
    x = tf.constant(np.linspace(0.0, X_MAX, args.points, dtype="float32")[:, None])
    f_x = f(x)
    x0 = tf.constant([[0.0]])

    def train_step():
        with tf.GradientTape() as tape:
            with tf.GradientTape() as inner:
                inner.watch(x)
                y = model(x)
            dy_dx = inner.gradient(y, x)
            loss = (tf.reduce_mean(tf.square(dy_dx - f_x))
                    + tf.reduce_mean(tf.square(model(x0) - 1.0)))
        gradients = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(gradients, model.trainable_weights))
        return loss

    losses = [float(train_step()) for _ in range(args.steps)]
    return model, losses


def errors(model, solution):
    """Relative max and relative L2 error against the analytic solution on a fine grid."""
    x = np.linspace(0.0, X_MAX, 201, dtype="float32")[:, None]
    exact = solution(x)
    diff = model.predict(x, verbose=0) - exact
    return (float(np.max(np.abs(diff)) / np.max(np.abs(exact))),
            float(np.linalg.norm(diff) / np.linalg.norm(exact)))


def plot(args, runs):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, len(runs), figsize=(5 * len(runs), 8))
    x = np.linspace(0.0, X_MAX, 201, dtype="float32")[:, None]
    for col, run in enumerate(runs):
        top, bottom = axes[0, col], axes[1, col]
        top.plot(x, run["solution"](x), "k-", lw=3, alpha=0.4, label="analytic")
        top.plot(x, run["supervised"].predict(x, verbose=0), "b--", label="supervised")
        top.plot(x, run["equation"].predict(x, verbose=0), "r:", lw=2, label="from equation")
        top.set(xlabel="x", ylabel="y(x)", title=f"y' = {run['name']}, y(0) = 1")
        top.legend()
        bottom.semilogy(run["supervised_loss"], "b-", label="supervised (MSE per epoch)")
        bottom.semilogy(run["equation_loss"], "r-", label="equation loss (per step)")
        bottom.set(xlabel="epoch / step", ylabel="loss", title="training")
        bottom.legend()
    fig.tight_layout()
    path = os.path.join(args.out, "ode_supervised_vs_equation.png")
    fig.savefig(path, dpi=90)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="y' = f(x): supervised vs from the equation")
    parser.add_argument("--quick", action="store_true", help="a short run (seconds)")
    parser.add_argument("--out", default=os.path.join("ndflow-output",
                                                      "ode_supervised_vs_equation"))
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    parser.add_argument("--width", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    # the course generates 10k solution points; the equation loop uses a grid on [0, 2]
    args.samples = 1000 if args.quick else 10_000
    args.epochs = 30 if args.quick else 40
    args.points = 32 if args.quick else 64
    args.steps = 400 if args.quick else 2000
    return args


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(args.seed)
    results, runs = {}, []
    start = time.perf_counter()
    for name, f, solution in PROBLEMS:
        supervised, supervised_loss = train_supervised(solution, args)
        equation, equation_loss = train_from_equation(f, args)
        runs.append({"name": name, "solution": solution, "supervised": supervised,
                     "equation": equation, "supervised_loss": supervised_loss,
                     "equation_loss": equation_loss})
        for method, model in (("supervised", supervised), ("equation", equation)):
            max_err, l2_err = errors(model, solution)
            for what, value in (("max", max_err), ("L2", l2_err)):
                key = f"{method} f={name} relative {what} error"
                results[key] = value
                print(f"{key}: {value:.4f}")
    seconds = time.perf_counter() - start
    worst = max(v for k, v in results.items() if k.endswith("L2 error"))
    print(f"worst relative L2 error: {worst:.4f}")
    print(f"training seconds: {seconds:.1f}")
    path = plot(args, runs)
    print(f"plot: {path}")
    results.update({"worst relative L2 error": worst, "training seconds": seconds,
                    "plots": [path]})
    return results


if __name__ == "__main__":
    main()
