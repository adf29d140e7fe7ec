"""Downloads from the local mirror: caching, checksums, corrupted files, offline errors."""

import dataclasses
import re
import sys

import numpy as np
import pytest

from ndflow.datasets import download
from ndflow.datasets.registry import REGISTRY, REUTERS, RemoteFile
from ndflow.keras.datasets import mnist


def test_mirror_replaces_the_host_and_keeps_the_path(monkeypatch):
    file = RemoteFile("a.gz", "https://example.org/data/set/a.gz", None)
    monkeypatch.delenv("NDFLOW_DATASETS_MIRROR", raising=False)
    assert download.source_url(file) == file.url
    assert download.source_url(file, "http://m.test/base/") == "http://m.test/base/data/set/a.gz"
    monkeypatch.setenv("NDFLOW_DATASETS_MIRROR", "http://env.test")
    assert download.source_url(file) == "http://env.test/data/set/a.gz"


def test_data_dir_order(monkeypatch, tmp_path):
    monkeypatch.delenv("NDFLOW_DATA_DIR", raising=False)
    assert download.get_data_dir().parts[-2:] == (".ndflow", "datasets")
    monkeypatch.setenv("NDFLOW_DATA_DIR", str(tmp_path))
    assert download.get_data_dir() == tmp_path
    assert download.get_data_dir(tmp_path / "x") == tmp_path / "x"


def test_download_then_cache_reuse(mirror):
    (x, y), (xt, yt) = mnist.load_data()
    assert len(mirror.requests) == 4
    np.testing.assert_array_equal(x, mirror.arrays["mnist"]["train"][0])
    mnist.load_data()
    assert len(mirror.requests) == 4  # served from the cache
    assert sorted(p.name for p in (mirror.cache / "mnist").iterdir()) == sorted(
        f.name for f in REGISTRY["mnist"])


def test_cache_dir_argument(mirror, tmp_path):
    mnist.load_data(cache_dir=tmp_path / "elsewhere")
    assert (tmp_path / "elsewhere" / "mnist" / "t10k-images-idx3-ubyte.gz").is_file()
    assert not (mirror.cache / "mnist").exists()


def test_checksum_mismatch_is_an_error_and_leaves_nothing(mirror, monkeypatch):
    files = tuple(dataclasses.replace(f, sha256="0" * 64) if f.name.startswith("t10k-images")
                  else f for f in REGISTRY["mnist"])
    monkeypatch.setitem(REGISTRY, "mnist", files)
    with pytest.raises(download.ChecksumError, match=r"t10k-images-idx3-ubyte\.gz.*0{64}"):
        mnist.load_data()
    assert not (mirror.cache / "mnist" / "t10k-images-idx3-ubyte.gz").exists()
    leftovers = [p.name for p in (mirror.cache / "mnist").iterdir()]
    assert all(not name.startswith("t10k-images") and "tmp" not in name for name in leftovers)


def test_truncated_cached_file_with_pinned_sum_is_fetched_again(mirror):
    mnist.load_data()
    target = mirror.cache / "mnist" / "train-images-idx3-ubyte.gz"
    target.write_bytes(target.read_bytes()[:50])
    (x, _), _ = mnist.load_data()
    np.testing.assert_array_equal(x, mirror.arrays["mnist"]["train"][0])
    assert len(mirror.requests) == 5


def test_unparsable_file_without_sum_is_deleted_and_fetched_again(mirror, monkeypatch):
    files = tuple(dataclasses.replace(f, sha256=None) for f in REGISTRY["mnist"])
    monkeypatch.setitem(REGISTRY, "mnist", files)
    mnist.load_data()
    target = mirror.cache / "mnist" / "train-labels-idx1-ubyte.gz"
    target.write_bytes(b"\0\0\x08\x01garbage")  # not gzip at all
    (_, y), _ = mnist.load_data()
    np.testing.assert_array_equal(y, mirror.arrays["mnist"]["train"][1])
    assert len(mirror.requests) == 5


def test_bad_idx_magic_number_is_reported(tmp_path):
    import gzip

    from ndflow.datasets.formats import read_idx
    path = tmp_path / "bad.gz"
    path.write_bytes(gzip.compress(b"\x12\x34\x08\x01" + b"\0" * 8))
    with pytest.raises(download.CorruptFileError, match="bad IDX magic number 12340801"):
        read_idx(path)
    path.write_bytes(gzip.compress(b"\0\0\x08\x01\0\0\0\x05abc"))
    with pytest.raises(download.CorruptFileError, match="3 bytes.*says 5"):
        read_idx(path)


def test_offline_error_names_file_url_checksum_and_target(mirror, monkeypatch):
    monkeypatch.setenv("NDFLOW_DATASETS_MIRROR", "http://127.0.0.1:9")  # nothing listens
    with pytest.raises(download.DownloadError) as info:
        mnist.load_data()
    message = str(info.value)
    for file in REGISTRY["mnist"]:
        assert file.name in message
        assert f"http://127.0.0.1:9/cvdf-datasets/mnist/{file.name}" in message
        assert file.sha256 in message
        assert str(mirror.cache / "mnist" / file.name) in message


def test_download_false_with_empty_cache(mirror):
    with pytest.raises(download.DownloadError, match="download=False"):
        mnist.load_data(download=False)
    assert mirror.requests == []


def test_missing_pooch_names_the_extra(mirror, monkeypatch):
    monkeypatch.setitem(sys.modules, "pooch", None)
    with pytest.raises(ImportError, match=r"pip install 'ndflow\[datasets\]'"):
        mnist.load_data()


def test_cached_files_need_no_pooch(mirror, monkeypatch):
    mnist.load_data()
    monkeypatch.setitem(sys.modules, "pooch", None)
    (x, _), _ = mnist.load_data()
    assert x.shape == (5, 28, 28)


def test_every_file_pins_a_sum():
    for files in (*REGISTRY.values(), REUTERS):
        for file in files:  # an MD5 only where the publisher pins nothing stronger
            assert re.fullmatch("[0-9a-f]{64}", file.sha256 or "") or (
                file.sha256 is None and re.fullmatch("[0-9a-f]{32}", file.md5 or "")), file.name
