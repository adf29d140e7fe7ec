"""TensorBoard: training curves, weight histograms and the model's graph, for TensorBoard.

The callback writes TensorBoard event files itself (``ndflow.utils.event_file``), so
neither TensorFlow nor any other package is needed to write them; view them with
``tensorboard --logdir logs`` (``pip install tensorboard``). As in Keras:

* ``<log_dir>/train``: ``epoch_<metric>`` per epoch (``epoch_loss``, ``epoch_accuracy``,
  ``epoch_learning_rate``), ``batch_<metric>`` every ``update_freq`` batches, weight
  histograms (``<layer>/<weight>/histogram``) every ``histogram_freq`` epochs (and
  weights as images with ``write_images``), and the graph with ``write_graph``;
* ``<log_dir>/validation``: ``epoch_<metric>`` of the validation data, and
  ``evaluation_<metric>_vs_iterations`` against the optimizer's step count.

The graph is the compiled training step's graph of operations (forward, loss and
backward pass, as ``ndflow.function`` traced it) when ``fit`` compiled one, else the
graph of the model's layers (with ``run_eagerly=True``).
"""

import os
import time
import warnings

import numpy as np

from ndflow.backend.xp import to_numpy
from ndflow.graph.function import Function
from ndflow.keras.callbacks.callback import Callback

__all__ = ["TensorBoard"]


class TensorBoard(Callback):
    """Log metrics, weight histograms and the graph for TensorBoard (see the module
    docstring for what goes where). ``update_freq``: 'epoch', 'batch' or every how
    many batches; ``profile_batch`` and ``embeddings_freq`` are accepted and ignored
    (with a warning when set), since ndflow has no profiler or projector output."""

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None):
        super().__init__()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = _count("histogram_freq", histogram_freq)
        self.write_graph = bool(write_graph)
        self.write_images = bool(write_images)
        self.write_steps_per_second = bool(write_steps_per_second)
        self.update_freq = _update_freq(update_freq)
        self.profile_batch = profile_batch
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        if profile_batch not in (0, None, (0, 0), [0, 0], "0,0"):
            warnings.warn("TensorBoard: ndflow has no profiler; profile_batch is ignored",
                          stacklevel=2)
        if embeddings_freq:
            warnings.warn("TensorBoard: embedding projector logs are not written by ndflow; "
                          "embeddings_freq is ignored", stacklevel=2)
        if self.update_freq != "epoch":
            # per-batch logging only when asked: fit skips building batch logs for
            # callbacks that do not define the batch hooks
            self.on_train_batch_end = self._log_batch
        self._writers = {}
        self._in_fit = False
        self._graph_written = False
        self._global_train_batch = 0
        self._batch_mark = (0, time.perf_counter())
        self._epoch_start = (None, time.perf_counter())
        self._last_evaluation = None

    # -- writers -----------------------------------------------------------------------
    def _writer(self, run):
        writer = self._writers.get(run)
        if writer is None:
            # imported on first use, which keeps `import ndflow.keras` light
            from ndflow.utils.event_file import EventFileWriter

            writer = self._writers[run] = EventFileWriter(os.path.join(self.log_dir, run))
        return writer

    def _close(self):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    # -- hooks -------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._in_fit = True
        self._graph_written = False
        self._global_train_batch = self._iterations() or 0
        self._batch_mark = (self._global_train_batch, time.perf_counter())

    def on_train_end(self, logs=None):
        if self.write_graph and not self._graph_written:
            self._write_graph()
        self._close()
        self._in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = (self._iterations(), time.perf_counter())

    def on_epoch_end(self, epoch, logs=None):
        logs = dict(logs or {})
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        validation = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        if "learning_rate" not in train and "lr" not in train:
            rate = _scalar(getattr(getattr(self.model, "optimizer", None), "learning_rate",
                                   None))
            if rate is not None:
                train["learning_rate"] = rate
        if self.write_steps_per_second:
            train["steps_per_second"] = self._epoch_steps_per_second()
        self._scalars("train", "epoch_", train, epoch)
        if validation:
            self._scalars("validation", "epoch_", validation, epoch)
            step = self._iterations()
            if step is not None and step != self._last_evaluation:
                self._evaluation(validation, step)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        if self.write_graph and not self._graph_written:
            self._write_graph()
        for writer in self._writers.values():
            writer.flush()

    def _log_batch(self, batch, logs=None):
        """``on_train_batch_end`` when ``update_freq`` counts batches."""
        self._global_train_batch += 1
        if self._global_train_batch % self.update_freq:
            return
        values = dict(logs or {})
        if self.write_steps_per_second:
            done, start = self._batch_mark
            now = time.perf_counter()
            values["steps_per_second"] = (self._global_train_batch - done) / max(
                now - start, 1e-9)
            self._batch_mark = (self._global_train_batch, now)
        self._scalars("train", "batch_", values, self._global_train_batch)

    def on_test_end(self, logs=None):
        step = self._iterations()
        if logs and step is not None:
            self._evaluation(dict(logs), step)
        if not self._in_fit:  # a standalone evaluate(): nothing else will close the file
            self._close()
        else:
            self._writer("validation").flush()

    # -- what is written ---------------------------------------------------------------
    def _scalars(self, run, prefix, values, step):
        writer = None
        for name, value in values.items():
            value = _scalar(value)
            if value is None:  # a metric with several values (per class) has no curve
                continue
            writer = writer or self._writer(run)
            writer.scalar(prefix + name, value, step)

    def _evaluation(self, values, step):
        self._scalars("validation", "evaluation_", {f"{k}_vs_iterations": v
                                                    for k, v in values.items()}, step)
        self._last_evaluation = step

    def _log_weights(self, epoch):
        writer = self._writer("train")
        for path, variable in weight_paths(self.model):
            values = to_numpy(variable._value)
            writer.histogram(f"{path}/histogram", values, epoch)
            if self.write_images:
                image = _weight_image(values)
                if image is not None:
                    writer.image(f"{path}/image", image, epoch)

    def _write_graph(self):
        if self.model is None:
            return
        from ndflow.utils.graph_def import graph_nodes

        try:
            step_graph = _compiled_step_graph(self.model)
            if step_graph is not None:
                names = {id(v): p for p, v in weight_paths(self.model)}
                nodes = graph_nodes(step_graph, names)
            else:
                nodes = layer_nodes(self.model)
        except Exception as e:  # a drawing must never stop a training run
            warnings.warn(f"TensorBoard: could not write the model's graph ({e!r})",
                          stacklevel=3)
            nodes = None
        if nodes:
            self._writer("train").graph(nodes)
        self._graph_written = True

    # -- counters ----------------------------------------------------------------------
    def _iterations(self):
        optimizer = getattr(self.model, "optimizer", None)
        value = _scalar(getattr(optimizer, "iterations", None))
        return None if value is None else int(value)

    def _epoch_steps_per_second(self) -> float:
        start_step, start = self._epoch_start
        now_step = self._iterations()
        steps = (now_step - start_step if now_step is not None and start_step is not None
                 else self.params.get("steps") or 0)
        return steps / max(time.perf_counter() - start, 1e-9)


# -- the model, as TensorBoard shows it ---------------------------------------------------------
def weight_paths(model) -> list:
    """``(path, variable)`` for each weight of ``model``: ``'dense/kernel'``, nested layers
    as ``'block/dense/kernel'`` (each weight under the innermost layer that holds it)."""
    paths, seen, taken = [], set(), set()

    def visit(layer, prefix):
        for sub in layer._sublayers() if hasattr(layer, "_sublayers") else ():
            visit(sub, f"{prefix}{sub.name}/")
        for variable in getattr(layer, "weights", ()):
            if id(variable) in seen:
                continue
            seen.add(id(variable))
            base = path = f"{prefix}{variable.name}"
            k = 0
            while path in taken:
                k += 1
                path = f"{base}_{k}"
            taken.add(path)
            paths.append((path, variable))

    visit(model, "")
    return paths


def layer_nodes(model) -> list:
    """The model's layers as graph nodes (op: the layer's class), edges from the model's
    connections (a chain for Sequential and subclassed models)."""
    from ndflow.keras.utils.model_visualization import layer_graph
    from ndflow.utils.event_file import GraphNode
    from ndflow.utils.graph_def import node_name

    nodes, edges = layer_graph(model)
    inputs = {}
    for src, dst in edges:
        inputs.setdefault(dst, []).append(node_name(src))
    return [GraphNode(node_name(path), type(layer).__name__, inputs.get(path, ()),
                      shapes=_layer_shapes(layer), dtype=_dtype(layer),
                      attrs=_config_attrs(layer))
            for path, layer in nodes]


def _compiled_step_graph(model):
    """The latest graph traced by a compiled function the model holds (its train step
    first), or None when it trains eagerly."""
    held = [*vars(model).values(), *vars(model).get("_step_functions", {}).values()]
    functions = [v for v in held if isinstance(v, Function)]
    functions.sort(key=lambda f: f.name != "train_step")
    for function in functions:
        traced = list(function._cache.values())
        if traced:
            return traced[-1].graph
    return None


def _layer_shapes(layer):
    for read in (lambda: layer.output_shape, lambda: _shapes_of(layer.output)):
        try:
            shape = read()
        except Exception:  # an unbuilt layer or a layer never called symbolically
            continue
        if isinstance(shape, list):
            return [tuple(s) for s in shape]
        if isinstance(shape, tuple):
            return [shape]
    return None


def _shapes_of(tensors):
    if isinstance(tensors, (list, tuple)):
        return [tuple(t.shape) for t in tensors]
    return tuple(tensors.shape)


def _dtype(layer):
    dtype = getattr(layer, "dtype", None)
    try:
        return np.dtype(getattr(dtype, "name", dtype))
    except TypeError:
        return None


def _config_attrs(layer) -> dict:
    try:
        config = layer.get_config()
    except Exception:  # a custom layer without a config still gets drawn
        return {}
    return {k: v for k, v in config.items()
            if k not in ("name", "trainable") and isinstance(v, (bool, int, float, str))}


def _weight_image(values):
    """A weight as a 2-D picture, wider than tall: vectors as one row, kernels of
    convolutions as (every position and input channel) x (output channel)."""
    if values.ndim == 0:
        return None
    image = values.reshape(1, -1) if values.ndim == 1 else values.reshape(-1, values.shape[-1])
    return image.T if image.shape[0] > image.shape[1] else image


# -- argument checks and conversions ---------------------------------------------------------
def _scalar(value):
    """``value`` as a Python float, or None when it is missing or not one number."""
    if value is None or isinstance(value, str):
        return None
    value = getattr(value, "_value", value)  # tensors and variables
    try:
        array = to_numpy(value) if hasattr(value, "shape") else np.asarray(value)
    except (TypeError, ValueError):
        return None
    if array.size != 1 or array.dtype.kind not in "biuf":
        return None
    return float(array.reshape(()))


def _count(name, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"TensorBoard: {name} must be an integer >= 0, got {value!r}")
    return int(value)


def _update_freq(value):
    if value == "batch":
        return 1
    if value == "epoch":
        return value
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"TensorBoard: update_freq must be 'epoch', 'batch' or a number of "
                         f"batches >= 1, got {value!r}")
    return int(value)
