"""Stochastic gradient descent with optional (Nesterov) momentum, as ``keras.optimizers.SGD``."""

import numpy as np

from ndflow.keras.optimizers.base import Optimizer

__all__ = ["SGD"]


class SGD(Optimizer):
    """Gradient descent: ``w <- w - learning_rate * g``, with optional momentum.

    >>> opt = SGD(learning_rate=0.1, momentum=0.9, nesterov=True)

    Other keyword arguments are the base :class:`Optimizer`'s (clipnorm, weight_decay ...).
    """

    _slot_names = ("_momentums",)

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD",
                 **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be a float between [0, 1]. "
                             f"Received: momentum={momentum}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def build(self, var_list):
        if self.built:
            return
        super().build(var_list)
        self._momentums = ([self.add_variable_from_reference(v, "momentum") for v in var_list]
                           if self.momentum else [])

    def _compute(self, g, slots, b, c, learning_rate):
        # plain:     w <- w - lr * g
        # momentum:  m <- momentum * m - lr * g;  w <- w + m
        # nesterov:  m <- momentum * m - lr * g;  w <- w + momentum * m - lr * g
        (m,) = slots
        np.multiply(g, learning_rate, out=b)
        if m is None:
            return b
        m *= self.momentum
        m -= b
        if self.nesterov:
            np.multiply(m, self.momentum, out=c)
            b -= c
        else:
            np.negative(m, out=b)
        return b

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
