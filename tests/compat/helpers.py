"""Running the test scripts through ``python -m ndflow run`` and reading what they print."""

import os
import pathlib
import subprocess
import sys

SCRIPTS = pathlib.Path(__file__).resolve().parent / "scripts"


def run_python(*args, pythonpath=None) -> subprocess.CompletedProcess:
    """Run ``python ARGS...`` in a fresh process, ``pythonpath`` first on its path."""
    env = {k: v for k, v in os.environ.items() if k != "NDFLOW_TRACEBACK"}
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(
            [str(pythonpath)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          timeout=300)


def ndflow_run(script, *args, pythonpath=None) -> subprocess.CompletedProcess:
    """Run ``tests/compat/scripts/<script>`` with ``python -m ndflow run``."""
    return run_python("-m", "ndflow", "run", str(SCRIPTS / script), *args,
                      pythonpath=pythonpath)


def printed(output: str) -> dict:
    """The script's lines as ``{first word: the rest}``."""
    lines = (line.strip().split(" ", 1) for line in output.splitlines() if line.strip())
    return {words[0]: words[1] if len(words) > 1 else "" for words in lines}


def check(result: subprocess.CompletedProcess, status: int = 0) -> dict:
    """Assert the exit status (showing the script's stderr if it differs); its lines."""
    assert result.returncode == status, result.stderr
    return printed(result.stdout)
