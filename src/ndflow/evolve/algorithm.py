"""GeneticAlgorithm: train a model's weights by evolution instead of gradients.

One generation: evaluate the fitness of every individual (a flat vector of the model's
trainable weights), keep the ``elitism`` best unchanged, and fill the rest of the next
population with children: two parents chosen by ``selection``, mixed by ``crossover``
(with probability ``crossover_rate``, else a copy of the first parent), then ``mutation``
changes each gene with probability ``mutation_rate`` by noise of size ``mutation_scale``.

>>> ga = GeneticAlgorithm(population_size=100, generations=200, seed=0)
>>> history = ga.fit(model, x_train, y_train)    # model compiled with a loss, or loss=...
>>> history.history["best_fitness"][-1], history.best_fitness
"""

import math
import numbers
import sys
import time

import numpy as np

from ndflow.evolve import operators
from ndflow.evolve.fitness import FitnessEvaluator
from ndflow.evolve.genome import Genome
from ndflow.evolve.population import PopulationEvaluator
from ndflow.keras.callbacks import Callback, CallbackList, History
from ndflow.keras.trainers import data_adapter

__all__ = ["EvolutionHistory", "GeneticAlgorithm"]


class GeneticAlgorithm:
    """A genetic algorithm over the trainable weights of a Keras model.

    Arguments (the lecture's vocabulary):

    * ``population_size``, ``generations``: individuals per generation, generations to run.
    * ``fitness``: None for minus the loss; ``fitness(y_true, y_pred) -> float`` on NumPy
      arrays, per individual (``@ndflow.evolve.vectorized`` for one call on the whole
      population's ``(P, B, ...)`` predictions); ``fitness(model) -> float`` when ``fit``
      gets no data. See ``ndflow.evolve.fitness``.
    * ``selection``: 'tournament' (``tournament_size`` entrants), 'roulette', 'rank',
      'truncation' (the best ``truncation_fraction``), or ``f(fitness, count, rng)``.
    * ``elitism``: how many of the best individuals pass unchanged to the next generation.
    * ``crossover``: 'uniform', 'one_point', 'two_point', 'arithmetic', 'blend' (BLX with
      ``blend_alpha``), or ``f(a, b, rng)``; applied with probability ``crossover_rate``.
    * ``mutation``: 'gaussian' (``N(0, scale²)`` added) or 'uniform' (``U(-scale, scale)``
      added), or ``f(genes, rng, rate, scale)``; each gene mutates with probability
      ``mutation_rate``. ``mutation_scale``: a number, ``f(generation) -> scale``, or
      ``('anneal', start, end)``: linear from ``start`` at the first generation to ``end``
      at the last.
    * ``target_fitness``: stop once the best fitness reaches it; ``patience``: stop after
      that many generations without improvement of the best fitness.
    * ``init_scale``: None starts from fresh draws of each weight's initializer, a number
      from the model's weights plus ``N(0, init_scale²)`` noise (see
      ``Genome.initial_population``); either way the model's own weights are individual 0.
    * ``seed``: a seed for the algorithm's own ``numpy.random.Generator`` (restarted by
      every ``fit``): the same seed gives the same run.
    * ``workers``: run a per-individual fitness function in that many processes.
    """

    def __init__(self, population_size=50, generations=100, fitness=None,
                 selection="tournament", tournament_size=3, elitism=1, crossover="uniform",
                 crossover_rate=0.9, blend_alpha=0.5, mutation="gaussian", mutation_rate=0.1,
                 mutation_scale=0.1, target_fitness=None, patience=None, init_scale=None,
                 seed=None, workers=None, verbose=1, truncation_fraction=0.5):
        self.population_size = _integer("population_size", population_size, 2)
        self.generations = _integer("generations", generations, 1)
        if fitness is not None and not callable(fitness):
            raise TypeError(f"fitness must be None or a callable, got {fitness!r}")
        self.fitness = fitness
        self.selection = _operator("selection", selection, operators.SELECTIONS)
        self.tournament_size = _integer("tournament_size", tournament_size, 1)
        self.truncation_fraction = _rate("truncation_fraction", truncation_fraction)
        if self.truncation_fraction == 0:
            raise ValueError("truncation_fraction must be in (0, 1], got 0")
        self.elitism = _integer("elitism", elitism, 0)
        if self.elitism >= self.population_size:
            raise ValueError(f"elitism must be smaller than population_size "
                             f"({self.population_size}), got {elitism}: some individuals "
                             f"must be new in each generation")
        self.crossover = _operator("crossover", crossover, operators.CROSSOVERS)
        self.crossover_rate = _rate("crossover_rate", crossover_rate)
        self.blend_alpha = _non_negative("blend_alpha", blend_alpha)
        self.mutation = _operator("mutation", mutation, operators.MUTATIONS)
        self.mutation_rate = _rate("mutation_rate", mutation_rate)
        self.mutation_scale = _schedule(mutation_scale)
        if target_fitness is not None and not _is_real(target_fitness):
            raise ValueError(f"target_fitness must be a number or None, got {target_fitness!r}")
        self.target_fitness = target_fitness
        self.patience = None if patience is None else _integer("patience", patience, 1)
        self.init_scale = None if init_scale is None else _non_negative("init_scale",
                                                                         init_scale)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed,
                                                                          numbers.Integral)):
            raise ValueError(f"seed must be an integer or None, got {seed!r}")
        self.seed = seed
        self.workers = None if workers is None else _integer("workers", workers, 1)
        self.verbose = verbose
        self.rng = np.random.default_rng(seed)

    # -- one generation ------------------------------------------------------------------------
    def mutation_scale_at(self, generation, horizon=None) -> float:
        """The mutation scale of ``generation`` (0-based) in a run of ``horizon``
        generations (default ``generations``)."""
        scale = self.mutation_scale
        if callable(scale):
            return float(scale(generation))
        if isinstance(scale, tuple):
            _, start, end = scale
            last = max((horizon or self.generations) - 1, 1)
            return start + (end - start) * min(generation / last, 1.0)
        return scale

    def select(self, fitness, count) -> np.ndarray:
        """Indices of ``count`` parents chosen by the selection operator."""
        if self.selection is operators.tournament_selection:
            return self.selection(fitness, count, self.rng, size=self.tournament_size)
        if self.selection is operators.truncation_selection:
            return self.selection(fitness, count, self.rng, fraction=self.truncation_fraction)
        return np.asarray(self.selection(fitness, count, self.rng), dtype=np.intp)

    def next_generation(self, population, fitness, generation=1, horizon=None) -> np.ndarray:
        """The population after ``population`` (rows, with their ``fitness``): the elite
        first, then children made by selection, crossover and mutation."""
        population = np.asarray(population)
        fitness = np.asarray(fitness, dtype=np.float64)
        count = len(population) - self.elitism
        order = np.argsort(-np.where(np.isnan(fitness), -np.inf, fitness), kind="stable")
        parents = self.select(fitness, 2 * count)
        cross = self.crossover
        if cross is operators.blend_crossover:
            alpha = self.blend_alpha

            def cross(a, b, rng):
                return operators.blend_crossover(a, b, rng, alpha)

        children = operators.apply_crossover(cross, population[parents[:count]],
                                             population[parents[count:]], self.rng,
                                             self.crossover_rate)
        children = self.mutation(children, self.rng, self.mutation_rate,
                                 self.mutation_scale_at(generation, horizon))
        return np.concatenate([population[order[:self.elitism]],
                               children.astype(population.dtype, copy=False)])

    # -- training ------------------------------------------------------------------------------
    def fit(self, model, x=None, y=None, loss=None, sample_weight=None, batch_size=None,
            verbose=None, callbacks=None):
        """Evolve ``model``'s trainable weights on ``(x, y)`` for ``generations``
        generations (fewer when stopped early); the model ends holding the best individual.

        ``loss`` defaults to the model's compiled loss; ``batch_size`` bounds how many
        samples are evaluated at once (all data is used every generation). Keras callbacks
        see one epoch per generation, with logs ``best_fitness``, ``mean_fitness``,
        ``std_fitness`` and ``best_loss`` (and may set ``model.stop_training``).
        Returns an ``EvolutionHistory``.
        """
        verbose = self.verbose if verbose is None else verbose
        if x is not None:  # as fit() takes them: arrays, tensors, lists or dicts of them
            data = data_adapter.ArrayData(x, y, sample_weight)
            x, y, sample_weight = data.x, data.y, data.sample_weight
        self.rng = np.random.default_rng(self.seed)
        genome = Genome(model)
        evaluator = PopulationEvaluator(model, loss=loss, genome=genome)
        has_data = x is not None or y is not None
        fitness_of = FitnessEvaluator(evaluator, self.fitness, self.workers, has_data)
        history = EvolutionHistory()
        callback_list = CallbackList(
            [history, *(callbacks or []), *([_GenerationLogger(verbose)] if verbose else [])],
            model=model, params={"epochs": self.generations, "generations": self.generations,
                                 "steps": 1, "verbose": verbose,
                                 "population_size": self.population_size})
        model.stop_training = False
        population = genome.initial_population(self.population_size, self.rng, self.init_scale)
        best, fitness = _Best(), None
        callback_list.on_train_begin()
        try:
            for generation in range(self.generations):
                callback_list.on_epoch_begin(generation)
                if generation:
                    population = self.next_generation(population, fitness, generation)
                fitness, losses = fitness_of(population, x, y, sample_weight, batch_size)
                i = int(np.argmax(np.where(np.isnan(fitness), -np.inf, fitness)))
                genome.assign(population[i])  # callbacks see the generation's best
                best_loss = _loss_of_best(evaluator, losses, population, i, x, y,
                                          sample_weight, batch_size)
                best.update(population[i], fitness[i], best_loss, generation)
                callback_list.on_epoch_end(generation, _logs(fitness, i, best_loss))
                history.stop_reason = self._stop_reason(best, generation, model)
                if history.stop_reason:
                    break
        finally:
            fitness_of.close()
        genome.assign(best.genes)
        history.finish(best, model)
        if verbose and history.stop_reason:
            print(f"Stopped after generation {len(history.epoch)}: {history.stop_reason}",
                  flush=True)
        callback_list.on_train_end()
        return history

    def _stop_reason(self, best, generation, model):
        if self.target_fitness is not None and best.fitness >= self.target_fitness:
            return f"target_fitness {self.target_fitness} reached"
        if self.patience is not None and generation - best.generation >= self.patience:
            return f"no improvement for {self.patience} generations (patience)"
        if getattr(model, "stop_training", False):
            return "stopped by a callback"
        return None

    def get_config(self) -> dict:
        """The constructor arguments."""
        return {"population_size": self.population_size, "generations": self.generations,
                "fitness": self.fitness, "selection": _name(self.selection,
                                                            operators.SELECTIONS),
                "tournament_size": self.tournament_size, "elitism": self.elitism,
                "crossover": _name(self.crossover, operators.CROSSOVERS),
                "crossover_rate": self.crossover_rate, "blend_alpha": self.blend_alpha,
                "mutation": _name(self.mutation, operators.MUTATIONS),
                "mutation_rate": self.mutation_rate,
                "mutation_scale": (list(self.mutation_scale)
                                   if isinstance(self.mutation_scale, tuple)
                                   else self.mutation_scale),
                "target_fitness": self.target_fitness, "patience": self.patience,
                "init_scale": self.init_scale, "seed": self.seed, "workers": self.workers,
                "verbose": self.verbose, "truncation_fraction": self.truncation_fraction}

    def __repr__(self):
        return (f"GeneticAlgorithm(population_size={self.population_size}, generations="
                f"{self.generations}, selection={_name(self.selection, operators.SELECTIONS)!r}"
                f", crossover={_name(self.crossover, operators.CROSSOVERS)!r}, mutation="
                f"{_name(self.mutation, operators.MUTATIONS)!r})")


class EvolutionHistory(History):
    """What ``GeneticAlgorithm.fit`` returns: ``history`` (a dict of per-generation lists:
    ``best_fitness``, ``mean_fitness``, ``std_fitness``, ``best_loss``), ``epoch`` (the
    generations run), and the best individual ever seen: ``best_fitness``, ``best_loss``,
    ``best_genes`` (flat vector), ``best_weights`` (as ``model.get_weights()`` orders
    them) and ``best_generation``; ``stop_reason`` says why it stopped early (or None)."""

    def __init__(self):
        super().__init__()
        self.best_fitness = None
        self.best_loss = None
        self.best_genes = None
        self.best_weights = None
        self.best_generation = None
        self.stop_reason = None

    def finish(self, best, model):
        self.best_fitness = float(best.fitness)
        self.best_loss = best.loss
        self.best_genes = best.genes
        self.best_generation = best.generation
        self.best_weights = model.get_weights()

    def __repr__(self):
        return (f"<EvolutionHistory generations={len(self.epoch)} "
                f"best_fitness={self.best_fitness}>")


class _Best:
    """The best individual seen so far."""

    def __init__(self):
        self.fitness = -math.inf
        self.genes = None
        self.loss = None
        self.generation = 0

    def update(self, genes, fitness, loss, generation):
        fitness = -math.inf if math.isnan(fitness) else float(fitness)
        if self.genes is None or fitness > self.fitness:
            self.genes, self.fitness = genes.copy(), float(fitness)
            self.loss, self.generation = loss, generation


class _GenerationLogger(Callback):
    """Progress lines: every generation (verbose=2), or at most two a second (verbose=1)."""

    def __init__(self, verbose):
        super().__init__()
        self.verbose = verbose
        self._last = -math.inf

    def on_epoch_end(self, epoch, logs=None):
        total = self.params.get("generations")
        now = time.perf_counter()
        if self.verbose == 1 and now - self._last < 0.5 and epoch + 1 < total:
            return
        self._last = now
        values = " - ".join(f"{k}: {v:.4g}" for k, v in (logs or {}).items())
        print(f"Generation {epoch + 1}/{total} - {values}", file=sys.stdout, flush=True)


def _logs(fitness, i, best_loss):
    finite = fitness[np.isfinite(fitness)]
    return {"best_fitness": float(fitness[i]),
            "mean_fitness": float(finite.mean()) if finite.size else math.nan,
            "std_fitness": float(finite.std()) if finite.size else math.nan,
            "best_loss": best_loss}


def _loss_of_best(evaluator, losses, population, i, x, y, sample_weight, batch_size):
    """The loss of individual ``i`` (NaN when there is no loss or no data)."""
    if losses is not None:
        return float(losses[i])
    if evaluator.compile_loss is None or x is None or y is None:
        return math.nan
    return float(evaluator.loss(population[i:i + 1], x, y, sample_weight, batch_size)[0])


# -- argument checks -----------------------------------------------------------------------------
def _is_real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _integer(name, value, low):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _rate(name, value):
    if not _is_real(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a probability in [0, 1], got {value!r}")
    return float(value)


def _non_negative(name, value):
    if not _is_real(value) or not value >= 0 or not math.isfinite(value):
        raise ValueError(f"{name} must be a non-negative number, got {value!r}")
    return float(value)


def _operator(kind, value, table):
    if callable(value):
        return value
    if value not in table:
        raise ValueError(f"Unknown {kind} {value!r}; valid names are: "
                         f"{', '.join(repr(k) for k in table)} (or a function)")
    return table[value]


def _name(fn, table):
    """The name of a built-in operator (the function itself otherwise)."""
    return next((k for k, v in table.items() if v is fn), fn)


def _schedule(value):
    """``mutation_scale``: a number, a callable, or ``('anneal', start, end)``."""
    if callable(value):
        return value
    if isinstance(value, (tuple, list)):
        if len(value) != 3 or value[0] != "anneal":
            raise ValueError(f"mutation_scale as a sequence must be ('anneal', start, end), "
                             f"got {value!r}")
        return ("anneal", _non_negative("mutation_scale start", value[1]),
                _non_negative("mutation_scale end", value[2]))
    return _non_negative("mutation_scale", value)
