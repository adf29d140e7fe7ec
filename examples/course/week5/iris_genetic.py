"""Week 5: the iris network trained by a genetic algorithm instead of gradients.

The week-1 network (4 inputs -> Dense 8 relu -> Dense 3 softmax: 67 weights) is compiled
with ndflow.evolve.Genetic as its optimizer. An individual is one set of the 67 weights; a
population of 100 evolves for 200 generations (100 with --quick), one generation per
epoch of fit: the fitness is minus the categorical cross-entropy on the training data,
tournament selection picks the parents, uniform crossover mixes their weights, Gaussian
mutation changes a tenth of them, and the best individual passes on unchanged (elitism).
No gradient is computed. The fitness curves, the accuracy and the test accuracy show how
well evolution does on this small problem.

    python examples/course/week5/iris_genetic.py [--quick] [--out DIR] [--show]
"""

import argparse
import os
import time

from ndflow import evolve, keras


def load_iris():
    """Iris as train and test sets: features standardised, labels one-hot."""
    (x_train, y_train), (x_test, y_test) = keras.datasets.iris.load_data()
    # Standardise with the training statistics only: the test set stays unseen.
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    x_train = ((x_train - mean) / std).astype("float32")
    x_test = ((x_test - mean) / std).astype("float32")
    y_train = keras.utils.to_categorical(y_train, 3)
    y_test = keras.utils.to_categorical(y_test, 3)
    return (x_train, y_train), (x_test, y_test)


def build_model():
    """The course's iris network: Dense 8 relu -> Dense 3 softmax."""
    return keras.Sequential([
        keras.Input(shape=(4,)),
        keras.layers.Dense(8, activation="relu"),
        keras.layers.Dense(3, activation="softmax"),
    ])


def plot(history, args):
    """Fitness per generation (best, mean +- std) and accuracy, train and validation."""
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    evolve.plot_history(history, ax=ax1)
    ax1.set(title="fitness = -cross-entropy", ylim=(-1.5, 0.05))
    generations = range(1, len(history.epoch) + 1)
    ax2.plot(generations, history.history["accuracy"], label="train (best individual)")
    ax2.plot(generations, history.history["val_accuracy"], label="validation")
    ax2.set(title="accuracy", xlabel="generation", ylabel="accuracy")
    ax2.legend()
    fig.tight_layout()
    path = os.path.join(args.out, "iris_genetic.png")
    fig.savefig(path, dpi=100)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="The iris network trained by evolution")
    parser.add_argument("--quick", action="store_true", help="a short run (fewer generations)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "iris_genetic"),
                        help="folder for the PNG plot")
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    parser.add_argument("--generations", type=int, default=None)
    parser.add_argument("--population", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.generations is None:
        args.generations = 100 if args.quick else 200
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    keras.utils.set_random_seed(args.seed)

    (x_train, y_train), (x_test, y_test) = load_iris()
    model = build_model()
    genetic = evolve.Genetic(population_size=args.population, selection="tournament",
                             crossover="uniform", mutation="gaussian", mutation_rate=0.1,
                             mutation_scale=0.1, elitism=1, seed=args.seed)
    model.compile(optimizer=genetic, loss="categorical_crossentropy", metrics=["accuracy"])
    start = time.perf_counter()
    history = model.fit(x_train, y_train, epochs=args.generations, validation_split=0.2,
                        verbose=0)
    seconds = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)

    path = plot(history, args)
    logs = history.history
    print(f"evolved {args.generations} generations of {args.population} networks "
          f"({model.count_params()} weights each) in {seconds:.1f} s")
    print(f"best fitness: {logs['fitness_best'][-1]:.4f}")
    print(f"validation accuracy: {logs['val_accuracy'][-1]:.3f}")
    print(f"test loss: {loss:.4f}")
    print(f"test accuracy: {accuracy:.3f}")
    print(f"plot: {path}")
    return {"best fitness": float(logs["fitness_best"][-1]),
            "validation accuracy": float(logs["val_accuracy"][-1]),
            "test loss": float(loss), "test accuracy": float(accuracy), "plots": [path]}


if __name__ == "__main__":
    main()
