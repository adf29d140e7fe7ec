"""Lion, as ``keras.optimizers.Lion``."""

import numpy as np

from ndflow.keras.optimizers.base import Optimizer

__all__ = ["Lion"]


class Lion(Optimizer):
    """EvoLved Sign Momentum (Chen et al.): steps of size ``learning_rate`` along the sign
    of an interpolated momentum. Other keyword arguments are the base Optimizer's."""

    _slot_names = ("_momentums",)

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.99, name="lion", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(f"Argument `beta_1` must be in the [0, 1] range. Otherwise, the "
                             f"optimizer degenerates to SignSGD. Received: beta_1={beta_1}.")
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = [self.add_variable_from_reference(v, "momentum") for v in var_list]

    def _compute(self, g, slots, b, c, learning_rate):
        # w <- w - lr * sign(beta_1 * m + (1 - beta_1) * g)
        # m <- beta_2 * m + (1 - beta_2) * g
        (m,) = slots
        np.multiply(m, self.beta_1, out=b)
        np.multiply(g, 1.0 - self.beta_1, out=c)
        b += c
        np.sign(b, out=b)
        b *= learning_rate
        m *= self.beta_2
        np.multiply(g, 1.0 - self.beta_2, out=c)
        m += c
        return b

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
