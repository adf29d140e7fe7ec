"""Layers to and from their config dicts: ``{"class_name": ..., "config": {...}}``.

Every Layer subclass registers itself by class name when it is defined, so a config can
name any layer or model class ndflow (or the user) defines.
"""

import inspect

registry: dict = {}


def register(cls) -> None:
    """Make ``cls`` findable by its class name (called by ``Layer.__init_subclass__``)."""
    registry.setdefault(cls.__name__, cls)


def serialize_layer(layer) -> dict:
    """The dict form of a layer: its class name and ``get_config()``."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def deserialize_layer(config, custom_objects=None):
    """Create a layer from ``serialize_layer``'s dict (``custom_objects`` first)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"A layer config must be a dict with 'class_name' and 'config', got "
                         f"{config!r}")
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or registry.get(name)
    if cls is None:
        raise ValueError(f"Unknown layer class {name!r}: pass it in custom_objects "
                         f"(known: {', '.join(sorted(registry))})")
    inner = dict(config.get("config", {}))
    if custom_objects and "custom_objects" in _parameters(cls.from_config):
        return cls.from_config(inner, custom_objects=custom_objects)
    return cls.from_config(inner)


def _parameters(fn):
    return inspect.signature(fn).parameters
