"""Keras's leniency about one trailing dimension of size 1 in model inputs."""

from ndflow.ops.array import expand_dims, squeeze


def match_rank(value, expected_rank):
    """Drop or add a trailing size-1 dimension so ``value`` has ``expected_rank`` dimensions.

    Data of shape (N, 200, 1) fed to ``Input(shape=(200,))`` is squeezed; data of shape
    (N,) fed to ``Input(shape=(1,))`` gets its feature dimension, as Keras does.
    """
    rank = value.ndim
    if rank == expected_rank + 1 and value.shape[-1] == 1:
        return squeeze(value, -1)
    if rank == expected_rank - 1:
        return expand_dims(value, -1)
    return value
