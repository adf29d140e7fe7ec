"""Week 5: a genetic algorithm finds the global minimum of the 2-D Rastrigin function.

f(x, y) = 20 + x^2 - 10 cos(2 pi x) + y^2 - 10 cos(2 pi y) has about a hundred local minima
in [-5.12, 5.12]^2 and one global minimum, f(0, 0) = 0: a gradient method ends in whichever
valley it starts in. Here an individual is a point (x, y) and its fitness is -f. Each
generation, ndflow.evolve.GeneticAlgorithm.next_generation keeps the two best points,
picks parents by tournament, mixes them by blend crossover and mutates them with Gaussian
noise whose size shrinks from 1 to 0.02 over the run. The population is plotted at several
generations on the function's contour map.

    python examples/course/week5/ga_function_minimum.py [--quick] [--out DIR] [--show]
"""

import argparse
import os

import numpy as np

from ndflow import evolve

BOX = 5.12  # the usual search box [-5.12, 5.12]^2


def rastrigin(points):
    """f at each row (x, y) of ``points``; works on any (..., 2) array."""
    return 20 + np.sum(points ** 2 - 10 * np.cos(2 * np.pi * points), axis=-1)


def evolve_points(args):
    """Run the GA by hand, generation by generation; return every generation's points."""
    ga = evolve.GeneticAlgorithm(population_size=args.population,
                                 generations=args.generations, selection="tournament",
                                 crossover="blend", mutation="gaussian", mutation_rate=0.5,
                                 mutation_scale=("anneal", 1.0, 0.02), elitism=2,
                                 seed=args.seed)
    rng = np.random.default_rng(args.seed)
    population = rng.uniform(-BOX, BOX, (args.population, 2))
    generations = [population]
    for generation in range(1, args.generations):
        fitness = -rastrigin(population)  # larger is better
        population = ga.next_generation(population, fitness, generation)
        generations.append(population)
    return generations


def plot(args, generations):
    import matplotlib

    if not args.show:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    last = len(generations) - 1
    shown = sorted({0, 1, 3, 7, 15, 31, last} & set(range(last + 1)))
    fig, axes = plt.subplots(2, 4, figsize=(16, 8))
    axes = axes.ravel()
    grid = np.linspace(-BOX, BOX, 200)
    xx, yy = np.meshgrid(grid, grid)
    ff = rastrigin(np.stack([xx, yy], axis=-1))
    for ax, g in zip(axes, shown):
        ax.contourf(xx, yy, ff, levels=30, cmap="viridis")
        points = generations[g]
        ax.plot(points[:, 0], points[:, 1], "w.", ms=5)
        best = points[np.argmin(rastrigin(points))]
        ax.plot(*best, "r*", ms=9)
        ax.set(title=f"generation {g + 1}", xlim=(-BOX, BOX), ylim=(-BOX, BOX),
               aspect="equal")
    for ax in axes[len(shown):-1]:
        ax.axis("off")
    values = np.array([rastrigin(p) for p in generations])
    steps = np.arange(1, len(generations) + 1)
    ax = axes[-1]
    ax.semilogy(steps, values.min(axis=1), label="best")
    ax.semilogy(steps, np.median(values, axis=1), label="median")
    ax.set(xlabel="generation", ylabel="f", title="Rastrigin value of the population")
    ax.legend()
    fig.tight_layout()
    path = os.path.join(args.out, "ga_function_minimum.png")
    fig.savefig(path, dpi=90)
    if args.show:
        plt.show()
    plt.close(fig)
    return path


def parse_args(argv):
    parser = argparse.ArgumentParser(description="A GA minimises the Rastrigin function")
    parser.add_argument("--quick", action="store_true", help="a short run (fewer generations)")
    parser.add_argument("--out", default=os.path.join("ndflow-output", "ga_function_minimum"),
                        help="folder for the PNG plot")
    parser.add_argument("--show", action="store_true", help="show the plot in a window")
    parser.add_argument("--population", type=int, default=60)
    parser.add_argument("--generations", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.generations is None:
        args.generations = 30 if args.quick else 60
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    generations = evolve_points(args)
    final = generations[-1]
    best = final[np.argmin(rastrigin(final))]
    value = float(rastrigin(best))
    start_best = float(rastrigin(generations[0]).min())
    print(f"best of the random first generation: f = {start_best:.4f}")
    print(f"best point: ({best[0]:.5f}, {best[1]:.5f})")
    print(f"best value: {value:.3e}")
    print(f"distance to the global minimum: {float(np.hypot(*best)):.3e}")
    path = plot(args, generations)
    print(f"plot: {path}")
    return {"best value": value, "best x": float(best[0]), "best y": float(best[1]),
            "first generation best value": start_best, "plots": [path]}


if __name__ == "__main__":
    main()
