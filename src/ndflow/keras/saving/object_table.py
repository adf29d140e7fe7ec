"""Name tables for the objects Keras configs name: initializers, regularizers, constraints.

Each kind has the same four functions: look a class up by name, ``serialize`` an object
to ``{"class_name": ..., "config": ...}``, ``deserialize`` it back, and ``get`` anything a
user may pass (a name, a dict, an instance, a class, a callable or None).
"""


class ObjectTable:
    """The lookup functions for one kind of serializable object."""

    def __init__(self, kind, module, by_name, example):
        self.kind = kind  # e.g. "initializer", for messages
        self.module = module  # e.g. "keras.initializers", recorded in configs
        self.by_name = by_name
        self.example = example  # a valid name, for messages

    def lookup(self, name, custom_objects=None):
        """The class called ``name`` (``custom_objects`` first)."""
        cls = (custom_objects or {}).get(name) or self.by_name.get(name)
        if cls is None:
            raise ValueError(f"Unknown {self.kind}: {name!r}. Valid names are: "
                             f"{', '.join(sorted(self.by_name))}")
        return cls

    def serialize(self, obj):
        """The dict form of ``obj``: ``{"class_name": ..., "config": {...}}``."""
        if obj is None:
            return None
        if not hasattr(obj, "get_config"):
            raise ValueError(f"Cannot serialize {obj!r}: it has no get_config()")
        return {"module": self.module, "class_name": type(obj).__name__,
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
        if identifier is None:
            return None
        if isinstance(identifier, (str, dict)):
            return self.deserialize(identifier)
        if isinstance(identifier, type):
            return identifier()
        if callable(identifier):
            return identifier
        raise ValueError(f"Could not interpret {self.kind} identifier: {identifier!r}; "
                         f"expected a name such as {self.example!r}, a dict, an instance "
                         f"or a callable")
