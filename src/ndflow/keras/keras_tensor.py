"""KerasTensor: a symbolic tensor (shape with None for unknown sizes, dtype) that flows
through layers when a functional model is defined, recording which layer made it."""

from ndflow.core.dtypes import as_dtype
from ndflow.core.shape import TensorShape


class KerasTensor:
    """A placeholder for the tensors a functional model will compute, as ``keras.KerasTensor``."""

    def __init__(self, shape, dtype="float32", name=None, node=None, index=0):
        self.shape = TensorShape(shape)
        self.dtype = as_dtype(dtype).name
        self.name = name
        self.node = node  # the call (a Node) that produced this tensor; None for inputs
        self.index = index  # which output of that call this tensor is

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self):
        shape = "(" + ", ".join("None" if d is None else str(d) for d in self.shape) + (
            ",)" if len(self.shape) == 1 else ")")
        return f"<KerasTensor shape={shape}, dtype={self.dtype}, name={self.name}>"

    def __array__(self, *args, **kwargs):
        raise TypeError(
            "A KerasTensor is symbolic: it has no values until the model is called on data. "
            "Use it to build a functional Model (keras.Model(inputs, outputs)), or wrap "
            "the computation in a Layer (e.g. keras.layers.Lambda).")

    def __bool__(self):
        raise TypeError("A KerasTensor is symbolic and has no truth value")

    __hash__ = object.__hash__


def is_keras_tensor(x) -> bool:
    """True for the symbolic tensors of a functional model definition."""
    return isinstance(x, KerasTensor)
