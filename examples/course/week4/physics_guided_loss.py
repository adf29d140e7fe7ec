"""Week 4: a physics-guided loss. The ground state of an infinite square well from 8 noisy
samples, with and without physical cost terms.

A network psi(x) on the well [0, L] (L = 2, the course's width) is fitted to 8 noisy
measurements of the ground state psi_1(x) = sqrt(2/L) sin(pi x / L) twice: on the data alone
(mean squared error), and with two physics terms added. Each term is a ReLU threshold, as in
the lecture's relu(|dU - F| - tau):
    normalisation  relu(|integral |psi|^2 dx - 1| - tau_N)   (quantum mechanics is unitary)
    energy         relu(|E[psi] - E_1| - tau_E),  E[psi] = integral psi'^2 / 2 dx / integral
                   psi^2 dx  (hbar = m = 1),  E_1 = pi^2 / (2 L^2)
The integrals use the trapezoid rule on a grid (the course's solution takes L times the
mean of |psi|^2 over its random sample points; tau_N = 0.01 as there). Any admixture of
excited states raises E[psi] above E_1, so the energy term keeps the shape of psi_1. Both
fits are compared with the analytic psi_1: their normalisation and L2 error.

    python examples/course/week4/physics_guided_loss.py [--quick] [--out DIR] [--show]
"""

import argparse
import os
import time

import numpy as np

import ndflow as tf
from ndflow import keras, physics

L = 2.0  # width of the well
E_1 = np.pi ** 2 / (2 * L ** 2)  # ground-state energy, hbar = m = 1


def analytic_psi(x):
    """The normalised ground state of the infinite square well [0, L]."""
    return np.sqrt(2 / L) * np.sin(np.pi * x / L)


class WellFunction(keras.Model):
    """psi(x) = x (L - x) N(x): the walls are built in, psi(0) = psi(L) = 0."""

    def __init__(self, width=32, **kwargs):
        super().__init__(**kwargs)
        self.net = keras.Sequential([
            keras.Input(shape=(1,)),
            keras.layers.Dense(width, activation="tanh"),
            keras.layers.Dense(width, activation="tanh"),
            keras.layers.Dense(1),
        ])

    def call(self, x):
        return x * (L - x) * self.net(x)


def trapezoid(values, dx):
    """The integral of samples on a uniform grid with spacing dx (trapezoid rule)."""
    return dx * (tf.reduce_sum(values) - 0.5 * (values[0, 0] + values[-1, 0]))


def norm_and_energy(model, grid, dx):
    """integral |psi|^2 dx and E[psi] = integral psi'^2 / 2 dx / integral |psi|^2 dx."""
    d = physics.Derivatives(model, grid)  # psi on the grid and, when asked, dpsi/dx
    psi, dpsi = d.u, d(0)
    norm = trapezoid(psi * psi, dx)
    energy = trapezoid(0.5 * dpsi * dpsi, dx) / norm
    return norm, energy


def physics_penalties(norm, energy, args):
    """The two ReLU threshold terms (ndflow.physics.threshold_penalty(r, tau) is the same
    relu(|r| - tau) from the library)."""
    normalisation = tf.nn.relu(tf.abs(norm - 1.0) - args.tau_norm)
    energy_term = tf.nn.relu(tf.abs(energy - E_1) - args.tau_energy)
    return normalisation, energy_term


def train(x, y, args, with_physics):
    """A custom GradientTape loop on all samples at once; returns the model and its
    normalisation and energy every tenth step."""
    keras.utils.set_random_seed(args.seed)  # both runs start from the same weights
    model = WellFunction(args.width)
    # a decaying step: the ReLU terms' gradients do not shrink near their threshold
    decay = keras.optimizers.schedules.ExponentialDecay(args.lr, args.steps // 4, 0.5)
    optimizer = keras.optimizers.Adam(decay)
    grid = tf.constant(np.linspace(0.0, L, args.grid, dtype="float32")[:, None])
    dx = L / (args.grid - 1)
    x, y = tf.constant(x), tf.constant(y)
    variables = model.trainable_weights

    @tf.function  # traced once into a graph: the same step, several times faster
    def train_step(weight):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x) - y))
            if with_physics:
                normalisation, energy_term = physics_penalties(
                    *norm_and_energy(model, grid, dx), args)
                loss = loss + weight * (normalisation + energy_term)
        gradients = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(gradients, variables))

    trace = []
    for step in range(args.steps):
        # the physics terms grow over the first quarter: the data pick the sign of psi
        # first (psi and -psi are equally normalised, with the same energy)
        ramp = min(1.0, step / (0.25 * args.steps))
        train_step(tf.constant(args.weight * ramp))  # a tensor: no new trace per value
        if step % 10 == 0 or step == args.steps - 1:
            norm, energy = norm_and_energy(model, grid, dx)
            trace.append((step, float(norm), float(energy)))
    return model, np.array(trace)


def errors(model):
    """The normalisation of psi and its L2 distance to the analytic psi_1."""
    x = np.linspace(0.0, L, 401, dtype="float32")[:, None]
    psi = model(x).numpy()
    dx = L / 400
    l2 = float(np.sqrt(trapezoid((psi - analytic_psi(x)) ** 2, dx)))
    return float(trapezoid(psi ** 2, dx)), l2


def plot(args, x, y, models, traces):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2, ax3) = plt.subplots(1, 3, figsize=(15, 4.5))
    fine = np.linspace(0.0, L, 201, dtype="float32")[:, None]
    ax1.plot(fine, analytic_psi(fine), "k-", lw=2, label=r"analytic $\psi_1$")
    ax1.plot(x, y, "ko", label="noisy samples")
    for (name, model), style in zip(models.items(), ("C0--", "C3-")):
        ax1.plot(fine, model(fine).numpy(), style, label=name)
    ax1.set(xlabel="x", ylabel=r"$\psi(x)$", title="ground state of the infinite well")
    ax1.legend()
    for (name, trace), color in zip(traces.items(), ("C0", "C3")):
        ax2.plot(trace[:, 0], trace[:, 1], color=color, label=name)
        ax3.plot(trace[:, 0], trace[:, 2] / E_1, color=color, label=name)
    ax2.axhline(1.0, color="k", lw=0.8)
    ax2.set(xlabel="training step", ylabel=r"$\int |\psi|^2 dx$", title="normalisation")
    ax3.axhline(1.0, color="k", lw=0.8)
    ax3.set(xlabel="training step", ylabel=r"$E[\psi] / E_1$", title="energy")
    for ax in (ax2, ax3):
        ax.legend()
    fig.tight_layout()
    path = os.path.join(args.out, "physics_guided_loss.png")
    fig.savefig(path, dpi=100)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="A physics-guided loss for a wave function")
    parser.add_argument("--quick", action="store_true", help="a short run (fewer steps)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "physics_guided_loss"),
                        help="folder for the PNG plot")
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    parser.add_argument("--steps", type=int, default=None, help="training steps per model")
    parser.add_argument("--samples", type=int, default=8, help="noisy measurements of psi")
    parser.add_argument("--noise", type=float, default=0.1, help="measurement noise")
    parser.add_argument("--grid", type=int, default=101, help="grid points of the integrals")
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--weight", type=float, default=1.0, help="lambda_phy of both terms")
    parser.add_argument("--tau-norm", type=float, default=0.01)
    parser.add_argument("--tau-energy", type=float, default=0.002)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.steps is None:
        args.steps = 600 if args.quick else 4000
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    x = np.sort(rng.uniform(0.0, L, args.samples)).astype("float32")[:, None]
    y = (analytic_psi(x) + rng.normal(0.0, args.noise, x.shape)).astype("float32")

    models, traces, result = {}, {}, {}
    for name, with_physics in (("data only", False), ("with physics", True)):
        start = time.perf_counter()
        models[name], traces[name] = train(x, y, args, with_physics)
        seconds = time.perf_counter() - start
        norm, l2 = errors(models[name])
        energy = traces[name][-1, 2] / E_1
        print(f"{name}: {args.steps} steps in {seconds:.1f} s")
        print(f"normalisation ({name}): {norm:.4f}")
        print(f"energy / E_1 ({name}): {energy:.4f}")
        print(f"L2 error ({name}): {l2:.4f}")
        result.update({f"normalisation ({name})": norm, f"energy / E_1 ({name})": energy,
                       f"L2 error ({name})": l2})

    path = plot(args, x, y, models, traces)
    print(f"plot: {path}")
    return {**result, "plots": [path]}


if __name__ == "__main__":
    main()
