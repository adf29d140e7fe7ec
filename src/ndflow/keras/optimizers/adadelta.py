"""Adadelta, as ``keras.optimizers.Adadelta``."""

import numpy as np

from ndflow.keras.optimizers.base import Optimizer

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Steps scaled by running RMS of past updates over running RMS of gradients (Zeiler).

    Other keyword arguments are the base :class:`Optimizer`'s.
    """

    _slot_names = ("_accumulated_grads", "_accumulated_delta_vars")

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name="adadelta",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulated_grads, self._accumulated_delta_vars = [], []
        for v in var_list:
            self._accumulated_grads.append(
                self.add_variable_from_reference(v, "accumulated_grad"))
            self._accumulated_delta_vars.append(
                self.add_variable_from_reference(v, "accumulated_delta_var"))

    def _compute(self, g, slots, b, c, learning_rate):
        # acc_g <- rho * acc_g + (1 - rho) * g**2
        # delta = -sqrt(acc_dx + epsilon) * g / sqrt(acc_g + epsilon)
        # acc_dx <- rho * acc_dx + (1 - rho) * delta**2
        # w <- w + lr * delta
        acc_g, acc_dx = slots
        rho, eps = self.rho, self.epsilon
        np.multiply(g, g, out=b)
        b *= 1.0 - rho
        acc_g *= rho
        acc_g += b
        np.add(acc_dx, eps, out=c)  # c holds -delta
        np.sqrt(c, out=c)
        c *= g
        np.add(acc_g, eps, out=b)
        np.sqrt(b, out=b)
        c /= b
        np.multiply(c, c, out=b)
        b *= 1.0 - rho
        acc_dx *= rho
        acc_dx += b
        c *= learning_rate
        return c

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
