"""Minimizers racing on the Rosenbrock function f(x, y) = (1 - x)^2 + 100 (y - x^2)^2.

Its minimum, f = 0 at (1, 1), lies at the end of a long curved valley: easy to find, slow to
follow. SGD, SGD with momentum, AdaGrad, RMSProp, Adam, AdaDelta and Ftrl start from the same
point; each step GradientTape gives the gradient and the Keras optimizer applies it to a
Variable holding (x, y). The paths are drawn over the contour lines, and the loss per step.

    python examples/basics/minimizers.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

import ndflow as tf
from ndflow import keras

START = (-1.5, 2.0)


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1.0 - x) ** 2 + 100.0 * (y - x ** 2) ** 2


def optimizers():
    """Each minimizer with a learning rate that suits this function (Keras's defaults are
    tuned for networks; plain SGD must stay below ~2e-3 or it diverges in the valley)."""
    return {
        "SGD": keras.optimizers.SGD(learning_rate=1e-3),
        "momentum": keras.optimizers.SGD(learning_rate=1e-3, momentum=0.9),
        "AdaGrad": keras.optimizers.Adagrad(learning_rate=0.5),
        "RMSProp": keras.optimizers.RMSprop(learning_rate=1e-2),
        "Adam": keras.optimizers.Adam(learning_rate=0.05),
        "AdaDelta": keras.optimizers.Adadelta(learning_rate=1.0),
        # Without its L1/L2 terms Ftrl steps much like AdaGrad; a larger rate sets it apart.
        "Ftrl": keras.optimizers.Ftrl(learning_rate=1.0),
    }


def race(optimizer, steps):
    """Minimise from START; the path of (x, y) and the loss before each step."""
    p = tf.Variable(START, dtype=tf.float64)
    path, losses = [p.numpy().copy()], []
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = rosenbrock(p)
        optimizer.apply_gradients([(tape.gradient(loss, p), p)])
        path.append(p.numpy().copy())
        losses.append(float(loss))
    losses.append(float(rosenbrock(p)))
    return np.array(path), np.array(losses)


def plot(results, args):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 5.5))
    x, y = np.meshgrid(np.linspace(-2.0, 2.0, 300), np.linspace(-1.0, 3.0, 300))
    z = (1.0 - x) ** 2 + 100.0 * (y - x ** 2) ** 2
    ax1.contour(x, y, z, levels=np.logspace(-1, 3.5, 15), colors="grey", linewidths=0.6)
    ax1.plot(*START, "ko", ms=6)
    ax1.plot(1.0, 1.0, "k*", ms=14, label="minimum (1, 1)")
    for name, (path, losses) in results.items():
        line, = ax1.plot(path[:, 0], path[:, 1], lw=1.5, label=name)
        ax2.semilogy(np.maximum(losses, 1e-30), lw=1.5, color=line.get_color(), label=name)
    ax1.set(xlim=(-2, 2), ylim=(-1, 3), xlabel="x", ylabel="y",
            title="Rosenbrock function: paths from (-1.5, 2)")
    ax1.legend(fontsize=8, loc="lower right")
    ax2.set(xlabel="step", ylabel="f(x, y)", title="loss per step", ylim=(1e-14, 1e3))
    ax2.legend(fontsize=8)
    fig.tight_layout()
    path = os.path.join(args.out, "minimizers.png")
    fig.savefig(path, dpi=100)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="Minimizers racing on the Rosenbrock function")
    parser.add_argument("--quick", action="store_true", help="a short run (fewer steps)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "minimizers"),
                        help="folder for the PNG plot")
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    parser.add_argument("--steps", type=int, default=None, help="steps per minimizer")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(0)
    steps = args.steps or (300 if args.quick else 3000)

    results = {name: race(opt, steps) for name, opt in optimizers().items()}
    path = plot(results, args)
    summary = {}
    for name, (trace, losses) in results.items():
        summary[f"final_loss_{name}"] = float(losses[-1])
        print(f"final loss {name}: {losses[-1]:.3e}   at (x, y) = "
              f"({trace[-1, 0]:.4f}, {trace[-1, 1]:.4f})")
    print(f"plot: {path}")
    return {**summary, "plots": [path]}


if __name__ == "__main__":
    main()
