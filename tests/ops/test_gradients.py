"""Walk the gradient table: tape gradients vs central finite differences in float64."""

import numpy as np
import pytest

import ndflow as nd
from ndflow.autodiff.primitive import registry, state
from ndflow.testing import check_gradients
from tests.ops.cases import all_cases

CASES = all_cases()

# Primitives that cannot be reached from the float64 arguments of a case, each with the
# test that checks its gradients instead.
EXERCISED_ELSEWHERE: dict = {}
SECOND_ORDER = [c for c in CASES if c.order >= 2]


@pytest.mark.parametrize("case", CASES, ids=str)
def test_first_order(case):
    check_gradients(case.fn, case.args, order=1, atol=case.atol, rtol=case.rtol)


@pytest.mark.parametrize("case", SECOND_ORDER, ids=str)
def test_second_order(case):
    check_gradients(case.fn, case.args, order=2, atol=case.atol, rtol=case.rtol)


class _PrimitiveLog:
    """A recorder that notes the name of every primitive bound."""

    def __init__(self):
        self.names = set()

    def record(self, prim, args, out, params):
        self.names.add(prim.name)

    def record_read(self, variable, snapshot):
        pass


def test_every_differentiable_primitive_is_in_the_table():
    log = _PrimitiveLog()
    state.recorders.append(log)
    try:
        for case in CASES:
            check_gradients(case.fn, case.args, order=min(case.order, 2), atol=case.atol,
                            rtol=case.rtol)
    finally:
        state.recorders.remove(log)
    differentiable = {name for name, p in registry.items() if p.differentiable}
    differentiable -= set(EXERCISED_ELSEWHERE)
    missing = sorted(differentiable - log.names)
    assert not missing, f"primitives missing from the gradient table: {missing}"


def _case_gradients(case):
    xs = [nd.constant(a) for a in case.args]
    with nd.GradientTape() as tape:
        tape.watch(xs)
        y = case.fn(*xs)
    return [None if g is None else g.numpy() for g in tape.gradient(y, xs)]


def _uses_raw_rules(case):
    log = _PrimitiveLog()
    state.recorders.append(log)
    try:
        case.fn(*[nd.constant(a) for a in case.args])
    finally:
        state.recorders.remove(log)
    return any(registry[name].raw_vjp is not None for name in log.names)


@pytest.mark.parametrize("case", [c for c in CASES if _uses_raw_rules(c)], ids=str)
def test_raw_rules_agree_with_the_op_rules(case):
    # with no recorder active the tape runs the raw (array) rules; an active recorder makes
    # it run the op-level rules that higher derivatives need: both must give one answer
    raw = _case_gradients(case)
    log = _PrimitiveLog()
    state.recorders.append(log)
    try:
        recorded = _case_gradients(case)
    finally:
        state.recorders.remove(log)
    for a, b in zip(raw, recorded):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
