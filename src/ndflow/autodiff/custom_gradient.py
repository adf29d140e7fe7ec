"""``custom_gradient``: give a Python function its own gradient rule, as in TensorFlow."""

import functools
import inspect

from ndflow.autodiff.primitive import Primitive, state
from ndflow.core import nest
from ndflow.core.tensor import Tensor, wrap
from ndflow.core.variable import Variable


class _VariableProbe:
    """A recorder that only notes which trainable Variables a function reads."""

    def __init__(self):
        self.variables = {}

    def record(self, prim, args, out, params):
        for a in args:
            if type(a) is Variable and a.trainable:
                self.variables.setdefault(id(a), a)

    def record_read(self, variable, snapshot):
        if variable.trainable:
            self.variables.setdefault(id(variable), variable)


def custom_gradient(f=None):
    """Decorate ``f(*x) -> (y, grad_fn)`` so tapes use ``grad_fn(upstream)`` for ``dy/dx``.

    ``grad_fn`` returns one gradient per positional argument (a single tensor when
    there is one). If ``f`` reads trainable Variables, ``grad_fn`` must accept
    ``variables=`` and return ``(input_grads, variable_grads)``. ``y`` must be one
    tensor. The forward ops inside ``f`` are not recorded; only the custom rule is.
    """
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        probe = _VariableProbe()
        saved = state.recorders
        state.recorders = [probe]
        try:
            result = f(*args, **kwargs)
        finally:
            state.recorders = saved
        if not (isinstance(result, tuple) and len(result) == 2 and callable(result[1])):
            raise TypeError(f"custom_gradient: {f.__name__} must return (output, grad_fn)")
        y, grad_fn = result
        if not isinstance(y, Tensor):
            raise TypeError(f"custom_gradient: {f.__name__} must return a single tensor as "
                            f"its output, got {type(y).__name__}")
        out = wrap(y._value)  # a fresh tensor, even when f returned an input unchanged
        arg_ids = {id(a) for a in args}
        variables = [v for k, v in probe.variables.items() if k not in arg_ids]
        if variables and "variables" not in inspect.signature(grad_fn).parameters:
            raise TypeError(
                f"custom_gradient: {f.__name__} reads the variables "
                f"{[v.name for v in variables]}, so its grad_fn must accept `variables=`")
        prim = Primitive(f"custom_gradient:{f.__name__}", None)
        prim.vjp_all = _rule(grad_fn, len(args), variables)
        for r in saved:
            r.record(prim, (*args, *variables), out, {})
        return out

    return wrapper


def _rule(grad_fn, n_args, variables):
    def vjp_all(g, out, *args):
        if variables:
            input_grads, var_grads = grad_fn(g, variables=variables)
            var_grads = list(var_grads)
        else:
            input_grads, var_grads = grad_fn(g), []
        input_grads = list(input_grads) if nest.is_nested(input_grads) else [input_grads]
        if len(input_grads) != n_args:
            raise ValueError(f"custom_gradient: grad_fn returned {len(input_grads)} "
                             f"gradients for {n_args} inputs")
        return input_grads + var_grads

    return vjp_all
