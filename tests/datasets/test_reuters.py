"""keras.datasets.reuters: Keras's pickled reuters.npz read without unpickling, served by the
local mirror."""

import builtins
import dataclasses
import hashlib
import io
import json
import os
import pickle
import warnings
import zipfile
from urllib.parse import urlsplit

import numpy as np
import pytest

from ndflow.datasets import download, registry
from ndflow.datasets.download import CorruptFileError
from ndflow.datasets.formats import read_sequences_npz
from ndflow.keras.datasets import reuters


def object_array(lists) -> np.ndarray:
    array = np.empty(len(lists), dtype=object)
    array[:] = lists
    return array


def npz_bytes(x, y, protocol=None, compressed=False) -> bytes:
    """An .npz as NumPy writes it (``protocol=None``), or with 'x' pickled by ``protocol``."""
    buffer = io.BytesIO()
    if protocol is None:
        (np.savez_compressed if compressed else np.savez)(buffer, x=x, y=y)
        return buffer.getvalue()
    x_npy, y_npy = io.BytesIO(), io.BytesIO()
    np.lib.format.write_array_header_1_0(x_npy, np.lib.format.header_data_from_array_1_0(x))
    pickle.dump(x, x_npy, protocol=protocol)
    np.lib.format.write_array(y_npy, y)
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x.npy", x_npy.getvalue())
        archive.writestr("y.npy", y_npy.getvalue())
    return buffer.getvalue()


def assorted_lists(rng) -> list:
    """Lists needing every integer opcode, empty and one-item lists, a list longer than one
    batch of APPENDS, more lists than one-byte memo keys, and one list stored twice."""
    lists = [rng.integers(1, 40000, rng.integers(0, 12)).tolist() for _ in range(300)]
    lists[:5] = [[], [7], [0, 255, 256, 65535, 65536], [2**31 - 1, 2**31, 2**40, -1, -2**40],
                 rng.integers(1, 300, 2500).tolist()]
    lists[-1] = lists[10]
    return lists


@pytest.mark.parametrize(("protocol", "compressed"),
                         [(None, False), (None, True), (2, False), (3, False), (4, False),
                          (5, False)])
def test_reader_matches_what_numpy_wrote(tmp_path, protocol, compressed):
    lists = assorted_lists(np.random.default_rng(0))
    labels = np.arange(len(lists), dtype=np.int64) % 46
    path = tmp_path / "r.npz"
    path.write_bytes(npz_bytes(object_array(lists), labels, protocol, compressed))
    with np.load(path, allow_pickle=True) as reference:  # the test writes this file itself
        want = [list(item) for item in reference["x"]]
    sequences, got_labels = read_sequences_npz(path)
    assert sequences == want == lists
    assert all(type(v) is int for seq in sequences for v in seq)
    np.testing.assert_array_equal(got_labels, labels)
    assert got_labels.dtype == np.int64


# A stream as Python 2 pickles it: byte strings as SHORT_BINSTRING, numpy.core, 0/1 flags.
PY2_STREAM = (
    b"\x80\x02cnumpy.core.multiarray\n_reconstruct\nq\x01cnumpy\nndarray\nq\x02K\x00\x85U\x01b"
    b"\x87Rq\x03(K\x01K\x03\x85cnumpy\ndtype\nq\x04U\x02O8K\x00K\x01\x87Rq\x05(K\x03U\x01|NNN"
    b"J\xff\xff\xff\xffJ\xff\xff\xff\xffK?tb\x89]q\x06(]q\x07(K\x05M,\x01e]q\x08(Jp\x11\x01"
    b"\x00\x8a\x06\x00\x00\x00\x00\x00\x01eh\x07etb.")


def npz_with_x_stream(stream: bytes, n: int, labels=None) -> bytes:
    x_npy, y_npy, buffer = io.BytesIO(), io.BytesIO(), io.BytesIO()
    np.lib.format.write_array_header_1_0(
        x_npy, {"descr": "|O", "fortran_order": False, "shape": (n,)})
    np.lib.format.write_array(y_npy, np.zeros(n, np.int64) if labels is None else labels)
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("x.npy", x_npy.getvalue() + stream)
        archive.writestr("y.npy", y_npy.getvalue())
    return buffer.getvalue()


def test_python2_stream(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpy.core is deprecated under NumPy 2
        want = [list(item) for item in pickle.loads(PY2_STREAM, encoding="latin1")]
    path = tmp_path / "py2.npz"
    path.write_bytes(npz_with_x_stream(PY2_STREAM, 3))
    sequences, _ = read_sequences_npz(path)
    assert sequences == want == [[5, 300], [70000, 2**40], [5, 300]]


class CallOnLoad:
    """Unpickling this object calls ``function(argument)``."""

    def __init__(self, function, argument):
        self.function, self.argument = function, argument

    def __reduce__(self):
        return self.function, (self.argument,)


@pytest.mark.parametrize("attack", ["system", "exec"])
def test_code_in_the_pickle_is_refused_and_never_runs(tmp_path, attack):
    marker = tmp_path / "ran"
    payload = (CallOnLoad(os.system, f"touch {marker}") if attack == "system" else
               CallOnLoad(builtins.exec, f"open({str(marker)!r}, 'w').close()"))
    path = tmp_path / "evil.npz"
    path.write_bytes(npz_bytes(object_array([[1, 2], payload]), np.zeros(2, np.int64)))
    name = r"(posix|nt)\.system" if attack == "system" else r"builtins\.exec"
    with pytest.raises(CorruptFileError, match=rf"evil\.npz.*names {name}.*nothing in the "
                                               "file was run"):
        read_sequences_npz(path)
    assert not marker.exists()


@pytest.mark.parametrize(("lists", "stream", "match"), [
    ([[1.5, 2]], None, r"opcode BINFLOAT \(b'G'\)"),
    ([[1], "text"], None, "item 1 is a str, not a list of ints"),
    ([[1], [True]], None, "item 1 is a list, not a list of ints"),
    (None, PY2_STREAM[:120], "malformed or cut short"),
    (None, PY2_STREAM.replace(b"numpy\nndarray", b"numpy\nmatrix_"), r"names numpy\.matrix_"),
    (None, PY2_STREAM.replace(b"O8K\x00K\x01", b"f8K\x00K\x01"), r"REDUCE calls numpy\.dtype"),
    (None, PY2_STREAM.replace(b"K\x01K\x03\x85", b"K\x01K\x04\x85"), r"shape \(4,\)"),
])
def test_anything_but_an_object_array_of_int_lists_is_refused(tmp_path, lists, stream, match):
    path = tmp_path / "bad.npz"
    if stream is None:
        path.write_bytes(npz_bytes(object_array(lists), np.zeros(len(lists), np.int64)))
    else:
        path.write_bytes(npz_with_x_stream(stream, 3))
    with pytest.raises(CorruptFileError, match=match):
        read_sequences_npz(path)


def test_wrong_layouts_are_refused(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, x=np.arange(6), y=np.arange(6))
    with pytest.raises(CorruptFileError, match="describes a int64 array"):
        read_sequences_npz(path)
    np.savez(path, x=object_array([[1], [2]]))
    with pytest.raises(CorruptFileError, match="lacks a member"):
        read_sequences_npz(path)
    path.write_bytes(npz_with_x_stream(PY2_STREAM, 3, labels=np.zeros(2, np.int64)))
    with pytest.raises(CorruptFileError, match="one integer label per sequence"):
        read_sequences_npz(path)
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(CorruptFileError, match="not a complete .npz"):
        read_sequences_npz(path)


# -- load_data and get_word_index from the mirror -------------------------------------------
def dataset(rng, n=50) -> tuple:
    """Word-rank sequences of assorted lengths (0 to 11) and topic labels."""
    lists = [rng.integers(1, 30, rng.integers(0, 12)).tolist() for _ in range(n)]
    return lists, rng.integers(0, 46, n).astype(np.int64)


SEQUENCES, LABELS = dataset(np.random.default_rng(7))
WORD_INDEX = {"the": 1, "of": 2, "to": 3, "said": 4, "and": 5, "mln": 6, "vs": 7, "dlrs": 8}


@pytest.fixture
def served(mirror, monkeypatch):
    """``serve(npz_bytes, index_bytes)`` puts the two files on the mirror and pins their sums;
    the tiny data set above is served to begin with."""

    def serve(npz, index):
        files = []
        for file, data in zip(registry.REUTERS, (npz, index)):
            target = mirror.root / urlsplit(file.url).path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            files.append(dataclasses.replace(
                file, sha256=hashlib.sha256(data).hexdigest() if file.sha256 else None,
                md5=hashlib.md5(data).hexdigest() if file.md5 else None))
        monkeypatch.setattr(registry, "REUTERS", tuple(files))

    serve(npz_bytes(object_array(SEQUENCES), LABELS), json.dumps(WORD_INDEX).encode())
    mirror.serve = serve
    return mirror


def keras_steps(xs, labels, num_words=None, skip_top=0, maxlen=None, test_split=0.2, seed=113,
                start_char=1, oov_char=2, index_from=3):
    """Keras's documented steps, one after the other: shuffle, mark and shift, drop long
    sequences, cut the vocabulary, split."""
    order = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(order)
    xs, labels = [xs[i] for i in order], labels[order]
    head = [] if start_char is None else [start_char]
    xs = [head + [w + index_from for w in x] for x in xs]
    if maxlen:
        labels = np.array([y for x, y in zip(xs, labels) if len(x) < maxlen], np.int64)
        xs = [x for x in xs if len(x) < maxlen]
    top = num_words or max(max(x) for x in xs if x)
    if oov_char is None:
        xs = [[w for w in x if skip_top <= w < top] for x in xs]
    else:
        xs = [[w if skip_top <= w < top else oov_char for w in x] for x in xs]
    cut = int(len(xs) * (1 - test_split))
    return (xs[:cut], labels[:cut]), (xs[cut:], labels[cut:])


@pytest.mark.parametrize("options", [
    {},
    {"seed": 5, "test_split": 0.3},
    {"num_words": 12},
    {"num_words": 20, "skip_top": 6},
    {"num_words": 20, "skip_top": 6, "oov_char": None},
    {"maxlen": 8},
    {"start_char": None, "index_from": 0},
    {"start_char": 9, "oov_char": 4, "index_from": 5, "num_words": 15},
    {"test_split": 0.0},
])
def test_load_data_follows_keras_steps(served, options):
    (x, y), (xt, yt) = reuters.load_data(**options)
    (want_x, want_y), (want_xt, want_yt) = keras_steps(SEQUENCES, LABELS, **options)
    assert x.dtype == xt.dtype == object and x.ndim == xt.ndim == 1
    assert y.dtype == yt.dtype == np.int64
    assert x.tolist() == want_x and xt.tolist() == want_xt
    np.testing.assert_array_equal(y, want_y)
    np.testing.assert_array_equal(yt, want_yt)


def test_load_data_defaults_and_options(served):
    (x, y), (xt, yt) = reuters.load_data()
    assert (len(x), len(xt)) == (40, 10)
    assert all(seq[0] == 1 for seq in np.concatenate([x, xt]))
    assert sorted(np.concatenate([y, yt]).tolist()) == sorted(LABELS.tolist())
    (x, _), (xt, _) = reuters.load_data(num_words=10, skip_top=5)
    words = {w for seq in np.concatenate([x, xt]) for w in seq[1:]}
    assert words <= {2} | set(range(5, 10))
    (x, _), (xt, _) = reuters.load_data(maxlen=6)
    assert all(len(seq) < 6 for seq in np.concatenate([x, xt]))
    assert served.requests == ["/tensorflow/tf-keras-datasets/reuters.npz"]  # once, then cached


def test_load_data_bad_arguments(served):
    with pytest.raises(ValueError, match="maxlen=1"):
        reuters.load_data(maxlen=1)
    with pytest.raises(ValueError, match=r"test_split must be in \[0, 1\], got 1.5"):
        reuters.load_data(test_split=1.5)


def test_word_index_and_label_names(served):
    assert reuters.get_word_index() == WORD_INDEX
    names = reuters.get_label_names()
    assert len(names) == len(set(names)) == 46
    assert (names[0], names[3], names[4], names[-1]) == ("cocoa", "earn", "acq", "lead")


def test_word_index_md5_and_json_are_checked(served, monkeypatch):
    files = tuple(dataclasses.replace(f, md5="0" * 32) for f in registry.REUTERS)
    monkeypatch.setattr(registry, "REUTERS", files)
    with pytest.raises(CorruptFileError, match=r"MD5 sum [0-9a-f]{32} is not the pinned 0{32}"
                                               r".*downloading it again"):
        reuters.get_word_index()
    assert not (served.cache / "reuters" / "reuters_word_index.json").exists()
    served.serve(npz_bytes(object_array(SEQUENCES), LABELS), b'{"the": "first"}')
    with pytest.raises(CorruptFileError, match="not a JSON object of words"):
        reuters.get_word_index()


def test_checksum_mismatch(served, monkeypatch):
    files = tuple(dataclasses.replace(f, sha256="0" * 64) if f.sha256 else f
                  for f in registry.REUTERS)
    monkeypatch.setattr(registry, "REUTERS", files)
    with pytest.raises(download.ChecksumError, match=r"reuters\.npz.*0{64}"):
        reuters.load_data()
    assert not (served.cache / "reuters" / "reuters.npz").exists()


def test_served_malicious_file_is_refused_and_deleted(served, tmp_path):
    marker = tmp_path / "ran"
    x = object_array([[1, 2], CallOnLoad(os.system, f"touch {marker}")])
    served.serve(npz_bytes(x, np.zeros(2, np.int64)), json.dumps(WORD_INDEX).encode())
    with pytest.raises(CorruptFileError, match=r"system.*even after downloading it again"):
        reuters.load_data()
    assert not marker.exists()
    assert not (served.cache / "reuters" / "reuters.npz").exists()
    assert len(served.requests) == 2


def test_offline_error_names_the_file(served):
    with pytest.raises(download.DownloadError,
                       match=r"(?s)reuters\.npz\n.*/tf-keras-datasets/reuters\.npz") as info:
        reuters.load_data(download=False)
    assert "word_index" not in str(info.value)  # only the file load_data reads
    assert served.requests == []
