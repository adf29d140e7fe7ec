"""keras.constraints: projections against NumPy, norms after projection, lookup, configs."""

import numpy as np
import pytest

import ndflow as nd
from ndflow.keras import constraints

EPS = 1e-7  # Keras's epsilon, added to the norms
W = np.random.default_rng(0).normal(size=(4, 5)) * np.array([0.1, 0.5, 1.0, 2.0, 4.0])


def _norms(w, axis):
    return np.sqrt(np.square(w).sum(axis=axis, keepdims=True))


def test_max_norm_rescales_only_long_slices():
    out = constraints.MaxNorm(max_value=1.5)(W).numpy()
    norms = _norms(W, 0)
    np.testing.assert_allclose(out, W * np.minimum(norms, 1.5) / (norms + EPS), rtol=1e-12)
    after = _norms(out, 0).ravel()
    assert np.all(after <= 1.5 + 1e-9)
    short = norms.ravel() < 1.5
    np.testing.assert_allclose(out[:, short], W[:, short], rtol=1e-6)


def test_max_norm_over_several_axes_for_a_conv_kernel():
    kernel = np.random.default_rng(1).normal(size=(3, 3, 2, 4))
    out = constraints.MaxNorm(max_value=1.0, axis=[0, 1, 2])(kernel).numpy()
    np.testing.assert_allclose(_norms(out, (0, 1, 2)).ravel(), np.ones(4), rtol=1e-6)


def test_non_neg():
    out = constraints.NonNeg()(W).numpy()
    np.testing.assert_array_equal(out, np.maximum(W, 0))
    assert not np.signbit(out).any()  # zeros, not negative zeros


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_unit_norm(axis):
    out = constraints.UnitNorm(axis=axis)(W).numpy()
    np.testing.assert_allclose(out, W / (_norms(W, axis) + EPS), rtol=1e-12)
    np.testing.assert_allclose(_norms(out, axis), 1.0, rtol=1e-6)


@pytest.mark.parametrize("rate", [1.0, 0.25])
def test_min_max_norm(rate):
    out = constraints.MinMaxNorm(min_value=0.5, max_value=2.0, rate=rate)(W).numpy()
    norms = _norms(W, 0)
    desired = rate * np.clip(norms, 0.5, 2.0) + (1 - rate) * norms
    np.testing.assert_allclose(out, W * desired / (norms + EPS), rtol=1e-12)
    if rate == 1.0:
        after = _norms(out, 0)
        assert np.all((after >= 0.5 - 1e-6) & (after <= 2.0 + 1e-6))


def test_zero_slices_stay_zero():
    w = np.zeros((3, 2))
    for c in (constraints.MaxNorm(), constraints.UnitNorm(), constraints.MinMaxNorm(1.0, 2.0)):
        np.testing.assert_array_equal(c(w).numpy(), w)


def test_keeps_dtype_and_shape():
    w = nd.constant(W.astype(np.float32))
    for c in (constraints.MaxNorm(), constraints.NonNeg(), constraints.UnitNorm(),
              constraints.MinMaxNorm()):
        out = c(w)
        assert out.dtype == nd.float32 and out.shape == w.shape


def test_works_on_variables():
    v = nd.Variable(W)
    v.assign(constraints.NonNeg()(v))
    assert v.numpy().min() >= 0


def test_defaults_follow_keras():
    assert constraints.MaxNorm().get_config() == {"max_value": 2, "axis": 0}
    assert constraints.UnitNorm().get_config() == {"axis": 0}
    assert constraints.MinMaxNorm().get_config() == {"min_value": 0.0, "max_value": 1.0,
                                                     "rate": 1.0, "axis": 0}
    assert constraints.NonNeg().get_config() == {}


def test_base_class_is_the_identity():
    t = nd.constant([1.0, -2.0])
    assert constraints.Constraint()(t) is t


@pytest.mark.parametrize(("name", "cls"), [
    ("max_norm", constraints.MaxNorm), ("non_neg", constraints.NonNeg),
    ("unit_norm", constraints.UnitNorm), ("min_max_norm", constraints.MinMaxNorm),
    ("MaxNorm", constraints.MaxNorm), ("NonNeg", constraints.NonNeg),
])
def test_get_by_name(name, cls):
    assert type(constraints.get(name)) is cls


def test_lower_case_aliases_are_the_classes():
    assert constraints.max_norm is constraints.MaxNorm
    assert constraints.non_neg is constraints.NonNeg


def test_get_instances_classes_callables_and_none():
    c = constraints.MaxNorm(3.0)
    assert constraints.get(c) is c
    assert isinstance(constraints.get(constraints.UnitNorm), constraints.UnitNorm)

    def clip(w):
        return nd.clip_by_value(w, -1.0, 1.0)

    assert constraints.get(clip) is clip
    assert constraints.get(None) is None


def test_get_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"Unknown constraint: 'maxnorm'.*max_norm"):
        constraints.get("maxnorm")
    with pytest.raises(ValueError, match="Could not interpret constraint"):
        constraints.get(2.0)


@pytest.mark.parametrize("c", [constraints.MaxNorm(1.5, axis=1), constraints.NonNeg(),
                               constraints.UnitNorm(axis=[0, 1]),
                               constraints.MinMaxNorm(0.2, 0.9, rate=0.5, axis=1)],
                         ids=lambda c: type(c).__name__)
def test_config_round_trip(c):
    config = c.get_config()
    assert type(c).from_config(config).get_config() == config
    serialized = constraints.serialize(c)
    assert serialized["class_name"] == type(c).__name__ and serialized["config"] == config
    restored = constraints.get(serialized)
    assert type(restored) is type(c) and restored.get_config() == config
    np.testing.assert_array_equal(restored(W).numpy(), c(W).numpy())
