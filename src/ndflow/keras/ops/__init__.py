"""``ndflow.keras.ops``: the Keras 3 ops namespace (``keras.ops``) on ndflow tensors.

>>> from ndflow.keras import ops
>>> float(ops.mean(ops.square(ops.subtract([1.0, 2.0], [0.0, 4.0]))))
2.5

The groups are also modules of their own, as in Keras: ``ops.numpy`` (NumPy-like
functions), ``ops.nn`` (activations, cross-entropies), ``ops.math``, ``ops.linalg`` and
``ops.core``. Every name resolves to ndflow's primitives, directly or composed.
"""

from ndflow.keras.ops import core, linalg, math, nn, numpy
from ndflow.keras.ops.core import *  # noqa: F403
from ndflow.keras.ops.linalg import *  # noqa: F403
from ndflow.keras.ops.math import *  # noqa: F403
from ndflow.keras.ops.nn import *  # noqa: F403
from ndflow.keras.ops.numpy import *  # noqa: F403

__all__ = sorted({*core.__all__, *linalg.__all__, *math.__all__, *nn.__all__,
                  *numpy.__all__})
