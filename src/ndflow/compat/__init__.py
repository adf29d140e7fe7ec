"""``ndflow.compat``: run scripts written for TensorFlow 2 / Keras 3 on ndflow, unchanged.

>>> import ndflow.compat
>>> ndflow.compat.install()      # what `ndflow run script.py` does first
>>> import tensorflow as tf      # now ndflow, with TensorFlow's names
>>> from keras.layers import Dense

``install()`` puts an import finder first on ``sys.meta_path``; plain ``import ndflow``
never does. The table of names is ``ndflow.compat.table``; a name ndflow does not provide
raises :class:`UnsupportedAPIError` (an AttributeError) saying which API is missing, and
importing such a module raises :class:`UnsupportedModuleError` (a ModuleNotFoundError).
"""

from ndflow.compat.errors import UnsupportedAPIError, UnsupportedModuleError
from ndflow.compat.finder import (
           AliasFinder,
           AliasModule,
           explain,
           install,
           is_installed,
           uninstall,
)

__all__ = ["AliasFinder", "AliasModule", "UnsupportedAPIError", "UnsupportedModuleError",
           "explain", "install", "is_installed", "uninstall"]
