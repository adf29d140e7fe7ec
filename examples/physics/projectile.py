"""Projectile motion with trainable physical constants: recover g and v0 from data.

Heights x(t) of a vertical throw are measured (with a little noise) on a world where
g = 9.7 m/s^2, thrown at v0 = 20 m/s. The model is the law itself,
x(t) = v0 t - g t^2 / 2, with g and v0 held in a ``PhysicalConstants`` layer (starting
from the wrong guesses g = 9.0, v0 = 15.0, constrained non-negative) and fitted with
``compile``/``fit`` like any Keras model; the constants end within a fraction of a
percent of the truth.

    python examples/physics/projectile.py [--quick] [--out DIR] [--show]
"""

import argparse
import os
import time

import numpy as np

from ndflow import keras, physics

TRUE_G, TRUE_V0 = 9.7, 20.0


class Projectile(keras.Model):
    """x(t) = v0 t - g t^2 / 2 with g and v0 trainable."""

    def __init__(self, g=9.0, v0=15.0, **kwargs):
        super().__init__(**kwargs)
        self.constants = physics.PhysicalConstants({"g": g, "v0": v0},
                                                   constraints="non_neg")

    def call(self, t):
        c = self.constants
        return c["v0"] * t - 0.5 * c["g"] * t ** 2


def measurements(args):
    rng = np.random.default_rng(args.seed)
    t = np.linspace(0.0, 4.0, args.samples, dtype=np.float32)[:, None]
    x = TRUE_V0 * t - 0.5 * TRUE_G * t ** 2
    return t, (x + rng.normal(0.0, args.noise, x.shape)).astype(np.float32)


def plot(args, t, x, model, trajectory):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    fine = np.linspace(0, 4, 200, dtype=np.float32)[:, None]
    ax1.plot(t, x, "k.", label="measured")
    ax1.plot(fine, model.predict(fine, verbose=0), "r-", label="fitted law")
    ax1.set(xlabel="t [s]", ylabel="x [m]", title="vertical throw")
    ax1.legend()
    g, v0 = np.array(trajectory).T
    ax2.plot(g / TRUE_G, label="g / 9.7")
    ax2.plot(v0 / TRUE_V0, label="v0 / 20")
    ax2.axhline(1.0, color="k", lw=0.8)
    ax2.set(xlabel="epoch", ylabel="fitted / true", title="constants during training")
    ax2.legend()
    fig.tight_layout()
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "projectile.png")
    fig.savefig(path, dpi=100)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Recover g and v0 of a projectile")
    parser.add_argument("--quick", action="store_true", help="a short run (seconds)")
    parser.add_argument("--out", default=".", help="folder for the PNG plots")
    parser.add_argument("--show", action="store_true", help="show the plots in a window")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--noise", type=float, default=0.1, help="measurement noise [m]")
    parser.add_argument("--lr", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.epochs is None:
        args.epochs = 50 if args.quick else 1500
    return args


def main(argv=None):
    args = parse_args(argv)
    t, x = measurements(args)
    model = Projectile()
    model.compile(optimizer=keras.optimizers.Adam(args.lr), loss="mse")
    trajectory = []
    record = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: trajectory.append(
        (model.constants.values()["g"], model.constants.values()["v0"])))
    start = time.perf_counter()
    history = model.fit(t, x, epochs=args.epochs, batch_size=len(t), verbose=0,
                        callbacks=[record])
    seconds = time.perf_counter() - start
    values = model.constants.values()
    g_error = abs(values["g"] / TRUE_G - 1)
    v0_error = abs(values["v0"] / TRUE_V0 - 1)
    path = plot(args, t, x, model, trajectory)
    # the least-squares optimum for these measurements: what training should reach
    design = np.concatenate([-0.5 * t ** 2, t], axis=1).astype(np.float64)
    best_g, best_v0 = np.linalg.lstsq(design, x[:, 0].astype(np.float64), rcond=None)[0]
    print(f"trained {args.epochs} epochs in {seconds:.1f} s, final mse "
          f"{history.history['loss'][-1]:.4f} (noise variance {args.noise ** 2:.4f})")
    print(f"g  = {values['g']:.4f} m/s^2  (true {TRUE_G}, off by {100 * g_error:.2f}%)")
    print(f"v0 = {values['v0']:.4f} m/s    (true {TRUE_V0}, off by {100 * v0_error:.2f}%)")
    print(f"least-squares optimum for this data: g = {best_g:.4f}, v0 = {best_v0:.4f}")
    print(f"plot: {path}")
    return {"g": values["g"], "v0": values["v0"], "g_error": g_error, "v0_error": v0_error,
            "plots": [path], "seconds": seconds}


if __name__ == "__main__":
    main()
