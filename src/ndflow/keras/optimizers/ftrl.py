"""FTRL-Proximal, as ``keras.optimizers.Ftrl``."""

import numpy as np

from ndflow.keras.optimizers.base import Optimizer

__all__ = ["Ftrl"]


class Ftrl(Optimizer):
    """Follow The Regularized Leader (McMahan et al.), with L1, L2 and L2-shrinkage terms.

    Other keyword arguments are the base :class:`Optimizer`'s.
    """

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5,
                 initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0,
                 beta=0.0, name="ftrl", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        checks = (("initial_accumulator_value", initial_accumulator_value, "non-negative"),
                  ("learning_rate_power", -learning_rate_power, "less than or equal to 0"),
                  ("l1_regularization_strength", l1_regularization_strength, "non-negative"),
                  ("l2_regularization_strength", l2_regularization_strength, "non-negative"),
                  ("l2_shrinkage_regularization_strength",
                   l2_shrinkage_regularization_strength, "non-negative"))
        for arg, value, rule in checks:
            if value < 0:
                raise ValueError(f"`{arg}` needs to be {rule}. Received: "
                                 f"{arg}={-value if arg == 'learning_rate_power' else value}")
        self.learning_rate_power = learning_rate_power
        self.initial_accumulator_value = initial_accumulator_value
        self.l1_regularization_strength = l1_regularization_strength
        self.l2_regularization_strength = l2_regularization_strength
        self.l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self.beta = beta

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators, self._linears = [], []
        for v in var_list:
            self._accumulators.append(self.add_variable_from_reference(
                v, "accumulator", initializer=float(self.initial_accumulator_value)))
            self._linears.append(self.add_variable_from_reference(v, "linear"))

    def update_step(self, gradient, variable, learning_rate):
        # p = -learning_rate_power;  l2 = l2_strength + beta / (2 * lr)
        # n_new = n + g**2
        # z <- z + (g + 2 * l2_shrinkage * w) - (n_new**p - n**p) / lr * w
        # w <- (clip(z, -l1, l1) - z) / (n_new**p / lr + 2 * l2);  n <- n_new
        i = self._index[variable._uid]
        n = self._accumulators[i]._value
        z = self._linears[i]._value
        b = self._buffers[0][i]
        w = variable._value
        p = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        l2 = self.l2_regularization_strength + self.beta / (2.0 * learning_rate)
        shrinkage = self.l2_shrinkage_regularization_strength
        old_power = n ** p
        np.multiply(gradient, gradient, out=b)
        n += b
        new_power = n ** p
        z += gradient
        if shrinkage:
            np.multiply(w, 2.0 * shrinkage, out=b)
            z += b
        np.subtract(new_power, old_power, out=b)
        b *= w
        b /= learning_rate
        z -= b
        new_power /= learning_rate
        new_power += 2.0 * l2
        new = np.clip(z, -l1, l1)
        new -= z
        new /= new_power
        variable._value = new

    def get_config(self):
        return {**super().get_config(),
                "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength":
                    self.l2_shrinkage_regularization_strength,
                "beta": self.beta}
