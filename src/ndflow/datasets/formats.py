"""Parsers for the original dataset files: IDX, CIFAR binary records, the aclImdb text
archive, the housing text table and zips of images. None of them unpickles anything; each
raises CorruptFileError (naming the file) when the bytes do not have the expected layout."""

import gzip
import io
import re
import struct
import tarfile
import zipfile
import zlib

import numpy as np

from ndflow.datasets.download import CorruptFileError

__all__ = ["read_aclimdb", "read_cifar_binary", "read_housing", "read_idx", "read_image_zip",
           "tokenize"]

_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_ARCHIVE_ERRORS = (OSError, EOFError, zlib.error, tarfile.TarError, zipfile.BadZipFile)


def read_idx(path) -> np.ndarray:
    """The array in a gzip-compressed IDX file (the MNIST format)."""
    try:
        with gzip.open(path, "rb") as f:
            data = f.read()
    except _ARCHIVE_ERRORS as e:
        raise CorruptFileError(path, f"not a complete gzip file ({e})") from None
    if len(data) < 4 or data[:2] != b"\0\0" or data[2] not in _IDX_TYPES:
        raise CorruptFileError(path, f"bad IDX magic number {data[:4].hex() or '(empty)'}")
    ndim = data[3]
    header = 4 + 4 * ndim
    if len(data) < header:
        raise CorruptFileError(path, "IDX header is cut short")
    dims = struct.unpack(f">{ndim}I", data[4:header])
    dtype = np.dtype(_IDX_TYPES[data[2]])
    expected = int(np.prod(dims)) * dtype.itemsize
    if len(data) - header != expected:
        raise CorruptFileError(path, f"IDX payload has {len(data) - header} bytes, the header "
                                     f"(shape {dims}) says {expected}")
    array = np.frombuffer(data, dtype, offset=header).reshape(dims)
    return array.astype(dtype.newbyteorder("="))


def _tar_members(path, basenames, mode="r:gz") -> dict:
    """The bytes of the members of a tar archive whose base names are in ``basenames``."""
    found = {}
    try:
        with tarfile.open(path, mode) as tar:
            for member in tar:
                base = member.name.rsplit("/", 1)[-1]
                if member.isfile() and base in basenames:
                    found[base] = tar.extractfile(member).read()
    except _ARCHIVE_ERRORS as e:
        raise CorruptFileError(path, f"not a complete tar.gz archive ({e})") from None
    absent = sorted(set(basenames) - set(found))
    if absent:
        raise CorruptFileError(path, f"archive lacks the members {absent}")
    return found


def read_cifar_binary(path, splits: dict, label_bytes: int) -> dict:
    """``{split: (images uint8 (n, 32, 32, 3), labels uint8 (n, label_bytes))}`` from a
    CIFAR binary tarball; ``splits`` maps a split to the member base names it joins."""
    names = {name for group in splits.values() for name in group}
    members = _tar_members(path, names)
    record = label_bytes + 3072
    out = {}
    for split, group in splits.items():
        images, labels = [], []
        for name in group:
            data = members[name]
            if len(data) % record:
                raise CorruptFileError(path, f"member {name} has {len(data)} bytes, not a "
                                             f"whole number of {record}-byte records")
            rows = np.frombuffer(data, np.uint8).reshape(-1, record)
            labels.append(rows[:, :label_bytes])
            images.append(rows[:, label_bytes:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
        out[split] = (np.ascontiguousarray(np.concatenate(images)), np.concatenate(labels))
    return out


_REVIEW = re.compile(r"^(?:\./)?aclImdb/(train|test)/(pos|neg|unsup)/(\d+)_(\d+)\.txt$")
_POLARITY = {"neg": 0, "pos": 1, "unsup": -1}


def read_aclimdb(path) -> dict:
    """``{'train'|'test'|'unsupervised': (texts, labels)}`` from the aclImdb archive, in a
    fixed order (negatives, positives, unlabelled; by review id). Labels: 0 neg, 1 pos, -1."""
    reviews = {"train": [], "test": [], "unsupervised": []}
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar:
                match = _REVIEW.match(member.name)
                if not match or not member.isfile():
                    continue
                part, polarity, review_id, _ = match.groups()
                split = "unsupervised" if polarity == "unsup" else part
                text = tar.extractfile(member).read().decode("utf-8", errors="replace")
                reviews[split].append((_POLARITY[polarity], int(review_id), text))
    except _ARCHIVE_ERRORS as e:
        raise CorruptFileError(path, f"not a complete tar.gz archive ({e})") from None
    if not reviews["train"] or not reviews["test"]:
        raise CorruptFileError(path, "no aclImdb/train or aclImdb/test reviews in the archive")
    out = {}
    for split, rows in reviews.items():
        rows.sort(key=lambda r: r[:2])  # unlabelled reviews are alone in their split
        out[split] = ([r[2] for r in rows], np.array([r[0] for r in rows], dtype=np.int64))
    return out


_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")


def tokenize(text: str) -> list:
    """Lower-cased words of a review (HTML line breaks and punctuation dropped)."""
    return _WORD.findall(_BREAK.sub(" ", text).lower())


def read_housing(path, columns: int = 14) -> np.ndarray:
    """The float64 table of the whitespace-separated Boston housing file."""
    try:
        table = np.loadtxt(path, dtype=np.float64, ndmin=2)
    except (ValueError, OSError) as e:
        raise CorruptFileError(path, f"not a table of numbers ({e})") from None
    if table.shape[1] != columns or not len(table):
        raise CorruptFileError(path, f"expected rows of {columns} numbers, got a table of "
                                     f"shape {table.shape}")
    return table


def read_image_zip(path, class_names) -> tuple:
    """``(images uint8 (n, h, w, 3), labels int64)`` from a zip whose top folders are the
    class names; decoding PNG/JPEG needs Pillow."""
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("Decoding the images of this dataset needs Pillow: "
                          "pip install pillow") from None
    images, labels = [], []
    try:
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                parts = name.split("/")
                if len(parts) < 2 or parts[-2] not in class_names or name.endswith("/"):
                    continue
                with Image.open(io.BytesIO(archive.read(name))) as image:
                    images.append(np.asarray(image.convert("RGB")))
                labels.append(class_names.index(parts[-2]))
    except (*_ARCHIVE_ERRORS, ValueError) as e:
        raise CorruptFileError(path, f"not a readable zip of images ({e})") from None
    if not images:
        raise CorruptFileError(path, f"no images under the folders {list(class_names)}")
    return np.stack(images), np.array(labels, dtype=np.int64)
