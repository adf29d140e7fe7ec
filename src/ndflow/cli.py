"""The ``ndflow`` command: ``ndflow run SCRIPT.py [args...]``, ``ndflow info``, ``--version``.

``ndflow run`` runs a script written for TensorFlow 2 / Keras 3 on ndflow: inside it
``import tensorflow``, ``import keras`` and ``import tensorflow_datasets`` give ndflow's
modules (see ``ndflow.compat``). The script runs as ``__main__`` with ``sys.argv`` set to
``[SCRIPT, *args]``; its exit status becomes the command's.
"""

import argparse
import importlib
import importlib.metadata
import importlib.util
import os
import pathlib
import platform
import runpy
import sys
import traceback

from ndflow import compat

__all__ = ["main", "run_script"]

_OPTIONAL = ("matplotlib", "tqdm", "pooch", "safetensors", "sklearn", "cupy")
_PACKAGE_DIR = str(pathlib.Path(__file__).resolve().parent)
_RUNNER_FILES = {str(pathlib.Path(f).resolve()) for f in (runpy.__file__, __file__)}


def _version() -> str:
    # the package facade sits above the command-line layer: read by name
    return importlib.import_module("ndflow").__version__


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``ndflow`` command."""
    parser = argparse.ArgumentParser(
        prog="ndflow", description="ndflow: deep learning for science on NumPy, with the "
                                   "TensorFlow/Keras API.")
    parser.add_argument("--version", action="version", version=f"ndflow {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = commands.add_parser(
        "run", help="run a TensorFlow/Keras script on ndflow, unchanged",
        description="Run SCRIPT.py with `tensorflow`, `keras` and `tensorflow_datasets` "
                    "resolving to ndflow. Arguments after the script go to the script.")
    run.add_argument("script", help="the Python file to run")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    commands.add_parser("info", help="print the versions of ndflow, Python, NumPy and the "
                                     "optional packages, and the compute backend")
    return parser


def main(argv=None) -> int:
    """Run the ``ndflow`` command with ``argv`` (default: ``sys.argv[1:]``); the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if len(argv) >= 2 and argv[0] == "run" and not argv[1].startswith("-"):
        # the script's arguments are passed on verbatim, '--' included, as Python does
        return run_script(argv[1], argv[2:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "run":
        return run_script(args.script, args.args)
    if args.command == "info":
        print(info())
        return 0
    parser.print_help()
    return 0


def run_script(path, args=()) -> int:
    """Run the script at ``path`` as ``__main__`` on ndflow; return its exit status."""
    path = str(path)
    if not os.path.isfile(path):
        print(f"ndflow run: can't open file {path!r}: no such file", file=sys.stderr)
        return 2
    was_installed = compat.is_installed()
    compat.install()
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [path, *args]
    # as `python SCRIPT.py` does: the script's folder comes first, so its siblings import
    sys.path[0:1] = [str(pathlib.Path(path).resolve().parent)]
    try:
        runpy.run_path(path, run_name="__main__")
    except SystemExit as e:
        return _exit_status(e.code)
    except KeyboardInterrupt as e:
        _print_error(e)
        return 130
    except BaseException as e:
        _print_error(e)
        return 1
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
        if not was_installed:
            compat.uninstall()
    return 0


def _exit_status(code) -> int:
    """What Python makes of ``sys.exit(code)``: None is 0, a number itself, else print it, 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


def _print_error(error: BaseException) -> None:
    """Print the traceback from the script's frames on, then the missing API if that was it.

    Frames of the runner, of Python's import machinery and of ndflow itself are left out
    (``NDFLOW_TRACEBACK=full`` shows them): the script's lines and the message are what a
    user needs to fix a mistake.
    """
    full = os.environ.get("NDFLOW_TRACEBACK", "").lower() == "full"
    report = traceback.TracebackException(type(error), error, error.__traceback__,
                                          compact=True)
    hidden = 0 if full else _trim(report)
    sys.stdout.flush()  # what the script printed comes before its error, also in a log file
    sys.stderr.write("".join(report.format()))
    note = compat.explain(error)
    if note:
        print(f"ndflow: {note}", file=sys.stderr)
    if hidden:
        print(f"({hidden} frame{'s' if hidden > 1 else ''} inside ndflow not shown; "
              "NDFLOW_TRACEBACK=full shows them)", file=sys.stderr)


def _trim(report: traceback.TracebackException) -> int:
    """Drop the frames that are not the user's from ``report`` and its causes.

    Returns how many of them were ndflow's (the runner's own frames go unmentioned).
    """
    hidden, seen = 0, set()
    while report is not None and id(report) not in seen:
        seen.add(id(report))
        kinds = [_frame_kind(frame.filename) for frame in report.stack]
        hidden += sum(kind == "ndflow" for kind in kinds)
        report.stack = traceback.StackSummary.from_list(
            [frame for frame, kind in zip(report.stack, kinds) if kind == "user"])
        report = report.__cause__ or report.__context__
    return hidden


def _frame_kind(filename: str) -> str:
    """'runner' (runpy, import machinery, this module), 'ndflow' or 'user'."""
    if filename.startswith("<frozen "):
        return "runner"
    try:
        resolved = str(pathlib.Path(filename).resolve())
    except (OSError, ValueError):
        return "user"
    if resolved in _RUNNER_FILES:
        return "runner"
    return "ndflow" if resolved.startswith(_PACKAGE_DIR + os.sep) else "user"


def info() -> str:
    """A few lines on this installation: versions, backend, data directory."""
    import numpy as np

    from ndflow.backend.config import floatx
    from ndflow.compat.devices import list_physical_devices
    from ndflow.datasets import get_data_dir

    gpus = list_physical_devices("GPU")
    lines = [
        f"ndflow {_version()} ({_PACKAGE_DIR})",
        f"python {platform.python_version()} ({sys.executable})",
        f"numpy {np.__version__}",
        f"compute: CPU (NumPy); GPUs through CuPy: {len(gpus) if gpus else 'none'}",
        f"floatx: {floatx()}",
        f"datasets cache: {get_data_dir()}",
        "optional packages: " + ", ".join(f"{name} {_installed_version(name)}"
                                          for name in _OPTIONAL),
    ]
    return "\n".join(lines)


def _installed_version(module: str) -> str:
    if importlib.util.find_spec(module) is None:
        return "(not installed)"
    distribution = {"sklearn": "scikit-learn"}.get(module, module)
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "(installed)"
