"""A damped harmonic oscillator solved by a physics-informed network (PINN).

The network u(t) learns the motion from the equation and the initial conditions alone,
no data:

    u'' + 2 zeta omega u' + omega^2 u = 0,   u(0) = 1,   u'(0) = 0,   t in [0, T]

and is compared with the analytic underdamped solution
u(t) = exp(-zeta omega t) (cos(omega_d t) + zeta omega / omega_d sin(omega_d t)),
omega_d = omega sqrt(1 - zeta^2). The residual is divided by omega^2 so that its terms are
of order one, like the initial conditions'.

    python examples/physics/oscillator.py [--quick] [--out DIR] [--show]
"""

import argparse
import os
import time

import numpy as np

from ndflow import keras, physics


def analytic(t, zeta, omega):
    """The underdamped oscillator from rest at u = 1."""
    wd = omega * np.sqrt(1.0 - zeta ** 2)
    return np.exp(-zeta * omega * t) * (np.cos(wd * t) + zeta * omega / wd * np.sin(wd * t))


def build_pinn(args):
    keras.utils.set_random_seed(args.seed)
    net = keras.Sequential([keras.Input((1,))]
                           + [keras.layers.Dense(args.width, activation="tanh")
                              for _ in range(3)] + [keras.layers.Dense(1)])
    zeta, omega = args.zeta, args.omega

    def residual(t, u, d):
        return (d(0, 0) + 2 * zeta * omega * d(0)) / omega ** 2 + u

    return physics.PINN(
        net, residual=residual,
        conditions=[physics.InitialCondition([[0.0]], 1.0, name="u0"),
                    physics.InitialCondition([[0.0]], 0.0, order=1, name="du0")],
        collocation=physics.uniform_grid([(0.0, args.t_max)], args.points))


def train(pinn, args):
    decay = keras.optimizers.schedules.ExponentialDecay(args.lr, args.epochs // 4, 0.5)
    pinn.compile(optimizer=keras.optimizers.Adam(decay))
    start = time.perf_counter()
    history = pinn.fit(epochs=args.epochs, verbose=0, callbacks=[Report(args.epochs)])
    return history, time.perf_counter() - start


class Report(keras.callbacks.Callback):
    """A line every tenth of the run: epoch and loss terms."""

    def __init__(self, epochs):
        super().__init__()
        self.every = max(1, epochs // 10)

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            terms = "  ".join(f"{k} {v:.3e}" for k, v in logs.items())
            print(f"epoch {epoch + 1:6d}  {terms}", flush=True)


def plot(args, t, u, exact, history):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    ax1.plot(t, exact, "k-", lw=2, label="analytic")
    ax1.plot(t, u, "r--", lw=2, label="PINN")
    ax1.set(xlabel="t", ylabel="u(t)", title=f"damped oscillator, zeta={args.zeta}, "
            f"omega={args.omega}")
    ax1.legend()
    for name, values in history.history.items():
        ax2.semilogy(values, label=name)
    ax2.set(xlabel="epoch", ylabel="loss term", title="training")
    ax2.legend()
    fig.tight_layout()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "oscillator.png")
    fig.savefig(path, dpi=100)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Damped harmonic oscillator by a PINN")
    parser.add_argument("--quick", action="store_true", help="a short run (seconds)")
    parser.add_argument("--out", default=".", help="folder for the PNG plots")
    parser.add_argument("--show", action="store_true", help="show the plots in a window")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--points", type=int, default=None)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--zeta", type=float, default=0.1)
    parser.add_argument("--omega", type=float, default=4.0)
    parser.add_argument("--t-max", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs is None:
        args.epochs = 150 if args.quick else 6000
    if args.points is None:
        args.points = 64 if args.quick else 200
    return args


def main(argv=None):
    args = parse_args(argv)
    pinn = build_pinn(args)
    history, seconds = train(pinn, args)
    t = np.linspace(0.0, args.t_max, 500)[:, None]
    u = pinn.predict(t, verbose=0)[:, 0]
    exact = analytic(t[:, 0], args.zeta, args.omega)
    error = float(np.linalg.norm(u - exact) / np.linalg.norm(exact))
    path = plot(args, t[:, 0], u, exact, history)
    print(f"trained {args.epochs} epochs in {seconds:.1f} s "
          f"({1e3 * seconds / args.epochs:.2f} ms/epoch)")
    print(f"relative L2 error vs analytic: {error:.2e}")
    print(f"plot: {path}")
    return {"relative_l2_error": error, "plots": [path], "seconds": seconds}


if __name__ == "__main__":
    main()
