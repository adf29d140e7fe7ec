"""DType objects (``ndflow.float32`` ...) and conversion to and from array dtypes."""

import numpy as np


class DType:
    """An element type of tensors, named as in TensorFlow (``ndflow.float32``)."""

    __slots__ = ("name", "_np")

    def __init__(self, name: str, np_dtype):
        self.name = name
        self._np = np_dtype

    @property
    def as_numpy_dtype(self):
        """The NumPy scalar type, e.g. ``numpy.float32``."""
        return self._np.type

    @property
    def np_dtype(self) -> np.dtype:
        """The NumPy dtype object."""
        return self._np

    @property
    def is_floating(self) -> bool:
        return self._np.kind == "f"

    @property
    def is_integer(self) -> bool:
        return self._np.kind in "iu"

    @property
    def is_unsigned(self) -> bool:
        return self._np.kind in "ub"

    @property
    def is_complex(self) -> bool:
        return self._np.kind == "c"

    @property
    def is_bool(self) -> bool:
        return self._np.kind == "b"

    @property
    def is_numeric(self) -> bool:
        return self._np.kind in "biufc"

    @property
    def is_differentiable(self) -> bool:
        """Whether gradients flow through values of this type (floats and complex)."""
        return self._np.kind in "fc"

    @property
    def size(self) -> int:
        """Bytes per element (strings: 0, as their size varies)."""
        return 0 if self is string else self._np.itemsize

    @property
    def real_dtype(self) -> "DType":
        """The float type of the real part (the type itself for real types)."""
        if self._np.kind == "c":
            return as_dtype(np.float32 if self._np.itemsize == 8 else np.float64)
        return self

    @property
    def min(self):
        if self._np.kind == "f":
            return float(np.finfo(self._np).min)
        if self._np.kind in "iu":
            return int(np.iinfo(self._np).min)
        if self._np.kind == "b":
            return False
        raise TypeError(f"Cannot find the minimum value of {self.name}")

    @property
    def max(self):
        if self._np.kind == "f":
            return float(np.finfo(self._np).max)
        if self._np.kind in "iu":
            return int(np.iinfo(self._np).max)
        if self._np.kind == "b":
            return True
        raise TypeError(f"Cannot find the maximum value of {self.name}")

    def __eq__(self, other):
        if other is self:
            return True
        if other is None:
            return False
        try:
            return as_dtype(other) is self
        except TypeError:
            return False

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"ndflow.{self.name}"

    def __str__(self):
        return f"<dtype: '{self.name}'>"

    def __reduce__(self):
        return as_dtype, (self.name,)


_BY_NAME: dict = {}
_BY_NP: dict = {}


def _register(name, np_type):
    dt = DType(name, np.dtype(np_type))
    _BY_NAME[name] = dt
    _BY_NP[dt._np] = dt
    return dt


float16 = half = _register("float16", np.float16)
float32 = _register("float32", np.float32)
float64 = double = _register("float64", np.float64)
int8 = _register("int8", np.int8)
int16 = _register("int16", np.int16)
int32 = _register("int32", np.int32)
int64 = _register("int64", np.int64)
uint8 = _register("uint8", np.uint8)
uint16 = _register("uint16", np.uint16)
uint32 = _register("uint32", np.uint32)
uint64 = _register("uint64", np.uint64)
bool = _register("bool", np.bool_)  # noqa: A001 - TensorFlow's name
complex64 = _register("complex64", np.complex64)
complex128 = _register("complex128", np.complex128)
string = DType("string", np.dtype(str))
_BY_NAME["string"] = string

_ALIASES = {"float": "float32", "half": "float16", "double": "float64", "str": "string",
            "bytes": "string", "object": "string"}


def as_dtype(value) -> DType:
    """Convert a DType, a name ('float32'), a NumPy dtype or a Python type to a DType."""
    if type(value) is DType:
        return value
    if isinstance(value, np.dtype):
        dt = _BY_NP.get(value)
        if dt is not None:
            return dt
        if value.kind in "USO":
            return string
        raise TypeError(f"Cannot convert NumPy dtype {value} to an ndflow DType")
    if isinstance(value, str):
        dt = _BY_NAME.get(_ALIASES.get(value, value))
        if dt is None:
            raise TypeError(
                f"Unknown dtype name {value!r}; valid names are: {', '.join(sorted(_BY_NAME))}"
            )
        return dt
    if value is str or value is bytes:
        return string
    if hasattr(value, "as_numpy_dtype") and not isinstance(value, type):
        return as_dtype(np.dtype(value.as_numpy_dtype))
    try:
        npdt = np.dtype(value)
    except TypeError:
        raise TypeError(f"Cannot convert {value!r} to an ndflow DType") from None
    return as_dtype(npdt)


_NP_BY_NAME: dict = {}


def to_np_dtype(value) -> np.dtype:
    """Convert anything :func:`as_dtype` accepts to the array dtype used for storage."""
    if isinstance(value, np.dtype):
        return value
    if isinstance(value, str):  # names are the common case: remember them
        found = _NP_BY_NAME.get(value)
        if found is None:
            found = _NP_BY_NAME[value] = as_dtype(value)._np
        return found
    return as_dtype(value)._np

