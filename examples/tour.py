"""A short tour of ndflow: tensors, broadcasting and gradients with GradientTape.

Run it with ``make demo`` or ``python examples/demo.py``. The code reads like the
TensorFlow of ML courses because ndflow is imported under that name.
"""

import ndflow as tf


def section(title):
    print(f"\n== {title} ==")


section("Tensors and broadcasting")
a = tf.constant([[1, 2, 3], [4, 5, 6]])
b = tf.constant([10, 20, 30])
print(a)
print(b)
print("a * b stretches b over each row:")
print(a * b)  # [[10, 40, 90], [40, 100, 180]]

section("The gradient of x**2 at x = 3")
x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = x**2
print(x)
print("dy/dx =", tape.gradient(y, x).numpy())  # 2 * x = 6.0

section("A persistent tape: gradients for w and b")
tf.random.set_seed(42)
w = tf.Variable(tf.random.normal((3, 2)), name="w")
b = tf.Variable(tf.zeros(2, dtype=tf.float32), name="b")
x = [[1.0, 2.0, 3.0]]
with tf.GradientTape(persistent=True) as tape:
    y = x @ w + b
    loss = tf.reduce_mean(y**2)
[dl_dw, dl_db] = tape.gradient(loss, [w, b])
print("loss =", loss.numpy())
print("dl/dw =\n", dl_dw.numpy())
print("dl/db =", dl_db.numpy())
# A persistent tape answers more than one gradient call. Here dl/dy = 2 * y / 2 = y.
print("dl/dy =", tape.gradient(loss, y).numpy(), " y =", y.numpy())
del tape  # frees what the persistent tape holds

section("A second derivative through nested tapes")
x = tf.Variable(2.0)
with tf.GradientTape() as outer:
    with tf.GradientTape() as inner:
        y = x**3
    dy_dx = inner.gradient(y, x)  # 3 * x**2, itself recorded by the outer tape
d2y_dx2 = outer.gradient(dy_dx, x)  # 6 * x
print("y = x**3 at x = 2:  dy/dx =", dy_dx.numpy(), " d2y/dx2 =", d2y_dx2.numpy())
