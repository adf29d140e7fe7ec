"""Turning DOT text into an image file with Graphviz, or into a ``.dot`` file without it.

Shared by ``ndflow.utils.plot_graph`` and ``keras.utils.plot_model``. Images come from
the ``graphviz`` Python package or the ``dot`` program; when neither is there (or it
fails), the DOT text goes to ``<stem>.dot`` beside the requested file with a warning
that says how to render it.
"""

import os
import shutil
import subprocess
import tempfile
import warnings

__all__ = ["draw", "find_renderer", "write_atomic"]

TEXT_FORMATS = ("dot", "gv")


def _render_with_package(graphviz):
    return lambda source, fmt: graphviz.Source(source).pipe(format=fmt)


def _render_with_program(dot):
    def render(source, fmt):
        done = subprocess.run([dot, f"-T{fmt}"], input=source.encode("utf-8"),
                              capture_output=True, check=True)
        return done.stdout

    return render


def find_renderer():
    """A function ``(dot_source, format) -> image bytes`` using Graphviz, or None."""
    try:
        import graphviz
    except ImportError:
        graphviz = None
    if graphviz is not None:
        return _render_with_package(graphviz)
    dot = shutil.which("dot")
    return _render_with_program(dot) if dot else None


def write_atomic(path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ndflow-plot-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _notebook_image(path, fmt):
    """An IPython Image of the file when running in a notebook, else None."""
    if fmt not in ("png", "jpg", "jpeg", "gif"):
        return None
    try:
        from IPython import get_ipython
        from IPython.display import Image
    except ImportError:
        return None
    return Image(filename=path) if get_ipython() is not None else None


def draw(source: str, to_file, caller: str, renderer):
    """Write ``source`` to ``to_file`` in the format of its extension ('png' if none).

    ``renderer``: what :func:`find_renderer` returned. A ``.dot``/``.gv`` file gets the
    text itself; an image without a working renderer falls back to ``<stem>.dot`` and a
    warning from ``caller``. Returns an IPython Image in a notebook, else None.
    """
    path = os.fspath(to_file)
    stem, ext = os.path.splitext(path)
    fmt = ext[1:].lower() or "png"
    if fmt in TEXT_FORMATS:
        write_atomic(path, source.encode("utf-8"))
        return None
    if renderer is None:
        reason = ("Graphviz was not found (neither the `graphviz` Python package nor the "
                  "`dot` program)")
    else:
        try:
            image = renderer(source, fmt)
        except (OSError, RuntimeError, ValueError, subprocess.SubprocessError) as e:
            detail = getattr(e, "stderr", None)
            if isinstance(detail, bytes) and detail.strip():
                e = " ".join(detail.decode("utf-8", "replace").split())
            reason = f"Graphviz could not render the graph ({e})"
        else:
            write_atomic(path, image)
            return _notebook_image(path, fmt)
    dot_file = stem + ".dot"
    write_atomic(dot_file, source.encode("utf-8"))
    warnings.warn(f"{caller}: {reason}, so the graph was written as DOT text to "
                  f"{dot_file!r} instead of {path!r}. Install Graphviz (https://graphviz.org: "
                  f"the `dot` program, or `pip install graphviz` beside it) for images, or "
                  f"render the file with: dot -T{fmt} {dot_file} -o {path}", stacklevel=3)
    return None
