"""Attach Python operators, indexing and iteration to Tensor (they are ops)."""

from ndflow.core.tensor import Tensor
from ndflow.ops import indexing, linalg
from ndflow.ops import math as m


def _reflected(fn):
    return lambda self, other: fn(other, self)


def install():
    """Give Tensor its operators; called once when ndflow.ops is imported."""
    T = Tensor
    T.__add__, T.__radd__ = m.add, _reflected(m.add)
    T.__sub__, T.__rsub__ = m.subtract, _reflected(m.subtract)
    T.__mul__, T.__rmul__ = m.multiply, _reflected(m.multiply)
    T.__truediv__, T.__rtruediv__ = m.divide, _reflected(m.divide)
    T.__floordiv__, T.__rfloordiv__ = m.floordiv, _reflected(m.floordiv)
    T.__mod__, T.__rmod__ = m.mod, _reflected(m.mod)
    T.__pow__, T.__rpow__ = m.pow, _reflected(m.pow)
    T.__matmul__, T.__rmatmul__ = linalg.matmul, _reflected(linalg.matmul)
    T.__neg__ = m.negative
    T.__pos__ = lambda self: self
    T.__abs__ = m.abs
    T.__invert__ = _invert
    T.__and__, T.__rand__ = m.logical_and, _reflected(m.logical_and)
    T.__or__, T.__ror__ = m.logical_or, _reflected(m.logical_or)
    T.__xor__, T.__rxor__ = m.logical_xor, _reflected(m.logical_xor)
    T.__eq__ = _eq
    T.__ne__ = _ne
    T.__lt__ = m.less
    T.__le__ = m.less_equal
    T.__gt__ = m.greater
    T.__ge__ = m.greater_equal
    T.__getitem__ = indexing.getitem
    T.__iter__ = _iterate


def _eq(self, other):
    return False if other is None else m.equal(self, other)


def _ne(self, other):
    return True if other is None else m.not_equal(self, other)


def _invert(self):
    return m.logical_not(self)


def _iterate(self):
    if self._value.ndim == 0:
        raise TypeError("Cannot iterate over a scalar (rank-0) tensor")
    return (indexing.getitem(self, i) for i in range(self._value.shape[0]))
