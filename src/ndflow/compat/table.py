"""The table of names: which ndflow modules stand for each TensorFlow, Keras and TFDS module.

Inside ``ndflow run`` (or after ``ndflow.compat.install()``) importing a module named here
gives a module whose names come from its ``sources``, searched in order: ndflow's own
module first, then the shims of ``ndflow.compat`` for the few names ndflow does not have
itself. Submodules of the three packages that are not in this table, and the names listed
in ``UNSUPPORTED``, raise an error that names the API as not supported yet.
"""

from dataclasses import dataclass

__all__ = ["ALIASES", "Alias", "ROOTS", "UNSUPPORTED", "display_name"]


@dataclass(frozen=True)
class Alias:
    """A TensorFlow/Keras/TFDS module made of the public names of ndflow modules."""

    sources: tuple = ()
    names: frozenset | None = None  # the names it exposes; None: all public names of sources
    same_as: str | None = None  # another module of this table that this one is


# package name -> the name scripts usually give it, used in error messages
ROOTS = {"tensorflow": "tf", "keras": "keras", "tensorflow_datasets": "tfds"}

_KERAS = {
    "": Alias(("ndflow.keras", "ndflow.compat.keras_shims")),
    "activations": Alias(("ndflow.keras.activations",)),
    "backend": Alias(("ndflow.keras.backend",)),
    "callbacks": Alias(("ndflow.keras.callbacks",)),
    "config": Alias(("ndflow.keras.backend",), frozenset({
        "backend", "epsilon", "floatx", "image_data_format", "set_epsilon", "set_floatx",
        "set_image_data_format"})),
    "constraints": Alias(("ndflow.keras.constraints",)),
    "datasets": Alias(("ndflow.keras.datasets",)),
    "initializers": Alias(("ndflow.keras.initializers",)),
    "layers": Alias(("ndflow.keras.layers",)),
    "losses": Alias(("ndflow.keras.losses",)),
    "metrics": Alias(("ndflow.keras.metrics",)),
    "models": Alias(("ndflow.keras.models",)),
    "ops": Alias(("ndflow.keras.ops",)),
    "optimizers": Alias(("ndflow.keras.optimizers",)),
    "optimizers.schedules": Alias(("ndflow.keras.optimizers.schedules",)),
    "preprocessing": Alias(),
    "preprocessing.sequence": Alias(("ndflow.keras.utils",), frozenset({"pad_sequences"})),
    "regularizers": Alias(("ndflow.keras.regularizers",)),
    "saving": Alias(("ndflow.keras.saving",)),
    "utils": Alias(("ndflow.keras.utils",)),
}
for _name in ("core", "linalg", "math", "nn", "numpy"):
    _KERAS[f"ops.{_name}"] = Alias((f"ndflow.keras.ops.{_name}",))
for _name in ("boston_housing", "breast_cancer", "cifar10", "cifar100", "digits",
              "fashion_mnist", "gaussians", "imdb", "iris", "mnist", "reuters", "wine"):
    _KERAS[f"datasets.{_name}"] = Alias((f"ndflow.keras.datasets.{_name}",))

_KERAS_UNSUPPORTED = ("applications", "distribution", "dtype_policies", "export", "legacy",
                      "mixed_precision", "ops.image", "preprocessing.image",
                      "preprocessing.text", "quantizers", "random", "tree", "visualization",
                      "wrappers")

_DTYPE_NAMES = frozenset({
    "DType", "as_dtype", "bool", "cast", "complex64", "complex128", "double", "float16",
    "float32", "float64", "half", "int8", "int16", "int32", "int64", "string", "uint8",
    "uint16", "uint32", "uint64"})
_DEVICE_QUERIES = frozenset({"get_visible_devices", "list_logical_devices",
                             "list_physical_devices", "set_visible_devices"})

_TENSORFLOW = {
    "": Alias(("ndflow", "ndflow.compat.tensorflow_shims")),
    "activations": Alias(("ndflow.keras.activations",)),
    "compat": Alias(),
    "compat.v2": Alias(same_as="tensorflow"),
    "config": Alias(("ndflow.compat.devices",), _DEVICE_QUERIES | {
        "LogicalDevice", "PhysicalDevice", "functions_run_eagerly", "run_functions_eagerly"}),
    "config.experimental": Alias(("ndflow.compat.devices",), _DEVICE_QUERIES | {
        "get_memory_growth", "set_memory_growth"}),
    "data": Alias(("ndflow.data",)),
    "data.experimental": Alias(("ndflow.data.experimental",)),
    "dtypes": Alias(("ndflow",), _DTYPE_NAMES),
    "errors": Alias(("ndflow.core.errors",), frozenset({
        "FailedPreconditionError", "InvalidArgumentError", "NotFoundError", "OpError",
        "UnimplementedError"})),
    "initializers": Alias(("ndflow.keras.initializers",)),
    "linalg": Alias(("ndflow.linalg",)),
    "losses": Alias(("ndflow.keras.losses",)),
    "math": Alias(("ndflow.math",)),
    "metrics": Alias(("ndflow.keras.metrics",)),
    "nest": Alias(("ndflow.core.nest",)),
    "nn": Alias(("ndflow.nn",)),
    "optimizers": Alias(("ndflow.keras.optimizers",)),
    "random": Alias(("ndflow.random",)),
    "test": Alias(("ndflow.compat.devices",), frozenset({
        "gpu_device_name", "is_built_with_cuda", "is_gpu_available"})),
    "version": Alias(("ndflow.compat.tensorflow_shims",), frozenset({"VERSION"})),
}
_TENSORFLOW_UNSUPPORTED = (
    "audio", "autodiff", "autograph", "bitwise", "compat.v1", "config.optimizer",
    "config.threading", "debugging", "distribute", "estimator", "experimental",
    "feature_column", "graph_util", "image", "io", "keras.estimator", "keras.experimental",
    "keras.premade", "lite", "lookup", "mixed_precision", "profiler", "quantization", "queue",
    "ragged", "raw_ops", "saved_model", "sets", "signal", "sparse", "strings", "summary",
    "sysconfig", "tpu", "train", "types", "xla")

_TFDS = {
    "": Alias(("ndflow.datasets", "ndflow.compat.tfds_shims")),
}
_TFDS_UNSUPPORTED = ("core", "download", "features", "public_api", "testing", "visualization")


def _prefixed(prefix: str, table: dict) -> dict:
    return {".".join(p for p in (prefix, name) if p): alias for name, alias in table.items()}


ALIASES = {
    **_prefixed("tensorflow", _TENSORFLOW),
    **_prefixed("tensorflow.keras", _KERAS),
    **_prefixed("keras", _KERAS),
    **_prefixed("tensorflow_datasets", _TFDS),
}

UNSUPPORTED = frozenset(
    [f"tensorflow.{name}" for name in _TENSORFLOW_UNSUPPORTED]
    + [f"{prefix}.{name}" for prefix in ("keras", "tensorflow.keras")
       for name in _KERAS_UNSUPPORTED]
    + [f"tensorflow_datasets.{name}" for name in _TFDS_UNSUPPORTED])


def display_name(module: str) -> str:
    """The name as scripts write it: ``tensorflow.keras.layers`` -> ``tf.keras.layers``."""
    root, dot, rest = module.partition(".")
    return ROOTS.get(root, root) + dot + rest
