"""Testing helpers for ndflow and its users: the gradient checker."""

from ndflow.testing.gradcheck import GradientCheckError, check_gradients, numerical_gradients

__all__ = ["GradientCheckError", "check_gradients", "numerical_gradients"]
