"""Check tape gradients against central finite differences, to first or higher order.

>>> import ndflow as nd
>>> check_gradients(lambda x: nd.sin(x) * x, [[0.1, 0.5, 2.0]], order=2)
"""

import numpy as np

from ndflow.autodiff.tape import GradientTape
from ndflow.core.tensor import Tensor, wrap
from ndflow.ops.reduction import reduce_sum


class GradientCheckError(AssertionError):
    """Tape gradients and finite differences disagree."""


def _as_float64(a):
    arr = np.asarray(a._value if isinstance(a, Tensor) else a, dtype=np.float64)
    return arr.copy()


def _projected(f, weights_seed):
    """Make ``f`` scalar by a fixed random projection of its output."""
    cache = {}

    def scalar(*ts):
        out = f(*ts)
        if not isinstance(out, Tensor):
            raise TypeError(f"check_gradients: the function must return a tensor, got "
                            f"{type(out).__name__}")
        if "w" not in cache:
            rng = np.random.default_rng(weights_seed)
            cache["w"] = wrap(rng.standard_normal(out._value.shape).astype(out._value.dtype))
        return reduce_sum(out * cache["w"])

    return scalar


def numerical_gradients(f, args, eps=1e-6):
    """Central finite differences of a scalar function ``f`` w.r.t. each argument."""
    arrays = [_as_float64(a) for a in args]
    grads = []
    for i, a in enumerate(arrays):
        g = np.zeros_like(a)
        flat, gflat = a.reshape(-1), g.reshape(-1)
        for j in range(flat.size):
            orig = flat[j]
            flat[j] = orig + eps
            plus = float(f(*[wrap(x) for x in arrays]))
            flat[j] = orig - eps
            minus = float(f(*[wrap(x) for x in arrays]))
            flat[j] = orig
            gflat[j] = (plus - minus) / (2 * eps)
        grads.append(g)
        arrays[i] = a
    return grads


def tape_gradients(f, args):
    """Gradients of a scalar function ``f`` w.r.t. each argument, from a GradientTape."""
    ts = [wrap(_as_float64(a)) for a in args]
    with GradientTape() as tape:
        tape.watch(ts)
        out = f(*ts)
    grads = tape.gradient(out, ts)
    return [np.zeros(t._value.shape) if g is None else np.asarray(g._value) for t, g in
            zip(ts, grads)]


def check_gradients(f, args, order=1, eps=1e-6, atol=1e-5, rtol=1e-4, seed=0):
    """Assert that tape gradients of ``f(*args)`` match central finite differences.

    Works in float64. A non-scalar output is projected on a fixed random direction.
    With ``order=2`` the directional derivative of the gradient (built with nested
    tapes) is checked the same way, and so on for higher orders. Raises
    :class:`GradientCheckError` naming the argument and the worst element.
    """
    if order < 1:
        raise ValueError(f"order must be >= 1, got {order}")
    args = [_as_float64(a) for a in args]
    scalar = _projected(f, seed)
    _compare(scalar, args, eps, atol, rtol, order_label=1)
    rng = np.random.default_rng(seed + 1)
    current = scalar
    for k in range(2, order + 1):
        current = _directional_gradient(current, [rng.standard_normal(a.shape) for a in args])
        _compare(current, args, eps, atol, rtol, order_label=k)


def _directional_gradient(scalar, directions):
    """Return ``h(x) = sum_i <d scalar / d x_i, v_i>``, differentiable by an outer tape."""
    vs = [wrap(v) for v in directions]

    def h(*ts):
        with GradientTape() as tape:
            tape.watch(list(ts))
            s = scalar(*ts)
        grads = tape.gradient(s, list(ts))
        total = None
        for g, v in zip(grads, vs):
            if g is not None:
                term = reduce_sum(g * v)
                total = term if total is None else total + term
        return total if total is not None else wrap(np.zeros(()))

    return h


def _compare(scalar, args, eps, atol, rtol, order_label):
    analytic = tape_gradients(scalar, args)
    numeric = numerical_gradients(scalar, args, eps)
    for i, (a, n) in enumerate(zip(analytic, numeric)):
        if a.shape != n.shape:
            raise GradientCheckError(f"order {order_label}, argument {i}: tape gradient has "
                                     f"shape {a.shape}, expected {n.shape}")
        if not np.allclose(a, n, atol=atol, rtol=rtol, equal_nan=False):
            err = np.abs(a - n) - rtol * np.abs(n)
            j = np.unravel_index(int(np.nanargmax(err)), a.shape) if a.ndim else ()
            raise GradientCheckError(
                f"order {order_label}, argument {i}: tape gradient {a[j]!r} vs finite "
                f"differences {n[j]!r} at index {j} (max abs error "
                f"{float(np.max(np.abs(a - n))):.3g})")
