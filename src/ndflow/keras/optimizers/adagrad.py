"""Adagrad, as ``keras.optimizers.Adagrad``."""

import numpy as np

from ndflow.keras.optimizers.base import Optimizer

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Per-parameter learning rates scaled by the sum of all past squared gradients.

    Keras adds ``epsilon`` inside the square root (PyTorch outside).
    Other keyword arguments are the base :class:`Optimizer`'s.
    """

    _slot_names = ("_accumulators",)

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7,
                 name="adagrad", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if initial_accumulator_value < 0:
            raise ValueError(f"`initial_accumulator_value` must be non-negative. Received: "
                             f"initial_accumulator_value={initial_accumulator_value}")
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._accumulators = [
            self.add_variable_from_reference(v, "accumulator",
                                             initializer=float(self.initial_accumulator_value))
            for v in var_list]

    def _compute(self, g, slots, b, c, learning_rate):
        # acc <- acc + g**2
        # w <- w - lr * g / sqrt(acc + epsilon)
        (acc,) = slots
        np.multiply(g, g, out=b)
        acc += b
        np.add(acc, self.epsilon, out=b)
        np.sqrt(b, out=b)
        np.divide(g, b, out=b)
        b *= learning_rate
        return b

    def get_config(self):
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
