"""``model.summary()``: the Keras table of layers, output shapes and parameter counts."""

import numpy as np


def _shape_text(shape):
    if shape is None:
        return "?"
    if isinstance(shape, tuple) and all(d is None or isinstance(d, (int, np.integer))
                                        for d in shape):
        inner = ", ".join("None" if d is None else str(d) for d in shape)
        return f"({inner},)" if len(shape) == 1 else f"({inner})"
    if isinstance(shape, dict):
        return "{" + ", ".join(f"{k}: {_shape_text(v)}" for k, v in shape.items()) + "}"
    return "[" + ", ".join(_shape_text(s) for s in shape) + "]"


def _count(weights):
    return int(sum(int(np.prod(w.shape)) for w in weights))


def _bytes(weights):
    size = sum(int(np.prod(w.shape)) * w.dtype.size for w in weights)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} GB"


def _rows(model, show_connections):
    rows = []
    for layer in model.layers:
        params = _count(layer.weights) if layer.built else 0
        row = [f"{layer.name} ({type(layer).__name__})",
               _shape_text(model._layer_output_shape(layer)), f"{params:,}"]
        if show_connections:
            row.append(", ".join(model._connections(layer)) or "-")
        rows.append(row)
    return rows


def print_summary(model, line_length=None, print_fn=None, show_trainable=False):
    """Print the summary table of ``model`` (through ``print_fn``, default ``print``)."""
    print_fn = print_fn or print
    show_connections = not model._is_chain()
    headers = ["Layer (type)", "Output Shape", "Param #"]
    if show_connections:
        headers.append("Connected to")
    rows = _rows(model, show_connections)
    widths = [max(len(h), *(len(r[i]) for r in rows)) + 2 if rows else len(h) + 2
              for i, h in enumerate(headers)]
    widths = [max(w, m) for w, m in zip(widths, (31, 24, 15, 24))]

    def line(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    def cells(values, align_right_last=True):
        parts = []
        for i, (v, w) in enumerate(zip(values, widths)):
            text = f" {v} "
            parts.append(text.rjust(w) if (i == 2 and align_right_last) else text.ljust(w))
        return "│" + "│".join(parts) + "│"

    print_fn(f'Model: "{model.name}"')
    print_fn(line("┏", "┳", "┓", "━"))
    print_fn("┃" + "┃".join(f" {h} ".ljust(w) if i != 2 else f" {h} ".rjust(w)
                           for i, (h, w) in enumerate(zip(headers, widths))) + "┃")
    print_fn(line("┡", "╇", "┩", "━"))
    for k, row in enumerate(rows):
        print_fn(cells(row))
        if k != len(rows) - 1:
            print_fn(line("├", "┼", "┤", "─"))
    print_fn(line("└", "┴", "┘", "─"))
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    total = trainable + non_trainable
    print_fn(f" Total params: {_count(total):,} ({_bytes(total)})")
    print_fn(f" Trainable params: {_count(trainable):,} ({_bytes(trainable)})")
    print_fn(f" Non-trainable params: {_count(non_trainable):,} ({_bytes(non_trainable)})")
