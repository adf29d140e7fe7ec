"""RMSprop, as ``keras.optimizers.RMSprop``."""

import numpy as np

from ndflow.keras.optimizers.base import Optimizer

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """Divide the gradient by a running root mean square of recent gradients.

    Keras adds ``epsilon`` inside the square root (PyTorch outside) and keeps the learning
    rate inside the momentum buffer, so the two agree for ``epsilon=0`` and a fixed rate.
    Other keyword arguments are the base :class:`Optimizer`'s.
    """

    _slot_names = ("_velocities", "_momentums", "_average_gradients")

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7,
                 centered=False, name="rmsprop", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = bool(centered)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._velocities = [self.add_variable_from_reference(v, "velocity") for v in var_list]
        self._momentums = ([self.add_variable_from_reference(v, "momentum") for v in var_list]
                           if self.momentum > 0 else [])
        self._average_gradients = (
            [self.add_variable_from_reference(v, "average_gradient") for v in var_list]
            if self.centered else [])

    def _compute(self, g, slots, b, c, learning_rate):
        # v <- rho * v + (1 - rho) * g**2
        # centered: a <- rho * a + (1 - rho) * g;  d = v - a**2 + epsilon
        # otherwise: d = v + epsilon
        # increment = lr * g / sqrt(d)
        # momentum: mom <- momentum * mom + increment;  w <- w - mom
        # otherwise: w <- w - increment
        v, mom, a = slots
        rho = self.rho
        np.multiply(g, g, out=b)
        b *= 1.0 - rho
        v *= rho
        v += b
        if a is not None:
            np.multiply(g, 1.0 - rho, out=b)
            a *= rho
            a += b
            np.multiply(a, a, out=b)
            np.subtract(v, b, out=b)
            b += self.epsilon
        else:
            np.add(v, self.epsilon, out=b)
        np.sqrt(b, out=b)
        np.divide(g, b, out=b)
        b *= learning_rate
        if mom is not None:
            mom *= self.momentum
            mom += b
            b[...] = mom
        return b

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
