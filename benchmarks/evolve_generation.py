"""One generation of ndflow.evolve's genetic algorithm on the course's iris network:
the whole population in one vectorised pass against the per-individual loop.

The task of iris_fit.py (iris standardized, one-hot labels, the 80/20 split with
``random_state=42``: 120 training rows) and its 4-8-3 network (Dense 8 relu, Dense 3
softmax, categorical cross-entropy). A generation is the fitness of every individual
(minus its loss on all training rows) plus the breeding of the next population
(tournament selection, uniform crossover, Gaussian mutation, elitism 1). The vectorised
evaluator stacks the weights on a population axis and runs batched matmuls; the loop
loads each individual into the model and calls it, as a hand-written GA does. Times are
milliseconds per generation, the best of ``--repeats`` runs of ``--generations``
generations; then a whole ``GeneticAlgorithm.fit`` of 100 generations with its test
accuracy.

    python benchmarks/evolve_generation.py [--population 100] [--generations 20] [--repeats 5]
"""

import argparse
import sys
import time

import numpy as np
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler


def load_data():
    """Standardized iris with one-hot labels, split 80/20 with random_state=42."""
    iris = load_iris()
    x = StandardScaler().fit_transform(iris.data).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[iris.target]
    return train_test_split(x, y, test_size=0.2, random_state=42)


def iris_network():
    from ndflow import keras
    from ndflow.keras import layers

    keras.utils.set_random_seed(0)
    model = keras.Sequential([layers.Input(shape=(4,)), layers.Dense(8, activation="relu"),
                              layers.Dense(3, activation="softmax")])
    model.compile(loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def time_generations(evaluate, ga, population, generations, repeats):
    """Best seconds per generation (evaluation + breeding) and per evaluation alone."""
    per_generation, per_evaluation = [], []
    for _ in range(repeats):
        pop, spent = population, 0.0
        start = time.perf_counter()
        for g in range(generations):
            t = time.perf_counter()
            losses = evaluate(pop)
            spent += time.perf_counter() - t
            pop = ga.next_generation(pop, -losses, g + 1)
        per_generation.append((time.perf_counter() - start) / generations)
        per_evaluation.append(spent / generations)
    return min(per_generation), min(per_evaluation)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=100)
    parser.add_argument("--generations", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    from ndflow.evolve import GeneticAlgorithm, Genome, PopulationEvaluator

    x_train, x_test, y_train, y_test = load_data()
    model = iris_network()
    evaluator = PopulationEvaluator(model)
    ga = GeneticAlgorithm(population_size=args.population, seed=0)
    population = Genome(model).initial_population(args.population, ga.rng)
    fast, slow = (evaluator.loss(population, x_train, y_train),
                  evaluator.loss_loop(population, x_train, y_train))
    agree = np.max(np.abs(fast - slow))

    rows = {}
    for name, evaluate in (
            ("vectorised", lambda pop: evaluator.loss(pop, x_train, y_train)),
            ("loop", lambda pop: evaluator.loss_loop(pop, x_train, y_train))):
        evaluate(population)  # warm-up
        rows[name] = time_generations(evaluate, ga, population, args.generations, args.repeats)
        generation, evaluation = rows[name]
        print(f"{name:>12}: {generation * 1e3:8.3f} ms/generation "
              f"({evaluation * 1e3:.3f} ms evaluating {args.population} individuals)",
              flush=True)

    model = iris_network()
    start = time.perf_counter()
    GeneticAlgorithm(population_size=args.population, generations=100, seed=0,
                     verbose=0).fit(model, x_train, y_train)
    seconds = time.perf_counter() - start
    accuracy = float(np.mean(model.predict(x_test, verbose=0).argmax(1) == y_test.argmax(1)))
    print(f"{'fit':>12}: {seconds:8.3f} s for 100 generations   test accuracy {accuracy:.3f}")

    print(f"\niris 4-8-3 network, population {args.population}, {len(x_train)} rows, best of "
          f"{args.repeats} x {args.generations} generations; python {sys.version.split()[0]}, "
          f"numpy {np.__version__}")
    print(f"  loop/vectorised per generation = {rows['loop'][0] / rows['vectorised'][0]:.1f}x"
          f", per evaluation = {rows['loop'][1] / rows['vectorised'][1]:.1f}x  (aim: >= 10x)")
    print(f"  largest loss difference, vectorised vs loop: {agree:.2e}")


if __name__ == "__main__":
    main()
