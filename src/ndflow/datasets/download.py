"""Downloading, caching and checking dataset files.

Files are cached under ``~/.ndflow/datasets/<dataset>/`` (``NDFLOW_DATA_DIR`` or a
``data_dir=`` argument overrides the root). ``NDFLOW_DATASETS_MIRROR`` or ``origin=`` is a
base URL that replaces the scheme and host of every canonical URL (the path is kept).
A cached file is checked against its pinned SHA-256 sum before use; a file that fails the
check or does not parse is deleted and fetched again once, never used.
"""

import hashlib
import importlib.util
import os
import pathlib
from urllib.parse import urlsplit

from ndflow.datasets.registry import REGISTRY, RemoteFile

__all__ = ["ChecksumError", "CorruptFileError", "DownloadError", "fetch", "get_data_dir",
           "load_files", "sha256sum", "source_url"]

INSTALL_HINT = "pip install 'ndflow[datasets]'"


class DownloadError(OSError):
    """Dataset files could not be downloaded; the message says where to put them by hand."""


class ChecksumError(ValueError):
    """A downloaded file does not have its pinned SHA-256 sum."""


class CorruptFileError(ValueError):
    """A cached file does not parse (truncated, wrong magic number, wrong size)."""

    def __init__(self, path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = pathlib.Path(path)


def get_data_dir(data_dir=None) -> pathlib.Path:
    """The cache root: ``data_dir``, else ``$NDFLOW_DATA_DIR``, else ``~/.ndflow/datasets``."""
    root = data_dir or os.environ.get("NDFLOW_DATA_DIR") or "~/.ndflow/datasets"
    return pathlib.Path(root).expanduser()


def source_url(file: RemoteFile, origin=None) -> str:
    """The URL to fetch ``file`` from: its own, or the mirror's host with the same path."""
    origin = origin or os.environ.get("NDFLOW_DATASETS_MIRROR")
    if not origin:
        return file.url
    return origin.rstrip("/") + urlsplit(file.url).path


def sha256sum(path) -> str:
    """The hex SHA-256 digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checksum_text(file: RemoteFile) -> str:
    return f"sha256 {file.sha256}" if file.sha256 else "sha256 not pinned"


def _manual_help(dataset: str, missing) -> str:
    lines = [f"Could not download the files of dataset '{dataset}'. Download each file "
             "below yourself and place it at the path shown (or set NDFLOW_DATASETS_MIRROR "
             "to a mirror):"]
    for file, url, target, why in missing:
        lines.append(f"  - {file.name}\n      url:      {url}\n      checksum: "
                     f"{_checksum_text(file)}\n      place at: {target}\n      error:    {why}")
    return "\n".join(lines)


def _valid_cached(file: RemoteFile, target: pathlib.Path) -> bool:
    """Whether ``target`` exists with the right sum; a file with a wrong sum is deleted."""
    if not target.is_file():
        return False
    if file.sha256 is None or sha256sum(target) == file.sha256:
        return True
    target.unlink()
    return False


def _pooch():
    try:
        import pooch
    except ImportError:
        raise ImportError("Downloading datasets needs the 'pooch' package: "
                          f"{INSTALL_HINT}") from None
    return pooch


def _download(file: RemoteFile, url: str, target: pathlib.Path):
    pooch = _pooch()
    known = f"sha256:{file.sha256}" if file.sha256 else None
    try:
        pooch.retrieve(url, known_hash=known, fname=target.name, path=target.parent,
                       progressbar=importlib.util.find_spec("tqdm") is not None)
    except ValueError as e:
        if "hash" not in str(e).lower():
            raise
        # pooch downloads to a temporary name and deletes it on a mismatch
        raise ChecksumError(
            f"The file '{file.name}' downloaded from {url} does not have the pinned "
            f"checksum {_checksum_text(file)} ({e}). It was not kept at {target}. The "
            "mirror or the download may be corrupted; try again, or place a verified copy "
            "there by hand.") from None


def fetch(dataset: str, files=None, *, data_dir=None, origin=None, download=True) -> list:
    """Paths of ``dataset``'s files in the cache, downloading and checking what is missing.

    Raises DownloadError naming every missing file, its URL, its checksum and the path
    where to place it, when a file is not cached and cannot be downloaded.
    """
    files = REGISTRY[dataset] if files is None else files
    folder = get_data_dir(data_dir) / dataset
    paths, missing = [], []
    for file in files:
        target = folder / file.name
        url = source_url(file, origin)
        paths.append(target)
        if _valid_cached(file, target):
            continue
        if not download:
            missing.append((file, url, target, "not in the cache and download=False"))
            continue
        try:
            _download(file, url, target)
        except (ChecksumError, ImportError):
            raise
        except Exception as e:  # network errors come from requests/urllib3/OSError
            missing.append((file, url, target, f"{type(e).__name__}: {e}"))
    if missing:
        raise DownloadError(_manual_help(dataset, missing))
    return paths


def load_files(dataset: str, parse, files=None, *, data_dir=None, origin=None,
               download=True):
    """``parse(paths)`` on the fetched files; a file that does not parse is deleted and
    fetched once more, and a second failure is reported."""
    files = REGISTRY[dataset] if files is None else files
    paths = fetch(dataset, files, data_dir=data_dir, origin=origin, download=download)
    try:
        return parse(paths)
    except CorruptFileError as e:
        e.path.unlink(missing_ok=True)
        paths = fetch(dataset, files, data_dir=data_dir, origin=origin, download=download)
        try:
            return parse(paths)
        except CorruptFileError as again:
            again.path.unlink(missing_ok=True)
            raise CorruptFileError(again.path, f"{again.args[0]} (even after downloading "
                                   "it again; the file was deleted)") from None
