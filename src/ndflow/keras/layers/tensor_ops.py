"""Python operators on symbolic tensors: ``y = v0 * t - 0.5 * g * t ** 2`` in a functional
model. Each operation becomes a small layer in the graph, as in Keras 3."""

from ndflow.keras.keras_tensor import KerasTensor
from ndflow.keras.layers import naming
from ndflow.keras.layers.layer import Layer
from ndflow.ops import math as _math
from ndflow.ops.indexing import getitem
from ndflow.ops.linalg import matmul


class TensorOp(Layer):
    """A layer standing for one operation written on symbolic tensors."""

    def __init__(self, fn, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.fn = fn

    def call(self, inputs):
        return self.fn(*inputs) if isinstance(inputs, list) else self.fn(inputs)

    def get_config(self):
        raise ValueError(
            f"Layer '{self.name}' is an operation written on symbolic tensors and cannot be "
            "serialized; write it as a custom layer, or a Lambda of a named function, to "
            "save the model's config")


def _binary(fn, op_name, reflected=False):
    def method(self, other):
        if isinstance(other, KerasTensor):
            pair = [other, self] if reflected else [self, other]
            return TensorOp(fn, name=_name(op_name))(pair)
        if reflected:
            return TensorOp(lambda a: fn(other, a), name=_name(op_name))(self)
        return TensorOp(lambda a: fn(a, other), name=_name(op_name))(self)

    return method


def _unary(fn, op_name):
    def method(self):
        return TensorOp(fn, name=_name(op_name))(self)

    return method


def _name(op_name):
    return naming.unique(op_name)


def _getitem(self, key):
    return TensorOp(lambda a: getitem(a, key), name=_name("get_item"))(self)


def install():
    """Give KerasTensor its arithmetic operators (called when keras.layers is imported)."""
    table = {
        "add": _math.add, "sub": _math.subtract, "mul": _math.multiply,
        "truediv": _math.divide, "pow": _math.pow, "matmul": matmul,
    }
    names = {"add": "add", "sub": "subtract", "mul": "multiply", "truediv": "divide",
             "pow": "power", "matmul": "matmul"}
    for key, fn in table.items():
        setattr(KerasTensor, f"__{key}__", _binary(fn, names[key]))
        setattr(KerasTensor, f"__r{key}__", _binary(fn, names[key], reflected=True))
    KerasTensor.__neg__ = _unary(_math.negative, "negative")
    KerasTensor.__abs__ = _unary(_math.abs, "absolute")
    KerasTensor.__getitem__ = _getitem
