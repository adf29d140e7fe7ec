"""Graphviz DOT text of a graph: operations as boxes, inputs and outputs as ovals."""

__all__ = ["to_dot"]


def _quote(text):
    return '"' + str(text).replace('"', r'\"') + '"'


def to_dot(graph) -> str:
    """The DOT source of ``graph`` (render it with graphviz's ``dot -Tpng``)."""
    lines = [f"digraph {_quote(graph.name)} {{", "  rankdir=TB;",
             '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", '
             'fontname="Helvetica"];']
    producer = {}
    for i, slot in enumerate(graph.input_slots):
        lines.append(f'  in{slot} [label={_quote(f"input {i}")}, shape=oval, '
                     'fillcolor="#dff0d8"];')
        producer[slot] = f"in{slot}"
    for k, node in enumerate(graph.nodes):
        name = f"n{k}"
        color = ', fillcolor="#fbe5d6"' if node.effect else ""
        lines.append(f"  {name} [label={_quote(node.name)}{color}];")
        for slot in node.inputs:
            if slot in producer:
                lines.append(f"  {producer[slot]} -> {name};")
        for slot in node.outputs:
            producer[slot] = name
    for i, slot in enumerate(graph.output_slots):
        lines.append(f'  out{i} [label={_quote(f"output {i}")}, shape=oval, '
                     'fillcolor="#dff0d8"];')
        if slot in producer:
            lines.append(f"  {producer[slot]} -> out{i};")
    lines.append("}")
    return "\n".join(lines)
