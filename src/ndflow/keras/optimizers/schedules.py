"""Learning-rate schedules, as ``keras.optimizers.schedules``.

A schedule maps the optimizer's step counter to a learning rate:

>>> from ndflow.keras.optimizers import schedules
>>> s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
>>> round(float(s(10)), 6)
0.05

Pass one as ``learning_rate`` to any optimizer; it is evaluated at ``optimizer.iterations``
before each update. Built-in schedules compute in Python floats (``_value_at``), so the
optimizer's step pays no tensor overhead; calling a schedule returns a float32 tensor.
"""

import math

from ndflow.core.convert import convert_to_tensor
from ndflow.keras.saving.object_table import Configurable, ObjectTable

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]


class LearningRateSchedule(Configurable):
    """Base class of learning-rate schedules: ``schedule(step)`` returns the rate.

    Subclasses define ``__call__(step)`` (and ``get_config`` to be serializable); the
    built-in ones define ``_value_at(step)`` on a Python number instead.
    """

    def __call__(self, step):
        return convert_to_tensor(self._value_at(float(step)), dtype="float32")

    def _value_at(self, step):
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(step)")

    def get_config(self) -> dict:
        """The constructor arguments that rebuild this schedule."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config()")


def _positive(value, name, who):
    if value <= 0:
        raise ValueError(f"{who}: {name} must be positive, got {name}={value!r}")
    return value


class _StepDecay(LearningRateSchedule):
    """Decay driven by ``p = step / decay_steps`` (floored with ``staircase=True``)."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase=False,
                 name=None):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive(decay_steps, "decay_steps", type(self).__name__)
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name or type(self).__name__

    def _value_at(self, step):
        p = step / self.decay_steps
        if self.staircase:
            p = math.floor(p)
        return self._decayed(float(self.initial_learning_rate), float(self.decay_rate), p)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "decay_rate": self.decay_rate,
                "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_StepDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``; with
    ``staircase=True`` the exponent is floored (the rate drops every ``decay_steps``)."""

    @staticmethod
    def _decayed(rate, decay_rate, p):
        return rate * decay_rate ** p


class InverseTimeDecay(_StepDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``; with
    ``staircase=True`` the ratio ``step / decay_steps`` is floored."""

    @staticmethod
    def _decayed(rate, decay_rate, p):
        return rate / (1.0 + decay_rate * p)


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, ``values[-1]`` after the last boundary."""

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                f"PiecewiseConstantDecay: the length of boundaries should be 1 less than the "
                f"length of values; got {len(boundaries)} boundaries and {len(values)} values")
        if any(b >= a for b, a in zip(boundaries, boundaries[1:])):
            raise ValueError(f"PiecewiseConstantDecay: boundaries must be increasing, got "
                             f"{list(boundaries)}")
        self.boundaries = list(boundaries)
        self.values = list(values)
        self.name = name

    def _value_at(self, step):
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return float(value)
        return float(self.values[-1])

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """``(initial - end) * (1 - step / decay_steps) ** power + end``, the step held at
    ``decay_steps``; with ``cycle=True`` ``decay_steps`` grows to the next multiple instead."""

    def __init__(self, initial_learning_rate, decay_steps, end_learning_rate=0.0001, power=1.0,
                 cycle=False, name="PolynomialDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive(decay_steps, "decay_steps", "PolynomialDecay")
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def _value_at(self, step):
        decay_steps = float(self.decay_steps)
        if self.cycle:
            # step 0 uses the first cycle, not a zero-length one
            decay_steps *= max(math.ceil(step / decay_steps), 1)
        else:
            step = min(step, decay_steps)
        start, end = float(self.initial_learning_rate), float(self.end_learning_rate)
        return (start - end) * (1.0 - step / decay_steps) ** self.power + end

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "end_learning_rate": self.end_learning_rate,
                "power": self.power, "cycle": self.cycle, "name": self.name}


def _cosine(fraction, alpha):
    """The cosine curve from 1 (fraction 0) down to ``alpha`` (fraction 1)."""
    return (1.0 - alpha) * 0.5 * (1.0 + math.cos(math.pi * fraction)) + alpha


class CosineDecay(LearningRateSchedule):
    """Cosine decay from the initial rate to ``alpha`` times it over ``decay_steps``.

    With ``warmup_target``, the rate first rises linearly from ``initial_learning_rate`` to
    ``warmup_target`` over ``warmup_steps``, then decays from ``warmup_target``.
    """

    def __init__(self, initial_learning_rate, decay_steps, alpha=0.0, name="CosineDecay",
                 warmup_target=None, warmup_steps=0):
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = _positive(decay_steps, "decay_steps", "CosineDecay")
        self.alpha = alpha
        self.name = name
        self.warmup_target = warmup_target
        self.warmup_steps = warmup_steps

    def _value_at(self, step):
        initial, alpha = float(self.initial_learning_rate), float(self.alpha)
        if self.warmup_target is None:
            return initial * _cosine(min(step, self.decay_steps) / self.decay_steps, alpha)
        target = float(self.warmup_target)
        if step < self.warmup_steps:
            return initial + (target - initial) * step / self.warmup_steps
        step = min(step, self.decay_steps + self.warmup_steps) - self.warmup_steps
        return target * _cosine(step / self.decay_steps, alpha)

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "decay_steps": self.decay_steps, "alpha": self.alpha, "name": self.name,
                "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts: periods of ``first_decay_steps * t_mul**i`` steps,
    each restarting at ``m_mul**i`` times the initial rate."""

    def __init__(self, initial_learning_rate, first_decay_steps, t_mul=2.0, m_mul=1.0,
                 alpha=0.0, name="SGDRDecay"):
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = _positive(first_decay_steps, "first_decay_steps",
                                           "CosineDecayRestarts")
        self.t_mul = t_mul
        self.m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def _value_at(self, step):
        fraction = step / self.first_decay_steps
        t_mul, m_mul = float(self.t_mul), float(self.m_mul)
        if t_mul == 1.0:
            restarts = math.floor(fraction)
            fraction -= restarts
        else:
            restarts = math.floor(math.log(1.0 - fraction * (1.0 - t_mul)) / math.log(t_mul))
            done = (1.0 - t_mul ** restarts) / (1.0 - t_mul)
            fraction = (fraction - done) / t_mul ** restarts
        return (float(self.initial_learning_rate) * m_mul ** restarts
                * _cosine(fraction, float(self.alpha)))

    def get_config(self):
        return {"initial_learning_rate": self.initial_learning_rate,
                "first_decay_steps": self.first_decay_steps, "t_mul": self.t_mul,
                "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}


_CLASSES = (CosineDecay, CosineDecayRestarts, ExponentialDecay, InverseTimeDecay,
            PiecewiseConstantDecay, PolynomialDecay)
_BY_NAME = {cls.__name__: cls for cls in _CLASSES}


_TABLE = ObjectTable("learning rate schedule", "keras.optimizers.schedules", _BY_NAME,
                     "ExponentialDecay", base=LearningRateSchedule)
serialize = _TABLE.serialize
deserialize = _TABLE.deserialize
