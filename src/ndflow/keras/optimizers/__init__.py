"""``ndflow.keras.optimizers``: Keras 3's optimizers and learning-rate schedules.

>>> from ndflow.keras import optimizers
>>> optimizers.get("adam")
<Adam name='adam' learning_rate=0.001 iterations=0>

``get`` resolves a name (any case: 'adam', 'Adam', 'rmsprop'), a config dict or an
instance; ``serialize`` / ``deserialize`` convert to and from the dict form.
"""

from ndflow.keras.optimizers import schedules
from ndflow.keras.optimizers.adadelta import Adadelta
from ndflow.keras.optimizers.adagrad import Adagrad
from ndflow.keras.optimizers.adam import Adam
from ndflow.keras.optimizers.adamax import Adamax
from ndflow.keras.optimizers.adamw import AdamW
from ndflow.keras.optimizers.base import Optimizer
from ndflow.keras.optimizers.ftrl import Ftrl
from ndflow.keras.optimizers.lion import Lion
from ndflow.keras.optimizers.nadam import Nadam
from ndflow.keras.optimizers.rmsprop import RMSprop
from ndflow.keras.optimizers.sgd import SGD
from ndflow.keras.utils.object_registration import get_registered_name, get_registered_object

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lion",
    "Nadam",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]

_CLASSES = (Optimizer, SGD, Adam, AdamW, Nadam, Adamax, RMSprop, Adagrad, Adadelta, Ftrl, Lion)
# Keras matches names case-insensitively: 'adam', 'Adam' and 'ADAM' are all Adam
_BY_NAME = {cls.__name__.lower(): cls for cls in _CLASSES}


def serialize(optimizer):
    """The dict form of an optimizer: ``{"class_name": ..., "config": {...}}``."""
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"Cannot serialize {optimizer!r}: it is not an Optimizer")
    cls = type(optimizer)
    return {"module": "keras.optimizers",
            "class_name": cls.__name__ if cls in _CLASSES else get_registered_name(cls),
            "config": optimizer.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """An optimizer from ``serialize``'s dict."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret optimizer config: {config!r}; expected a dict "
                         f"with 'class_name' and 'config'")
    name = config["class_name"]
    cls = get_registered_object(name, custom_objects) or _BY_NAME.get(str(name).lower())
    if cls is None:
        raise ValueError(f"Unknown optimizer: {name!r}. Valid names are: "
                         f"{', '.join(sorted(_BY_NAME))}")
    return cls.from_config(config.get("config") or {})


def get(identifier):
    """The optimizer for a name, a config dict or an instance (returned as is)."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        return deserialize({"class_name": identifier, "config": {}})
    if isinstance(identifier, dict):
        return deserialize(identifier)
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}; expected a "
                     f"name such as 'adam', a config dict or an Optimizer instance")
