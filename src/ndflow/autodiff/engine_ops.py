"""The few primitives the gradient engine itself needs.

Accumulating gradients (``add_any``), reducing broadcast gradients to an input's shape
(``sum_to_shape`` and its transpose ``broadcast_to``), and assembling Jacobians
(``reshape``, ``stack``, ``select``). They are ordinary differentiable primitives, so a
backward pass built from them can be differentiated again. ``ndflow.ops`` exports the
public ``reshape``, ``stack`` and ``broadcast_to`` from here.
"""

import numpy as np

from ndflow.autodiff.primitive import bind, defvjp, defvjp_all, primitive
from ndflow.core.errors import shape_str
from ndflow.core.tensor import wrap


def _sum_to_shape(x, shape):
    lead = x.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, d in enumerate(shape) if d == 1 and x.shape[lead + i] != 1
    )
    summed = x.sum(axis=axes, keepdims=True) if axes else x
    return summed.reshape(shape)


def _explain_reshape(arrays, params, error):
    x, shape = arrays[0], params["shape"]
    if list(shape).count(-1) > 1:
        return f"Only one dimension of the shape may be -1, got {shape_str(shape)}"
    return (f"Input to reshape is a tensor with {x.size} values, but the requested shape "
            f"{shape_str(shape)} has {int(np.prod([d for d in shape if d != -1]))}"
            + (" (times the -1 dimension)" if -1 in shape else ""))


def _explain_broadcast(arrays, params, error):
    return (f"Cannot broadcast a tensor of shape {shape_str(arrays[0].shape)} to shape "
            f"{shape_str(params['shape'])}")


def _broadcast_forward(x, shape):
    if x.ndim <= len(shape) and isinstance(x, (np.ndarray, np.generic)):
        # a fresh array filled by assignment: several times faster than np.broadcast_to
        # for the small gradients of eager training (assignment broadcasts by the same
        # rules once the target has at least x's rank)
        out = np.empty(shape, x.dtype)
        out[...] = x
        return out
    return np.broadcast_to(x, shape)


add_any_p = primitive("add_any", lambda x, y: x + y)
sum_to_shape_p = primitive("sum_to_shape", _sum_to_shape)
broadcast_to_p = primitive("broadcast_to", _broadcast_forward, _explain_broadcast)
reshape_p = primitive("reshape", lambda x, shape: x.reshape(shape), _explain_reshape)
stack_p = primitive("stack", lambda *xs, axis: np.stack(xs, axis=axis))
select_p = primitive("select", lambda x, index, axis: np.take(x, index, axis=axis))


def add_any(x, y):
    """Sum two gradients of equal shape."""
    return bind(add_any_p, x, y)


def sum_to_shape(x, shape):
    """Sum ``x`` over the axes along which a tensor of ``shape`` was broadcast."""
    return bind(sum_to_shape_p, x, shape=tuple(shape))


def broadcast_to(input, shape, name=None):
    """Broadcast a tensor to a compatible shape (NumPy rules)."""
    return bind(broadcast_to_p, input, shape=tuple(int(d) for d in shape))


def reshape(tensor, shape, name=None):
    """Give a tensor a new shape with the same number of elements; -1 is inferred."""
    return bind(reshape_p, tensor, shape=_shape_tuple(shape))


def stack(values, axis=0, name=None):
    """Stack a list of same-shaped tensors along a new axis."""
    if not len(values):
        raise ValueError("stack needs at least one tensor")
    return bind(stack_p, *values, axis=int(axis))


def select(x, index, axis=0):
    """Take the slice ``index`` along ``axis`` (dropping that axis)."""
    return bind(select_p, x, index=int(index), axis=int(axis))


def _shape_tuple(shape):
    if hasattr(shape, "_value"):  # a Tensor holding the shape
        shape = shape._value.tolist()
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(d) for d in shape)


def _zeros_like(array):
    return wrap(np.zeros_like(array))


def _stack_vjp(g, out, *xs, axis):
    return [select(g, i, axis) for i in range(len(xs))]


def _select_vjp(g, out, x, index, axis):
    n = np.shape(x)[axis]
    index %= n  # a negative index counts from the end
    zero = _zeros_like(g._value)
    return stack([g if i == index else zero for i in range(n)], axis=axis)


defvjp(add_any_p, lambda g, out, x, y: g, lambda g, out, x, y: g)
defvjp(sum_to_shape_p, lambda g, out, x, shape: broadcast_to(g, np.shape(x)))
defvjp(broadcast_to_p, lambda g, out, x, shape: g)  # the tape sums g back to x's shape
defvjp(reshape_p, lambda g, out, x, shape: reshape(g, np.shape(x)))
defvjp_all(stack_p, _stack_vjp)
defvjp(select_p, _select_vjp)
