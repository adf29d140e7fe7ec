"""Learning curves: the train and validation metrics of a ``fit`` against the epochs."""

import os

__all__ = ["plot_history"]

_INSTALL_HINT = "plot_history needs matplotlib: pip install 'ndflow[plot]'"


def _pyplot():
    try:
        import matplotlib
    except ImportError as error:
        raise ImportError(_INSTALL_HINT) from error
    # without a display, the default interactive backend fails on the first figure
    if (not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")
            and os.name != "nt" and "inline" not in str(matplotlib.get_backend())):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _history_dict(history):
    logs = getattr(history, "history", history)
    if not isinstance(logs, dict):
        raise TypeError("plot_history expects a History (the result of fit) or a dict of "
                        f"metric name -> list of values, got {type(history).__name__}")
    return logs


def plot_history(history, metrics=None, logy=False, to_file=None):
    """Plot train and ``val_`` curves per metric against epochs; return the figure."""
    logs = _history_dict(history)
    if metrics is None:
        metrics = [k for k in logs if not k.startswith("val_")]
        metrics += [k[4:] for k in logs if k.startswith("val_") and k[4:] not in logs]
    elif isinstance(metrics, str):
        metrics = [metrics]
    metrics = list(metrics)
    missing = [m for m in metrics if m not in logs and f"val_{m}" not in logs]
    if missing:
        raise ValueError(f"plot_history: no values for {missing}; the history has "
                         f"{sorted(logs)}")
    if not metrics:
        raise ValueError("plot_history: the history is empty (nothing to plot)")
    plt = _pyplot()
    epochs_of = getattr(history, "epoch", None)
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 4), squeeze=False)
    for ax, name in zip(axes[0], metrics):
        for key, label in ((name, "train"), (f"val_{name}", "validation")):
            values = logs.get(key)
            if not values:
                continue
            epochs = (list(epochs_of) if epochs_of and len(epochs_of) == len(values)
                      else list(range(len(values))))
            ax.plot([e + 1 for e in epochs], [float(v) for v in values], label=label)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        if logy:
            ax.set_yscale("log")
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.tight_layout()
    if to_file is not None:
        fig.savefig(to_file)
    return fig
