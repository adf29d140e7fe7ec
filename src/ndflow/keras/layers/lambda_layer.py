"""Lambda: a layer that applies a Python function.

Its config names the function by module and qualified name, so a model holding a Lambda
over a module-level ``def`` function can be saved and restored. Python lambdas and
nested functions have no importable name: their config can't be written (configs are
JSON, never pickled bytecode); subclass Layer and define ``get_config`` instead.
"""

import importlib
import inspect
import sys

from ndflow.core.convert import convert_to_tensor
from ndflow.keras.layers.layer import Layer


class Lambda(Layer):
    """Wrap a function of the input as a layer.

    >>> Lambda(lambda x: x ** 2)

    ``output_shape``: a tuple (the shape after the batch dimension) or a function of the
    input shape returning the full output shape; by default found by calling the function.
    ``mask``: a function ``mask(inputs, previous_mask)`` or a fixed mask tensor.
    ``arguments``: keyword arguments passed to ``function``.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda '{self.name}': `function` must be callable, got "
                            f"{function!r}")
        self.function = function
        self.arguments = dict(arguments or {})
        if output_shape is not None and not callable(output_shape):
            output_shape = _shape_tuple(self, output_shape)
        self._output_shape = output_shape
        if mask is not None and not callable(mask):
            mask = convert_to_tensor(mask)
        self.mask = mask
        self.supports_masking = mask is not None
        params = _parameters(function)
        self._pass_mask = "mask" in params
        self._pass_training = "training" in params

    def call(self, inputs, mask=None, training=None):
        kwargs = dict(self.arguments)
        if self._pass_mask:
            kwargs["mask"] = mask
        if self._pass_training:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            raise NotImplementedError  # the base class infers it by a trial call
        if callable(self._output_shape):
            return _as_shapes(self._output_shape(input_shape))
        first = _first_shape(input_shape)
        return (first[0] if first else None, *self._output_shape)

    def get_config(self):
        output_shape = self._output_shape
        if callable(output_shape):
            output_shape = _serialize_function(self, output_shape, "output_shape")
        elif output_shape is not None:
            output_shape = list(output_shape)
        mask = self.mask
        if callable(mask):
            mask = _serialize_function(self, mask, "mask")
        elif mask is not None:
            mask = mask.numpy().tolist()
        return {**super().get_config(),
                "function": _serialize_function(self, self.function, "function"),
                "output_shape": output_shape, "mask": mask, "arguments": dict(self.arguments)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("function", "output_shape", "mask"):
            value = config.get(key)
            if isinstance(value, dict) or (key == "function" and isinstance(value, str)):
                config[key] = _deserialize_function(value, key, custom_objects)
        return cls(**config)


def _parameters(fn):
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):  # some builtins have no signature
        return {}


def _shape_tuple(layer, shape):
    try:
        return tuple(None if d is None else int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(f"Lambda '{layer.name}': `output_shape` must be a tuple of integers "
                        f"(the shape after the batch dimension) or a function of the input "
                        f"shape, got {shape!r}") from None


def _is_shape(value):
    return isinstance(value, (tuple, list)) and all(d is None or isinstance(d, int)
                                                    for d in value)


def _first_shape(shapes):
    """The shape of the first input (the batch size is read from it)."""
    while not _is_shape(shapes):
        if isinstance(shapes, dict):
            shapes = next(iter(shapes.values()), ())
        elif isinstance(shapes, (list, tuple)) and shapes:
            shapes = shapes[0]
        else:
            return ()
    return tuple(shapes)


def _as_shapes(value):
    """A shape (or a list of shapes) returned by an ``output_shape`` function, as tuples."""
    if _is_shape(value) or hasattr(value, "as_list"):
        return tuple(None if d is None else int(d) for d in value)
    return [_as_shapes(v) for v in value]


_LAMBDA_HELP = ("Python lambdas and nested functions can't be serialized: they have no "
                "importable name to restore them by. Define the function with `def` at the top "
                "level of a module, or subclass Layer and implement get_config()")


def _serialize_function(layer, fn, what):
    """``{"module", "class_name": "function", "config": qualified name}`` for ``fn``."""
    module = getattr(fn, "__module__", None)
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    if module is None or name is None or "<lambda>" in name or "<locals>" in name:
        raise ValueError(f"Lambda '{layer.name}': cannot serialize the {what} {fn!r}. "
                         f"{_LAMBDA_HELP}.")
    try:
        found = _import(module, name)
    except (ImportError, AttributeError):
        found = None
    if found is not fn:
        raise ValueError(f"Lambda '{layer.name}': cannot serialize the {what} {fn!r}: it is not "
                         f"importable as {module}.{name}. {_LAMBDA_HELP}.")
    return {"module": module, "class_name": "function", "config": name,
            "registered_name": name}


def _deserialize_function(config, what, custom_objects):
    """The function a config from ``_serialize_function`` names (``custom_objects`` first)."""
    custom = custom_objects or {}
    if isinstance(config, str):
        if config in custom:
            return custom[config]
        raise ValueError(f"Lambda: unknown {what} {config!r}: pass it in custom_objects")
    if config.get("class_name") == "__lambda__":
        raise ValueError(f"Lambda: the {what} in this config is a serialized Python lambda, "
                         f"which ndflow does not restore (it would run stored bytecode). "
                         f"{_LAMBDA_HELP}.")
    name, module = config.get("config"), config.get("module")
    for key in (config.get("registered_name"), name):
        if key in custom:
            return custom[key]
    if config.get("class_name") != "function" or not isinstance(name, str) or not module:
        raise ValueError(f"Lambda: could not interpret the {what} config {config!r}")
    try:
        return _import(module, name)
    except (ImportError, AttributeError) as e:
        raise ValueError(f"Lambda: could not find the {what} {module}.{name} ({e}); import "
                         f"the module that defines it, or pass it in custom_objects") from None


def _import(module, qualname):
    obj = sys.modules.get(module) or importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj
