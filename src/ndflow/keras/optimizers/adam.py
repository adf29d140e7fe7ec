"""Adam, as ``keras.optimizers.Adam``."""

import numpy as np

from ndflow.keras.optimizers.base import Optimizer

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adaptive moment estimation (Kingma & Ba), with optional AMSGrad.

    Keras adds ``epsilon`` to ``sqrt(v)`` before the bias correction of the step size
    (PyTorch adds it after), so the two agree exactly only for ``epsilon=0``.
    Other keyword arguments are the base :class:`Optimizer`'s.
    """

    _slot_names = ("_momentums", "_velocities", "_velocity_hats")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 amsgrad=False, name="adam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = bool(amsgrad)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities, self._velocity_hats = [], [], []
        for v in var_list:
            self._momentums.append(self.add_variable_from_reference(v, "momentum"))
            self._velocities.append(self.add_variable_from_reference(v, "velocity"))
            if self.amsgrad:
                self._velocity_hats.append(self.add_variable_from_reference(v, "velocity_hat"))

    def _compute(self, g, slots, b, c, learning_rate):
        # t = iterations + 1;  alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
        # m <- m + (1 - beta_1) * (g - m)
        # v <- v + (1 - beta_2) * (g**2 - v)
        # amsgrad: v_hat <- max(v_hat, v), used in place of v below
        # w <- w - alpha * m / (sqrt(v) + epsilon)
        m, v, v_hat = slots
        t = self._step + 1
        beta_1, beta_2 = self.beta_1, self.beta_2
        alpha = learning_rate * (1.0 - beta_2 ** t) ** 0.5 / (1.0 - beta_1 ** t)
        np.subtract(g, m, out=b)
        b *= 1.0 - beta_1
        m += b
        np.multiply(g, g, out=b)
        b -= v
        b *= 1.0 - beta_2
        v += b
        if v_hat is not None:
            np.maximum(v_hat, v, out=v_hat)
            v = v_hat
        np.sqrt(v, out=b)
        b += self.epsilon
        np.divide(m, b, out=b)
        b *= alpha
        return b

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}
