"""``ndflow.utils``: drawing the graphs that ``ndflow.function`` traces (``plot_graph``)."""

from ndflow.utils.visualization import plot_graph

__all__ = ["plot_graph"]
