"""Genetic: a genetic algorithm as a Keras optimizer, for ``compile`` / ``fit``.

>>> model.compile(optimizer=Genetic(population_size=100, seed=0),
...               loss="categorical_crossentropy", metrics=["accuracy"])
>>> history = model.fit(x, y, epochs=100, validation_split=0.2,
...                     callbacks=[keras.callbacks.EarlyStopping(patience=10)])

Each epoch of ``fit`` is one generation over all the training data (one progress step):
the population, kept by the optimizer from epoch to epoch, is bred from the last
generation's fitness and evaluated; the model then holds the fittest individual, whose
``loss`` and compiled metrics the History records, with ``fitness_best``, ``fitness_mean``
and ``fitness_std``; validation and callbacks work as usual. The first generation starts
from the model's weights (see ``Genome.initial_population``); if they were changed from
outside between epochs (``set_weights``, a restored checkpoint), the population starts
again from them. The population is not saved with the model.
"""

import numpy as np

from ndflow.backend.xp import to_numpy
from ndflow.core import nest
from ndflow.core.tensor import Tensor, wrap
from ndflow.evolve import operators
from ndflow.evolve.algorithm import GeneticAlgorithm
from ndflow.evolve.fitness import FitnessEvaluator
from ndflow.evolve.genome import Genome
from ndflow.evolve.population import PopulationEvaluator
from ndflow.keras.optimizers import Optimizer
from ndflow.keras.trainers import data_adapter
from ndflow.keras.utils.object_registration import (
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)

__all__ = ["Genetic"]

_OPERATOR_TABLES = {"selection": operators.SELECTIONS, "crossover": operators.CROSSOVERS,
                    "mutation": operators.MUTATIONS}


@register_keras_serializable(package="ndflow.evolve")
class Genetic(Optimizer):
    """A gradient-free optimizer: one generation of a genetic algorithm per epoch.

    Takes the arguments of ``GeneticAlgorithm`` except ``generations`` (the epochs of
    ``fit`` count them, and an annealed ``mutation_scale`` runs over them) and ``verbose``
    (``fit`` shows the progress).
    """

    runs_generations = True  # the trainer hands each epoch to run_generation

    def __init__(self, population_size=50, fitness=None, selection="tournament",
                 tournament_size=3, elitism=1, crossover="uniform", crossover_rate=0.9,
                 blend_alpha=0.5, mutation="gaussian", mutation_rate=0.1, mutation_scale=0.1,
                 target_fitness=None, patience=None, init_scale=None, seed=None, workers=None,
                 truncation_fraction=0.5, name="genetic"):
        super().__init__(learning_rate=0.0, name=name)
        self.algorithm = GeneticAlgorithm(
            population_size=population_size, generations=1, fitness=fitness,
            selection=selection, tournament_size=tournament_size, elitism=elitism,
            crossover=crossover, crossover_rate=crossover_rate, blend_alpha=blend_alpha,
            mutation=mutation, mutation_rate=mutation_rate, mutation_scale=mutation_scale,
            target_fitness=target_fitness, patience=patience, init_scale=init_scale,
            seed=seed, workers=workers, verbose=0, truncation_fraction=truncation_fraction)
        self._run = None

    # -- not a gradient optimizer ------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        raise TypeError(self._gradient_free_message("apply_gradients"))

    def apply(self, grads, trainable_variables=None):
        raise TypeError(self._gradient_free_message("apply"))

    def _gradient_free_message(self, method):
        return (f"Genetic is a gradient-free optimizer: it has no {method}(). Train with "
                f"model.fit(...) after model.compile(optimizer=Genetic(...)) (one generation "
                f"per epoch), or with ndflow.evolve.GeneticAlgorithm(...).fit(model, x, y)")

    # -- one epoch of fit --------------------------------------------------------------------
    def run_generation(self, model, data) -> dict:
        """One generation on all of ``data`` (the trainer's data adapter); the model ends
        holding the fittest individual. Returns the epoch's logs."""
        x, y, sample_weight = _training_arrays(data)
        run = self._run_for(model)
        ga = self.algorithm
        if run.fitness is not None:
            horizon = getattr(getattr(model, "history", None), "params", {}).get("epochs")
            run.population = ga.next_generation(run.population, run.fitness, run.generation,
                                                horizon)
        fitness, _ = run.fitness_of(run.population, x, y, sample_weight)
        best = int(np.argmax(np.where(np.isnan(fitness), -np.inf, fitness)))
        run.genome.assign(run.population[best])
        run.fitness, run.generation = fitness, run.generation + 1
        run.assigned = run.population[best].copy()
        self._count_step()
        logs = model.test_step(data_adapter.pack_x_y_sample_weight(
            _tensors(x), _tensors(y), _tensors(sample_weight)))
        finite = fitness[np.isfinite(fitness)]
        return {**{k: float(v) for k, v in logs.items()}, "fitness_best": float(fitness[best]),
                "fitness_mean": float(finite.mean()) if finite.size else float("nan"),
                "fitness_std": float(finite.std()) if finite.size else float("nan")}

    def _run_for(self, model):
        """The evolving population of ``model`` (made afresh for a new model, new trainable
        weights, or weights changed from outside since the last generation)."""
        run = self._run
        if run is not None and run.model is model and _same_weights(run, model):
            return run
        if run is not None:
            run.fitness_of.close()
        genome = Genome(model)
        evaluator = PopulationEvaluator(model, genome=genome)
        ga = self.algorithm
        fitness_of = FitnessEvaluator(evaluator, ga.fitness, ga.workers, has_data=True)
        self._run = _Run(model, genome, fitness_of,
                         genome.initial_population(ga.population_size, ga.rng, ga.init_scale))
        return self._run

    # -- config ------------------------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments; custom functions must be registered
        (``register_keras_serializable``) to be saved."""
        config = self.algorithm.get_config()
        for key in ("generations", "verbose"):
            config.pop(key)
        for key in ("fitness", "selection", "crossover", "mutation", "mutation_scale"):
            if callable(config[key]):
                config[key] = _registered_name(key, config[key])
        return {"name": self.name, **config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("fitness", "selection", "crossover", "mutation", "mutation_scale"):
            value = config.get(key)
            if isinstance(value, str) and value not in _OPERATOR_TABLES.get(key, {}):
                config[key] = _registered_object(key, value, custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<Genetic name={self.name!r} {self.algorithm!r} generations={self._step}>"


class _Run:
    """A population being evolved for one model by a Genetic optimizer."""

    def __init__(self, model, genome, fitness_of, population):
        self.model = model
        self.genome = genome
        self.fitness_of = fitness_of
        self.population = population
        self.fitness = None
        self.generation = 0
        self.assigned = None


def _same_weights(run, model):
    """The same trainable variables, holding what the last generation left in them."""
    if [v._uid for v in model.trainable_weights] != [v._uid for v in run.genome.variables]:
        return False
    return run.assigned is None or np.array_equal(run.genome.vector(), run.assigned)


def _training_arrays(data):
    """``(x, y, sample_weight)`` of all the training data the adapter holds."""
    if isinstance(data, data_adapter.ArrayData):
        return data.x, data.y, data.sample_weight
    parts = [data_adapter.unpack_x_y_sample_weight(batch) for batch in data.batches()]
    if not parts:
        raise ValueError("Genetic: the training data is empty")

    def concat(*arrays):
        return np.concatenate([to_numpy(a._value) if isinstance(a, Tensor) else np.asarray(a)
                               for a in arrays])

    return tuple(None if part[0] is None else nest.map_structure(concat, *part)
                 for part in zip(*parts))


def _tensors(value):
    if value is None:
        return None
    return nest.map_structure(
        lambda a: a if isinstance(a, Tensor) or a.dtype.kind not in "biufc" else wrap(a), value)


def _registered_name(key, fn):
    name = get_registered_name(fn)
    if get_registered_object(name) is not fn:
        raise ValueError(
            f"Cannot save Genetic's {key}={fn!r} in a model config: register it with "
            f"@keras.saving.register_keras_serializable(), or save only the weights "
            f"(model.save_weights, ModelCheckpoint(save_weights_only=True))")
    return name


def _registered_object(key, name, custom_objects):
    obj = get_registered_object(name, custom_objects)
    if obj is None:
        raise ValueError(f"Genetic: unknown {key} {name!r} in the config: pass it in "
                         f"custom_objects or register it")
    return obj
