"""Nodes that combine consecutive elements into batches: batch and padded_batch."""

import numpy as np

from ndflow.core.errors import InvalidArgumentError
from ndflow.data import structure as st
from ndflow.data.node import INFINITE, UNKNOWN, Node, rebatch


def batched_cardinality(n, batch_size, drop_remainder):
    if n in (INFINITE, UNKNOWN):
        return n
    return n // batch_size if drop_remainder else -(-n // batch_size)


def _columns(elements, what):
    """The leaves of ``elements``, grouped by component; the structures must agree."""
    first = elements[0]
    flats = [st.flatten(e) for e in elements]
    kind, n = type(first), len(flats[0])
    for i, flat in enumerate(flats):
        e = elements[i]
        if len(flat) != n or type(e) is not kind or (
            kind is not tuple and not st.same_structure(first, e)
        ):
            raise InvalidArgumentError(f"{what}: element {i} has a different structure from "
                                       "element 0 of the batch")
    return first, list(zip(*flats))


def stack(elements, what="batch"):
    """Stack elements component by component into one batch element."""
    first, columns = _columns(elements, what)
    out = []
    for c, column in enumerate(columns):
        shape = column[0].shape
        for i, leaf in enumerate(column):
            if leaf.shape != shape:
                raise InvalidArgumentError(
                    f"{what}: cannot batch tensors with different shapes in component {c}. "
                    f"First element had shape {list(shape)} and element {i} had shape "
                    f"{list(leaf.shape)}; use padded_batch to pad them to a common shape")
        out.append(np.stack(column))
    return st.pack(first, out)


class Batch(Node):
    def __init__(self, node, batch_size, drop_remainder):
        self.inputs = (node,)
        self.batch_size, self.drop_remainder = batch_size, drop_remainder

    def cardinality(self):
        return batched_cardinality(self.inputs[0].cardinality(), self.batch_size,
                                   self.drop_remainder)

    def elements(self):
        plan = self.inputs[0].plan()
        if plan is not None:
            gather = plan.source.gather
            return map(gather, rebatch(plan.chunks(), self.batch_size, self.drop_remainder))
        return self._stacked()

    def _stacked(self):
        size, pending = self.batch_size, []
        for element in self.inputs[0].elements():
            pending.append(element)
            if len(pending) == size:
                yield stack(pending)
                pending = []
        if pending and not self.drop_remainder:
            yield stack(pending)


class PaddedBatch(Node):
    def __init__(self, node, batch_size, padded_shapes, padding_values, drop_remainder):
        self.inputs = (node,)
        self.batch_size, self.drop_remainder = batch_size, drop_remainder
        self.padded_shapes, self.padding_values = padded_shapes, padding_values

    def cardinality(self):
        return batched_cardinality(self.inputs[0].cardinality(), self.batch_size,
                                   self.drop_remainder)

    def elements(self):
        pending = []
        for element in self.inputs[0].elements():
            pending.append(element)
            if len(pending) == self.batch_size:
                yield self._pad(pending)
                pending = []
        if pending and not self.drop_remainder:
            yield self._pad(pending)

    def _per_component(self, value, first, what):
        """``value`` (one for all components, or a structure like the element) as a list."""
        n = len(st.flatten(first))
        if value is None:
            return [None] * n
        if not isinstance(value, st._CONTAINERS) or (
            what == "padded_shapes" and type(value) is not dict
            and not isinstance(first, st._CONTAINERS)
        ):
            return [value] * n
        try:
            return st.flatten_up_to(first, value)
        except ValueError:
            raise ValueError(f"padded_batch: {what} {value!r} does not match the structure of "
                             f"the elements") from None

    def _pad(self, elements):
        first, columns = _columns(elements, "padded_batch")
        shapes = self._per_component(self.padded_shapes, first, "padded_shapes")
        values = self._per_component(self.padding_values, first, "padding_values")
        return st.pack(first, [_pad_column(column, c, shape, value) for c, (column, shape, value)
                               in enumerate(zip(columns, shapes, values))])


def _pad_column(column, c, padded_shape, padding_value):
    ranks = {leaf.ndim for leaf in column}
    if len(ranks) > 1:
        raise InvalidArgumentError(f"padded_batch: component {c} has elements of different "
                                   f"ranks {sorted(ranks)}")
    target = [max(leaf.shape[d] for leaf in column) for d in range(column[0].ndim)]
    if padded_shape is not None:
        dims = [None if d is None else int(d) for d in getattr(padded_shape, "dims", padded_shape)]
        if len(dims) != len(target):
            raise ValueError(f"padded_batch: padded_shapes {tuple(padded_shape)} for component "
                             f"{c} has rank {len(dims)}, but its elements have rank "
                             f"{len(target)}")
        for d, want in enumerate(dims):
            if want is not None and want >= 0:
                if want < target[d]:
                    raise InvalidArgumentError(
                        "padded_batch: attempted to pad to a smaller size than the input "
                        f"element: component {c} has size {target[d]} in dimension {d}, "
                        f"padded_shapes asks for {want}")
                target[d] = want
    dtype = np.result_type(*[leaf.dtype for leaf in column])
    if padding_value is None:
        fill = "" if dtype.kind in "US" else 0
    else:
        fill = padding_value._value if hasattr(padding_value, "_value") else padding_value
    out = np.full((len(column), *target), fill, dtype=dtype)
    for i, leaf in enumerate(column):
        out[(i, *(slice(0, s) for s in leaf.shape))] = leaf
    return out
