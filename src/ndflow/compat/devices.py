"""``tf.config`` and ``tf.test`` device queries: the CPU, plus the GPUs CuPy can see.

ndflow computes on its default device (``ndflow.set_default_device``); these functions
answer TensorFlow's questions about devices and accept its settings, so scripts that
configure devices before training run unchanged.
"""

import functools
import importlib.util
from collections import namedtuple

from ndflow.backend.xp import set_default_device

__all__ = ["LogicalDevice", "PhysicalDevice", "functions_run_eagerly", "get_memory_growth",
           "get_visible_devices", "gpu_device_name", "is_built_with_cuda", "is_gpu_available",
           "list_logical_devices", "list_physical_devices", "run_functions_eagerly",
           "set_memory_growth", "set_visible_devices"]

PhysicalDevice = namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = namedtuple("LogicalDevice", ["name", "device_type"])

_state = {"hidden": set(), "memory_growth": {}, "run_eagerly": False}


def _cupy_installed() -> bool:
    return importlib.util.find_spec("cupy") is not None


@functools.cache
def _gpu_count() -> int:
    if not _cupy_installed():
        return 0
    try:
        import cupy

        return int(cupy.cuda.runtime.getDeviceCount())
    except Exception:  # CuPy without a usable driver or device: no GPU to offer
        return 0


def _physical():
    return [PhysicalDevice("/physical_device:CPU:0", "CPU")] + [
        PhysicalDevice(f"/physical_device:GPU:{i}", "GPU") for i in range(_gpu_count())]


def _matching(devices, device_type):
    if device_type is None:
        return list(devices)
    return [d for d in devices if d.device_type == str(device_type).upper()]


def list_physical_devices(device_type=None) -> list:
    """The CPU and the GPUs CuPy sees (none without CuPy), optionally of one type."""
    return _matching(_physical(), device_type)


def get_visible_devices(device_type=None) -> list:
    """The physical devices not hidden by ``set_visible_devices``."""
    return _matching([d for d in _physical() if d.name not in _state["hidden"]], device_type)


def set_visible_devices(devices, device_type=None) -> None:
    """Make only ``devices`` (of ``device_type``, when given) visible.

    ``tf.config.set_visible_devices([], 'GPU')`` hides the GPUs: ndflow then computes on
    the CPU. The CPU cannot be hidden.
    """
    if isinstance(devices, PhysicalDevice):
        devices = [devices]
    devices = list(devices)
    known = _physical()
    for d in devices:
        if d not in known:
            raise ValueError(f"set_visible_devices: unknown device {d!r}; the devices are "
                             f"{known} (from tf.config.list_physical_devices())")
    affected = _matching(known, device_type)
    hidden = {d.name for d in affected if d not in devices}
    hidden |= _state["hidden"] - {d.name for d in affected}
    if any(d.name in hidden for d in known if d.device_type == "CPU"):
        raise ValueError("set_visible_devices: the CPU cannot be hidden")
    _state["hidden"] = hidden
    if not get_visible_devices("GPU"):
        set_default_device("cpu")


def list_logical_devices(device_type=None) -> list:
    """The visible devices, named as operations see them (``/device:CPU:0``)."""
    return [LogicalDevice(d.name.replace("/physical_device:", "/device:"), d.device_type)
            for d in get_visible_devices(device_type)]


def set_memory_growth(device, enable: bool) -> None:
    """Accepted and recorded: CuPy's memory pool already grows as needed."""
    if getattr(device, "device_type", None) != "GPU":
        raise ValueError(f"set_memory_growth: memory growth applies to GPUs, got {device!r}")
    _state["memory_growth"][device.name] = bool(enable)


def get_memory_growth(device) -> bool:
    """The value given to ``set_memory_growth`` for ``device`` (False before)."""
    return _state["memory_growth"].get(getattr(device, "name", device), False)


def run_functions_eagerly(run_eagerly: bool) -> None:
    """Recorded; ``tf.function`` runs eagerly in ndflow either way for now."""
    _state["run_eagerly"] = bool(run_eagerly)


def functions_run_eagerly() -> bool:
    """The value given to ``run_functions_eagerly`` (False before)."""
    return _state["run_eagerly"]


def gpu_device_name() -> str:
    """``'/device:GPU:0'`` when a GPU is visible, else ``''``."""
    gpus = list_logical_devices("GPU")
    return gpus[0].name if gpus else ""


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None) -> bool:
    """Whether a GPU is visible (through CuPy)."""
    return bool(list_logical_devices("GPU"))


def is_built_with_cuda() -> bool:
    """Whether CuPy, ndflow's way to CUDA GPUs, is installed."""
    return _cupy_installed()
