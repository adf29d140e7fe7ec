"""Reservoir computing: an echo state network predicts the chaotic Mackey-Glass series.

The reservoir is a fixed, random recurrent layer (a Keras cell with non-trainable weights
run by keras.layers.RNN): a leaky tanh network whose recurrent matrix is scaled to a
spectral radius below 1, so that it forgets its start and echoes the recent input. Only
the linear readout from the reservoir's states to the next value is trained, by ridge
regression in closed form, and loaded into a Dense layer. Then the network runs on its
own: each prediction is fed back as the next input (free run).

    python examples/course/week3/echo_state_network.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

import ndflow as tf
from ndflow import keras


def mackey_glass(n, tau=17.0, beta=0.2, gamma=0.1, power=10, dt=0.1, every=10, seed=0):
    """n samples, one per time unit, of dx/dt = beta x(t - tau) / (1 + x(t - tau)^power)
    - gamma x(t), integrated with Runge-Kutta 4 (step dt, delayed values interpolated)."""
    rng = np.random.default_rng(seed)
    delay = int(round(tau / dt))
    transient = 1000  # steps dropped while the start-up history is forgotten
    total = delay + transient + n * every
    x = np.empty(total)
    x[:delay + 1] = 1.2 + 0.01 * rng.standard_normal(delay + 1)

    def rate(x_now, x_then):
        return beta * x_then / (1 + x_then ** power) - gamma * x_now

    for i in range(delay, total - 1):
        then, then_next = x[i - delay], x[i - delay + 1]
        then_mid = 0.5 * (then + then_next)
        k1 = rate(x[i], then)
        k2 = rate(x[i] + dt / 2 * k1, then_mid)
        k3 = rate(x[i] + dt / 2 * k2, then_mid)
        k4 = rate(x[i] + dt * k3, then_next)
        x[i + 1] = x[i] + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return x[delay + transient::every][:n]


class ReservoirCell(keras.layers.Layer):
    """One step of a leaky reservoir, h <- (1 - leak) h + leak tanh(x W_in + h W + b),
    with fixed random weights: W is sparse and scaled to the given spectral radius."""

    def __init__(self, units, spectral_radius=0.9, leak=0.3, input_scale=0.5, density=0.1,
                 seed=0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.spectral_radius, self.leak = units, spectral_radius, leak
        self.input_scale, self.density, self.seed = input_scale, density, seed

    @property
    def state_size(self):
        return self.units

    def build(self, input_shape):
        rng = np.random.default_rng(self.seed)
        scale = self.input_scale

        def input_weights(shape, dtype=None):
            return rng.uniform(-scale, scale, shape).astype(dtype)

        def recurrent_weights(shape, dtype=None):
            w = rng.uniform(-1, 1, shape) * (rng.random(shape) < self.density)
            radius = np.max(np.abs(np.linalg.eigvals(w)))
            return (w * self.spectral_radius / radius).astype(dtype)

        def bias(shape, dtype=None):
            return rng.uniform(-0.2, 0.2, shape).astype(dtype)

        self.input_kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                            initializer=input_weights, trainable=False,
                                            name="input_kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                initializer=recurrent_weights,
                                                trainable=False, name="recurrent_kernel")
        self.bias = self.add_weight(shape=(self.units,), initializer=bias, trainable=False,
                                    name="bias")

    def call(self, inputs, states):
        h = states[0]
        drive = tf.matmul(inputs, self.input_kernel) + tf.matmul(h, self.recurrent_kernel)
        h = (1 - self.leak) * h + self.leak * tf.tanh(drive + self.bias)
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "spectral_radius": self.spectral_radius, "leak": self.leak,
                "input_scale": self.input_scale, "density": self.density, "seed": self.seed}


def ridge_readout(states, targets, ridge):
    """The least-squares readout with an L2 penalty, solved in closed form:
    [W; b] = (A^T A + ridge I)^-1 A^T y with A = [states, 1]."""
    a = np.hstack([states, np.ones((len(states), 1))])
    solution = np.linalg.solve(a.T @ a + ridge * np.eye(a.shape[1]), a.T @ targets)
    return solution[:-1], solution[-1]


def nrmse(prediction, truth):
    """Root-mean-square error divided by the standard deviation of the truth."""
    return float(np.sqrt(np.mean((prediction - truth) ** 2)) / np.std(truth))


def free_run(cell, readout, state, first_input, steps):
    """The network alone: each predicted value is the next input."""
    value, outputs = first_input, []
    for _ in range(steps):
        state, _ = cell(value, [state])
        value = readout(state)
        outputs.append(float(value[0, 0]))
    return np.array(outputs)


def plot(args, truth, one_step, free, train_end):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(12, 7))
    t = np.arange(len(truth))
    shown = slice(max(0, train_end - 300), len(truth))
    ax1.plot(t[shown], truth[shown], "k-", lw=2, alpha=0.5, label="Mackey-Glass (truth)")
    ax1.plot(t[train_end:], one_step[train_end:], "r--", lw=1, label="one step ahead")
    ax1.axvline(train_end, color="gray", ls=":", label="end of training")
    ax1.set(xlabel="time", ylabel="x (standardised)", title="teacher forcing: the true "
            "value is the input at every step")
    ax1.legend(loc="upper left")
    steps = np.arange(train_end, train_end + len(free))
    ax2.plot(steps, truth[train_end:train_end + len(free)], "k-", lw=2, alpha=0.5,
             label="truth")
    ax2.plot(steps, free, "b--", lw=1, label="free run (own predictions fed back)")
    ax2.set(xlabel="time", ylabel="x (standardised)", title="free run after training")
    ax2.legend(loc="upper left")
    fig.tight_layout()
    path = os.path.join(args.out, "echo_state_network.png")
    fig.savefig(path, dpi=90)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="An echo state network on Mackey-Glass")
    parser.add_argument("--quick", action="store_true", help="a short run (seconds)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "echo_state_network"))
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    parser.add_argument("--units", type=int, default=None, help="reservoir size")
    parser.add_argument("--spectral-radius", type=float, default=0.9)
    parser.add_argument("--leak", type=float, default=0.3)
    parser.add_argument("--ridge", type=float, default=1e-6)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.units is None:
        args.units = 200 if args.quick else 500
    args.washout, args.train = 200, (1200 if args.quick else 4000)
    args.test = 300 if args.quick else 1000
    return args


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(args.seed)
    series = mackey_glass(args.washout + args.train + args.test + 1, seed=args.seed)
    series = (series - series.mean()) / series.std()
    inputs, targets = series[:-1], series[1:]  # predict the next value

    cell = ReservoirCell(args.units, spectral_radius=args.spectral_radius, leak=args.leak,
                         seed=args.seed)
    reservoir = keras.layers.RNN(cell, return_sequences=True)
    states = reservoir(inputs[None, :, None].astype("float32")).numpy()[0]

    # the first steps still remember the reservoir's zero start: washed out, not fitted
    train = slice(args.washout, args.washout + args.train)
    kernel, bias = ridge_readout(states[train], targets[train, None], args.ridge)
    readout = keras.layers.Dense(1)
    readout.build((None, args.units))
    readout.set_weights([kernel.astype("float32"), bias.astype("float32")])
    esn = keras.Sequential([keras.Input(shape=(None, 1)), reservoir, readout])

    one_step = esn.predict(inputs[None, :, None].astype("float32"), verbose=0)[0, :, 0]
    train_end = args.washout + args.train
    train_nrmse = nrmse(one_step[train], targets[train])
    test_nrmse = nrmse(one_step[train_end:], targets[train_end:])
    free = free_run(cell, readout, tf.constant(states[train_end - 1:train_end]),
                    tf.constant(one_step[train_end - 1:train_end, None]), args.test)
    free_nrmse = nrmse(free, targets[train_end:train_end + len(free)])

    print(f"reservoir: {args.units} units, spectral radius {args.spectral_radius}, leak "
          f"{args.leak}; trainable weights: {esn.count_params() - cell.count_params()} "
          "(readout only)")
    print(f"train NRMSE: {train_nrmse:.2e}")
    print(f"test NRMSE: {test_nrmse:.2e}")
    print(f"free-run NRMSE: {free_nrmse:.2e}")
    path = plot(args, targets, one_step, free, train_end)
    print(f"plot: {path}")
    return {"train NRMSE": train_nrmse, "test NRMSE": test_nrmse, "free-run NRMSE": free_nrmse,
            "plots": [path]}


if __name__ == "__main__":
    main()
