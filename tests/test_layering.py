"""Imports only go upward: a module may import from its own layer or lower ones.

The layers, bottom up (DESIGN.md):

    backend -> core -> autodiff -> ops -> package namespaces -> testing -> graph -> utils
    -> data -> keras -> (compat, evolve, physics, cli)

The package namespaces are the top-level namespace modules (``math.py``, ``nn.py``,
``random.py``, ``linalg.py`` ...). ``ndflow/__init__.py`` is the facade above every layer:
it may gather names from anywhere, and no module inside the package imports it. Layers
that do not exist yet are simply absent from the tree.
"""

import ast
import pathlib

import pytest

PACKAGE_ROOT = pathlib.Path(__file__).resolve().parents[1] / "src" / "ndflow"

LAYERS = [
    ("backend",),
    ("core",),
    ("autodiff",),
    ("ops",),
    ("<namespace>",),
    ("testing",),
    ("graph",),
    ("utils",),
    ("data",),
    ("datasets",),
    ("keras",),
    ("compat", "evolve", "physics", "cli", "__main__"),
]
RANK = {name: i for i, names in enumerate(LAYERS) for name in names}
NAMESPACE = RANK["<namespace>"]
FACADE = len(LAYERS)  # the package itself, ``ndflow/__init__.py``

# Deliberate exceptions, as (importing module, imported module) pairs. Keep it empty
# unless a design decision says otherwise, and say why next to each entry.
ALLOWED: set = set()


def _module_name(path: pathlib.Path, root: pathlib.Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str, packages: set):
    """Rank of an ``ndflow...`` module name, or None when it belongs to no known layer.

    ``packages`` holds the names of the top-level subpackages of ndflow; a top-level
    plain module that is not in the layer table is a package namespace (like ``nn.py``).
    """
    parts = module.split(".")
    if len(parts) == 1:
        return FACADE
    top = parts[1]
    if top in RANK:
        return RANK[top]
    if top in packages:
        return None
    return NAMESPACE


def _resolve_relative(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if node.level > 1:
        base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imported_modules(source: str, module: str, is_package: bool, known: set):
    """Yield ``(lineno, imported ndflow module)`` for every import in ``source``.

    ``from pkg import name`` counts as importing ``pkg.name`` when that is a module of
    the tree (``known``), else as importing ``pkg``. Imports inside functions count too.
    """
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "ndflow":
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = (_resolve_relative(node, module, is_package) if node.level
                    else node.module or "")
            if base.split(".")[0] != "ndflow":
                continue
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield node.lineno, full if full in known else base


def violations(source: str, module: str, is_package: bool, known: set, packages: set):
    """Return ``(lineno, imported module, reason)`` for each downward-pointing import."""
    own = layer_of(module, packages)
    found = []
    for lineno, target in imported_modules(source, module, is_package, known):
        if (module, target) in ALLOWED:
            continue
        rank = layer_of(target, packages)
        if own is None or rank is None:
            continue  # reported by test_every_package_has_a_layer
        if rank > own:
            found.append((lineno, target, f"layer {_layer_name(rank)} is above "
                                          f"{_layer_name(own)}"))
    return found


def _layer_name(rank: int) -> str:
    return "the ndflow facade" if rank == FACADE else "/".join(LAYERS[rank])


def _tree():
    files = sorted(PACKAGE_ROOT.rglob("*.py"))
    modules = {f: _module_name(f, PACKAGE_ROOT) for f in files}
    packages = {p.name for p in PACKAGE_ROOT.iterdir()
                if p.is_dir() and (p / "__init__.py").exists()}
    return modules, set(modules.values()), packages


def test_the_package_is_found():
    modules, _, _ = _tree()
    assert len(modules) > 10, f"found only {len(modules)} modules under {PACKAGE_ROOT}"


def test_every_package_has_a_layer():
    _, _, packages = _tree()
    unknown = sorted(p for p in packages if p not in RANK)
    assert not unknown, (f"subpackages of ndflow missing from the layer table in "
                         f"{__file__}: {unknown}")


def test_imports_only_go_upward():
    modules, known, packages = _tree()
    report = []
    for path, module in modules.items():
        source = path.read_text(encoding="utf-8")
        for lineno, target, why in violations(source, module, path.name == "__init__.py",
                                              known, packages):
            report.append(f"{path.relative_to(PACKAGE_ROOT.parent)}:{lineno}: imports "
                          f"{target} ({why})")
    print("\n".join(report))
    assert not report, "imports against the layer order:\n" + "\n".join(report)


# -- the checker itself ---------------------------------------------------------------
KNOWN = {"ndflow", "ndflow.core", "ndflow.core.tensor", "ndflow.ops", "ndflow.ops.math",
         "ndflow.keras", "ndflow.keras.layers", "ndflow.backend", "ndflow.nn",
         "ndflow.autodiff", "ndflow.autodiff.tape"}
PACKAGES = {"core", "ops", "keras", "backend", "autodiff"}


@pytest.mark.parametrize(("source", "module", "is_package", "bad"), [
    ("from ndflow.keras import layers\n", "ndflow.core.tensor", False, "ndflow.keras.layers"),
    ("import ndflow.ops.math\n", "ndflow.core.tensor", False, "ndflow.ops.math"),
    ("import ndflow as nd\n", "ndflow.ops.math", False, "ndflow"),
    ("from ndflow import nn\n", "ndflow.autodiff.tape", False, "ndflow.nn"),
    ("def f():\n    from ndflow.autodiff import tape\n", "ndflow.core.tensor", False,
     "ndflow.autodiff.tape"),
    ("from ..ops import math\n", "ndflow.core.tensor", False, "ndflow.ops.math"),
    ("from .. import ops\n", "ndflow.core", True, "ndflow.ops"),
    ("from ndflow.core.tensor import Tensor\n", "ndflow.backend.xp", False,
     "ndflow.core.tensor"),
])
def test_checker_catches_a_violation(source, module, is_package, bad):
    found = violations(source, module, is_package, KNOWN, PACKAGES)
    assert [target for _, target, _ in found] == [bad]


@pytest.mark.parametrize(("source", "module", "is_package"), [
    ("from ndflow.core.tensor import Tensor\n", "ndflow.ops.math", False),
    ("from ndflow.ops import math as m\n", "ndflow.ops.overloads", False),
    ("from . import math\n", "ndflow.ops", True),
    ("from ndflow.ops.math import *\n", "ndflow.nn", False),
    ("from ndflow import nn, core\n", "ndflow", True),
    ("import numpy as np\nimport ndflow.core.tensor\n", "ndflow.keras.layers", False),
])
def test_checker_accepts_upward_imports(source, module, is_package):
    assert violations(source, module, is_package, KNOWN, PACKAGES) == []
