"""Layer: the base of every Keras layer and model.

Configuration goes in ``__init__``, weights are created in ``build(input_shape)`` (called
on the first call, when the input shape is known), the math lives in ``call``.
``__call__`` adds what every layer shares: building, casting inputs to the layer's dtype,
activity regularization and, for symbolic inputs (``keras.Input``), recording the call
in the functional graph.
"""

import functools
import inspect
import re

import numpy as np

from ndflow.autodiff.primitive import graph_tracer, run_on_arrays, state
from ndflow.backend.config import floatx
from ndflow.core import nest
from ndflow.core.convert import convert_to_tensor
from ndflow.core.dtypes import as_dtype, to_np_dtype
from ndflow.core.errors import InvalidArgumentError
from ndflow.core.tensor import Tensor, wrap
from ndflow.core.variable import Variable
from ndflow.keras import constraints as constraints_module
from ndflow.keras import initializers as initializers_module
from ndflow.keras import regularizers as regularizers_module
from ndflow.keras.keras_tensor import KerasTensor
from ndflow.keras.layers import naming, serialization
from ndflow.keras.layers.symbolic import symbolic_call
from ndflow.ops.cast import cast


def to_snake_case(name: str) -> str:
    """``LeakyReLU`` -> ``leaky_re_lu``, ``Conv2D`` -> ``conv2d`` (Keras's default names)."""
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


class Layer:
    """Base class of layers, as ``keras.layers.Layer``.

    >>> class Scale(Layer):
    ...     def build(self, input_shape):
    ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
    ...     def call(self, inputs):
    ...         return inputs * self.w
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        serialization.register(cls)

    def __init__(self, trainable=True, name=None, dtype=None, activity_regularizer=None,
                 input_shape=None, input_dim=None, batch_input_shape=None, batch_size=None,
                 **kwargs):
        if kwargs:
            raise TypeError(f"{type(self).__name__} got unexpected keyword arguments "
                            f"{sorted(kwargs)}")
        self._tracking = True
        self.name = name if name is not None else naming.unique(to_snake_case(
            type(self).__name__))
        self._created_trainable = []  # weights made with trainable=True (see `trainable`)
        self._created_non_trainable = []
        self._trainable = bool(trainable)
        self._dtype = as_dtype(dtype).name if dtype is not None else None
        self.activity_regularizer = regularizers_module.get(activity_regularizer)
        self.built = False
        self.supports_masking = False
        self._weight_regularizers = []  # (variable, regularizer)
        self._activity_losses = []
        self._inbound_nodes = []
        # Sequential models read the input shape given to their first layer.
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            self._batch_input_shape = tuple(batch_input_shape)
        elif input_shape is not None:
            self._batch_input_shape = (batch_size, *tuple(input_shape))
        else:
            self._batch_input_shape = None

    # -- dtype ---------------------------------------------------------------------------
    @property
    def dtype(self) -> str:
        """The dtype of the layer's weights and computations (floatx unless set)."""
        return self._dtype or floatx()

    @property
    def compute_dtype(self) -> str:
        return self.dtype

    @property
    def variable_dtype(self) -> str:
        return self.dtype

    # -- weights -------------------------------------------------------------------------
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True,
                   regularizer=None, constraint=None, name=None, **kwargs):
        """Create a weight (a Variable) owned by this layer and return it."""
        shape = () if shape is None else tuple(int(d) for d in shape)
        dtype = as_dtype(dtype or self.dtype).name
        if initializer is None:
            initializer = "glorot_uniform" if as_dtype(dtype).is_floating else "zeros"
        init = initializers_module.get(initializer)
        value = init(shape, dtype=dtype)
        variable = Variable(value, trainable=trainable and self.trainable,
                            name=name or "variable", dtype=dtype,
                            constraint=constraints_module.get(constraint))
        (self._created_trainable if trainable else self._created_non_trainable).append(variable)
        regularizer = regularizers_module.get(regularizer)
        if regularizer is not None:
            self._weight_regularizers.append((variable, regularizer))
        return variable

    def _sublayers(self):
        """Layers held as attributes, directly or in lists, tuples and dicts (in order)."""
        found, seen = [], set()
        for value in self.__dict__.values():
            for item in _walk(value):
                if isinstance(item, Layer) and item is not self and id(item) not in seen:
                    seen.add(id(item))
                    found.append(item)
        return found

    # Weights are ordered as in Keras 3: the layer's own (trainable, then non-trainable),
    # then each sublayer's in turn. Freezing a layer (``trainable = False``) marks the
    # weights it created as trainable as non-trainable, in it and all its sublayers.
    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for v in self._created_trainable:
            v.trainable = self._trainable
        for layer in self._sublayers():
            layer.trainable = self._trainable

    @property
    def weights(self) -> list:
        """All weights of the layer and its sublayers."""
        own = self._created_trainable + self._created_non_trainable
        return _unique(own + [w for layer in self._sublayers() for w in layer.weights])

    @property
    def variables(self) -> list:
        return self.weights

    @property
    def trainable_weights(self) -> list:
        """Weights updated by training."""
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self) -> list:
        """Weights training leaves alone (all of them while the layer is frozen)."""
        return [v for v in self.weights if not v.trainable]

    @property
    def trainable_variables(self) -> list:
        return self.trainable_weights

    @property
    def non_trainable_variables(self) -> list:
        return self.non_trainable_weights

    def get_weights(self) -> list:
        """The weights' values as NumPy arrays, in the order of ``weights``."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights) -> None:
        """Set the weights from NumPy arrays in the order of ``weights`` (shapes checked)."""
        params = self.weights
        weights = list(weights)
        if len(weights) != len(params):
            raise ValueError(
                f"Layer '{self.name}' expected {len(params)} weights, but received "
                f"{len(weights)}. It has weights "
                f"{[(v.name, tuple(v.shape)) for v in params]}.")
        arrays = []
        for v, w in zip(params, weights):
            arr = np.asarray(w)
            if tuple(arr.shape) != tuple(v.shape):
                raise ValueError(
                    f"Layer '{self.name}' weight '{v.name}' has shape {tuple(v.shape)}, but "
                    f"the value given for it has shape {tuple(arr.shape)}.")
            arrays.append(arr)
        for v, arr in zip(params, arrays):  # only after every shape was checked
            v.assign(arr.astype(v.dtype.np_dtype, copy=False))

    def count_params(self) -> int:
        """The number of scalars in all weights."""
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on layer '{self.name}', but the "
                             "layer isn't built. Call it on data or build it first.")
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    # -- losses --------------------------------------------------------------------------
    @property
    def losses(self) -> list:
        """Regularization losses: weight penalties (current values) and activity penalties
        from the last call, of this layer and its sublayers."""
        out = [reg(v) for v, reg in self._weight_regularizers]
        out.extend(self._activity_losses)
        for layer in self._sublayers():
            out.extend(layer.losses)
        return out

    def add_loss(self, loss) -> None:
        """Add a loss tensor (e.g. an activity penalty) computed during ``call``."""
        self._activity_losses.append(loss)

    # -- building and calling ------------------------------------------------------------
    def build(self, input_shape) -> None:
        """Create the weights, knowing the input shape. The base class creates none."""
        self.built = True

    def call(self, inputs, *args, **kwargs):
        """The layer's computation. Subclasses override it."""
        return inputs

    def compute_output_shape(self, input_shape):
        """The output shape for an input shape; by default found by a trial call."""
        raise NotImplementedError

    def compute_mask(self, inputs, mask=None):
        """The mask the outputs carry: the input mask if the layer supports masking."""
        return mask if self.supports_masking else None

    def _maybe_build(self, shapes, args=(), kwargs=None):
        """Build from the first input's ``shapes``; a ``build(self, a_shape, b_shape)``
        naming several ``<arg>_shape`` parameters gets each call argument's shape, as in
        Keras 3."""
        if not self.built:
            names = _build_arguments(type(self))
            if names and (len(args) > 1 or kwargs):
                self.build(**_named_shapes(type(self), names, shapes, args, kwargs or {}))
            else:
                self.build(shapes)
            self.built = True

    def __call__(self, *args, **kwargs):
        first = args[0] if args else None
        if type(first) is Tensor and len(args) == 1 and not (kwargs and _symbolic(kwargs)):
            # the common case of one concrete tensor, already in the layer's dtype
            dtype = first._value.dtype
            inputs = first if dtype.kind != "f" or dtype == to_np_dtype(self.compute_dtype) \
                else self._convert_inputs(first)
        else:
            if any(isinstance(t, KerasTensor) for t in nest.flatten((args, kwargs))):
                return symbolic_call(self, args, kwargs)
            if not args:
                raise ValueError(f"Layer '{self.name}' was called without inputs")
            inputs = self._convert_inputs(first)
        if not self.built:
            self._maybe_build(_shapes(inputs), args, kwargs)
        self._activity_losses = []
        mask = getattr(first, "_keras_mask", None) if type(first) is Tensor \
            else _input_mask(first)
        if mask is None and type(self).compute_mask is _BASE_COMPUTE_MASK \
                and "mask" not in kwargs:
            outputs = self.call(inputs, *args[1:],
                                **(self._call_kwargs(kwargs) if kwargs else {}))
        else:
            outputs = self._call_with_mask(inputs, args, kwargs, mask)
        if self.activity_regularizer is not None:
            for out in nest.flatten(outputs):  # not divided by the batch size, as Keras 3
                self._activity_losses.append(self.activity_regularizer(out))
        return outputs

    def _call_with_mask(self, inputs, args, kwargs, mask):
        """``call`` with the input's mask (unless one was passed), then mask the outputs."""
        if mask is not None and "mask" not in kwargs \
                and "mask" not in _dropped_arguments(type(self)):
            kwargs = {**kwargs, "mask": mask}
        outputs = self.call(inputs, *args[1:], **(self._call_kwargs(kwargs) if kwargs else {}))
        out_mask = self.compute_mask(inputs, kwargs.get("mask", mask))
        if out_mask is not None:
            _set_masks(outputs, out_mask)
        return outputs

    def _call_kwargs(self, kwargs):
        """Drop ``training``/``mask`` when ``call`` does not accept them, as Keras does."""
        dropped = _dropped_arguments(type(self))
        if not dropped:
            return kwargs
        if len(kwargs) == 1:  # usually just `training`, passed down by a model
            return _NO_KWARGS if next(iter(kwargs)) in dropped else kwargs
        return {k: v for k, v in kwargs.items() if k not in dropped}

    def _convert_inputs(self, inputs):
        """Tensors from NumPy data; floating inputs cast to the layer's dtype."""
        dtype = np.dtype(self.compute_dtype)

        def convert(x):
            if x is None:
                return None
            t = x if isinstance(x, Tensor) else convert_to_tensor(x)
            own = t._value.dtype
            if own.kind == "f" and own != dtype:
                t = cast(t, dtype)
            return t

        return nest.map_structure(convert, inputs) if nest.is_nested(inputs) else convert(inputs)

    # -- configuration -------------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments that rebuild this layer (without its weights)."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers_module.serialize(
                self.activity_regularizer)
        if self._batch_input_shape is not None:
            config["batch_input_shape"] = list(self._batch_input_shape)
        return config

    @classmethod
    def from_config(cls, config):
        """Create a layer from ``get_config()``'s output."""
        return cls(**config)

    # -- symbolic helpers ----------------------------------------------------------------
    @property
    def input(self):
        """The symbolic input of the layer's first functional call."""
        if not self._inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called on a symbolic "
                                 "input, so it has no defined input")
        ins = self._inbound_nodes[0].input_tensors
        return ins[0] if len(ins) == 1 else ins

    @property
    def output(self):
        """The symbolic output of the layer's first functional call."""
        if not self._inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called on a symbolic "
                                 "input, so it has no defined output")
        return self._inbound_nodes[0].outputs

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


serialization.register(Layer)
_BASE_COMPUTE_MASK = Layer.compute_mask


def _unique(variables):
    """Drop repeats (a weight shared by two sublayers), keeping the first place."""
    seen = set()
    return [v for v in variables if not (id(v) in seen or seen.add(id(v)))]


def _walk(value):
    if isinstance(value, (list, tuple)):
        for v in value:
            yield from _walk(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _walk(v)
    else:
        yield value


def _input_mask(inputs):
    """The masks riding on a structure of inputs (None when none has one)."""
    if not nest.is_nested(inputs):
        return getattr(inputs, "_keras_mask", None)
    masks = [getattr(t, "_keras_mask", None) for t in nest.flatten(inputs)]
    if all(m is None for m in masks):
        return None
    return nest.pack_sequence_as(inputs, masks)


def _set_masks(outputs, masks):
    """Attach masks to the outputs that have none yet (as Keras, a layer's own wins)."""
    if isinstance(outputs, Tensor):
        if isinstance(masks, Tensor) and getattr(outputs, "_keras_mask", None) is None:
            outputs._keras_mask = masks
        return
    flat_masks = nest.flatten(masks) if nest.is_nested(masks) else [masks]
    for out, m in zip(nest.flatten(outputs), flat_masks):
        if isinstance(out, Tensor) and isinstance(m, Tensor) \
                and getattr(out, "_keras_mask", None) is None:
            out._keras_mask = m


def _shapes(inputs):
    return nest.map_structure(lambda t: None if t is None else tuple(t.shape), inputs) \
        if nest.is_nested(inputs) else tuple(inputs.shape)


def computes_on_arrays(call):
    """Mark a ``call`` that computes with NumPy or Python (preprocessing of strings and
    indices) rather than ndflow ops: under ``ndflow.function`` it runs as one graph node
    on each call's input array, instead of being captured as a constant."""
    @functools.wraps(call)
    def traced_call(self, inputs, *args, **kwargs):
        if not state.recorders or graph_tracer() is None:
            return call(self, inputs, *args, **kwargs)

        def run(array):
            saved = state.recorders
            state.recorders = []
            try:
                return call(self, wrap(array), *args, **kwargs)._value
            finally:
                state.recorders = saved

        array = inputs._value if isinstance(inputs, Tensor) else np.asarray(inputs)
        return wrap(run_on_arrays(f"{self.name}.call", run, array, data_dependent_shape=True))

    return traced_call


_BUILD_ARGS: dict = {}


def _build_arguments(cls):
    """The call arguments named by ``cls.build``'s ``<arg>_shape`` parameters, when it
    has more than one (else None)."""
    names = _BUILD_ARGS.get(cls, False)
    if names is False:
        params = list(inspect.signature(cls.build).parameters.values())[1:]
        names = None
        if len(params) > 1 and all(p.name.endswith("_shape") for p in params):
            names = tuple(p.name[:-len("_shape")] for p in params)
        _BUILD_ARGS[cls] = names
    return names


def _named_shapes(cls, names, first_shapes, args, kwargs) -> dict:
    """``{'<arg>_shape': shape}`` for the call arguments ``build`` names; the first
    parameter falls back to the first input's shapes."""
    try:
        given = inspect.signature(cls.call).bind_partial(None, *args, **kwargs).arguments
    except TypeError:
        given = {}
    shapes = {}
    for i, name in enumerate(names):
        if name in given and given[name] is not None:
            shapes[f"{name}_shape"] = nest.map_structure(
                lambda t: None if t is None else tuple(np.shape(t) if not hasattr(t, "shape")
                                                       else t.shape), given[name])
        elif i == 0:
            shapes[f"{name}_shape"] = first_shapes
    return shapes


def _symbolic(kwargs) -> bool:
    """True when a keyword argument is a KerasTensor (a functional call)."""
    return any(isinstance(v, KerasTensor) for v in kwargs.values())


_DROPPED_ARGS: dict = {}
_NO_KWARGS: dict = {}  # never modified: only ever unpacked into call()


def _dropped_arguments(cls) -> tuple:
    """Of ``training`` and ``mask``, those ``cls.call`` does not accept (it may take
    ``**kwargs``, accepting both)."""
    if cls not in _DROPPED_ARGS:
        params = inspect.signature(cls.call).parameters
        if any(p.kind is p.VAR_KEYWORD for p in params.values()):
            _DROPPED_ARGS[cls] = ()
        else:
            _DROPPED_ARGS[cls] = tuple(k for k in ("training", "mask") if k not in params)
    return _DROPPED_ARGS[cls]


def check_last_dimension(layer, shape, expected):
    """Raise the error Keras users expect when an input's last dimension is wrong."""
    got = shape[-1] if shape else None
    if got is not None and got != expected:
        raise InvalidArgumentError(
            f"Layer '{layer.name}' expects last dimension {expected}, got {got} "
            f"(input shape {tuple(shape)})")
