"""ndflow.data.Dataset against NumPy / Python references."""

import gc
import threading
import time

import numpy as np
import pytest

import ndflow as nd
from ndflow.data import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Dataset


def values(ds):
    return list(ds.as_numpy_iterator())


def card(ds):
    return int(ds.cardinality())


class Spec:
    def __init__(self, shape, dtype):
        self.shape, self.dtype = shape, dtype


# ---- sources -----------------------------------------------------------------------------


def test_from_tensor_slices_tuple_gives_tensors_with_tf_dtypes():
    x = np.arange(12, dtype=np.float64).reshape(4, 3)
    ds = Dataset.from_tensor_slices((x, [1, 2, 3, 4], [0.5, 1.5, 2.5, 3.5]))
    out = list(ds)
    assert len(out) == 4
    for i, (a, b, c) in enumerate(out):
        assert isinstance(a, nd.Tensor) and isinstance(b, nd.Tensor)
        assert a.dtype == nd.float64 and b.dtype == nd.int32 and c.dtype == nd.float32
        np.testing.assert_array_equal(a.numpy(), x[i])
        assert int(b) == i + 1
    assert list(ds) != [] and len(list(ds)) == 4  # re-iterable


def test_from_tensor_slices_dict_list_and_single():
    d = {"b": np.arange(3), "a": np.ones((3, 2), np.float32)}
    out = values(Dataset.from_tensor_slices(d))
    assert [list(e) for e in out] == [["b", "a"]] * 3
    np.testing.assert_array_equal([e["b"] for e in out], d["b"])
    assert values(Dataset.from_tensor_slices([[1, 2], [3, 4]]))[1].tolist() == [3, 4]
    nested = values(Dataset.from_tensor_slices(((np.arange(2), {"k": np.arange(2) * 2}),
                                                np.arange(2) * 3)))
    assert nested[1][0][1]["k"] == 2 and nested[1][1] == 3


def test_from_tensor_slices_strings_become_string_tensors():
    ds = Dataset.from_tensor_slices((["a", "bc"], [1, 2]))
    (s, n), _ = list(ds)
    assert s.dtype == nd.string and s.numpy() == "a" and isinstance(n, nd.Tensor)
    assert list(ds.as_numpy_iterator())[1][0] == "bc"


def test_from_tensor_slices_errors():
    with pytest.raises(ValueError, match=r"same size.*\[0\]: 3, \[1\]: 4"):
        Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))
    with pytest.raises(ValueError, match="scalar"):
        Dataset.from_tensor_slices(5)
    with pytest.raises(TypeError, match="None"):
        Dataset.from_tensor_slices(None)


def test_from_tensors_and_range():
    out = values(Dataset.from_tensors(([1, 2], 3.0)))
    assert len(out) == 1 and out[0][0].tolist() == [1, 2] and out[0][1] == 3.0
    for args in [(5,), (2, 9), (9, 2, -3), (0, 10, 4), (3, 3)]:
        ds = Dataset.range(*args)
        assert values(ds) == list(range(*args))
        assert card(ds) == len(range(*args))
    assert next(iter(Dataset.range(3))).dtype == nd.int64
    assert next(iter(Dataset.range(3, dtype=nd.int32))).dtype == nd.int32
    with pytest.raises(TypeError, match="1 to 3 arguments"):
        Dataset.range()


def test_from_generator_recalled_each_pass_and_typed():
    calls = []

    def gen(n):
        calls.append(n)
        for i in range(int(n)):
            yield i, [float(i)] * 2

    ds = Dataset.from_generator(gen, output_types=(nd.int64, nd.float32),
                                output_shapes=((), (2,)), args=(3,))
    a, b = values(ds), values(ds)
    assert len(calls) == 2 and [x for x, _ in a] == [x for x, _ in b] == [0, 1, 2]
    assert [y.tolist() for _, y in a] == [[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]
    first = next(iter(ds))
    assert first[0].dtype == nd.int64 and first[1].dtype == nd.float32
    assert card(ds) == UNKNOWN_CARDINALITY

    sig = Dataset.from_generator(lambda: iter([np.ones(2)]),
                                 output_signature=Spec((None,), nd.float32))
    assert next(iter(sig)).dtype == nd.float32
    inferred = Dataset.from_generator(lambda: iter([(1, 2.0)]))
    assert [t.dtype for t in next(iter(inferred))] == [nd.int32, nd.float32]


def test_from_generator_errors():
    bad_shape = Dataset.from_generator(lambda: iter([[1, 2, 3]]), output_types=nd.int32,
                                       output_shapes=(2,))
    with pytest.raises(TypeError, match=r"shape \(3,\) where an element of shape \(2,\)"):
        list(bad_shape)
    bad_structure = Dataset.from_generator(lambda: iter([1]), output_types=(nd.int32, nd.int32))
    with pytest.raises(TypeError, match="expected structure"):
        list(bad_structure)
    with pytest.raises(TypeError, match="generator must be callable"):
        Dataset.from_generator([1, 2], output_types=nd.int32)


def test_zip_tuple_dict_and_positional():
    a, b = Dataset.range(5), Dataset.range(10, 13)
    assert values(Dataset.zip((a, b))) == list(zip(range(5), range(10, 13)))
    assert values(Dataset.zip(a, b)) == values(Dataset.zip((a, b)))
    assert values(Dataset.zip({"x": a, "y": b}))[2] == {"x": 2, "y": 12}
    assert card(Dataset.zip((a, b))) == 3
    assert card(Dataset.zip((a.repeat(), b))) == 3
    with pytest.raises(TypeError, match="tuple or dict of Datasets"):
        Dataset.zip(3)


# ---- transformations ---------------------------------------------------------------------


def test_map_unpacks_tuples_and_passes_dicts_whole():
    ds = Dataset.from_tensor_slices((np.arange(4.0), np.arange(4)))
    out = values(ds.map(lambda x, y: (x * 2, y + 1)))
    assert out == [(2.0 * i, i + 1) for i in range(4)]
    dicts = Dataset.from_tensor_slices({"a": np.arange(3)}).map(lambda d: d["a"] * 10)
    assert values(dicts) == [0, 10, 20]
    single = Dataset.range(3).map(lambda x: [x, x])  # a returned list becomes a tuple
    assert values(single) == [(0, 0), (1, 1), (2, 2)]
    assert card(ds.map(lambda x, y: x)) == 4
    with pytest.raises(TypeError, match="map: map_func must be callable"):
        ds.map(3)


def test_map_receives_tensors_and_may_return_python_values():
    seen = []

    def f(x):
        seen.append(type(x))
        return 1.5

    out = list(Dataset.range(2).map(f))
    assert seen == [nd.Tensor, nd.Tensor] and out[0].dtype == nd.float32


def test_filter():
    ds = Dataset.range(10).filter(lambda x: x % 3 == 0)
    assert values(ds) == [0, 3, 6, 9] and card(ds) == UNKNOWN_CARDINALITY
    pairs = Dataset.from_tensor_slices((np.arange(6), np.arange(6) % 2 == 0))
    assert values(pairs.filter(lambda x, keep: keep)) == [(0, True), (2, True), (4, True)]
    with pytest.raises(TypeError, match="scalar boolean"):
        list(Dataset.range(3).filter(lambda x: x))
    with pytest.raises(TypeError, match="filter: predicate must be callable"):
        Dataset.range(3).filter(None)


@pytest.mark.parametrize("drop", [False, True])
@pytest.mark.parametrize("mapped", [False, True])
def test_batch_matches_numpy(drop, mapped):
    x = np.arange(23 * 2, dtype=np.float32).reshape(23, 2)
    y = np.arange(23)
    ds = Dataset.from_tensor_slices((x, y))
    if mapped:  # the element-by-element path instead of the index plan
        ds = ds.map(lambda a, b: (a, b))
    ds = ds.batch(5, drop_remainder=drop)
    out = values(ds)
    stops = range(5, 24, 5) if drop else range(5, 28, 5)
    assert len(out) == len(stops) == card(ds)
    for (bx, by), stop in zip(out, stops):
        np.testing.assert_array_equal(bx, x[stop - 5:stop])
        np.testing.assert_array_equal(by, y[stop - 5:stop])
        assert bx.dtype == np.float32


def test_batch_errors_and_cardinality():
    with pytest.raises(ValueError, match="batch: batch_size must be greater than zero, got 0"):
        Dataset.range(3).batch(0)
    with pytest.raises(TypeError, match="batch_size must be an integer"):
        Dataset.range(3).batch(2.5)
    ragged = Dataset.from_generator(lambda: iter([[1], [1, 2]]))
    with pytest.raises(ValueError, match="different shapes in component 0"):
        list(ragged.batch(2))
    assert card(Dataset.range(10).repeat().batch(3)) == INFINITE_CARDINALITY
    assert card(Dataset.range(10).filter(lambda x: True).batch(3)) == UNKNOWN_CARDINALITY


def test_padded_batch():
    seqs = [[1], [2, 3, 4], [5, 6], [7]]
    ds = Dataset.from_generator(lambda: iter(seqs), output_types=nd.int32)
    out = values(ds.padded_batch(3))
    expected = np.zeros((3, 3), np.int32)
    for i, s in enumerate(seqs[:3]):
        expected[i, :len(s)] = s
    np.testing.assert_array_equal(out[0], expected)
    np.testing.assert_array_equal(out[1], [[7]])
    fixed = values(ds.padded_batch(2, padded_shapes=[5], padding_values=-1,
                                   drop_remainder=True))
    assert len(fixed) == 2 and fixed[0].tolist() == [[1, -1, -1, -1, -1], [2, 3, 4, -1, -1]]
    pairs = ds.map(lambda s: (s, nd.size(s)))
    first = values(pairs.padded_batch(2, padded_shapes=([None], [])))[0]
    assert first[0].tolist() == [[1, 0, 0], [2, 3, 4]] and first[1].tolist() == [1, 3]
    with pytest.raises(ValueError, match="smaller size"):
        list(ds.padded_batch(2, padded_shapes=[2]))


def test_unbatch_inverts_batch():
    x, y = np.arange(14).reshape(7, 2), np.arange(7)
    ds = Dataset.from_tensor_slices((x, y)).batch(3).unbatch()
    out = values(ds)
    assert len(out) == 7 and all((a == x[i]).all() and b == y[i] for i, (a, b) in
                                 enumerate(out))
    assert values(Dataset.range(6).batch(4).unbatch()) == list(range(6))


def test_repeat_take_skip():
    ds = Dataset.range(4)
    assert values(ds.repeat(3)) == list(range(4)) * 3 and card(ds.repeat(3)) == 12
    assert values(ds.repeat().take(10)) == (list(range(4)) * 3)[:10]
    assert card(ds.repeat()) == INFINITE_CARDINALITY and card(ds.repeat().take(10)) == 10
    assert values(ds.take(2)) == [0, 1] and values(ds.take(-1)) == [0, 1, 2, 3]
    assert values(ds.skip(3)) == [3] and values(ds.skip(-1)) == [] and card(ds.skip(9)) == 0
    assert values(ds.take(0)) == [] and values(ds.repeat(0)) == []
    assert values(Dataset.range(0).repeat()) == []  # no endless loop over nothing
    gen = Dataset.from_generator(lambda: iter(range(5)), output_types=nd.int64)
    assert values(gen.skip(2).take(2).repeat(2)) == [2, 3, 2, 3]


def test_concatenate_and_enumerate():
    a, b = Dataset.range(3), Dataset.range(10, 12)
    ab = a.concatenate(b)
    assert values(ab) == [0, 1, 2, 10, 11] and card(ab) == 5
    assert card(a.concatenate(b.repeat())) == INFINITE_CARDINALITY
    with pytest.raises(TypeError, match="different element structures"):
        list(a.concatenate(Dataset.zip((a, b))))
    en = Dataset.from_tensor_slices(([5, 6], [7, 8])).enumerate(start=2)
    out = list(en)
    assert [int(i) for i, _ in out] == [2, 3] and out[0][0].dtype == nd.int64
    assert values(en.map(lambda i, xy: i + xy[0])) == [7, 9]


def test_shard_take_while_flat_map_reduce_apply():
    ds = Dataset.range(10)
    assert values(ds.shard(3, 1)) == [1, 4, 7] and card(ds.shard(3, 1)) == 3
    assert values(ds.take_while(lambda x: x < 4)) == [0, 1, 2, 3]
    assert values(ds.take(3).flat_map(lambda x: Dataset.range(x))) == [0, 0, 1]
    assert int(ds.reduce(0, lambda s, x: s + x)) == 45
    assert values(ds.apply(lambda d: d.take(2))) == [0, 1]
    assert int(Dataset.range(7, 8).get_single_element()) == 7


# ---- shuffle -----------------------------------------------------------------------------


@pytest.mark.parametrize("mapped", [False, True])
def test_shuffle_is_a_permutation_and_reshuffles(mapped):
    ds = Dataset.range(100)
    if mapped:
        ds = ds.map(lambda x: x)
    sh = ds.shuffle(10)
    first, second = values(sh), values(sh)
    assert sorted(first) == list(range(100)) and first != second
    assert card(sh) == 100


def test_shuffle_buffer_bounds_displacement():
    # an element can only come out after the buffer has reached it
    out = values(Dataset.range(200).shuffle(5))
    assert all(v <= i + 4 for i, v in enumerate(out))


def test_shuffle_seeded_runs_are_identical_and_paths_agree():
    def run(mapped):
        nd.random.set_seed(7)
        ds = Dataset.range(50)
        if mapped:
            ds = ds.map(lambda x: x)
        sh = ds.shuffle(8)
        return values(sh), values(sh)

    assert run(False) == run(False)
    assert run(False) == run(True)  # the index plan and the element path draw alike
    nd.random.set_seed(None)
    fixed = Dataset.range(30).shuffle(30, seed=3, reshuffle_each_iteration=False)
    assert values(fixed) == values(fixed)
    assert values(fixed) == values(Dataset.range(30).shuffle(30, seed=3,
                                                            reshuffle_each_iteration=False))


def test_shuffle_repeat_reshuffles_each_epoch_and_batches_agree():
    nd.random.set_seed(1)
    x = np.arange(40)
    ds = Dataset.from_tensor_slices((x, x * 2)).shuffle(40).repeat(2).batch(8)
    out = values(ds)
    firsts = np.concatenate([a for a, _ in out])
    assert sorted(firsts[:40]) == list(x) and sorted(firsts[40:]) == list(x)
    assert not (firsts[:40] == firsts[40:]).all()
    assert all((b == a * 2).all() for a, b in out)


def test_shuffle_errors():
    with pytest.raises(ValueError, match="shuffle: buffer_size must be greater than zero"):
        Dataset.range(3).shuffle(0)
    with pytest.raises(TypeError, match="seed must be an integer"):
        Dataset.range(3).shuffle(2, seed="x")


# ---- cache and prefetch ------------------------------------------------------------------


def test_cache_does_not_rerun_upstream():
    calls = []

    def f(x):
        calls.append(1)
        return x * 2

    ds = Dataset.range(5).map(f).cache()
    assert values(ds) == [0, 2, 4, 6, 8] and len(calls) == 5
    assert values(ds) == [0, 2, 4, 6, 8] and len(calls) == 5
    assert card(ds) == 5
    partial = Dataset.range(5).map(f).cache()
    calls.clear()
    next(iter(partial))
    assert values(partial) == [0, 2, 4, 6, 8]  # an unfinished pass keeps nothing
    assert len(calls) == 6


def test_cache_of_shuffle_keeps_first_order():
    ds = Dataset.range(20).shuffle(20).cache()
    assert values(ds) == values(ds)
    with pytest.warns(UserWarning, match="in memory"):
        Dataset.range(3).cache("some_file")


def test_prefetch_yields_everything_in_order():
    ds = Dataset.range(50).map(lambda x: x * 3).prefetch(2)
    assert values(ds) == [3 * i for i in range(50)] and card(ds) == 50
    assert values(Dataset.range(5).prefetch(AUTOTUNE)) == list(range(5))
    assert values(Dataset.range(5).prefetch(0)) == list(range(5))
    with pytest.raises(ValueError, match="prefetch: buffer_size"):
        Dataset.range(3).prefetch(-3)


def _wait_for_threads(count, timeout=3.0):
    deadline = time.monotonic() + timeout
    while threading.active_count() > count and time.monotonic() < deadline:
        gc.collect()
        time.sleep(0.01)
    return threading.active_count()


def test_prefetch_threads_end_on_early_stop_and_garbage_collection():
    before = threading.active_count()
    ds = Dataset.range(1000).prefetch(2).map(lambda x: x).prefetch(1)
    for i, _ in enumerate(ds):
        if i == 3:
            break
    assert _wait_for_threads(before) == before
    it = iter(Dataset.range(10**6).repeat().prefetch(3))
    next(it)
    assert threading.active_count() > before
    del it
    assert _wait_for_threads(before) == before


def test_prefetch_reraises_upstream_errors():
    def boom(x):
        if int(x) == 3:
            raise RuntimeError("broken element 3")
        return x

    before = threading.active_count()
    seen = []
    with pytest.raises(RuntimeError, match="broken element 3"):
        for x in Dataset.range(10).map(boom).prefetch(2):
            seen.append(int(x))
    assert seen == [0, 1, 2]
    assert _wait_for_threads(before) == before


# ---- inspection --------------------------------------------------------------------------


def test_cardinality_and_len():
    ds = Dataset.from_tensor_slices(np.zeros((10, 2)))
    c = ds.cardinality()
    assert isinstance(c, nd.Tensor) and c.dtype == nd.int64 and int(c) == 10
    assert len(ds) == 10 and len(ds.batch(3)) == 4 and len(ds.batch(3, True)) == 3
    assert len(ds.take(4)) == 4 and len(ds.skip(4)) == 6 and len(ds.shuffle(3)) == 10
    assert len(ds.enumerate()) == 10 and len(ds.cache().prefetch(1)) == 10
    with pytest.raises(TypeError, match="The dataset is infinite."):
        len(ds.repeat())
    with pytest.raises(TypeError, match="The dataset length is unknown."):
        len(ds.filter(lambda x: True))
    assert bool(ds.repeat())


def test_as_numpy_iterator_types():
    ds = Dataset.from_tensor_slices({"x": np.ones((2, 3), np.float32), "n": [1, 2]})
    e = values(ds)[0]
    assert isinstance(e["x"], np.ndarray) and e["x"].dtype == np.float32
    assert isinstance(e["n"], np.int32)
    scalar = values(Dataset.from_tensors(2.5))[0]
    assert isinstance(scalar, np.float32)


def test_experimental_namespace():
    from ndflow.data import experimental

    assert experimental.AUTOTUNE == AUTOTUNE == -1
    assert int(experimental.cardinality(Dataset.range(3))) == 3


def test_plan_pipeline_is_fast_enough_to_iterate():
    # a smoke check that the index plan path handles a full MNIST-sized epoch
    x = np.zeros((60000, 4), np.float32)
    y = np.arange(60000)
    ds = Dataset.from_tensor_slices((x, y)).shuffle(1000).batch(32)
    seen = np.concatenate([b.numpy() for _, b in ds])
    assert len(seen) == 60000 and sorted(seen.tolist()) == list(range(60000))
