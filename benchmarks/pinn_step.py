"""One physics-informed training step, timed in ndflow and in PyTorch in the same run.

The step: a 3x64 tanh network (1 input, three Dense(64, tanh) layers, 1 output) on 1,000
collocation points in [0, 2 pi]; the residual u'' + u = 0 needs the second derivative of
the network with respect to its input (ndflow: ``physics.Derivatives``, nested tapes;
PyTorch: ``torch.autograd.grad(..., create_graph=True)`` twice); then the mean squared
residual is differentiated with respect to the weights and Adam updates them. Both start
from the same weights (the first losses are printed as a check) and run in float32.
Times are per step, the median of ``--steps`` steps after a warm-up step, each framework
in its own block, ndflow first (steps taken in turns would share the C allocator's warm
heap, which flatters ndflow). Prints, never asserts.

    python benchmarks/pinn_step.py [--steps 50] [--points 1000] [--threads N] [--tuned-malloc]

``--threads N`` limits both NumPy's BLAS (through threadpoolctl, when installed) and
PyTorch to N threads: on a busy machine single-threaded timings vary far less.

``--tuned-malloc`` (glibc only) raises malloc's mmap and trim thresholds before anything
runs, so freed 256 KB activation buffers are reused instead of returned to the system and
faulted in again at the next step; it shows how much of the time is the allocator.
"""

import argparse
import ctypes
import importlib.util
import sys
import time

import numpy as np

WIDTH, DEPTH, LR = 64, 3, 1e-3


def tune_malloc():
    """Keep freed memory in the process (glibc's M_MMAP_THRESHOLD and M_TRIM_THRESHOLD)."""
    libc = ctypes.CDLL("libc.so.6")
    m_trim_threshold, m_mmap_threshold = -1, -3
    ok = libc.mallopt(m_mmap_threshold, 64 << 20) and libc.mallopt(m_trim_threshold, 256 << 20)
    print(f"malloc thresholds raised: {bool(ok)}")


def limit_threads(n):
    """At most ``n`` BLAS threads for NumPy and ``n`` threads for PyTorch."""
    if importlib.util.find_spec("threadpoolctl") is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(n)
    else:
        print("threadpoolctl is not installed: NumPy's BLAS threads are not limited")
    if importlib.util.find_spec("torch") is not None:
        import torch

        torch.set_num_threads(n)


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


def median_ms(step, repeats):
    """Median milliseconds per call of ``step`` (called once before, as a warm-up)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))


def _sequential(weights):
    from ndflow import keras

    model = keras.Sequential([keras.Input((1,))]
                             + [keras.layers.Dense(WIDTH, activation="tanh")
                                for _ in range(DEPTH)] + [keras.layers.Dense(1)])
    model.set_weights([a for pair in weights for a in pair])
    return model


def ndflow_step(x, weights):
    """The step written out: derivatives, residual loss, gradients, Adam."""
    import ndflow as nd
    from ndflow import keras, physics

    model = _sequential(weights)
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
    """The same step through ``PINN.train_step`` (what ``fit`` runs per batch)."""
    import ndflow as nd
    from ndflow import keras, physics

    pinn = physics.PINN(_sequential(weights), residual=lambda t, u, d: d(0, 0) + u)
    pinn.compile(optimizer=keras.optimizers.Adam(LR))
    batch = (nd.constant(x),)
    return lambda: pinn.train_step(batch)


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
    optimizer = torch.optim.Adam(net.parameters(), lr=LR, eps=1e-7)
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--tuned-malloc", action="store_true")
    args = parser.parse_args(argv)
    if args.tuned_malloc:
        tune_malloc()
    if args.threads:
        limit_threads(args.threads)
    x = np.linspace(0.0, 2 * np.pi, args.points, dtype=np.float32)[:, None]
    weights = initial_weights()
    print(f"PINN step: u'' + u = 0, {DEPTH}x{WIDTH} tanh network, {args.points} points, "
          f"Adam, float32; median of {args.steps} steps")
    runners = {"ndflow": ndflow_step, "ndflow PINN": ndflow_pinn_step}
    has_torch = importlib.util.find_spec("torch") is not None
    if has_torch:
        runners["torch"] = torch_step
    times = {}
    for name, make in runners.items():
        step = make(x, weights)
        first = step()  # the warm-up step, from the shared initial weights
        times[name] = median_ms(step, args.steps)
        note = f"   (first loss {first:.6g})" if isinstance(first, float) else ""
        print(f"{name:>14}: {times[name]:8.2f} ms{note}", flush=True)
    if not has_torch:
        print("torch: not installed, skipped (pip install 'ndflow[bench]')")
    print(f"\npython {sys.version.split()[0]}, numpy {np.__version__}")
    if has_torch:
        import torch

        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
        print(f"  ndflow/torch = {times['ndflow'] / times['torch']:.2f}x   (aim: <= 1.5x; "
              f"below 1x ndflow is faster)")
        print(f"  ndflow PINN/torch = {times['ndflow PINN'] / times['torch']:.2f}x")


if __name__ == "__main__":
    main()
