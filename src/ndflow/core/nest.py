"""Flatten and rebuild nested structures of lists, tuples and dicts (like ``tf.nest``)."""


def is_nested(x) -> bool:
    """True for lists, tuples and dicts, the containers ndflow walks through."""
    return isinstance(x, (list, tuple, dict))


_CONTAINERS = (list, tuple, dict)


def _is_flat_sequence(x) -> bool:
    """A plain list or tuple (not a namedtuple) holding no containers: its own leaves."""
    if type(x) is not list and type(x) is not tuple:
        return False
    return not any(isinstance(v, _CONTAINERS) for v in x)


def flatten(structure) -> list:
    """Return the leaves of a nested structure in order (dicts by sorted key)."""
    if _is_flat_sequence(structure):  # the common case (a list of weights), without recursion
        return list(structure)
    out = []
    _flatten_into(structure, out)
    return out


def _flatten_into(x, out):
    if isinstance(x, dict):
        for k in sorted(x):
            _flatten_into(x[k], out)
    elif isinstance(x, (list, tuple)):
        for v in x:
            _flatten_into(v, out)
    else:
        out.append(x)


def pack_sequence_as(structure, flat):
    """Rebuild ``structure`` with the leaves taken in order from ``flat``."""
    if _is_flat_sequence(structure):
        flat = flat if isinstance(flat, (list, tuple)) else list(flat)
        if len(flat) != len(structure):
            raise ValueError(f"pack_sequence_as: {len(flat)} leaves for a structure with "
                             f"{len(structure)} places")
        return type(structure)(flat)
    it = iter(flat)
    result = _pack(structure, it)
    if next(it, _END) is not _END:
        raise ValueError("pack_sequence_as: more leaves than the structure has places")
    return result


_END = object()


def _pack(x, it):
    if isinstance(x, dict):
        packed = {k: _pack(x[k], it) for k in sorted(x)}
        return type(x)((k, packed[k]) for k in x) if type(x) is not dict else {
            k: packed[k] for k in x
        }
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*[_pack(v, it) for v in x])
    if isinstance(x, (list, tuple)):
        return type(x)(_pack(v, it) for v in x)
    leaf = next(it, _END)
    if leaf is _END:
        raise ValueError("pack_sequence_as: fewer leaves than the structure has places")
    return leaf


def map_structure(fn, *structures):
    """Apply ``fn`` to corresponding leaves and rebuild the first structure's shape."""
    flats = [flatten(s) for s in structures]
    if any(len(f) != len(flats[0]) for f in flats):
        raise ValueError("map_structure: the structures have different numbers of leaves")
    return pack_sequence_as(structures[0], [fn(*leaves) for leaves in zip(*flats)])
