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
from ndflow.keras.saving.object_table import ObjectTable

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
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}


_TABLE = ObjectTable("optimizer", "keras.optimizers", _BY_NAME, "adam", base=Optimizer,
                     case_insensitive=True)
serialize = _TABLE.serialize
deserialize = _TABLE.deserialize


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
