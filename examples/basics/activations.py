"""The table of activation functions from the lecture, plotted.

Linear, step, sigmoid, tanh, ReLU, leaky ReLU and swish, each computed with ndflow's
activations (``keras.activations`` and ``ndflow.nn``) on the same grid of inputs, one panel
per function, and the derivatives of four of them by GradientTape (gradients vanish where a
function saturates); a small table of values is printed. Swish, x sigmoid(beta x), moves from the
line x/2 (beta = 0) to ReLU (beta -> infinity).

    python examples/basics/activations.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import ndflow as tf
from ndflow import keras


def activation_table(x):
    """Each activation of the lecture's table, as (name, formula, {label: values})."""
    return [
        ("linear", "f(x) = x", {"": keras.activations.linear(x)}),
        ("step", "f(x) = 1 for x > 0, else 0", {"": keras.activations.step(x)}),
        ("sigmoid", "f(x) = 1 / (1 + exp(-x))", {"": keras.activations.sigmoid(x)}),
        ("tanh", "f(x) = tanh(x)", {"": keras.activations.tanh(x)}),
        ("ReLU", "f(x) = max(0, x)", {"": keras.activations.relu(x)}),
        # The lecture's slope is 0.01 (hard to see); Keras's default is 0.2.
        ("leaky ReLU", "f(x) = x for x >= 0, alpha x else",
         {f"alpha={a}": tf.nn.leaky_relu(x, alpha=a) for a in (0.01, 0.2)}),
        ("swish", "f(x) = x sigmoid(beta x)",
         {f"beta={b}": tf.nn.swish(x, beta=b) for b in (0.1, 1.0, 10.0)}),
    ]


def derivatives(x):
    """d f / d x of four activations by GradientTape: each output element depends only on
    its own input, so the gradient of the sum is the derivative at every point."""
    functions = {"sigmoid": keras.activations.sigmoid, "tanh": keras.activations.tanh,
                 "ReLU": keras.activations.relu, "swish": keras.activations.swish}
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        outputs = {name: f(x) for name, f in functions.items()}
    return {name: tape.gradient(y, x) for name, y in outputs.items()}


def plot(x, table, args):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 4, figsize=(14, 6.5))
    for ax, (name, formula, curves) in zip(axes.flat, table):
        for label, y in curves.items():
            ax.plot(x.numpy(), y.numpy(), lw=2, label=label or None)
        ax.axhline(0, color="grey", lw=0.5)
        ax.axvline(0, color="grey", lw=0.5)
        ax.set(title=f"{name}\n{formula}", xlabel="x")
        if len(curves) > 1:
            ax.legend(fontsize=8)
    ax = axes.flat[-1]
    for name, dy in derivatives(x).items():
        ax.plot(x.numpy(), dy.numpy(), lw=2, label=name)
    ax.set(title="derivatives (GradientTape)\nsmall where the function saturates",
           xlabel="x")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = os.path.join(args.out, "activations.png")
    fig.savefig(path, dpi=100)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="The activation functions, plotted")
    parser.add_argument("--quick", action="store_true", help="accepted; the run is short")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "activations"),
                        help="folder for the PNG plot")
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    x = tf.linspace(-5.0, 5.0, 401)
    table = activation_table(x)
    path = plot(x, table, args)

    points = tf.constant([-2.0, -0.5, 0.0, 0.5, 2.0])
    print("x:".ljust(24) + "".join(f"{v:8.2f}" for v in points.numpy()))
    values = {}
    for name, _, curves in activation_table(points):
        for label, y in curves.items():
            key = f"{name} {label}".strip()
            values[key] = [float(v) for v in y.numpy()]
            print(f"{key}:".ljust(24) + "".join(f"{v:8.3f}" for v in values[key]))
    print(f"plot: {path}")
    return {"values": values, "plots": [path]}


if __name__ == "__main__":
    main()
