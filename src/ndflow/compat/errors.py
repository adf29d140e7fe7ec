"""The errors raised for TensorFlow/Keras names that ndflow does not provide yet."""

COMPATIBILITY_PAGE = "docs/compatibility.md"


def not_supported(api: str) -> str:
    return f"{api} is not supported by ndflow yet (see {COMPATIBILITY_PAGE})"


class UnsupportedAPIError(AttributeError, NotImplementedError):
    """A TensorFlow/Keras name that ndflow does not provide yet (``tf.distribute...``).

    An AttributeError, so ``hasattr(tf, name)`` and ``getattr(tf, name, default)`` keep
    working as they do on a module.
    """

    def __init__(self, api: str):
        super().__init__(not_supported(api))
        self.api = api


class UnsupportedModuleError(ModuleNotFoundError, NotImplementedError):
    """Importing a TensorFlow/Keras module that ndflow does not provide yet."""

    def __init__(self, module: str):
        super().__init__(not_supported(module), name=module)
        self.api = module
