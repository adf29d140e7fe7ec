"""The 1-D heat equation on a space-time domain, solved by a physics-informed network.

    u_t = alpha u_xx,   x in [0, 1], t in [0, 1]
    u(x, 0) = sin(pi x),   u(0, t) = u(1, t) = 0

The network u(x, t) sees the equation at Latin-hypercube collocation points and the
initial and boundary values on the domain's edges, nothing else; the exact solution
u = exp(-alpha pi^2 t) sin(pi x) measures the result.

    python examples/physics/heat.py [--quick] [--out DIR] [--show]
"""

import argparse
import os
import time

import numpy as np

from ndflow import keras, physics


def exact(x, t, alpha):
    return np.exp(-alpha * np.pi ** 2 * t) * np.sin(np.pi * x)


def build_pinn(args):
    keras.utils.set_random_seed(args.seed)
    net = keras.Sequential([keras.Input((2,))]
                           + [keras.layers.Dense(args.width, activation="tanh")
                              for _ in range(3)] + [keras.layers.Dense(1)])
    alpha = args.alpha
    edge = args.edge_points
    initial = physics.uniform_grid([(0.0, 1.0), (0.0, 0.0)], (edge, 1))
    left = physics.uniform_grid([(0.0, 0.0), (0.0, 1.0)], (1, edge))
    right = physics.uniform_grid([(1.0, 1.0), (0.0, 1.0)], (1, edge))
    return physics.PINN(
        net,
        residual=lambda xt, u, d: d("t") - alpha * d("x", "x"),
        conditions=[
            physics.InitialCondition(initial, lambda p: np.sin(np.pi * p[:, 0]), name="ic"),
            physics.DirichletBC(np.concatenate([left, right]), 0.0, name="bc"),
        ],
        collocation=physics.latin_hypercube([(0.0, 1.0), (0.0, 1.0)], args.points,
                                            seed=args.seed),
        coordinates=("x", "t"))


def plot(args, grid_x, grid_t, u, reference, history):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 4, figsize=(17, 3.8))
    extent = (0, 1, 0, 1)
    for ax, values, title in ((axes[0], u, "PINN u(x, t)"), (axes[1], reference, "exact"),
                              (axes[2], u - reference, "PINN - exact")):
        image = ax.imshow(values.T, origin="lower", extent=extent, aspect="auto", cmap="RdBu_r")
        ax.set(xlabel="x", ylabel="t", title=title)
        fig.colorbar(image, ax=ax)
    for name, values in history.history.items():
        axes[3].semilogy(values, label=name)
    axes[3].set(xlabel="epoch", title="loss terms")
    axes[3].legend()
    fig.tight_layout()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "heat.png")
    fig.savefig(path, dpi=90)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="1-D heat equation by a PINN")
    parser.add_argument("--quick", action="store_true", help="a short run (seconds)")
    parser.add_argument("--out", default=".", help="folder for the PNG plots")
    parser.add_argument("--show", action="store_true", help="show the plots in a window")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--points", type=int, default=None)
    parser.add_argument("--edge-points", type=int, default=None)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-3)
    parser.add_argument("--alpha", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs is None:
        args.epochs = 60 if args.quick else 4000
    if args.points is None:
        args.points = 200 if args.quick else 1000
    if args.edge_points is None:
        args.edge_points = 20 if args.quick else 50
    return args


def main(argv=None):
    args = parse_args(argv)
    pinn = build_pinn(args)
    decay = keras.optimizers.schedules.ExponentialDecay(args.lr, max(1, args.epochs // 4), 0.5)
    pinn.compile(optimizer=keras.optimizers.Adam(decay))
    start = time.perf_counter()
    history = pinn.fit(epochs=args.epochs, verbose=0)
    seconds = time.perf_counter() - start
    xs, ts = np.linspace(0, 1, 51), np.linspace(0, 1, 51)
    grid = physics.uniform_grid([(0.0, 1.0), (0.0, 1.0)], 51)
    u = pinn.predict(grid, batch_size=len(grid), verbose=0)[:, 0].reshape(51, 51)
    reference = exact(*np.meshgrid(xs, ts, indexing="ij"), args.alpha)
    error = float(np.linalg.norm(u - reference) / np.linalg.norm(reference))
    path = plot(args, xs, ts, u, reference, history)
    last = {k: v[-1] for k, v in history.history.items()}
    print(f"trained {args.epochs} epochs in {seconds:.1f} s "
          f"({1e3 * seconds / args.epochs:.2f} ms/epoch)")
    print("final loss terms: " + "  ".join(f"{k} {v:.3e}" for k, v in last.items()))
    print(f"relative L2 error vs exact on a 51x51 grid: {error:.2e}")
    print(f"plot: {path}")
    return {"relative_l2_error": error, "plots": [path], "seconds": seconds}


if __name__ == "__main__":
    main()
