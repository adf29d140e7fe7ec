"""Tensors and broadcasting, as in the lecture: ranks and shapes, dtypes, NumPy round trips,
indexing, reshaping, elementwise and matrix maths, reductions, Variables, and the
broadcasting rules with examples that work and one that does not.

Everything is printed; ``import ndflow as tf`` makes the code read like TensorFlow.

    python examples/basics/tensors.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

import ndflow as tf


def section(title):
    print(f"\n== {title} ==")


def show(label, value):
    """One result: its label, then the tensor (or number) as ndflow prints it."""
    text = str(value)
    print(f"{label}:" + ("\n" + text if "\n" in text else " " + text))


def ranks_and_dtypes():
    section("Tensors of rank 0 to 3; dtypes follow the data")
    rank_0 = tf.constant(4)                       # a scalar: int32
    rank_1 = tf.constant([2.0, 3.0, 4.0])         # a vector: float32
    rank_2 = tf.constant([[1, 2], [3, 4], [5, 6]], dtype=tf.float16)
    rank_3 = tf.reshape(tf.range(30), [3, 2, 5])  # shape (batch, rows, columns)
    for name, t in [("rank_0", rank_0), ("rank_1", rank_1), ("rank_2", rank_2),
                    ("rank_3", rank_3)]:
        print(f"{name}: shape {t.shape}, ndim {t.ndim}, dtype {t.dtype.name}, "
              f"size {int(tf.size(t))}")
    show("tf.zeros([3, 2, 4, 5]).shape", tf.zeros([3, 2, 4, 5]).shape)
    show("from a NumPy float64 array (keeps float64)", tf.constant(np.ones(2)).dtype)
    show("tf.cast(rank_1, tf.int32)", tf.cast(rank_1, tf.int32))
    # TensorFlow refuses int32 + float32; ndflow promotes to float32 (docs/dtypes.md).
    # Casting explicitly, as here, reads the same in both.
    show("tf.cast(rank_0, tf.float32) + rank_1", tf.cast(rank_0, tf.float32) + rank_1)
    return rank_3


def numpy_and_indexing():
    section("To and from NumPy; indexing like NumPy")
    tensor = tf.constant([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    arr = tensor.numpy()
    show("tensor.numpy() is a NumPy array", type(arr).__name__)
    show("tf.constant(arr) is a tensor again", type(tf.constant(arr)).__name__)
    show("tensor[1, 1]", tensor[1, 1].numpy())
    show("tensor[-1, :] (last row)", tensor[-1, :].numpy())
    show("tensor[1:, :] (skip the first row)", tensor[1:, :].numpy())
    show("tensor[:, 1] (second column)", tensor[:, 1].numpy())
    return tensor


def reshaping(rank_3):
    section("Reshaping: the same numbers in a new shape")
    show("tf.reshape(rank_3, [-1])  (-1: whatever fits)", tf.reshape(rank_3, [-1]))
    show("tf.reshape(rank_3, [3 * 2, 5]).shape", tf.reshape(rank_3, [3 * 2, 5]).shape)
    show("tf.reshape(rank_3, [3, -1]).shape", tf.reshape(rank_3, [3, -1]).shape)
    show("tf.transpose(rank_3, perm=[0, 2, 1]).shape (swap the last two axes)",
         tf.transpose(rank_3, perm=[0, 2, 1]).shape)


def maths():
    section("Elementwise maths, matrix product, reductions")
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    b = tf.ones([2, 2])
    show("tf.add(a, b)", tf.add(a, b))
    show("tf.multiply(a, b) (elementwise)", tf.multiply(a, b))
    show("tf.matmul(a, b) (matrix product, also a @ b)", tf.matmul(a, b))
    show("tf.reduce_sum(a)", tf.reduce_sum(a).numpy())
    show("tf.reduce_sum(a, axis=0) (down the columns)", tf.reduce_sum(a, axis=0))
    show("tf.square(a)", tf.square(a))
    show("tf.divide(b, a)", tf.divide(b, a))
    show("tf.negative(a)", tf.negative(a))
    show("tf.abs([-1, 2, -3, 4])", tf.abs(tf.constant([-1, 2, -3, 4], dtype=tf.float32)))
    c = tf.constant([[4.0, 5.0], [10.0, 1.0]])
    show("tf.reduce_max(c)", tf.reduce_max(c).numpy())
    show("tf.math.argmax(c) (index of the largest in each column)", tf.math.argmax(c))
    show("tf.nn.softmax(c) (each row sums to 1)", tf.nn.softmax(c))
    return tf.matmul(a, b)


def broadcasting():
    section("Broadcasting: shapes are compared from the right")
    print("Two axes fit when they are equal or one of them is 1; a tensor with fewer axes\n"
          "is padded with 1s on the left. Axes of length 1 are repeated to fit.")
    a = tf.constant([[1, 2, 3], [4, 5, 6]])  # (2, 3)
    b = tf.constant([10, 20, 30])            # (3,) -> (1, 3) -> (2, 3)
    product = a * b
    show("(2, 3) * (3,): b is applied to each row", product)
    column = tf.reshape(tf.range(3), [3, 1])
    row = tf.reshape(tf.range(4), [1, 4])
    outer = column * 10 + row
    show("(3, 1) * 10 + (1, 4) -> (3, 4): a table from a column and a row", outer)
    show("a scalar fits any shape: a + 100", a + 100)
    show("tf.broadcast_to(b, [2, 3])", tf.broadcast_to(b, [2, 3]))
    try:
        a + tf.constant([1, 2])              # (2, 3) + (2,): 3 vs 2 on the right
    except tf.InvalidArgumentError as error:
        show("(2, 3) + (2,) does not fit", error)
    show("(2, 3) + (2, 1) does: one number per row", a + tf.constant([[1], [2]]))
    return product, outer


def variables():
    section("Variables: tensors that can change (the weights of a network)")
    a = tf.Variable([2.0, 3.0])
    show("a", a)
    a.assign([5.0, 6.0])
    show("a.assign([5, 6])", a.numpy())
    a.assign_add([2.0, 3.0])
    show("a.assign_add([2, 3])", a.numpy())
    a.assign_sub([1.0, 1.0])
    show("a.assign_sub([1, 1])", a.numpy())
    w = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    show("a Variable in maths gives a tensor: w * [[1, 2, 3]]", w * [[1.0, 2.0, 3.0]])
    return a


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="Tensors and broadcasting")
    parser.add_argument("--quick", action="store_true", help="accepted; the run is short")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "tensors"),
                        help="accepted for uniformity; nothing is saved")
    parser.add_argument("--show", action="store_true", help="accepted; nothing is plotted")
    parser.parse_args(argv)

    rank_3 = ranks_and_dtypes()
    numpy_and_indexing()
    reshaping(rank_3)
    matmul = maths()
    product, outer = broadcasting()
    a = variables()
    return {"rank_3_size": float(tf.size(rank_3)), "matmul": matmul.numpy().tolist(),
            "broadcast_product": product.numpy().tolist(), "outer": outer.numpy().tolist(),
            "variable": a.numpy().tolist(), "plots": []}


if __name__ == "__main__":
    main()
