"""Turning what users pass to ``fit``/``evaluate``/``predict`` into batches.

Arrays (NumPy arrays, tensors, nested lists/dicts of them for several inputs) are sliced
into batches, reshuffled every epoch when asked; Python generators (and iterables of
batches) are read as they come. ``validation_split`` takes the *last* fraction of the
arrays before any shuffling, as Keras does.
"""

import numpy as np

from ndflow.backend import rng
from ndflow.backend.config import floatx
from ndflow.backend.xp import to_numpy
from ndflow.core import nest
from ndflow.core.tensor import Tensor, wrap


def unpack_x_y_sample_weight(data):
    """Split a batch ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(f"Data is expected to be x, (x,), (x, y) or (x, y, sample_weight), "
                     f"got a tuple of {len(data)} elements")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """A batch as ``train_step`` receives it: ``(x,)``, ``(x, y)`` or the triple, so a
    custom step may write ``x, y = data`` when there are no sample weights (as in Keras)."""
    if y is None:
        return (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _as_array(value):
    if isinstance(value, Tensor):
        value = to_numpy(value._value)
    elif not hasattr(value, "shape"):  # Python numbers or nested lists of them
        value = np.asarray(value)
    # As Keras's array adapter: float data is cast to floatx once, not at every step.
    if value.dtype.kind == "f" and value.dtype != np.dtype(floatx()):
        value = value.astype(floatx())
    return value


def _is_structure_of_arrays(value):
    """A list of arrays (several inputs) rather than nested Python numbers (one array)."""
    return bool(value) and all(hasattr(v, "shape") or isinstance(v, (dict,)) for v in value)


def _structure(value):
    """Normalize x or y: arrays stay, lists/dicts of arrays become lists/dicts of arrays."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: _as_array(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) and _is_structure_of_arrays(value):
        return [_as_array(v) for v in value]
    return _as_array(value)


def is_array_data(x) -> bool:
    """True when ``x`` can be sliced (arrays, tensors, lists/dicts of them)."""
    if x is None:
        return False
    if isinstance(x, dict):
        return all(is_array_data(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return True
    return hasattr(x, "shape") or isinstance(x, Tensor)


class ArrayData:
    """Array inputs, targets and sample weights, sliced into batches."""

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=False):
        self.x, self.y, self.sample_weight = _structure(x), _structure(y), _structure(
            sample_weight)
        self.batch_size = int(batch_size) if batch_size else 32
        self.shuffle = shuffle
        self.num_samples = self._check_lengths()

    def _check_lengths(self):
        lengths = {}
        for part, value in (("x", self.x), ("y", self.y), ("sample_weight", self.sample_weight)):
            for i, arr in enumerate(nest.flatten(value) if value is not None else []):
                label = part if not nest.is_nested(value) else f"{part}[{i}]"
                lengths[label] = int(arr.shape[0]) if getattr(arr, "ndim", 0) else 1
        if len(set(lengths.values())) > 1:
            detail = ", ".join(f"{k}: {v}" for k, v in lengths.items())
            raise ValueError(f"Data cardinality is ambiguous: make sure all arrays contain the "
                             f"same number of samples ({detail})")
        if not lengths:
            raise ValueError("No data was given: pass x (and y for training)")
        return next(iter(lengths.values()))

    @property
    def num_batches(self) -> int:
        return max(1, -(-self.num_samples // self.batch_size))

    def split(self, validation_split):
        """The last ``validation_split`` fraction as validation data (before shuffling)."""
        if not 0 < validation_split < 1:
            raise ValueError(f"validation_split must be in (0, 1), got {validation_split}")
        cut = int(self.num_samples * (1.0 - validation_split))
        if cut == 0 or cut == self.num_samples:
            raise ValueError(f"validation_split={validation_split} leaves an empty training "
                             f"or validation set for {self.num_samples} samples")
        head = _slicer(slice(0, cut))
        tail = _slicer(slice(cut, None))
        train = ArrayData(head(self.x), head(self.y), head(self.sample_weight), self.batch_size,
                          self.shuffle)
        val = ArrayData(tail(self.x), tail(self.y), tail(self.sample_weight), self.batch_size)
        return train, val

    def batches(self):
        """One epoch of ``(x, y, sample_weight)`` batches, numeric arrays as tensors."""
        n = self.num_samples
        parts = (self.x, self.y, self.sample_weight)
        if self.shuffle:
            # one gather per epoch; the batches are then views of the shuffled copy
            parts = _take(parts, rng.generator(None).permutation(n), _same)
        for start in range(0, n, self.batch_size):
            yield pack_x_y_sample_weight(*_take(parts, slice(start, start + self.batch_size),
                                                _as_batch))


def _same(array):
    return array


def _as_batch(array):
    """A batch array as the tensor a model receives (strings and objects stay arrays)."""
    return wrap(array) if array.dtype.kind in "biufc" else array


def _take(parts, index, finish):
    """``finish(a[index])`` for every array of ``parts`` (arrays, lists, dicts or None)."""
    out = []
    for value in parts:
        if value is None:
            out.append(None)
        elif type(value) is np.ndarray:
            out.append(finish(value[index]))
        else:
            out.append(nest.map_structure(lambda a: finish(a[index]), value))
    return tuple(out)


def _slicer(index):
    def take(value):
        if value is None:
            return None
        return nest.map_structure(lambda a: a[index], value)

    return take


class GeneratorData:
    """Batches from a Python generator, an iterable of ``(x, y[, sample_weight])`` or an
    ``ndflow.data.Dataset`` (of batches, as Keras expects; iterated afresh every epoch)."""

    def __init__(self, source, steps=None):
        if steps is None and hasattr(source, "cardinality") and int(source.cardinality()) == -1:
            raise ValueError("The dataset is infinite (repeat() without a count): pass "
                             "steps_per_epoch to fit, steps to evaluate or predict, or "
                             "validation_steps for validation data")
        self.source = source
        self.steps = steps
        self._iterator = None

    @property
    def num_batches(self):
        if self.steps is None and hasattr(self.source, "cardinality"):
            count = int(self.source.cardinality())
            return count if count >= 0 else None  # infinite or unknown
        return self.steps

    def batches(self):
        if self._iterator is None or not hasattr(self.source, "__next__"):
            self._iterator = iter(self.source)
        count = 0
        while self.steps is None or count < self.steps:
            try:
                data = next(self._iterator)
            except StopIteration:
                self._iterator = None
                return
            count += 1
            yield pack_x_y_sample_weight(*unpack_x_y_sample_weight(data))


def adapt(x, y=None, sample_weight=None, batch_size=None, shuffle=False, steps=None):
    """Choose the adapter for what the user passed."""
    if is_array_data(x):
        return ArrayData(x, y, sample_weight, batch_size or 32, shuffle)
    if hasattr(x, "__iter__") or hasattr(x, "__next__"):
        if y is not None:
            raise ValueError("When x is a generator or an iterable of batches, y must not be "
                             "given separately: yield (x, y) pairs instead")
        return GeneratorData(x, steps)
    raise TypeError(f"Unrecognized data type: x={type(x).__name__}. Pass NumPy arrays, "
                    "tensors, lists or dicts of them, or a generator of batches")
