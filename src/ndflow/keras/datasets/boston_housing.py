"""Boston housing prices, from the original housing.data text table."""

from ndflow.datasets import catalog
from ndflow.keras.datasets._common import fetch_args, shuffle_split

__all__ = ["load_data"]


def load_data(path="boston_housing.npz", test_split=0.2, seed=113, *, cache_dir=None,
              data_dir=None, origin=None, download=True):
    """Boston housing as ``(x_train, y_train), (x_test, y_test)``: float64 (n, 13) features
    and float64 (n,) median values in k$, rows shuffled with ``seed``, the last
    ``test_split`` of them for test (404 / 102 rows with the defaults)."""
    del path
    table = catalog.housing(**fetch_args(cache_dir, data_dir, origin, download))
    return shuffle_split(table[:, :13], table[:, 13], test_split, seed, "boston_housing")
