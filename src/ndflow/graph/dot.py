"""Graphviz DOT text of a graph: operations as boxes, inputs and outputs as ovals.

Each box names its operation, its static parameters (axis, flags) and the shape and
dtype of what it computed while tracing (``Graph.shapes``); Variable reads are drawn
as cylinders, steps that change state (assignments, optimizer updates) in orange, and
captured constants as small notes.
"""

from ndflow.graph.ir import VariableRead

__all__ = ["to_dot"]

_PARAM_TEXT = 32  # longer parameter values (sub-graphs, arrays) are left out of labels


def _quote(text) -> str:
    text = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def _shape_text(shape) -> str:
    dims = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({dims},)" if len(shape) == 1 else f"({dims})"


def _value_text(graph, slot, show_shapes, show_dtype) -> str:
    """'(8, 3) float32' for a slot whose shape the tracer saw; '' when unknown."""
    known = (getattr(graph, "shapes", None) or {}).get(slot) if show_shapes or show_dtype \
        else None
    if known is None:
        return ""
    shape, dtype = known
    parts = [_shape_text(shape)] if show_shapes else []
    if show_dtype and dtype is not None:
        parts.append(getattr(dtype, "name", str(dtype)))
    return " ".join(parts)


def _param_text(params) -> list:
    """``key=value`` for the short static parameters of a node."""
    out = []
    for key, value in params.items():
        # unset options (None, False) are the usual case: only what is switched on shows
        if value is None or value is False or key.startswith("_") or not _plain(value):
            continue
        text = f"{key}={value:.6g}" if isinstance(value, float) else f"{key}={value!r}"
        if len(text) <= _PARAM_TEXT:
            out.append(text)
    return out


def _plain(value) -> bool:
    if isinstance(value, (bool, int, float, str)):
        return True
    return isinstance(value, (tuple, list)) and all(
        v is None or isinstance(v, (bool, int, float, str)) for v in value)


def _constant_label(value) -> str:
    shape = getattr(value, "shape", None)
    if shape is None:
        text = repr(value)
        return text if len(text) <= _PARAM_TEXT else text[:_PARAM_TEXT - 3] + "..."
    if shape == () and getattr(value, "size", 1) == 1:
        scalar = value.item() if hasattr(value, "item") else value
        text = repr(scalar)
        return f"{scalar:.6g}" if isinstance(scalar, float) and len(text) > 10 else text
    dtype = getattr(value, "dtype", None)
    return f"const {_shape_text(shape)} {getattr(dtype, 'name', '')}".rstrip()


def _node_style(node) -> str:
    if isinstance(node.fn, VariableRead):
        return ', shape=cylinder, fillcolor="#fff5cc"'
    if node.effect:
        return ', fillcolor="#fbe5d6"'
    return ""


class _Writer:
    def __init__(self, graph, show_shapes, show_dtype, show_params, show_constants):
        self.graph = graph
        self.show_shapes, self.show_dtype = show_shapes, show_dtype
        self.show_params, self.show_constants = show_params, show_constants
        self.lines = []
        self.producer = {}  # slot -> DOT id of what computed it
        self.constants_drawn = set()

    def value(self, slot) -> str:
        return _value_text(self.graph, slot, self.show_shapes, self.show_dtype)

    def source_of(self, slot):
        """The DOT id that an edge carrying ``slot`` leaves from (None: not drawn)."""
        if slot in self.producer:
            return self.producer[slot]
        if not self.show_constants or slot not in self.graph.constants:
            return None
        name = f"c{slot}"
        if slot not in self.constants_drawn:
            self.constants_drawn.add(slot)
            label = _constant_label(self.graph.constants[slot])
            self.lines.append(f'  {name} [label={_quote(label)}, shape=note, fontsize=10, '
                              'fillcolor="#f4f4f4"];')
        return name

    def inputs(self):
        for i, slot in enumerate(self.graph.input_slots):
            label = "\n".join(filter(None, [f"input {i}", self.value(slot)]))
            self.lines.append(f'  in{slot} [label={_quote(label)}, shape=oval, '
                              'fillcolor="#dff0d8"];')
            self.producer[slot] = f"in{slot}"

    def nodes(self):
        for k, node in enumerate(self.graph.nodes):
            name = f"n{k}"
            lines = [node.name]
            if self.show_params:
                lines += _param_text(node.params)
            values = [self.value(s) for s in node.outputs]
            if any(values):
                lines.append(", ".join(v or "?" for v in values))
            self.lines.append(f"  {name} [label={_quote(chr(10).join(lines))}"
                              f"{_node_style(node)}];")
            for slot in node.inputs:
                source = self.source_of(slot)
                if source is not None:
                    self.lines.append(f"  {source} -> {name};")
            for slot in node.outputs:
                self.producer[slot] = name

    def outputs(self):
        for i, slot in enumerate(self.graph.output_slots):
            label = "\n".join(filter(None, [f"output {i}", self.value(slot)]))
            self.lines.append(f'  out{i} [label={_quote(label)}, shape=oval, '
                              'fillcolor="#dff0d8"];')
            source = self.source_of(slot)
            if source is not None:
                self.lines.append(f"  {source} -> out{i};")


def to_dot(graph, show_shapes=True, show_dtype=True, show_params=True, show_constants=True,
           rankdir="TB", dpi=None) -> str:
    """The DOT source of ``graph`` (render it with graphviz's ``dot -Tpng``)."""
    attributes = f"rankdir={_quote(rankdir)}" + (f", dpi={int(dpi)}" if dpi else "")
    writer = _Writer(graph, show_shapes, show_dtype, show_params, show_constants)
    writer.inputs()
    writer.nodes()
    writer.outputs()
    head = [f"digraph {_quote(graph.name)} {{", f"  graph [{attributes}];",
            '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", '
            'fontname="Helvetica"];']
    return "\n".join(head + writer.lines + ["}"]) + "\n"
