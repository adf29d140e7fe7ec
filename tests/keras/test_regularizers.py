"""keras.regularizers: penalty values against NumPy, gradients, validation, lookup, configs."""

import numpy as np
import pytest

import ndflow as nd
from ndflow.keras import regularizers
from ndflow.testing import check_gradients

# away from 0, where |w| has its kink
W = np.array([[0.7, -1.2, 0.3], [-0.4, 2.1, -0.9]])


def _orthogonal_penalty(w, factor, mode):
    m = w if mode == "rows" else w.T
    m = m / np.linalg.norm(m, axis=1, keepdims=True)
    cos = m @ m.T
    n = len(cos)
    off = np.abs(cos - np.diag(np.diag(cos))).sum()
    return factor * 0.5 * off / (n * (n - 1) / 2)


# name -> (regularizer, NumPy reference)
TABLE = {
    "l1": (regularizers.L1(0.3), lambda w: 0.3 * np.abs(w).sum()),
    "l2": (regularizers.L2(0.2), lambda w: 0.2 * np.square(w).sum()),
    "l1l2": (regularizers.L1L2(l1=0.1, l2=0.05),
             lambda w: 0.1 * np.abs(w).sum() + 0.05 * np.square(w).sum()),
    "l1l2_only_l2": (regularizers.L1L2(l2=0.5), lambda w: 0.5 * np.square(w).sum()),
    "orthogonal_rows": (regularizers.OrthogonalRegularizer(0.2),
                        lambda w: _orthogonal_penalty(w, 0.2, "rows")),
    "orthogonal_columns": (regularizers.OrthogonalRegularizer(0.2, mode="columns"),
                           lambda w: _orthogonal_penalty(w, 0.2, "columns")),
}


@pytest.mark.parametrize("name", TABLE)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_values_match_numpy(name, dtype):
    reg, ref = TABLE[name]
    out = reg(nd.convert_to_tensor(W.astype(dtype)))
    assert out.shape == () and out.dtype == nd.as_dtype(dtype)
    tol = 1e-6 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out.numpy(), ref(W), rtol=tol)


@pytest.mark.parametrize("name", TABLE)
def test_gradients(name):
    reg, _ = TABLE[name]
    check_gradients(reg, [W], order=2)


def test_gradient_reaches_a_variable():
    v = nd.Variable(W)
    with nd.GradientTape() as tape:
        penalty = regularizers.L2(0.5)(v)
    np.testing.assert_allclose(tape.gradient(penalty, v).numpy(), W)


def test_defaults_follow_keras():
    assert regularizers.L1().get_config() == {"l1": 0.01}
    assert regularizers.L2().get_config() == {"l2": 0.01}
    assert regularizers.L1L2().get_config() == {"l1": 0.0, "l2": 0.0}
    assert float(regularizers.L1L2()(W)) == 0.0
    assert regularizers.OrthogonalRegularizer().get_config() == {"factor": 0.01, "mode": "rows"}


def test_keras_docstring_example():
    assert float(regularizers.L2(0.1)([1.0, 2.0])) == pytest.approx(0.5)


def test_bad_factors():
    with pytest.raises(ValueError, match=r"l1 must be a non-negative float, got l1=-1"):
        regularizers.L1(-1)
    with pytest.raises(ValueError, match="l2 must be a non-negative float"):
        regularizers.L1L2(l2=float("inf"))
    with pytest.raises(ValueError, match="mode must be 'rows' or 'columns'"):
        regularizers.OrthogonalRegularizer(mode="diagonal")
    with pytest.raises(ValueError, match="must be 2-D"):
        regularizers.OrthogonalRegularizer()(np.ones(3))


@pytest.mark.parametrize(("name", "cls"), [
    ("l1", regularizers.L1), ("l2", regularizers.L2), ("l1_l2", regularizers.L1L2),
    ("L1", regularizers.L1), ("L1L2", regularizers.L1L2),
    ("orthogonal_regularizer", regularizers.OrthogonalRegularizer),
])
def test_get_by_name(name, cls):
    assert type(regularizers.get(name)) is cls


def test_get_instances_classes_callables_and_none():
    reg = regularizers.L1(0.5)
    assert regularizers.get(reg) is reg
    assert isinstance(regularizers.get(regularizers.L2), regularizers.L2)

    def custom(w):
        return nd.reduce_sum(w) * 0.0

    assert regularizers.get(custom) is custom
    assert regularizers.get(None) is None


def test_get_unknown_name_lists_valid_names():
    with pytest.raises(ValueError, match=r"Unknown regularizer: 'l3'.*l1, l1_l2"):
        regularizers.get("l3")
    with pytest.raises(ValueError, match="Could not interpret regularizer"):
        regularizers.get(0.1)


@pytest.mark.parametrize("reg", [regularizers.L1(0.2), regularizers.L2(0.3),
                                 regularizers.L1L2(0.1, 0.4),
                                 regularizers.OrthogonalRegularizer(0.5, "columns")],
                         ids=lambda r: type(r).__name__)
def test_config_round_trip(reg):
    config = reg.get_config()
    assert type(reg).from_config(config).get_config() == config
    serialized = regularizers.serialize(reg)
    assert serialized["class_name"] == type(reg).__name__ and serialized["config"] == config
    restored = regularizers.deserialize(serialized)
    assert type(restored) is type(reg) and restored.get_config() == config
    assert float(restored(W)) == float(reg(W))


def test_base_class():
    assert float(regularizers.Regularizer()(W)) == 0.0
    with pytest.raises(NotImplementedError):
        regularizers.Regularizer().get_config()
