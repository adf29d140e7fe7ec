"""Optimizer: the base class of every optimizer, as ``keras.optimizers.Optimizer``.

An optimizer is ``build(var_list)`` (create its slots: moments, accumulators) plus
``update_step(gradient, variable, learning_rate)`` (one variable's update). The base class
does the rest of a step, in Keras 3's order: skip None gradients (warning once per
variable), scale and clip the gradients, apply decoupled weight decay, call
``update_step`` for each variable, count the step, update the moving averages, and
project each variable with its ``constraint``.

Update steps work on raw arrays: the gradient arrives as an array (``Tensor._value``),
slots are updated in place with ``out=`` buffers. The weight is updated in place only
when nothing but the variable holds its array (no tensor read from it, no view, no saved
residual: see ``_subtract``); otherwise it gets its new value as a new array, so tensors
read from it earlier keep their value. No tape records any of this.

The built-in optimizers write their formula once, in ``_compute(g, slots, b, c, lr)``,
on arrays of any shape, returning the step to subtract. When a step updates exactly the
variables the optimizer was built with (the usual ``zip(grads, model.trainable_weights)``)
and they share one dtype, the slots live in one flat array per kind (each slot Variable
holds a view into it) and ``_compute`` runs once over all weights at once: a few NumPy
calls per step instead of a few per weight, which is what small networks spend their
time on. Otherwise ``update_step`` runs ``_compute`` per variable.
"""

import math
import numbers
import operator
import re
import sys
import warnings

import numpy as np

from ndflow.autodiff.primitive import run_on_arrays
from ndflow.backend.config import floatx
from ndflow.core.tensor import Tensor
from ndflow.core.variable import Variable
from ndflow.keras.optimizers import schedules

__all__ = ["Optimizer"]

def _references(variable):
    """``sys.getrefcount`` of the variable's array, as seen from here."""
    value = variable._value
    return sys.getrefcount(value)


class _Holder:
    def __init__(self):
        self._value = np.empty(1)


# Weights below this many elements get a new array per step: cheaper than the checks.
_IN_PLACE_SIZE = 1 << 12

# The count of an array that only its variable holds, measured once on this interpreter
# (how many references the attribute, the local name and the call add is its business).
_UNSHARED = _references(_Holder())


def _unshared(variable):
    """Whether ``variable``'s array is a writeable NumPy array no one else holds.

    An array that owns its data and has no other reference has no views either (a view
    holds a reference to the array that owns its data), so writing into it cannot change
    a value anyone read before.
    """
    value = variable._value
    if type(value) is not np.ndarray or value.base is not None or not value.flags.writeable:
        return False
    del value  # not to be counted below
    return _references(variable) <= _UNSHARED


def _subtract(variable, delta):
    """``variable -= delta``: in place when the weight is large and no one else can see
    its array (saving an allocation and its page faults per step), else anew."""
    value = variable._value
    small = value.size < _IN_PLACE_SIZE or value.dtype != delta.dtype
    del value  # not to be counted by _unshared
    if not small and _unshared(variable):
        np.subtract(variable._value, delta, out=variable._value)
    else:
        variable._value = variable._value - delta


class Optimizer:
    """Base class of optimizers; subclasses define ``build`` and ``update_step``.

    >>> from ndflow.keras import optimizers
    >>> w = Variable([1.0, 2.0])
    >>> opt = optimizers.SGD(learning_rate=0.1)
    >>> opt.apply_gradients([(np.array([1.0, 1.0], np.float32), w)])
    >>> w.numpy()
    array([0.9, 1.9], dtype=float32)
    """

    # names of the per-variable slot lists that ``_compute`` receives, in order
    _slot_names = ()

    def __init__(self, learning_rate, weight_decay=None, clipnorm=None, clipvalue=None,
                 global_clipnorm=None, use_ema=False, ema_momentum=0.99,
                 ema_overwrite_frequency=None, loss_scale_factor=None,
                 gradient_accumulation_steps=None, name=None, **kwargs):
        learning_rate = self._legacy_arguments(learning_rate, kwargs)
        if sum(c is not None for c in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                f"Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}")
        for arg, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue),
                           ("global_clipnorm", global_clipnorm),
                           ("weight_decay", weight_decay),
                           ("loss_scale_factor", loss_scale_factor)):
            if value is not None and not _non_negative(value):
                raise ValueError(f"Argument `{arg}` must be a non-negative number. "
                                 f"Received: {arg}={value!r}")
        if gradient_accumulation_steps is not None and not (
                isinstance(gradient_accumulation_steps, int) and gradient_accumulation_steps > 0):
            raise ValueError(f"`gradient_accumulation_steps` must be a positive int. Received: "
                             f"gradient_accumulation_steps={gradient_accumulation_steps!r}")
        if not 0.0 <= ema_momentum <= 1.0:
            raise ValueError(f"`ema_momentum` must be in the range [0, 1]. "
                             f"Received: ema_momentum={ema_momentum}")
        self.name = name if name is not None else type(self).__name__.lower()
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = bool(use_ema)
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._variables = []  # slots, in creation order (saving relies on it)
        self._trainable_variables = []
        self._index = {}  # variable uid -> position in _trainable_variables
        self._buffers = None
        self._flat_g = None
        self._warned_none = set()
        self._exclude_ids = set()
        self._exclude_pattern = None
        self._decay_cache = {}
        self._iterations = Variable(np.asarray(0, dtype=np.int64), name="iteration",
                                    trainable=False)
        self._iterations_array = self._iterations._value
        self._step = 0
        self._lr_variable = None
        self._set_learning_rate(learning_rate)

    @staticmethod
    def _legacy_arguments(learning_rate, kwargs):
        """Accept TF 2's ``lr`` and ``decay`` (as tf.keras did, with a warning)."""
        if "lr" in kwargs:
            warnings.warn("The `lr` argument is deprecated, use `learning_rate` instead.",
                          stacklevel=3)
            learning_rate = kwargs.pop("lr")
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored; "
                          "use a learning rate schedule instead.", stacklevel=3)
        if kwargs:
            raise ValueError(f"Argument(s) not recognized: {kwargs}")
        return learning_rate

    # -- learning rate ----------------------------------------------------------------
    def _set_learning_rate(self, learning_rate):
        self._schedule_fast = False
        if isinstance(learning_rate, schedules.LearningRateSchedule):
            self._learning_rate = learning_rate
            # the built-in schedules compute on Python floats; others get the step Variable
            self._schedule_fast = (type(learning_rate)._value_at
                                   is not schedules.LearningRateSchedule._value_at
                                   and type(learning_rate).__call__
                                   is schedules.LearningRateSchedule.__call__)
        elif callable(learning_rate) and not isinstance(learning_rate, Tensor):
            self._learning_rate = learning_rate
        else:
            if isinstance(self._learning_rate_or_none(), schedules.LearningRateSchedule):
                raise TypeError(
                    "This optimizer was created with a `LearningRateSchedule` object as its "
                    "`learning_rate` constructor argument, hence its learning rate is not "
                    "settable. If you need the learning rate to be settable, you should "
                    "instantiate the optimizer with a float `learning_rate` argument.")
            # float64, so that the rate saved with the optimizer's state is the rate used
            value = np.asarray(float(learning_rate), dtype=np.float64)
            if self._lr_variable is None:
                self._lr_variable = Variable(value, name="learning_rate", trainable=False)
            else:
                self._lr_variable.assign(value)
            self._learning_rate = self._lr_variable
            self._lr_array = self._lr_variable._value
            self._lr_float = float(value)

    def _learning_rate_or_none(self):
        return getattr(self, "_learning_rate", None)

    @property
    def learning_rate(self):
        """The learning rate: a Variable (assignable), or a schedule's current value."""
        lr = self._learning_rate
        if lr is self._lr_variable:
            return lr
        if isinstance(lr, schedules.LearningRateSchedule):
            return lr(self._iterations)
        return lr()

    @learning_rate.setter
    def learning_rate(self, learning_rate):
        self._set_learning_rate(learning_rate)

    # tf.keras 2's name, still used by course code and callbacks written for it
    lr = learning_rate

    def _current_learning_rate(self):
        """The learning rate for this step, as a Python float."""
        lr = self._learning_rate
        if lr is self._lr_variable:
            array = lr._value
            if array is not self._lr_array:  # assigned from outside since last read
                self._lr_array = array
                self._lr_float = float(array)
            return self._lr_float
        if self._schedule_fast:
            return lr._value_at(self._step)
        if isinstance(lr, schedules.LearningRateSchedule):
            return float(lr(self._iterations))
        return float(lr())

    # -- step counter -----------------------------------------------------------------
    @property
    def iterations(self):
        """The number of update steps taken so far (an int64 Variable)."""
        return self._iterations

    def _sync_step(self):
        if self._iterations._value is not self._iterations_array:  # assigned from outside
            self._iterations_array = self._iterations._value
            self._step = int(self._iterations_array)
        return self._step

    def _count_step(self):
        self._step += 1
        self._iterations_array = np.int64(self._step)  # a NumPy scalar serves as a 0-d array
        self._iterations._value = self._iterations_array

    # -- variables --------------------------------------------------------------------
    @property
    def variables(self):
        """The optimizer's state: iterations, the learning rate (unless a schedule), slots."""
        head = [self._iterations]
        if self._learning_rate is self._lr_variable:
            head.append(self._lr_variable)
        return head + list(self._variables)

    def build(self, var_list):
        """Register the variables this optimizer will update (subclasses add slots)."""
        self._trainable_variables = list(var_list)
        self._index = {v._uid: i for i, v in enumerate(self._trainable_variables)}
        self._buffers = None  # made on first use, once the subclass has its slots
        self._flat_g = None
        if self.use_ema:
            self._averages = [self.add_variable_from_reference(v, "average")
                              for v in self._trainable_variables]
        if self.gradient_accumulation_steps:
            self._accumulated = [self.add_variable_from_reference(v, "gradient_accumulator")
                                 for v in self._trainable_variables]
        self.built = True

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none",
                     name=None):
        """Create an optimizer variable (a slot) and track it in ``variables``."""
        dtype = dtype or floatx()
        value = _initial_value(initializer, tuple(shape), np.dtype(dtype))
        variable = Variable(value, name=name or "optimizer_variable", trainable=False)
        self._variables.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """Create a slot of the reference variable's shape and dtype."""
        ref = reference_variable
        value = _initial_value(initializer, tuple(ref._value.shape), ref._value.dtype)
        variable = Variable(value, name=f"{ref.name}_{name or 'slot'}", trainable=False)
        self._variables.append(variable)
        return variable

    def _get_variable_index(self, variable):
        return self._index[variable._uid]

    def assign(self, variable, value):
        """Set ``variable`` to ``value`` (for update steps written with ops)."""
        variable.assign(value)

    def assign_add(self, variable, value):
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        variable.assign_sub(value)

    # -- weight decay -----------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        """Exempt variables (or those whose names match any of ``var_names``) from decay."""
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before "
                             "the optimizer is built.")
        self._exclude_ids = {v._uid for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None
        self._decay_cache = {}

    def _use_weight_decay(self, variable):
        uid = variable._uid
        use = self._decay_cache.get(uid)
        if use is None:
            use = uid not in self._exclude_ids and not (
                self._exclude_pattern is not None
                and self._exclude_pattern.search(variable.name) is not None)
            self._decay_cache[uid] = use
        return use

    def _apply_weight_decay(self, variables, learning_rate):
        # decoupled decay: w <- w - w * weight_decay * learning_rate, before the update
        factor = 1.0 - self.weight_decay * learning_rate
        for variable in variables:
            if self._use_weight_decay(variable):
                variable._value = variable._value * factor

    # -- one step ---------------------------------------------------------------------
    def update_step(self, gradient, variable, learning_rate):
        """Update one variable from its gradient (a raw array); subclasses define it
        (or ``_compute``)."""
        if type(self)._compute is Optimizer._compute:
            raise NotImplementedError(f"{type(self).__name__} must implement update_step()")
        if self._buffers is None:
            self._make_buffers()
        i = self._index[variable._uid]
        slots = tuple(lst[i]._value if lst else None for lst in self._slot_lists)
        delta = self._compute(gradient, slots, self._buffers[0][i], self._buffers[1][i],
                              learning_rate)
        _subtract(variable, delta)

    def _compute(self, g, slots, b, c, learning_rate):
        """The step for gradient ``g``: update ``slots`` in place and return the array
        to subtract from the weight (``b`` or ``c``, scratch arrays of ``g``'s shape)."""
        raise NotImplementedError

    def _make_buffers(self):
        """Scratch arrays, and the flat slot layout when every weight allows it."""
        self._slot_lists = [getattr(self, name) for name in self._slot_names]
        arrays = [v._value for v in self._trainable_variables]
        fusable = (type(self)._compute is not Optimizer._compute
                   and type(self).update_step is Optimizer.update_step and arrays
                   and all(type(a) is np.ndarray and a.dtype == arrays[0].dtype
                           for a in arrays))
        if not fusable:
            self._flat_g = None
            self._buffers = ([np.empty_like(a) for a in arrays],
                             [np.empty_like(a) for a in arrays])
            return
        bounds = np.cumsum([0] + [a.size for a in arrays])

        def views(flat):
            return [flat[lo:hi].reshape(a.shape)
                    for lo, hi, a in zip(bounds[:-1], bounds[1:], arrays)]

        self._flat_g = np.empty(bounds[-1], arrays[0].dtype)
        self._flat_b, self._flat_c = np.empty_like(self._flat_g), np.empty_like(self._flat_g)
        self._buffers = (views(self._flat_b), views(self._flat_c))
        self._flat_slots, self._flat_views = [], []
        for slot_variables in self._slot_lists:
            if not slot_variables:
                self._flat_slots.append(None)
                continue
            flat = np.concatenate([s._value for s in slot_variables], axis=None)
            slot_views = views(flat)
            for s, view in zip(slot_variables, slot_views):
                s._value = view
            self._flat_slots.append(flat)
            self._flat_views.append((slot_variables, slot_views))
        self._flat_slots = tuple(self._flat_slots)
        # every slot variable beside its view, for the per-step check in _update_flat
        self._slot_variables_flat = [s for variables, _ in self._flat_views for s in variables]
        self._slot_views_flat = [view for _, views_ in self._flat_views for view in views_]

    def apply_gradients(self, grads_and_vars):
        """Apply ``(gradient, variable)`` pairs: one update step; returns None."""
        pairs = list(grads_and_vars)
        self.apply([g for g, _ in pairs], [v for _, v in pairs])

    def apply(self, grads, trainable_variables=None):
        """Apply ``grads`` to ``trainable_variables`` (default: those it was built with)."""
        grads = list(grads)
        if trainable_variables is None:
            if not self.built:
                raise ValueError("When passing `grads` without `variables`, the optimizer "
                                 "must already be built on a list of variables. Call "
                                 "`optimizer.build(trainable_variables)` first.")
            variables = self._trainable_variables
        else:
            variables = list(trainable_variables)
        if len(grads) != len(variables):
            raise ValueError(f"{self.name}: got {len(grads)} gradients for "
                             f"{len(variables)} variables")
        if not grads:
            return
        if not self.built:
            self.build(variables)
        if self._buffers is None:
            self._make_buffers()
        arrays, kept = self._filter(grads, variables)
        if arrays is None:
            return
        sources = [g._value if isinstance(g, Tensor) else g for g in grads if g is not None]
        # inside ndflow.function the update is one graph node, run on every call
        run_on_arrays(f"{self.name}.apply", self._update_from, *sources, variables=kept,
                      effect=True)

    def _update_from(self, *gradients, variables):
        """One update step from raw gradients (converted to the variables' dtypes)."""
        arrays = [_gradient_array(g, v) for g, v in zip(gradients, variables)]
        self._sync_step()
        if self.gradient_accumulation_steps:
            arrays = self._accumulate(arrays, variables)
            if arrays is None:
                self._count_step()
                return
        self._apply_arrays(arrays, variables)

    def _filter(self, grads, variables):
        """Gradient arrays (in the variables' dtypes) and their variables, Nones dropped."""
        index = self._index
        arrays, kept, missing = [], [], None
        for g, v in zip(grads, variables):
            if not isinstance(v, Variable):
                raise TypeError(f"{self.name}: expected ndflow Variables to update, got "
                                f"{type(v).__name__} {v!r}")
            if v._uid not in index:
                raise ValueError(
                    f"Unknown variable: {v.name!r}. This optimizer can only be called for "
                    f"the variables it was originally built with. When working with a new "
                    f"set of variables, you should recreate a new optimizer instance.")
            if g is None:
                missing = missing or []
                missing.append(v)
                continue
            arrays.append(_gradient_array(g, v))
            kept.append(v)
        if missing:
            self._warn_missing(missing, kept)
        return (arrays, kept) if kept else (None, None)

    def _warn_missing(self, missing, kept):
        if not kept:
            raise ValueError(f"No gradients provided for any variable: "
                             f"{[v.name for v in missing]}")
        new = [v for v in missing if v._uid not in self._warned_none]
        if new:
            self._warned_none.update(v._uid for v in new)
            warnings.warn(
                f"Gradients do not exist for variables {[v.name for v in new]} when "
                f"minimizing the loss. If using `model.compile()`, did you forget to provide "
                f"a `loss` argument?", stacklevel=4)

    def _apply_arrays(self, arrays, variables):
        if self.loss_scale_factor is not None:
            arrays = [g / self.loss_scale_factor for g in arrays]
        if self.clipnorm or self.global_clipnorm or self.clipvalue:
            arrays = self._clip_gradients(arrays)
        learning_rate = self._current_learning_rate()
        if self.weight_decay:
            self._apply_weight_decay(variables, learning_rate)
        self._update_all(arrays, variables, learning_rate)
        if self.use_ema:
            self._update_moving_averages()
        self._count_step()
        for v in variables:
            if v.constraint is not None:
                v.assign(v.constraint(v))

    def _update_all(self, arrays, variables, learning_rate):
        built = self._trainable_variables
        if (self._flat_g is not None and len(variables) == len(built)
                and all(map(operator.is_, variables, built))):
            self._update_flat(arrays, variables, learning_rate)
            return
        update = self.update_step
        for g, v in zip(arrays, variables):
            update(g, v, learning_rate)

    def _update_flat(self, arrays, variables, learning_rate):
        slots, views = self._slot_variables_flat, self._slot_views_flat
        if not all(map(operator.is_, map(_VALUE, slots), views)):
            for s, view in zip(slots, views):
                if s._value is not view:  # assigned from outside (loading state)
                    view[...] = s._value
                    s._value = view
        g = np.concatenate(arrays, axis=None, out=self._flat_g)
        b = self._flat_b
        delta = self._compute(g, self._flat_slots, b, self._flat_c, learning_rate)
        for v, d in zip(variables, self._buffers[0] if delta is b else self._buffers[1]):
            _subtract(v, d)

    def _clip_gradients(self, arrays):
        if self.clipnorm:
            return [_clip_by_norm(g, self.clipnorm) for g in arrays]
        if self.global_clipnorm:
            norm = math.sqrt(sum(float(np.vdot(g, g)) for g in arrays))
            if norm <= self.global_clipnorm:
                return arrays
            scale = self.global_clipnorm / norm  # NaN norms give NaN gradients, as Keras
            return [g * scale for g in arrays]
        return [np.clip(g, -self.clipvalue, self.clipvalue) for g in arrays]

    def _accumulate(self, arrays, variables):
        """Add to the accumulators; on every n-th step return their means (and reset)."""
        accs = [self._accumulated[self._index[v._uid]] for v in variables]
        if (self._step + 1) % self.gradient_accumulation_steps:
            for g, acc in zip(arrays, accs):
                np.add(acc._value, g, out=acc._value)
            return None
        steps = self.gradient_accumulation_steps
        means = [(acc._value + g) / steps for g, acc in zip(arrays, accs)]
        for acc in accs:
            acc._value[...] = 0
        return means

    # -- moving averages (use_ema) ----------------------------------------------------
    def _update_moving_averages(self):
        # the first step copies the weights; later ones average
        momentum = self.ema_momentum if self._step else 0.0
        overwrite = (self.ema_overwrite_frequency
                     and (self._step + 1) % self.ema_overwrite_frequency == 0)
        for v, avg in zip(self._trainable_variables, self._averages):
            avg._value = avg._value * momentum + v._value * (1.0 - momentum)
            if overwrite:
                v._value = avg._value.copy()

    def finalize_variable_values(self, var_list):
        """With ``use_ema``, set the variables to their moving averages (end of fit)."""
        if self.use_ema:
            for v in var_list:
                avg = self._averages[self._index[v._uid]]
                v._value = avg._value.copy()

    # -- minimize ---------------------------------------------------------------------
    def minimize(self, loss, var_list, tape=None):
        """Compute the gradients of ``loss`` and apply them to ``var_list``.

        ``loss`` is a callable taking no arguments, or a tensor recorded on ``tape``;
        ``var_list`` is a list of variables or a callable returning one.
        """
        from ndflow.autodiff.tape import GradientTape

        if callable(loss):
            with GradientTape() as tape:
                if not callable(var_list):
                    for v in var_list:
                        tape.watch(v)
                loss = loss()
        elif tape is None:
            raise ValueError(f"`tape` is required when a `Tensor` loss is passed. "
                             f"Received: loss={loss!r}, tape=None.")
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        grads = tape.gradient(loss, var_list)
        self.apply_gradients(zip(grads, var_list))

    # -- saving -----------------------------------------------------------------------
    def save_own_variables(self, store):
        """Write the state arrays into ``store`` under keys "0", "1", ..."""
        for i, v in enumerate(self.variables):
            store[str(i)] = v.numpy()

    def load_own_variables(self, store):
        """Set the state from ``save_own_variables``'s store (build the optimizer first)."""
        variables = self.variables
        if len(store) != len(variables):
            warnings.warn(
                f"Skipping variable loading for optimizer '{self.name}', because it has "
                f"{len(variables)} variables whereas the saved optimizer has {len(store)} "
                f"variables.", stacklevel=2)
            return
        for i, v in enumerate(variables):
            v.assign(np.asarray(store[str(i)]).astype(v._value.dtype, copy=False))

    # -- config -----------------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments that rebuild this optimizer (state not included)."""
        lr = self._learning_rate
        if lr is self._lr_variable:
            learning_rate = self._current_learning_rate()
        elif isinstance(lr, schedules.LearningRateSchedule):
            learning_rate = schedules.serialize(lr)
        else:
            learning_rate = lr
        return {"name": self.name, "learning_rate": learning_rate,
                "weight_decay": self.weight_decay, "clipnorm": self.clipnorm,
                "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
                "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
                "ema_overwrite_frequency": self.ema_overwrite_frequency,
                "loss_scale_factor": self.loss_scale_factor,
                "gradient_accumulation_steps": self.gradient_accumulation_steps}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Create an optimizer from ``get_config()``'s output."""
        config = dict(config)
        config.pop("is_legacy_optimizer", None)  # written by TF 2.11+
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = schedules.deserialize(config["learning_rate"],
                                                            custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} learning_rate=" \
               f"{self._describe_lr()} iterations={self._sync_step()}>"

    def _describe_lr(self):
        lr = self._learning_rate
        return repr(self._current_learning_rate()) if lr is self._lr_variable else repr(lr)


def _non_negative(value):
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and value >= 0)


def _initial_value(initializer, shape, dtype):
    if isinstance(initializer, str):
        if initializer == "zeros":
            return np.zeros(shape, dtype)
        if initializer == "ones":
            return np.ones(shape, dtype)
        from ndflow.keras import initializers

        initializer = initializers.get(initializer)
    if isinstance(initializer, numbers.Number):
        return np.full(shape, initializer, dtype)
    value = initializer(shape, dtype=str(np.dtype(dtype)))
    return value._value if isinstance(value, Tensor) else np.asarray(value, dtype)


_VALUE = operator.attrgetter("_value")


def _gradient_array(g, variable):
    """The gradient as a raw array of the variable's shape and dtype."""
    array = g._value if isinstance(g, Tensor) else g
    target = variable._value
    if not hasattr(array, "dtype"):
        array = np.asarray(array, dtype=target.dtype)
    if array.shape != target.shape:
        raise ValueError(f"Gradient for variable {variable.name!r} has shape "
                         f"{tuple(array.shape)}, but the variable has shape "
                         f"{tuple(target.shape)}")
    if array.dtype != target.dtype:
        array = array.astype(target.dtype)
    return array


def _clip_by_norm(g, clipnorm):
    norm = math.sqrt(float(np.vdot(g, g)))
    return g if norm <= clipnorm else g * (clipnorm / norm)
