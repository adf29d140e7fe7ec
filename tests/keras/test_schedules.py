"""Learning-rate schedules against their formulas, configs and errors."""

import math

import numpy as np
import pytest

from ndflow.core.variable import Variable
from ndflow.keras.optimizers import schedules

STEPS = [0, 1, 5, 10, 15, 20, 37, 100, 250]


def _exponential(step, lr, ds, rate, staircase):
    p = np.floor(step / ds) if staircase else step / ds
    return lr * rate ** p


def _inverse_time(step, lr, ds, rate, staircase):
    p = np.floor(step / ds) if staircase else step / ds
    return lr / (1 + rate * p)


def _polynomial(step, lr, ds, end, power, cycle):
    if cycle:
        ds = ds * max(np.ceil(step / ds), 1)
    else:
        step = min(step, ds)
    return (lr - end) * (1 - step / ds) ** power + end


def _cosine(step, lr, ds, alpha, target=None, warmup=0):
    if target is not None and step < warmup:
        return lr + (target - lr) * step / warmup
    peak = lr if target is None else target
    step = min(step - warmup, ds)
    return peak * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * step / ds)) + alpha)


def _restarts(step, lr, first, t_mul, m_mul, alpha):
    # walk the periods one by one
    start, length, scale = 0.0, float(first), 1.0
    while step >= start + length:
        start += length
        length *= t_mul
        scale *= m_mul
    frac = (step - start) / length
    return lr * scale * ((1 - alpha) * 0.5 * (1 + np.cos(np.pi * frac)) + alpha)


CASES = [
    ("exponential", schedules.ExponentialDecay(0.1, 10, 0.5),
     lambda s: _exponential(s, 0.1, 10, 0.5, False)),
    ("exponential staircase", schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True),
     lambda s: _exponential(s, 0.1, 10, 0.5, True)),
    ("inverse time", schedules.InverseTimeDecay(0.2, 7, 0.3),
     lambda s: _inverse_time(s, 0.2, 7, 0.3, False)),
    ("inverse time staircase", schedules.InverseTimeDecay(0.2, 7, 0.3, staircase=True),
     lambda s: _inverse_time(s, 0.2, 7, 0.3, True)),
    ("polynomial", schedules.PolynomialDecay(0.1, 20, 0.01, power=2.0),
     lambda s: _polynomial(s, 0.1, 20, 0.01, 2.0, False)),
    ("polynomial default end", schedules.PolynomialDecay(0.1, 20),
     lambda s: _polynomial(s, 0.1, 20, 0.0001, 1.0, False)),
    ("polynomial cycle", schedules.PolynomialDecay(0.1, 20, 0.01, power=0.5, cycle=True),
     lambda s: _polynomial(s, 0.1, 20, 0.01, 0.5, True)),
    ("cosine", schedules.CosineDecay(0.1, 50), lambda s: _cosine(s, 0.1, 50, 0.0)),
    ("cosine alpha", schedules.CosineDecay(0.1, 50, alpha=0.2),
     lambda s: _cosine(s, 0.1, 50, 0.2)),
    ("cosine warmup", schedules.CosineDecay(0.0, 50, alpha=0.1, warmup_target=0.3,
                                            warmup_steps=12),
     lambda s: _cosine(s, 0.0, 50, 0.1, 0.3, 12)),
    ("cosine restarts", schedules.CosineDecayRestarts(0.1, 10, t_mul=2.0, m_mul=0.5, alpha=0.1),
     lambda s: _restarts(s, 0.1, 10, 2.0, 0.5, 0.1)),
    ("cosine restarts t_mul 1", schedules.CosineDecayRestarts(0.1, 10, t_mul=1.0),
     lambda s: _restarts(s, 0.1, 10, 1.0, 1.0, 0.0)),
]


@pytest.mark.parametrize("name,schedule,formula", CASES, ids=[c[0] for c in CASES])
def test_schedule_matches_formula(name, schedule, formula):
    got = [schedule._value_at(s) for s in STEPS]
    np.testing.assert_allclose(got, [formula(s) for s in STEPS], rtol=1e-12, atol=1e-15)
    called = schedule(STEPS[3])
    assert called.dtype.name == "float32"
    np.testing.assert_allclose(float(called), formula(STEPS[3]), rtol=1e-6)


def test_piecewise_constant_boundaries_are_inclusive():
    s = schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    got = [float(s(step)) for step in (0, 10, 11, 20, 21, 1000)]
    assert got == pytest.approx([1.0, 1.0, 0.5, 0.5, 0.1, 0.1])


def test_schedule_accepts_a_step_variable():
    s = schedules.ExponentialDecay(1.0, 2, 0.5)
    step = Variable(np.asarray(4, dtype=np.int64))
    assert float(s(step)) == pytest.approx(0.25)


@pytest.mark.parametrize("name,schedule,formula", CASES, ids=[c[0] for c in CASES])
def test_config_round_trip(name, schedule, formula):
    rebuilt = type(schedule).from_config(schedule.get_config())
    assert rebuilt.get_config() == schedule.get_config()
    again = schedules.deserialize(schedules.serialize(schedule))
    assert type(again) is type(schedule)
    assert [again._value_at(s) for s in STEPS] == [schedule._value_at(s) for s in STEPS]


def test_piecewise_config_round_trip():
    s = schedules.PiecewiseConstantDecay([3, 9], [0.3, 0.2, 0.1], name="pc")
    config = schedules.serialize(s)
    assert config["class_name"] == "PiecewiseConstantDecay"
    assert schedules.deserialize(config).get_config() == s.get_config()


def test_errors():
    with pytest.raises(ValueError, match="1 less than the length of values"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0, 2.0])
    with pytest.raises(ValueError, match="increasing"):
        schedules.PiecewiseConstantDecay([5, 2], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="decay_steps must be positive"):
        schedules.ExponentialDecay(0.1, 0, 0.9)
    with pytest.raises(ValueError, match="Unknown learning rate schedule: 'Nope'.*CosineDecay"):
        schedules.deserialize({"class_name": "Nope", "config": {}})
    with pytest.raises(ValueError, match="not a LearningRateSchedule"):
        schedules.serialize(0.1)


def test_custom_schedule_subclass():
    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 0.5 ** math.floor(float(step))

        def get_config(self):
            return {}

    assert float(Halving()(3)) == 0.125
    assert "Halving" in repr(Halving())
