"""The registry of custom objects that deserialization looks names up in.

>>> @register_keras_serializable(package="MyLayers")
... class Scale:
...     def get_config(self):
...         return {}
>>> get_registered_name(Scale)
'MyLayers>Scale'
>>> get_registered_object("MyLayers>Scale") is Scale
True

Names resolve, first to last, in: the innermost active :class:`CustomObjectScope`, the
global registry (:func:`register_keras_serializable`, :func:`get_custom_objects`), the
``custom_objects`` given to the lookup, and the ``module_objects`` of the caller.
"""

import inspect
import threading

__all__ = [
    "CustomObjectScope", "custom_object_scope", "get_custom_objects", "get_registered_name",
    "get_registered_object", "register_keras_serializable",
]

_GLOBAL_CUSTOM_OBJECTS: dict = {}
_GLOBAL_CUSTOM_NAMES: dict = {}
_scopes = threading.local()


def _scope_stack() -> list:
    if not hasattr(_scopes, "stack"):
        _scopes.stack = []
    return _scopes.stack


def register_keras_serializable(package="Custom", name=None):
    """Decorator registering a class or function under ``'package>name'`` (``name``
    defaults to its ``__name__``), so saved models that use it can be loaded."""
    if ">" in str(package):
        raise ValueError(f"Invalid package name {package!r}: it cannot contain '>'")

    def decorator(obj):
        short = name if name is not None else getattr(obj, "__name__", None)
        if short is None:
            raise ValueError(f"Cannot register {obj!r}: it has no __name__; pass name=")
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError(f"Cannot register class {obj.__name__}: it has no get_config() "
                             f"method, so it could not be serialized")
        registered = f"{package}>{short}"
        _GLOBAL_CUSTOM_OBJECTS[registered] = obj
        _GLOBAL_CUSTOM_NAMES[obj] = registered
        return obj

    return decorator


def get_registered_name(obj) -> str:
    """The name ``obj`` is registered under, or its ``__name__`` when it is not."""
    return _GLOBAL_CUSTOM_NAMES.get(obj, getattr(obj, "__name__", str(obj)))


def get_registered_object(name, custom_objects=None, module_objects=None):
    """The object registered or given under ``name``, or None."""
    for table in reversed(_scope_stack()):
        if name in table:
            return table[name]
    for table in (_GLOBAL_CUSTOM_OBJECTS, custom_objects or {}, module_objects or {}):
        if name in table:
            return table[name]
    return None


def get_custom_objects() -> dict:
    """The global registry itself (a dict: adding to it registers an object)."""
    return _GLOBAL_CUSTOM_OBJECTS


class CustomObjectScope:
    """Context manager making extra name -> object mappings visible to deserialization.

    >>> with CustomObjectScope({"my_act": abs}):
    ...     get_registered_object("my_act") is abs
    True
    """

    def __init__(self, custom_objects=None, *more):
        table = dict(custom_objects or {})
        for extra in more:  # Keras also accepts several dicts
            table.update(extra or {})
        self.custom_objects = table

    def __enter__(self):
        _scope_stack().append(self.custom_objects)
        return self

    def __exit__(self, *exc_info):
        _scope_stack().pop()


custom_object_scope = CustomObjectScope
