"""custom_gradient: functions that bring their own gradient rule."""

import numpy as np
import pytest

import ndflow as nd
from ndflow.autodiff.primitive import state


@nd.custom_gradient
def clip_gradient(x):
    """Identity forward; the gradient passing back is clipped to [-0.5, 0.5]."""

    def grad(upstream):
        return nd.clip_by_value(upstream, -0.5, 0.5)

    return x, grad


@nd.custom_gradient
def log1pexp(x):
    """log(1 + e^x) with a gradient that stays finite for large x (the TF docs example)."""
    e = nd.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))

    return nd.log(1 + e), grad


def test_clipped_gradient():
    x = nd.constant([1.0, -2.0, 3.0])
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = clip_gradient(x) * nd.constant([10.0, -10.0, 0.1])
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.5, -0.5, 0.1], rtol=1e-6)
    np.testing.assert_array_equal(y.numpy(), np.array([10.0, 20.0, 0.3], np.float32))


def test_log1pexp_gradient_is_finite_where_the_naive_one_is_not():
    x = nd.constant(100.0)
    with np.errstate(over="ignore", invalid="ignore"):
        with nd.GradientTape(persistent=True) as tape:
            tape.watch(x)
            custom = log1pexp(x)
            naive = nd.log(1 + nd.exp(x))
        assert float(tape.gradient(custom, x)) == 1.0
        assert np.isnan(float(tape.gradient(naive, x)))


def test_log1pexp_gradient_is_the_sigmoid():
    xv = np.array([-3.0, 0.0, 0.7, 4.0])
    x = nd.constant(xv)
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = log1pexp(x)
    np.testing.assert_allclose(y.numpy(), np.log1p(np.exp(xv)), rtol=1e-12)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), 1 / (1 + np.exp(-xv)), rtol=1e-12)


def test_second_order_through_a_custom_gradient():
    @nd.custom_gradient
    def softplus(x):
        def grad(upstream):
            return upstream * nd.sigmoid(x)

        return nd.log(1 + nd.exp(x)), grad

    xv = np.array([-1.0, 0.5, 2.0])
    x = nd.constant(xv)
    with nd.GradientTape() as outer:
        outer.watch(x)
        with nd.GradientTape() as inner:
            inner.watch(x)
            y = softplus(x)
        g = inner.gradient(y, x)
    h = outer.gradient(g, x)
    s = 1 / (1 + np.exp(-xv))
    np.testing.assert_allclose(g.numpy(), s, rtol=1e-12)
    np.testing.assert_allclose(h.numpy(), s * (1 - s), rtol=1e-12)


def test_only_the_custom_rule_is_used():
    @nd.custom_gradient
    def wrong_on_purpose(x):
        def grad(upstream):
            return upstream * 7.0

        return x * x, grad

    x = nd.constant(3.0)
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = wrong_on_purpose(x)
    assert float(y) == 9.0
    assert float(tape.gradient(y, x)) == 7.0


def test_several_inputs():
    @nd.custom_gradient
    def product(a, b):
        def grad(upstream):
            return upstream * b * 2.0, upstream * a * 3.0

        return a * b, grad

    a, b = nd.constant(2.0), nd.constant(5.0)
    with nd.GradientTape() as tape:
        tape.watch([a, b])
        y = product(a, b)
    ga, gb = tape.gradient(y, [a, b])
    assert (float(ga), float(gb)) == (10.0, 6.0)


def test_reading_a_variable_passes_it_to_grad_fn():
    v = nd.Variable(2.0, name="scale")
    seen = []

    @nd.custom_gradient
    def scaled(x):
        def grad(upstream, variables=None):
            seen.append(list(variables))
            return upstream * v, [upstream * x * 10.0]

        return x * v, grad

    x = nd.constant(3.0)
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = scaled(x)
    gx, gv = tape.gradient(y, [x, v])
    assert float(y) == 6.0
    assert float(gx) == 2.0
    assert float(gv) == 30.0
    assert len(seen) == 1
    assert [u.ref() for u in seen[0]] == [v.ref()]


def test_works_without_a_tape():
    np.testing.assert_allclose(log1pexp(nd.constant([0.0])).numpy(), [np.log(2.0)], rtol=1e-6)


# -- errors ---------------------------------------------------------------------------------
def test_returning_only_the_output_is_an_error():
    @nd.custom_gradient
    def no_grad_fn(x):
        return x * 2.0

    with pytest.raises(TypeError, match=r"no_grad_fn.*\(output, grad_fn\)"):
        no_grad_fn(nd.constant(1.0))


def test_returning_a_non_callable_grad_fn_is_an_error():
    @nd.custom_gradient
    def bad(x):
        return x * 2.0, x

    with pytest.raises(TypeError, match=r"bad.*grad_fn"):
        bad(nd.constant(1.0))


def test_returning_a_list_as_output_is_an_error():
    @nd.custom_gradient
    def two_outputs(x):
        return [x, x], lambda upstream: upstream

    with pytest.raises(TypeError, match=r"two_outputs.*single tensor"):
        two_outputs(nd.constant(1.0))


def test_grad_fn_with_the_wrong_number_of_gradients():
    @nd.custom_gradient
    def product(a, b):
        return a * b, lambda upstream: upstream * b

    a, b = nd.constant(2.0), nd.constant(5.0)
    with nd.GradientTape() as tape:
        tape.watch([a, b])
        y = product(a, b)
    with pytest.raises(ValueError, match=r"1 gradients for 2 inputs"):
        tape.gradient(y, [a, b])


def test_reading_a_variable_needs_a_variables_argument():
    v = nd.Variable(2.0, name="hidden")

    @nd.custom_gradient
    def uses_v(x):
        return x * v, lambda upstream: upstream * v

    with pytest.raises(TypeError, match=r"hidden.*variables"), nd.GradientTape():
        uses_v(nd.constant(1.0))


def test_an_error_inside_the_function_restores_recording():
    @nd.custom_gradient
    def broken(x):
        raise ZeroDivisionError("boom")

    x = nd.constant(1.0)
    with nd.GradientTape() as tape:
        tape.watch(x)
        recorders = list(state.recorders)
        with pytest.raises(ZeroDivisionError):
            broken(x)
        assert state.recorders == recorders
        y = x * 4.0
    assert float(tape.gradient(y, x)) == 4.0
