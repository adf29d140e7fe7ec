"""GradientTape: what it watches, what it returns, and derivatives of any order."""

import warnings

import numpy as np
import pytest

import ndflow as nd

RNG = np.random.default_rng(7)


def _np(t):
    return None if t is None else np.asarray(t.numpy())


# -- the course examples -----------------------------------------------------------------
def test_square_of_a_variable():
    x = nd.Variable(3.0)
    with nd.GradientTape() as tape:
        y = x**2
    dy_dx = tape.gradient(y, x)
    assert dy_dx.numpy() == 6.0
    assert dy_dx.dtype == nd.float32


def test_persistent_tape_with_weights_and_bias():
    w = nd.Variable(nd.random.normal((3, 2)), name="w")
    b = nd.Variable(nd.zeros(2, dtype=nd.float32), name="b")
    x = [[1.0, 2.0, 3.0]]
    with nd.GradientTape(persistent=True) as tape:
        y = x @ w + b
        loss = nd.reduce_mean(y**2)
    dl_dw, dl_db = tape.gradient(loss, [w, b])
    # loss = mean_j y_j^2 over 2 outputs: dl/dy = y, dl/dw = x^T y, dl/db = y
    xv = np.array(x, np.float32)
    yv = xv @ w.numpy() + b.numpy()
    np.testing.assert_allclose(dl_dw.numpy(), xv.T @ yv, rtol=1e-5)
    np.testing.assert_allclose(dl_db.numpy(), yv[0], rtol=1e-5)
    # the tape is persistent: a second call works and agrees
    np.testing.assert_allclose(tape.gradient(loss, w).numpy(), dl_dw.numpy())
    del tape


# -- what the tape watches ----------------------------------------------------------------
def test_constants_need_watch():
    x = nd.constant(3.0)
    with nd.GradientTape(persistent=True) as tape:
        y = x * x
    assert tape.gradient(y, x) is None
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert float(tape.gradient(y, x)) == 6.0


def test_watch_accepts_nested_structures():
    a, b = nd.constant(1.0), nd.constant(2.0)
    with nd.GradientTape() as tape:
        tape.watch({"a": a, "rest": [b]})
        y = a * b
    ga, gb = tape.gradient(y, [a, b])
    assert (float(ga), float(gb)) == (2.0, 1.0)


def test_trainable_variables_are_watched_automatically_not_others():
    trainable = nd.Variable(2.0)
    frozen = nd.Variable(5.0, trainable=False)
    with nd.GradientTape() as tape:
        y = trainable * frozen
    g_t, g_f = tape.gradient(y, [trainable, frozen])
    assert float(g_t) == 5.0
    assert g_f is None


def test_non_trainable_variable_can_be_watched_explicitly():
    frozen = nd.Variable(5.0, trainable=False)
    with nd.GradientTape() as tape:
        tape.watch(frozen)
        y = frozen * frozen
    assert float(tape.gradient(y, frozen)) == 10.0


def test_watch_accessed_variables_false():
    a, b = nd.Variable(2.0), nd.Variable(3.0)
    with nd.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * b
    ga, gb = tape.gradient(y, [a, b])
    assert float(ga) == 3.0
    assert gb is None


def test_watched_variables():
    a, b, c = nd.Variable(1.0), nd.Variable(2.0), nd.Variable(3.0, trainable=False)
    with nd.GradientTape() as tape:
        y = a * c + b
    refs = {v.ref() for v in tape.watched_variables()}
    assert refs == {a.ref(), b.ref()}
    with nd.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(c)
        y = a * c
    assert [v.ref() for v in tape.watched_variables()] == [c.ref()]
    del y


def test_integer_and_bool_watch_warns_and_gradients_are_none():
    i = nd.constant([1, 2])
    flag = nd.constant([True, False])
    with nd.GradientTape(persistent=True) as tape:
        with pytest.warns(UserWarning, match="must be floating"):
            tape.watch(i)
        with pytest.warns(UserWarning, match="must be floating"):
            tape.watch(flag)
        y = nd.cast(i, nd.float32) * 2.0
    assert tape.gradient(y, i) is None
    assert tape.gradient(y, flag) is None


def test_integer_variable_is_not_watched():
    v = nd.Variable(3)
    with nd.GradientTape() as tape:
        y = nd.cast(v, nd.float32) * 2.0
    assert tape.gradient(y, v) is None
    assert tape.watched_variables() == ()


def test_float_watch_does_not_warn():
    x = nd.constant(1.0)
    with warnings.catch_warnings(), nd.GradientTape() as tape:
        warnings.simplefilter("error")
        tape.watch(x)


# -- persistence ------------------------------------------------------------------------
def test_persistent_tape_gives_several_gradients():
    x = nd.constant(3.0)
    with nd.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert float(tape.gradient(z, x)) == 108.0  # 4 x^3
    assert float(tape.gradient(y, x)) == 6.0
    assert float(tape.gradient(z, y)) == 18.0  # 2 y


def test_non_persistent_tape_gives_one_gradient():
    x = nd.Variable(3.0)
    with nd.GradientTape() as tape:
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y, x)


# -- structure of sources and targets ----------------------------------------------------
def test_sources_keep_their_structure():
    a, b, c = nd.Variable(1.0), nd.Variable(2.0), nd.Variable(3.0)
    with nd.GradientTape(persistent=True) as tape:
        y = a * b * c
    g = tape.gradient(y, a)
    assert isinstance(g, nd.Tensor)
    assert float(g) == 6.0
    g = tape.gradient(y, [a, b])
    assert isinstance(g, list)
    assert [float(t) for t in g] == [6.0, 3.0]
    g = tape.gradient(y, {"x": a, "y": c})
    assert isinstance(g, dict)
    assert set(g) == {"x", "y"}
    assert (float(g["x"]), float(g["y"])) == (6.0, 2.0)
    g = tape.gradient(y, [a, {"inner": (b, c)}])
    assert isinstance(g, list)
    assert isinstance(g[1], dict)
    assert isinstance(g[1]["inner"], tuple)
    assert [float(g[0]), float(g[1]["inner"][0]), float(g[1]["inner"][1])] == [6.0, 3.0, 2.0]


def test_non_scalar_target_is_summed():
    x = nd.Variable([1.0, 2.0, 3.0])
    with nd.GradientTape() as tape:
        y = x * x  # shape (3,)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0])


def test_list_of_targets_is_summed():
    x = nd.Variable(2.0)
    with nd.GradientTape() as tape:
        y1 = x * x
        y2 = 3.0 * x
    assert float(tape.gradient([y1, y2], x)) == 7.0


def test_output_gradients_weight_the_target():
    x = nd.Variable([1.0, 2.0, 3.0])
    weights = nd.constant([10.0, 0.0, -1.0])
    with nd.GradientTape() as tape:
        y = x * x
    np.testing.assert_allclose(tape.gradient(y, x, output_gradients=weights).numpy(),
                               [20.0, 0.0, -6.0])


def test_unconnected_gradients_none_and_zero():
    x = nd.Variable([1.0, 2.0])
    unused = nd.Variable(np.ones((2, 3)))
    with nd.GradientTape(persistent=True) as tape:
        y = nd.reduce_sum(x * x)
    assert tape.gradient(y, unused) is None
    assert tape.gradient(y, unused, unconnected_gradients=nd.UnconnectedGradients.NONE) is None
    for how in (nd.UnconnectedGradients.ZERO, "zero"):
        g = tape.gradient(y, [x, unused], unconnected_gradients=how)
        np.testing.assert_array_equal(g[1].numpy(), np.zeros((2, 3)))
        assert g[1].dtype == unused.dtype
        np.testing.assert_allclose(g[0].numpy(), [2.0, 4.0])


def test_gradient_with_respect_to_an_intermediate():
    x = nd.Variable(2.0)
    with nd.GradientTape(persistent=True) as tape:
        y = x * x
        z = nd.sin(y)
    np.testing.assert_allclose(float(tape.gradient(z, y)), np.cos(4.0), rtol=1e-6)
    np.testing.assert_allclose(float(tape.gradient(z, x)), np.cos(4.0) * 4.0, rtol=1e-6)


def test_watch_of_python_data_is_an_error():
    with nd.GradientTape() as tape, pytest.raises(ValueError, match="float"):
        tape.watch(1.0)


def test_target_that_is_the_source():
    v = nd.Variable([2.0, 3.0])
    with nd.GradientTape() as tape:
        pass
    np.testing.assert_array_equal(tape.gradient(v, v).numpy(), [1.0, 1.0])


def test_target_computed_outside_the_tape_has_no_gradient():
    x = nd.Variable(2.0)
    with nd.GradientTape() as tape:
        y = x * x
    z = y * 3.0
    assert tape.gradient(z, x) is None


def test_gradient_of_the_source_itself_is_one():
    x = nd.Variable([1.0, 2.0])
    with nd.GradientTape() as tape:
        y = x * 1.0
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [1.0, 1.0])


# -- jacobians ------------------------------------------------------------------------------
def test_jacobian_of_an_elementwise_function():
    xv = np.array([0.5, -1.0, 2.0])
    x = nd.constant(xv)
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = nd.sin(x) * x
    jac = tape.jacobian(y, x)
    assert jac.shape == (3, 3)
    np.testing.assert_allclose(jac.numpy(), np.diag(np.cos(xv) * xv + np.sin(xv)), rtol=1e-12)


def test_jacobian_of_a_scalar_target_is_the_gradient():
    xv = np.array([1.0, -2.0, 0.5])
    x = nd.constant(xv)
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = nd.reduce_sum(x * x * x)
    jac = tape.jacobian(y, x)
    assert jac.shape == (3,)
    np.testing.assert_allclose(jac.numpy(), 3 * xv**2, rtol=1e-12)


def test_jacobian_of_a_matrix_function_against_numpy():
    a = RNG.standard_normal((2, 4))
    xv = RNG.standard_normal((4, 3))
    x = nd.Variable(xv)
    with nd.GradientTape() as tape:
        y = nd.matmul(nd.constant(a), x)  # (2, 3)
    jac = tape.jacobian(y, x)
    assert jac.shape == (2, 3, 4, 3)
    # dy[i, j] / dx[k, l] = a[i, k] * (j == l)
    expected = np.einsum("ik,jl->ijkl", a, np.eye(3))
    np.testing.assert_allclose(jac.numpy(), expected, rtol=1e-12, atol=1e-14)


def test_jacobian_with_several_sources_and_unconnected():
    x, unused = nd.Variable([1.0, 2.0]), nd.Variable([3.0])
    with nd.GradientTape(persistent=True) as tape:
        y = x * x
    jx, ju = tape.jacobian(y, [x, unused])
    np.testing.assert_allclose(jx.numpy(), np.diag([2.0, 4.0]))
    assert ju is None
    ju = tape.jacobian(y, unused, unconnected_gradients="zero")
    np.testing.assert_array_equal(ju.numpy(), np.zeros((2, 1)))


def test_batch_jacobian_against_numpy():
    xv = RNG.standard_normal((4, 3))
    wv = RNG.standard_normal((3, 2))
    x = nd.constant(xv)
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = nd.tanh(nd.matmul(x, nd.constant(wv)))  # (4, 2)
    jac = tape.batch_jacobian(y, x)
    assert jac.shape == (4, 2, 3)
    yv = np.tanh(xv @ wv)
    expected = (1 - yv**2)[:, :, None] * wv.T[None, :, :]
    np.testing.assert_allclose(jac.numpy(), expected, rtol=1e-12)


# -- controlling recording ------------------------------------------------------------------
def test_stop_recording():
    x = nd.Variable(2.0)
    with nd.GradientTape(persistent=True) as tape:
        y = x * x
        with tape.stop_recording():
            z = x * x * x
        w = y + z
    assert tape.gradient(z, x) is None
    assert float(tape.gradient(w, x)) == 4.0  # only y's path was recorded


def test_reset_forgets_the_recording():
    x = nd.Variable(2.0)
    with nd.GradientTape(persistent=True) as tape:
        y = x * x
        tape.reset()
        z = x * 3.0
    assert tape.gradient(y, x) is None
    assert float(tape.gradient(z, x)) == 3.0


def test_stop_gradient_blocks():
    x = nd.Variable(3.0)
    with nd.GradientTape() as tape:
        y = x * nd.stop_gradient(x)
    assert float(tape.gradient(y, x)) == 3.0


def test_gradient_through_a_variable_used_twice_accumulates():
    v = nd.Variable([1.0, -2.0])
    with nd.GradientTape() as tape:
        y = v * v + 3.0 * v + nd.sin(v)
    np.testing.assert_allclose(tape.gradient(y, v).numpy(),
                               2 * v.numpy() + 3.0 + np.cos(v.numpy()), rtol=1e-6)


def test_assign_after_use_does_not_change_the_gradient():
    v = nd.Variable(2.0)
    with nd.GradientTape() as tape:
        y = v * v
    v.assign(10.0)
    assert float(tape.gradient(y, v)) == 4.0


# -- higher order -----------------------------------------------------------------------------
def test_third_derivative_of_sin():
    xv = np.array([0.3, 1.1, -2.0])
    x = nd.constant(xv)
    with nd.GradientTape() as t3:
        t3.watch(x)
        with nd.GradientTape() as t2:
            t2.watch(x)
            with nd.GradientTape() as t1:
                t1.watch(x)
                y = nd.sin(x)
            d1 = t1.gradient(y, x)
        d2 = t2.gradient(d1, x)
    d3 = t3.gradient(d2, x)
    np.testing.assert_allclose(d1.numpy(), np.cos(xv), rtol=1e-12)
    np.testing.assert_allclose(d2.numpy(), -np.sin(xv), rtol=1e-12)
    np.testing.assert_allclose(d3.numpy(), -np.cos(xv), rtol=1e-12)


def test_higher_derivatives_of_tanh_of_a_matmul():
    xv = RNG.standard_normal((2, 3)) * 0.5
    wv = RNG.standard_normal((3, 1))
    x, w = nd.constant(xv), nd.constant(wv)
    with nd.GradientTape() as t3:
        t3.watch(x)
        with nd.GradientTape() as t2:
            t2.watch(x)
            with nd.GradientTape() as t1:
                t1.watch(x)
                y = nd.tanh(nd.matmul(x, w))
            g1 = t1.gradient(y, x)
        g2 = t2.gradient(g1, x)
    g3 = t3.gradient(g2, x)
    # y_i = tanh(u_i), u = x w; s = 1 - tanh^2; each order sums the previous gradient
    t = np.tanh(xv @ wv)  # (2, 1)
    s = 1 - t**2
    s1 = -2 * t * s
    s2 = -2 * s**2 + 4 * t**2 * s
    total = wv.sum()
    np.testing.assert_allclose(g1.numpy(), s * wv.T, rtol=1e-10)
    np.testing.assert_allclose(g2.numpy(), s1 * wv.T * total, rtol=1e-10)
    np.testing.assert_allclose(g3.numpy(), s2 * wv.T * total**2, rtol=1e-10)


def test_gradient_inside_a_persistent_tape_records_for_higher_order():
    x = nd.Variable(2.0)
    with nd.GradientTape(persistent=True) as tape:
        y = x**3
        dy = tape.gradient(y, x)
    assert float(dy) == 12.0
    assert float(tape.gradient(dy, x)) == 12.0  # 6x


def test_second_derivative_with_respect_to_a_variable():
    v = nd.Variable(np.array([0.5, 1.5]))
    with nd.GradientTape() as outer:
        with nd.GradientTape() as inner:
            y = nd.reduce_sum(nd.exp(v) * v)
        g = inner.gradient(y, v)
    h = outer.gradient(g, v)
    vv = v.numpy()
    np.testing.assert_allclose(h.numpy(), np.exp(vv) * (vv + 2), rtol=1e-12)


# -- dtypes -----------------------------------------------------------------------------------
def test_gradient_dtype_is_the_source_dtype_in_a_mixed_expression():
    a = nd.Variable(np.float16(1.5))
    b = nd.Variable(np.float32(2.0))
    c = nd.Variable(np.float64(3.0))
    with nd.GradientTape() as tape:
        y = a * b + c * a  # float16 * float32 -> float32, then + float64 -> float64
    assert y.dtype == nd.float64
    ga, gb, gc = tape.gradient(y, [a, b, c])
    assert (ga.dtype, gb.dtype, gc.dtype) == (nd.float16, nd.float32, nd.float64)
    assert (float(ga), float(gb), float(gc)) == (5.0, 1.5, 1.5)


@pytest.mark.parametrize("dtype", [nd.float16, nd.float32, nd.float64])
def test_gradient_dtype_follows_the_source(dtype):
    x = nd.constant([1.0, 2.0], dtype=dtype)
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = nd.reduce_sum(x * x * 0.5)
    g = tape.gradient(y, x)
    assert g.dtype == dtype
    np.testing.assert_array_equal(g.numpy(), [1.0, 2.0])
