"""A local HTTP mirror serving tiny files in the real formats of each dataset."""

import dataclasses
import gzip
import hashlib
import http.server
import io
import pathlib
import struct
import tarfile
import threading
from urllib.parse import urlsplit

import numpy as np
import pytest

from ndflow.datasets.registry import REGISTRY


def idx_bytes(array: np.ndarray) -> bytes:
    header = b"\0\0\x08" + bytes([array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def tar_gz(members: dict) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def cifar_records(labels: np.ndarray, images: np.ndarray) -> bytes:
    """Records of label bytes then the image as 3 planes of 32x32 (R, G, B)."""
    planes = images.transpose(0, 3, 1, 2).reshape(len(images), -1)
    return np.concatenate([labels.reshape(len(images), -1), planes], axis=1).tobytes()


REVIEWS = {
    "train/pos/0_9.txt": "A great movie, great acting.<br /><br />Loved it!",
    "train/pos/1_8.txt": "Great fun; the best.",
    "train/neg/0_2.txt": "The worst movie. Boring!",
    "train/neg/1_1.txt": "Boring and bad, the acting is bad.",
    "test/pos/0_10.txt": "Great, great, great.",
    "test/neg/0_3.txt": "Bad movie, don't watch.",
    "train/unsup/0_0.txt": "Some unlabelled words here.",
}


def make_sources(rng) -> dict:
    """``{dataset: {file name: bytes}}`` and the arrays they hold (under key 'arrays')."""
    arrays, files = {}, {}
    for name in ("mnist", "fashion_mnist"):
        data = {"train": (rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
                          rng.integers(0, 10, 5, dtype=np.uint8)),
                "test": (rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
                         rng.integers(0, 10, 3, dtype=np.uint8))}
        arrays[name] = data
        files[name] = {"train-images-idx3-ubyte.gz": idx_bytes(data["train"][0]),
                       "train-labels-idx1-ubyte.gz": idx_bytes(data["train"][1]),
                       "t10k-images-idx3-ubyte.gz": idx_bytes(data["test"][0]),
                       "t10k-labels-idx1-ubyte.gz": idx_bytes(data["test"][1])}
    x = rng.integers(0, 256, (13, 32, 32, 3), dtype=np.uint8)
    y = rng.integers(0, 10, 13, dtype=np.uint8)
    arrays["cifar10"] = {"train": (x[:10], y[:10]), "test": (x[10:], y[10:])}
    members = {f"cifar-10-batches-bin/data_batch_{i + 1}.bin":
               cifar_records(y[2 * i:2 * i + 2], x[2 * i:2 * i + 2]) for i in range(5)}
    members["cifar-10-batches-bin/test_batch.bin"] = cifar_records(y[10:], x[10:])
    members["cifar-10-batches-bin/batches.meta.txt"] = b"airplane\n"
    files["cifar10"] = {"cifar-10-binary.tar.gz": tar_gz(members)}
    labels = np.stack([rng.integers(0, 20, 7), rng.integers(0, 100, 7)], 1).astype(np.uint8)
    x100 = rng.integers(0, 256, (7, 32, 32, 3), dtype=np.uint8)
    arrays["cifar100"] = {"train": (x100[:4], labels[:4]), "test": (x100[4:], labels[4:])}
    files["cifar100"] = {"cifar-100-binary.tar.gz": tar_gz({
        "cifar-100-binary/train.bin": cifar_records(labels[:4], x100[:4]),
        "cifar-100-binary/test.bin": cifar_records(labels[4:], x100[4:])})}
    files["imdb"] = {"aclImdb_v1.tar.gz": tar_gz(
        {f"aclImdb/{k}": v.encode() for k, v in REVIEWS.items()})}
    table = np.round(rng.uniform(0, 50, (10, 14)), 4)
    arrays["boston_housing"] = table
    files["boston_housing"] = {"housing.data": "\n".join(
        " ".join(f"{v:.4f}" for v in row) for row in table).encode() + b"\n"}
    return arrays, files


class Mirror:
    """The served files, their arrays, the server's base URL and the request log."""

    def __init__(self, root: pathlib.Path, arrays: dict, url: str, requests: list):
        self.root, self.arrays, self.url, self.requests = root, arrays, url, requests

    def path_of(self, dataset: str, name: str) -> pathlib.Path:
        file = next(f for f in REGISTRY[dataset] if f.name == name)
        return self.root / urlsplit(file.url).path.lstrip("/")

    def sha(self, dataset: str, name: str) -> str:
        return hashlib.sha256(self.path_of(dataset, name).read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def mirror_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("mirror")
    arrays, files = make_sources(np.random.default_rng(0))
    for dataset, named in files.items():
        for name, data in named.items():
            file = next(f for f in REGISTRY[dataset] if f.name == name)
            target = root / urlsplit(file.url).path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def do_GET(self):
            requests.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield Mirror(root, arrays, f"http://127.0.0.1:{server.server_address[1]}", requests)
    server.shutdown()
    server.server_close()


@pytest.fixture
def mirror(mirror_server, tmp_path, monkeypatch):
    """The mirror, with a fresh cache, the registry's sums taken from the served files."""
    pytest.importorskip("pooch")
    monkeypatch.setenv("NDFLOW_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NDFLOW_DATASETS_MIRROR", mirror_server.url)
    for dataset, files in list(REGISTRY.items()):
        if dataset == "horses_or_humans":
            continue
        monkeypatch.setitem(REGISTRY, dataset, tuple(
            dataclasses.replace(f, sha256=mirror_server.sha(dataset, f.name)) for f in files))
    mirror_server.requests.clear()
    mirror_server.cache = tmp_path / "cache"
    return mirror_server
