"""keras.utils: to_categorical, normalize, set_random_seed, plot_model, the custom-object
registry and pad_sequences."""

import random

import numpy as np
import pytest

import ndflow as nd
from ndflow.keras import utils
from ndflow.keras.keras_tensor import KerasTensor
from ndflow.keras.utils import model_visualization, object_registration


# -- to_categorical ----------------------------------------------------------------------
@pytest.mark.parametrize(("labels", "num_classes", "expected"), [
    ([0, 2, 1], 3, np.eye(3)[[0, 2, 1]]),
    ([0, 2, 1], None, np.eye(3)[[0, 2, 1]]),
    ([1, 0], 4, np.eye(4)[[1, 0]]),
    (np.array([[1], [0], [1]]), None, np.eye(2)[[1, 0, 1]]),
    (np.array([[0, 1], [2, 2]]), 3, np.eye(3)[[[0, 1], [2, 2]]]),
    (np.array([1.0, 0.0]), 2, np.eye(2)[[1, 0]]),
    (nd.constant([2, 0]), 3, np.eye(3)[[2, 0]]),
    (3, 5, np.eye(5)[3]),
])
def test_to_categorical(labels, num_classes, expected):
    out = utils.to_categorical(labels, num_classes)
    assert isinstance(out, np.ndarray) and out.dtype == np.float64  # as Keras 3
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize(("labels", "num_classes", "match"), [
    ([0, 3], 3, "label 3 is outside"),
    ([0, -1], None, "label -1 is outside"),
    ([0.5, 1.0], None, "fractional"),
    (["a", "b"], None, "integer class labels"),
])
def test_to_categorical_bad_labels(labels, num_classes, match):
    with pytest.raises(ValueError, match=match):
        utils.to_categorical(labels, num_classes)


# -- normalize ---------------------------------------------------------------------------
X = np.array([[3.0, 4.0, 0.0], [0.0, 0.0, 0.0], [1.0, -2.0, 2.0]], np.float32)


@pytest.mark.parametrize(("axis", "order", "expected"), [
    (-1, 2, X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-30)),
    (0, 2, X / np.linalg.norm(X, axis=0, keepdims=True)),
    (1, 1, X / np.maximum(np.abs(X).sum(1, keepdims=True), 1e-30)),
    (None, 2, X / np.sqrt((X**2).sum())),
])
def test_normalize_numpy(axis, order, expected):
    out = utils.normalize(X, axis=axis, order=order)
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_normalize_keeps_zero_vectors_zero():
    np.testing.assert_array_equal(utils.normalize(X)[1], [0, 0, 0])


def test_normalize_tensor_gives_tensor():
    out = utils.normalize(nd.constant(X))
    assert isinstance(out, nd.Tensor)
    np.testing.assert_allclose(out.numpy(), utils.normalize(X), rtol=1e-6)


# -- set_random_seed ---------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _restore_random_state():
    """Leave Python's, NumPy's and ndflow's random state as other tests expect it."""
    python_state, numpy_state = random.getstate(), np.random.get_state()
    yield
    random.setstate(python_state)
    np.random.set_state(numpy_state)
    nd.random.set_seed(None)


def _draws():
    return (random.random(), np.random.rand(3), nd.random.normal((2, 2)).numpy(),
            nd.random.uniform((3,), seed=7).numpy())


def test_set_random_seed_makes_draws_reproducible():
    utils.set_random_seed(1234)
    first = _draws()
    utils.set_random_seed(1234)
    second = _draws()
    assert first[0] == second[0]
    for a, b in zip(first[1:], second[1:]):
        np.testing.assert_array_equal(a, b)
    utils.set_random_seed(4321)
    assert not np.array_equal(_draws()[2], first[2])


@pytest.mark.parametrize("seed", [1.5, "1", None, True])
def test_set_random_seed_needs_an_integer(seed):
    with pytest.raises(ValueError, match="integer"):
        utils.set_random_seed(seed)


def test_set_random_seed_range():
    with pytest.raises(ValueError, match=r"\[0, 2\*\*32\)"):
        utils.set_random_seed(-1)


# -- plot_model --------------------------------------------------------------------------
class FakeLayer:
    def __init__(self, name, output_shape=None, activation=None, layers=None):
        self.name = name
        self.dtype = "float32"
        self.trainable = True
        self._output_shape = output_shape
        if activation is not None:
            self.activation = activation
        if layers is not None:
            self.layers = layers

    @property
    def output_shape(self):
        if self._output_shape is None:
            raise ValueError("not built")
        return self._output_shape


class Dense(FakeLayer):
    pass


class FakeModel:
    def __init__(self, name, layers, edges=None):
        self.name = name
        self.layers = layers
        if edges is not None:
            self._graph_edges = lambda: edges


def _chain():
    return FakeModel("mlp", [Dense("dense", (None, 8), activation=np.tanh),
                             Dense("dense_1", (None, 3))])


@pytest.fixture
def no_graphviz(monkeypatch):
    monkeypatch.setattr(model_visualization, "_find_renderer", lambda: None)


def test_plot_model_writes_dot_text_without_graphviz(tmp_path, no_graphviz):
    target = tmp_path / "model.png"
    with pytest.warns(UserWarning, match="DOT text"):
        assert utils.plot_model(_chain(), to_file=str(target)) is None
    assert not target.exists()
    text = (tmp_path / "model.dot").read_text()
    assert text.startswith('digraph "mlp"')
    assert '"dense" -> "dense_1";' in text
    assert '"dense" [label="Dense"];' in text  # Keras 3 hides layer names by default


def test_plot_model_renders_with_graphviz(tmp_path, monkeypatch):
    seen = {}

    def render(source, fmt):
        seen.update(source=source, fmt=fmt)
        return b"image bytes"

    monkeypatch.setattr(model_visualization, "_find_renderer", lambda: render)
    target = tmp_path / "net.svg"
    utils.plot_model(_chain(), to_file=str(target), show_layer_names=True, rankdir="LR")
    assert target.read_bytes() == b"image bytes"
    assert seen["fmt"] == "svg" and 'rankdir="LR"' in seen["source"]
    assert "dense_1 (Dense)" in seen["source"]


def test_plot_model_falls_back_when_rendering_fails(tmp_path, monkeypatch):
    def render(source, fmt):
        raise RuntimeError("dot crashed")

    monkeypatch.setattr(model_visualization, "_find_renderer", lambda: render)
    with pytest.warns(UserWarning, match="could not render.*dot crashed"):
        utils.plot_model(_chain(), to_file=str(tmp_path / "m.png"))
    assert "dense_1" in (tmp_path / "m.dot").read_text()


def test_plot_model_to_a_dot_file_needs_no_graphviz(tmp_path, no_graphviz, recwarn):
    utils.plot_model(_chain(), to_file=str(tmp_path / "m.dot"))
    assert '"dense" -> "dense_1"' in (tmp_path / "m.dot").read_text()
    assert not recwarn.list


def test_model_to_dot_labels():
    text = utils.model_to_dot(_chain(), show_shapes=True, show_dtype=True,
                              show_layer_activations=True, show_trainable=True)
    assert (r"dense (Dense)\nactivation: tanh\ninput shape: ?\noutput shape: (None, 8)\n"
            r"dtype: float32\ntrainable: True") in text


def test_model_to_dot_unknown_shapes_show_a_question_mark():
    model = FakeModel("m", [Dense("d")])
    assert "output shape: ?" in utils.model_to_dot(model, show_shapes=True)


def test_model_to_dot_reads_shapes_of_symbolic_tensors():
    layer = Dense("d")
    layer.input = [KerasTensor((None, 4)), KerasTensor((None, 2))]
    layer.output = KerasTensor((None, 3))
    text = utils.model_to_dot(FakeModel("m", [layer]), show_shapes=True)
    assert r"input shape: (None, 4), (None, 2)\noutput shape: (None, 3)" in text


def test_model_to_dot_uses_graph_edges():
    layers = [FakeLayer("input"), Dense("left"), Dense("right"), FakeLayer("add")]
    edges = [("input", "left"), ("input", "right"), ("left", "add"), ("right", "add")]
    text = utils.model_to_dot(FakeModel("branches", layers, edges))
    for a, b in edges:
        assert f'"{a}" -> "{b}";' in text
    assert '"left" -> "right"' not in text


def test_model_to_dot_expands_nested_models():
    inner = FakeModel("inner", [Dense("a"), Dense("b")])
    block = FakeLayer("block", layers=inner.layers)
    outer = FakeModel("outer", [Dense("first"), block, Dense("last")])
    collapsed = utils.model_to_dot(outer)
    assert '"first" -> "block"' in collapsed and "cluster" not in collapsed
    expanded = utils.model_to_dot(outer, expand_nested=True)
    assert 'subgraph "cluster_block"' in expanded
    assert '"block/a" -> "block/b";' in expanded
    assert '"first" -> "block/a";' in expanded and '"block/b" -> "last";' in expanded


def test_model_to_dot_quotes_names():
    text = utils.model_to_dot(FakeModel('say "hi"', [Dense('odd"name')]),
                              show_layer_names=True)
    assert r'"odd\"name" [label="odd\"name (Dense)"];' in text


def test_plot_model_needs_layers():
    with pytest.raises(ValueError, match="`layers` list"):
        utils.model_to_dot(object())


# -- the custom-object registry ----------------------------------------------------------
@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(object_registration, "_GLOBAL_CUSTOM_OBJECTS", {})
    monkeypatch.setattr(object_registration, "_GLOBAL_CUSTOM_NAMES", {})


def test_register_keras_serializable(registry):
    @utils.register_keras_serializable(package="Physics")
    class Residual:
        def get_config(self):
            return {}

    @utils.register_keras_serializable(name="sq")
    def square(x):
        return x * x

    assert utils.get_registered_name(Residual) == "Physics>Residual"
    assert utils.get_registered_object("Physics>Residual") is Residual
    assert utils.get_registered_name(square) == "Custom>sq"
    assert utils.get_custom_objects()["Custom>sq"] is square
    assert utils.get_registered_name(len) == "len"
    assert utils.get_registered_object("Nope>Missing") is None


def test_register_needs_get_config_and_a_clean_package(registry):
    with pytest.raises(ValueError, match="get_config"):
        utils.register_keras_serializable()(type("NoConfig", (), {}))
    with pytest.raises(ValueError, match="cannot contain '>'"):
        utils.register_keras_serializable(package="a>b")


def test_lookup_order(registry):
    utils.get_custom_objects()["f"] = "global"
    assert utils.get_registered_object("f", custom_objects={"f": "given"}) == "global"
    assert utils.get_registered_object("g", {"g": "given"}, {"g": "module"}) == "given"
    assert utils.get_registered_object("h", None, {"h": "module"}) == "module"
    with utils.CustomObjectScope({"f": "outer"}):
        with utils.custom_object_scope({"f": "inner"}):
            assert utils.get_registered_object("f") == "inner"
        assert utils.get_registered_object("f") == "outer"
    assert utils.get_registered_object("f") == "global"


# -- pad_sequences -----------------------------------------------------------------------
SEQS = [[1, 2, 3], [4], [5, 6, 7, 8, 9]]


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({}, [[0, 0, 1, 2, 3], [0, 0, 0, 0, 4], [5, 6, 7, 8, 9]]),
    ({"maxlen": 3}, [[1, 2, 3], [0, 0, 4], [7, 8, 9]]),
    ({"maxlen": 3, "padding": "post", "truncating": "post"}, [[1, 2, 3], [4, 0, 0],
                                                               [5, 6, 7]]),
    ({"maxlen": 2, "value": -1}, [[2, 3], [-1, 4], [8, 9]]),
])
def test_pad_sequences(kwargs, expected):
    out = utils.pad_sequences(SEQS, **kwargs)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, expected)


def test_pad_sequences_keeps_element_shape():
    out = utils.pad_sequences([[[1, 2]], [[3, 4], [5, 6]]], dtype="float32", padding="post")
    assert out.shape == (2, 2, 2)
    np.testing.assert_array_equal(out[0], [[1, 2], [0, 0]])


@pytest.mark.parametrize(("args", "kwargs", "match"), [
    ((SEQS,), {"padding": "middle"}, "Padding type"),
    ((SEQS,), {"truncating": "both"}, "Truncating type"),
    (([1, 2],), {}, "non-iterable"),
    (([[[1, 2]], [[1, 2, 3]]],), {}, "different from expected shape"),
])
def test_pad_sequences_errors(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        utils.pad_sequences(*args, **kwargs)
