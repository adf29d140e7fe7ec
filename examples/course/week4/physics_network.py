"""Week 4: a physics network. Two sub-networks learn g and v0 of a vertical throw.

The law of motion is the network's last step: x(t) = v0 t - g t^2 / 2. Two small
sub-networks, one for g and one for v0, each read the throw's measurement times and give one
number; they start from rough guesses (g = 5, v0 = 10), as the course advises, and are
trained on heights measured with 0.2 m noise on a world where g = 9.7 m/s^2 and
v0 = 20 m/s (the course's values; 20 random times in [0, 5] s per throw). Next to them, the
same law with g and v0 as two bare trainable numbers (ndflow.physics.PhysicalConstants).

    python examples/course/week4/physics_network.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

from ndflow import keras, physics

TRUE_G, TRUE_V0 = 9.7, 20.0
T_MAX = 5.0  # seconds of flight sampled, as in the course


def throws(count, args, rng):
    """``count`` throws: times (count, points) in [0, T_MAX] and measured heights."""
    t = (rng.random((count, args.points)) * T_MAX).astype("float32")
    x = TRUE_V0 * t - 0.5 * TRUE_G * t ** 2 + rng.normal(0.0, args.noise, t.shape)
    return t, x.astype("float32")


def sub_network(guess, width):
    """Times of one throw -> one number, starting at ``guess`` (zero last-layer kernel)."""
    return keras.Sequential([
        keras.layers.Dense(width, activation="tanh"),
        keras.layers.Dense(1, kernel_initializer="zeros",
                           bias_initializer=keras.initializers.Constant(guess)),
    ])


class PhysicsNet(keras.Model):
    """x(t) = v0 t - g t^2 / 2 with g and v0 given by two sub-networks."""

    def __init__(self, width=16, **kwargs):
        super().__init__(**kwargs)
        self.g_net = sub_network(5.0, width)
        self.v0_net = sub_network(10.0, width)

    def constants(self, t):
        """(g, v0) for each throw: shape (throws, 1) each."""
        scaled = t / T_MAX  # inputs of order one for the tanh layers
        return self.g_net(scaled), self.v0_net(scaled)

    def call(self, t):
        g, v0 = self.constants(t)
        return v0 * t - 0.5 * g * t ** 2


class ConstantsNet(keras.Model):
    """The same law with g and v0 as two named trainable numbers."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.c = physics.PhysicalConstants({"g": 5.0, "v0": 10.0}, constraints="non_neg")

    def call(self, t):
        return self.c["v0"] * t - 0.5 * self.c["g"] * t ** 2


def fit(model, lr, t, x, args, probe):
    """compile / fit; ``probe(model) -> (g, v0)`` is recorded after every epoch."""
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="mse")
    trajectory = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: trajectory.append(probe(model)))
    history = model.fit(t, x, epochs=args.epochs, batch_size=32, validation_split=0.2,
                        verbose=0, callbacks=[record])
    return history, np.array(trajectory)


def plot(args, t, x, models, trajectories):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    ax1.plot(t[:3].ravel(), x[:3].ravel(), "k.", label="measured (3 throws)")
    fine = np.linspace(0.0, T_MAX, 10 * args.points, dtype="float32")
    # the sub-networks read throws of `points` times spread over the flight, like the
    # training data: every 10th time of the fine grid makes one such row
    rows = fine.reshape(args.points, 10).T
    ax1.plot(fine, TRUE_V0 * fine - 0.5 * TRUE_G * fine ** 2, "k-", lw=3, alpha=0.3,
             label="true law")
    for (name, model), style in zip(models.items(), ("C3-", "C0--")):
        ax1.plot(fine, model.predict(rows, verbose=0).T.ravel(), style, label=name)
    ax1.set(xlabel="t [s]", ylabel="x [m]", title="vertical throw")
    ax1.legend()
    for (name, trajectory), color in zip(trajectories.items(), ("C3", "C0")):
        epochs = np.arange(1, len(trajectory) + 1)
        ax2.plot(epochs, trajectory[:, 0] / TRUE_G, color=color, label=f"g / 9.7, {name}")
        ax2.plot(epochs, trajectory[:, 1] / TRUE_V0, color=color, ls=":",
                 label=f"v0 / 20, {name}")
    ax2.axhline(1.0, color="k", lw=0.8)
    ax2.set(xlabel="epoch", ylabel="learned / true", title="g and v0 during training")
    ax2.legend()
    fig.tight_layout()
    path = os.path.join(args.out, "physics_network.png")
    fig.savefig(path, dpi=100)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Two sub-networks learn g and v0")
    parser.add_argument("--quick", action="store_true", help="a short run (fewer throws)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "physics_network"),
                        help="folder for the PNG plot")
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    parser.add_argument("--throws", type=int, default=None, help="measured throws")
    parser.add_argument("--points", type=int, default=20, help="measurements per throw")
    parser.add_argument("--noise", type=float, default=0.2, help="height noise [m]")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.throws is None:
        args.throws = 300 if args.quick else 2000
    if args.epochs is None:
        args.epochs = 30 if args.quick else 50
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    t, x = throws(args.throws, args, rng)
    t_test, x_test = throws(200, args, rng)

    def network_values(model):
        g, v0 = model.constants(t_test)
        return float(np.mean(g.numpy())), float(np.mean(v0.numpy()))

    def constant_values(model):
        values = model.c.values()
        return values["g"], values["v0"]

    models = {"sub-networks": PhysicsNet(), "constants": ConstantsNet()}
    probes = {"sub-networks": network_values, "constants": constant_values}
    rates = {"sub-networks": 0.01, "constants": 0.1}  # two numbers take larger steps
    result, trajectories = {}, {}
    for name, model in models.items():
        history, trajectories[name] = fit(model, rates[name], t, x, args, probes[name])
        g, v0 = probes[name](model)
        test_mse = model.evaluate(t_test, x_test, verbose=0)
        print(f"g ({name}): {g:.4f}  (true {TRUE_G}, off by {100 * abs(g / TRUE_G - 1):.2f}%)")
        print(f"v0 ({name}): {v0:.4f}  (true {TRUE_V0}, off by "
              f"{100 * abs(v0 / TRUE_V0 - 1):.2f}%)")
        print(f"test mse ({name}): {test_mse:.4f}  (noise variance {args.noise ** 2:.4f})")
        result.update({f"g ({name})": g, f"v0 ({name})": v0,
                       f"g error ({name})": abs(g / TRUE_G - 1),
                       f"v0 error ({name})": abs(v0 / TRUE_V0 - 1),
                       f"test mse ({name})": float(test_mse)})
    # a constant needs no input: the sub-networks should give the same g for every throw
    g_each, v0_each = (v.numpy().ravel() for v in models["sub-networks"].constants(t_test))
    spread = {"g spread (sub-networks)": float(np.std(g_each)),
              "v0 spread (sub-networks)": float(np.std(v0_each))}
    for key, value in spread.items():
        print(f"{key}: {value:.4f}")

    path = plot(args, t, x, models, trajectories)
    print(f"plot: {path}")
    return {**result, **spread, "plots": [path]}


if __name__ == "__main__":
    main()
