"""Custom GradientTape loops and physics losses, written for TensorFlow 2 and Keras 3."""

import numpy as np
import tensorflow as tf

from keras import ops

tf.config.set_visible_devices([], "GPU")
tf.random.set_seed(2)

# -- the basic operations of the lectures --------------------------------------------
a = tf.constant([[1.0, -2.0], [3.0, -4.0]])
b = tf.cast(tf.constant([[1, 2], [3, 4]]), tf.float32)
print("dtype", b.dtype.name)
print("reduce_sum", tf.reduce_sum(a).numpy(), tf.reduce_sum(a, axis=0).numpy().tolist())
print("reduce_mean", tf.reduce_mean(b).numpy())
print("abs", tf.abs(a).numpy().tolist())
print("multiply", tf.multiply(a, b).numpy().tolist(), tf.math.multiply(a, 2.0).numpy().tolist())
print("pow", tf.math.pow(b, 2).numpy().tolist())
print("relu", tf.nn.relu(a).numpy().tolist())

# -- derivatives with a tape -----------------------------------------------------------
x = tf.Variable(3.0)
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        y = x ** 3
    dy = inner.gradient(y, x)
d2y = outer.gradient(dy, x)
print("tape", float(dy), float(d2y))

# -- y' = 2x, y(0) = 1, learned from the equation only ----------------------------------
xs = tf.constant(np.linspace(0.0, 1.0, 21).reshape(-1, 1), dtype=tf.float32)
model = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(1,)),
    tf.keras.layers.Dense(16, activation="tanh"),
    tf.keras.layers.Dense(1),
])
optimizer = tf.keras.optimizers.Adam(learning_rate=0.02, amsgrad=False, name="Adam")


def solution(points):
    return 1.0 + points * model(points)  # y(0) = 1 by construction


def ode_loss():
    with tf.GradientTape() as inner:
        inner.watch(xs)
        y = solution(xs)
    dy_dx = inner.gradient(y, xs)
    return ops.mean(ops.square(dy_dx - tf.multiply(2.0, xs)))


first = float(ode_loss())
for _ in range(300):
    with tf.GradientTape() as tape:
        loss = ode_loss()
    grads = tape.gradient(loss, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
error = tf.reduce_max(tf.abs(solution(xs) - (1.0 + xs ** 2)))
print(f"ode_loss {first:.6f} {float(loss):.6f}")
print(f"ode_error {float(error):.4f}")

# -- a physics-guided loss: normalisation of |psi|^2 in a box of width 1 ----------------
psi_net = tf.keras.Sequential([
    tf.keras.layers.Input(shape=(1,)),
    tf.keras.layers.Dense(8, activation="tanh"),
    tf.keras.layers.Dense(1),
])
grid = tf.constant(np.linspace(0.0, 1.0, 51).reshape(-1, 1), dtype=tf.float32)
dx = 1.0 / 50


def physics_loss():
    psi = psi_net(grid) * grid * (1.0 - grid)  # zero at the walls
    norm = ops.sum(ops.square(psi)) * dx
    threshold = ops.relu(0.1 - ops.max(ops.abs(psi)))  # no collapse onto psi = 0
    return ops.square(norm - 1.0) + threshold


optimizer = tf.keras.optimizers.Adam(learning_rate=0.05)
for _ in range(200):
    with tf.GradientTape() as tape:
        loss = physics_loss()
    optimizer.apply_gradients(zip(tape.gradient(loss, psi_net.trainable_weights),
                                  psi_net.trainable_weights))
psi = psi_net(grid) * grid * (1.0 - grid)
print(f"norm {float(ops.sum(ops.square(psi)) * dx):.3f}")
print("optimizer", optimizer.name, optimizer.iterations.numpy())
