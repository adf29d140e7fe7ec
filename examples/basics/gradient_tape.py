"""Automatic differentiation with GradientTape, each result next to its analytic value.

A scalar (d x^2 / dx), a watched constant, the gradients of a loss with respect to the
weights of a small linear layer (persistent tape), a second derivative through nested
tapes, and the gradient and Jacobian of a vector-valued function. Also: when a gradient is
None.

    python examples/basics/gradient_tape.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

import ndflow as tf


def check(results, name, computed, analytic):
    """Print a gradient (a tensor) and its analytic value; keep both as lists."""
    computed = np.asarray(computed.numpy(), dtype=np.float64)
    analytic = np.asarray(analytic, dtype=np.float64)
    print(f"{name}: {np.round(computed, 6).tolist()}   analytic: "
          f"{np.round(analytic, 6).tolist()}")
    results[name] = computed.tolist()
    results[name + "_analytic"] = analytic.tolist()
    results["max_error"] = max(results.get("max_error", 0.0),
                               float(np.max(np.abs(computed - analytic))))


def scalar(results):
    print("\n== y = x^2 at x = 3 ==")
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x ** 2
    check(results, "dy_dx", tape.gradient(y, x), 2 * 3.0)


def watched_constant(results):
    print("\n== a constant is not watched unless asked: y = x sin(x) at x = 2 ==")
    x = tf.constant(2.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x * tf.sin(x)
    check(results, "watched_dy_dx", tape.gradient(y, x), np.sin(2.0) + 2.0 * np.cos(2.0))


def linear_layer(results):
    print("\n== loss = mean((x w + b)^2): gradients for w and b from one persistent tape ==")
    tf.random.set_seed(42)
    w = tf.Variable(tf.random.normal((3, 2)), name="w")
    b = tf.Variable(tf.zeros(2, dtype=tf.float32), name="b")
    x = [[1.0, 2.0, 3.0]]
    with tf.GradientTape(persistent=True) as tape:
        y = x @ w + b
        loss = tf.reduce_mean(y ** 2)
    dl_dw, dl_db = tape.gradient(loss, [w, b])
    # loss = (y_1^2 + y_2^2) / 2, so dl/dy = y, dl/dw = x^T y and dl/db = y.
    y_value = y.numpy()
    check(results, "dl_dw", dl_dw, np.array(x).T @ y_value)
    check(results, "dl_db", dl_db, y_value[0])
    check(results, "dl_dy", tape.gradient(loss, y), y_value)  # asked a second time
    del tape  # a persistent tape holds its records until it is deleted


def second_derivative(results):
    print("\n== y = x^3 at x = 1.5: the outer tape records the inner tape's gradient ==")
    x = tf.Variable(1.5)
    with tf.GradientTape() as outer:
        with tf.GradientTape() as inner:
            y = x ** 3
        dy_dx = inner.gradient(y, x)
    d2y_dx2 = outer.gradient(dy_dx, x)
    check(results, "x3_dy_dx", dy_dx, 3 * 1.5 ** 2)
    check(results, "x3_d2y_dx2", d2y_dx2, 6 * 1.5)


def vector_valued(results):
    print("\n== y(x) = (x0 x1, x1 + x2^2) at x = (1, 2, 3) ==")
    x = tf.Variable([1.0, 2.0, 3.0])
    with tf.GradientTape(persistent=True) as tape:
        y = tf.stack([x[0] * x[1], x[1] + x[2] ** 2])
    jacobian = np.array([[2.0, 1.0, 0.0],   # d y0 / d x
                         [0.0, 1.0, 6.0]])  # d y1 / d x
    print("tape.gradient of a vector differentiates the sum of its elements:")
    check(results, "gradient_of_sum", tape.gradient(y, x), jacobian.sum(axis=0))
    print("tape.jacobian keeps one row per output element:")
    check(results, "jacobian", tape.jacobian(y, x), jacobian)
    del tape


def missing_gradients():
    print("\n== when a gradient is None ==")
    x = tf.Variable(2.0)
    unused = tf.Variable(5.0)
    frozen = tf.Variable(1.0, trainable=False)
    with tf.GradientTape() as tape:
        y = x ** 2 + frozen
    grads = tape.gradient(y, [x, unused, frozen])
    print(f"d y/d x: {float(grads[0])}; d y/d unused: {grads[1]} (y does not depend on it); "
          f"d y/d frozen: {grads[2]} (trainable=False is not watched)")
    return grads


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="GradientTape against analytic derivatives")
    parser.add_argument("--quick", action="store_true", help="accepted; the run is short")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "gradient_tape"),
                        help="accepted for uniformity; nothing is saved")
    parser.add_argument("--show", action="store_true", help="accepted; nothing is plotted")
    parser.parse_args(argv)

    results = {}
    scalar(results)
    watched_constant(results)
    linear_layer(results)
    second_derivative(results)
    vector_valued(results)
    grads = missing_gradients()
    results["none_gradients"] = float(sum(g is None for g in grads))
    print(f"\nmax error against the analytic values: {results['max_error']:.2e}")
    results["plots"] = []
    return results


if __name__ == "__main__":
    main()
