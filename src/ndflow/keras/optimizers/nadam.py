"""Nadam: Adam with Nesterov momentum, as ``keras.optimizers.Nadam``."""

import numpy as np

from ndflow.keras.optimizers.base import Optimizer

__all__ = ["Nadam"]


class Nadam(Optimizer):
    """Nesterov-accelerated Adam (Dozat) with the momentum schedule
    ``u_t = beta_1 * (1 - 0.5 * 0.96**t)``.

    This is PyTorch's ``NAdam`` with ``momentum_decay=1`` (its default 0.004 scales t).
    Other keyword arguments are the base :class:`Optimizer`'s.
    """

    _slot_names = ("_momentums", "_velocities")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
                 name="nadam", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums, self._velocities = [], []
        for v in var_list:
            self._momentums.append(self.add_variable_from_reference(v, "momentum"))
            self._velocities.append(self.add_variable_from_reference(v, "velocity"))
        dtype = var_list[0]._value.dtype if var_list else None
        self._u_product = self.add_variable((), initializer=1.0, dtype=dtype, name="u_product")

    def _u(self, t):
        return self.beta_1 * (1.0 - 0.5 * 0.96 ** t)

    def _update_all(self, arrays, variables, learning_rate):
        # the product of the momentum schedule, u_1 * ... * u_t, advances once per step
        self._u_product._value = self._u_product._value * self._u(self._step + 1)
        super()._update_all(arrays, variables, learning_rate)

    def _compute(self, g, slots, b, c, learning_rate):
        # t = iterations + 1;  u_t = beta_1 * (1 - 0.5 * 0.96**t);  P_t = u_1 * ... * u_t
        # m <- m + (1 - beta_1) * (g - m)
        # v <- v + (1 - beta_2) * (g**2 - v)
        # m_hat = u_{t+1} * m / (1 - P_t * u_{t+1}) + (1 - u_t) * g / (1 - P_t)
        # v_hat = v / (1 - beta_2**t)
        # w <- w - lr * m_hat / (sqrt(v_hat) + epsilon)
        m, v = slots
        t = self._step + 1
        u_t, u_next = self._u(t), self._u(t + 1)
        product = float(self._u_product._value)
        np.subtract(g, m, out=b)
        b *= 1.0 - self.beta_1
        m += b
        np.multiply(g, g, out=b)
        b -= v
        b *= 1.0 - self.beta_2
        v += b
        np.multiply(m, learning_rate * u_next / (1.0 - product * u_next), out=c)
        np.multiply(g, learning_rate * (1.0 - u_t) / (1.0 - product), out=b)
        c += b
        np.multiply(v, 1.0 / (1.0 - self.beta_2 ** t), out=b)
        np.sqrt(b, out=b)
        b += self.epsilon
        c /= b
        return c

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
