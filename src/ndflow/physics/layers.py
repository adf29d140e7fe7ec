"""Physics architectures: named trainable physical constants, and hybrid models that add
a network's correction to a known physical model.

>>> constants = PhysicalConstants({"g": 9.0, "v0": 15.0}, constraints="non_neg")
>>> height = constants["v0"] * t - constants["g"] * t ** 2 / 2   # both take part in training
>>> model = HybridModel(physical_model, network)                   # F(x) = rho(x) + G(x)
"""

from __future__ import annotations

import numbers

from ndflow.autodiff.engine_ops import broadcast_to, reshape, stack
from ndflow.core.tensor import Tensor
from ndflow.keras import constraints as constraints_module
from ndflow.keras.initializers import Constant
from ndflow.keras.layers.layer import Layer
from ndflow.keras.layers.serialization import deserialize_layer, serialize_layer
from ndflow.keras.models.model import Model
from ndflow.ops.array import concat
from ndflow.ops.math import clip_by_value

__all__ = ["Bounds", "HybridModel", "PhysicalConstants"]


class Bounds(constraints_module.Constraint):
    """Keeps a weight inside ``[min_value, max_value]`` (either may be None: unbounded)."""

    def __init__(self, min_value=None, max_value=None):
        if min_value is not None and max_value is not None and min_value > max_value:
            raise ValueError(f"Bounds: min_value {min_value} is above max_value {max_value}")
        self.min_value = min_value
        self.max_value = max_value

    def __call__(self, w):
        lo = -float("inf") if self.min_value is None else self.min_value
        hi = float("inf") if self.max_value is None else self.max_value
        return clip_by_value(w, lo, hi)

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value}


class PhysicalConstants(Layer):
    """Named trainable scalars (g, v0, k, m ...) that take part in training.

    Read them as ``layer["g"]`` or ``layer.g`` (Variables usable in any expression);
    ``values()`` gives their current values as floats. ``constraints`` is one constraint
    for all (``"non_neg"``, a ``(min, max)`` pair, a Keras constraint) or a dict by name.
    Called on a batch, the layer returns the constants as a ``(batch, k)`` tensor, one row
    per example, so functional models can take them in.
    """

    def __init__(self, constants, constraints=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(constants, dict) or not constants:
            raise ValueError(f"PhysicalConstants: constants must be a non-empty dict "
                             f"{{name: initial value}}, got {constants!r}")
        self._initial = {}
        for name, value in constants.items():
            if not isinstance(name, str) or not name:
                raise ValueError(f"PhysicalConstants: names must be non-empty strings, got "
                                 f"{name!r}")
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ValueError(f"PhysicalConstants: the initial value of {name!r} must be a "
                                 f"number, got {value!r}")
            self._initial[name] = float(value)
        self._constraint_specs = _constraint_specs(constraints, self._initial)
        self._constants = {
            name: self.add_weight(shape=(), initializer=Constant(value), name=name,
                                  constraint=_constraint(self._constraint_specs.get(name)))
            for name, value in self._initial.items()}
        self.built = True

    @property
    def names(self) -> list:
        """The constants' names, in order."""
        return list(self._constants)

    def __getitem__(self, name):
        try:
            return self._constants[name]
        except KeyError:
            raise KeyError(f"PhysicalConstants '{self.name}' has no constant {name!r}; it "
                           f"has {self.names}") from None

    def __getattr__(self, name):
        constants = self.__dict__.get("_constants")
        if constants is not None and name in constants:
            return constants[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def __contains__(self, name):
        return name in self._constants

    def values(self) -> dict:
        """The current values, ``{name: float}``."""
        return {name: float(v.numpy()) for name, v in self._constants.items()}

    def call(self, inputs):
        row = reshape(stack(list(self._constants.values())), (1, len(self._constants)))
        return broadcast_to(row, (inputs.shape[0], len(self._constants)))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], len(self._constants))

    def get_config(self):
        config = super().get_config()
        config["constants"] = dict(self._initial)
        if self._constraint_specs:
            config["constraints"] = {k: _serialize_constraint(v)
                                     for k, v in self._constraint_specs.items()}
        return config

    def __repr__(self):
        values = ", ".join(f"{k}={v:.6g}" for k, v in self.values().items())
        return f"<PhysicalConstants name={self.name}: {values}>"


def _constraint_specs(constraints, initial) -> dict:
    """``{name: constraint spec}`` from one spec for all or a dict by name."""
    if constraints is None:
        return {}
    if isinstance(constraints, dict):
        unknown = set(constraints) - set(initial)
        if unknown:
            raise ValueError(f"PhysicalConstants: constraints name unknown constants "
                             f"{sorted(unknown)}; the constants are {list(initial)}")
        return {k: v for k, v in constraints.items() if v is not None}
    return dict.fromkeys(initial, constraints)


def _constraint(spec):
    if spec is None:
        return None
    if isinstance(spec, (list, tuple)):
        if len(spec) != 2:
            raise ValueError(f"PhysicalConstants: a bounds constraint is a (min, max) pair, "
                             f"got {spec!r}")
        return Bounds(*spec)
    return constraints_module.get(spec)


def _serialize_constraint(spec):
    if isinstance(spec, (str, list, tuple)):
        return list(spec) if isinstance(spec, tuple) else spec
    if isinstance(spec, Bounds):
        return [spec.min_value, spec.max_value]
    return constraints_module.serialize(spec)


class HybridModel(Model):
    """``F(x) = rho(x) + G(x; theta)``: a known physical model plus a trained correction.

    ``physical_model`` is any callable on Tensors (a Layer holding ``PhysicalConstants``
    trains them too); ``network`` is a Keras model. With ``physics_input=True`` the
    network sees the physical prediction as extra input features,
    ``G(concat([x, rho(x)]))``, as hybrid physics-data models do.
    """

    def __init__(self, physical_model, network, physics_input=False, **kwargs):
        super().__init__(**kwargs)
        if not callable(physical_model) or not callable(network):
            raise TypeError("HybridModel: physical_model and network must be callable "
                            "(a function or a layer, and a Keras model)")
        self.physical_model = physical_model
        self.network = network
        self.physics_input = bool(physics_input)

    def call(self, inputs):
        rho = self.physical_model(inputs)
        if not isinstance(rho, Tensor):
            raise TypeError(f"HybridModel '{self.name}': physical_model returned "
                            f"{type(rho).__name__}; it must compute with ndflow ops")
        features = concat([inputs, rho], axis=-1) if self.physics_input else inputs
        correction = self.network(features)
        if tuple(rho.shape) != tuple(correction.shape):
            raise ValueError(f"HybridModel '{self.name}': the physical model gives shape "
                             f"{tuple(rho.shape)} but the network gives "
                             f"{tuple(correction.shape)}; they must match to be added")
        return rho + correction

    def get_config(self):
        if not isinstance(self.physical_model, Layer):
            raise NotImplementedError(
                f"HybridModel '{self.name}': a plain-function physical model cannot be "
                f"serialized; make it a Layer subclass with get_config, or save the weights")
        return {**super().get_config(),
                "physical_model": serialize_layer(self.physical_model),
                "network": serialize_layer(self.network),
                "physics_input": self.physics_input}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["physical_model"] = deserialize_layer(config["physical_model"], custom_objects)
        config["network"] = deserialize_layer(config["network"], custom_objects)
        return cls(**config)
