"""Merging layers: combine a list of tensors into one (Add, Concatenate, Dot, ...).

>>> a, b = Input(shape=(4,)), Input(shape=(4,))
>>> Add()([a, b]).shape
TensorShape([None, 4])

Element-wise merges broadcast their inputs over the non-batch dimensions; an input of
lower rank gets new axes right after the batch axis, so ``(batch, 4)`` meets
``(batch, 3, 4)`` as ``(batch, 1, 4)``.
"""

from ndflow.core.errors import InvalidArgumentError
from ndflow.keras.layers.layer import Layer
from ndflow.ops import math as _math
from ndflow.ops.array import concat, expand_dims, reshape, transpose
from ndflow.ops.creation import ones
from ndflow.ops.linalg import matmul
from ndflow.ops.nn import l2_normalize
from ndflow.ops.reduction import reduce_sum

__all__ = [
    "Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract",
    "add", "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract",
]


def _shape_text(shape):
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + (
        ",)" if len(shape) == 1 else ")")


def _shapes_text(shapes):
    return ", ".join(_shape_text(s) for s in shapes)


def _is_single_shape(value):
    return isinstance(value, tuple) and all(d is None or isinstance(d, int) for d in value)


def _input_shapes(layer, input_shape):
    """The list of input shapes, or an error saying the layer wants a list of tensors."""
    if _is_single_shape(input_shape) or not isinstance(input_shape, (list, tuple)):
        raise InvalidArgumentError(
            f"Layer '{layer.name}' ({type(layer).__name__}) should be called on a list of "
            f"tensors, e.g. {type(layer).__name__}()([x1, x2]); it received one tensor of "
            f"shape {input_shape}")
    shapes = [tuple(s) for s in input_shape]
    if not shapes:
        raise InvalidArgumentError(
            f"Layer '{layer.name}' ({type(layer).__name__}) should be called on a list of at "
            f"least 1 input, but it received an empty list")
    return shapes


def _check_batch_sizes(layer, shapes):
    sizes = {s[0] for s in shapes if s} - {None}
    if len(sizes) > 1:
        raise InvalidArgumentError(
            f"Layer '{layer.name}' ({type(layer).__name__}) cannot merge tensors with "
            f"different batch sizes; received shapes {_shapes_text(shapes)}")


def _as_list(inputs, layer):
    if not isinstance(inputs, (list, tuple)):
        raise InvalidArgumentError(
            f"Layer '{layer.name}' ({type(layer).__name__}) should be called on a list of "
            f"tensors, got {type(inputs).__name__}")
    return list(inputs)


class Merge(Layer):
    """Base of the element-wise merging layers: checks shapes, aligns ranks, merges."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def _merge(self, inputs):
        raise NotImplementedError

    def _output_dims(self, shapes):
        """Broadcast the non-batch dimensions (aligned on the right), or raise naming both."""
        out = shapes[0][1:]
        for shape in shapes[1:]:
            dims = shape[1:]
            if len(dims) > len(out):
                out, dims = dims, out
            merged = list(out[:len(out) - len(dims)])
            for i, j in zip(out[len(out) - len(dims):], dims):
                if i is None or j is None:
                    known = j if i is None else i  # the unknown size is 1 or this one
                    merged.append(None if known in (None, 1) else known)
                elif i == 1 or j == 1 or i == j:
                    merged.append(j if i == 1 else i)
                else:
                    raise InvalidArgumentError(
                        f"Layer '{self.name}' ({type(self).__name__}) received inputs with "
                        f"incompatible shapes {_shapes_text(shapes)}: the dimensions after "
                        f"the batch axis must be equal or 1")
            out = tuple(merged)
        return out

    def build(self, input_shape):
        shapes = _input_shapes(self, input_shape)
        _check_batch_sizes(self, shapes)
        self._output_dims(shapes)
        self.built = True

    def call(self, inputs):
        inputs = _as_list(inputs, self)
        ranks = [x.ndim for x in inputs]
        top = max(ranks)
        if min(ranks) != top:
            inputs = [_expand_after_batch(x, top - r) for x, r in zip(inputs, ranks)]
        try:
            return self._merge(inputs)
        except ValueError:
            # a shape mismatch NumPy found: say it in this layer's words when we can
            shapes = [tuple(x.shape) for x in inputs]
            _check_batch_sizes(self, shapes)
            self._output_dims(shapes)
            raise

    def compute_output_shape(self, input_shape):
        shapes = _input_shapes(self, input_shape)
        _check_batch_sizes(self, shapes)
        batch = next((s[0] for s in shapes if s and s[0] is not None), None)
        return (batch, *self._output_dims(shapes))

    def compute_mask(self, inputs, mask=None):
        """An output step is kept where any input keeps it (None if an input has no mask)."""
        if mask is None or any(m is None for m in mask):
            return None
        out = mask[0]
        for m in mask[1:]:
            out = _math.logical_or(out, m)
        return out


def _expand_after_batch(x, count):
    for _ in range(count):
        x = expand_dims(x, 1)
    return x


class Add(Merge):
    """Add a list of tensors element-wise: ``Add()([x1, x2])``."""

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = _math.add(out, x)
        return out


class Subtract(Merge):
    """Subtract two tensors: ``Subtract()([x1, x2])`` is ``x1 - x2``."""

    def build(self, input_shape):
        shapes = _input_shapes(self, input_shape)
        if len(shapes) != 2:
            raise InvalidArgumentError(
                f"Layer '{self.name}' (Subtract) should be called on a list of exactly 2 "
                f"inputs, but it received {len(shapes)}: shapes {_shapes_text(shapes)}")
        super().build(shapes)

    def _merge(self, inputs):
        if len(inputs) != 2:
            raise InvalidArgumentError(
                f"Layer '{self.name}' (Subtract) should be called on a list of exactly 2 "
                f"inputs, but it received {len(inputs)}")
        return _math.subtract(inputs[0], inputs[1])


class Multiply(Merge):
    """Multiply a list of tensors element-wise."""

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = _math.multiply(out, x)
        return out


class Average(Merge):
    """The element-wise mean of a list of tensors."""

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = _math.add(out, x)
        return out / len(inputs) if len(inputs) > 1 else out


class Maximum(Merge):
    """The element-wise maximum of a list of tensors."""

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = _math.maximum(out, x)
        return out


class Minimum(Merge):
    """The element-wise minimum of a list of tensors."""

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = _math.minimum(out, x)
        return out


class Concatenate(Merge):
    """Join a list of tensors along ``axis``; all other dimensions must match.

    >>> Concatenate()([Input(shape=(2,)), Input(shape=(3,))]).shape
    TensorShape([None, 5])
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def _checked_shapes(self, input_shape):
        """The input shapes and the positive concatenation axis, after the shape checks."""
        shapes = _input_shapes(self, input_shape)
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes):
            raise InvalidArgumentError(
                f"Layer '{self.name}' (Concatenate) needs inputs of the same rank, received "
                f"shapes {_shapes_text(shapes)}")
        if not -rank <= self.axis < rank:
            raise InvalidArgumentError(
                f"Layer '{self.name}' (Concatenate): axis {self.axis} is out of range for "
                f"inputs of rank {rank} (shapes {_shapes_text(shapes)})")
        axis = self.axis % rank
        for d in range(rank):
            sizes = {s[d] for s in shapes} - {None}
            if d != axis and len(sizes) > 1:
                raise InvalidArgumentError(
                    f"Layer '{self.name}' (Concatenate) requires inputs with matching shapes "
                    f"except for the concatenation axis {self.axis}; received shapes "
                    f"{_shapes_text(shapes)}, which differ at axis {d}")
        return shapes, axis

    def build(self, input_shape):
        self._checked_shapes(input_shape)
        self.built = True

    def call(self, inputs):
        inputs = _as_list(inputs, self)
        try:
            return concat(inputs, axis=self.axis)
        except ValueError:
            self._checked_shapes([tuple(x.shape) for x in inputs])
            raise

    def compute_output_shape(self, input_shape):
        shapes, axis = self._checked_shapes(input_shape)
        out = [next((s[d] for s in shapes if s[d] is not None), None)
               for d in range(len(shapes[0]))]
        sizes = [s[axis] for s in shapes]
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def compute_mask(self, inputs, mask=None):
        """Masks (one value per step, the input shape without its last axis) follow the
        concatenation; an input without a mask keeps all its steps."""
        if mask is None or all(m is None for m in mask):
            return None
        masks = [ones(tuple(x.shape)[:-1], dtype="bool") if m is None else m
                 for x, m in zip(inputs, mask)]
        rank = inputs[0].ndim
        if self.axis % rank == rank - 1:  # features joined: a step is kept if any input keeps it
            return super().compute_mask(inputs, masks)
        return concat(masks, axis=self.axis % rank)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Dot(Merge):
    """Dot product of two batched tensors along ``axes`` (batch-wise, as ``batch_dot``).

    ``Dot(axes=1)([a, b])`` with ``a``, ``b`` of shape ``(batch, n)`` gives ``(batch, 1)``;
    ``Dot(axes=(2, 1))`` on ``(batch, m, k)`` and ``(batch, k, n)`` is a batched matmul.
    With ``normalize=True`` the inputs are L2-normalized along the axes first (cosine
    similarity).
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axes, (list, tuple)):
            if len(axes) != 2 or not all(isinstance(a, int) for a in axes):
                raise ValueError(f"Dot: `axes` must be an int or a tuple of 2 ints, got "
                                 f"{axes!r}")
            axes = tuple(int(a) for a in axes)
        elif not isinstance(axes, int):
            raise TypeError(f"Dot: `axes` must be an int or a tuple of 2 ints, got {axes!r}")
        self.axes = axes
        self.normalize = bool(normalize)
        self.supports_masking = False

    def _resolve(self, input_shape):
        """The two shapes and the two positive axes, after the shape checks."""
        shapes = _input_shapes(self, input_shape)
        if len(shapes) != 2:
            raise InvalidArgumentError(
                f"Layer '{self.name}' (Dot) should be called on a list of exactly 2 inputs, "
                f"but it received {len(shapes)}: shapes {_shapes_text(shapes)}")
        s1, s2 = shapes
        axes = self.axes if isinstance(self.axes, tuple) else (self.axes, self.axes)
        for shape, a in zip(shapes, axes):
            if not -len(shape) <= a < len(shape):
                raise InvalidArgumentError(
                    f"Layer '{self.name}' (Dot): axes {self.axes} are out of range for input "
                    f"shapes {_shapes_text(shapes)}")
        a1, a2 = axes[0] % len(s1), axes[1] % len(s2)
        if a1 == 0 or a2 == 0:
            raise InvalidArgumentError(
                f"Layer '{self.name}' (Dot) cannot take the dot product over the batch axis "
                f"0 (axes={self.axes}, input shapes {_shapes_text(shapes)})")
        _check_batch_sizes(self, shapes)
        if s1[a1] is not None and s2[a2] is not None and s1[a1] != s2[a2]:
            raise InvalidArgumentError(
                f"Layer '{self.name}' (Dot) received incompatible input shapes "
                f"{_shapes_text(shapes)}: size {s1[a1]} at axis {a1} of the first input != "
                f"size {s2[a2]} at axis {a2} of the second")
        return s1, s2, a1, a2

    def build(self, input_shape):
        self._resolve(input_shape)
        self.built = True

    def call(self, inputs):
        inputs = _as_list(inputs, self)
        x, y = inputs if len(inputs) == 2 else (None, None)
        s1, s2, a1, a2 = self._resolve([tuple(t.shape) for t in inputs])
        if self.normalize:
            x, y = l2_normalize(x, axis=a1), l2_normalize(y, axis=a2)
        if len(s1) == 2 and len(s2) == 2:
            return reduce_sum(_math.multiply(x, y), axis=1, keepdims=True)
        rest1 = [d for i, d in enumerate(s1) if i not in (0, a1)]
        rest2 = [d for i, d in enumerate(s2) if i not in (0, a2)]
        x = _move(x, [0, *[i for i in range(1, len(s1)) if i != a1], a1])
        y = _move(y, [0, a2, *[i for i in range(1, len(s2)) if i != a2]])
        batch, k = s1[0], s1[a1]
        z = matmul(reshape(x, (batch, _prod(rest1), k)), reshape(y, (batch, k, _prod(rest2))))
        return reshape(z, (batch, *rest1, *rest2) if rest1 or rest2 else (batch, 1))

    def compute_output_shape(self, input_shape):
        s1, s2, a1, a2 = self._resolve(input_shape)
        out = [d for i, d in enumerate(s1) if i != a1]
        out += [d for i, d in enumerate(s2) if i not in (0, a2)]
        if out[0] is None:
            out[0] = s2[0]
        return tuple(out) if len(out) > 1 else (out[0], 1)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        axes = list(self.axes) if isinstance(self.axes, tuple) else self.axes
        return {**super().get_config(), "axes": axes, "normalize": self.normalize}


def _move(x, perm):
    return x if perm == sorted(perm) else transpose(x, perm)


def _prod(dims):
    out = 1
    for d in dims:
        out *= d
    return out


# -- functional forms ----------------------------------------------------------------
def add(inputs, **kwargs):
    """Functional form of :class:`Add`: ``add([x1, x2])``."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of :class:`Subtract`: ``subtract([x1, x2])`` is ``x1 - x2``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of :class:`Multiply`."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of :class:`Average`."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of :class:`Maximum`."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of :class:`Minimum`."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of :class:`Concatenate`."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes=-1, normalize=False, **kwargs):
    """Functional form of :class:`Dot`."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
