"""Evaluating a whole population of weight vectors at once.

A population of ``P`` individuals is a ``(P, n)`` array of genomes (see ``Genome``). Instead
of loading each individual into the model and calling it ``P`` times, the evaluator stacks
every weight on a leading population axis, ``(P, *shape)``, and runs the model's layers on
raw arrays: a Dense layer becomes one batched matmul ``(P, B, in) @ (P, in, out)``; layers
without evolved weights that treat every sample on its own (activations, Dropout at
inference, Flatten, Reshape, pooling, merges ...) run once on the ``(P * B, ...)`` batch of
all individuals' activations; layers that evolve nothing and see only the shared data run
once, as themselves. The loss is the model's own Keras loss with ``reduction='none'`` on the
flattened ``(P * B, ...)`` predictions, averaged per individual, plus each individual's
weight penalties (regularizers). Any other layer (Conv, LSTM, a subclassed model ...)
makes the evaluator fall back to the per-individual loop, with a warning naming it.

>>> evaluator = PopulationEvaluator(model)        # model compiled with a loss
>>> losses = evaluator.loss(population, x, y)     # (P,), one forward pass
>>> outputs = evaluator.predict(population, x)    # (P, B, ...) NumPy arrays
"""

import copy
import warnings

import numpy as np

from ndflow.backend.xp import to_numpy
from ndflow.core import nest
from ndflow.core.tensor import Tensor, wrap
from ndflow.evolve.genome import Genome
from ndflow.keras import layers as keras_layers
from ndflow.keras import regularizers
from ndflow.keras.keras_tensor import KerasTensor
from ndflow.keras.layers.layer import check_last_dimension
from ndflow.keras.models.functional import Functional
from ndflow.keras.models.input_rank import match_rank
from ndflow.keras.models.sequential import Sequential
from ndflow.keras.trainers.compile_utils import CompileLoss, as_target

__all__ = ["PopulationEvaluator"]

# Rows (individuals x samples) evaluated at once when no batch size is given: bounds the
# memory of the stacked activations (2**17 rows of 128 float32 features: 64 MiB a layer).
_MAX_ROWS = 2**17

# Layers without weights that compute each sample on its own: they can run on the
# (P * B, ...) batch of every individual's activations.
_PER_SAMPLE = tuple(getattr(keras_layers, name) for name in (
    "Activation", "Identity", "InputLayer", "Dropout", "GaussianNoise", "Flatten", "Reshape",
    "Permute", "RepeatVector", "ReLU", "LeakyReLU", "ELU", "Softmax", "Rescaling",
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
    "AveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
    "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D",
    "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D", "Add", "Subtract", "Multiply",
    "Average", "Maximum", "Minimum", "Concatenate") if hasattr(keras_layers, name))
_VECTOR_PENALTIES = (regularizers.L1, regularizers.L2, regularizers.L1L2)

_warned: set = set()


class _Unsupported(Exception):
    """A layer the vectorised evaluator cannot run (the evaluator then loops)."""

    def __init__(self, layer, reason):
        super().__init__(f"layer '{layer.name}' ({type(layer).__name__}) {reason}")
        self.layer = layer


class _Value:
    """An activation: ``tensor`` is ``(P * B, ...)`` when ``stacked`` (it depends on the
    individual), else ``(B, ...)``, shared by the whole population."""

    __slots__ = ("tensor", "stacked")

    def __init__(self, tensor, stacked):
        self.tensor = tensor
        self.stacked = stacked


class _Context:
    """One evaluation: the population size and the stacked weights by variable uid."""

    __slots__ = ("size", "stacked")

    def __init__(self, size, stacked):
        self.size = size
        self.stacked = stacked

    def weight(self, variable):
        return self.stacked.get(variable._uid, variable._value)

    def tile(self, value):
        """A shared activation repeated for every individual: ``(P * B, ...)``."""
        if value.stacked:
            return value.tensor
        array = value.tensor._value
        tiled = np.broadcast_to(array[None], (self.size, *array.shape))
        return wrap(tiled.reshape(self.size * array.shape[0], *array.shape[1:]))


class PopulationEvaluator:
    """Outputs and losses of every individual of a population of ``model``'s weights.

    ``loss`` is a Keras loss (name, function or object, or a list/dict per output as in
    ``compile``); by default the loss ``model`` was compiled with. ``vectorized`` tells
    whether the model runs in one pass for the whole population; ``unsupported`` names the
    layer that prevents it otherwise.
    """

    def __init__(self, model, loss=None, genome=None):
        _ensure_built(model)
        self.model = model
        self.genome = genome if genome is not None else Genome(model)
        self.compile_loss = _resolve_loss(model, loss)
        self._layers = _all_layers(model)
        self._penalties = [(v, reg) for layer in self._layers
                           for v, reg in layer._weight_regularizers]
        self._losses_none = {}
        self._tiles = {}
        self.unsupported = None
        try:
            self._run, _ = _compile(model, [False] * _input_count(model), self.genome)
        except _Unsupported as error:
            self._run = None
            self.unsupported = str(error)
            key = (type(error.layer).__name__, str(error))
            if key not in _warned:
                _warned.add(key)
                warnings.warn(f"ndflow.evolve: {error}, so the population is evaluated one "
                              f"individual at a time (slower)", stacklevel=2)

    @property
    def vectorized(self) -> bool:
        return self._run is not None

    # -- outputs -----------------------------------------------------------------------------
    def predict(self, population, x, batch_size=None):
        """The outputs of every individual: NumPy arrays ``(P, B, ...)`` (a structure of
        them for several outputs)."""
        if not self.vectorized:
            return self.predict_loop(population, x)
        p = len(population)
        parts = [nest.map_structure(lambda v: _per_individual(v, p), self._forward(
            population, xs)) for xs, _, _ in _chunks(x, None, None, batch_size, p)]
        return _concat(parts, axis=1)

    def predict_loop(self, population, x):
        """``predict`` by loading each individual into the model in turn (the reference)."""
        inputs = _tensors(x)
        outputs = []
        with _restoring(self.genome):
            for genes in population:
                self.genome.assign(genes)
                outputs.append(nest.map_structure(
                    lambda t: to_numpy(t._value), self.model(inputs, training=False)))
        return nest.map_structure(lambda *a: np.stack(a), *outputs)

    # -- losses ------------------------------------------------------------------------------
    def loss(self, population, x, y, sample_weight=None, batch_size=None) -> np.ndarray:
        """Each individual's training loss on ``(x, y)`` (compiled loss plus weight
        penalties), as a ``(P,)`` float64 array."""
        self._require_loss()
        if not self.vectorized:
            return self.loss_loop(population, x, y, sample_weight)
        p = len(population)
        n = _num_samples(x)
        total = np.zeros(p)
        for xs, ys, ws in _chunks(x, y, sample_weight, batch_size, p):
            outputs = self._forward(population, xs)
            total += self._data_loss(outputs, ys, ws, p) * (_num_samples(xs) / n)
        return total + self._penalty(population)

    def loss_loop(self, population, x, y, sample_weight=None) -> np.ndarray:
        """``loss`` by loading each individual into the model in turn (the reference)."""
        self._require_loss()
        inputs = _tensors(x)
        out = np.empty(len(population))
        with _restoring(self.genome):
            for i, genes in enumerate(population):
                self.genome.assign(genes)
                y_pred = self.model(inputs, training=False)
                value = float(self.compile_loss(y, y_pred, sample_weight))
                for layer in self._layers:
                    value += sum(float(reg(v)) for v, reg in layer._weight_regularizers)
                    value += sum(float(extra) for extra in layer._activity_losses)
                out[i] = value
        return out

    def _require_loss(self):
        if self.compile_loss is None:
            raise ValueError(f"No loss to evaluate model '{self.model.name}' with: compile the "
                             f"model with a loss or pass loss=...")

    # -- the vectorised pass -----------------------------------------------------------------
    def _forward(self, population, x):
        stacked = dict(zip((v._uid for v in self.genome.variables),
                           self.genome.unstack(population)))
        ctx = _Context(len(population), stacked)
        flat = nest.flatten(x) if nest.is_nested(x) else [x]
        return self._run([_Value(wrap(a), False) for a in flat], {}, ctx)

    def _data_loss(self, outputs, y, sample_weight, p):
        total = np.zeros(p)
        ctx = _Context(p, {})
        for fn, y_true, y_pred, weight in _loss_terms(self.compile_loss, y, outputs):
            pred = ctx.tile(y_pred)
            target = as_target(wrap(self._tile(y_true, p)), pred)
            weights = None if sample_weight is None else wrap(self._tile(sample_weight, p))
            values = self._loss_none(fn)(target, pred, sample_weight=weights)
            total += to_numpy(values._value).reshape(p, -1).mean(axis=1, dtype=np.float64) * weight
        return total

    def _loss_none(self, fn):
        """``fn`` with ``reduction='none'``: the per-sample losses."""
        clone = self._losses_none.get(id(fn))
        if clone is None:
            clone = copy.copy(fn)
            clone.reduction = "none"
            self._losses_none[id(fn)] = clone
        return clone

    def _tile(self, array, p):
        """``array`` repeated for ``p`` individuals, ``(p * B, ...)``, cached per array."""
        array = _as_array(array)
        key = (id(array), p)
        hit = self._tiles.get(key)
        if hit is not None and hit[0] is array:
            return hit[1]
        if array.ndim == 2:  # feature-major, as the Dense outputs it meets
            tiled = np.empty((array.shape[1], p, array.shape[0]), dtype=array.dtype)
            tiled[...] = array.T[:, None, :]
            tiled = tiled.transpose(1, 2, 0).reshape(p * array.shape[0], array.shape[1])
        else:
            tiled = np.broadcast_to(array[None], (p, *array.shape)).reshape(
                p * array.shape[0], *array.shape[1:])
        if len(self._tiles) > 16:
            self._tiles.clear()
        self._tiles[key] = (array, tiled)
        return tiled

    def _penalty(self, population):
        """Each individual's weight penalties (regularizers), ``(P,)``."""
        total = np.zeros(len(population))
        if not self._penalties:
            return total
        stacked = dict(zip((v._uid for v in self.genome.variables),
                           self.genome.unstack(population)))
        for v, reg in self._penalties:
            w = stacked.get(v._uid)
            if w is None:  # a frozen weight: the same penalty for everyone
                total += float(reg(v))
            elif type(reg) in _VECTOR_PENALTIES:
                axes = tuple(range(1, w.ndim))
                w = w.astype(np.float64)
                total += getattr(reg, "l1", 0.0) * np.abs(w).sum(axis=axes)
                total += getattr(reg, "l2", 0.0) * np.square(w).sum(axis=axes)
            else:
                total += [float(reg(wrap(np.ascontiguousarray(wi)))) for wi in w]
        return total


# -- turning a model into a vectorised function -------------------------------------------------
def _compile(layer, stacked_inputs, genome):
    """``(run, stacked)``: ``run(args, kwargs, ctx)`` computes ``layer`` for the population
    (``stacked`` tells whether its output depends on the individual)."""
    if type(layer) is Sequential:
        return _sequential(layer, any(stacked_inputs), genome)
    if type(layer) is Functional:
        return _functional(layer, stacked_inputs, genome)
    evolved = any(v._uid in genome.index for v in layer.weights)
    if getattr(layer, "activity_regularizer", None) is not None and (
            evolved or any(stacked_inputs)):
        raise _Unsupported(layer, "has an activity regularizer")
    if not evolved and not any(stacked_inputs):
        return _shared_call(layer), False
    if type(layer) is keras_layers.Dense:
        return _dense(layer), True
    if isinstance(layer, _PER_SAMPLE) and not evolved and _per_sample_call_ok(layer):
        return _per_sample_call(layer), True
    raise _Unsupported(layer, "cannot be evaluated for the whole population at once")


def _per_sample_call_ok(layer):
    # concatenating along the batch axis would mix the individuals
    return getattr(layer, "axis", -1) != 0


def _sequential(model, stacked, genome):
    steps = []
    for layer in model.layers:
        run, stacked_out = _compile(layer, [stacked], genome)
        steps.append(run)
        stacked = stacked or stacked_out
    rank = len(model._input_layer.batch_shape) if model._input_layer is not None else None

    def run(args, kwargs, ctx):
        value = args[0]
        if rank is not None and not value.stacked:
            value = _Value(match_rank(value.tensor, rank), False)
        for step in steps:
            value = step((value,), {}, ctx)
        return value

    return run, stacked


def _functional(model, stacked_inputs, genome):
    stacked = {id(t): s for t, s in zip(model.inputs, stacked_inputs)}
    steps = []
    for node in model._nodes:
        inputs_stacked = [stacked[id(t)] for t in node.input_tensors]
        run, stacked_out = _compile(node.layer, inputs_stacked, genome)
        for t in node.output_tensors:
            stacked[id(t)] = stacked_out or any(inputs_stacked)
        steps.append((node, run))
    outputs_stacked = any(stacked[id(t)] for t in model.outputs)

    def run(args, kwargs, ctx):
        flat = nest.flatten(list(args))
        env = {}
        for t, value in zip(model.inputs, flat):
            env[id(t)] = value if value.stacked else _Value(match_rank(value.tensor, t.ndim),
                                                            False)
        for node, step in steps:
            node_args, node_kwargs = nest.map_structure(
                lambda t: env[id(t)] if isinstance(t, KerasTensor) else t,
                (list(node.args), dict(node.kwargs)))
            out = step(node_args, node_kwargs, ctx)
            for t, value in zip(node.output_tensors, nest.flatten(out)):
                env[id(t)] = value
        return nest.map_structure(lambda t: env[id(t)], model._outputs_struct)

    return run, outputs_stacked


def _is_value(x):
    return isinstance(x, _Value)


def _shared_call(layer):
    """A layer that neither evolves nor sees individual data: called once, as itself."""
    def run(args, kwargs, ctx):
        tensors, kw = nest.map_structure(lambda v: v.tensor if _is_value(v) else v,
                                         (list(args), dict(kwargs)))
        kw.setdefault("training", False)
        out = layer(*tensors, **kw)
        return nest.map_structure(lambda t: _Value(t, False), out)

    return run


def _per_sample_call(layer):
    """A weightless per-sample layer: called once on every individual's rows together."""
    def run(args, kwargs, ctx):
        tensors, kw = nest.map_structure(lambda v: ctx.tile(v) if _is_value(v) else v,
                                         (list(args), dict(kwargs)))
        kw.setdefault("training", False)  # Dropout and GaussianNoise: identity
        out = layer(*tensors, **kw)
        return nest.map_structure(lambda t: _Value(t, True), out)

    return run


def _dense(layer):
    """Dense for the population: ``activation(x @ kernel + bias)`` as one batched matmul.

    The result is laid out feature-major (the ``(P * B, units)`` array is Fortran-ordered):
    the same values, but NumPy reduces over a short last axis (softmax, cross-entropy)
    tens of times faster in that layout, and the next Dense reads it without a copy.
    """
    def run(args, kwargs, ctx):
        x = args[0]
        kernel = ctx.weight(layer.kernel)  # (P, in, units), or (in, units) when frozen
        array = x.tensor._value
        if array.dtype != kernel.dtype:
            array = array.astype(kernel.dtype)
        if array.shape[-1] != kernel.shape[-2]:
            check_last_dimension(layer, tuple(array.shape), kernel.shape[-2])
        p, lead, units = ctx.size, array.shape[:-1], layer.units
        if x.stacked:
            a, rows = array.reshape(p, -1, array.shape[-1]), lead[0]
        else:
            a, rows = array.reshape(-1, array.shape[-1]), lead[0] * p
        z = np.empty((units, p, a.shape[-2]), dtype=kernel.dtype)
        np.matmul(kernel.swapaxes(-1, -2), a.swapaxes(-1, -2), out=z.transpose(1, 0, 2))
        if layer.bias is not None:
            bias = ctx.weight(layer.bias)
            z += bias.T[:, :, None] if bias.ndim == 2 else bias[:, None, None]
        z = z.transpose(1, 2, 0).reshape(rows, *lead[1:], units)
        return _Value(layer.activation(wrap(z)), True)

    return run


# -- losses --------------------------------------------------------------------------------------
def _resolve_loss(model, loss):
    if loss is not None:
        return CompileLoss(loss, output_names=getattr(model, "output_names", None))
    if getattr(model, "compiled", False) and model._compile_loss.losses is not None:
        return model._compile_loss
    return None


def _loss_terms(compile_loss, y_true, y_pred):
    """``(loss, target, prediction, weight)`` per output, as ``CompileLoss`` pairs them."""
    losses, weights = compile_loss.losses, compile_loss.loss_weights
    if not isinstance(losses, (list, dict)):
        return [(losses, y_true, y_pred, 1.0)]
    if isinstance(losses, dict):
        names = compile_loss.output_names
        return [(fn, y_true[k], y_pred[k] if isinstance(y_pred, dict)
                 else nest.flatten(y_pred)[names.index(k)], (weights or {}).get(k, 1.0))
                for k, fn in losses.items() if fn is not None]
    trues, preds = nest.flatten(y_true), nest.flatten(y_pred)
    weights = list(weights or [1.0] * len(losses))
    return [(fn, t, p, w) for fn, t, p, w in zip(losses, trues, preds, weights)
            if fn is not None]


# -- helpers -----------------------------------------------------------------------------------
def _ensure_built(model):
    if not model.built or not model.weights:
        raise ValueError(f"Model '{model.name}' is not built: give it an Input (or "
                         f"input_shape) or call it once on data before evolving it")


def _input_count(model):
    return len(model.inputs) if type(model) is Functional else 1


def _all_layers(model):
    """The model and every layer inside it, each once."""
    out, seen, stack = [], set(), [model]
    while stack:
        layer = stack.pop()
        if id(layer) not in seen:
            seen.add(id(layer))
            out.append(layer)
            stack.extend(reversed(layer._sublayers()))
    return out


def _as_array(value):
    if isinstance(value, Tensor):
        return to_numpy(value._value)
    return value if hasattr(value, "shape") else np.asarray(value)


def _tensors(x):
    """Data as the tensors a model call takes."""
    if nest.is_nested(x):
        return nest.map_structure(lambda a: wrap(_as_array(a)), x)
    return wrap(_as_array(x))


def _num_samples(x):
    return int(_as_array(nest.flatten(x)[0] if nest.is_nested(x) else x).shape[0])


def _chunks(x, y, sample_weight, batch_size, p):
    """Slices of the data of at most ``batch_size`` samples (by default as many as keep
    ``p * samples`` under ``_MAX_ROWS``)."""
    n = _num_samples(x)
    size = int(batch_size) if batch_size else max(1, _MAX_ROWS // max(p, 1))
    x, y, sample_weight = (None if part is None else nest.map_structure(_as_array, part)
                           for part in (x, y, sample_weight))
    if size >= n:
        yield x, y, sample_weight
        return
    for start in range(0, n, size):
        def take(a, part=slice(start, start + size)):
            return a[part]

        yield tuple(None if v is None else nest.map_structure(take, v)
                    for v in (x, y, sample_weight))


def _per_individual(value, p):
    """A population output as a NumPy ``(P, B, ...)`` array."""
    array = to_numpy(value.tensor._value)
    if not value.stacked:
        return np.broadcast_to(array[None], (p, *array.shape))
    return array.reshape(p, array.shape[0] // p, *array.shape[1:])


def _concat(parts, axis):
    if len(parts) == 1:
        return parts[0]
    return nest.map_structure(lambda *a: np.concatenate(a, axis=axis), *parts)


class _restoring:
    """Put the model's weights back after trying individuals in it."""

    def __init__(self, genome):
        self.genome = genome

    def __enter__(self):
        self.saved = [v._value for v in self.genome.variables]

    def __exit__(self, *exc):
        for v, value in zip(self.genome.variables, self.saved):
            v._value = value
