"""The import finder that makes ``tensorflow``, ``keras`` and ``tensorflow_datasets`` ndflow.

Placed first on ``sys.meta_path``, it answers every import under those three packages
from the table in ``ndflow.compat.table``, so an installed TensorFlow or Keras is never
reached while it is installed. A module it makes is an :class:`AliasModule`: its names
are looked up in the table's ndflow modules on first use and then kept in the module.
"""

import importlib
import importlib.abc
import importlib.util
import re
import sys
import types
import warnings

from ndflow.compat.errors import UnsupportedAPIError, UnsupportedModuleError, not_supported
from ndflow.compat.table import ALIASES, ROOTS, UNSUPPORTED, Alias, display_name

__all__ = ["AliasFinder", "AliasModule", "UnsupportedNamespace", "explain", "install",
           "is_installed", "uninstall"]


class UnsupportedNamespace:
    """Stands for a namespace ndflow does not have (``tf.distribute``): every name in it
    raises :class:`UnsupportedAPIError` naming the full API (``tf.distribute.MirroredStrategy``).
    """

    def __init__(self, api: str):
        self._api = api

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise UnsupportedAPIError(f"{self._api}.{name}")

    def __call__(self, *args, **kwargs):
        raise UnsupportedAPIError(self._api)

    def __repr__(self):
        return f"<{not_supported(self._api)}>"


class AliasModule(types.ModuleType):
    """A TensorFlow/Keras module whose names come from ndflow modules (see the table)."""

    def __init__(self, name: str, alias: Alias):
        super().__init__(name, f"{display_name(name)} on ndflow: its names come from "
                               f"{', '.join(alias.sources) or 'its submodules'}")
        self.__ndflow_alias__ = alias
        for source in alias.sources:
            if source.startswith("ndflow.compat."):
                version = getattr(importlib.import_module(source), "__version__", None)
                if version is not None:
                    self.__version__ = version

    def __getattr__(self, name):
        if name.startswith("_"):
            if name == "__all__":
                self.__all__ = sorted(self._public_names())
                return self.__all__
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        value = self._lookup(name)
        setattr(self, name, value)  # later look-ups are plain module attribute reads
        return value

    def _lookup(self, name):
        child = f"{self.__name__}.{name}"
        if child in ALIASES:
            return importlib.import_module(child)
        if child in UNSUPPORTED:
            return UnsupportedNamespace(display_name(child))
        alias = self.__ndflow_alias__
        if alias.names is None or name in alias.names:
            for source in alias.sources:
                module = importlib.import_module(source)
                if name not in _public(module):
                    continue
                value = getattr(module, name, _MISSING)
                if value is not _MISSING and not isinstance(value, types.ModuleType):
                    return value
        raise UnsupportedAPIError(f"{display_name(self.__name__)}.{name}")

    def _public_names(self) -> set:
        alias = self.__ndflow_alias__
        names = set()
        for source in alias.sources:
            module = importlib.import_module(source)
            names |= {n for n in _public(module)
                      if (alias.names is None or n in alias.names)
                      and not isinstance(getattr(module, n, None), types.ModuleType)}
        prefix = self.__name__ + "."
        names |= {child[len(prefix):] for child in ALIASES
                  if child.startswith(prefix) and "." not in child[len(prefix):]}
        return names

    def __dir__(self):
        return sorted(set(super().__dir__()) | self._public_names())

    def __repr__(self):
        return f"<module {self.__name__!r} (ndflow)>"


_MISSING = object()


def _public(module) -> set:
    """The public names of an ndflow module: its ``__all__``, else its names without '_'."""
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in dir(module) if not n.startswith("_")]
    return set(names)


class AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds and loads the modules of the table; refuses the rest of the three packages."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.partition(".")[0] not in ROOTS:
            return None
        if fullname not in ALIASES:
            raise UnsupportedModuleError(fullname)
        return importlib.util.spec_from_loader(fullname, self, is_package=True)

    def create_module(self, spec):
        alias = ALIASES[spec.name]
        if alias.same_as is not None:
            return importlib.import_module(alias.same_as)
        return AliasModule(spec.name, alias)

    def exec_module(self, module):
        # names are looked up on first use; a module that is another one of the table
        # (tf.compat.v2 is tf) keeps the spec of its own name, which the import replaced
        if module.__spec__.name != module.__name__:
            module.__spec__ = importlib.util.spec_from_loader(module.__name__, self,
                                                              is_package=True)


def _finders() -> list:
    return [f for f in sys.meta_path if isinstance(f, AliasFinder)]


def is_installed() -> bool:
    """Whether ``tensorflow``/``keras``/``tensorflow_datasets`` imports resolve to ndflow."""
    return bool(_finders())


def install() -> None:
    """Make ``import tensorflow``, ``import keras``, ``import tensorflow_datasets`` (and
    their submodules) give ndflow's modules in this process, ahead of any installed ones.

    ``ndflow run`` calls it before running a script; ``import ndflow`` never does.
    """
    if is_installed():
        return
    already = sorted(name for name in sys.modules
                     if name.partition(".")[0] in ROOTS and not _ours(sys.modules[name]))
    if already:
        warnings.warn(f"ndflow.compat.install(): {', '.join(already[:3])} "
                      f"{'was' if len(already) == 1 else 'were'} imported before; code that "
                      "already holds those modules keeps using them", stacklevel=2)
        for name in already:
            del sys.modules[name]
    sys.meta_path.insert(0, AliasFinder())
    importlib.invalidate_caches()


def uninstall() -> None:
    """Undo :func:`install`: remove the finder and forget the modules it made."""
    for finder in _finders():
        sys.meta_path.remove(finder)
    for name in [n for n, m in sys.modules.items()
                 if n.partition(".")[0] in ROOTS and _ours(m)]:
        del sys.modules[name]


def _ours(module) -> bool:
    return isinstance(module, AliasModule)


_CANNOT_IMPORT = re.compile(r"cannot import name '([^']+)' from '([^']+)'")


def explain(error: BaseException):
    """For ``from keras.layers import Missing``: the unsupported-API message, else None.

    Python turns the failed attribute look-up of a ``from ... import`` into a generic
    ImportError; this recovers which TensorFlow/Keras name was missing.
    """
    if not isinstance(error, ImportError) or isinstance(error, UnsupportedModuleError):
        return None
    match = _CANNOT_IMPORT.search(str(error))
    if not match or not _ours(sys.modules.get(match.group(2))):
        return None
    return not_supported(f"{display_name(match.group(2))}.{match.group(1)}")
