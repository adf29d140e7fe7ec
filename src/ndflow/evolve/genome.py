"""The genome of a model: its trainable weights laid end to end in one flat vector.

>>> genome = Genome(model)
>>> vector = genome.vector()                 # a copy of the current weights, (size,)
>>> genome.assign(vector + 0.01)             # the model now holds these weights
>>> kernels = genome.unstack(population)     # (P, *shape) views, one per weight
"""

import numpy as np

from ndflow.backend.xp import to_numpy
from ndflow.core.tensor import Tensor

__all__ = ["Genome"]


class Genome:
    """The trainable weights of ``model``, in ``model.trainable_weights`` order, as genes."""

    def __init__(self, model):
        self.model = model
        self.variables = list(model.trainable_weights)
        if not self.variables:
            raise ValueError(f"Model '{model.name}' has no trainable weights to evolve: build "
                             f"it first (call it on data or give it an Input) and leave some "
                             f"layers trainable")
        self.shapes = [tuple(v._value.shape) for v in self.variables]
        sizes = [int(np.prod(s, dtype=np.int64)) for s in self.shapes]
        self.bounds = np.cumsum([0, *sizes]).tolist()
        self.size = self.bounds[-1]
        self.dtype = np.result_type(*[v._value.dtype for v in self.variables])
        self.index = {v._uid: i for i, v in enumerate(self.variables)}

    def vector(self) -> np.ndarray:
        """The model's current trainable weights as one ``(size,)`` vector (a copy)."""
        return np.concatenate([to_numpy(v._value).ravel() for v in self.variables]).astype(
            self.dtype, copy=False)

    def arrays(self, vector) -> list:
        """The weights in ``vector`` as arrays of the variables' shapes and dtypes."""
        return [np.array(vector[lo:hi].reshape(shape), dtype=v._value.dtype)
                for v, lo, hi, shape in zip(self.variables, self.bounds, self.bounds[1:],
                                            self.shapes)]

    def assign(self, vector) -> None:
        """Make the model hold the weights in ``vector``."""
        vector = np.asarray(vector)
        if vector.shape != (self.size,):
            raise ValueError(f"Genome of model '{self.model.name}': expected a vector of "
                             f"{self.size} genes, got shape {vector.shape}")
        for v, array in zip(self.variables, self.arrays(vector)):
            v._value = array  # as optimizers do: a new array, earlier reads keep their value

    def unstack(self, population) -> list:
        """Per weight, a ``(P, *shape)`` view into the ``(P, size)`` population."""
        p = population.shape[0]
        return [population[:, lo:hi].reshape(p, *shape)
                for lo, hi, shape in zip(self.bounds, self.bounds[1:], self.shapes)]

    # -- the first generation --------------------------------------------------------------
    def initial_population(self, size, rng, init_scale=None) -> np.ndarray:
        """``size`` individuals; the first is the model's current weights.

        With ``init_scale=None`` the others are fresh draws from each weight's initializer
        (the ``<name>_initializer`` of the layer holding it, e.g. Dense's
        ``kernel_initializer``), seeded from ``rng``, as if the model had been created again
        with another seed; a weight whose initializer cannot be found gets the current value
        plus ``N(0, 0.05²)`` noise. With a number, the others are the current weights plus
        ``N(0, init_scale²)`` noise.
        """
        current = self.vector()
        population = np.empty((size, self.size), dtype=self.dtype)
        population[0] = current
        if size == 1:
            return population
        if init_scale is not None:
            noise = rng.standard_normal((size - 1, self.size)) * init_scale
            population[1:] = current + noise.astype(self.dtype)
            return population
        initializers = _initializers_by_variable(self.model)
        for v, lo, hi, shape in zip(self.variables, self.bounds, self.bounds[1:], self.shapes):
            init = initializers.get(v._uid)
            for i in range(1, size):
                population[i, lo:hi] = _fresh_draw(init, shape, v, current[lo:hi], rng)
        return population


def _initializers_by_variable(model):
    """Variable uid -> the initializer its layer was given for it (when one is named so)."""
    found, stack, seen = {}, [model], set()
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        attributes = vars(layer)
        for name, value in attributes.items():
            init = attributes.get(f"{name}_initializer")
            if init is not None and hasattr(value, "_uid"):
                found.setdefault(value._uid, init)
        stack.extend(layer._sublayers())
    return found


def _fresh_draw(init, shape, variable, current, rng):
    """One draw of ``init`` for ``shape``, reseeded from ``rng`` when it takes a seed
    (noise around ``current`` when the weight has no initializer)."""
    if init is None:
        return current + rng.normal(0.0, 0.05, size=current.shape)
    config = init.get_config() if hasattr(init, "get_config") else {}
    if "seed" in config:
        init = type(init).from_config({**config, "seed": int(rng.integers(2**31 - 1))})
    value = init(shape, dtype=variable._value.dtype.name)
    return to_numpy(value._value if isinstance(value, Tensor) else np.asarray(value)).ravel()
