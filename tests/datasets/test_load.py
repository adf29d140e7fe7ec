"""ndflow.datasets.load: Dataset elements, splits and info."""

import dataclasses

import numpy as np
import pytest

import ndflow.datasets as nds
from ndflow.data import Dataset
from ndflow.datasets.registry import REGISTRY


def test_mnist_splits_elements_and_info(mirror):
    splits, info = nds.load("mnist", with_info=True)
    assert set(splits) == {"train", "test"} and isinstance(splits["train"], Dataset)
    first = next(iter(splits["train"].as_numpy_iterator()))
    assert set(first) == {"image", "label"}
    assert first["image"].shape == (28, 28, 1) and first["image"].dtype == np.uint8
    assert first["label"].dtype == np.int64
    np.testing.assert_array_equal(first["image"][..., 0], mirror.arrays["mnist"]["train"][0][0])
    assert info.name == "mnist"
    assert info.splits["train"].num_examples == 5 and info.splits["test"].num_examples == 3
    assert info.features["label"].num_classes == 10
    assert info.features["label"].names[3] == "3"
    assert info.features["image"].shape == (28, 28, 1)


def test_supervised_slices_and_batches(mirror):
    ds = nds.load("fashion_mnist", split="train[:40%]", as_supervised=True)
    rows = list(ds.as_numpy_iterator())
    assert len(rows) == 2 and isinstance(rows[0], tuple)
    np.testing.assert_array_equal(rows[1][1], mirror.arrays["fashion_mnist"]["train"][1][1])
    assert len(nds.load("mnist", split="train[2:]")) == 3
    assert len(nds.load("mnist", split="train[-1:]+test")) == 4
    train, test = nds.load("mnist", split=["train", "test"])
    assert (len(train), len(test)) == (5, 3)
    batches = list(nds.load("mnist", split="train", batch_size=2).as_numpy_iterator())
    assert [b["image"].shape[0] for b in batches] == [2, 2, 1]
    whole = nds.load("mnist", split="test", batch_size=-1, as_supervised=True)
    assert tuple(whole[0].shape) == (3, 28, 28, 1)


def test_cifar10(mirror):
    ds, info = nds.load("cifar10", split="test", with_info=True)
    rows = list(ds.as_numpy_iterator())
    np.testing.assert_array_equal(rows[0]["image"], mirror.arrays["cifar10"]["test"][0][0])
    assert rows[0]["label"] == mirror.arrays["cifar10"]["test"][1][0]
    assert info.features["label"].int2str(0) == "airplane"
    assert info.features["label"].str2int("truck") == 9


def test_imdb_reviews_text(mirror):
    splits, info = nds.load("imdb_reviews", with_info=True)
    assert set(splits) == {"train", "test", "unsupervised"}
    rows = list(splits["test"].as_numpy_iterator())
    assert [r["label"] for r in rows] == [0, 1]
    assert str(rows[0]["text"]) == "Bad movie, don't watch."
    assert info.splits["train"].num_examples == 4
    assert info.features["label"].names == ("neg", "pos")
    unsup = list(splits["unsupervised"].as_numpy_iterator())
    assert unsup[0]["label"] == -1
    text, label = next(iter(nds.load("imdb_reviews", split="train", as_supervised=True)))
    assert text.dtype.name == "string" and int(label) == 0


def test_bad_names_and_splits(mirror):
    with pytest.raises(ValueError, match="unknown dataset 'mnistt'"):
        nds.load("mnistt")
    with pytest.raises(ValueError, match="unknown split 'validation'"):
        nds.load("mnist", split="validation")


def test_horses_or_humans_from_png_zips(mirror, monkeypatch):
    image_module = pytest.importorskip("PIL.Image")
    import io
    import zipfile

    rng = np.random.default_rng(1)
    pictures = {}
    for zip_name in ("horse-or-human.zip", "validation-horse-or-human.zip"):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name in ("horses/horse01-0.png", "humans/human01-00.png"):
                pixels = rng.integers(0, 256, (6, 5, 4), dtype=np.uint8)  # RGBA
                png = io.BytesIO()
                image_module.fromarray(pixels, "RGBA").save(png, format="PNG")
                archive.writestr(name, png.getvalue())
                pictures[(zip_name, name)] = pixels[..., :3]
        target = mirror.path_of("horses_or_humans", zip_name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(buffer.getvalue())
    monkeypatch.setitem(REGISTRY, "horses_or_humans", tuple(
        dataclasses.replace(f, sha256=mirror.sha("horses_or_humans", f.name))
        for f in REGISTRY["horses_or_humans"]))
    splits, info = nds.load("horses_or_humans", with_info=True)
    rows = list(splits["test"].as_numpy_iterator())
    assert [r["label"] for r in rows] == [0, 1]
    np.testing.assert_array_equal(
        rows[1]["image"], pictures[("validation-horse-or-human.zip", "humans/human01-00.png")])
    assert info.features["label"].names == ("horses", "humans")
