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

import os
import shutil
import subprocess
import tempfile
import warnings

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


class _Graph:
    """Nodes and edges of one model (and of nested models when expanded), as DOT lines."""

    def __init__(self, options):
        self.options = options
        self.lines = []

    def add_model(self, model, prefix="", indent="  "):
        """Write the layers and edges of ``model``; return (entry ids, exit ids)."""
        layers = _model_layers(model)
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
        edges = _edges(model, layers)
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
    model); ``subgraph=True`` gives a cluster to include in another graph."""
    options = {"show_shapes": show_shapes, "show_dtype": show_dtype,
               "show_layer_names": show_layer_names, "expand_nested": expand_nested,
               "show_layer_activations": show_layer_activations,
               "show_trainable": show_trainable}
    graph = _Graph(options)
    graph.add_model(model)
    name = getattr(model, "name", None) or type(model).__name__
    if subgraph:
        head = [f"subgraph {_quote('cluster_' + name)} {{", f"  label={_quote(name)};"]
    else:
        head = [f"digraph {_quote(name)} {{",
                f"  graph [rankdir={_quote(rankdir)}, dpi={int(dpi)}, concentrate=true];",
                '  node [shape=box, fontname="Helvetica"];']
    return "\n".join(head + graph.lines + ["}"]) + "\n"


# -- rendering -------------------------------------------------------------------------
def _render_with_package(graphviz):
    return lambda source, fmt: graphviz.Source(source).pipe(format=fmt)


def _render_with_program(dot):
    def render(source, fmt):
        done = subprocess.run([dot, f"-T{fmt}"], input=source.encode("utf-8"),
                              capture_output=True, check=True)
        return done.stdout

    return render


def _find_renderer():
    """A function ``(dot_source, format) -> image bytes`` using Graphviz, or None."""
    try:
        import graphviz
    except ImportError:
        graphviz = None
    if graphviz is not None:
        return _render_with_package(graphviz)
    dot = shutil.which("dot")
    return _render_with_program(dot) if dot else None


def _write(path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".plot_model-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _notebook_image(path, fmt):
    """An IPython Image of the file when running in a notebook, else None."""
    if fmt not in ("png", "jpg", "jpeg", "gif"):
        return None
    try:
        from IPython import get_ipython
        from IPython.display import Image
    except ImportError:
        return None
    return Image(filename=path) if get_ipython() is not None else None


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, **kwargs):
    """Draw the model's layers to ``to_file`` (format from the extension, 'png' if none).

    Needs Graphviz for images; without it, the DOT text goes to ``<stem>.dot`` beside
    ``to_file`` with a warning saying so (a ``.dot`` ``to_file`` always gets DOT text).
    Returns an IPython Image in a notebook, else None.
    """
    source = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                          show_layer_names=show_layer_names, rankdir=rankdir,
                          expand_nested=expand_nested, dpi=dpi,
                          show_layer_activations=show_layer_activations,
                          show_trainable=show_trainable)
    stem, ext = os.path.splitext(os.fspath(to_file))
    fmt = ext[1:].lower() or "png"
    if fmt in ("dot", "gv"):
        _write(to_file, source.encode("utf-8"))
        return None
    render = _find_renderer()
    if render is None:
        reason = ("Graphviz was not found (neither the `graphviz` Python package nor the "
                  "`dot` program)")
    else:
        try:
            image = render(source, fmt)
        except (OSError, RuntimeError, subprocess.SubprocessError) as e:
            reason = f"Graphviz could not render the graph ({e})"
        else:
            _write(to_file, image)
            return _notebook_image(to_file, fmt)
    dot_file = stem + ".dot"
    _write(dot_file, source.encode("utf-8"))
    warnings.warn(f"plot_model: {reason}, so the graph was written as DOT text to "
                  f"{dot_file!r} instead of {os.fspath(to_file)!r}. Install Graphviz "
                  f"(https://graphviz.org) for images, or render the file with: "
                  f"dot -T{fmt} {dot_file} -o {os.fspath(to_file)}", stacklevel=2)
    return None
