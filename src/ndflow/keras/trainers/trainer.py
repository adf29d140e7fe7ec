"""compile / fit / evaluate / predict: the training loop of Keras models.

``train_step`` reads like the lecture: forward under a tape, loss, gradients, optimizer
step, metrics. ``fit`` is epochs of batches inside callbacks.
"""

import warnings

import numpy as np

from ndflow.autodiff.primitive import run_on_arrays, state
from ndflow.autodiff.tape import GradientTape
from ndflow.backend.xp import to_numpy
from ndflow.core import nest
from ndflow.core.tensor import Tensor, wrap
from ndflow.graph.function import Function
from ndflow.keras.callbacks import CallbackList, History, ProgbarLogger
from ndflow.keras.trainers import data_adapter
from ndflow.keras.trainers.compile_utils import CompileLoss, CompileMetrics

_TRAIN_BATCH_HOOKS = ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin",
                      "on_batch_end")
_NOT_COMPILED = ("You must call `compile()` before using the model (model.compile(optimizer="
                 "..., loss=...)).")


class Trainer:
    """The training API mixed into ``Model``."""

    compiled = False

    # -- compile ---------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Choose the optimizer, the loss and the metrics for training."""
        from ndflow.keras import optimizers  # beside the trainer, imported when training

        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self._compile_loss = CompileLoss(loss, loss_weights,
                                         output_names=getattr(self, "output_names", None))
        self._compile_metrics = CompileMetrics(metrics, loss,
                                               getattr(self, "output_names", None),
                                               weighted_metrics)
        self._loss_tracker = _MeanTracker()
        # As in Keras, the weights to train and the layers that add losses are fixed at
        # compile time (changing `trainable` later needs a new compile).
        self._train_weights = None
        self._loss_layers = None
        self.run_eagerly = bool(run_eagerly)
        self.jit_compile = jit_compile
        self._step_functions = {}  # name -> the compiled part of train/test/predict steps
        self.compiled = True
        self.stop_training = False

    def _require_compiled(self):
        if not self.compiled:
            raise RuntimeError(_NOT_COMPILED)

    # -- one step ----------------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss plus the regularization losses of the layers."""
        total = self._compile_loss(y, y_pred, sample_weight) if y is not None else None
        for extra in self._regularization_losses():
            total = extra if total is None else total + extra
        if total is None:
            raise ValueError("No loss to compute: compile() got no loss and the model adds "
                             "none (add_loss)")
        return total

    def _regularization_losses(self):
        """The layers' weight and activity penalties (the layer list is cached)."""
        if self._loss_layers is None:
            self._loss_layers = _all_layers(self)
        out = []
        for layer in self._loss_layers:
            if layer._weight_regularizers:
                out.extend(reg(v) for v, reg in layer._weight_regularizers)
            if layer._activity_losses:
                out.extend(layer._activity_losses)
        return out

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the metrics with a batch; return the current results."""
        if y is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self):
        return {"loss": self._loss_tracker.result(), **self._compile_metrics.results()}

    def train_step(self, data):
        """One optimization step on a batch: the lecture's GradientTape loop."""
        x, y, sample_weight = data_adapter.unpack_x_y_sample_weight(data)
        loss, y_pred = self._compiled_step(self._train_update, "train_step")(x, y, sample_weight)
        if type(self).compute_metrics is not Trainer.compute_metrics:  # its result is the logs
            self._loss_tracker.update(loss)
            return self.compute_metrics(x, y, y_pred, sample_weight)
        return self.get_metrics_result()

    def _train_update(self, x, y, sample_weight):
        """Forward, loss, gradients, the optimizer update and the metric updates: what
        ``jit_compile`` compiles into one graph (the update and the metrics are one node
        each, run on every replay)."""
        loss, y_pred, grads = self._loss_and_gradients(x, y, sample_weight)
        self.optimizer.apply_gradients(zip(grads, self._train_weights))
        if type(self).compute_metrics is Trainer.compute_metrics:
            self._update_metrics(loss, y, y_pred, sample_weight)
        return loss, y_pred

    def _update_metrics(self, loss, y, y_pred, sample_weight):
        """The loss tracker and the compiled metrics, from one step's values, as one node
        on raw arrays (metrics compute on arrays; their own ops are not traced)."""
        leaves = nest.flatten((loss, y, y_pred, sample_weight))
        is_array = [isinstance(v, Tensor) or hasattr(v, "shape") for v in leaves]
        structure = (loss, y, y_pred, sample_weight)

        def update(*arrays):
            values = iter(arrays)
            flat = [wrap(next(values)) if array else leaf
                    for leaf, array in zip(leaves, is_array)]
            step_loss, y_true, prediction, weights = nest.pack_sequence_as(structure, flat)
            saved, state.recorders = state.recorders, []  # no tape or tracer sees these
            try:
                self._loss_tracker.update(step_loss)
                if y_true is not None:
                    self._compile_metrics.update_state(y_true, prediction, weights)
            finally:
                state.recorders = saved

        run_on_arrays("metrics.update", update,
                      *[getattr(v, "_value", v) for v, a in zip(leaves, is_array) if a],
                      effect=True)

    def _compiled_step(self, fn, name):
        """``fn`` (the tensor computation of a step) as it should run: eagerly with
        ``run_eagerly`` or ``jit_compile=False``, else compiled once per batch shape and
        checked against a second trace (ndflow.function's ``verify``)."""
        if getattr(self, "run_eagerly", False) or getattr(self, "jit_compile", "auto") is False:
            return fn
        functions = self.__dict__.setdefault("_step_functions", {})  # predict needs no compile
        compiled = functions.get(name)
        if compiled is None:
            compiled = functions[name] = Function(fn, name=name, verify=True)
        return compiled

    def _explain_eager_train_step(self):
        """A custom ``train_step`` runs eagerly; say so once if compiling was asked for."""
        if (self.jit_compile is True and not self.run_eagerly
                and type(self).train_step is not Trainer.train_step
                and not getattr(self, "_told_eager", False)):
            self._told_eager = True
            warnings.warn(
                f"{type(self).__name__}.train_step is your own, so fit runs it eagerly: "
                "metric and optimizer state it updates outside ndflow ops would not be "
                "replayed by a graph. Decorate the parts you want compiled with "
                "ndflow.function.", stacklevel=3)

    def _loss_and_gradients(self, x, y, sample_weight):
        """The differentiable part of a training step."""
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x, y, y_pred, sample_weight)
        if self._train_weights is None:  # after the call: a subclassed model builds in it
            self._train_weights = self.trainable_weights
        return loss, y_pred, tape.gradient(loss, self._train_weights)

    def test_step(self, data):
        """Loss and metrics on a batch, without training."""
        x, y, sample_weight = data_adapter.unpack_x_y_sample_weight(data)
        step = self._compiled_step(self._loss_and_prediction, "test_step")
        loss, y_pred = step(x, y, sample_weight)
        self._loss_tracker.update(loss)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def _loss_and_prediction(self, x, y, sample_weight):
        """The tensor part of a test step (what ``jit_compile`` compiles)."""
        y_pred = self(x, training=False)
        return self.compute_loss(x, y, y_pred, sample_weight, training=False), y_pred

    def predict_step(self, data):
        """The model's outputs for one batch (compiled as ``train_step`` is)."""
        x, _, _ = data_adapter.unpack_x_y_sample_weight(data)
        return self._compiled_step(self._inference, "predict_step")(x)

    def _inference(self, x):
        return self(x, training=False)

    def reset_metrics(self):
        self._loss_tracker.reset()
        self._compile_metrics.reset_state()

    # -- fit ---------------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train for ``epochs`` epochs; return the History (``history.history['loss']``)."""
        self._require_compiled()
        self._explain_eager_train_step()
        if class_weight is not None:
            sample_weight = _class_sample_weights(y, class_weight, sample_weight)
        train = data_adapter.adapt(x, y, sample_weight, batch_size, shuffle, steps_per_epoch)
        val = None
        if validation_split and validation_data is None:
            if not isinstance(train, data_adapter.ArrayData):
                raise ValueError("validation_split is only supported for array data; pass "
                                 "validation_data for generators")
            train, val = train.split(validation_split)
        elif validation_data is not None:
            vx, vy, vw = data_adapter.unpack_x_y_sample_weight(validation_data)
            val = data_adapter.adapt(vx, vy, vw, validation_batch_size or batch_size,
                                     steps=validation_steps)
        verbose = 1 if verbose == "auto" else int(verbose)
        # a gradient-free optimizer (ndflow.evolve.Genetic) runs each epoch as one step
        evolves = getattr(self.optimizer, "runs_generations", False)
        steps = 1 if evolves else steps_per_epoch or train.num_batches
        history = History()
        callback_list = CallbackList(
            [history, *(callbacks or []), *([ProgbarLogger(verbose)] if verbose else [])],
            model=self, params={"verbose": verbose, "epochs": epochs, "steps": steps})
        self.history = history
        self.stop_training = False
        self._initial_epoch_override = None
        # batch logs are converted to floats only for callbacks that look at them
        batch_hooks = callback_list.overrides(*_TRAIN_BATCH_HOOKS)
        callback_list.on_train_begin()
        # BackupAndRestore sets this when it restored an interrupted run
        if self._initial_epoch_override is not None:
            initial_epoch = self._initial_epoch_override
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callback_list.on_epoch_begin(epoch)
            logs = {}
            if evolves:
                if batch_hooks:
                    callback_list.on_train_batch_begin(0)
                logs = self.optimizer.run_generation(self, train)
                if batch_hooks:
                    callback_list.on_train_batch_end(0, logs)
            for step, batch in enumerate(() if evolves else train.batches()):
                if batch_hooks:
                    callback_list.on_train_batch_begin(step)
                logs = self.train_step(batch)
                if batch_hooks:
                    callback_list.on_train_batch_end(step, _floats(logs))
                if self.stop_training or (steps_per_epoch and step + 1 >= steps_per_epoch):
                    break
            epoch_logs = _floats(logs)
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_data(val, callbacks=None)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callback_list.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        callback_list.on_train_end()
        history.params = callback_list.params
        return history

    # -- evaluate / predict --------------------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """Loss and metrics on data: a scalar, ``[loss, *metrics]`` or a dict."""
        self._require_compiled()
        data = data_adapter.adapt(x, y, sample_weight, batch_size, steps=steps)
        logs = self._evaluate_data(data, callbacks)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def _evaluate_data(self, data, callbacks):
        callback_list = CallbackList(callbacks, model=self)
        self.reset_metrics()
        callback_list.on_test_begin()
        logs = {}
        batch_hooks = callback_list.overrides("on_test_batch_begin", "on_test_batch_end")
        for step, batch in enumerate(data.batches()):
            if batch_hooks:
                callback_list.on_test_batch_begin(step)
            logs = self.test_step(batch)
            if batch_hooks:
                callback_list.on_test_batch_end(step, _floats(logs))
        logs = _floats(logs)
        callback_list.on_test_end(logs)
        return logs

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs for ``x`` as NumPy arrays, computed batch by batch."""
        data = data_adapter.adapt(x, batch_size=batch_size, steps=steps)
        outputs = []
        for batch in data.batches():
            outputs.append(self.predict_step(batch))
        if not outputs:
            raise ValueError("predict received no data")
        return nest.map_structure(
            lambda *parts: np.concatenate([_to_numpy(p) for p in parts], axis=0), *outputs) \
            if len(outputs) > 1 else nest.map_structure(_to_numpy, outputs[0])

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict=False):
        """One training step on one batch; returns the loss (and metrics)."""
        self._require_compiled()
        if class_weight is not None:
            sample_weight = _class_sample_weights(y, class_weight, sample_weight)
        self.reset_metrics()
        logs = _floats(self.train_step(data_adapter.pack_x_y_sample_weight(x, y, sample_weight)))
        return logs if return_dict else _scalar_or_list(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """Loss (and metrics) on one batch, without training."""
        self._require_compiled()
        self.reset_metrics()
        logs = _floats(self.test_step(data_adapter.pack_x_y_sample_weight(x, y, sample_weight)))
        return logs if return_dict else _scalar_or_list(logs)

    def predict_on_batch(self, x):
        """The model's outputs for one batch, as NumPy."""
        return nest.map_structure(_to_numpy, self.predict_step((x,)))


class _MeanTracker:
    """The running mean of the batch losses of an epoch."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.total, self.count = 0.0, 0

    def update(self, value):
        self.total += float(value._value if isinstance(value, Tensor) else value)
        self.count += 1

    def result(self):
        return self.total / self.count if self.count else 0.0


def _all_layers(model):
    """The model and every layer inside it, depth first."""
    out, seen, stack = [], set(), [model]
    while stack:
        layer = stack.pop()
        if id(layer) not in seen:  # a shared layer counts once
            seen.add(id(layer))
            out.append(layer)
            stack.extend(reversed(layer._sublayers()))
    return out


def _to_numpy(t):
    return to_numpy(t._value) if isinstance(t, Tensor) else np.asarray(t)


def _floats(logs):
    return {k: float(v) for k, v in logs.items()}


def _scalar_or_list(logs):
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _class_sample_weights(y, class_weight, sample_weight):
    """Per-sample weights from ``class_weight`` (a dict class -> weight)."""
    labels = np.asarray(y)
    if labels.ndim > 1 and labels.shape[-1] > 1:
        labels = labels.argmax(axis=-1)
    labels = labels.reshape(len(labels), -1)[:, 0].astype(int)
    weights = np.array([class_weight.get(int(c), 1.0) for c in labels], dtype=np.float32)
    return weights if sample_weight is None else weights * np.asarray(sample_weight)
