"""Loading the course's datasets with tensorflow-datasets and keras.datasets."""

import tensorflow as tf
import tensorflow_datasets as tfds
from tensorflow.keras import datasets

tfds.disable_progress_bar()
dataset, info = tfds.load("imdb_reviews", with_info=True, as_supervised=True)
train, test = dataset["train"], dataset["test"]
print("imdb_splits", sorted(dataset), info.splits["train"].num_examples)
print("imdb_classes", info.features["label"].names)
text, label = next(iter(test))
print("imdb_first", repr(str(text.numpy())), int(label))
batch = next(iter(train.shuffle(100).batch(64).prefetch(tf.data.AUTOTUNE)))
print("imdb_batch", tuple(batch[0].shape), tuple(batch[1].shape))

(train_images, train_labels), (test_images, test_labels) = datasets.cifar10.load_data()
print("cifar10", train_images.shape, train_labels.shape, test_images.shape, train_images.dtype)
train_images, test_images = train_images / 255.0, test_images / 255.0
print("cifar10_range", float(train_images.min()) >= 0.0, float(train_images.max()) <= 1.0)

(x_train, y_train), _ = tf.keras.datasets.mnist.load_data()
print("mnist", x_train.shape, y_train.shape)
mnist = tfds.load("mnist", split="train", as_supervised=True)
print("mnist_tfds", [tuple(image.shape) for image, _ in tfds.as_numpy(mnist.take(1))])
