"""tf.data input pipelines, losses on logits and tf.function, written for TensorFlow 2."""

import numpy as np
import tensorflow as tf

print("gpus", tf.config.list_physical_devices("GPU"))
tf.config.set_visible_devices([], "GPU")
print("cpus", len(tf.config.list_logical_devices("CPU")))
print("version", tf.__version__, tf.keras.__version__)
print("eager", tf.executing_eagerly())
tf.keras.utils.set_random_seed(3)

rng = np.random.default_rng(3)
x = np.concatenate([rng.normal(-1.0, 0.6, (100, 2)), rng.normal(1.0, 0.6, (100, 2))])
x = x.astype("float32")
y = np.repeat([0, 1], 100)

train = (tf.data.Dataset.from_tensor_slices((x, y))
         .shuffle(200, seed=0)
         .batch(16)
         .prefetch(tf.data.AUTOTUNE))
model = tf.keras.Sequential([
    tf.keras.Input(shape=(2,)),
    tf.keras.layers.Dense(8, activation="relu"),
    tf.keras.layers.Dense(2),
])
model.compile(optimizer=tf.keras.optimizers.Adam(0.05),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.fit(train, epochs=10, verbose=0)
_, accuracy = model.evaluate(x, y, verbose=0)
print(f"fit accuracy {accuracy:.3f}")

# a training step by hand, compiled in TensorFlow
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)


@tf.function
def train_step(xb, yb):
    with tf.GradientTape() as tape:
        loss = loss_fn(yb, model(xb, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


losses = [float(train_step(xb, yb)) for xb, yb in train]
print("steps", len(losses), "finite", bool(np.all(np.isfinite(losses))))


@tf.function(input_signature=[tf.TensorSpec(shape=[None, 2], dtype=tf.float32)])
def predict(xb):
    return tf.argmax(model(xb), axis=1)


print("predict", predict(tf.constant([[-2.0, -2.0], [2.0, 2.0]])).numpy().tolist())

bce = tf.keras.losses.BinaryCrossentropy(from_logits=True)
print("bce", float(bce(tf.constant([[1.0], [0.0]]), tf.constant([[2.0], [-1.0]]))))
scce = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
print("scce", float(scce(tf.constant([0, 1]), tf.constant([[2.0, 0.0], [0.5, 1.5]]))))

batches = tf.data.Dataset.range(10).map(lambda i: i * 2).batch(4)
print("batches", [b.numpy().tolist() for b in batches])
tf.print("tf.print", tf.constant([1, 2, 3]))
