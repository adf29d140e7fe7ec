"""``plot_graph``: draw the graph ``ndflow.function`` traced from a Python function.

    @ndflow.function
    def f(x):
        return ndflow.exp(x) * 2.0

    ndflow.utils.plot_graph(f, "f.png", ndflow.ones((3,)))     # a PNG, via Graphviz
    print(ndflow.utils.plot_graph(f, None, ndflow.ones((3,))))  # the DOT text
"""

from ndflow.core import nest
from ndflow.graph.dot import to_dot
from ndflow.graph.function import ConcreteFunction, Function, TensorSpec
from ndflow.graph.ir import Graph
from ndflow.utils.render import draw, find_renderer

__all__ = ["plot_graph"]


def plot_graph(fn_or_graph, to_file=None, *args, show_shapes=True, show_dtype=True,
               show_params=True, show_constants=True, rankdir="TB", dpi=None, **kwargs):
    """Draw a graph: operations as boxes, the values they pass along as edges.

    ``fn_or_graph``: a :class:`~ndflow.graph.Graph`, a ``ConcreteFunction``, an
    ``ndflow.function`` or any Python callable (a Keras model too); functions are traced
    on the example arguments ``*args, **kwargs`` (tensors, arrays or ``TensorSpec``s),
    which runs them once, or, given none, the last graph they traced is drawn.
    ``to_file``: an image (``.png``, ``.svg``, ``.pdf``... made with Graphviz) or a
    ``.dot`` file; None returns the DOT text instead. Without Graphviz, an image request
    writes ``<stem>.dot`` beside it and warns. Returns the DOT text when ``to_file`` is
    None, else an IPython Image in a notebook, else None.
    """
    graph = _graph_of(fn_or_graph, args, kwargs)
    source = to_dot(graph, show_shapes=show_shapes, show_dtype=show_dtype,
                    show_params=show_params, show_constants=show_constants, rankdir=rankdir,
                    dpi=dpi)
    if to_file is None:
        return source
    return draw(source, to_file, "plot_graph", find_renderer())


def _graph_of(fn, args, kwargs) -> Graph:
    if isinstance(fn, Graph):
        if args or kwargs:
            raise TypeError("plot_graph: a Graph is drawn as it is; example arguments are "
                            "only for functions to trace")
        return fn
    if isinstance(fn, ConcreteFunction):
        return fn.graph
    if isinstance(fn, Function):
        return _traced(fn, args, kwargs)
    if callable(fn):
        name = getattr(fn, "name", None) or getattr(fn, "__name__", None) or type(fn).__name__
        if getattr(fn, "built", True) is False and not any(
                isinstance(a, TensorSpec) for a in nest.flatten((args, kwargs))):
            fn(*args, **kwargs)  # a Keras layer builds its weights first: not in the drawing
        return _traced(Function(lambda *a, **k: fn(*a, **k), name=str(name)), args, kwargs)
    raise TypeError(f"plot_graph: expected a Graph, a ConcreteFunction, an ndflow.function "
                    f"or a Python function, got {type(fn).__name__}")


def _traced(function: Function, args, kwargs) -> Graph:
    if not args and not kwargs:
        if function.input_signature is not None:
            args = tuple(function.input_signature)
        elif function._cache:  # drawn after use: the latest trace
            return list(function._cache.values())[-1].graph
    try:
        concrete = function.get_concrete_function(*args, **kwargs)
    except TypeError as e:
        if args or kwargs:
            raise
        raise TypeError(f"plot_graph: '{function.name}' needs example arguments to be traced "
                        f"with ({e}); pass them after to_file: plot_graph(f, 'f.png', x)"
                        ) from e
    return concrete.graph
