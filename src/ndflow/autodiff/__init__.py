"""Automatic differentiation: primitives, bind, GradientTape and custom gradients."""
