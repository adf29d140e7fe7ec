"""Two (or more) Gaussian blobs: the toy classification problem of the course."""

import numpy as np

from ndflow.keras.datasets._common import shuffle_split

__all__ = ["load_data", "make_gaussians"]


def make_gaussians(n_samples=200, centers=None, std=1.0, seed=None, *, means=None,
                   dtype="float32"):
    """``(x, y)``: ``n_samples`` points drawn from isotropic Gaussians, shuffled.

    ``centers`` (alias ``means``) is a (k, d) array of class means, default
    ``[[-1, -1], [1, 1]]`` (two classes in the plane); ``std`` is one standard deviation
    or one per class. ``x`` has shape (n_samples, d) and ``dtype``; ``y`` is int64 in
    ``[0, k)``, the class of each point, with the classes as equal in size as possible.
    """
    if centers is not None and means is not None:
        raise ValueError("make_gaussians: pass `centers` or `means`, not both")
    centers = np.asarray(
        [[-1.0, -1.0], [1.0, 1.0]] if centers is None and means is None
        else (centers if centers is not None else means), dtype=np.float64)
    if centers.ndim != 2 or not len(centers):
        raise ValueError(f"make_gaussians: centers must be a (k, d) array, got shape "
                         f"{centers.shape}")
    k = len(centers)
    std = np.broadcast_to(np.asarray(std, dtype=np.float64), (k,))
    if np.any(std < 0):
        raise ValueError(f"make_gaussians: std must be >= 0, got {std.tolist()}")
    rng = np.random.default_rng(seed)
    y = np.arange(int(n_samples)) % k
    rng.shuffle(y)
    x = centers[y] + rng.standard_normal((len(y), centers.shape[1])) * std[y, None]
    return x.astype(dtype), y.astype(np.int64)


def load_data(n_samples=200, centers=None, std=1.0, test_split=0.2, seed=113):
    """``make_gaussians`` split the Keras way: ``(x_train, y_train), (x_test, y_test)``."""
    x, y = make_gaussians(n_samples, centers, std, seed)
    return shuffle_split(x, y, test_split, seed, "gaussians")
