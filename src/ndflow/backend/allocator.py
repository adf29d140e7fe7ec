"""Keep freed array memory in the process, so training steps do not pay page faults.

A training step allocates many medium-sized arrays (hundreds of KB) and frees them by the
end of the step. glibc hands blocks above its mmap threshold back to the system on free
and maps fresh pages at the next allocation, so every step pays the page faults again (a
multiply of a 1000 x 64 array then costs several times its arithmetic). Raising the mmap
and trim thresholds keeps that memory in the process for reuse. ndflow does this once at
import on Linux with glibc; ``NDFLOW_MALLOC_TUNING=0`` turns it off. The cost: up to
``TRIM_THRESHOLD`` bytes of freed memory stay with the process instead of going back to
the system.
"""

import ctypes
import ctypes.util
import os
import sys

__all__ = ["MMAP_THRESHOLD", "TRIM_THRESHOLD", "tune_allocator"]

MMAP_THRESHOLD = 64 * 2**20  # blocks below this come from the reusable heap
TRIM_THRESHOLD = 256 * 2**20  # free heap memory kept before returning any to the system
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # mallopt parameters (malloc.h)

tuned = False


def tune_allocator() -> bool:
    """Raise glibc's mmap and trim thresholds (see the module docstring); True if done."""
    global tuned
    if tuned:
        return True
    if not sys.platform.startswith("linux") or os.environ.get("NDFLOW_MALLOC_TUNING") == "0":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    tuned = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    return tuned
