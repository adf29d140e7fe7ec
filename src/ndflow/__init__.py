"""ndflow: deep learning for science on NumPy, with the TensorFlow/Keras API.

>>> import ndflow as tf
>>> tf.constant([[1, 2, 3], [4, 5, 6]]) * tf.constant([10, 20, 30])
<ndflow.Tensor: shape=(2, 3), dtype=int32, numpy=
[[ 10,  40,  90],
 [ 40, 100, 180]]>
"""

import warnings as _warnings

from ndflow import linalg, math, nn, random
from ndflow.autodiff.custom_gradient import custom_gradient
from ndflow.autodiff.tape import GradientTape, UnconnectedGradients
from ndflow.backend.allocator import tune_allocator as _tune_allocator
from ndflow.backend.config import floatx, set_floatx
from ndflow.backend.xp import set_default_device
from ndflow.core import errors, nest
from ndflow.core.convert import convert_to_tensor
from ndflow.core.dtypes import (
    DType,
    as_dtype,
    bool,
    complex64,
    complex128,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    string,
    uint8,
    uint16,
    uint32,
    uint64,
)
from ndflow.core.errors import InvalidArgumentError
from ndflow.core.shape import TensorShape
from ndflow.core.tensor import Tensor, is_tensor
from ndflow.core.variable import Variable
from ndflow.graph import TensorSpec, cond, function, while_loop
from ndflow.ops.array import *
from ndflow.ops.cast import cast
from ndflow.ops.creation import *
from ndflow.ops.linalg import einsum, matmul, norm, tensordot
from ndflow.ops.math import *
from ndflow.ops.reduction import *

__version__ = "0.1.0"


# imported on first use: a fast import
_LAZY_SUBMODULES = ("data", "datasets", "evolve", "keras", "physics", "utils")


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        import importlib

        return importlib.import_module(f"ndflow.{name}")
    raise AttributeError(f"module 'ndflow' has no attribute {name!r}")


def _silence_numpy_warnings_inside_ndflow():
    """Like TensorFlow, ops return inf and nan silently (``log(0)`` is -inf).

    NumPy would warn from inside ndflow's modules; the filter matches only warnings
    raised there, so the user's own NumPy code still warns as usual.
    """
    _warnings.filterwarnings("ignore", message=r".* encountered in ", category=RuntimeWarning,
                             module=r"ndflow\.")


_silence_numpy_warnings_inside_ndflow()
_tune_allocator()  # freed arrays stay in the process for the next step (see the module)
