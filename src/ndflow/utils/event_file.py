"""TensorBoard event files, written without TensorFlow or a protobuf library.

An event file is a sequence of records (TFRecord framing): the payload length as a
little-endian uint64, a masked CRC-32C of those 8 bytes, the payload, and a masked
CRC-32C of the payload. Each payload is an ``Event`` protocol buffer holding a
``Summary`` (scalars, histograms, images) or a serialized ``GraphDef``. The few messages
TensorBoard reads are encoded here by hand, field by field; the field numbers are those
of TensorFlow's ``event.proto``, ``summary.proto``, ``graph.proto``, ``node_def.proto``,
``attr_value.proto`` and ``tensor_shape.proto``. Scalars, histograms and images use the
classic ``Summary.Value`` fields, which TensorBoard reads into its scalar, histogram and
image dashboards.
"""

import itertools
import os
import struct
import time
import zlib

import numpy as np

__all__ = ["EventFileWriter", "GraphNode", "masked_crc32c"]

_counter = itertools.count()


# -- CRC-32C (Castagnoli), as the TFRecord framing needs ---------------------------------
def _crc_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _crc_table()


def _crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    table = _CRC_TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    """The CRC-32C of ``data``, rotated and offset as TFRecord files store it."""
    crc = _crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


# -- protocol buffer wire format -----------------------------------------------------------
def _varint(n: int) -> bytes:
    n &= 0xFFFFFFFFFFFFFFFF  # negative int64s are ten-byte two's complement
    out = bytearray()
    while n > 0x7F:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _int(field: int, n: int) -> bytes:
    return _varint(field << 3) + _varint(int(n))


def _double(field: int, x: float) -> bytes:
    return _varint(field << 3 | 1) + struct.pack("<d", float(x))


def _float(field: int, x: float) -> bytes:
    return _varint(field << 3 | 5) + struct.pack("<f", float(x))


def _bytes(field: int, data) -> bytes:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return _varint(field << 3 | 2) + _varint(len(data)) + data


def _packed_doubles(field: int, values) -> bytes:
    return _bytes(field, np.asarray(values, dtype="<f8").tobytes())


# -- the messages -------------------------------------------------------------------------
def _event(step: int, *, summary=None, graph_def=None, file_version=None) -> bytes:
    out = _double(1, time.time()) + _int(2, step)
    if file_version is not None:
        out += _bytes(3, file_version)
    if graph_def is not None:
        out += _bytes(4, graph_def)
    if summary is not None:
        out += _bytes(5, summary)
    return out


def _summary_value(tag: str, payload: bytes) -> bytes:
    """A ``Summary`` with one ``Value``: ``tag`` and ``payload``, one of its value fields."""
    return _bytes(1, _bytes(1, tag) + payload)


def _histogram(values, buckets: int) -> bytes:
    values = np.asarray(values, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        values = np.zeros(1)
    counts, edges = np.histogram(values, bins=buckets)
    # bucket i counts the values in (bucket_limit[i-1], bucket_limit[i]]
    return (_double(1, values.min()) + _double(2, values.max()) + _double(3, values.size)
            + _double(4, values.sum()) + _double(5, values @ values)
            + _packed_doubles(6, edges[1:]) + _packed_doubles(7, counts))


def _png(gray) -> bytes:
    """A grayscale 8-bit PNG of a 2-D uint8 array."""
    height, width = gray.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    rows = b"".join(b"\x00" + gray[r].tobytes() for r in range(height))  # filter 0: none
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def _image(array) -> bytes:
    """``Summary.Image`` of a 2-D array, scaled to the full grey range."""
    a = np.asarray(array, dtype=np.float64)
    finite = a[np.isfinite(a)]
    low, high = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    scaled = np.zeros_like(a) if high <= low else (a - low) / (high - low)
    gray = np.ascontiguousarray(np.nan_to_num(scaled * 255.0).round().astype(np.uint8))
    return (_int(1, gray.shape[0]) + _int(2, gray.shape[1]) + _int(3, 1)
            + _bytes(4, _png(gray)))


# -- graphs -------------------------------------------------------------------------------
_DTYPES = {"float32": 1, "float64": 2, "int32": 3, "uint8": 4, "int16": 5, "int8": 6,
           "str": 7, "complex64": 8, "int64": 9, "bool": 10, "uint16": 17,
           "complex128": 18, "float16": 19}


class GraphNode:
    """One node of a graph as TensorBoard shows it.

    ``name``: unique, '/' separates name scopes (drawn as boxes that open);
    ``op``: the operation's name; ``inputs``: names of the nodes feeding it
    (``"name:k"`` for output k > 0 of a node with several); ``shapes``: the shape of
    each output (None entries or dimensions: unknown), shown on the edges; ``dtype``:
    a NumPy dtype; ``attrs``: more to show in the node's card (str, int, float, bool).
    """

    __slots__ = ("name", "op", "inputs", "shapes", "dtype", "attrs")

    def __init__(self, name, op, inputs=(), shapes=None, dtype=None, attrs=None):
        self.name, self.op, self.inputs = name, op, list(inputs)
        self.shapes, self.dtype, self.attrs = shapes, dtype, dict(attrs or {})

    def __repr__(self):
        return f"GraphNode({self.name!r}, {self.op!r}, inputs={self.inputs})"


def _shape(shape) -> bytes:
    if shape is None:
        return _int(3, 1)  # unknown_rank
    return b"".join(_bytes(2, _int(1, -1 if d is None else d)) for d in shape)


def _attr_value(value) -> bytes:
    if isinstance(value, bool):
        return _int(5, value)
    if isinstance(value, (int, np.integer)):
        return _int(3, value)
    if isinstance(value, (float, np.floating)):
        return _float(4, value)
    return _bytes(2, str(value))


def _attr(key: str, value: bytes) -> bytes:
    return _bytes(5, _bytes(1, key) + _bytes(2, value))  # one entry of map<string, AttrValue>


def _node_def(node: GraphNode) -> bytes:
    out = _bytes(1, node.name) + _bytes(2, node.op)
    out += b"".join(_bytes(3, name) for name in node.inputs)
    if node.shapes is not None:  # what TensorBoard labels the out-edges with
        shapes = b"".join(_bytes(7, _shape(s)) for s in node.shapes)
        out += _attr("_output_shapes", _bytes(1, shapes))
    code = _DTYPES.get(np.dtype(node.dtype).name) if node.dtype is not None else None
    if code is not None:
        out += _attr("T", _int(6, code))
    for key, value in node.attrs.items():
        out += _attr(key, _attr_value(value))
    return out


def _graph_def(nodes) -> bytes:
    return b"".join(_bytes(1, _node_def(n)) for n in nodes) + _bytes(4, _int(1, 22))


# -- the writer -----------------------------------------------------------------------------
class EventFileWriter:
    """Write one TensorBoard event file in ``logdir`` (created if needed).

    TensorBoard shows each folder holding event files as one run: write the training
    logs and the validation logs to two folders (``logs/train``, ``logs/validation``)
    to see both curves on one chart.
    """

    def __init__(self, logdir):
        import socket  # only for the file name, as TensorFlow names event files

        self.logdir = os.fspath(logdir)
        os.makedirs(self.logdir, exist_ok=True)
        name = (f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}."
                f"{os.getpid()}.{next(_counter)}.v2")
        self.path = os.path.join(self.logdir, name)
        self._file = open(self.path, "wb")  # noqa: SIM115 (closed by close())
        self._write(_event(0, file_version="brain.Event:2"))

    def _write(self, payload: bytes) -> None:
        if self._file is None:
            raise ValueError(f"the event file {self.path!r} is closed")
        header = struct.pack("<Q", len(payload))
        self._file.write(header + struct.pack("<I", masked_crc32c(header)) + payload
                         + struct.pack("<I", masked_crc32c(payload)))

    def scalar(self, tag: str, value, step: int) -> None:
        """One point of the curve ``tag``."""
        self._write(_event(step, summary=_summary_value(tag, _float(2, float(value)))))

    def histogram(self, tag: str, values, step: int, buckets: int = 30) -> None:
        """The distribution of ``values`` (any shape) at ``step``."""
        histogram = _bytes(5, _histogram(values, buckets))
        self._write(_event(step, summary=_summary_value(tag, histogram)))

    def image(self, tag: str, array, step: int) -> None:
        """A 2-D array as a grayscale image, its smallest value black, its largest white."""
        array = np.asarray(array)
        if array.ndim != 2:
            raise ValueError(f"EventFileWriter.image: expected a 2-D array, got shape "
                             f"{array.shape}")
        self._write(_event(step, summary=_summary_value(tag, _bytes(4, _image(array)))))

    def graph(self, nodes) -> None:
        """A graph of :class:`GraphNode` (TensorBoard's Graphs tab shows the last one)."""
        self._write(_event(0, graph_def=_graph_def(nodes)))

    def flush(self) -> None:
        if self._file is not None:
            self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
