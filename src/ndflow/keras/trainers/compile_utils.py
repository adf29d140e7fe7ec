"""What ``compile`` resolves: the loss (per output, weighted) and the metrics to track."""

from ndflow.core import nest
from ndflow.core.convert import convert_to_tensor
from ndflow.core.tensor import Tensor
from ndflow.keras import losses
from ndflow.ops.cast import cast


def as_target(y_true, y_pred):
    """Targets as a tensor; float targets take the predictions' dtype (float64 data, say)."""
    t = y_true if isinstance(y_true, Tensor) else convert_to_tensor(y_true)
    if t._value.dtype.kind == "f" and t._value.dtype != y_pred._value.dtype:
        t = cast(t, y_pred._value.dtype)
    return t


class CompileLoss:
    """The compiled loss of a model: one loss per output, summed with ``loss_weights``."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        self.output_names = output_names
        if isinstance(loss, dict):
            self.losses = {k: _loss_object(v) for k, v in loss.items()}
        elif isinstance(loss, (list, tuple)):
            self.losses = [_loss_object(v) for v in loss]
        else:
            self.losses = _loss_object(loss)
        self.loss_weights = loss_weights

    def __call__(self, y_true, y_pred, sample_weight=None):
        if not isinstance(self.losses, (list, dict)):
            return self._one(self.losses, y_true, y_pred, sample_weight)
        if isinstance(self.losses, dict):
            keys = list(self.losses)
            fns = [self.losses[k] for k in keys]
            trues = [y_true[k] for k in keys]
            preds = [y_pred[k] if isinstance(y_pred, dict) else
                     y_pred[self.output_names.index(k)] for k in keys]
            weights = [(self.loss_weights or {}).get(k, 1.0) for k in keys]
        else:
            fns, trues, preds = self.losses, nest.flatten(y_true), nest.flatten(y_pred)
            weights = list(self.loss_weights or [1.0] * len(fns))
        total = None
        for fn, t, p, w in zip(fns, trues, preds, weights):
            if fn is None:
                continue
            term = self._one(fn, t, p, sample_weight) * w
            total = term if total is None else total + term
        return total

    @staticmethod
    def _one(fn, y_true, y_pred, sample_weight):
        y_true = as_target(y_true, y_pred)  # the loss aligns a trailing dimension of 1
        if sample_weight is not None:
            return fn(y_true, y_pred, sample_weight=sample_weight)
        return fn(y_true, y_pred)


def _loss_object(identifier):
    """A Loss reducing to a scalar: plain functions (per-sample losses) get wrapped."""
    obj = losses.get(identifier)
    if obj is not None and not isinstance(obj, losses.Loss):
        name = identifier if isinstance(identifier, str) else getattr(obj, "__name__", None)
        obj = losses.LossFunctionWrapper(obj, name=name)
    return obj


def per_output(y_true, y_pred, output_names):
    """Pair targets with predictions, output by output: ``[(name, y_true, y_pred), ...]``.

    Targets may be one array, a list in output order, or a dict keyed by output names.
    """
    preds = y_pred if isinstance(y_pred, dict) else dict(zip(
        output_names or [None], nest.flatten(y_pred) if nest.is_nested(y_pred) else [y_pred]))
    names = list(preds)
    if isinstance(y_true, dict):
        trues = [y_true[name] for name in names]
    elif len(names) > 1:
        trues = list(y_true)
    else:
        trues = [y_true]
    return [(name, t, preds[name]) for name, t in zip(names, trues)]


class CompileMetrics:
    """The metrics named in ``compile``, built at the first batch (when shapes are known).

    For a model with several outputs, ``metrics`` may be a dict keyed by output name or a
    list of lists; a flat list applies to every output. Several outputs prefix the
    metric names with the output's name (``out1_accuracy``), as Keras does. As in Keras,
    ``metrics`` ignore sample weights (and class weights); ``weighted_metrics`` use them,
    and one that repeats a metric's name reports as ``weighted_<name>``.
    """

    def __init__(self, metrics, loss, output_names=None, weighted_metrics=None):
        self.spec = metrics
        self.weighted_spec = weighted_metrics
        self.loss = loss
        self.output_names = output_names
        self.metrics = None  # one list of metric objects per output
        self.weighted = None  # the same for weighted_metrics

    @staticmethod
    def _identifiers_for(spec, index, name, count):
        if spec is None:
            return []
        if isinstance(spec, dict):
            value = spec.get(name, [])
            return list(value) if isinstance(value, (list, tuple)) else [value]
        if count > 1 and spec and all(isinstance(s, (list, tuple)) for s in spec):
            return list(spec[index])
        return list(nest.flatten(spec))

    def _loss_for(self, index, name):
        loss = self.loss
        if isinstance(loss, dict):
            return loss.get(name)
        if isinstance(loss, (list, tuple)):
            return loss[index]
        return loss

    def build(self, pairs):
        self.metrics = self._build_set(self.spec, pairs, taken=())
        taken = {m.name for metrics in self.metrics for m in metrics}
        self.weighted = self._build_set(self.weighted_spec, pairs, taken)

    def _build_set(self, spec, pairs, taken):
        """Metric objects per output for ``spec``; names in ``taken`` get ``weighted_``."""
        from ndflow.keras import metrics as metrics_module

        out = []
        for i, (name, y_true, y_pred) in enumerate(pairs):
            prefix = f"{name}_" if len(pairs) > 1 and name else ""
            built = []
            for ident in self._identifiers_for(spec, i, name, len(pairs)):
                if isinstance(ident, str) and ident in ("accuracy", "acc"):
                    cls_name = metrics_module.resolve_accuracy(
                        tuple(y_true.shape), tuple(y_pred.shape), self._loss_for(i, name))
                    metric = metrics_module.get(cls_name, name=ident)
                elif isinstance(ident, str):
                    metric = metrics_module.get(ident, name=ident)
                else:
                    metric = metrics_module.get(ident)
                if prefix + metric.name in taken:
                    metric.name = "weighted_" + metric.name
                metric.name = prefix + metric.name
                built.append(metric)
            out.append(built)
        return out

    def update_state(self, y_true, y_pred, sample_weight=None):
        if isinstance(y_pred, Tensor) and not isinstance(y_true, (dict, list, tuple)):
            # one output: skip pairing outputs with targets
            name = self.output_names[0] if self.output_names else None
            t = y_true if isinstance(y_true, Tensor) else as_target(y_true, y_pred)
            pairs = [(name, t, y_pred)]
        else:
            pairs = [(name, t if isinstance(t, Tensor) else as_target(t, p), p)
                     for name, t, p in per_output(y_true, y_pred, self.output_names)]
        if self.metrics is None:
            self.build(pairs)
        for (_, t, p), metrics, weighted in zip(pairs, self.metrics, self.weighted):
            if t.ndim != p.ndim:  # (B, T, 1) targets meet (B, T) predictions, as in losses
                t, p = losses.squeeze_or_expand_to_same_rank(t, p)
            for m in metrics:
                m.update_state(t, p)
            for m in weighted:
                m.update_state(t, p, sample_weight=sample_weight)

    def _all(self):
        for metrics in (self.metrics or []) + (self.weighted or []):
            yield from metrics

    def reset_state(self):
        for m in self._all():
            m.reset_state()

    def results(self):
        return {m.name: float(m.result()) for m in self._all()}
