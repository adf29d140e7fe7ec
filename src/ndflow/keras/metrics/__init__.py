"""``keras.metrics``: stateful metrics (``update_state`` / ``result`` / ``reset_state``).

>>> from ndflow.keras import metrics
>>> m = metrics.get("mse")
>>> m.update_state([[1.0], [2.0]], [[1.5], [2.0]]); m.name, float(m.result())
('mse', 0.125)

``get`` resolves a name ('accuracy', 'mse', 'auc', 'BinaryAccuracy' ...), a config dict,
a Metric instance or class, or a function ``f(y_true, y_pred)`` (wrapped in
:class:`MeanMetricWrapper`); ``resolve_accuracy`` picks the accuracy variant that
``compile(metrics=['accuracy'])`` means.
"""

from ndflow.keras.metrics import (
    accuracy_metrics,
    confusion_metrics,
    f_score_metrics,
    hinge_metrics,
    probabilistic_metrics,
    reduction_metrics,
    regression_metrics,
)
from ndflow.keras.metrics.accuracy_metrics import *  # noqa: F403
from ndflow.keras.metrics.base import Metric, snake_case
from ndflow.keras.metrics.confusion_metrics import *  # noqa: F403
from ndflow.keras.metrics.f_score_metrics import *  # noqa: F403
from ndflow.keras.metrics.hinge_metrics import *  # noqa: F403
from ndflow.keras.metrics.probabilistic_metrics import *  # noqa: F403
from ndflow.keras.metrics.reduction_metrics import *  # noqa: F403
from ndflow.keras.metrics.regression_metrics import *  # noqa: F403
from ndflow.keras.saving.object_table import ObjectTable

_FAMILIES = (accuracy_metrics, confusion_metrics, f_score_metrics, hinge_metrics,
             probabilistic_metrics, reduction_metrics, regression_metrics)
_CLASSES = [Metric] + [getattr(m, n) for m in _FAMILIES for n in m.__all__
                       if isinstance(getattr(m, n), type)]

# metric functions by name (Keras's short aliases included), for configs and ``get``
FUNCTIONS = {n: getattr(m, n) for m in _FAMILIES for n in m.__all__
             if not isinstance(getattr(m, n), type)}
_FUNCTION_ALIASES = {
    "mse": "mean_squared_error", "MSE": "mean_squared_error",
    "mae": "mean_absolute_error", "MAE": "mean_absolute_error",
    "mape": "mean_absolute_percentage_error", "MAPE": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error", "MSLE": "mean_squared_logarithmic_error",
    "bce": "binary_crossentropy", "BCE": "binary_crossentropy",
    "kld": "kl_divergence", "KLD": "kl_divergence",
    "kullback_leibler_divergence": "kl_divergence", "logcosh": "log_cosh",
}
FUNCTIONS.update({alias: FUNCTIONS[name] for alias, name in _FUNCTION_ALIASES.items()})

# names -> classes: class names, their snake_case forms, default names and aliases
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({snake_case(cls.__name__): cls for cls in _CLASSES})
_BY_NAME.update({
    "acc": Accuracy,  # noqa: F405
    "mean_squared_error": MeanSquaredError,  # noqa: F405
    "mean_absolute_error": MeanAbsoluteError,  # noqa: F405
    "mean_absolute_percentage_error": MeanAbsolutePercentageError,  # noqa: F405
    "mean_squared_logarithmic_error": MeanSquaredLogarithmicError,  # noqa: F405
    "root_mean_squared_error": RootMeanSquaredError,  # noqa: F405
    "logcosh": LogCoshError,  # noqa: F405
    "log_cosh": LogCoshError,  # noqa: F405
    "kullback_leibler_divergence": KLDivergence,  # noqa: F405
})
_BY_NAME.update({alias: _BY_NAME[name] for alias, name in _FUNCTION_ALIASES.items()
                 if name in _BY_NAME})
_BY_NAME["fbeta_score"] = FBetaScore  # noqa: F405
for _base in ("Metric", "metric"):  # the abstract base is not a metric one can track
    del _BY_NAME[_base]

_TABLE = ObjectTable("metric", "keras.metrics", _BY_NAME, "accuracy")
serialize = _TABLE.serialize


def deserialize(config, custom_objects=None):
    """A metric from ``serialize``'s dict (or a name)."""
    if isinstance(config, str):
        return get(config)
    return _TABLE.deserialize(config, custom_objects)


def get(identifier, name=None):
    """The metric for a name, a config dict, a Metric (returned as it is), a Metric class
    or a function ``f(y_true, y_pred)``; None gives None.

    A metric made from a name is called by that name ('mse' stays 'mse', so History keys
    are what the user wrote), a function's by its ``__name__``; ``name`` overrides both.
    """
    if identifier is None:
        return None
    if isinstance(identifier, Metric):
        return identifier
    if isinstance(identifier, dict):
        metric = deserialize(identifier)
    elif isinstance(identifier, str):
        cls = _TABLE.lookup(identifier)
        if name is None and identifier != cls.__name__:
            name = identifier
        return cls() if name is None else cls(name=name)
    elif isinstance(identifier, type) and issubclass(identifier, Metric):
        return identifier() if name is None else identifier(name=name)
    elif callable(identifier):
        return MeanMetricWrapper(identifier, name=name)  # noqa: F405
    else:
        raise ValueError(f"Could not interpret metric identifier: {identifier!r}; expected "
                         f"a name such as 'accuracy' or 'mse', a dict, a Metric or a "
                         f"function f(y_true, y_pred)")
    if name is not None:
        metric.name = name
    return metric


_BINARY_LOSSES = {"binary_crossentropy", "bce", "binary_focal_crossentropy"}
_SPARSE_LOSSES = {"sparse_categorical_crossentropy", "scce"}
_CATEGORICAL_LOSSES = {"categorical_crossentropy", "cce", "categorical_focal_crossentropy"}


def _loss_name(loss):
    """The snake_case name of a loss given as a string, function, bound method or object."""
    if isinstance(loss, str):
        return snake_case(loss)
    fn = getattr(loss, "fn", None)  # a loss object wrapping a loss function
    named = getattr(fn, "__name__", None) or getattr(loss, "__name__", None)
    return snake_case(named if named is not None else type(loss).__name__)


def resolve_accuracy(y_true_shape, y_pred_shape, loss=None):
    """The accuracy class that ``metrics=['accuracy']`` means, as a class name.

    Rules, first match wins:

    1. a binary cross-entropy loss (also focal) -> ``'BinaryAccuracy'`` (multi-label
       sigmoid outputs are scored per label);
    2. a sparse categorical cross-entropy loss -> ``'SparseCategoricalAccuracy'``;
    3. a categorical cross-entropy loss -> ``'CategoricalAccuracy'``;
    4. predictions with one unit (last dimension 1, or rank <= 1) -> ``'BinaryAccuracy'``;
    5. labels of lower rank than the predictions, or labels of shape ``(N, 1)`` against
       several units -> ``'SparseCategoricalAccuracy'`` (integer class ids);
    6. otherwise (one-hot labels) -> ``'CategoricalAccuracy'``.

    ``loss`` may be a name, function, loss object or None (other losses, and per-output
    lists or dicts, leave the choice to the shapes).
    """
    if loss is not None and not isinstance(loss, (list, tuple, dict)):
        kind = _loss_name(loss)
        if kind in _BINARY_LOSSES:
            return "BinaryAccuracy"
        if kind in _SPARSE_LOSSES:
            return "SparseCategoricalAccuracy"
        if kind in _CATEGORICAL_LOSSES:
            return "CategoricalAccuracy"
    true_shape, pred_shape = tuple(y_true_shape), tuple(y_pred_shape)
    if len(pred_shape) <= 1 or pred_shape[-1] == 1:
        return "BinaryAccuracy"
    true_last = true_shape[-1] if true_shape else 1
    if len(true_shape) < len(pred_shape) or true_last == 1:
        return "SparseCategoricalAccuracy"
    return "CategoricalAccuracy"


__all__ = sorted({"FUNCTIONS", "Metric", "deserialize", "get", "resolve_accuracy",
                  "serialize", *(n for m in _FAMILIES for n in m.__all__)})
