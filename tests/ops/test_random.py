"""ndflow.random: TensorFlow's seeding rules, distributions, shapes and dtypes, errors."""

import math

import numpy as np
import pytest

import ndflow as nd

T = nd.convert_to_tensor


@pytest.fixture(autouse=True)
def unseeded():
    """Leave the global seed unset after each test, whatever the test did."""
    yield
    nd.random.set_seed(None)


def _program():
    """A mix of every stateful op, seeded and not, as a training script would draw."""
    logits = T(np.log(np.array([[0.2, 0.3, 0.5]], dtype=np.float32)))
    return [
        nd.random.normal([3, 2]),
        nd.random.uniform([4], seed=5),
        nd.random.uniform([4], seed=5),
        nd.random.truncated_normal([6], stddev=0.5),
        nd.random.uniform([5], minval=-3, maxval=9, dtype=nd.int64),
        nd.random.shuffle(T(np.arange(8))),
        nd.random.categorical(logits, 6),
        nd.nn.dropout(T(np.ones((3, 3), np.float32)), 0.5),
        nd.random.normal([2], seed=1, dtype=nd.float64),
    ]


def _arrays(tensors):
    return [t.numpy() for t in tensors]


def test_set_seed_makes_a_program_bit_identical():
    nd.random.set_seed(1234)
    first = _arrays(_program())
    nd.random.set_seed(1234)
    second = _arrays(_program())
    for a, b in zip(first, second):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_different_global_seeds_give_different_values():
    nd.random.set_seed(1)
    a = nd.random.normal([8]).numpy()
    nd.random.set_seed(2)
    b = nd.random.normal([8]).numpy()
    assert not np.array_equal(a, b)


def test_unseeded_draws_differ():
    a, b = nd.random.normal([8]).numpy(), nd.random.normal([8]).numpy()
    assert not np.array_equal(a, b)
    nd.random.set_seed(None)
    c = nd.random.normal([8]).numpy()
    nd.random.set_seed(None)
    assert not np.array_equal(c, nd.random.normal([8]).numpy())


def test_repeated_op_seed_advances_and_restarts_after_set_seed():
    nd.random.set_seed(3)
    a1, a2 = nd.random.uniform([5], seed=9).numpy(), nd.random.uniform([5], seed=9).numpy()
    assert not np.array_equal(a1, a2)
    nd.random.set_seed(3)
    nd.random.normal([100])  # draws without an op seed do not disturb the seeded stream
    np.testing.assert_array_equal(nd.random.uniform([5], seed=9).numpy(), a1)
    np.testing.assert_array_equal(nd.random.uniform([5], seed=9).numpy(), a2)


def test_op_seed_alone_is_reproducible_and_depends_on_both_seeds():
    nd.random.set_seed(None)
    a = nd.random.normal([5], seed=4).numpy()
    nd.random.set_seed(None)
    np.testing.assert_array_equal(nd.random.normal([5], seed=4).numpy(), a)
    nd.random.set_seed(None)
    assert not np.array_equal(nd.random.normal([5], seed=5).numpy(), a)
    nd.random.set_seed(77)
    assert not np.array_equal(nd.random.normal([5], seed=4).numpy(), a)


def test_set_seed_accepts_integer_types_and_refuses_others():
    nd.random.set_seed(np.int64(5))
    a = nd.random.normal([3]).numpy()
    nd.random.set_seed(T(np.int32(5)))
    np.testing.assert_array_equal(nd.random.normal([3]).numpy(), a)
    with pytest.raises(TypeError, match="seed must be an integer"):
        nd.random.set_seed(1.5)
    with pytest.raises(TypeError, match="seed must be an integer"):
        nd.random.normal([2], seed="x")


# -- distributions -------------------------------------------------------------------
N = 200_000


def test_normal_mean_and_stddev():
    nd.random.set_seed(0)
    x = nd.random.normal([N], mean=2.0, stddev=3.0).numpy()
    assert x.dtype == np.float32 and x.shape == (N,)
    assert abs(x.mean() - 2.0) < 5 * 3.0 / math.sqrt(N)
    assert abs(x.std() - 3.0) < 0.03


def test_uniform_floats_bounds_and_mean():
    nd.random.set_seed(0)
    x = nd.random.uniform([N], minval=-1.0, maxval=3.0, dtype=nd.float64).numpy()
    assert x.dtype == np.float64
    assert x.min() >= -1.0 and x.max() < 3.0
    assert abs(x.mean() - 1.0) < 5 * (4 / math.sqrt(12)) / math.sqrt(N)
    u = nd.random.uniform([1000]).numpy()
    assert u.min() >= 0 and u.max() < 1


def test_uniform_never_reaches_maxval_after_rounding():
    assert nd.random.uniform([N], dtype=nd.float16).numpy().max() < 1
    y = nd.random.uniform([N], minval=2.0, maxval=2.0001).numpy()
    assert y.min() >= 2.0 and y.max() < np.float32(2.0001)


def test_uniform_integers_cover_the_half_open_range():
    nd.random.set_seed(0)
    x = nd.random.uniform([10_000], minval=-2, maxval=5, dtype=nd.int32).numpy()
    assert x.dtype == np.int32
    assert set(np.unique(x).tolist()) == set(range(-2, 5))


def _truncated_std():
    # std of a standard normal truncated to [-2, 2]
    mass = math.erf(2 / math.sqrt(2))
    density = math.exp(-2) / math.sqrt(2 * math.pi)
    return math.sqrt(1 - 2 * 2 * density / mass)


def test_truncated_normal_stays_within_two_stddev():
    nd.random.set_seed(0)
    x = nd.random.truncated_normal([N], mean=1.0, stddev=0.5).numpy()
    assert x.min() >= 1.0 - 1.0 and x.max() <= 1.0 + 1.0
    assert abs(x.mean() - 1.0) < 0.01
    assert abs(x.std() - 0.5 * _truncated_std()) < 0.005


def test_categorical_frequencies_follow_softmax():
    nd.random.set_seed(0)
    p = np.array([[0.1, 0.6, 0.3, 0.0], [0.25, 0.25, 0.25, 0.25]])
    with np.errstate(divide="ignore"):
        logits = T(np.log(p).astype(np.float32))
    samples = nd.random.categorical(logits, 20_000)
    assert samples.shape == (2, 20_000) and samples.dtype == nd.int64
    counts = np.stack([np.bincount(row, minlength=4) for row in samples.numpy()]) / 20_000
    assert counts[0, 3] == 0  # -inf logit: never drawn
    np.testing.assert_allclose(counts, p, atol=0.015)
    assert nd.random.categorical(logits, 3, dtype=nd.int32).dtype == nd.int32


def test_shuffle_is_a_permutation_of_rows():
    nd.random.set_seed(0)
    x = np.arange(40).reshape(10, 4)
    out = nd.random.shuffle(T(x)).numpy()
    assert out.shape == x.shape
    assert sorted(map(tuple, out)) == sorted(map(tuple, x))
    assert not np.array_equal(out, x)
    assert int(nd.random.shuffle(T(np.int32(7)))) == 7


# -- shapes, dtypes, gradients ---------------------------------------------------------
@pytest.mark.parametrize("shape", [[2, 3], (2, 3), nd.TensorShape([2, 3]),
                                   np.array([2, 3])])
def test_shape_forms(shape):
    assert nd.random.normal(shape).shape == (2, 3)
    assert nd.random.uniform(T(np.array([2, 3], np.int32))).shape == (2, 3)
    assert nd.random.normal([]).shape == ()
    assert nd.random.uniform([0, 3]).shape == (0, 3)


@pytest.mark.parametrize("dtype", [nd.float16, nd.float32, nd.float64])
def test_float_dtypes(dtype):
    for fn in (nd.random.normal, nd.random.uniform, nd.random.truncated_normal):
        assert fn([4], dtype=dtype).dtype == dtype


def test_tensor_parameters_receive_gradients():
    mean, stddev = T(np.float32(1.0)), T(np.float32(2.0))
    lo, hi = T(np.float32(-1.0)), T(np.float32(3.0))
    with nd.GradientTape(persistent=True) as tape:
        tape.watch([mean, stddev, lo, hi])
        nd.random.set_seed(8)
        x = nd.random.normal([6], mean=mean, stddev=stddev)
        u = nd.random.uniform([6], minval=lo, maxval=hi)
    np.testing.assert_allclose(float(tape.gradient(x, mean)), 6.0)
    np.testing.assert_allclose(float(tape.gradient(x, stddev)),
                               np.sum((x.numpy() - 1.0) / 2.0), rtol=1e-5)
    unit = (u.numpy() + 1.0) / 4.0
    np.testing.assert_allclose(float(tape.gradient(u, hi)), np.sum(unit), rtol=1e-5)
    np.testing.assert_allclose(float(tape.gradient(u, lo)), np.sum(1 - unit), rtol=1e-5)
    nd.random.set_seed(8)
    np.testing.assert_allclose(nd.random.normal([6], mean=1.0, stddev=2.0).numpy(),
                               x.numpy(), rtol=1e-6)


def test_draws_are_not_differentiable_themselves():
    x = T(np.arange(4, dtype=np.float64))
    with nd.GradientTape() as tape:
        tape.watch(x)
        y = nd.random.shuffle(x)
    assert tape.gradient(y, x) is None


# -- errors ----------------------------------------------------------------------------
def test_errors():
    with pytest.raises(TypeError, match="random.normal: dtype must be a floating-point"):
        nd.random.normal([2], dtype=nd.int32)
    with pytest.raises(ValueError, match="must specify maxval for integer dtype int32"):
        nd.random.uniform([2], dtype=nd.int32)
    with pytest.raises(ValueError, match="need minval < maxval: 5 >= 5"):
        nd.random.uniform([2], minval=5, maxval=5, dtype=nd.int64)
    with pytest.raises(ValueError, match="must be a scalar integer"):
        nd.random.uniform([2], minval=0.5, maxval=4, dtype=nd.int64)
    with pytest.raises(ValueError, match=r"non-negative integers, got \[2, -1\]"):
        nd.random.normal([2, -1])
    with pytest.raises(ValueError, match=r"logits should be a matrix .* got shape \(3,\)"):
        nd.random.categorical(T(np.zeros(3, np.float32)), 2)
    with pytest.raises(TypeError, match="dtype must be int32 or int64"):
        nd.random.categorical(T(np.zeros((1, 3), np.float32)), 2, dtype=nd.float32)


# -- stateless ops and Generator ------------------------------------------------------
def test_stateless_ops_depend_on_the_seed_alone():
    for fn in (nd.random.stateless_normal, nd.random.stateless_uniform,
               nd.random.stateless_truncated_normal):
        nd.random.set_seed(1)
        a = fn([5], seed=[3, 4]).numpy()
        nd.random.set_seed(2)
        nd.random.normal([3])
        np.testing.assert_array_equal(fn([5], seed=T(np.array([3, 4]))).numpy(), a)
        assert not np.array_equal(fn([5], seed=[4, 3]).numpy(), a)
    ints = nd.random.stateless_uniform([100], seed=[1, 2], minval=0, maxval=3, dtype=nd.int32)
    assert set(np.unique(ints.numpy()).tolist()) == {0, 1, 2}
    cat = nd.random.stateless_categorical(T(np.zeros((2, 3), np.float32)), 4, seed=[1, 1])
    np.testing.assert_array_equal(
        cat.numpy(),
        nd.random.stateless_categorical(T(np.zeros((2, 3), np.float32)), 4, seed=[1, 1]))
    with pytest.raises(ValueError, match=r"seed must be a shape \[2\] integer tensor"):
        nd.random.stateless_normal([2], seed=[1, 2, 3])


def test_generator_from_seed():
    g1, g2 = nd.random.Generator.from_seed(5), nd.random.Generator.from_seed(5)
    a = g1.normal([4]).numpy()
    np.testing.assert_array_equal(g2.normal([4]).numpy(), a)
    assert not np.array_equal(g1.normal([4]).numpy(), a)  # the state advanced
    g1.reset_from_seed(5)
    np.testing.assert_array_equal(g1.normal([4]).numpy(), a)
    copy = nd.random.Generator(copy_from=g1)
    np.testing.assert_array_equal(copy.uniform([3]).numpy(), g1.uniform([3]).numpy())
    ints = g1.uniform([50], minval=0, maxval=4, dtype=nd.int64).numpy()
    assert ints.min() >= 0 and ints.max() < 4
    x = g1.truncated_normal([1000]).numpy()
    assert np.abs(x).max() <= 2
    seeds = g1.make_seeds(3)
    assert seeds.shape == (2, 3) and seeds.dtype == nd.int64
    a, b = g1.split(2)
    assert not np.array_equal(a.normal([4]).numpy(), b.normal([4]).numpy())


def test_global_generator_follows_set_seed():
    nd.random.set_seed(21)
    a = nd.random.get_global_generator().normal([3]).numpy()
    nd.random.set_seed(21)
    np.testing.assert_array_equal(nd.random.get_global_generator().normal([3]).numpy(), a)
    mine = nd.random.Generator.from_seed(1)
    nd.random.set_global_generator(mine)
    assert nd.random.get_global_generator() is mine
