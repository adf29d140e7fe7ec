"""Fitness curves of an evolution: best and mean fitness (with a ±1 std band) per generation."""

from ndflow.keras.utils.plotting import _pyplot

__all__ = ["plot_history"]

# (best, mean, std) keys: GeneticAlgorithm.fit's history, then fit() with Genetic
_KEYS = (("best_fitness", "mean_fitness", "std_fitness"),
         ("fitness_best", "fitness_mean", "fitness_std"))


def plot_history(history, to_file=None, ax=None):
    """Plot best and mean fitness (mean ± std shaded) against the generation; return the
    matplotlib Figure (drawn on ``ax`` when given, saved to ``to_file`` when given).

    Takes what ``GeneticAlgorithm.fit`` returns, the History of ``model.fit`` with a
    ``Genetic`` optimizer, or their ``.history`` dicts.
    """
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        raise TypeError(f"plot_history expects the history of an evolution (or its dict), "
                        f"got {type(history).__name__}")
    keys = next((k for k in _KEYS if k[1] in logs), None)
    if keys is None or not logs[keys[1]]:
        raise ValueError(f"plot_history: no fitness values in this history (it has "
                         f"{sorted(logs)}); expected 'mean_fitness' or 'fitness_mean'")
    best_key, mean_key, std_key = keys
    mean = [float(v) for v in logs[mean_key]]
    generations = list(range(1, len(mean) + 1))
    if ax is None:
        fig, ax = _pyplot().subplots(figsize=(6, 4))
    else:
        fig = ax.figure
    if logs.get(std_key):
        std = [float(v) for v in logs[std_key]]
        ax.fill_between(generations, [m - s for m, s in zip(mean, std)],
                        [m + s for m, s in zip(mean, std)], alpha=0.25, label="mean ± std")
    ax.plot(generations, mean, label="mean fitness")
    if logs.get(best_key):
        ax.plot(generations, [float(v) for v in logs[best_key]], label="best fitness")
    ax.set_xlabel("generation")
    ax.set_ylabel("fitness")
    ax.grid(True, alpha=0.3)
    ax.legend()
    if to_file is not None:
        fig.savefig(to_file)
    return fig
