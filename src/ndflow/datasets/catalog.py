"""Each dataset as NumPy arrays per split, from its original files (shared by
``ndflow.datasets.load`` and ``ndflow.keras.datasets``)."""

import collections
import hashlib
import os
import pathlib

import numpy as np

from ndflow.datasets import formats, registry
from ndflow.datasets.download import CorruptFileError, get_data_dir, load_files

__all__ = ["cifar10", "cifar100", "horses_or_humans", "housing", "idx_images", "imdb_sequences",
           "imdb_texts", "reuters_sequences", "reuters_word_index"]


def idx_images(dataset: str, **fetch_args) -> dict:
    """``{'train'|'test': (images uint8 (n, 28, 28), labels uint8 (n,))}`` of an MNIST-like
    dataset ('mnist' or 'fashion_mnist')."""

    def parse(paths):
        train_x, train_y, test_x, test_y = (formats.read_idx(p) for p in paths)
        for images, labels, path in ((train_x, train_y, paths[1]), (test_x, test_y, paths[3])):
            if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
                raise CorruptFileError(
                    path, f"{len(labels)} labels for images of shape {images.shape}")
        return {"train": (train_x, train_y), "test": (test_x, test_y)}

    return load_files(dataset, parse, **fetch_args)


_CIFAR10_BATCHES = {"train": [f"data_batch_{i}.bin" for i in range(1, 6)],
                    "test": ["test_batch.bin"]}


def cifar10(**fetch_args) -> dict:
    """``{'train'|'test': (images uint8 (n, 32, 32, 3), labels uint8 (n, 1))}``."""
    return load_files("cifar10", lambda paths: formats.read_cifar_binary(
        paths[0], _CIFAR10_BATCHES, label_bytes=1), **fetch_args)


def cifar100(label_mode: str = "fine", **fetch_args) -> dict:
    """``{'train'|'test': (images uint8 (n, 32, 32, 3), labels uint8 (n, 1))}`` with the
    fine (100) or coarse (20) labels."""
    splits = load_files("cifar100", lambda paths: formats.read_cifar_binary(
        paths[0], {"train": ["train.bin"], "test": ["test.bin"]}, label_bytes=2), **fetch_args)
    column = 1 if label_mode == "fine" else 0  # each record starts with coarse, then fine
    return {k: (x, y[:, column:column + 1]) for k, (x, y) in splits.items()}


def housing(**fetch_args) -> np.ndarray:
    """The Boston housing table, float64 (506, 14): 13 features, then the median value."""
    return load_files("boston_housing", lambda paths: formats.read_housing(paths[0]),
                      **fetch_args)


HORSES_OR_HUMANS_CLASSES = ["horses", "humans"]


def horses_or_humans(**fetch_args) -> dict:
    """``{'train'|'test': (images uint8 (n, 300, 300, 3), labels int64)}`` (needs Pillow)."""
    def parse(paths):
        return {split: formats.read_image_zip(path, HORSES_OR_HUMANS_CLASSES)
                for split, path in zip(("train", "test"), paths)}

    return load_files("horses_or_humans", parse, **fetch_args)


# -- IMDB ---------------------------------------------------------------------------------
# Parsing the 84 MB archive and counting its words takes tens of seconds, so the result is
# kept next to the archive as an .npz of plain arrays (no pickles), tied to the archive's
# size and modification time.
_IMDB_SPLITS = ("train", "test", "unsupervised")


def _pack(items, dtype) -> tuple:
    lengths = np.fromiter((len(i) for i in items), dtype=np.int64, count=len(items))
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    flat = np.fromiter((v for i in items for v in i), dtype=dtype, count=int(offsets[-1]))
    return flat, offsets


def _pack_strings(strings) -> tuple:
    encoded = [s.encode("utf-8") for s in strings]
    offsets = np.concatenate([[0], np.cumsum([len(b) for b in encoded], dtype=np.int64)])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


def _unpack_strings(flat, offsets) -> list:
    data = flat.tobytes()
    return [data[a:b].decode("utf-8") for a, b in zip(offsets[:-1], offsets[1:])]


def _build_imdb_cache(archive: pathlib.Path, cache: pathlib.Path, stamp) -> None:
    splits = formats.read_aclimdb(archive)
    tokens = {k: [formats.tokenize(t) for t in splits[k][0]] for k in ("train", "test")}
    counts = collections.Counter()
    for k in ("train", "test"):
        for words in tokens[k]:
            counts.update(words)
    vocabulary = sorted(counts, key=lambda w: (-counts[w], w))  # rank 1: most frequent
    rank = {w: i + 1 for i, w in enumerate(vocabulary)}
    arrays = {"stamp": np.array(stamp, dtype=np.int64)}
    arrays["vocab"], arrays["vocab_offsets"] = _pack_strings(vocabulary)
    for k in _IMDB_SPLITS:
        texts, labels = splits[k]
        arrays[f"{k}_text"], arrays[f"{k}_text_offsets"] = _pack_strings(texts)
        arrays[f"{k}_label"] = labels
    for k in ("train", "test"):
        seqs = [[rank[w] for w in words] for words in tokens[k]]
        arrays[f"{k}_seq"], arrays[f"{k}_seq_offsets"] = _pack(seqs, np.int32)
    temporary = cache.with_name(f".{cache.name}.{os.getpid()}.tmp")
    with open(temporary, "wb") as f:
        np.savez(f, **arrays)
    os.replace(temporary, cache)


def _imdb_cache(**fetch_args):
    def parse(paths):
        archive = paths[0]
        cache = archive.with_name("aclImdb_v1.parsed.npz")
        info = archive.stat()
        stamp = [info.st_size, info.st_mtime_ns]
        if cache.is_file():
            with np.load(cache, allow_pickle=False) as f:
                if f["stamp"].tolist() == stamp:
                    return dict(f)
        _build_imdb_cache(archive, cache, stamp)
        with np.load(cache, allow_pickle=False) as f:
            return dict(f)

    return load_files("imdb", parse, **fetch_args)


def imdb_texts(**fetch_args) -> dict:
    """``{'train'|'test'|'unsupervised': (texts list of str, labels int64)}`` of the aclImdb
    reviews (labels 0 negative, 1 positive, -1 unlabelled)."""
    arrays = _imdb_cache(**fetch_args)
    return {k: (_unpack_strings(arrays[f"{k}_text"], arrays[f"{k}_text_offsets"]),
                arrays[f"{k}_label"]) for k in _IMDB_SPLITS}


def imdb_sequences(**fetch_args) -> tuple:
    """``({'train'|'test': (sequences list of int lists, labels int64)}, word_index)`` with
    words ranked by frequency over the labelled reviews (1 = most frequent)."""
    arrays = _imdb_cache(**fetch_args)
    out = {}
    for k in ("train", "test"):
        flat, offsets = arrays[f"{k}_seq"].tolist(), arrays[f"{k}_seq_offsets"].tolist()
        out[k] = ([flat[a:b] for a, b in zip(offsets[:-1], offsets[1:])], arrays[f"{k}_label"])
    words = _unpack_strings(arrays["vocab"], arrays["vocab_offsets"])
    return out, {w: i + 1 for i, w in enumerate(words)}


# -- Reuters ------------------------------------------------------------------------------
def _reuters_file(name: str):
    return next(f for f in registry.REUTERS if f.name == name)


def reuters_sequences(**fetch_args) -> tuple:
    """``(sequences list of int lists, labels)``: the 11228 newswires of Keras's
    ``reuters.npz`` as word ranks (1 = most frequent) and their topics (0 to 45)."""
    return load_files("reuters", lambda paths: formats.read_sequences_npz(paths[0]),
                      files=(_reuters_file("reuters.npz"),), **fetch_args)


def reuters_word_index(**fetch_args) -> dict:
    """``{word: rank}`` of Keras's ``reuters_word_index.json``."""
    file = _reuters_file("reuters_word_index.json")

    def parse(paths):
        if file.md5:
            digest = hashlib.md5(paths[0].read_bytes(), usedforsecurity=False).hexdigest()
            if digest != file.md5:
                raise CorruptFileError(paths[0], f"MD5 sum {digest} is not the pinned "
                                                 f"{file.md5}")
        return formats.read_word_index(paths[0])

    return load_files("reuters", parse, files=(file,), **fetch_args)


def cache_dir(dataset: str, data_dir=None) -> pathlib.Path:
    """The folder holding ``dataset``'s files."""
    return get_data_dir(data_dir) / dataset
