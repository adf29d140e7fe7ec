"""Nodes that make elements: tensor slices, single tensors, generators, ranges, zips."""

import numpy as np

from ndflow.core.dtypes import to_np_dtype
from ndflow.core.errors import InvalidArgumentError
from ndflow.data import structure as st
from ndflow.data.node import INFINITE, UNKNOWN, Node, Plan, arange_chunks, gather


class TensorSlices(Node):
    """The slices of arrays along their first axis (``from_tensor_slices``)."""

    def __init__(self, value):
        element = st.normalize(value, "from_tensor_slices")
        leaves = st.flatten(element)
        paths = st.leaf_paths(element)
        for path, leaf in zip(paths, leaves):
            if leaf.ndim == 0:
                raise InvalidArgumentError(
                    f"from_tensor_slices: component {path} is a scalar (shape ()); slicing "
                    "needs components of rank >= 1 (use from_tensors for a single element)")
        lengths = [leaf.shape[0] for leaf in leaves]
        if len(set(lengths)) > 1:
            sizes = ", ".join(f"{p}: {n}" for p, n in zip(paths, lengths))
            raise ValueError("from_tensor_slices: all components must have the same size in "
                             f"their first dimension, got lengths {{{sizes}}}")
        self.structure = element
        self.leaves = leaves
        self.length = lengths[0]

    def cardinality(self):
        return self.length

    def plan(self):
        return Plan(self, lambda: arange_chunks(self.length))

    def rows(self, index):
        parts = [gather(leaf, index) for leaf in self.leaves]
        if not isinstance(self.structure, st._CONTAINERS):
            return iter(parts[0])
        if type(self.structure) is tuple and len(parts) == len(self.structure):
            return zip(*parts)  # a flat tuple: zip makes the elements
        return (st.pack(self.structure, row) for row in zip(*parts))

    def gather(self, index):
        return st.pack(self.structure, [gather(leaf, index) for leaf in self.leaves])


class Tensors(Node):
    """One element (``from_tensors``)."""

    def __init__(self, value):
        self.element = st.normalize(value, "from_tensors")

    def cardinality(self):
        return 1

    def elements(self):
        yield self.element


class Range(Node):
    """``range(start, stop, step)`` as scalars of ``dtype`` (``Dataset.range``)."""

    def __init__(self, start, stop, step, dtype):
        self.start, self.stop, self.step = start, stop, step
        self.length = len(range(start, stop, step))
        self.dtype = to_np_dtype(dtype)

    def cardinality(self):
        return self.length

    def plan(self):
        return Plan(self, lambda: arange_chunks(self.length))

    def gather(self, index):
        return (self.start + self.step * index).astype(self.dtype)

    def rows(self, index):
        return iter(self.gather(index))


class Generator(Node):
    """The values a Python generator yields (``from_generator``)."""

    def __init__(self, generator, args, dtypes, shapes):
        self.generator = generator
        self.args = args
        self.dtypes = dtypes  # a structure of numpy dtypes, or None to infer
        self.shapes = shapes  # a structure (like dtypes) of shapes or None, or None

    def elements(self):
        iterator = self.generator(*self.args)
        try:
            iterator = iter(iterator)
        except TypeError:
            raise TypeError(f"from_generator: generator() must return an iterable, got "
                            f"{st.describe(iterator)}") from None
        for value in iterator:
            yield self._convert(value)

    def _convert(self, value):
        if self.dtypes is None:
            return st.normalize(value, "from_generator")
        try:
            values = st.flatten_up_to(self.dtypes, value)
        except (TypeError, ValueError):
            raise TypeError(
                "from_generator: `generator` yielded an element that did not match the "
                f"expected structure. The expected structure was {self.dtypes}, but the "
                f"yielded element was {st.describe(value)}.") from None
        types = st.flatten(self.dtypes)
        leaves = []
        for v, dt in zip(values, types):
            try:
                leaves.append(st.to_array(v, "from_generator", dt))
            except (TypeError, ValueError):
                raise TypeError(
                    "from_generator: `generator` yielded an element that could not be "
                    f"converted to the expected type. The expected type was {dt}, but the "
                    f"yielded element was {st.describe(v)}.") from None
        if self.shapes is not None:
            for leaf, shape in zip(leaves, self.shapes):
                if not _compatible(leaf.shape, shape):
                    raise TypeError(
                        f"from_generator: `generator` yielded an element of shape "
                        f"{tuple(leaf.shape)} where an element of shape {tuple(shape)} was "
                        "expected.")
        return st.pack(self.dtypes, leaves)


def _compatible(shape, expected) -> bool:
    if expected is None:
        return True
    expected = tuple(expected)
    if len(shape) != len(expected):
        return False
    return all(e is None or e == -1 or int(e) == s for s, e in zip(shape, expected))


class Zip(Node):
    """Elements of several datasets side by side, until the shortest ends (``zip``)."""

    def __init__(self, structure):
        self.structure = structure  # a structure of nodes
        self.inputs = tuple(st.flatten(structure))

    def cardinality(self):
        cards = [node.cardinality() for node in self.inputs]
        if UNKNOWN in cards:
            return UNKNOWN
        finite = [c for c in cards if c != INFINITE]
        return min(finite) if finite else INFINITE

    def elements(self):
        iterators = [node.elements() for node in self.inputs]
        while True:
            parts = []
            for it in iterators:
                part = next(it, _END)
                if part is _END:
                    return
                parts.append(part)
            yield st.pack(self.structure, parts)


_END = object()


def signature_parts(output_types, output_shapes, output_signature):
    """``from_generator``'s type arguments as (structure of numpy dtypes, list of shapes)."""
    if output_signature is not None:
        if output_types is not None or output_shapes is not None:
            raise TypeError("from_generator: give output_signature, or output_types and "
                            "output_shapes, not both")
        specs = output_signature
        dtypes = st.map_leaves(lambda s: to_np_dtype(s.dtype), specs)
        shapes = [_spec_shape(s.shape) for s in st.flatten(specs)]
        return dtypes, shapes
    if output_types is None:
        if output_shapes is not None:
            raise TypeError("from_generator: output_shapes needs output_types")
        return None, None
    dtypes = st.map_leaves(to_np_dtype, output_types)
    if output_shapes is None:
        return dtypes, None
    try:
        shapes = st.flatten_up_to(output_types, output_shapes)
    except ValueError:
        raise ValueError(f"from_generator: output_shapes {output_shapes!r} does not match "
                         f"the structure of output_types {output_types!r}") from None
    return dtypes, [_spec_shape(s) for s in shapes]


def _spec_shape(shape):
    if shape is None:
        return None
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    dims = getattr(shape, "dims", shape)
    if dims is None:
        return None
    return tuple(None if d is None else int(getattr(d, "value", d)) for d in dims)
