"""One physics-informed training step in ndflow, TensorFlow and PyTorch.

The step: a 3x64 tanh network (1 input, three Dense(64, tanh) layers, 1 output) on 1,000
collocation points in [0, 2 pi]; the residual u'' + u = 0 needs the second derivative of
the network with respect to its input (ndflow: ``physics.Derivatives``, nested tapes;
TensorFlow: nested ``tf.GradientTape`` inside a ``tf.function``, as a TensorFlow user would
compile it; PyTorch: ``torch.autograd.grad(..., create_graph=True)`` twice); then the mean
squared residual is differentiated with respect to the weights and Adam updates them.
``ndflow-pinn`` runs the same step through ``physics.PINN.train_step`` (what ``fit`` runs
per batch). All start from the same weights and run in float32 (the first loss goes into
``info`` as a check). The figure is seconds per step, the median of the timed steps after
one warm-up step.

    python benchmarks/pinn_step.py [--repeats 3] [--quick]
"""

import sys
import time

import numpy as np

from _common import LR, import_tensorflow, params, torch_adam, unknown

FRAMEWORKS = ("ndflow", "ndflow-pinn", "tensorflow", "torch")
WIDTH, DEPTH = 64, 3
SIZES = {"quick": {"points": 32, "steps": 3}, "full": {"points": 1000, "steps": 50}}


def initial_weights(seed=0):
    """Glorot-uniform kernels and zero biases, as Keras's Dense: [(kernel, bias), ...]."""
    rng = np.random.default_rng(seed)
    sizes = [1] + [WIDTH] * DEPTH + [1]
    out = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        out.append((rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32),
                    np.zeros(fan_out, np.float32)))
    return out


def keras_network(keras, weights):
    """The tanh network in the Keras API given, with ``weights`` loaded."""
    model = keras.Sequential([keras.Input((1,))]
                             + [keras.layers.Dense(WIDTH, activation="tanh")
                                for _ in range(DEPTH)] + [keras.layers.Dense(1)])
    model.set_weights([a for pair in weights for a in pair])
    return model


def ndflow_step(x, weights):
    """The step written out: derivatives, residual loss, gradients, Adam."""
    import ndflow as nd
    from ndflow import keras, physics

    model = keras_network(keras, weights)
    optimizer = keras.optimizers.Adam(LR)
    points = nd.constant(x)
    variables = model.trainable_weights

    def step():
        with nd.GradientTape() as tape:
            d = physics.Derivatives(model, points)
            loss = nd.reduce_mean((d(0, 0) + d.u) ** 2)
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return float(loss)

    return step


def ndflow_pinn_step(x, weights):
    """The same step through ``PINN.train_step``."""
    import ndflow as nd
    from ndflow import keras, physics

    pinn = physics.PINN(keras_network(keras, weights), residual=lambda t, u, d: d(0, 0) + u)
    pinn.compile(optimizer=keras.optimizers.Adam(LR))
    batch = (nd.constant(x),)

    def step():
        logs = pinn.train_step(batch)
        loss = logs.get("loss") if isinstance(logs, dict) else None
        return None if loss is None else float(np.asarray(loss))

    return step


def tensorflow_step(x, weights):
    tf = import_tensorflow()
    model = keras_network(tf.keras, weights)
    optimizer = tf.keras.optimizers.Adam(LR)
    optimizer.build(model.trainable_variables)
    points = tf.constant(x)

    @tf.function
    def step_graph():
        with tf.GradientTape() as tape:
            with tf.GradientTape() as outer:
                outer.watch(points)
                with tf.GradientTape() as inner:
                    inner.watch(points)
                    u = model(points)
                du = inner.gradient(u, points)
            d2u = outer.gradient(du, points)
            loss = tf.reduce_mean((d2u + u) ** 2)
        variables = model.trainable_variables
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    return lambda: float(step_graph())


def torch_step(x, weights):
    import torch

    layers = []
    for i, (kernel, bias) in enumerate(weights):
        linear = torch.nn.Linear(*kernel.shape)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(kernel.T.copy()))
            linear.bias.copy_(torch.from_numpy(bias))
        layers.append(linear)
        if i < DEPTH:
            layers.append(torch.nn.Tanh())
    net = torch.nn.Sequential(*layers)
    optimizer = torch_adam(torch, net.parameters())
    points = torch.from_numpy(x).requires_grad_(True)

    def step():
        optimizer.zero_grad()
        u = net(points)
        du, = torch.autograd.grad(u.sum(), points, create_graph=True)
        d2u, = torch.autograd.grad(du.sum(), points, create_graph=True)
        loss = ((d2u + u) ** 2).mean()
        loss.backward()
        optimizer.step()
        return float(loss.detach())

    return step


STEPS = {"ndflow": ndflow_step, "ndflow-pinn": ndflow_pinn_step,
         "tensorflow": tensorflow_step, "torch": torch_step}


def run(framework, size="full", info=None):
    """Median seconds per PINN training step (the first loss into ``info``)."""
    if framework not in STEPS:
        raise unknown(framework, FRAMEWORKS, "pinn")
    p = params(SIZES, size)
    x = np.linspace(0.0, 2 * np.pi, p["points"], dtype=np.float32)[:, None]
    step = STEPS[framework](x, initial_weights())
    first = step()  # the warm-up step, from the shared initial weights
    times = []
    for _ in range(p["steps"]):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    if info is not None and first is not None:
        info["first_loss"] = float(f"{first:.6g}")
    return float(np.median(times))


def main(argv=None):
    import peers

    return peers.main(["--workloads", "pinn", "--no-save", *(argv or sys.argv[1:])])


if __name__ == "__main__":
    main()
