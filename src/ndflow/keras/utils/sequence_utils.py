"""``pad_sequences``: lists of sequences of different lengths as one padded array."""

import numpy as np

__all__ = ["pad_sequences"]


def _as_rows(sequences):
    rows = []
    for s in sequences:
        if not hasattr(s, "__len__"):
            raise ValueError(f"`sequences` must be a list of iterables. Found non-iterable: "
                             f"{s!r}")
        rows.append(s)
    return rows


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """Pad (or truncate) each sequence to ``maxlen`` (the longest by default), giving an
    array of shape ``(len(sequences), maxlen)`` plus the shape of the elements.

    >>> pad_sequences([[1, 2], [3]], maxlen=3)
    array([[0, 1, 2],
           [0, 0, 3]], dtype=int32)

    ``padding`` / ``truncating``: 'pre' (at the start, the default) or 'post' (at the end).
    """
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood')
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood')
    rows = _as_rows(sequences)
    lengths = [len(s) for s in rows]
    maxlen = max(lengths, default=0) if maxlen is None else int(maxlen)
    sample_shape = next((np.asarray(s).shape[1:] for s in rows if len(s)), ())
    is_text = np.issubdtype(np.dtype(dtype), np.str_) or np.dtype(dtype).kind == "O"
    if isinstance(value, str) and not is_text:
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: "
                         f"{type(value)}; pass dtype=object for variable-length strings")
    out = np.full((len(rows), maxlen) + sample_shape, value, dtype=dtype)
    for i, s in enumerate(rows):
        if not len(s) or not maxlen:
            continue
        kept = np.asarray(s[-maxlen:] if truncating == "pre" else s[:maxlen], dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError(f"Shape of sample {kept.shape[1:]} of sequence at position {i} "
                             f"is different from expected shape {sample_shape}")
        if padding == "post":
            out[i, :len(kept)] = kept
        else:
            out[i, -len(kept):] = kept
    return out
