"""The allocator tuning done at import (glibc only)."""

import os
import subprocess
import sys

import pytest

from ndflow.backend import allocator

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc tuning")


def _tuned_in_fresh_process(env_value):
    env = {**os.environ}
    env.pop("NDFLOW_MALLOC_TUNING", None)
    if env_value is not None:
        env["NDFLOW_MALLOC_TUNING"] = env_value
    code = "import ndflow; from ndflow.backend import allocator; print(allocator.tuned)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


def test_import_tunes_the_allocator_unless_turned_off():
    assert _tuned_in_fresh_process(None) == "True"
    assert _tuned_in_fresh_process("0") == "False"


def test_tuning_twice_is_harmless():
    assert allocator.tune_allocator() is allocator.tune_allocator()
