"""ndflow: deep learning for science on NumPy, with the TensorFlow/Keras API."""

from ndflow.autodiff.custom_gradient import custom_gradient
from ndflow.autodiff.tape import GradientTape, UnconnectedGradients
from ndflow.backend.config import floatx
from ndflow.core.convert import convert_to_tensor
from ndflow.core.dtypes import *  # noqa
from ndflow.core.dtypes import DType, as_dtype
from ndflow.core.errors import InvalidArgumentError
from ndflow.core.shape import TensorShape
from ndflow.core.tensor import Tensor, is_tensor
from ndflow.core.variable import Variable
from ndflow.ops import overloads as _overloads  # noqa: F401  (installs Tensor operators)
from ndflow.ops.linalg import matmul
from ndflow.ops.math import *  # noqa
from ndflow.ops.reduction import reduce_mean, reduce_sum

__version__ = "0.1.0"
