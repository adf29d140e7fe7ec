"""Fitness: what the genetic algorithm maximises, computed for a whole population.

Four kinds, chosen by what is given:

* no ``fitness`` (the default): minus the model's training loss on ``(x, y)``, for every
  individual in one vectorised pass (``PopulationEvaluator.loss``);
* ``fitness(y_true, y_pred) -> float`` with data: called once per individual on NumPy
  arrays (``y_pred`` of shape ``(B, ...)``, from one vectorised forward pass); with
  ``workers=N`` the calls run in ``N`` processes;
* the same function marked with ``@vectorized``: called once with the predictions of the
  whole population, ``y_pred`` of shape ``(P, B, ...)``, returning ``P`` values;
* ``fitness(model) -> float`` without data (``fit(model)``): the model holds each
  individual's weights in turn (a simulation, a game, a physical system ...); with
  ``workers=N`` each process gets its own copy of the model.

Larger is better. A fitness that returns NaN counts as the worst possible.
"""

import math
import pickle
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from ndflow.core import nest

__all__ = ["FitnessEvaluator", "vectorized"]


def vectorized(fn):
    """Mark ``fitness(y_true, y_pred)`` as vectorised: it receives every individual's
    predictions at once, ``(P, B, ...)``, and returns ``P`` fitness values.

    >>> @vectorized
    ... def accuracy(y_true, y_pred):
    ...     return (y_pred.argmax(-1) == y_true.argmax(-1)).mean(axis=-1)
    """
    fn.vectorized = True
    return fn


class FitnessEvaluator:
    """The fitness of every individual of a population (see the module docstring).

    ``__call__(population, x, y, sample_weight, batch_size)`` returns ``(fitness, losses)``:
    ``(P,)`` float64 arrays; ``losses`` is None unless the fitness is the loss.
    """

    def __init__(self, evaluator, fitness=None, workers=None, has_data=True):
        self.evaluator = evaluator
        self.fitness = fitness
        self.workers = workers
        if fitness is None:
            if not has_data:
                raise ValueError("Without data (x, y) the genetic algorithm needs a fitness "
                                 "function fitness(model) -> float")
            evaluator._require_loss()
            self.kind = "loss"
        elif not callable(fitness):
            raise TypeError(f"fitness must be a callable, got {type(fitness).__name__} "
                            f"{fitness!r}")
        elif not has_data:
            self.kind = "model"
        else:
            self.kind = "vectorized" if getattr(fitness, "vectorized", False) else "data"
        self._pool = None
        if workers and self.kind in ("model", "data"):
            _check_picklable(fitness, workers)

    def __call__(self, population, x, y=None, sample_weight=None, batch_size=None):
        if self.kind == "loss":
            losses = self.evaluator.loss(population, x, y, sample_weight, batch_size)
            return -losses, losses
        if self.kind == "model":
            return self._model_fitness(population), None
        y_pred = self.evaluator.predict(population, x, batch_size)
        y_true = _numpy(y)
        if self.kind == "vectorized":
            values = np.asarray(self.fitness(y_true, y_pred), dtype=np.float64)
            if values.shape != (len(population),):
                raise ValueError(f"A @vectorized fitness must return one value per individual, "
                                 f"shape ({len(population)},); got shape {values.shape}")
            return values, None
        preds = [nest.map_structure(lambda a, i=i: a[i], y_pred) for i in range(len(population))]
        if self.workers:
            parts = self._map(_data_task, [(y_true, chunk)
                                           for chunk in _split(preds, self.workers)])
            return np.concatenate(parts), None
        return np.array([_number(self.fitness(y_true, p)) for p in preds]), None

    def _model_fitness(self, population):
        genome = self.evaluator.genome
        if self.workers:
            return np.concatenate(self._map(_model_task, _split(population, self.workers)))
        saved = genome.vector()
        try:
            out = np.empty(len(population))
            for i, genes in enumerate(population):
                genome.assign(genes)
                out[i] = _number(self.fitness(genome.model))
            return out
        finally:
            genome.assign(saved)

    def _map(self, task, chunks):
        if self._pool is None:
            model = self.evaluator.model if self.kind == "model" else None
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker,
                                             initargs=(self.fitness, model))
        return list(self._pool.map(task, chunks))

    def close(self):
        """Stop the worker processes (if any)."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def _check_picklable(fitness, workers):
    try:
        pickle.dumps(fitness)
    except Exception as error:  # noqa: BLE001 - pickling errors come in several types
        raise TypeError(
            f"workers={workers} runs the fitness function in other processes, so it must be "
            f"picklable: define it with `def` at the top level of a module (a lambda or a "
            f"function defined inside another cannot be sent); {fitness!r} is not "
            f"({type(error).__name__}: {error})") from error


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"A fitness function must return a number, got "
                        f"{type(value).__name__} {value!r}") from error


def _numpy(y):
    if y is None:
        return None
    return nest.map_structure(lambda a: np.asarray(getattr(a, "_value", a)), y)


def _split(items, parts):
    size = max(1, math.ceil(len(items) / parts))
    return [items[i:i + size] for i in range(0, len(items), size)]


# -- in the worker processes ---------------------------------------------------------------
_WORKER: dict = {}


def _init_worker(fitness, model):
    _WORKER["fitness"] = fitness
    if model is not None:
        from ndflow.evolve.genome import Genome

        _WORKER["genome"] = Genome(model)


def _data_task(args):
    y_true, preds = args
    fitness = _WORKER["fitness"]
    return np.array([_number(fitness(y_true, p)) for p in preds])


def _model_task(population):
    genome, fitness = _WORKER["genome"], _WORKER["fitness"]
    out = np.empty(len(population))
    for i, genes in enumerate(population):
        genome.assign(genes)
        out[i] = _number(fitness(genome.model))
    return out
