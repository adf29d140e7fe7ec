"""Physics-informed helpers: input derivatives, residual losses, PINNs, physical cost terms
and physics architectures.

* derivatives of a network's outputs with respect to its inputs, any order, batched:
  :func:`gradient`, :func:`derivative`, :func:`laplacian`, :func:`divergence`,
  :func:`jacobian`, and the cached :class:`Derivatives` a residual function receives;
* collocation points over boxes: :func:`uniform_grid`, :func:`random_points`,
  :func:`latin_hypercube`, :func:`boundary_points`;
* physics-informed training: :class:`PINN` (``compile``/``fit``) with a residual function
  and conditions (:class:`DirichletBC`, :class:`NeumannBC`, :class:`InitialCondition`,
  :class:`Condition`);
* physical cost terms for ``compile(loss=...)`` or ``model.add_loss``:
  :class:`ThresholdPenalty`, :class:`MonotonicPenalty`, :class:`NormalizationPenalty`,
  :class:`PhysicsLoss` and their function forms;
* architectures: :class:`PhysicalConstants` (named trainable constants) and
  :class:`HybridModel` (``F(x) = rho(x) + G(x)``).
"""

from ndflow.physics.collocation import (
    boundary_points,
    latin_hypercube,
    random_points,
    uniform_grid,
)
from ndflow.physics.costs import (
    MonotonicPenalty,
    NormalizationPenalty,
    PhysicsLoss,
    ThresholdPenalty,
    monotonic_penalty,
    normalization_penalty,
    threshold_penalty,
)
from ndflow.physics.derivatives import (
    Derivatives,
    derivative,
    divergence,
    gradient,
    jacobian,
    laplacian,
)
from ndflow.physics.layers import Bounds, HybridModel, PhysicalConstants
from ndflow.physics.pinn import PINN
from ndflow.physics.residual import (
    Condition,
    DirichletBC,
    InitialCondition,
    NeumannBC,
    mean_square,
    residual_terms,
)

__all__ = [
    "PINN",
    "Bounds",
    "Condition",
    "Derivatives",
    "DirichletBC",
    "HybridModel",
    "InitialCondition",
    "MonotonicPenalty",
    "NeumannBC",
    "NormalizationPenalty",
    "PhysicalConstants",
    "PhysicsLoss",
    "ThresholdPenalty",
    "boundary_points",
    "derivative",
    "divergence",
    "gradient",
    "jacobian",
    "laplacian",
    "latin_hypercube",
    "mean_square",
    "monotonic_penalty",
    "normalization_penalty",
    "random_points",
    "residual_terms",
    "threshold_penalty",
    "uniform_grid",
]
