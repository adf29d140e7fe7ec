"""Name tables for the objects Keras configs name: initializers, regularizers, constraints,
optimizers, learning-rate schedules.

Each kind has the same functions: look a class up by name, ``serialize`` an object to
``{"class_name": ..., "config": ...}``, ``deserialize`` it back, and ``get`` anything a
user may pass (a name, a dict, an instance, a class, a callable or None). Classes
registered with ``register_keras_serializable`` (or passed as ``custom_objects``) are
found too.
"""

from ndflow.keras.utils.object_registration import get_registered_name, get_registered_object


class Configurable:
    """Objects rebuilt from their constructor arguments: ``cls(**obj.get_config())``."""

    def get_config(self) -> dict:
        """The constructor arguments that rebuild this object."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Create an object from ``get_config()``'s output."""
        return cls(**config)

    def __repr__(self):
        try:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        except NotImplementedError:
            args = "..."
        return f"{type(self).__name__}({args})"


def get_object(identifier, deserialize, kind, expected):
    """Resolve what a user passed for an object of ``kind`` (see the module docstring)."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if isinstance(identifier, type):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret {kind} identifier: {identifier!r}; expected "
                     f"{expected}")


class ObjectTable:
    """The lookup functions for one kind of serializable object."""

    def __init__(self, kind, module, by_name, example, base=None, case_insensitive=False):
        self.kind = kind  # e.g. "initializer", for messages
        self.module = module  # e.g. "keras.initializers", recorded in configs
        self.by_name = {k.lower(): v for k, v in by_name.items()} if case_insensitive \
            else by_name
        self.example = example  # a valid name, for messages
        self.base = base  # when given, serialize accepts only its instances
        self.case_insensitive = case_insensitive

    def lookup(self, name, custom_objects=None):
        """The class called ``name`` (registered and custom objects first)."""
        key = str(name).lower() if self.case_insensitive else name
        cls = get_registered_object(name, custom_objects) or self.by_name.get(key)
        if cls is None:
            raise ValueError(f"Unknown {self.kind}: {name!r}. Valid names are: "
                             f"{', '.join(sorted(self.by_name))}")
        return cls

    def serialize(self, obj):
        """The dict form of ``obj``: ``{"class_name": ..., "config": {...}}``."""
        if obj is None:
            return None
        if self.base is not None and not isinstance(obj, self.base):
            name = self.base.__name__
            article = "an" if name[0] in "AEIOU" else "a"
            raise ValueError(f"Cannot serialize {obj!r}: it is not {article} {name}")
        if not hasattr(obj, "get_config"):
            raise ValueError(f"Cannot serialize {obj!r}: it has no get_config()")
        cls = type(obj)
        known = cls in self.by_name.values()
        return {"module": self.module,
                "class_name": cls.__name__ if known else get_registered_name(cls),
                "config": obj.get_config(), "registered_name": None}

    def deserialize(self, config, custom_objects=None):
        """An object from ``serialize``'s dict (or a bare name, for default arguments)."""
        if isinstance(config, str):
            return self.lookup(config, custom_objects)()
        if not isinstance(config, dict) or "class_name" not in config:
            raise ValueError(f"Could not interpret {self.kind} config: {config!r}; expected "
                             f"a dict with 'class_name' and 'config'")
        cls = self.lookup(config["class_name"], custom_objects)
        return cls.from_config(config.get("config") or {})

    def get(self, identifier):
        """The object for a name, a config dict, an instance, a callable or a class
        (instantiated with its defaults); None gives None."""
        return get_object(identifier, self.deserialize, self.kind,
                          f"a name such as {self.example!r}, a dict, an instance or a "
                          f"callable")
