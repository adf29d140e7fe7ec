"""Reinforcement learning: the REINFORCE policy gradient balancing a pole on a cart.

A network maps the cart's state (position, velocity, pole angle, angular velocity) to the
probabilities of pushing left or right. Nobody tells it the right push: it plays episodes,
and the actions of episodes that lasted long are made more likely (gradient of
mean(log pi(action | state) * return-to-go), computed with a GradientTape).
The cart-pole is simulated in NumPy with the classic equations (Barto, Sutton and Anderson
1983; the same as gymnasium's CartPole-v1: reward 1 per step, at most 500 steps);
--gym uses gymnasium's CartPole-v1 instead when gymnasium is installed.

    python examples/course/week2/policy_gradient.py [--quick] [--out DIR] [--show] [--gym]
"""

import argparse
import os

import numpy as np

import ndflow as tf
from ndflow import keras

MAX_STEPS = 500


class CartPoles:
    """A batch of independent cart-poles stepped together (explicit Euler, dt = 0.02 s)."""

    gravity, cart_mass, pole_mass, half_length, force, dt = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    x_limit, angle_limit = 2.4, 12 * 2 * np.pi / 360

    def __init__(self, count, rng):
        self.count, self.rng = count, rng

    def reset(self):
        self.state = self.rng.uniform(-0.05, 0.05, size=(self.count, 4))
        return self.state.copy()

    def step(self, actions):
        """Push each cart left (0) or right (1); returns the new states and which fell."""
        x, v, theta, omega = self.state.T
        force = np.where(actions == 1, self.force, -self.force)
        total_mass = self.cart_mass + self.pole_mass
        cos, sin = np.cos(theta), np.sin(theta)
        temp = (force + self.pole_mass * self.half_length * omega ** 2 * sin) / total_mass
        alpha = (self.gravity * sin - cos * temp) / (
            self.half_length * (4 / 3 - self.pole_mass * cos ** 2 / total_mass))
        a = temp - self.pole_mass * self.half_length * alpha * cos / total_mass
        self.state = np.stack([x + self.dt * v, v + self.dt * a,
                               theta + self.dt * omega, omega + self.dt * alpha], axis=1)
        fallen = (np.abs(self.state[:, 0]) > self.x_limit) | (
            np.abs(self.state[:, 2]) > self.angle_limit)
        return self.state.copy(), fallen


class GymCartPoles:
    """The same interface on gymnasium's CartPole-v1 environments."""

    def __init__(self, count, rng):
        import gymnasium

        self.envs = [gymnasium.make("CartPole-v1") for _ in range(count)]
        self.seeds = rng.integers(2 ** 31, size=count)

    def reset(self):
        seeds, self.seeds = self.seeds, self.seeds + len(self.envs)
        self.states = np.stack([env.reset(seed=int(s))[0] for env, s in zip(self.envs, seeds)])
        self.fallen = np.zeros(len(self.envs), bool)
        return self.states.copy()

    def step(self, actions):
        for i, env in enumerate(self.envs):
            if not self.fallen[i]:  # gymnasium wants no steps after the end
                self.states[i], _, self.fallen[i], _, _ = env.step(int(actions[i]))
        return self.states.copy(), self.fallen.copy()


def make_environment(args, rng):
    if args.gym:
        try:
            return GymCartPoles(args.batch, rng), "gymnasium CartPole-v1"
        except ImportError:
            print("gymnasium is not installed; using the NumPy cart-pole instead")
    return CartPoles(args.batch, rng), "NumPy cart-pole"


def play(policy, env, rng):
    """One episode on every cart of the batch, until each falls or reaches MAX_STEPS.
    Returns the (state, action, return-to-go) rows of all carts and each cart's return."""
    states, actions, alive = [], [], []
    state = env.reset()
    running = np.ones(len(state), bool)
    for _ in range(MAX_STEPS):
        p_right = tf.nn.softmax(policy(state.astype("float32"))).numpy()[:, 1]
        action = (rng.random(len(state)) < p_right).astype("int32")
        states.append(state)
        actions.append(action)
        alive.append(running.copy())
        state, fallen = env.step(action)
        running &= ~fallen
        if not running.any():
            break
    alive = np.array(alive)  # (steps, carts): reward 1 for each step a cart was still up
    returns_to_go = np.cumsum(alive[::-1], axis=0)[::-1]
    rows = alive.ravel()
    return (np.array(states).reshape(-1, 4)[rows].astype("float32"),
            np.array(actions).ravel()[rows],
            returns_to_go.ravel()[rows].astype("float32"),
            alive.sum(axis=0))


def reinforce_step(policy, optimizer, states, actions, returns_to_go):
    """Ascend mean(log pi(a|s) * advantage); the advantage is the standardised return."""
    advantage = (returns_to_go - returns_to_go.mean()) / (returns_to_go.std() + 1e-6)
    with tf.GradientTape() as tape:
        logits = policy(states)
        minus_log_pi = tf.nn.sparse_softmax_cross_entropy_with_logits(
            labels=actions, logits=logits)
        loss = tf.reduce_mean(minus_log_pi * advantage)
    gradients = tape.gradient(loss, policy.trainable_weights)
    optimizer.apply_gradients(zip(gradients, policy.trainable_weights))


def plot(args, returns, environment):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    returns = np.asarray(returns)
    episode = np.arange(1, len(returns) + 1)
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.plot(episode, returns, ".", ms=3, alpha=0.4, label="return of an episode")
    per_update = returns.reshape(-1, args.batch).mean(axis=1)
    ax.plot(episode.reshape(-1, args.batch)[:, -1], per_update, "r-", lw=2,
            label=f"mean of each batch of {args.batch}")
    ax.axhline(MAX_STEPS, color="k", ls=":", label="maximum")
    ax.set(xlabel="episode", ylabel="return (steps balanced)",
           title=f"REINFORCE on the {environment}")
    ax.legend(loc="upper left")
    fig.tight_layout()
    path = os.path.join(args.out, "policy_gradient.png")
    fig.savefig(path, dpi=90)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="REINFORCE on the cart-pole")
    parser.add_argument("--quick", action="store_true", help="a short run (seconds)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "policy_gradient"))
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    parser.add_argument("--gym", action="store_true",
                        help="use gymnasium's CartPole-v1 (when gymnasium is installed)")
    parser.add_argument("--updates", type=int, default=None, help="policy updates")
    parser.add_argument("--batch", type=int, default=16, help="episodes per update")
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.updates is None:
        args.updates = 15 if args.quick else 60
    return args


def main(argv=None):
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    env, environment = make_environment(args, rng)
    policy = keras.Sequential([
        keras.Input(shape=(4,)),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(2),  # logits of pushing left / right
    ])
    optimizer = keras.optimizers.Adam(args.lr)
    returns = []
    for update in range(args.updates):
        states, actions, returns_to_go, episode_returns = play(policy, env, rng)
        reinforce_step(policy, optimizer, states, actions, returns_to_go)
        returns.extend(episode_returns.tolist())
        if (update + 1) % max(1, args.updates // 5) == 0:
            print(f"update {update + 1:4d}: mean return {episode_returns.mean():6.1f}")
    count = max(args.batch, len(returns) // 10)
    first, last = float(np.mean(returns[:count])), float(np.mean(returns[-count:]))
    print(f"episodes: {len(returns)}")
    print(f"average return of the first {count} episodes: {first:.1f}")
    print(f"average return of the last {count} episodes: {last:.1f}")
    path = plot(args, returns, environment)
    print(f"plot: {path}")
    return {"episodes": float(len(returns)), "first episodes average return": first,
            "last episodes average return": last, "plots": [path]}


if __name__ == "__main__":
    main()
