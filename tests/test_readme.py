"""The README's Python examples run as written.

``python_blocks`` and ``run_python_blocks`` are shared with tests/test_guide.py: a
Markdown file's ```python blocks run top to bottom in one namespace, each compiled so
that a traceback names the Markdown file and its line.
"""

import contextlib
import pathlib
import re

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # comes with scikit-learn; without it BLAS keeps its own threads
    threadpool_limits = None

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)


def fenced_blocks(path) -> list:
    """``(language, first line number, code)`` of every fenced block of a Markdown file."""
    text = pathlib.Path(path).read_text(encoding="utf-8")
    return [(m.group(1), text.count("\n", 0, m.start(2)) + 1, m.group(2))
            for m in _FENCE.finditer(text)]


def python_blocks(path) -> list:
    """``(first line number, code)`` of the ```python blocks of a Markdown file."""
    return [(line, code) for lang, line, code in fenced_blocks(path) if lang == "python"]


def run_python_blocks(path, namespace=None) -> dict:
    """Run the ```python blocks of ``path`` in order in one namespace (returned), with
    BLAS on one thread: the examples' matrices are small, and on a busy machine extra
    BLAS threads mostly wait for each other."""
    namespace = {"__name__": "__markdown__"} if namespace is None else namespace
    limit = threadpool_limits(1, "blas") if threadpool_limits else contextlib.nullcontext()
    with limit:
        for line, code in python_blocks(path):
            # padded with newlines so that tracebacks give the line in the Markdown file
            exec(compile("\n" * (line - 1) + code, str(path), "exec"), namespace)
    return namespace


def test_readme_python_blocks_run(capsys):
    namespace = run_python_blocks(README)
    out = capsys.readouterr().out
    assert float(namespace["dy_dx"]) == 12.0
    assert float(namespace["d2y_dx2"]) == 12.0
    assert namespace["accuracy"] >= 0.9
    assert f"test accuracy {namespace['accuracy']:.2f}" in out
    assert "[[ 10.  40.  90.]" in out


def test_readme_figures_placeholder_is_marked():
    text = README.read_text(encoding="utf-8")
    assert text.count("<!-- FIGURES -->") == 2
    figures = text.split("<!-- FIGURES -->")[1]
    assert "| workload |" in figures and "2-core x86 CPU" in figures


def test_readme_links_exist():
    text = README.read_text(encoding="utf-8")
    links = [link.split("#")[0] for link in re.findall(r"\]\(([^)\s]+)\)", text)
             if "://" not in link and not link.startswith("#")]
    assert links
    missing = [link for link in links if not (ROOT / link).exists()]
    assert not missing, f"README.md links to missing files: {missing}"
