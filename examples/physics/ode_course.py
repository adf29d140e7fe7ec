"""The course's ODE, y' = x^2 - 2x with y(0) = 1, solved by a network with exact
(autodiff) derivatives instead of finite differences.

The network y(x) is trained so that its derivative, computed by automatic
differentiation at the collocation points, satisfies the equation, with the initial value
as a second loss term. The exact solution is y = x^3/3 - x^2 + 1. The script also shows
what the autodiff derivative saves: the finite-difference derivative of the same network
carries a truncation (or, for tiny steps, rounding) error that autodiff does not have.

    python examples/physics/ode_course.py [--quick] [--out DIR] [--show]
"""

import argparse
import os
import time

import numpy as np

import ndflow as nd
from ndflow import keras, physics


def exact(x):
    return x ** 3 / 3 - x ** 2 + 1


def build_pinn(args):
    keras.utils.set_random_seed(args.seed)
    net = keras.Sequential([keras.Input((1,)),
                            keras.layers.Dense(args.width, activation="tanh"),
                            keras.layers.Dense(args.width, activation="tanh"),
                            keras.layers.Dense(1)])
    return physics.PINN(
        net,
        residual=lambda x, y, d: d(0) - (x ** 2 - 2 * x),
        conditions=[physics.InitialCondition([[0.0]], 1.0, name="y0")],
        collocation=physics.uniform_grid([(args.x_min, args.x_max)], args.points))


def derivative_errors(net, x):
    """Max error of dy/dx of the trained network: autodiff vs central differences."""
    points = nd.constant(x)
    autodiff = physics.gradient(net, points).numpy()[:, 0]
    out = {}
    for h in (1e-1, 1e-2, 1e-3):
        fd = (net(nd.constant(x + h)).numpy() - net(nd.constant(x - h)).numpy())[:, 0] / (2 * h)
        out[h] = float(np.max(np.abs(fd - autodiff)))
    return autodiff, out


def plot(args, x, y, dy, history):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(15, 4))
    axes[0].plot(x, exact(x), "k-", lw=2, label="x^3/3 - x^2 + 1")
    axes[0].plot(x, y, "r--", lw=2, label="network")
    axes[0].set(xlabel="x", ylabel="y", title="y' = x^2 - 2x, y(0) = 1")
    axes[0].legend()
    axes[1].plot(x, x ** 2 - 2 * x, "k-", lw=2, label="x^2 - 2x")
    axes[1].plot(x, dy, "r--", lw=2, label="dy/dx (autodiff)")
    axes[1].set(xlabel="x", ylabel="y'", title="the derivative")
    axes[1].legend()
    for name, values in history.history.items():
        axes[2].semilogy(values, label=name)
    axes[2].set(xlabel="epoch", title="loss terms")
    axes[2].legend()
    fig.tight_layout()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "ode_course.png")
    fig.savefig(path, dpi=100)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="y' = x^2 - 2x, y(0) = 1 with autodiff")
    parser.add_argument("--quick", action="store_true", help="a short run (seconds)")
    parser.add_argument("--out", default=".", help="folder for the PNG plots")
    parser.add_argument("--show", action="store_true", help="show the plots in a window")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--points", type=int, default=100)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--x-min", type=float, default=-1.0)
    parser.add_argument("--x-max", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs is None:
        args.epochs = 100 if args.quick else 3000
    return args


def main(argv=None):
    args = parse_args(argv)
    pinn = build_pinn(args)
    decay = keras.optimizers.schedules.ExponentialDecay(args.lr, max(1, args.epochs // 4), 0.5)
    pinn.compile(optimizer=keras.optimizers.Adam(decay))
    start = time.perf_counter()
    history = pinn.fit(epochs=args.epochs, verbose=0)
    seconds = time.perf_counter() - start
    x = np.linspace(args.x_min, args.x_max, 401, dtype=np.float32)[:, None]
    y = pinn.predict(x, verbose=0)[:, 0]
    dy, fd_errors = derivative_errors(pinn.network, x)
    xs = x[:, 0].astype(np.float64)
    max_error = float(np.max(np.abs(y - exact(xs))))
    derivative_error = float(np.max(np.abs(dy - (xs ** 2 - 2 * xs))))
    path = plot(args, xs, y, dy, history)
    print(f"trained {args.epochs} epochs in {seconds:.1f} s")
    print(f"max |y - (x^3/3 - x^2 + 1)| on [{args.x_min}, {args.x_max}]: {max_error:.2e}")
    print(f"max |dy/dx - (x^2 - 2x)| (autodiff): {derivative_error:.2e}")
    print("central differences of the same network vs its autodiff derivative: "
          + ", ".join(f"h={h:g}: {e:.1e}" for h, e in fd_errors.items()))
    print(f"plot: {path}")
    return {"max_error": max_error, "derivative_error": derivative_error,
            "finite_difference_errors": fd_errors, "plots": [path], "seconds": seconds}


if __name__ == "__main__":
    main()
