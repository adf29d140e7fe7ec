"""A network with one hidden layer written twice: in pure NumPy with hand-written
backpropagation, and in ndflow with GradientTape computing the gradients.

Both fit y = sin(x) on [-pi, pi] with 16 tanh neurons and a linear output, start from the
same weights and take the same plain gradient-descent steps on the mean squared error, so
their gradients and losses agree to rounding (float64 in both).

    python examples/basics/numpy_network.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

import ndflow as tf
from ndflow import keras


def initial_weights(hidden, seed=0):
    """Random first-layer weights, small second-layer weights, zero biases."""
    rng = np.random.default_rng(seed)
    return {"w1": rng.normal(0.0, 1.0, (1, hidden)), "b1": np.zeros(hidden),
            "w2": rng.normal(0.0, 1.0 / np.sqrt(hidden), (hidden, 1)), "b2": np.zeros(1)}


# The network in NumPy: the forward pass, then the chain rule backwards by hand.

def numpy_forward(p, x):
    h = np.tanh(x @ p["w1"] + p["b1"])  # hidden activations, (n, hidden)
    return h @ p["w2"] + p["b2"], h     # prediction (n, 1) and what backprop needs


def numpy_loss_and_gradients(p, x, y):
    y_hat, h = numpy_forward(p, x)
    loss = np.mean((y_hat - y) ** 2)
    d_yhat = 2.0 * (y_hat - y) / len(x)  # dL/dy_hat
    d_h = d_yhat @ p["w2"].T             # back through the output layer
    d_z = d_h * (1.0 - h ** 2)           # back through tanh: tanh' = 1 - tanh^2
    grads = {"w2": h.T @ d_yhat, "b2": d_yhat.sum(axis=0),
             "w1": x.T @ d_z, "b1": d_z.sum(axis=0)}
    return loss, grads


def train_numpy(p, x, y, steps, lr):
    p = {k: v.copy() for k, v in p.items()}
    losses = []
    for _ in range(steps):
        loss, grads = numpy_loss_and_gradients(p, x, y)
        for k in p:
            p[k] -= lr * grads[k]
        losses.append(loss)
    return p, losses


# The same network in ndflow: only the forward pass is written, the tape does the rest.

def ndflow_forward(v, x):
    h = tf.tanh(x @ v["w1"] + v["b1"])
    return h @ v["w2"] + v["b2"]


def ndflow_loss_and_gradients(v, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((ndflow_forward(v, x) - y) ** 2)
    return loss, dict(zip(v, tape.gradient(loss, list(v.values()))))


def train_ndflow(v, x, y, steps, lr):
    optimizer = keras.optimizers.SGD(learning_rate=lr)
    losses = []
    for _ in range(steps):
        loss, grads = ndflow_loss_and_gradients(v, x, y)
        optimizer.apply_gradients(zip(grads.values(), v.values()))
        losses.append(float(loss))
    return losses


def plot(x, y, fit_numpy, fit_ndflow, losses_numpy, losses_ndflow, args):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    ax1.plot(x, y, "k.", ms=3, label="data: sin(x)")
    ax1.plot(x, fit_numpy, "b-", lw=3, alpha=0.5, label="NumPy network")
    ax1.plot(x, fit_ndflow, "r--", lw=1.5, label="ndflow network")
    ax1.set(xlabel="x", ylabel="y", title="fit after training")
    ax1.legend()
    ax2.semilogy(losses_numpy, "b-", lw=3, alpha=0.5, label="NumPy, hand-written backprop")
    ax2.semilogy(losses_ndflow, "r--", lw=1.5, label="ndflow, GradientTape")
    ax2.set(xlabel="gradient-descent step", ylabel="mean squared error", title="training")
    ax2.legend()
    fig.tight_layout()
    path = os.path.join(args.out, "numpy_network.png")
    fig.savefig(path, dpi=100)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="One hidden layer: NumPy vs ndflow")
    parser.add_argument("--quick", action="store_true", help="a short run (fewer steps)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "numpy_network"),
                        help="folder for the PNG plot")
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    parser.add_argument("--hidden", type=int, default=16, help="hidden neurons")
    parser.add_argument("--lr", type=float, default=0.05, help="learning rate")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(0)
    steps = 300 if args.quick else 4000

    x = np.linspace(-np.pi, np.pi, 200)[:, None]
    y = np.sin(x)
    start = initial_weights(args.hidden)
    variables = {k: tf.Variable(w, name=k) for k, w in start.items()}  # float64, like NumPy

    _, grads_numpy = numpy_loss_and_gradients(start, x, y)
    _, grads_ndflow = ndflow_loss_and_gradients(variables, x, y)
    grad_diff = max(float(np.max(np.abs(grads_numpy[k] - grads_ndflow[k].numpy())))
                    for k in start)

    final_numpy, losses_numpy = train_numpy(start, x, y, steps, args.lr)
    losses_ndflow = train_ndflow(variables, x, y, steps, args.lr)
    loss_diff = float(np.max(np.abs(np.array(losses_numpy) - np.array(losses_ndflow))))

    path = plot(x[:, 0], y[:, 0], numpy_forward(final_numpy, x)[0][:, 0],
                ndflow_forward(variables, x).numpy()[:, 0], losses_numpy, losses_ndflow, args)
    print(f"max gradient difference at the start: {grad_diff:.2e}")
    print(f"final loss numpy: {losses_numpy[-1]:.6f}")
    print(f"final loss ndflow: {losses_ndflow[-1]:.6f}")
    print(f"max loss difference over {steps} steps: {loss_diff:.2e}")
    print(f"plot: {path}")
    return {"max_gradient_difference": grad_diff, "final_loss_numpy": float(losses_numpy[-1]),
            "final_loss_ndflow": losses_ndflow[-1], "max_loss_difference": loss_diff,
            "plots": [path]}


if __name__ == "__main__":
    main()
