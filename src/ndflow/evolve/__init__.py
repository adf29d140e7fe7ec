"""``ndflow.evolve``: train a network's weights with a genetic algorithm.

The genome is the flat vector of a model's trainable weights; a whole population is
evaluated in one vectorised forward pass (weights stacked on a leading population axis).
Two ways in:

>>> from ndflow import evolve
>>> history = evolve.GeneticAlgorithm(population_size=100, generations=200,
...                                   seed=0).fit(model, x, y)
>>> evolve.plot_history(history, to_file="fitness.png")

>>> model.compile(optimizer=evolve.Genetic(population_size=100, seed=0),
...               loss="categorical_crossentropy", metrics=["accuracy"])
>>> model.fit(x, y, epochs=200, validation_split=0.2)   # one generation per epoch
"""

from ndflow.evolve import operators
from ndflow.evolve.algorithm import EvolutionHistory, GeneticAlgorithm
from ndflow.evolve.fitness import FitnessEvaluator, vectorized
from ndflow.evolve.genome import Genome
from ndflow.evolve.optimizer import Genetic
from ndflow.evolve.plotting import plot_history
from ndflow.evolve.population import PopulationEvaluator

__all__ = [
    "EvolutionHistory",
    "FitnessEvaluator",
    "Genetic",
    "GeneticAlgorithm",
    "Genome",
    "PopulationEvaluator",
    "operators",
    "plot_history",
    "vectorized",
]
