"""Walk the gradient table: tape gradients vs central finite differences in float64."""

import pytest

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
