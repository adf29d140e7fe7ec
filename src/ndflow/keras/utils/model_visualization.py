"""``plot_model`` and ``model_to_dot``: a model's layers as a Graphviz graph.

What is read from a model (a duck-typed contract, so any model class can be drawn):

* ``model.layers``: the layers, in order. Without more, they are drawn as a chain.
* ``model._graph_edges()``, when the model has it: ``(from_layer_name, to_layer_name)``
  pairs, drawn instead of the chain (functional models with branches and merges).
* of each layer: ``name`` and its class name; if present and asked for, ``input_shape``
  / ``output_shape`` (or the ``shape`` of ``input`` / ``output``; '?' when none can be
  read), ``dtype``, ``activation`` and ``trainable``; a layer that has ``layers`` of its
  own (a nested model) is drawn as one box, or as a cluster of its own layers with
  ``expand_nested=True``.

Images come from Graphviz: the ``graphviz`` Python package or the ``dot`` program. When
neither is there, ``plot_model`` writes the DOT text next to the requested file (same
name, ``.dot``) and warns, saying how to render it.
"""

import re

from ndflow.utils.render import draw
from ndflow.utils.render import find_renderer as _find_renderer

__all__ = ["model_to_dot", "plot_model"]


# -- DOT text --------------------------------------------------------------------------
def _quote(text) -> str:
    text = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _shape_text(shape) -> str:
    if isinstance(shape, list):
        return ", ".join(_shape_text(s) for s in shape)
    if isinstance(shape, tuple):
        dims = ", ".join("None" if d is None else str(d) for d in shape)
        return f"({dims},)" if len(shape) == 1 else f"({dims})"
    return str(shape)


def _shape(layer, what):
    """``layer.<what>_shape``, else the shape of ``layer.<what>`` (its symbolic tensor or
    tensors), else '?' (an unbuilt layer has no shapes)."""
    for read in (lambda: getattr(layer, f"{what}_shape"),
                 lambda: _tensor_shapes(getattr(layer, what))):
        try:
            return _shape_text(read())
        except Exception:  # any failure just means "unknown" in a drawing
            pass
    return "?"


def _tensor_shapes(tensors):
    if isinstance(tensors, (list, tuple)):
        return [tuple(t.shape) for t in tensors]
    return tuple(tensors.shape)


def _label(layer, options) -> str:
    kind = type(layer).__name__
    lines = [f"{layer.name} ({kind})" if options["show_layer_names"] else kind]
    activation = getattr(layer, "activation", None)
    if options["show_layer_activations"] and activation is not None:
        lines.append(f"activation: {getattr(activation, '__name__', activation)}")
    if options["show_shapes"]:
        for what in ("input", "output"):
            text = _shape(layer, what)
            if text:  # empty for an input layer, which reads no tensors
                lines.append(f"{what} shape: {text}")
    dtype = getattr(layer, "dtype", None)
    if options["show_dtype"] and dtype is not None:
        lines.append(f"dtype: {getattr(dtype, 'name', dtype)}")
    if options["show_trainable"] and hasattr(layer, "trainable"):
        lines.append(f"trainable: {bool(layer.trainable)}")
    return "\n".join(lines)


def _model_layers(model) -> list:
    layers = getattr(model, "layers", None)
    if layers is None:
        raise ValueError(f"plot_model expects a model with a `layers` list, got "
                         f"{type(model).__name__}")
    return list(layers)


def _edges(model, layers) -> list:
    if hasattr(model, "_graph_edges"):
        return [(str(a), str(b)) for a, b in model._graph_edges()]
    names = [layer.name for layer in layers]
    return list(zip(names[:-1], names[1:]))


def layer_graph(model, prefix=""):
    """The model's layers as ``(path, layer)`` nodes and ``(path, path)`` edges, nested
    models expanded with their layers named ``<model name>/<layer name>``."""
    nodes, edges = [], []
    _expand(model, prefix, nodes, edges)
    return nodes, edges


def _expand(model, prefix, nodes, edges):
    layers = _model_layers(model)
    ends = {}  # layer name -> (paths edges into it reach, paths edges out of it leave)
    for layer in layers:
        path = prefix + layer.name
        if getattr(layer, "layers", None):
            ends[layer.name] = _expand(layer, path + "/", nodes, edges)
        else:
            nodes.append((path, layer))
            ends[layer.name] = ([path], [path])
    pairs = [(a, b) for a, b in _edges(model, layers) if a in ends and b in ends]
    edges.extend((src, dst) for a, b in pairs for src in ends[a][1] for dst in ends[b][0])
    sources, targets = {a for a, _ in pairs}, {b for _, b in pairs}
    entries = [p for layer in layers if layer.name not in targets for p in ends[layer.name][0]]
    exits = [p for layer in layers if layer.name not in sources for p in ends[layer.name][1]]
    return entries, exits


def _in_range(layers, layer_range) -> list:
    """The layers from the first matching ``layer_range[0]`` to the last matching
    ``layer_range[1]`` (names or regular expressions, both ends included)."""
    if (not isinstance(layer_range, (list, tuple)) or len(layer_range) != 2
            or not all(isinstance(p, str) for p in layer_range)):
        raise ValueError(f"layer_range must be a list of two layer names (or patterns), "
                         f"got {layer_range!r}")
    names = [layer.name for layer in layers]
    first = next((i for i, n in enumerate(names) if re.match(layer_range[0], n)), None)
    last = next((i for i in reversed(range(len(names))) if re.match(layer_range[1], names[i])),
                None)
    if first is None or last is None or last < first:
        raise ValueError(f"layer_range {list(layer_range)} selects no layers of the model "
                         f"(its layers: {names})")
    return layers[first:last + 1]


class _Graph:
    """Nodes and edges of one model (and of nested models when expanded), as DOT lines."""

    def __init__(self, options):
        self.options = options
        self.lines = []

    def add_model(self, model, prefix="", indent="  ", layer_range=None):
        """Write the layers and edges of ``model``; return (entry ids, exit ids)."""
        every = _model_layers(model)
        layers = every if layer_range is None else _in_range(every, layer_range)
        ends = {}  # layer name -> (ids that edges into it reach, ids edges out of it leave)
        for layer in layers:
            node = prefix + layer.name
            inner = getattr(layer, "layers", None)
            if self.options["expand_nested"] and inner:
                self.lines.append(f"{indent}subgraph {_quote('cluster_' + node)} {{")
                self.lines.append(f"{indent}  label={_quote(_label(layer, self.options))};")
                ends[layer.name] = self.add_model(layer, node + "/", indent + "  ")
                self.lines.append(f"{indent}}}")
            else:
                self.lines.append(f"{indent}{_quote(node)} "
                                  f"[label={_quote(_label(layer, self.options))}];")
                ends[layer.name] = ([node], [node])
        drawn = {layer.name for layer in layers}
        edges = [(a, b) for a, b in _edges(model, every) if a in drawn and b in drawn]
        for a, b in edges:
            for src in ends.get(a, ([prefix + a], [prefix + a]))[1]:
                for dst in ends.get(b, ([prefix + b], [prefix + b]))[0]:
                    self.lines.append(f"{indent}{_quote(src)} -> {_quote(dst)};")
        sources = {a for a, _ in edges}
        targets = {b for _, b in edges}
        entries = [n for layer in layers if layer.name not in targets
                   for n in ends[layer.name][0]]
        exits = [n for layer in layers if layer.name not in sources
                 for n in ends[layer.name][1]]
        return entries, exits


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                 rankdir="TB", expand_nested=False, dpi=200, subgraph=False,
                 show_layer_activations=False, show_trainable=False, **kwargs) -> str:
    """The model's graph as DOT text (see the module docstring for what is read from the
    model); ``subgraph=True`` gives a cluster to include in another graph; ``layer_range``
    as in :func:`plot_model`."""
    layer_range = kwargs.pop("layer_range", None)
    if kwargs:
        raise ValueError(f"model_to_dot: unrecognized keyword arguments {sorted(kwargs)}")
    options = {"show_shapes": show_shapes, "show_dtype": show_dtype,
               "show_layer_names": show_layer_names, "expand_nested": expand_nested,
               "show_layer_activations": show_layer_activations,
               "show_trainable": show_trainable}
    graph = _Graph(options)
    graph.add_model(model, layer_range=layer_range)
    name = getattr(model, "name", None) or type(model).__name__
    if subgraph:
        head = [f"subgraph {_quote('cluster_' + name)} {{", f"  label={_quote(name)};"]
    else:
        head = [f"digraph {_quote(name)} {{",
                f"  graph [rankdir={_quote(rankdir)}, dpi={int(dpi)}, concentrate=true];",
                '  node [shape=box, fontname="Helvetica"];']
    return "\n".join(head + graph.lines + ["}"]) + "\n"


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, **kwargs):
    """Draw the model's layers to ``to_file`` (format from the extension, 'png' if none).

    Needs Graphviz for images; without it, the DOT text goes to ``<stem>.dot`` beside
    ``to_file`` with a warning saying so (a ``.dot`` ``to_file`` always gets DOT text).
    ``layer_range=[first, last]`` (tf.keras 2) draws only the layers from the first whose
    name matches ``first`` to the last whose name matches ``last`` (regular expressions).
    Returns an IPython Image in a notebook, else None.
    """
    source = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                          show_layer_names=show_layer_names, rankdir=rankdir,
                          expand_nested=expand_nested, dpi=dpi,
                          show_layer_activations=show_layer_activations,
                          show_trainable=show_trainable, **kwargs)
    return draw(source, to_file, "plot_model", _find_renderer())
