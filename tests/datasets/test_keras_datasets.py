"""ndflow.keras.datasets against tiny files in the real formats."""

import numpy as np
import pytest

from ndflow.keras import datasets as kd
from ndflow.keras.datasets import imdb


def test_mnist_and_fashion_mnist_shapes_dtypes_values(mirror):
    for module, name in ((kd.mnist, "mnist"), (kd.fashion_mnist, "fashion_mnist")):
        (x, y), (xt, yt) = module.load_data()
        assert (x.shape, y.shape, xt.shape, yt.shape) == ((5, 28, 28), (5,), (3, 28, 28), (3,))
        assert x.dtype == y.dtype == np.uint8
        for got, want in zip((x, y, xt, yt), (*mirror.arrays[name]["train"],
                                              *mirror.arrays[name]["test"])):
            np.testing.assert_array_equal(got, want)


def test_cifar10_channels_last_and_labels(mirror):
    (x, y), (xt, yt) = kd.cifar10.load_data()
    want_x, want_y = mirror.arrays["cifar10"]["train"]
    assert x.shape == (10, 32, 32, 3) and y.shape == (10, 1)
    assert x.dtype == y.dtype == np.uint8
    np.testing.assert_array_equal(x, want_x)
    np.testing.assert_array_equal(y[:, 0], want_y)
    np.testing.assert_array_equal(xt, mirror.arrays["cifar10"]["test"][0])


@pytest.mark.parametrize(("mode", "column"), [("fine", 1), ("coarse", 0)])
def test_cifar100_label_modes(mirror, mode, column):
    (x, y), (xt, yt) = kd.cifar100.load_data(label_mode=mode)
    want_x, labels = mirror.arrays["cifar100"]["train"]
    assert x.shape == (4, 32, 32, 3) and y.shape == (4, 1) and yt.shape == (3, 1)
    np.testing.assert_array_equal(x, want_x)
    np.testing.assert_array_equal(y[:, 0], labels[:, column])


def test_cifar100_bad_label_mode():
    with pytest.raises(ValueError, match="label_mode"):
        kd.cifar100.load_data(label_mode="medium")


def test_boston_housing_split_keeps_rows_together(mirror):
    (x, y), (xt, yt) = kd.boston_housing.load_data(test_split=0.2, seed=113)
    table = mirror.arrays["boston_housing"]
    assert (x.shape, y.shape, xt.shape, yt.shape) == ((8, 13), (8,), (2, 13), (2,))
    assert x.dtype == np.float64
    order = np.arange(10)
    np.random.RandomState(113).shuffle(order)
    np.testing.assert_allclose(np.column_stack([np.vstack([x, xt]), np.concatenate([y, yt])]),
                               table[order])


def test_imdb_word_index_and_sequences(mirror):
    index = imdb.get_word_index()
    # 'great' appears 6 times, 'bad' 3, 'the' 3, 'movie' 3, 'boring' 2 in labelled reviews
    assert index["great"] == 1
    assert [w for w, _ in sorted(index.items(), key=lambda kv: kv[1])][1:4] == \
        ["bad", "movie", "the"]
    assert "unlabelled" not in index and "don't" in index
    (x, y), (xt, yt) = imdb.load_data(seed=113)
    assert x.dtype == object and x.shape == (4,) and xt.shape == (2,)
    assert y.dtype == np.int64 and sorted(y.tolist()) == [0, 0, 1, 1]
    inverse = {v + 3: k for k, v in index.items()}
    decoded = sorted(" ".join(inverse[w] for w in seq[1:]) for seq in xt)
    assert decoded == ["bad movie don't watch", "great great great"]
    assert all(seq[0] == 1 for seq in x)


def test_imdb_options(mirror):
    (x, _), (xt, _) = imdb.load_data(num_words=4, start_char=None, oov_char=2, index_from=0)
    assert max(w for seq in np.concatenate([x, xt]) for w in seq) <= 3
    (x, _), (xt, _) = imdb.load_data(num_words=5, skip_top=1, oov_char=None)
    assert all(1 <= w < 5 for seq in x for w in seq)
    (x, _), (xt, _) = imdb.load_data(maxlen=6)
    assert all(len(seq) < 6 for seq in np.concatenate([x, xt]))
    with pytest.raises(ValueError, match="maxlen=1"):
        imdb.load_data(maxlen=1)


@pytest.mark.parametrize(("module", "rows", "features"), [
    (kd.iris, 150, 4), (kd.digits, 1797, 64), (kd.wine, 178, 13), (kd.breast_cancer, 569, 30)])
def test_sklearn_bundled(module, rows, features):
    pytest.importorskip("sklearn")
    (x, y), (xt, yt) = module.load_data(test_split=0.2, seed=113)
    assert x.shape == (int(rows * 0.8), features) and len(xt) == rows - int(rows * 0.8)
    assert len(y) == len(x) and len(yt) == len(xt)


def test_sklearn_missing(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(ImportError, match="scikit-learn"):
        kd.wine.load_data()


def test_make_gaussians():
    x, y = kd.make_gaussians(n_samples=1001, centers=[[-3.0, 0.0], [3.0, 0.0]], std=0.5,
                             seed=0)
    assert x.shape == (1001, 2) and x.dtype == np.float32 and y.dtype == np.int64
    assert abs(int(np.sum(y == 0)) - int(np.sum(y == 1))) <= 1
    np.testing.assert_allclose(x[y == 0].mean(0), [-3, 0], atol=0.1)
    np.testing.assert_allclose(x[y == 1].std(0), [0.5, 0.5], atol=0.05)
    again, _ = kd.make_gaussians(n_samples=1001, means=[[-3.0, 0.0], [3.0, 0.0]], std=0.5,
                                 seed=0)
    np.testing.assert_array_equal(x, again)
    (xtr, _), (xte, _) = kd.gaussians.load_data(n_samples=100)
    assert xtr.shape == (80, 2) and xte.shape == (20, 2)
    with pytest.raises(ValueError, match="not both"):
        kd.make_gaussians(centers=[[0, 0]], means=[[0, 0]])
