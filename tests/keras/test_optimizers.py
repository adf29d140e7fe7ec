"""Optimizers: update rules against PyTorch or reference formulas, and the base machinery."""

import warnings

import numpy as np
import pytest
import torch

from ndflow.autodiff.tape import GradientTape
from ndflow.core.convert import convert_to_tensor
from ndflow.core.variable import Variable
from ndflow.keras import constraints, optimizers
from ndflow.keras.optimizers import schedules
from ndflow.ops import math as nmath
from ndflow.ops.reduction import reduce_sum

STEPS = 20
SHAPES = [(3, 4), (4,), (2, 1, 3)]


def _problem(seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = [[rng.standard_normal(s).astype(dtype) for s in SHAPES] for _ in range(STEPS)]
    return params, grads


def _run(optimizer, params, grads, reverse=False):
    """Final weights; ``reverse`` passes the pairs in another order than the optimizer
    was built with, which takes the per-variable path instead of the flat one."""
    variables = [Variable(p, name=f"w{i}") for i, p in enumerate(params)]
    optimizer.build(variables)
    for step in grads:
        pairs = list(zip(step, variables))
        optimizer.apply_gradients(pairs[::-1] if reverse else pairs)
    return [v.numpy() for v in variables]


def _run_torch(make, params, grads):
    # torch keeps scalar state (NAdam's mu_product, step counts) in the default dtype
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        tensors = [torch.tensor(p, requires_grad=True) for p in params]
        opt = make(tensors)
        for step in grads:
            for t, g in zip(tensors, step):
                t.grad = torch.tensor(g)
            opt.step()
    finally:
        torch.set_default_dtype(default)
    return [t.detach().numpy() for t in tensors]


# -- reference formulas, one step for one array (Keras 3's documented update rules) -------
def _ref(step_fn, state_fn):
    def run(params, grads):
        ws = [p.copy() for p in params]
        states = [state_fn(w) for w in ws]
        for t, step in enumerate(grads, start=1):
            ws = [step_fn(w, g, s, t) for w, g, s in zip(ws, step, states)]
        return ws
    return run


def ref_sgd(lr, momentum=0.0, nesterov=False, wd=0.0):
    def step(w, g, s, t):
        w = w - w * wd * lr
        if not momentum:
            return w - lr * g
        s["m"] = momentum * s["m"] - lr * g
        return w + (momentum * s["m"] - lr * g if nesterov else s["m"])
    return _ref(step, lambda w: {"m": np.zeros_like(w)})


def ref_adam(lr, b1=0.9, b2=0.999, eps=1e-7, amsgrad=False, wd=0.0):
    def step(w, g, s, t):
        w = w - w * wd * lr
        s["m"] = b1 * s["m"] + (1 - b1) * g
        s["v"] = b2 * s["v"] + (1 - b2) * g * g
        s["vh"] = np.maximum(s["vh"], s["v"])
        v = s["vh"] if amsgrad else s["v"]
        alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        return w - alpha * s["m"] / (np.sqrt(v) + eps)
    return _ref(step, lambda w: {"m": np.zeros_like(w), "v": np.zeros_like(w),
                                 "vh": np.zeros_like(w)})


def ref_nadam(lr, b1=0.9, b2=0.999, eps=1e-7):
    def u(t):
        return b1 * (1 - 0.5 * 0.96 ** t)

    def step(w, g, s, t):
        s["prod"] *= u(t)
        s["m"] = b1 * s["m"] + (1 - b1) * g
        s["v"] = b2 * s["v"] + (1 - b2) * g * g
        m_hat = (u(t + 1) * s["m"] / (1 - s["prod"] * u(t + 1))
                 + (1 - u(t)) * g / (1 - s["prod"]))
        v_hat = s["v"] / (1 - b2 ** t)
        return w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return _ref(step, lambda w: {"m": np.zeros_like(w), "v": np.zeros_like(w), "prod": 1.0})


def ref_adamax(lr, b1=0.9, b2=0.999, eps=1e-7):
    def step(w, g, s, t):
        s["m"] = b1 * s["m"] + (1 - b1) * g
        s["u"] = np.maximum(b2 * s["u"], np.abs(g))
        return w - lr / (1 - b1 ** t) * s["m"] / (s["u"] + eps)
    return _ref(step, lambda w: {"m": np.zeros_like(w), "u": np.zeros_like(w)})


def ref_rmsprop(lr, rho=0.9, momentum=0.0, eps=1e-7, centered=False):
    def step(w, g, s, t):
        s["v"] = rho * s["v"] + (1 - rho) * g * g
        s["a"] = rho * s["a"] + (1 - rho) * g
        denom = s["v"] - s["a"] ** 2 if centered else s["v"]
        inc = lr * g / np.sqrt(denom + eps)
        if momentum:
            s["mom"] = momentum * s["mom"] + inc
            inc = s["mom"]
        return w - inc
    return _ref(step, lambda w: {"v": np.zeros_like(w), "a": np.zeros_like(w),
                                 "mom": np.zeros_like(w)})


def ref_adagrad(lr, init=0.1, eps=1e-7):
    def step(w, g, s, t):
        s["acc"] = s["acc"] + g * g
        return w - lr * g / np.sqrt(s["acc"] + eps)
    return _ref(step, lambda w: {"acc": np.full_like(w, init)})


def ref_adadelta(lr, rho=0.95, eps=1e-7):
    def step(w, g, s, t):
        s["eg"] = rho * s["eg"] + (1 - rho) * g * g
        delta = -np.sqrt(s["ex"] + eps) / np.sqrt(s["eg"] + eps) * g
        s["ex"] = rho * s["ex"] + (1 - rho) * delta * delta
        return w + lr * delta
    return _ref(step, lambda w: {"eg": np.zeros_like(w), "ex": np.zeros_like(w)})


def ref_ftrl(lr, power=-0.5, init=0.1, l1=0.0, l2=0.0, shrink=0.0, beta=0.0):
    # the FTRL-Proximal recursion as written in the Keras docs (n, sigma, z)
    def step(w, g, s, t):
        n_old = s["n"]
        s["n"] = n_old + g * g
        sigma = (s["n"] ** -power - n_old ** -power) / lr
        s["z"] = s["z"] + g + 2 * shrink * w - sigma * w
        quadratic = (beta + s["n"] ** -power) / lr + 2 * l2
        return np.where(np.abs(s["z"]) <= l1, 0.0,
                        (np.sign(s["z"]) * l1 - s["z"]) / quadratic)
    return _ref(step, lambda w: {"n": np.full_like(w, init), "z": np.zeros_like(w)})


def ref_lion(lr, b1=0.9, b2=0.99):
    def step(w, g, s, t):
        update = np.sign(b1 * s["m"] + (1 - b1) * g)
        s["m"] = b2 * s["m"] + (1 - b2) * g
        return w - lr * update
    return _ref(step, lambda w: {"m": np.zeros_like(w)})


def _torch(cls, **kw):
    return lambda params: cls(params, **kw)


O, T = optimizers, torch.optim  # noqa: E741
# (name, ndflow optimizer factory, oracle: ("torch", factory) or ("ref", runner))
PARITY = [
    ("sgd", lambda: O.SGD(0.1), ("torch", _torch(T.SGD, lr=0.1))),
    ("sgd momentum", lambda: O.SGD(0.1, momentum=0.9),
     ("torch", _torch(T.SGD, lr=0.1, momentum=0.9))),
    ("sgd nesterov", lambda: O.SGD(0.1, momentum=0.9, nesterov=True),
     ("torch", _torch(T.SGD, lr=0.1, momentum=0.9, nesterov=True))),
    # decoupled decay equals L2-coupled decay for plain SGD
    ("sgd weight_decay", lambda: O.SGD(0.1, weight_decay=0.3),
     ("torch", _torch(T.SGD, lr=0.1, weight_decay=0.3))),
    ("sgd momentum weight_decay", lambda: O.SGD(0.05, momentum=0.8, weight_decay=0.3),
     ("ref", ref_sgd(0.05, 0.8, wd=0.3))),
    # torch adds epsilon after the bias correction, Keras before: they agree at epsilon=0
    ("adam eps=0", lambda: O.Adam(0.01, epsilon=0.0),
     ("torch", _torch(T.Adam, lr=0.01, eps=0.0))),
    ("adam amsgrad eps=0", lambda: O.Adam(0.01, epsilon=0.0, amsgrad=True),
     ("torch", _torch(T.Adam, lr=0.01, eps=0.0, amsgrad=True))),
    ("adam", lambda: O.Adam(0.01), ("ref", ref_adam(0.01))),
    ("adam betas", lambda: O.Adam(0.02, beta_1=0.8, beta_2=0.9, epsilon=1e-3),
     ("ref", ref_adam(0.02, 0.8, 0.9, 1e-3))),
    ("adam amsgrad", lambda: O.Adam(0.01, amsgrad=True),
     ("ref", ref_adam(0.01, amsgrad=True))),
    ("adamw eps=0", lambda: O.AdamW(0.01, weight_decay=0.1, epsilon=0.0),
     ("torch", _torch(T.AdamW, lr=0.01, weight_decay=0.1, eps=0.0))),
    ("adamw", lambda: O.AdamW(0.01), ("ref", ref_adam(0.01, wd=0.004))),
    ("adamax eps=0", lambda: O.Adamax(0.01, epsilon=0.0),
     ("torch", _torch(T.Adamax, lr=0.01, eps=0.0))),
    ("adamax", lambda: O.Adamax(0.01), ("ref", ref_adamax(0.01))),
    # Keras's momentum schedule is torch's with momentum_decay=1; epsilon placement agrees
    ("nadam", lambda: O.Nadam(0.01),
     ("torch", _torch(T.NAdam, lr=0.01, eps=1e-7, momentum_decay=1.0))),
    ("nadam ref", lambda: O.Nadam(0.01, beta_1=0.85), ("ref", ref_nadam(0.01, b1=0.85))),
    # torch adds epsilon outside the square root, Keras inside: compare at epsilon=0
    ("rmsprop eps=0", lambda: O.RMSprop(0.01, epsilon=0.0),
     ("torch", _torch(T.RMSprop, lr=0.01, alpha=0.9, eps=0.0))),
    ("rmsprop centered eps=0", lambda: O.RMSprop(0.01, centered=True, epsilon=0.0),
     ("torch", _torch(T.RMSprop, lr=0.01, alpha=0.9, eps=0.0, centered=True))),
    ("rmsprop momentum eps=0", lambda: O.RMSprop(0.01, momentum=0.5, epsilon=0.0),
     ("torch", _torch(T.RMSprop, lr=0.01, alpha=0.9, eps=0.0, momentum=0.5))),
    ("rmsprop centered momentum eps=0",
     lambda: O.RMSprop(0.01, rho=0.8, momentum=0.5, centered=True, epsilon=0.0),
     ("torch", _torch(T.RMSprop, lr=0.01, alpha=0.8, eps=0.0, momentum=0.5, centered=True))),
    ("rmsprop", lambda: O.RMSprop(0.01), ("ref", ref_rmsprop(0.01))),
    ("rmsprop centered momentum", lambda: O.RMSprop(0.01, momentum=0.5, centered=True),
     ("ref", ref_rmsprop(0.01, momentum=0.5, centered=True))),
    ("adagrad eps=0", lambda: O.Adagrad(0.1, epsilon=0.0),
     ("torch", _torch(T.Adagrad, lr=0.1, initial_accumulator_value=0.1, eps=0.0))),
    ("adagrad", lambda: O.Adagrad(0.1), ("ref", ref_adagrad(0.1))),
    ("adadelta", lambda: O.Adadelta(1.0),
     ("torch", _torch(T.Adadelta, lr=1.0, rho=0.95, eps=1e-7))),
    ("adadelta ref", lambda: O.Adadelta(0.5, rho=0.9, epsilon=1e-6),
     ("ref", ref_adadelta(0.5, 0.9, 1e-6))),
    ("ftrl", lambda: O.Ftrl(0.1), ("ref", ref_ftrl(0.1))),
    ("ftrl l1 l2", lambda: O.Ftrl(0.1, l1_regularization_strength=0.05,
                                  l2_regularization_strength=0.1),
     ("ref", ref_ftrl(0.1, l1=0.05, l2=0.1))),
    ("ftrl power shrinkage beta",
     lambda: O.Ftrl(0.1, learning_rate_power=-0.3, initial_accumulator_value=0.5,
                    l2_shrinkage_regularization_strength=0.2, beta=0.7),
     ("ref", ref_ftrl(0.1, power=-0.3, init=0.5, shrink=0.2, beta=0.7))),
    ("lion", lambda: O.Lion(0.01), ("ref", ref_lion(0.01))),
    ("lion betas", lambda: O.Lion(0.01, beta_1=0.5, beta_2=0.9),
     ("ref", ref_lion(0.01, 0.5, 0.9))),
]


@pytest.mark.parametrize("path", ["flat", "per-variable"])
@pytest.mark.parametrize("name,make,oracle", PARITY, ids=[p[0] for p in PARITY])
def test_parity(name, make, oracle, path):
    params, grads = _problem()
    got = _run(make(), params, grads, reverse=path == "per-variable")
    kind, reference = oracle
    want = _run_torch(reference, params, grads) if kind == "torch" else reference(params, grads)
    for g, w in zip(got, want):
        assert g.dtype == np.float64
        np.testing.assert_allclose(g, w, rtol=1e-10, atol=1e-12)
    # the weights moved: the comparison is not vacuous
    assert not np.allclose(got[0], params[0])


@pytest.mark.parametrize("cls", [O.SGD, O.Adam, O.AdamW, O.Nadam, O.Adamax, O.RMSprop,
                                 O.Adagrad, O.Adadelta, O.Ftrl, O.Lion])
def test_float32_keeps_dtype_and_matches_float64(cls):
    params, grads = _problem(1, np.float32)
    got = _run(cls(learning_rate=0.01), params, grads)
    want = _run(cls(learning_rate=0.01), [p.astype(np.float64) for p in params],
                [[g.astype(np.float64) for g in s] for s in grads])
    for g, w in zip(got, want):
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)


# -- defaults and names -----------------------------------------------------------------
@pytest.mark.parametrize("cls,lr,name", [
    (O.SGD, 0.01, "SGD"), (O.Adam, 0.001, "adam"), (O.AdamW, 0.001, "adamw"),
    (O.Nadam, 0.001, "nadam"), (O.Adamax, 0.001, "adamax"), (O.RMSprop, 0.001, "rmsprop"),
    (O.Adagrad, 0.001, "adagrad"), (O.Adadelta, 0.001, "adadelta"), (O.Ftrl, 0.001, "ftrl"),
    (O.Lion, 0.001, "lion")])
def test_defaults(cls, lr, name):
    opt = cls()
    assert float(opt.learning_rate) == pytest.approx(lr)
    assert opt.name == name
    assert int(opt.iterations) == 0


def test_keras_default_hyperparameters():
    adam = O.Adam()
    assert (adam.beta_1, adam.beta_2, adam.epsilon, adam.amsgrad) == (0.9, 0.999, 1e-7, False)
    assert O.AdamW().weight_decay == 0.004
    rms = O.RMSprop()
    assert (rms.rho, rms.momentum, rms.epsilon, rms.centered) == (0.9, 0.0, 1e-7, False)
    assert (O.Adagrad().initial_accumulator_value, O.Adagrad().epsilon) == (0.1, 1e-7)
    assert (O.Adadelta().rho, O.Adadelta().epsilon) == (0.95, 1e-7)
    assert (O.Lion().beta_1, O.Lion().beta_2) == (0.9, 0.99)
    assert (O.SGD().momentum, O.SGD().nesterov) == (0.0, False)


# -- clipping ---------------------------------------------------------------------------
def _sgd_delta(opt, grads):
    """The gradients an SGD(lr=1) step actually applied (w_before - w_after)."""
    variables = [Variable(np.zeros_like(g), name=f"c{i}") for i, g in enumerate(grads)]
    opt.apply_gradients(zip(grads, variables))
    return [-v.numpy() for v in variables]


def test_clipnorm_clips_each_gradient():
    g = [np.array([3.0, 4.0]), np.array([0.3, 0.4])]
    got = _sgd_delta(O.SGD(1.0, clipnorm=1.0), g)
    np.testing.assert_allclose(got[0], g[0] / 5.0)
    np.testing.assert_allclose(got[1], g[1])


def test_global_clipnorm_scales_all_gradients():
    g = [np.array([3.0, 4.0]), np.array([12.0])]
    got = _sgd_delta(O.SGD(1.0, global_clipnorm=2.0), g)
    for a, b in zip(got, g):
        np.testing.assert_allclose(a, b * 2.0 / 13.0)
    small = _sgd_delta(O.SGD(1.0, global_clipnorm=20.0), g)
    for a, b in zip(small, g):
        np.testing.assert_allclose(a, b)


def test_clipvalue_and_gradients_left_untouched():
    g = [np.array([-3.0, 0.2, 4.0])]
    original = g[0].copy()
    got = _sgd_delta(O.SGD(1.0, clipvalue=0.5), g)
    np.testing.assert_allclose(got[0], [-0.5, 0.2, 0.5])
    np.testing.assert_array_equal(g[0], original)


def test_only_one_clipping_option():
    with pytest.raises(ValueError, match="Only one of `clipnorm`, `clipvalue` and "
                                         "`global_clipnorm`"):
        O.Adam(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="`clipnorm` must be a non-negative number"):
        O.Adam(clipnorm=-1.0)


def test_clipping_with_adam_matches_reference_on_clipped_gradients():
    params, grads = _problem(2)
    clipped = [[g * min(1.0, 0.5 / np.linalg.norm(g)) for g in step] for step in grads]
    got = _run(O.Adam(0.01, clipnorm=0.5), params, grads)
    for g, w in zip(got, ref_adam(0.01)(params, clipped)):
        np.testing.assert_allclose(g, w, rtol=1e-10)


# -- weight decay -----------------------------------------------------------------------
def test_exclude_from_weight_decay():
    opt = O.SGD(0.1, weight_decay=0.5)
    a, b = Variable(np.ones(2), name="kernel"), Variable(np.ones(2), name="dense/bias")
    opt.exclude_from_weight_decay(var_names=["bias"])
    zero = np.zeros(2)
    opt.apply_gradients([(zero, a), (zero, b)])
    np.testing.assert_allclose(a.numpy(), 0.95)
    np.testing.assert_allclose(b.numpy(), 1.0)
    with pytest.raises(ValueError, match="before the optimizer is built"):
        opt.exclude_from_weight_decay(var_names=["x"])


def test_adamw_needs_weight_decay():
    with pytest.raises(ValueError, match="`weight_decay` must be a float"):
        O.AdamW(weight_decay=None)


# -- None gradients, constraints, inputs ------------------------------------------------
def test_none_gradient_skipped_with_one_warning_per_variable():
    a, b = Variable(np.ones(2), name="used"), Variable(np.ones(2), name="unused_weight")
    opt = O.SGD(0.1)
    with pytest.warns(UserWarning, match=r"Gradients do not exist for variables "
                                         r"\['unused_weight'\]"):
        opt.apply_gradients([(np.ones(2), a), (None, b)])
    np.testing.assert_allclose(b.numpy(), 1.0)
    np.testing.assert_allclose(a.numpy(), 0.9)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.apply_gradients([(np.ones(2), a), (None, b)])
    assert int(opt.iterations) == 2


def test_all_gradients_none_raises():
    a = Variable(np.ones(2), name="lonely")
    with pytest.raises(ValueError, match="No gradients provided for any variable.*lonely"):
        O.Adam().apply_gradients([(None, a)])


def test_constraint_applied_after_update():
    w = Variable(np.array([0.05, 1.0]), constraint=constraints.NonNeg(), name="nonneg")
    O.SGD(1.0).apply_gradients([(np.array([1.0, -1.0]), w)])
    np.testing.assert_allclose(w.numpy(), [0.0, 2.0])


def test_gradients_as_tensors_and_other_dtypes():
    w = Variable(np.ones(3, np.float32), name="w")
    opt = O.SGD(0.5)
    opt.apply_gradients([(convert_to_tensor(np.ones(3, np.float32)), w)])
    opt.apply_gradients([(np.ones(3, np.float64), w)])
    opt.apply_gradients([([1.0, 1.0, 1.0], w)])
    assert w.dtype.name == "float32"
    np.testing.assert_allclose(w.numpy(), -0.5)


def test_bad_inputs():
    w = Variable(np.ones(3), name="w3")
    opt = O.SGD()
    with pytest.raises(ValueError, match=r"Gradient for variable 'w3' has shape \(2,\)"):
        opt.apply_gradients([(np.ones(2), w)])
    with pytest.raises(TypeError, match="expected ndflow Variables"):
        opt.apply_gradients([(np.ones(3), np.ones(3))])
    other = Variable(np.ones(3), name="stranger")
    with pytest.raises(ValueError, match="Unknown variable: 'stranger'"):
        opt.apply_gradients([(np.ones(3), other)])
    with pytest.raises(ValueError, match="Argument\\(s\\) not recognized"):
        O.Adam(bogus=1)
    with pytest.raises(ValueError, match="`momentum` must be a float between"):
        O.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="degenerates to SignSGD"):
        O.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="`learning_rate_power` needs to be less than"):
        O.Ftrl(learning_rate_power=0.5)


def test_legacy_lr_argument():
    with pytest.warns(UserWarning, match="`lr` argument is deprecated"):
        opt = O.Adam(lr=0.02)
    assert float(opt.learning_rate) == pytest.approx(0.02)


@pytest.mark.parametrize("read", [lambda w: w.read_value().numpy, lambda w: w._value[:1].copy,
                                  lambda w: np.asarray(w).copy],
                         ids=["tensor", "view", "asarray"])
@pytest.mark.parametrize("cls", [O.SGD, O.Adam])
@pytest.mark.parametrize("shape", [(3, 2), (100, 50)])  # a new array anyway; one in place
def test_update_leaves_values_read_before_alone(read, cls, shape):
    w = Variable(np.ones(shape, np.float32), name="w")
    value_of_before = read(w)  # holds one reference to the weight's array, or a view of it
    cls(0.1).apply_gradients([(np.ones(shape, np.float32), w)])
    np.testing.assert_array_equal(value_of_before(), 1.0)
    assert not np.allclose(w.numpy(), 1.0)


@pytest.mark.parametrize("cls", [O.SGD, O.Adam])
def test_update_writes_in_place_when_nothing_else_holds_the_weight(cls):
    # a fresh array per step would cost large networks an allocation per weight
    shapes = [(100, 50), (60, 80)]  # large enough to be worth it
    ws = [Variable(np.ones(s, np.float32)) for s in shapes]
    opt = cls(0.1)
    opt.apply([np.ones(s, np.float32) for s in shapes], ws)
    arrays = [w._value for w in ws]
    ids = [id(a) for a in arrays]
    del arrays
    opt.apply([np.ones(s, np.float32) for s in shapes], ws)
    assert [id(w._value) for w in ws] == ids
    assert np.all(ws[0].numpy() < 1.0)


# -- learning rate, iterations ----------------------------------------------------------
def test_learning_rate_mutation():
    w = Variable(np.zeros(1), name="w")
    opt = O.SGD(0.1)
    g = [(np.ones(1), w)]
    opt.apply_gradients(g)
    opt.learning_rate = 0.5
    opt.apply_gradients(g)
    opt.learning_rate.assign(0.25)
    opt.apply_gradients(g)
    opt.lr = 1.0
    opt.apply_gradients(g)
    np.testing.assert_allclose(w.numpy(), -(0.1 + 0.5 + 0.25 + 1.0))
    assert float(opt.learning_rate) == 1.0
    assert opt.get_config()["learning_rate"] == 1.0


def test_schedule_evaluated_at_iterations():
    w = Variable(np.zeros(1), name="w")
    opt = O.SGD(schedules.PiecewiseConstantDecay([1, 2], [1.0, 0.1, 0.01]))
    deltas = []
    for _ in range(4):
        before = w.numpy().copy()
        opt.apply_gradients([(np.ones(1), w)])
        deltas.append(float(before[0] - w.numpy()[0]))
    # steps 0 and 1 use values[0] (boundaries are inclusive), step 2 values[1], step 3 [2]
    np.testing.assert_allclose(deltas, [1.0, 1.0, 0.1, 0.01])
    assert float(opt.learning_rate) == pytest.approx(0.01)
    with pytest.raises(TypeError, match="its learning rate is not settable"):
        opt.learning_rate = 0.1


def test_custom_schedule_receives_iterations():
    seen = []

    class Recorder(schedules.LearningRateSchedule):
        def __call__(self, step):
            seen.append(int(step))
            return 0.1

    w = Variable(np.zeros(1), name="w")
    opt = O.SGD(Recorder())
    for _ in range(3):
        opt.apply_gradients([(np.ones(1), w)])
    assert seen == [0, 1, 2]
    np.testing.assert_allclose(w.numpy(), -0.3)


def test_callable_learning_rate():
    w = Variable(np.zeros(1), name="w")
    opt = O.SGD(lambda: 0.2)
    opt.apply_gradients([(np.ones(1), w)])
    np.testing.assert_allclose(w.numpy(), -0.2)


def test_iterations_count_and_assignment():
    params, grads = _problem(3)
    variables = [Variable(p) for p in params]
    opt = O.Adam(0.01)
    for step in grads[:5]:
        opt.apply_gradients(zip(step, variables))
    assert int(opt.iterations) == 5
    assert opt.iterations.dtype.name == "int64"
    # rewinding iterations changes Adam's bias correction as Keras's counter does
    opt.iterations.assign(np.asarray(0, np.int64))
    opt.apply_gradients(zip(grads[5], variables))
    assert int(opt.iterations) == 1


def test_variables_and_state_round_trip():
    params, grads = _problem(4)
    full = O.Adam(0.01)
    want = _run(full, params, grads)

    first = O.Adam(0.01)
    variables = [Variable(p) for p in params]
    for step in grads[:10]:
        first.apply_gradients(zip(step, variables))
    assert len(first.variables) == 2 + 2 * len(SHAPES)
    assert first.variables[0] is first.iterations
    store = {}
    first.save_own_variables(store)

    resumed = O.Adam(0.01)
    resumed.build(variables)
    resumed.load_own_variables(store)
    assert int(resumed.iterations) == 10
    for step in grads[10:]:
        resumed.apply_gradients(zip(step, variables))
    for v, w in zip(variables, want):
        np.testing.assert_array_equal(v.numpy(), w)


def test_loading_state_mid_run_resyncs_the_flat_slots():
    params, grads = _problem(5)
    variables = [Variable(p) for p in params]
    opt = O.RMSprop(0.01, momentum=0.5, centered=True)
    for step in grads[:10]:
        opt.apply_gradients(zip(step, variables))
    store, weights = {}, [v.numpy() for v in variables]
    opt.save_own_variables(store)
    for step in grads[10:]:
        opt.apply_gradients(zip(step, variables))
    first = [v.numpy() for v in variables]
    opt.load_own_variables(store)
    for v, w in zip(variables, weights):
        v.assign(w)
    for step in grads[10:]:
        opt.apply_gradients(zip(step, variables))
    for v, w in zip(variables, first):
        np.testing.assert_array_equal(v.numpy(), w)


def test_steps_mixing_flat_and_per_variable_paths_agree():
    params, grads = _problem(6)
    results = []
    for mixed in (False, True):
        variables = [Variable(p) for p in params]
        opt = O.Adam(0.01)
        opt.build(variables)
        for t, step in enumerate(grads):
            pairs = list(zip(step, variables))
            if mixed and t % 3 == 1:
                pairs = pairs[::-1]
            opt.apply_gradients(pairs)
        results.append([v.numpy() for v in variables])
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_none_gradient_leaves_that_variables_slots_alone():
    params, grads = _problem(7)
    variables = [Variable(p) for p in params]
    opt = O.Adam(0.01)
    with pytest.warns(UserWarning, match="w1"):
        variables[1].name = "w1"
        for step in grads[:5]:
            opt.apply_gradients(zip([step[0], None, step[2]], variables))
    assert np.all(opt._velocities[1].numpy() == 0)
    np.testing.assert_array_equal(variables[1].numpy(), params[1])


def test_keras_style_subclass():
    class SignDescent(optimizers.Optimizer):
        def build(self, var_list):
            if self.built:
                return
            super().build(var_list)
            self.steps = [self.add_variable_from_reference(v, "count") for v in var_list]

        def update_step(self, gradient, variable, learning_rate):
            count = self.steps[self._get_variable_index(variable)]
            self.assign_add(count, np.ones_like(gradient))
            self.assign_sub(variable, nmath.sign(gradient) * learning_rate)

    w = Variable(np.array([1.0, -1.0]), name="w")
    opt = SignDescent(learning_rate=0.5)
    opt.apply_gradients([(np.array([2.0, -3.0]), w)])
    np.testing.assert_allclose(w.numpy(), [0.5, -0.5])
    np.testing.assert_allclose(opt.steps[0].numpy(), [1.0, 1.0])
    assert len(opt.variables) == 3
    with pytest.raises(NotImplementedError, match="must implement update_step"):
        optimizers.Optimizer(0.1).apply_gradients([(np.ones(2), Variable(np.ones(2)))])


def test_apply_without_variables_uses_built_ones():
    w = Variable(np.zeros(2), name="w")
    opt = O.SGD(1.0)
    with pytest.raises(ValueError, match="must already be built"):
        opt.apply([np.ones(2)])
    opt.build([w])
    opt.apply([np.ones(2)])
    np.testing.assert_allclose(w.numpy(), -1.0)


# -- extras: loss scale, gradient accumulation, EMA -------------------------------------
def test_loss_scale_factor_divides_gradients():
    got = _sgd_delta(O.SGD(1.0, loss_scale_factor=4.0), [np.array([8.0])])
    np.testing.assert_allclose(got[0], [2.0])


def test_gradient_accumulation_applies_mean_every_n_steps():
    w = Variable(np.zeros(1), name="w")
    opt = O.SGD(1.0, gradient_accumulation_steps=2)
    opt.apply_gradients([(np.array([1.0]), w)])
    np.testing.assert_allclose(w.numpy(), 0.0)
    opt.apply_gradients([(np.array([3.0]), w)])
    np.testing.assert_allclose(w.numpy(), -2.0)
    opt.apply_gradients([(np.array([5.0]), w)])
    opt.apply_gradients([(np.array([7.0]), w)])
    np.testing.assert_allclose(w.numpy(), -8.0)
    assert int(opt.iterations) == 4


def test_moving_average_of_weights():
    w = Variable(np.zeros(1), name="w")
    opt = O.SGD(1.0, use_ema=True, ema_momentum=0.5)
    history = []
    for _ in range(3):
        opt.apply_gradients([(np.array([1.0]), w)])
        history.append(w.numpy()[0])
    average = history[0]
    for value in history[1:]:
        average = 0.5 * average + 0.5 * value
    opt.finalize_variable_values([w])
    np.testing.assert_allclose(w.numpy(), [average])


# -- minimize -----------------------------------------------------------------------------
def test_minimize_with_callable_and_with_tape():
    w = Variable(np.array([3.0]), name="w")
    opt = O.SGD(0.25)
    opt.minimize(lambda: reduce_sum(nmath.square(w)), [w])
    np.testing.assert_allclose(w.numpy(), [3.0 - 0.25 * 6.0])
    with GradientTape() as tape:
        loss = reduce_sum(nmath.square(w))
    opt.minimize(loss, [w], tape=tape)
    np.testing.assert_allclose(w.numpy(), [0.75])
    with pytest.raises(ValueError, match="`tape` is required"):
        opt.minimize(loss, [w])


def test_minimize_fits_a_quadratic():
    w = Variable(np.array([5.0, -3.0]), name="w")
    opt = O.Adam(0.1)
    for _ in range(300):
        opt.minimize(lambda: reduce_sum(nmath.square(w - 1.0)), lambda: [w])
    np.testing.assert_allclose(w.numpy(), [1.0, 1.0], atol=1e-2)


# -- config, get, serialize -----------------------------------------------------------------
ALL = [O.SGD(0.2, momentum=0.5, nesterov=True, clipnorm=1.0), O.Adam(amsgrad=True),
       O.AdamW(weight_decay=0.01), O.Nadam(beta_1=0.8), O.Adamax(epsilon=1e-5),
       O.RMSprop(centered=True, momentum=0.1, global_clipnorm=2.0), O.Adagrad(epsilon=1e-3),
       O.Adadelta(rho=0.9, clipvalue=0.5), O.Ftrl(l1_regularization_strength=0.1, beta=0.2),
       O.Lion(beta_2=0.95, use_ema=True),
       O.Adam(schedules.ExponentialDecay(0.1, 10, 0.9), name="scheduled")]


@pytest.mark.parametrize("opt", ALL, ids=lambda o: o.name)
def test_config_round_trip(opt):
    config = opt.get_config()
    rebuilt = type(opt).from_config(config)
    assert rebuilt.get_config() == config
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert type(again) is type(opt)
    assert again.get_config() == config


def test_get_resolves_names_dicts_and_instances():
    names = {"sgd": O.SGD, "adam": O.Adam, "adamw": O.AdamW, "nadam": O.Nadam,
             "adamax": O.Adamax, "rmsprop": O.RMSprop, "adagrad": O.Adagrad,
             "adadelta": O.Adadelta, "ftrl": O.Ftrl, "lion": O.Lion}
    for name, cls in names.items():
        assert type(optimizers.get(name)) is cls
        assert type(optimizers.get(cls.__name__)) is cls
    assert type(optimizers.get("RMSProp")) is O.RMSprop
    opt = O.Adam()
    assert optimizers.get(opt) is opt
    got = optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.3}})
    assert float(got.learning_rate) == pytest.approx(0.3)
    with pytest.raises(ValueError, match="Unknown optimizer: 'adamm'. Valid names are: .*adam"):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match="Could not interpret optimizer identifier"):
        optimizers.get(3)


def test_from_config_ignores_tf_legacy_key():
    opt = O.Adam.from_config({"learning_rate": 0.01, "is_legacy_optimizer": False})
    assert float(opt.learning_rate) == pytest.approx(0.01)


def test_mixed_dtypes_update_each_in_its_own_dtype():
    a = Variable(np.ones(3, np.float32), name="f32")
    b = Variable(np.ones(2, np.float64), name="f64")
    opt = O.Adam(0.1)
    for _ in range(3):
        opt.apply_gradients([(np.ones(3, np.float32), a), (np.ones(2), b)])
    assert (a.dtype.name, b.dtype.name) == ("float32", "float64")
    np.testing.assert_allclose(a.numpy(), b.numpy()[0], rtol=1e-6)
