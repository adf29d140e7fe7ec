"""Adamax: Adam with the infinity norm, as ``keras.optimizers.Adamax``."""

import numpy as np

from ndflow.keras.optimizers.base import Optimizer

__all__ = ["Adamax"]


class Adamax(Optimizer):
    """Adam's variant scaling steps by an exponentially weighted infinity norm.

    Keras adds ``epsilon`` to the norm in the denominator (PyTorch to ``|g|`` inside the
    max), so the two agree exactly only for ``epsilon=0``.
    Other keyword arguments are the base :class:`Optimizer`'s.
    """

    _slot_names = ("_m", "_u")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="adamax", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._m, self._u = [], []
        for v in var_list:
            self._m.append(self.add_variable_from_reference(v, "momentum"))
            self._u.append(self.add_variable_from_reference(v, "norm"))

    def _compute(self, g, slots, b, c, learning_rate):
        # t = iterations + 1
        # m <- m + (1 - beta_1) * (g - m)
        # u <- max(beta_2 * u, |g|)
        # w <- w - lr * m / ((1 - beta_1**t) * (u + epsilon))
        m, u = slots
        np.subtract(g, m, out=b)
        b *= 1.0 - self.beta_1
        m += b
        u *= self.beta_2
        np.abs(g, out=b)
        np.maximum(u, b, out=u)
        np.add(u, self.epsilon, out=b)
        np.divide(m, b, out=b)
        b *= learning_rate / (1.0 - self.beta_1 ** (self._step + 1))
        return b

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
