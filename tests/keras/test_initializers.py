"""keras.initializers: statistics against theory, fan rules, seeding, dtypes, lookup."""

import math

import numpy as np
import pytest

import ndflow as nd
from ndflow.backend import set_floatx
from ndflow.keras import initializers

DENSE = (400, 300)  # fan_in 400, fan_out 300
CONV = (3, 3, 16, 32)  # receptive field 9: fan_in 144, fan_out 288


def _truncated_variance():
    """Variance of a standard normal truncated to [-2, 2]."""
    pdf = math.exp(-2.0) / math.sqrt(2 * math.pi)
    mass = math.erf(2 / math.sqrt(2))
    return 1 - 4 * pdf / mass


TRUNCATED_VAR = _truncated_variance()


def _values(init, shape, dtype=None):
    return init(shape, dtype=dtype).numpy().astype(np.float64)


def _assert_stats(v, mean, var, rel):
    """Sample mean within a few standard errors, sample variance within ``rel``."""
    assert abs(v.mean() - mean) < 5 * math.sqrt(var / v.size) + 1e-12
    assert v.var() == pytest.approx(var, rel=rel)


# -- fan-in / fan-out --------------------------------------------------------------------
@pytest.mark.parametrize(("shape", "fans"), [
    ((), (1, 1)),
    ((7,), (7, 7)),
    ((4, 3), (4, 3)),
    ((5, 4, 3), (20, 15)),  # a Conv1D kernel: window 5
    (CONV, (144, 288)),
    ((2, 3, 3, 4, 5), (72, 90)),  # a Conv3D kernel
])
def test_compute_fans(shape, fans):
    assert initializers.compute_fans(shape) == fans


# -- the simple ones -------------------------------------------------------------------
def test_zeros_ones_constant():
    np.testing.assert_array_equal(initializers.Zeros()((2, 3)).numpy(), np.zeros((2, 3)))
    np.testing.assert_array_equal(initializers.Ones()((2, 3)).numpy(), np.ones((2, 3)))
    np.testing.assert_array_equal(initializers.Constant(2.5)((2, 3)).numpy(),
                                  np.full((2, 3), 2.5))
    np.testing.assert_array_equal(initializers.Constant([1.0, 2.0, 3.0])((2, 3)).numpy(),
                                  np.tile([1.0, 2.0, 3.0], (2, 1)))


def test_zeros_and_ones_accept_integer_dtypes():
    out = initializers.Zeros()((3,), dtype="int32")
    assert out.dtype == nd.int32
    assert initializers.Ones()((3,), dtype=nd.int64).dtype == nd.int64
    assert initializers.Constant(3)((2,), dtype="int32").numpy().tolist() == [3, 3]


# -- random distributions ----------------------------------------------------------------
def test_random_normal_statistics():
    v = _values(initializers.RandomNormal(mean=0.3, stddev=0.2, seed=1), DENSE)
    _assert_stats(v, 0.3, 0.04, rel=0.03)


def test_random_uniform_statistics_and_bounds():
    v = _values(initializers.RandomUniform(minval=-0.2, maxval=0.6, seed=2), DENSE)
    _assert_stats(v, 0.2, 0.8 ** 2 / 12, rel=0.03)
    assert v.min() >= -0.2 and v.max() < 0.6


def test_truncated_normal_statistics_and_bounds():
    v = _values(initializers.TruncatedNormal(mean=-0.1, stddev=0.5, seed=3), DENSE)
    _assert_stats(v, -0.1, 0.25 * TRUNCATED_VAR, rel=0.03)
    assert np.abs(v + 0.1).max() <= 2 * 0.5 + 1e-6


def test_random_defaults_follow_keras():
    assert initializers.RandomNormal().get_config() == {"mean": 0.0, "stddev": 0.05,
                                                        "seed": None}
    assert initializers.RandomUniform().get_config() == {"minval": -0.05, "maxval": 0.05,
                                                         "seed": None}
    assert initializers.TruncatedNormal().get_config() == {"mean": 0.0, "stddev": 0.05,
                                                           "seed": None}
    assert initializers.VarianceScaling().get_config() == {
        "scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal", "seed": None}


# -- variance scaling and its presets --------------------------------------------------
def _fan(shape, mode):
    fan_in, fan_out = initializers.compute_fans(shape)
    return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]


@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling_variance_is_scale_over_fan(mode, distribution):
    init = initializers.VarianceScaling(scale=3.0, mode=mode, distribution=distribution, seed=4)
    v = _values(init, DENSE)
    var = 3.0 / _fan(DENSE, mode)
    _assert_stats(v, 0.0, var, rel=0.03)
    if distribution == "uniform":
        limit = math.sqrt(3 * var)
        assert np.abs(v).max() <= limit and np.abs(v).max() > 0.99 * limit
    elif distribution == "truncated_normal":
        # the truncation at two standard deviations of the rescaled distribution
        assert np.abs(v).max() <= 2 * math.sqrt(var) / 0.87962566103423978 + 1e-6


# name -> (scale, mode, uniform?)
PRESETS = {
    "GlorotNormal": (1.0, "fan_avg", False),
    "GlorotUniform": (1.0, "fan_avg", True),
    "HeNormal": (2.0, "fan_in", False),
    "HeUniform": (2.0, "fan_in", True),
    "LecunNormal": (1.0, "fan_in", False),
    "LecunUniform": (1.0, "fan_in", True),
}


@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize(("shape", "rel"), [(DENSE, 0.03), (CONV, 0.1)])
def test_preset_fan_rules(name, shape, rel):
    scale, mode, uniform = PRESETS[name]
    v = _values(getattr(initializers, name)(seed=5), shape)
    var = scale / _fan(shape, mode)
    _assert_stats(v, 0.0, var, rel=rel)
    if uniform:
        assert np.abs(v).max() <= math.sqrt(3 * var)


def test_glorot_uniform_limit_matches_the_textbook_formula():
    v = _values(initializers.GlorotUniform(seed=6), DENSE)
    limit = math.sqrt(6 / (400 + 300))
    assert np.abs(v).max() <= limit and np.abs(v).max() > 0.99 * limit


def test_variance_scaling_rejects_bad_arguments():
    with pytest.raises(ValueError, match="scale must be a positive"):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="mode must be one of fan_in"):
        initializers.VarianceScaling(mode="fan_sum")
    with pytest.raises(ValueError, match="distribution must be one of"):
        initializers.VarianceScaling(distribution="cauchy")
    normal = initializers.VarianceScaling(distribution="Normal")
    assert normal.distribution == "truncated_normal"


# -- orthogonal and identity -------------------------------------------------------------
@pytest.mark.parametrize(("shape", "gain"), [((40, 30), 1.0), ((30, 40), 2.0),
                                             ((3, 4, 20), 0.5), ((25, 25), 1.0)])
def test_orthogonal_is_orthogonal(shape, gain):
    q = _values(initializers.Orthogonal(gain=gain, seed=7), shape).reshape(-1, shape[-1])
    rows, cols = q.shape
    gram = q.T @ q if rows >= cols else q @ q.T
    np.testing.assert_allclose(gram, gain ** 2 * np.eye(min(rows, cols)), atol=1e-5)


def test_orthogonal_needs_rank_two():
    with pytest.raises(ValueError, match="rank 2 or more"):
        initializers.Orthogonal()((5,))


def test_identity():
    np.testing.assert_array_equal(initializers.Identity()((3, 3)).numpy(), np.eye(3))
    np.testing.assert_array_equal(initializers.Identity(gain=2.0)((2, 4)).numpy(),
                                  2 * np.eye(2, 4))
    with pytest.raises(ValueError, match="2-D"):
        initializers.Identity()((2, 2, 2))


# -- seeding -------------------------------------------------------------------------------
SEEDABLE = ["RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling",
            "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "LecunNormal",
            "LecunUniform", "Orthogonal"]


@pytest.mark.parametrize("name", SEEDABLE)
def test_a_seeded_instance_repeats_its_values(name):
    cls = getattr(initializers, name)
    init = cls(seed=11)
    first = init((6, 5)).numpy()
    np.testing.assert_array_equal(init((6, 5)).numpy(), first)
    np.testing.assert_array_equal(cls(seed=11)((6, 5)).numpy(), first)
    np.testing.assert_array_equal(init.clone()((6, 5)).numpy(), first)
    assert not np.array_equal(cls(seed=12)((6, 5)).numpy(), first)


@pytest.mark.parametrize("name", SEEDABLE)
def test_unseeded_draws_follow_the_global_seed(name):
    cls = getattr(initializers, name)
    nd.random.set_seed(123)
    try:
        a, b = cls()((6, 5)).numpy(), cls()((6, 5)).numpy()
        nd.random.set_seed(123)
        np.testing.assert_array_equal(cls()((6, 5)).numpy(), a)
        np.testing.assert_array_equal(cls()((6, 5)).numpy(), b)
    finally:
        nd.random.set_seed(None)
    assert not np.array_equal(a, b)  # each unseeded call draws fresh values


def test_seed_must_be_an_integer():
    with pytest.raises(ValueError, match="seed must be an integer"):
        initializers.GlorotUniform(seed=1.5)


# -- dtypes --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", SEEDABLE + ["Zeros", "Ones", "Constant", "Identity"])
def test_dtype_default_is_floatx_and_can_be_given(name):
    init = getattr(initializers, name)()
    assert init((4, 4)).dtype == nd.float32
    assert init((4, 4), dtype="float64").dtype == nd.float64
    assert init((4, 4), dtype=nd.float16).dtype == nd.float16
    set_floatx("float64")
    try:
        assert init((4, 4)).dtype == nd.float64
    finally:
        set_floatx("float32")


@pytest.mark.parametrize("name", SEEDABLE)
def test_random_initializers_refuse_integer_dtypes(name):
    with pytest.raises(ValueError, match="floating-point"):
        getattr(initializers, name)()((2, 2), dtype="int32")


def test_bad_shape():
    with pytest.raises(ValueError, match="non-negative integers"):
        initializers.Zeros()((2, None))


# -- lookup and configs ----------------------------------------------------------------------
NAMES = {
    "zeros": "Zeros", "zero": "Zeros", "ones": "Ones", "one": "Ones", "constant": "Constant",
    "random_normal": "RandomNormal", "normal": "RandomNormal",
    "random_uniform": "RandomUniform", "uniform": "RandomUniform",
    "truncated_normal": "TruncatedNormal", "variance_scaling": "VarianceScaling",
    "glorot_normal": "GlorotNormal", "glorot_uniform": "GlorotUniform",
    "he_normal": "HeNormal", "he_uniform": "HeUniform", "lecun_normal": "LecunNormal",
    "lecun_uniform": "LecunUniform", "orthogonal": "Orthogonal", "identity": "Identity",
    "GlorotUniform": "GlorotUniform", "OrthogonalInitializer": "Orthogonal",
    "IdentityInitializer": "Identity",
}


@pytest.mark.parametrize("name", NAMES)
def test_get_by_name(name):
    init = initializers.get(name)
    assert type(init).__name__ == NAMES[name]
    assert init((3, 3)).shape == (3, 3)


def test_lower_case_aliases_are_the_classes():
    assert initializers.glorot_uniform is initializers.GlorotUniform
    assert initializers.he_normal is initializers.HeNormal
    assert initializers.orthogonal is initializers.Orthogonal


def test_get_instances_classes_callables_and_none():
    init = initializers.HeNormal(seed=1)
    assert initializers.get(init) is init
    assert isinstance(initializers.get(initializers.Ones), initializers.Ones)

    def custom(shape, dtype=None):
        return nd.zeros(shape)

    assert initializers.get(custom) is custom
    assert initializers.get(None) is None


def test_get_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"Unknown initializer: 'glorot'.*glorot_uniform"):
        initializers.get("glorot")
    with pytest.raises(ValueError, match="Could not interpret initializer"):
        initializers.get(3)


CONFIGURED = [
    initializers.Zeros(), initializers.Ones(), initializers.Constant(0.7),
    initializers.Constant(np.array([1.0, 2.0])),
    initializers.RandomNormal(mean=0.1, stddev=0.3, seed=1),
    initializers.RandomUniform(minval=-1.0, maxval=2.0, seed=2),
    initializers.TruncatedNormal(mean=0.2, stddev=0.1, seed=3),
    initializers.VarianceScaling(scale=2.0, mode="fan_avg", distribution="uniform", seed=4),
    initializers.GlorotNormal(seed=5), initializers.GlorotUniform(seed=6),
    initializers.HeNormal(seed=7), initializers.HeUniform(seed=8),
    initializers.LecunNormal(seed=9), initializers.LecunUniform(seed=10),
    initializers.Orthogonal(gain=1.5, seed=11), initializers.Identity(gain=0.5),
]


@pytest.mark.parametrize("init", CONFIGURED, ids=lambda i: type(i).__name__)
def test_config_round_trip(init):
    config = init.get_config()
    again = type(init).from_config(config)
    assert again.get_config() == config
    serialized = initializers.serialize(init)
    assert serialized["class_name"] == type(init).__name__
    restored = initializers.get(serialized)
    assert type(restored) is type(init) and restored.get_config() == config
    shape = (2, 2) if not isinstance(init, initializers.Constant) else (3, 2)
    np.testing.assert_array_equal(restored(shape).numpy(), init(shape).numpy())


def test_deserialize_with_custom_objects():
    class Halves(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return nd.fill(shape, 0.5)

    config = initializers.serialize(Halves())
    with pytest.raises(ValueError, match="Unknown initializer: 'Halves'"):
        initializers.deserialize(config)
    restored = initializers.deserialize(config, custom_objects={"Halves": Halves})
    assert isinstance(restored, Halves)
