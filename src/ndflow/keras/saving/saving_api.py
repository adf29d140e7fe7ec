"""Saving and loading whole models (``.keras`` archives) and their weights.

A ``.keras`` file is a zip archive holding:

- ``config.json``: the model's class and ``get_config()``, and, when it was compiled, the
  optimizer, loss and metrics it was compiled with;
- ``metadata.json``: the ndflow version and the date it was saved;
- ``model.weights.safetensors``: every weight, in ``model.weights`` order, named
  ``"layer_name/weight_name_i"`` (``i``: the position in ``model.weights``);
- ``optimizer.safetensors``: the optimizer's state (step count, learning rate, slots), so
  that training resumes exactly where it stopped.

Files are written to a temporary file beside the target and renamed over it, so a failure
midway never leaves a half-written file (nor harms an existing one). Nothing is pickled.
"""

import contextlib
import datetime
import inspect
import json
import os
import re
import tempfile
import warnings
import zipfile

import numpy as np

from ndflow.keras.layers.serialization import registry as layer_registry
from ndflow.keras.saving import safetensors_io
from ndflow.keras.utils.object_registration import (
    CustomObjectScope,
    get_registered_name,
    get_registered_object,
)

__all__ = ["load_model", "load_weights", "save_model", "save_weights"]

_CONFIG = "config.json"
_METADATA = "metadata.json"
_WEIGHTS = "model.weights.safetensors"
_OPTIMIZER = "optimizer.safetensors"
_INDEX = re.compile(r"_(\d+)$")


# -- whole models -------------------------------------------------------------------------
def save_model(model, filepath, overwrite=True):
    """Save ``model`` (architecture, weights, compile settings, optimizer state) to a
    ``.keras`` zip archive at ``filepath``."""
    filepath = os.fspath(filepath)
    if not str(filepath).endswith(".keras"):
        raise ValueError(f"Invalid filepath extension for saving a model: {filepath!r}. "
                         f"Use a name ending in '.keras' (or model.save_weights(...) with "
                         f"'.weights.safetensors' for the weights alone)")
    config = _model_config(model)
    metadata = {"ndflow_version": _version(), "format": "ndflow.keras",
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}
    weights = safetensors_io.dumps(_weight_dict(model))
    optimizer = None
    if getattr(model, "compiled", False) and getattr(model.optimizer, "built", False):
        store = {}
        model.optimizer.save_own_variables(store)
        optimizer = safetensors_io.dumps(store)

    def write(f):
        with zipfile.ZipFile(f, "w") as archive:
            archive.writestr(_METADATA, json.dumps(metadata, indent=2),
                             compress_type=zipfile.ZIP_DEFLATED)
            archive.writestr(_CONFIG, json.dumps(config, indent=2),
                             compress_type=zipfile.ZIP_DEFLATED)
            archive.writestr(_WEIGHTS, weights)
            if optimizer is not None:
                archive.writestr(_OPTIMIZER, optimizer)

    _atomic_write(filepath, write, overwrite)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model saved at ``filepath`` by ``save_model`` (compiled again, with its optimizer
    state, when it was saved compiled and ``compile`` is True).

    ``custom_objects`` maps names to the user's classes and functions the config names.
    ``safe_mode`` refuses configs whose Lambda layers would run Python code on loading.
    """
    filepath = os.fspath(filepath)
    if not str(filepath).endswith(".keras"):
        raise ValueError(f"File format not supported: {filepath!r}. load_model reads '.keras' "
                         f"archives written by model.save(); for weights use "
                         f"model.load_weights()")
    members = _read_archive(filepath)
    config = _json_member(members, _CONFIG, filepath)
    if not isinstance(config, dict) or "config" not in config or "class_name" not in config:
        raise ValueError(f"{filepath} is not a valid .keras file: config.json has no model "
                         f"'class_name' and 'config'")
    if safe_mode:
        _refuse_lambdas(config["config"], filepath)
    custom_objects = dict(custom_objects or {})
    with CustomObjectScope(custom_objects):
        model = _model_from_config(config, custom_objects)
        weights = _safetensors_member(members, _WEIGHTS, filepath)
        optimizer_state = None
        compile_config = config.get("compile_config")
        if compile and compile_config:
            model.compile(**_deserialize_compile(compile_config, custom_objects))
            if _OPTIMIZER in members:
                optimizer_state = _safetensors_member(members, _OPTIMIZER, filepath)

    def restore():
        _set_weights(model, weights, filepath)
        if optimizer_state is not None:
            model.optimizer.build(model.trainable_weights)
            model.optimizer.load_own_variables(optimizer_state)

    if weights and not _has_weights(model) and config.get("build_config"):
        _build_from_config(model, config["build_config"], filepath)
    if _has_weights(model) or not weights:
        restore()
    else:
        _restore_on_first_call(model, restore)
    return model


def _build_from_config(model, build_config, filepath):
    """Create a subclassed model's weights from its recorded input shape, so loading
    restores them at once (a model that cannot be built so gets them at its first call)."""
    try:
        model.build_from_config(build_config)
    except Exception as e:  # noqa: BLE001 - any failure of user code leaves the lazy path
        warnings.warn(f"{filepath}: could not build {type(model).__name__} from its saved "
                      f"input shape ({type(e).__name__}: {e}); its weights will be restored "
                      f"at its first call", stacklevel=3)


# -- weights alone --------------------------------------------------------------------------
def save_weights(model, filepath, overwrite=True):
    """Save the weights of ``model`` to ``filepath`` ('.weights.safetensors' or '.npz')."""
    filepath = os.fspath(filepath)
    kind = _weights_kind(filepath, "save_weights")
    if kind == "keras":
        raise ValueError(f"save_weights writes weights only: use a name ending in "
                         f"'.weights.safetensors', not {filepath!r} (model.save() writes "
                         f"'.keras' archives)")
    tensors = _weight_dict(model)
    if kind == "safetensors":
        data = safetensors_io.dumps(tensors)
        _atomic_write(filepath, lambda f: f.write(data), overwrite)
    else:
        _atomic_write(filepath, lambda f: np.savez(f, **tensors), overwrite)


def load_weights(model, filepath):
    """Set the weights of ``model`` from a file written by ``save_weights`` or ``save``."""
    filepath = os.fspath(filepath)
    kind = _weights_kind(filepath, "load_weights")
    if kind == "keras":
        weights = _safetensors_member(_read_archive(filepath), _WEIGHTS, filepath)
    elif kind == "safetensors":
        try:
            with open(filepath, "rb") as f:
                data = f.read()
        except OSError as e:
            raise ValueError(f"Cannot read weights file {filepath}: {e}") from None
        weights = safetensors_io.loads(data, source=filepath)[0]
    else:
        try:
            with np.load(filepath, allow_pickle=False) as npz:
                weights = {k: npz[k] for k in npz.files}
        except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
            raise ValueError(f"{filepath} is not a valid .npz weights file: {e}") from None
    if not _has_weights(model) and weights:
        raise ValueError(f"Model '{model.name}' has no weights yet, so the weights in "
                         f"{filepath} cannot be loaded: build it first (call it on data or "
                         f"call model.build(input_shape))")
    _set_weights(model, weights, filepath)


def _weights_kind(filepath, who):
    name = str(filepath)
    if name.endswith(".weights.safetensors") or name.endswith(".safetensors"):
        return "safetensors"
    if name.endswith(".npz"):
        return "npz"
    if name.endswith(".keras"):
        return "keras"
    if name.endswith(".h5") or name.endswith(".hdf5"):
        raise ValueError(f"{who}: HDF5 files ({filepath!r}) are not supported by ndflow; use a "
                         f"name ending in '.weights.safetensors' (or '.npz')")
    raise ValueError(f"{who}: the filepath must end in '.weights.safetensors' (or '.npz'); "
                     f"received {filepath!r}")


# -- weights <-> tensors dicts -------------------------------------------------------------
def _weight_names(model):
    """``"layer_name/weight_name_i"`` for each weight, in ``model.weights`` order."""
    owner = {}
    for layer in model.layers:
        for v in layer.weights:
            owner.setdefault(id(v), layer.name)
    return [f"{owner.get(id(v), model.name)}/{str(v.name).split('/')[-1]}_{i}"
            for i, v in enumerate(model.weights)]


def _weight_dict(model):
    return {name: v.numpy() for name, v in zip(_weight_names(model), model.weights)}


def _has_weights(model):
    return bool(model.weights)


def _set_weights(model, tensors, source):
    """Install ``tensors`` (named ``..._i``) into ``model.weights``, matched by position i."""
    indexed = []
    for name, array in tensors.items():
        match = _INDEX.search(name)
        if match is None:
            raise ValueError(f"{source}: weight {name!r} has no '_<index>' suffix; this file "
                             f"was not written by ndflow's save_weights / save")
        indexed.append((int(match.group(1)), name, array))
    indexed.sort(key=lambda t: t[0])
    variables = model.weights
    if len(indexed) != len(variables) or [t[0] for t in indexed] != list(range(len(indexed))):
        raise ValueError(f"{source} holds {len(indexed)} weights but model '{model.name}' has "
                         f"{len(variables)} (file: {[t[1] for t in indexed][:8]}..., model: "
                         f"{_weight_names(model)[:8]}...)")
    for (_, name, array), v in zip(indexed, variables):
        if tuple(array.shape) != tuple(v.shape):
            raise ValueError(f"{source}: weight {name!r} has shape {tuple(array.shape)}, but "
                             f"the model's weight '{v.name}' has shape {tuple(v.shape)}")
    for (_, _, array), v in zip(indexed, variables):
        v.assign(array.astype(v._value.dtype, copy=False))


def _restore_on_first_call(model, restore):
    """A subclassed model creates its weights during its first call: restore them then,
    and run that call again on the restored weights."""
    original = model.call

    def call(*args, **kwargs):
        out = original(*args, **kwargs)
        if not _has_weights(model):
            return out
        del model.call
        restore()
        return original(*args, **kwargs)

    model.call = call


# -- configs --------------------------------------------------------------------------------
def _model_config(model):
    cls = type(model)
    config = {"module": cls.__module__, "class_name": cls.__name__,
              "registered_name": get_registered_name(cls), "config": model.get_config()}
    build_config = model.get_build_config() if hasattr(model, "get_build_config") else None
    if build_config is not None:
        config["build_config"] = build_config
    if getattr(model, "compiled", False):
        config["compile_config"] = _compile_config(model)
    return config


def _compile_config(model):
    from ndflow.keras import losses, metrics, optimizers  # the trainer's, imported lazily

    def loss_entry(loss):
        if loss is None or isinstance(loss, str):
            return loss
        if isinstance(loss, dict):
            return {"__dict__": {k: loss_entry(v) for k, v in loss.items()}}
        if isinstance(loss, (list, tuple)):
            return [loss_entry(v) for v in loss]
        return losses.serialize(loss)

    def metric_entry(metric):
        if metric is None or isinstance(metric, str):
            return metric
        if isinstance(metric, dict):
            return {"__dict__": {k: metric_entry(v) for k, v in metric.items()}}
        if isinstance(metric, (list, tuple)):
            return [metric_entry(m) for m in metric]
        if hasattr(metric, "get_config"):
            return metrics.serialize(metric)
        return losses.serialize(metric)  # a function f(y_true, y_pred), by name

    compiled = getattr(model, "_compile_metrics", None)
    loss_weights = getattr(getattr(model, "_compile_loss", None), "loss_weights", None)
    return {"optimizer": optimizers.serialize(model.optimizer),
            "loss": loss_entry(model.loss),
            "loss_weights": ({"__dict__": dict(loss_weights)} if isinstance(loss_weights, dict)
                             else loss_weights),
            "metrics": metric_entry(getattr(compiled, "spec", None)),
            "weighted_metrics": metric_entry(getattr(compiled, "weighted_spec", None))}


def _deserialize_compile(config, custom_objects):
    from ndflow.keras import losses, metrics, optimizers

    def loss_value(entry):
        if entry is None or isinstance(entry, str):
            return entry
        if isinstance(entry, list):
            return [loss_value(e) for e in entry]
        if "__dict__" in entry:
            return {k: loss_value(v) for k, v in entry["__dict__"].items()}
        return losses.deserialize(entry, custom_objects)

    def metric_value(entry):
        if entry is None or isinstance(entry, str):
            return entry
        if isinstance(entry, list):
            return [metric_value(e) for e in entry]
        if "__dict__" in entry:
            return {k: metric_value(v) for k, v in entry["__dict__"].items()}
        if entry.get("class_name") == "function":
            return losses.deserialize(entry, custom_objects)
        return metrics.deserialize(entry, custom_objects)

    loss_weights = config.get("loss_weights")
    if isinstance(loss_weights, dict):
        loss_weights = loss_weights["__dict__"]
    return {"optimizer": optimizers.deserialize(config["optimizer"], custom_objects),
            "loss": loss_value(config.get("loss")),
            "loss_weights": loss_weights,
            "metrics": metric_value(config.get("metrics")),
            "weighted_metrics": metric_value(config.get("weighted_metrics"))}


def _model_from_config(config, custom_objects):
    class_name = config["class_name"]
    registered = config.get("registered_name") or class_name
    cls = (custom_objects.get(registered) or custom_objects.get(class_name)
           or get_registered_object(registered, custom_objects))
    if cls is None:
        builtin = layer_registry.get(class_name)
        if builtin is not None and builtin.__module__.startswith("ndflow."):
            cls = builtin
    if cls is None:
        raise ValueError(
            f"Could not locate class {class_name!r} (registered name {registered!r}) to "
            f"rebuild the saved model. Decorate the class with "
            f"@keras.saving.register_keras_serializable(), or pass it as "
            f"custom_objects={{{class_name!r}: {class_name}}}")
    inner = config["config"]
    try:
        if "custom_objects" in _parameters(cls.from_config):
            return cls.from_config(inner, custom_objects=custom_objects)
        return cls.from_config(inner)
    except TypeError as e:
        raise TypeError(f"Could not rebuild model class {class_name!r} from its config ({e}). "
                        f"A subclassed model needs get_config() returning its constructor "
                        f"arguments (or a matching from_config())") from None


def _parameters(fn):
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return {}


def _refuse_lambdas(config, filepath):
    """Raise if any layer in ``config`` is a Lambda (its function would be imported/run)."""
    if isinstance(config, dict):
        if config.get("class_name") == "Lambda":
            name = (config.get("config") or {}).get("name", "?")
            raise ValueError(
                f"Refusing to load {filepath}: it contains the Lambda layer '{name}', whose "
                f"function is Python code that loading would import and run. Loading it is "
                f"only safe if you trust the source of the file: then pass safe_mode=False "
                f"to load_model")
        for value in config.values():
            _refuse_lambdas(value, filepath)
    elif isinstance(config, list):
        for value in config:
            _refuse_lambdas(value, filepath)


# -- files ------------------------------------------------------------------------------------
def _atomic_write(filepath, write, overwrite):
    """Run ``write(file)`` on a temporary file beside ``filepath``, then rename it over."""
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} already exists; pass overwrite=True to replace it")
    directory = os.path.dirname(os.path.abspath(filepath))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(filepath)}.",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, filepath)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _read_archive(filepath):
    """The members of a ``.keras`` zip archive (a dict name -> bytes), CRCs checked."""
    try:
        with zipfile.ZipFile(filepath) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    except FileNotFoundError:
        raise FileNotFoundError(f"No file or directory found at {filepath}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError) as e:
        raise ValueError(f"{filepath} is not a valid .keras file (a truncated or corrupted "
                         f"zip archive): {e}") from None


def _json_member(members, name, filepath):
    if name not in members:
        raise ValueError(f"{filepath} is not a valid .keras file: it has no {name}")
    try:
        return json.loads(members[name].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{filepath} is not a valid .keras file: {name} is corrupted "
                         f"({e})") from None


def _safetensors_member(members, name, filepath):
    if name not in members:
        raise ValueError(f"{filepath} is not a valid .keras file: it has no {name}")
    return safetensors_io.loads(members[name], source=f"{filepath} ({name})")[0]


def _version():
    try:
        from importlib.metadata import version

        return version("ndflow")
    except Exception:  # not installed as a distribution (running from a source tree)
        return "unknown"

