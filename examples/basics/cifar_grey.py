"""Exercise 1 of the lecture: CIFAR-10 images in colour and in grey.

Loads CIFAR-10 with keras.datasets, shows the first 25 training images with their classes,
converts them to grey with grey = 0.2989 r + 0.5870 g + 0.1140 b (one broadcast product
and a sum over the colour axis, in ndflow), normalises the grey values to [0, 1] and shows
the same 25 images in grey.

Offline, CIFAR-10 cannot be downloaded: the example then says so and does the same with
the two colour photos that scikit-learn bundles (load_sample_images), or, without those,
skips the figures.

    python examples/basics/cifar_grey.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

import ndflow as tf
from ndflow import keras
from ndflow.datasets import DownloadError

CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
           "truck"]


def load_images():
    """(uint8 images of shape (n, height, width, 3), their titles, the source's name)."""
    try:
        (x_train, y_train), _ = keras.datasets.cifar10.load_data()
        return x_train[:25], [CLASSES[int(i)] for i in y_train[:25, 0]], "CIFAR-10"
    except (DownloadError, ImportError) as error:
        reason = str(error).split(". ")[0]
        reason = reason[:1].lower() + reason[1:]
    try:
        from sklearn.datasets import load_sample_images

        photos = load_sample_images()
    except ImportError as error:  # scikit-learn, or Pillow to read the photos, is missing
        print(f"CIFAR-10 is not available offline here ({reason}), nor are scikit-learn's "
              f"sample photos ({error}); no images to show, skipping the figures")
        return None, None, None
    print(f"CIFAR-10 is not available offline here ({reason}); using the two colour photos "
          "of scikit-learn's load_sample_images instead")
    titles = [os.path.basename(name) for name in photos.filenames]
    return np.stack(photos.images), titles, "scikit-learn sample photos"


def to_grey(images):
    """grey = 0.2989 r + 0.5870 g + 0.1140 b, scaled from 0..255 to [0, 1]."""
    rgb = tf.cast(images, tf.float32)               # (n, height, width, 3)
    weights = tf.constant([0.2989, 0.5870, 0.1140])  # (3,): broadcast over the last axis
    return tf.reduce_sum(rgb * weights, axis=-1) / 255.0


def plot_grid(images, titles, name, args, grey=False):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(images)
    cols = min(n, 5)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(2.2 * cols * (1.5 if n < 5 else 1),
                                                  2.4 * rows), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, image, title in zip(axes.flat, images, titles):
        if grey:
            ax.imshow(image, cmap="gray", vmin=0.0, vmax=1.0)
        else:
            ax.imshow(image)
        ax.set_title(title, fontsize=9)
    fig.tight_layout()
    path = os.path.join(args.out, name)
    fig.savefig(path, dpi=100)
    if not args.show:
        plt.close(fig)
    return path


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="CIFAR-10 in colour and in grey")
    parser.add_argument("--quick", action="store_true", help="accepted; the run is short")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "cifar_grey"),
                        help="folder for the PNG plots")
    parser.add_argument("--show", action="store_true", help="show the plots in windows")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)

    images, titles, source = load_images()
    if images is None:
        return {"images": 0.0, "plots": []}
    grey = to_grey(images).numpy()
    paths = [plot_grid(images, titles, "cifar_colour.png", args),
             plot_grid(grey, titles, "cifar_grey.png", args, grey=True)]
    if args.show:
        import matplotlib.pyplot as plt

        plt.show()
    print(f"images: {len(images)} from {source}")
    print(f"colour shape: {images.shape}, grey shape: {grey.shape}")
    print(f"grey minimum: {grey.min():.4f}")
    print(f"grey maximum: {grey.max():.4f}")
    print(f"grey mean: {grey.mean():.4f}")
    for path in paths:
        print(f"plot: {path}")
    return {"images": float(len(images)), "grey_minimum": float(grey.min()),
            "grey_maximum": float(grey.max()), "grey_mean": float(grey.mean()),
            "plots": paths}


if __name__ == "__main__":
    main()
