"""The safetensors file format, read and written with NumPy alone (no pickle, no code).

A file is: an 8-byte little-endian unsigned header length ``n``; ``n`` bytes of JSON
``{name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ...}`` (plus an
optional ``"__metadata__"`` map of strings), padded with spaces to a multiple of 8; then
the tensors' raw little-endian C-order bytes, the offsets counting from the end of the
header.
"""

import json
import struct

import numpy as np

__all__ = ["dumps", "load_file", "loads", "save_file"]

_CODES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16,
    "I64": np.int64, "I32": np.int32, "I16": np.int16, "I8": np.int8,
    "U64": np.uint64, "U32": np.uint32, "U16": np.uint16, "U8": np.uint8,
    "BOOL": np.bool_, "C64": np.complex64, "C128": np.complex128,
}
_CODE_OF = {np.dtype(t): code for code, t in _CODES.items()}
_MAX_HEADER = 100 * 1024 * 1024  # a header beyond this is a corrupted length field


def dumps(tensors, metadata=None) -> bytes:
    """The safetensors bytes of ``tensors`` (a dict name -> array), in insertion order."""
    header = {}
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    chunks, offset = [], 0
    for name, value in tensors.items():
        if not isinstance(name, str) or name == "__metadata__":
            raise ValueError(f"safetensors: invalid tensor name {name!r}")
        array = np.asarray(value)
        code = _CODE_OF.get(array.dtype.newbyteorder("="))
        if code is None:
            raise ValueError(f"safetensors: tensor {name!r} has dtype {array.dtype}, which the "
                             f"format cannot store (supported: {', '.join(sorted(_CODES))})")
        data = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": code, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return b"".join([struct.pack("<Q", len(text)), text, *chunks])


def loads(data, source="<bytes>"):
    """``(tensors, metadata)`` from safetensors bytes; ``source`` names them in errors."""
    data = memoryview(data)

    def bad(why):
        return ValueError(f"{source} is not a valid safetensors file: {why}")

    if len(data) < 8:
        raise bad(f"it has {len(data)} bytes, fewer than the 8-byte header length")
    (n,) = struct.unpack("<Q", data[:8])
    if n > min(len(data) - 8, _MAX_HEADER):
        raise bad(f"the header claims {n} bytes but the file holds {len(data) - 8} after "
                  f"the length (truncated or corrupted)")
    try:
        header = json.loads(bytes(data[8:8 + n]).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise bad(f"its header is not valid JSON ({e})") from None
    if not isinstance(header, dict):
        raise bad("its header is not a JSON object")
    metadata = header.pop("__metadata__", None) or {}
    body = data[8 + n:]
    tensors = {}
    for name, info in header.items():
        try:
            dtype = np.dtype(_CODES[info["dtype"]]).newbyteorder("<")
            shape = tuple(int(d) for d in info["shape"])
            begin, end = (int(x) for x in info["data_offsets"])
        except (KeyError, TypeError, ValueError):
            raise bad(f"the entry for tensor {name!r} is malformed: {info!r}") from None
        if not 0 <= begin <= end <= len(body):
            raise bad(f"tensor {name!r} spans bytes [{begin}, {end}) but the data section "
                      f"has {len(body)} bytes (truncated or corrupted)")
        count = int(np.prod(shape, dtype=np.int64))
        if any(d < 0 for d in shape) or count * dtype.itemsize != end - begin:
            raise bad(f"tensor {name!r} of shape {shape} and dtype {info['dtype']} needs "
                      f"{count * dtype.itemsize} bytes, but its offsets give {end - begin}")
        array = np.frombuffer(body[begin:end], dtype=dtype).reshape(shape)
        tensors[name] = array.astype(dtype.newbyteorder("="), copy=True)
    return tensors, metadata


def save_file(tensors, path, metadata=None) -> None:
    """Write ``tensors`` (a dict name -> array) to ``path`` in the safetensors format."""
    with open(path, "wb") as f:
        f.write(dumps(tensors, metadata))


def load_file(path) -> dict:
    """The tensors (a dict name -> NumPy array) of the safetensors file at ``path``."""
    with open(path, "rb") as f:
        return loads(f.read(), source=str(path))[0]
