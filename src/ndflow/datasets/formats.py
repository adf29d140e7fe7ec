"""Parsers for the original dataset files: IDX, CIFAR binary records, the aclImdb text
archive, the housing text table, zips of images, Keras's ragged-sequence .npz and JSON word
indices. None of them unpickles anything; each raises CorruptFileError (naming the file)
when the bytes do not have the expected layout."""

import gzip
import io
import json
import re
import reprlib
import struct
import tarfile
import zipfile
import zlib

import numpy as np

from ndflow.datasets.download import CorruptFileError

__all__ = ["read_aclimdb", "read_cifar_binary", "read_housing", "read_idx", "read_image_zip",
           "read_sequences_npz", "read_word_index", "tokenize"]

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


# -- Ragged sequences in an .npz -----------------------------------------------------------
# NumPy can only store an object array by pickling it into the .npy. The stream NumPy writes
# for a 1-D object array of lists of ints is read here by a small interpreter that knows
# only the opcodes such a stream uses: the few names it mentions become inert markers (no
# module is imported, nothing is called), and any other opcode or name refuses the file.

_RECONSTRUCT_NAMES = {("numpy.core.multiarray", "_reconstruct"),
                      ("numpy._core.multiarray", "_reconstruct")}
_ARRAY_NAMES = _RECONSTRUCT_NAMES | {("numpy", "ndarray"), ("numpy", "dtype"),
                                     ("_codecs", "encode")}  # bytes in protocol 2 on Python 3
_EMPTY_ARRAY = (((0,), b"b"), ((0,), "b"))  # _reconstruct's shape and dtype char arguments


class _Marker:
    """Data standing for an object unpickling would create: a name from the stream (``kind``
    is ``(module, name)``), or what REDUCE made of one (``kind`` 'array' or 'dtype') with the
    ``state`` BUILD gives it."""

    __slots__ = ("kind", "state")

    def __init__(self, kind):
        self.kind, self.state = kind, None


def _refuse(path, reason: str):
    return CorruptFileError(path, f"'x' is not a pickled object array of int lists: {reason}")


def _opcode_name(op: int) -> str:
    import pickletools  # only for the message: the opcode table, nothing is parsed with it

    info = pickletools.code2op.get(chr(op))
    return f"{info.name if info else 'unknown'} ({bytes([op])!r})"


def _global(module, name, path, opcode: str) -> _Marker:
    if (module, name) not in _ARRAY_NAMES:
        raise _refuse(path, f"{opcode} names {module}.{name}; only NumPy's array "
                            "reconstruction is accepted (nothing in the file was run)")
    return _Marker((module, name))


def _reduce(func, args, path):
    """The marker for ``func(*args)``, for the few calls a NumPy object array makes."""
    kind = func.kind if isinstance(func, _Marker) else None
    if kind in _RECONSTRUCT_NAMES and len(args) == 3 and args[1:] in _EMPTY_ARRAY \
            and isinstance(args[0], _Marker) and args[0].kind == ("numpy", "ndarray"):
        return _Marker("array")
    if kind == ("numpy", "dtype") and args == ("O8", 0, 1):  # 0, 1: False, True from Python 2
        return _Marker("dtype")
    if kind == ("_codecs", "encode") and len(args) == 2 and isinstance(args[0], str) \
            and args[1] == "latin1":
        return args[0].encode("latin-1")
    what = ".".join(kind) if isinstance(kind, tuple) else kind or type(func).__name__
    raise _refuse(path, f"REDUCE calls {what} with {reprlib.repr(args)}")


def _build(target, state, path):
    if not isinstance(target, _Marker) or target.kind not in ("array", "dtype") \
            or target.state is not None:
        raise _refuse(path, f"BUILD on {getattr(target, 'kind', type(target).__name__)}")
    target.state = state


def _extend(target, items, path):
    if type(target) is not list:
        raise _refuse(path, f"APPEND(S) onto a {type(target).__name__}")
    target.extend(items)


def _pickled_int_lists(data: bytes, pos: int, path) -> list:
    """The lists of ints held by the pickled 1-D object array starting at ``data[pos]``."""
    stack, marks, memo = [], [], {}
    unpack = struct.unpack_from
    try:
        while True:
            op = data[pos]
            pos += 1
            if op == 0x4B:  # BININT1, the most frequent opcodes first
                stack.append(data[pos])
                pos += 1
            elif op == 0x4D:  # BININT2
                stack.append(unpack("<H", data, pos)[0])
                pos += 2
            elif op == 0x4A:  # BININT
                stack.append(unpack("<i", data, pos)[0])
                pos += 4
            elif op == 0x28:  # MARK
                marks.append(stack)
                stack = []
            elif op == 0x65:  # APPENDS
                items, stack = stack, marks.pop()
                _extend(stack[-1], items, path)
            elif op == 0x5D:  # EMPTY_LIST
                stack.append([])
            elif op == 0x94:  # MEMOIZE
                memo[len(memo)] = stack[-1]
            elif op == 0x71:  # BINPUT
                memo[data[pos]] = stack[-1]
                pos += 1
            elif op == 0x72:  # LONG_BINPUT
                memo[unpack("<I", data, pos)[0]] = stack[-1]
                pos += 4
            elif op == 0x68:  # BINGET
                stack.append(memo[data[pos]])
                pos += 1
            elif op == 0x6A:  # LONG_BINGET
                stack.append(memo[unpack("<I", data, pos)[0]])
                pos += 4
            elif op == 0x61:  # APPEND
                value = stack.pop()
                _extend(stack[-1], (value,), path)
            elif op == 0x8A:  # LONG1
                size = data[pos]
                if pos + 1 + size > len(data):
                    raise IndexError
                stack.append(int.from_bytes(data[pos + 1:pos + 1 + size], "little",
                                            signed=True))
                pos += 1 + size
            elif op in (0x8C, 0x58, 0x55, 0x54, 0x43, 0x42):
                # SHORT_BINUNICODE, BINUNICODE, SHORT_BINSTRING, BINSTRING (Python 2's str),
                # SHORT_BINBYTES, BINBYTES
                wide = op in (0x58, 0x54, 0x42)
                size = unpack("<I", data, pos)[0] if wide else data[pos]
                pos += 4 if wide else 1
                raw = data[pos:pos + size]
                if len(raw) != size:
                    raise IndexError
                pos += size
                stack.append(raw.decode("utf-8") if op in (0x8C, 0x58)
                             else raw.decode("latin-1") if op in (0x55, 0x54) else raw)
            elif op == 0x63:  # GLOBAL: module and name on two lines
                first = data.index(b"\n", pos)
                second = data.index(b"\n", first + 1)
                stack.append(_global(data[pos:first].decode("utf-8"),
                                     data[first + 1:second].decode("utf-8"), path, "GLOBAL"))
                pos = second + 1
            elif op == 0x93:  # STACK_GLOBAL
                name, module = stack.pop(), stack.pop()
                if type(module) is not str or type(name) is not str:
                    raise _refuse(path, "STACK_GLOBAL on values that are not names")
                stack.append(_global(module, name, path, "STACK_GLOBAL"))
            elif 0x85 <= op <= 0x87:  # TUPLE1, TUPLE2, TUPLE3
                size = op - 0x84
                if len(stack) < size:
                    raise IndexError
                items = tuple(stack[-size:])
                del stack[-size:]
                stack.append(items)
            elif op == 0x74:  # TUPLE
                items, stack = tuple(stack), marks.pop()
                stack.append(items)
            elif op == 0x29:  # EMPTY_TUPLE
                stack.append(())
            elif op == 0x52:  # REDUCE
                args = stack.pop()
                if type(args) is not tuple:
                    raise _refuse(path, "REDUCE with arguments that are not a tuple")
                stack[-1] = _reduce(stack[-1], args, path)
            elif op == 0x62:  # BUILD
                state = stack.pop()
                _build(stack[-1], state, path)
            elif op in (0x88, 0x89):  # NEWTRUE, NEWFALSE
                stack.append(op == 0x88)
            elif op == 0x4E:  # NONE
                stack.append(None)
            elif op == 0x80:  # PROTO
                if not 2 <= data[pos] <= 5:
                    raise _refuse(path, f"pickle protocol {data[pos]}")
                pos += 1
            elif op == 0x95:  # FRAME: the length of what follows, which is all in memory
                pos += 8
            elif op == 0x2E:  # STOP
                break
            else:
                raise _refuse(path, f"opcode {_opcode_name(op)} at byte {pos - 1}")
    except CorruptFileError:
        raise
    except (IndexError, KeyError, struct.error, UnicodeDecodeError, ValueError) as e:
        raise _refuse(path, f"malformed or cut short near byte {pos} "
                            f"({type(e).__name__})") from None
    if marks or len(stack) != 1:
        raise _refuse(path, "STOP with unbalanced marks or several values")
    return _array_items(stack[0], path)


def _array_items(array, path) -> list:
    """The items of the reconstructed 1-D object array, checked to be lists of ints."""
    state = array.state if isinstance(array, _Marker) and array.kind == "array" else None
    if type(state) is not tuple or len(state) != 5:
        raise _refuse(path, "the stream does not rebuild an ndarray")
    version, shape, dtype, fortran, items = state
    if not (isinstance(dtype, _Marker) and dtype.kind == "dtype"
            and type(dtype.state) is tuple and len(dtype.state) > 1 and dtype.state[1] == "|"):
        raise _refuse(path, "the array's dtype is not object")
    if version != 1 or fortran not in (0, 1) or type(items) is not list \
            or shape != (len(items),):
        raise _refuse(path, f"the array state (version {version!r}, shape {shape!r}) does "
                            "not describe a 1-D object array")
    for i, item in enumerate(items):
        if type(item) is not list or not set(map(type, item)) <= {int}:
            raise _refuse(path, f"item {i} is a {type(item).__name__}, not a list of ints")
    return items


def _npy_int_lists(data: bytes, path) -> list:
    fp = io.BytesIO(data)
    readers = {(1, 0): np.lib.format.read_array_header_1_0,
               (2, 0): np.lib.format.read_array_header_2_0}
    try:
        version = np.lib.format.read_magic(fp)
        if version not in readers:
            raise ValueError(f".npy format version {version}")
        shape, _, dtype = readers[version](fp)
    except ValueError as e:
        raise _refuse(path, f"bad .npy header ({e})") from None
    if dtype != np.dtype(object) or len(shape) != 1:
        raise _refuse(path, f"the .npy header describes a {dtype} array of shape {shape}")
    items = _pickled_int_lists(data, fp.tell(), path)
    if len(items) != shape[0]:
        raise _refuse(path, f"{len(items)} items for a header of shape {shape}")
    return items


def read_sequences_npz(path) -> tuple:
    """``(sequences list of int lists, labels)`` of an .npz whose ``x`` is a 1-D object
    array of lists of ints (stored by NumPy as a pickle, read here without unpickling)
    and ``y`` its integer labels: the layout of Keras's ``reuters.npz``."""
    try:
        with zipfile.ZipFile(path) as archive:
            x_data, y_data = archive.read("x.npy"), archive.read("y.npy")
    except KeyError as e:
        raise CorruptFileError(path, f"the .npz lacks a member ({e.args[0]})") from None
    except _ARCHIVE_ERRORS as e:
        raise CorruptFileError(path, f"not a complete .npz archive ({e})") from None
    sequences = _npy_int_lists(x_data, path)
    try:
        labels = np.lib.format.read_array(io.BytesIO(y_data), allow_pickle=False)
    except ValueError as e:
        raise CorruptFileError(path, f"'y' is not a plain array ({e})") from None
    if labels.ndim != 1 or labels.dtype.kind not in "iu" or len(labels) != len(sequences):
        raise CorruptFileError(path, f"'y' ({labels.dtype}, shape {labels.shape}) is not one "
                                     f"integer label per sequence ({len(sequences)})")
    return sequences, labels


def read_word_index(path) -> dict:
    """The ``{word: index}`` dict of a JSON word index file."""
    try:
        with open(path, encoding="utf-8") as f:
            index = json.load(f)
    except (ValueError, OSError) as e:
        raise CorruptFileError(path, f"not a JSON file ({e})") from None
    if not isinstance(index, dict) or not all(type(v) is int for v in index.values()):
        raise CorruptFileError(path, "not a JSON object of words to integer indices")
    return index
