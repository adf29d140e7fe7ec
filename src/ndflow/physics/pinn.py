"""PINN: a physics-informed neural network, trained by ``compile``/``fit``.

The network ``u(x; theta)`` is trained so that the equation's residual vanishes at the
collocation points and the boundary and initial conditions hold. No data is needed, only
the equation and its conditions (data may enter as a ``DirichletBC`` at measured points).

>>> net = keras.Sequential([keras.Input((1,)), keras.layers.Dense(32, activation="tanh"),
...                         keras.layers.Dense(32, activation="tanh"), keras.layers.Dense(1)])
>>> pinn = PINN(net, residual=lambda t, u, d: d(0, 0) + u,          # u'' + u = 0
...             conditions=[InitialCondition([[0.0]], 1.0),          # u(0) = 1
...                         InitialCondition([[0.0]], 0.0, order=1)], # u'(0) = 0
...             collocation=uniform_grid([(0, 6)], 200))
>>> pinn.compile(optimizer=keras.optimizers.Adam(1e-3))
>>> history = pinn.fit(epochs=3000, verbose=0)  # loss, residual, ic, ic_1 per epoch
>>> u = pinn.predict(t)

The loss is ``sum_k w_k * mean(r_k ** 2)`` over the residual term(s) and the conditions,
with ``w_k`` from ``loss_weights`` (by term name) or the condition's own ``weight``; fit's
History records the total as ``loss`` and every term by its name.
"""

from __future__ import annotations

import copy
import numbers
import warnings

import numpy as np

from ndflow.autodiff.tape import GradientTape
from ndflow.core.tensor import Tensor
from ndflow.keras.models.model import Model
from ndflow.keras.trainers import data_adapter
from ndflow.physics.residual import Condition, points_for, residual_terms

__all__ = ["PINN"]


class PINN(Model):
    """A network trained on an equation's residual and its conditions.

    Args:
        network: the model ``u = network(x)`` for points ``x`` of shape ``(N, d)``.
        residual: ``residual(x, u, d) -> tensor`` (or a list or dict of tensors), zero where
            the equation holds; ``d`` gives derivatives (``d(0)``, ``d("x", "x")``, ...).
        conditions: :class:`Condition` objects (``DirichletBC``, ``NeumannBC``,
            ``InitialCondition``, ...), each a named loss term.
        collocation: the points ``(N, d)`` where the residual is enforced, or a function
            with no arguments returning fresh points at every step (resampling).
        loss_weights: ``{term name: weight}``; names not given weigh 1 (conditions: their
            ``weight``).
        coordinates: names of the input coordinates, e.g. ``("x", "t")``, for ``d("t")``.
        constants: a layer (e.g. ``PhysicalConstants``) whose weights the residual uses and
            training should fit too (inverse problems).
    """

    def __init__(self, network, residual, conditions=(), collocation=None, loss_weights=None,
                 coordinates=None, constants=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        if not callable(network):
            raise TypeError(f"PINN: network must be a model or callable, got "
                            f"{type(network).__name__}")
        if not callable(residual):
            raise TypeError(f"PINN: residual must be a function residual(x, u, d), got "
                            f"{type(residual).__name__}")
        self.network = network
        self.constants = constants
        self.residual = residual
        self.coordinates = None if coordinates is None else tuple(coordinates)
        self.conditions = _named_conditions(conditions)
        self.collocation = _collocation(collocation)
        self.loss_weights = _loss_weights(loss_weights)
        self._term_trackers = {}
        self._checked_variables = False

    def call(self, inputs):
        return self.network(inputs)

    # -- the loss --------------------------------------------------------------------------
    def compute_terms(self, x) -> dict:
        """Every loss term (unweighted) at the collocation points ``x``, by name."""
        terms = residual_terms(self.residual, self.network, points_for(self.network, x),
                               self.coordinates)
        for condition in self.conditions:
            if condition.name in terms:
                raise ValueError(f"PINN: the condition name {condition.name!r} is also a "
                                 f"residual term's name; rename the condition")
            terms[condition.name] = condition.loss(self.network, self.coordinates)
        return terms

    def total_loss(self, terms) -> Tensor:
        """``sum_k w_k * term_k`` plus the layers' regularization losses."""
        self._check_weight_names(terms)
        conditions = {c.name: c.weight for c in self.conditions}
        total = None
        for name, value in terms.items():
            w = self.loss_weights.get(name, conditions.get(name, 1.0))
            if w == 0:
                continue
            term = value if w == 1 else value * w
            total = term if total is None else total + term
        for extra in self._regularization_losses():
            total = extra if total is None else total + extra
        if total is None:
            raise ValueError("PINN: every loss term has weight 0")
        return total

    def _check_weight_names(self, terms):
        unknown = set(self.loss_weights) - set(terms)
        if unknown:
            raise ValueError(f"PINN: loss_weights names unknown terms {sorted(unknown)}; the "
                             f"terms are {list(terms)}")

    # -- steps -------------------------------------------------------------------------------
    def train_step(self, data):
        """One optimizer step on the composite loss at the batch's collocation points."""
        x = self._batch_points(data)
        # the residual's derivatives, the backward pass and the update, replayed as one graph
        loss, terms = self._compiled_step(self._terms_and_update, "pinn_step")(x)
        self._track(loss, terms)
        return self.get_metrics_result()

    def _terms_and_update(self, x):
        """The loss terms at ``x`` and their sum, after one optimizer step (what compiles)."""
        loss, terms, grads = self._terms_and_gradients(x)
        self.optimizer.apply_gradients(zip(grads, self._train_weights))
        return loss, terms

    def _terms_and_gradients(self, x):
        """The loss terms at ``x``, their weighted sum and its gradients."""
        with GradientTape() as tape:
            terms = self.compute_terms(x)
            loss = self.total_loss(terms)
        if self._train_weights is None:
            self._train_weights = self.trainable_weights
        if not self._checked_variables:
            self._warn_untracked(tape, self._train_weights)
        return loss, terms, tape.gradient(loss, self._train_weights)

    def test_step(self, data):
        """The loss terms at the batch's points, without training."""
        terms = self.compute_terms(self._batch_points(data))
        self._track(self.total_loss(terms), terms)
        return self.get_metrics_result()

    def _batch_points(self, data):
        x, y, _ = data_adapter.unpack_x_y_sample_weight(data)
        if y is not None:
            raise ValueError("PINN: the data are collocation points only (no targets y); "
                             "add measurements as a DirichletBC condition")
        if x is None:
            raise ValueError("PINN: no collocation points in the batch")
        return x

    def _warn_untracked(self, tape, weights):
        """Trainable variables the loss reads but the PINN does not train: say so once."""
        self._checked_variables = True
        known = {id(w) for w in weights}
        missed = [v.name for v in tape.watched_variables()
                  if v.trainable and id(v) not in known]
        if missed:
            warnings.warn(f"PINN: the loss reads trainable variables {missed} that are not "
                          f"part of the PINN, so training leaves them unchanged; pass their "
                          f"layer as PINN(..., constants=layer)", stacklevel=3)

    def _track(self, loss, terms):
        self._loss_tracker.update(loss)
        for name, value in terms.items():
            tracker = self._term_trackers.get(name)
            if tracker is None:
                tracker = self._term_trackers[name] = _Mean()
            tracker.update(value)

    def get_metrics_result(self):
        return {"loss": self._loss_tracker.result(),
                **{name: t.result() for name, t in self._term_trackers.items()}}

    def reset_metrics(self):
        super().reset_metrics()
        for tracker in self._term_trackers.values():
            tracker.reset()

    # -- the Keras entry points ----------------------------------------------------------------
    def compile(self, optimizer="adam", loss=None, **kwargs):
        """Choose the optimizer (Adam by default); the loss is the PINN's own."""
        if loss is not None:
            raise ValueError("PINN.compile: the loss is built from the residual and the "
                             "conditions; do not pass loss= (weigh terms with loss_weights)")
        super().compile(optimizer=optimizer, **kwargs)

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            steps_per_epoch=None, shuffle=False, **kwargs):
        """Train; ``x`` defaults to the collocation points, all in one batch per epoch
        (a sampling function gives fresh points at every step)."""
        self._require_compiled()
        if y is not None:
            raise ValueError("PINN.fit: a PINN has no targets y; pass collocation points "
                             "as x (or none, to use the PINN's collocation)")
        x, batch_size, steps_per_epoch = self._source(x, batch_size, steps_per_epoch, "fit")
        return super().fit(x, None, batch_size=batch_size, epochs=epochs, verbose=verbose,
                           callbacks=callbacks, steps_per_epoch=steps_per_epoch,
                           shuffle=shuffle, **kwargs)

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", steps=None,
                 return_dict=False, **kwargs):
        """The loss terms at ``x`` (default: the collocation points)."""
        self._require_compiled()
        if y is not None:
            raise ValueError("PINN.evaluate: a PINN has no targets y")
        x, batch_size, steps = self._source(x, batch_size, steps, "evaluate")
        return super().evaluate(x, None, batch_size=batch_size, verbose=verbose, steps=steps,
                                return_dict=return_dict, **kwargs)

    def _source(self, x, batch_size, steps, who):
        if x is None:
            x = self.collocation
            if x is None:
                raise ValueError(f"PINN.{who}: no collocation points: pass collocation= to "
                                 f"PINN or x= to {who}")
        if callable(x):
            return _resampled(x), None, steps or 1
        n = x.shape[0] if hasattr(x, "shape") else len(x)
        return x, batch_size or n, steps

    def get_config(self):
        raise NotImplementedError("PINN holds Python functions (the residual) and cannot be "
                                  "serialized; save the network (pinn.network.save(...)) or "
                                  "its weights instead")


class _Mean:
    """The running mean of one loss term over an epoch's batches."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.total, self.count = 0.0, 0

    def update(self, value):
        self.total += float(value._value if isinstance(value, Tensor) else value)
        self.count += 1

    def result(self):
        return self.total / self.count if self.count else 0.0


def _resampled(sample):
    """An endless stream of batches of fresh collocation points."""
    while True:
        yield (_collocation(sample()),)


def _collocation(points):
    if points is None or callable(points):
        return points
    arr = points.numpy() if isinstance(points, Tensor) else np.asarray(points)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.dtype.kind not in "fiu":
        raise ValueError(f"PINN: collocation points must be a numeric array of shape (N, d), "
                         f"got shape {arr.shape} and dtype {arr.dtype}")
    return arr


def _named_conditions(conditions):
    """The conditions, checked, with names made unique (``ic``, ``ic_1``, ...)."""
    if isinstance(conditions, Condition):
        conditions = [conditions]
    out, seen = [], {}
    for c in conditions:
        if not isinstance(c, Condition):
            raise TypeError(f"PINN: conditions must be Condition objects (DirichletBC, "
                            f"NeumannBC, InitialCondition, Condition), got {type(c).__name__}")
        count = seen.get(c.name, 0)
        seen[c.name] = count + 1
        if count:  # a renamed copy: the caller's object keeps its name
            c = copy.copy(c)
            c.name = f"{c.name}_{count}"
        out.append(c)
    return out


def _loss_weights(weights):
    if weights is None:
        return {}
    if not isinstance(weights, dict):
        raise TypeError(f"PINN: loss_weights must be a dict {{term name: weight}}, got "
                        f"{type(weights).__name__}")
    for name, w in weights.items():
        if isinstance(w, bool) or not isinstance(w, numbers.Real) or w < 0:
            raise ValueError(f"PINN: loss_weights[{name!r}] must be a number >= 0, got {w!r}")
    return {str(k): float(v) for k, v in weights.items()}
