"""Tensor, Variable, DType objects, conversion and errors."""
