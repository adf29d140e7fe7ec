"""Attention layers: Attention (dot-product), AdditiveAttention and MultiHeadAttention.

Scores compare each query position with every key position; a softmax over the keys turns
them into weights that average the values. Masks (boolean, True = attend) keep positions
out of the softmax; ``use_causal_mask=True`` lets query position ``i`` see keys ``<= i``.
"""

import math

import numpy as np

from ndflow.backend import rng
from ndflow.backend.xp import default_xp
from ndflow.core.convert import convert_to_tensor
from ndflow.core.tensor import Tensor, wrap
from ndflow.keras import constraints, initializers, regularizers
from ndflow.keras.keras_tensor import KerasTensor
from ndflow.keras.layers.layer import Layer, check_last_dimension
from ndflow.keras.layers.regularization import Dropout
from ndflow.ops.array import expand_dims
from ndflow.ops.cast import cast
from ndflow.ops.linalg import einsum, matmul
from ndflow.ops.math import logical_and, tanh, where
from ndflow.ops.nn import softmax
from ndflow.ops.reduction import reduce_sum

__all__ = ["AdditiveAttention", "Attention", "MultiHeadAttention"]

# What masked scores become before the softmax (Keras's value; float16 cannot hold -1e9).
_LARGE_NEGATIVE = {"float16": -3e4}


def _large_negative(dtype_name):
    return _LARGE_NEGATIVE.get(dtype_name, -1e9)


def _shape_of(x):
    if x is None:
        return None
    if isinstance(x, (Tensor, KerasTensor)):
        return tuple(x.shape)
    return tuple(np.shape(x))


def _bool_mask(mask):
    """A boolean tensor from a mask given as a tensor or array of bools or numbers."""
    t = mask if isinstance(mask, Tensor) else convert_to_tensor(mask)
    return t if t.dtype.name == "bool" else cast(t, "bool")


def _causal_mask(num_queries, num_keys):
    """``(1, T, S)``: query ``i`` may attend to keys ``0..i``."""
    return wrap(default_xp().tri(num_queries, num_keys, dtype=bool)[None])


def _dropout_layer(layer, rate, seed):
    if rate == 0:
        return None
    return Dropout(rate, seed=seed, name=f"{layer.name}_dropout")


def _check_rate(layer, rate):
    if not (0 <= rate <= 1):
        raise ValueError(f"{type(layer).__name__} '{layer.name}': invalid value received for "
                         f"argument `dropout`. Expected a float between 0 and 1. Received: "
                         f"dropout={rate!r}")
    return float(rate)


class _SymbolicOutputs:
    """While a layer records a symbolic call that returns attention scores, the graph
    machinery asks its ``compute_output_shape`` for the output shapes knowing only the first
    input's shape; the layer keeps what else it needs (the other shapes, that scores are
    returned) here for that one question."""

    def __init__(self, layer, extra):
        self.layer, self.extra = layer, extra

    def __enter__(self):
        self.layer._symbolic_call = self.extra

    def __exit__(self, *exc):
        self.layer._symbolic_call = None


# -- Attention and AdditiveAttention ---------------------------------------------------------
class Attention(Layer):
    """Dot-product attention (Luong style): ``softmax(query @ key^T) @ value``.

    Called on ``[query, value]`` or ``[query, value, key]`` (key defaults to value), shapes
    ``(batch, Tq, dim)`` and ``(batch, Tv, dim)``; returns ``(batch, Tq, dim_value)``.
    ``score_mode='concat'`` scores with ``sum(tanh(query + key))`` instead.

    >>> Attention()([query, value])
    """

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"{type(self).__name__} '{self.name}': invalid value for argument "
                             f"score_mode. Expected one of {{'dot', 'concat'}}. Received: "
                             f"score_mode={score_mode!r}")
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = _check_rate(self, dropout)
        self.seed = rng.check_seed(seed, f"{type(self).__name__} '{self.name}': seed")
        self._dropout = _dropout_layer(self, self.dropout, self.seed)
        self.scale = None
        self.concat_score_weight = None
        self.supports_masking = True
        self._symbolic_call = None

    def __call__(self, inputs, *args, **kwargs):
        if not kwargs.get("return_attention_scores"):
            return super().__call__(inputs, *args, **kwargs)
        with _SymbolicOutputs(self, True):
            return super().__call__(inputs, *args, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(), initializer="ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                name="concat_score_weight", shape=(), initializer="ones")
        self.built = True

    def _calculate_scores(self, query, key):
        """Scores of shape ``(batch, Tq, Tv)``."""
        if self.score_mode == "dot":
            scores = matmul(query, key, transpose_b=True)
            return scores * self.scale if self.scale is not None else scores
        pairs = expand_dims(query, -2) + expand_dims(key, -3)
        if self.scale is not None:
            pairs = self.scale * pairs
        return self.concat_score_weight * reduce_sum(tanh(pairs), axis=-1)

    def call(self, inputs, mask=None, training=None, return_attention_scores=False,
             use_causal_mask=False):
        self._validate_inputs(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        q_mask, v_mask = (mask[0], mask[1]) if mask is not None else (None, None)
        scores = self._calculate_scores(query, key)
        keep = None if v_mask is None else expand_dims(_bool_mask(v_mask), -2)
        if use_causal_mask:
            causal = _causal_mask(scores.shape[-2], scores.shape[-1])
            keep = causal if keep is None else logical_and(keep, causal)
        if keep is not None:
            # Keras subtracts the large number (the softmax is shift invariant per row)
            scores = scores - (-_large_negative(scores.dtype.name)) * (
                1.0 - cast(keep, scores.dtype))
        weights = softmax(scores, axis=-1)
        if training and self._dropout is not None:
            weights = self._dropout(weights, training=True)
        result = matmul(weights, value)
        if q_mask is not None:
            result = result * cast(expand_dims(_bool_mask(q_mask), -1), result.dtype)
        if return_attention_scores:
            return result, weights
        return result

    def compute_mask(self, inputs, mask=None):
        if mask is None or mask[0] is None:
            return None
        return _bool_mask(mask[0])

    def compute_output_shape(self, input_shape):
        self._validate_inputs(input_shape)
        output = (*tuple(input_shape[0][:-1]), input_shape[1][-1])
        if self._symbolic_call:
            scores = (*tuple(input_shape[0][:-1]), input_shape[1][-2])
            return output, scores
        return output

    def _validate_inputs(self, inputs, mask=None):
        name = f"{type(self).__name__} '{self.name}'"
        single = _is_shape_like(inputs) and len(inputs) > 0  # build got one input's shape
        if single or not isinstance(inputs, (list, tuple)) or len(inputs) not in (2, 3):
            if single:
                got = f"a single input of shape {tuple(inputs)}"
            elif isinstance(inputs, (list, tuple)):
                got = f"a list of {len(inputs)} inputs"
            else:
                got = f"a single input of shape {_shape_of(inputs)}"
            raise ValueError(f"{name} expects inputs as a list [query, value] or "
                             f"[query, value, key], received {got}")
        shapes = [s if _is_shape_like(s) else _shape_of(s) for s in inputs]
        if any(len(s) != 3 for s in shapes):
            raise ValueError(f"{name} expects inputs of rank 3 (batch, steps, dim); received "
                             f"shapes {shapes}")
        key_shape = shapes[2] if len(shapes) > 2 else shapes[1]
        if key_shape[-2] is not None and shapes[1][-2] is not None \
                and key_shape[-2] != shapes[1][-2]:
            raise ValueError(f"{name}: key and value must have the same number of steps, got "
                             f"key shape {key_shape} and value shape {shapes[1]}")
        q_dim, k_dim = shapes[0][-1], key_shape[-1]
        if q_dim is not None and k_dim is not None and q_dim != k_dim:
            raise ValueError(f"{name}: query and key must have the same last dimension, got "
                             f"query shape {shapes[0]} and key shape {key_shape}")
        if mask is not None and (not isinstance(mask, (list, tuple)) or len(mask) != 2):
            raise ValueError(f"{name} expects mask as a list [query_mask, value_mask] (either "
                             f"may be None), received: {mask!r}")

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale,
                "score_mode": self.score_mode, "dropout": self.dropout}


def _is_shape_like(s):
    return isinstance(s, (tuple, list)) and all(d is None or isinstance(d, (int, np.integer))
                                                for d in s)


class AdditiveAttention(Attention):
    """Additive attention (Bahdanau style): scores ``sum(scale * tanh(query + key))``.

    >>> AdditiveAttention()([query, value])
    """

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        self._validate_inputs(input_shape)
        if self.use_scale:
            self.scale = self.add_weight(name="scale", shape=(input_shape[0][-1],),
                                         initializer="glorot_uniform")
        self.built = True

    def _calculate_scores(self, query, key):
        terms = tanh(expand_dims(query, -2) + expand_dims(key, -3))
        if self.scale is not None:
            terms = self.scale * terms
        return reduce_sum(terms, axis=-1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config


# -- MultiHeadAttention ----------------------------------------------------------------------
class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al. 2017), as ``keras.layers.MultiHeadAttention``.

    Projects query, key and value to ``num_heads`` heads of ``key_dim`` (``value_dim``)
    features, attends per head with scores ``q . k / sqrt(key_dim)``, and projects the
    concatenated heads back to the query's last dimension (or ``output_shape``).

    >>> mha = MultiHeadAttention(num_heads=2, key_dim=8)
    >>> y = mha(query, value)                    # (batch, Tq, query_dim)
    >>> y, scores = mha(x, x, return_attention_scores=True)  # scores: (batch, 2, Tq, Tv)
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True,
                 output_shape=None, attention_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 seed=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.num_heads = self._positive("num_heads", num_heads)
        self.key_dim = self._positive("key_dim", key_dim)
        self.value_dim = self._positive("value_dim", value_dim) if value_dim else self.key_dim
        self.dropout = _check_rate(self, dropout)
        self.use_bias = bool(use_bias)
        if output_shape is not None:
            output_shape = (int(output_shape),) if isinstance(output_shape, (int, np.integer)) \
                else tuple(int(d) for d in output_shape)
        self._output_shape = output_shape
        if isinstance(attention_axes, (int, np.integer)):
            attention_axes = (int(attention_axes),)
        self.attention_axes = None if attention_axes is None else tuple(attention_axes)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = rng.check_seed(seed, f"MultiHeadAttention '{self.name}': seed")
        self._dropout = _dropout_layer(self, self.dropout, self.seed)
        self.supports_masking = True
        self._symbolic_call = None

    def _positive(self, what, value):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"MultiHeadAttention '{self.name}': {what} must be a positive "
                             f"integer, got {value!r}")
        return int(value)

    @property
    def output_shape(self):
        return self._output_shape

    # -- building ------------------------------------------------------------------------
    def __call__(self, query, value=None, key=None, **kwargs):
        if value is None:
            raise ValueError(f"MultiHeadAttention '{self.name}' must be called with both a "
                             "query and a value: layer(query, value)")
        if not self.built:
            self.build(_shape_of(query), _shape_of(value), _shape_of(key))
            self.built = True
        args = (query, value) if key is None else (query, value, key)
        if not kwargs.get("return_attention_scores"):
            return super().__call__(*args, **kwargs)
        with _SymbolicOutputs(self, (_shape_of(value), _shape_of(key), True)):
            return super().__call__(*args, **kwargs)

    def build(self, query_shape, value_shape=None, key_shape=None):
        """Create the projection weights from the query, value and key shapes."""
        value_shape = query_shape if value_shape is None else value_shape
        key_shape = value_shape if key_shape is None else key_shape
        self._check_shapes(query_shape, value_shape, key_shape)
        heads = self.num_heads
        for part, dim, size in (("query", query_shape[-1], self.key_dim),
                                ("key", key_shape[-1], self.key_dim),
                                ("value", value_shape[-1], self.value_dim)):
            kernel, bias = self._projection(part, (dim, heads, size), (heads, size))
            setattr(self, f"_{part}_kernel", kernel)
            setattr(self, f"_{part}_bias", bias)
        out = self._output_shape or (query_shape[-1],)
        self._output_kernel, self._output_bias = self._projection(
            "attention_output", (heads, self.value_dim, *out), out)
        self.built = True

    def _projection(self, part, kernel_shape, bias_shape):
        kernel = self.add_weight(
            name=f"{part}/kernel", shape=kernel_shape, initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        bias = None
        if self.use_bias:
            bias = self.add_weight(
                name=f"{part}/bias", shape=bias_shape, initializer=self.bias_initializer,
                regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        return kernel, bias

    def _check_shapes(self, query_shape, value_shape, key_shape):
        name = f"MultiHeadAttention '{self.name}'"
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) != 3:
                if len(shape) > 3:
                    raise NotImplementedError(
                        f"{name}: inputs of rank {len(shape)} ({what} shape {tuple(shape)}) "
                        "are not supported yet; only (batch, steps, features) inputs with "
                        "attention over the steps axis are")
                raise ValueError(f"{name} expects {what} of shape (batch, steps, features), "
                                 f"got shape {tuple(shape)}")
            if shape[-1] is None:
                raise ValueError(f"{name}: the last dimension of {what} must be known, got "
                                 f"shape {tuple(shape)}")
        if self.attention_axes not in (None, (1,), (-2,)):
            raise NotImplementedError(
                f"{name}: attention_axes={self.attention_axes} is not supported yet; only "
                "attention over the sequence axis (attention_axes=None, i.e. axis 1 of "
                "(batch, steps, features) inputs) is")
        if value_shape[1] is not None and key_shape[1] is not None \
                and value_shape[1] != key_shape[1]:
            raise ValueError(f"{name}: key and value must have the same number of steps, got "
                             f"key shape {tuple(key_shape)} and value shape "
                             f"{tuple(value_shape)}")

    # -- computation ---------------------------------------------------------------------
    def _project(self, x, kernel, bias):
        y = einsum("abc,cde->abde", x, kernel)
        return y if bias is None else y + bias

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        value = self._convert_inputs(value)
        key_given = key is not None
        key = self._convert_inputs(key) if key_given else value
        for x, kernel in ((query, self._query_kernel), (value, self._value_kernel),
                          (key, self._key_kernel)):
            check_last_dimension(self, tuple(x.shape), kernel.shape[0])
        q = self._project(query, self._query_kernel, self._query_bias)
        k = self._project(key, self._key_kernel, self._key_bias)
        v = self._project(value, self._value_kernel, self._value_bias)
        # scaling the query (B, T, H, Dk) is cheaper than scaling the scores (B, H, T, S)
        q = q * (1.0 / math.sqrt(self.key_dim))
        scores = einsum("aecd,abcd->acbe", k, q)  # (batch, heads, T, S)
        keep = self._attention_mask(scores, query_mask, value_mask,
                                    key_mask if key_given else None, attention_mask,
                                    use_causal_mask)
        if keep is None:
            probs = softmax(scores, axis=-1)
        else:
            keep = expand_dims(keep, -3)  # the same mask for every head
            masked = where(keep, scores, _large_negative(scores.dtype.name))
            # zero, not uniform, weights where every key is masked
            probs = softmax(masked, axis=-1) * cast(keep, scores.dtype)
        attended = probs
        if training and self._dropout is not None:
            attended = self._dropout(probs, training=True)
        heads = einsum("acbe,aecd->abcd", attended, v)  # (batch, T, heads, value_dim)
        letters = "efgh"[:len(self._output_kernel.shape) - 2]
        out = einsum(f"abcd,cd{letters}->ab{letters}", heads, self._output_kernel)
        if self._output_bias is not None:
            out = out + self._output_bias
        if return_attention_scores:
            return out, probs
        return out

    def _attention_mask(self, scores, query_mask, value_mask, key_mask, attention_mask,
                        use_causal_mask):
        """The boolean ``(batch, T, S)`` mask of allowed pairs (None: all allowed)."""
        parts = []
        if query_mask is not None:
            parts.append(expand_dims(_bool_mask(query_mask), -1))
        if value_mask is not None:
            parts.append(expand_dims(_bool_mask(value_mask), -2))
        if key_mask is not None:
            parts.append(expand_dims(_bool_mask(key_mask), -2))
        if use_causal_mask:
            parts.append(_causal_mask(scores.shape[-2], scores.shape[-1]))
        if attention_mask is not None:
            parts.append(_bool_mask(attention_mask))
        if not parts:
            return None
        mask = parts[0]
        for part in parts[1:]:
            mask = logical_and(mask, part)
        return mask

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        scores = False
        if value_shape is None and self._symbolic_call is not None:
            value_shape, key_shape, scores = self._symbolic_call
        value_shape = query_shape if value_shape is None else value_shape
        key_shape = value_shape if key_shape is None else key_shape
        self._check_shapes(query_shape, value_shape, key_shape)
        output = (*tuple(query_shape[:-1]), *(self._output_shape or (query_shape[-1],)))
        if scores:
            return output, (query_shape[0], self.num_heads, query_shape[1], value_shape[1])
        return output

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
            "output_shape": None if self._output_shape is None else list(self._output_shape),
            "attention_axes": None if self.attention_axes is None
            else list(self.attention_axes),
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
            "seed": self.seed,
        }
