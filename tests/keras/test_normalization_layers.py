"""BatchNormalization, LayerNormalization, GroupNormalization and UnitNormalization: the
layer contract, PyTorch parity on identical weights, moving statistics, freezing, masks,
training with ``fit`` and bad arguments."""

import numpy as np
import pytest

from ndflow.autodiff.tape import GradientTape
from ndflow.core.errors import InvalidArgumentError
from ndflow.core.tensor import wrap
from ndflow.keras import Input, Model, Sequential
from ndflow.keras.layers.core import Dense
from ndflow.keras.layers.normalization import (
    BatchNormalization,
    GroupNormalization,
    LayerNormalization,
    UnitNormalization,
)
from ndflow.ops.reduction import reduce_sum
from tests.keras.contract import check_layer

torch = pytest.importorskip("torch")

RTOL, ATOL = 1e-9, 1e-10


def rand(*shape, low=-1.0, high=1.0, seed=0):
    return np.random.default_rng(seed).uniform(low, high, size=shape)


def randomize(layer, seed=3):
    """Give every weight random values (variances positive), so parity is not trivial."""
    rng = np.random.default_rng(seed)
    values = []
    for w in layer.weights:
        v = rng.uniform(0.5, 1.5, size=tuple(w.shape))
        values.append(v if "variance" in w.name or "gamma" in w.name else v - 1.0)
    layer.set_weights(values)


def run_ndflow(fn, x, weights, projection):
    t = wrap(x)
    with GradientTape() as tape:
        tape.watch(t)
        out = fn(t)
        s = reduce_sum(out * wrap(projection))
    grads = tape.gradient(s, [t, *weights])
    return out.numpy(), [g.numpy() for g in grads]


def run_torch(fn, x, weights, projection):
    t = torch.tensor(x, requires_grad=True)
    for w in weights:
        w.grad = None
    out = fn(t)
    out.backward(torch.tensor(projection))
    return out.detach().numpy(), [t.grad.numpy()] + [w.grad.numpy() for w in weights]


def assert_twins(nd_fn, torch_fn, x, nd_weights, torch_weights, out_shape):
    projection = np.random.default_rng(1).standard_normal(out_shape)
    a_out, a_grads = run_ndflow(nd_fn, x, nd_weights, projection)
    b_out, b_grads = run_torch(torch_fn, x, torch_weights, projection)
    np.testing.assert_allclose(a_out, b_out, rtol=RTOL, atol=ATOL)
    for i, (a, b) in enumerate(zip(a_grads, b_grads)):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-9, err_msg=f"gradient {i}")


def channels_first(fn):
    """Run a channels-first (torch) module on a channels-last tensor."""
    return lambda t: fn(t.movedim(-1, 1)).movedim(1, -1)


# -- the layer contract ------------------------------------------------------------------
@pytest.mark.parametrize("training", [None, True])
def test_batch_normalization_contract(training):
    check_layer(lambda: BatchNormalization(), (6, 3), (6, 3), num_weights=4, num_params=12,
                call_kwargs={"training": training})
    check_layer(lambda: BatchNormalization(axis=1, center=False, momentum=0.5), (3, 2, 4, 2),
                (3, 2, 4, 2), num_weights=3, num_params=6, call_kwargs={"training": training})


def test_batch_normalization_weights_in_keras_order():
    layer = BatchNormalization()
    layer(np.zeros((2, 5), np.float32))
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean",
                                               "moving_variance"]
    assert [w.name for w in layer.trainable_weights] == ["gamma", "beta"]
    assert [w.name for w in layer.non_trainable_weights] == ["moving_mean", "moving_variance"]


@pytest.mark.parametrize("kwargs, num_weights", [
    ({}, 2), ({"axis": [1, 2]}, 2), ({"center": False}, 1), ({"rms_scaling": True}, 1),
    ({"axis": 1, "scale": False}, 1),
])
def test_layer_normalization_contract(kwargs, num_weights):
    check_layer(lambda: LayerNormalization(**kwargs), (3, 4, 5), (3, 4, 5),
                num_weights=num_weights, order=2)


@pytest.mark.parametrize("kwargs, shape", [
    ({"groups": 2}, (2, 3, 4)), ({"groups": 2, "axis": 1}, (2, 4, 3, 2)),
    ({"groups": -1}, (2, 3, 4)), ({"groups": 1, "center": False}, (2, 3, 2, 2)),
])
def test_group_normalization_contract(kwargs, shape):
    check_layer(lambda: GroupNormalization(**kwargs), shape, shape)


@pytest.mark.parametrize("axis", [-1, [1, 2]])
def test_unit_normalization_contract(axis):
    _, y = check_layer(lambda: UnitNormalization(axis=axis), (3, 2, 4), (3, 2, 4),
                       num_weights=0, order=2)
    norms = np.sqrt(np.sum(y.numpy().astype(np.float64) ** 2,
                           axis=tuple(np.atleast_1d(axis))))
    np.testing.assert_allclose(norms, 1.0, rtol=1e-5)


def test_float32_in_float32_out():
    x = rand(4, 6).astype(np.float32)
    for layer in (BatchNormalization(), LayerNormalization(), GroupNormalization(groups=3),
                  UnitNormalization()):
        assert layer(x, training=True).dtype.name == "float32"


# -- PyTorch parity ----------------------------------------------------------------------
def bn_twins(shape, momentum=0.9):
    """A Keras-style layer (channels last) and a torch BatchNorm with the same weights."""
    layer = BatchNormalization(momentum=momentum, dtype="float64")
    layer(np.zeros(shape))
    randomize(layer)
    gamma, beta, mean, var = layer.get_weights()
    cls = {2: torch.nn.BatchNorm1d, 4: torch.nn.BatchNorm2d}[len(shape)]
    twin = cls(shape[-1], eps=1e-3, momentum=1 - momentum, dtype=torch.float64)
    with torch.no_grad():
        twin.weight.copy_(torch.tensor(gamma))
        twin.bias.copy_(torch.tensor(beta))
        twin.running_mean.copy_(torch.tensor(mean))
        twin.running_var.copy_(torch.tensor(var))
    return layer, twin


@pytest.mark.parametrize("shape", [(8, 5), (3, 4, 2, 5)])
def test_batch_normalization_training_step_matches_torch(shape):
    x = rand(*shape, low=-2.0, high=3.0)
    layer, twin = bn_twins(shape)
    moving_var0 = layer.moving_variance.numpy().copy()
    fn = twin if len(shape) == 2 else channels_first(twin)
    twin.train()
    assert_twins(lambda t: layer(t, training=True), fn, x, [layer.gamma, layer.beta],
                 [twin.weight, twin.bias], shape)
    # each side took one training step: compare the statistics
    np.testing.assert_allclose(layer.moving_mean.numpy(), twin.running_mean.numpy(),
                               rtol=1e-12)
    # torch's running variance moves towards the unbiased batch variance, Keras's towards
    # the biased one: recover torch's batch variance and rescale it
    n = x.size // shape[-1]
    m = 0.1
    unbiased = (twin.running_var.numpy() - (1 - m) * moving_var0) / m
    expected = (1 - m) * moving_var0 + m * unbiased * (n - 1) / n
    np.testing.assert_allclose(layer.moving_variance.numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("shape", [(8, 5), (3, 4, 2, 5)])
def test_batch_normalization_inference_matches_torch(shape):
    x = rand(*shape, low=-2.0, high=3.0)
    layer, twin = bn_twins(shape)
    twin.eval()
    fn = twin if len(shape) == 2 else channels_first(twin)
    for training in (None, False):
        assert_twins(lambda t, tr=training: layer(t, training=tr), fn, x,
                     [layer.gamma, layer.beta], [twin.weight, twin.bias], shape)


@pytest.mark.parametrize("axis, normalized", [(-1, (5,)), ([1, 2], (4, 5))])
def test_layer_normalization_matches_torch(axis, normalized):
    x = rand(3, 4, 5, low=-2.0, high=3.0)
    layer = LayerNormalization(axis=axis, dtype="float64")
    layer(x)
    randomize(layer)
    twin = torch.nn.LayerNorm(normalized, eps=1e-3, dtype=torch.float64)
    with torch.no_grad():
        twin.weight.copy_(torch.tensor(layer.gamma.numpy()))
        twin.bias.copy_(torch.tensor(layer.beta.numpy()))
    assert_twins(layer, twin, x, [layer.gamma, layer.beta], [twin.weight, twin.bias], x.shape)


def test_layer_normalization_rms_scaling_matches_torch_rms_norm():
    x = rand(3, 4, 5, low=-2.0, high=3.0)
    layer = LayerNormalization(rms_scaling=True, dtype="float64")
    layer(x)
    randomize(layer)
    assert [w.name for w in layer.weights] == ["gamma"]
    twin = torch.nn.RMSNorm(5, eps=1e-3, dtype=torch.float64)
    with torch.no_grad():
        twin.weight.copy_(torch.tensor(layer.gamma.numpy()))
    assert_twins(layer, twin, x, [layer.gamma], [twin.weight], x.shape)


@pytest.mark.parametrize("groups", [1, 2, 6])
def test_group_normalization_matches_torch(groups):
    x = rand(2, 3, 4, 6, low=-2.0, high=3.0)
    layer = GroupNormalization(groups=groups, dtype="float64")
    layer(x)
    randomize(layer)
    twin = torch.nn.GroupNorm(groups, 6, eps=1e-3, dtype=torch.float64)
    with torch.no_grad():
        twin.weight.copy_(torch.tensor(layer.gamma.numpy()))
        twin.bias.copy_(torch.tensor(layer.beta.numpy()))
    assert_twins(layer, channels_first(twin), x, [layer.gamma, layer.beta],
                 [twin.weight, twin.bias], x.shape)


def test_group_normalization_channels_first_matches_torch():
    x = rand(2, 6, 3, 4, low=-2.0, high=3.0)
    layer = GroupNormalization(groups=3, axis=1, dtype="float64")
    layer(x)
    randomize(layer)
    twin = torch.nn.GroupNorm(3, 6, eps=1e-3, dtype=torch.float64)
    with torch.no_grad():
        twin.weight.copy_(torch.tensor(layer.gamma.numpy()))
        twin.bias.copy_(torch.tensor(layer.beta.numpy()))
    assert_twins(layer, twin, x, [layer.gamma, layer.beta], [twin.weight, twin.bias], x.shape)


# -- batch normalization: moving statistics, modes, freezing, masks ------------------------
def test_moving_statistics_converge_to_the_data_statistics():
    rng = np.random.default_rng(0)
    mu, sigma = np.array([2.0, -1.0, 0.5]), np.array([3.0, 0.5, 1.0])
    layer = BatchNormalization(momentum=0.9, dtype="float64")
    for _ in range(300):
        layer(rng.normal(mu, sigma, size=(64, 3)), training=True)
    np.testing.assert_allclose(layer.moving_mean.numpy(), mu, atol=0.2)
    np.testing.assert_allclose(layer.moving_variance.numpy(), sigma ** 2, rtol=0.15)
    # after convergence, inference output is standardized data
    y = layer(rng.normal(mu, sigma, size=(2000, 3))).numpy()
    np.testing.assert_allclose(y.mean(0), 0.0, atol=0.15)
    np.testing.assert_allclose(y.std(0), 1.0, atol=0.15)


def test_training_uses_the_batch_and_inference_the_moving_statistics():
    x = rand(10, 4, low=1.0, high=5.0)
    layer = BatchNormalization(epsilon=1e-3, dtype="float64")
    layer(x)
    randomize(layer)
    gamma, beta, mean, var = (w.copy() for w in layer.get_weights())
    inference = layer(x, training=False).numpy()
    np.testing.assert_allclose(inference, gamma * (x - mean) / np.sqrt(var + 1e-3) + beta,
                               rtol=1e-12)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), mean)  # inference: no update
    training = layer(x, training=True).numpy()
    expected = gamma * (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3) + beta
    np.testing.assert_allclose(training, expected, rtol=1e-10, atol=1e-12)
    assert not np.allclose(training, inference)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.99 * mean + 0.01 * x.mean(0))
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.99 * var + 0.01 * x.var(0))


def test_frozen_layer_runs_in_inference_mode():
    x = rand(10, 4, low=1.0, high=5.0)
    layer = BatchNormalization(dtype="float64")
    layer(x)
    randomize(layer)
    before = [w.copy() for w in layer.get_weights()]
    layer.trainable = False
    assert layer.trainable_weights == []
    np.testing.assert_allclose(layer(x, training=True).numpy(),
                               layer(x, training=False).numpy(), rtol=1e-12)
    for a, b in zip(before, layer.get_weights()):
        np.testing.assert_array_equal(a, b)
    layer.trainable = True
    layer(x, training=True)
    assert not np.allclose(layer.moving_mean.numpy(), before[2])


def test_masked_steps_are_left_out_of_the_statistics():
    x = rand(3, 4, 2, low=-1.0, high=4.0)
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 0], [1, 0, 0, 0]], dtype=bool)
    layer = BatchNormalization(momentum=0.0, dtype="float64")  # moving = the batch's
    y = layer(x, training=True, mask=mask).numpy()
    kept = x[mask]
    mean, var = kept.mean(0), kept.var(0)
    np.testing.assert_allclose(layer.moving_mean.numpy(), mean, rtol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), var, rtol=1e-6)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-3), rtol=1e-5, atol=1e-6)
    # the masked values do not matter at all
    x2 = np.where(mask[..., None], x, 100.0)
    np.testing.assert_allclose(layer(x2, training=True, mask=mask).numpy()[mask], y[mask],
                               rtol=1e-6)


def test_update_under_a_tape_leaves_gradients_intact():
    x = rand(6, 3)
    layer = BatchNormalization(dtype="float64")
    layer(x)
    randomize(layer)
    t = wrap(x)
    with GradientTape() as tape:
        tape.watch(t)
        out = layer(t, training=True)
        loss = reduce_sum(out * out * wrap(rand(6, 3, seed=5)))
    grads = tape.gradient(loss, [t, layer.gamma, layer.beta, layer.moving_mean])
    assert all(g is not None for g in grads[:3])
    assert grads[3] is None  # the moving mean takes no part in a training-mode output


def test_fit_updates_the_moving_statistics_and_trains_gamma_and_beta():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=(64, 4)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5, 1.0], np.float32))[:, None]
    bn = BatchNormalization(momentum=0.5)
    model = Sequential([Input(shape=(4,)), bn, Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = [w.copy() for w in bn.get_weights()]
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    after = bn.get_weights()
    for name, a, b in zip(["gamma", "beta", "moving_mean", "moving_variance"], before, after):
        assert not np.allclose(a, b), f"{name} did not change"
    np.testing.assert_allclose(after[2], x.mean(0), atol=0.6)  # towards the data mean
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_functional_model_with_normalization_layers():
    inputs = Input(shape=(4, 6))
    h = BatchNormalization()(inputs)
    h = LayerNormalization()(h)
    h = GroupNormalization(groups=3)(h)
    out = UnitNormalization()(h)
    model = Model(inputs, out)
    assert tuple(out.shape) == (None, 4, 6)
    assert model(rand(2, 4, 6).astype(np.float32)).shape == (2, 4, 6)


# -- configuration and bad arguments -----------------------------------------------------
def test_batch_normalization_config_has_keras_keys():
    config = BatchNormalization(momentum=0.9, gamma_regularizer="l2").get_config()
    for key in ["axis", "momentum", "epsilon", "center", "scale", "beta_initializer",
                "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer",
                "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint",
                "synchronized"]:
        assert key in config, key
    assert config["momentum"] == 0.9
    layer = BatchNormalization.from_config(config)
    layer(np.zeros((2, 3), np.float32))
    assert len(layer.losses) == 1  # the gamma regularizer came along


def test_layer_and_group_normalization_config_round_trip():
    layer = LayerNormalization(axis=[1, 2], epsilon=1e-5, rms_scaling=True)
    clone = LayerNormalization.from_config(layer.get_config())
    assert clone.axis == [1, 2] and clone.rms_scaling and clone.epsilon == 1e-5
    group = GroupNormalization.from_config(GroupNormalization(groups=4, axis=1).get_config())
    assert (group.groups, group.axis) == (4, 1)
    assert UnitNormalization.from_config(UnitNormalization(axis=[1]).get_config()).axis == [1]


@pytest.mark.parametrize("make", [
    lambda: BatchNormalization(axis=2), lambda: BatchNormalization(axis=-3),
    lambda: BatchNormalization(axis=0), lambda: LayerNormalization(axis=[1, 5]),
    lambda: GroupNormalization(groups=1, axis=0), lambda: UnitNormalization(axis=4),
])
def test_bad_axis_is_reported(make):
    layer = make()
    with pytest.raises(InvalidArgumentError, match=f"'{layer.name}'.*axis"):
        layer(np.zeros((2, 4), np.float32))


def test_axis_type_is_checked():
    with pytest.raises(TypeError, match="expected an int for `axis`"):
        BatchNormalization(axis=[1])
    with pytest.raises(TypeError, match="an int or a list of ints"):
        LayerNormalization(axis="last")


def test_group_errors():
    with pytest.raises(ValueError, match=r"groups \(4\) must divide the number of channels "
                                         r"\(6\)"):
        GroupNormalization(groups=4)(np.zeros((2, 6), np.float32))
    with pytest.raises(ValueError, match=r"cannot be more than the number of channels \(6\)"):
        GroupNormalization(groups=8)(np.zeros((2, 6), np.float32))
    with pytest.raises(ValueError, match="groups must be a positive integer"):
        GroupNormalization(groups=0)


def test_unknown_feature_dimension_is_reported():
    with pytest.raises(InvalidArgumentError, match="must have a known size"):
        LayerNormalization()(Input(shape=(None,)))
