"""Embedding and Masking: contract, PyTorch parity, and the masks they start."""

import numpy as np
import pytest

from ndflow.autodiff.tape import GradientTape
from ndflow.core.tensor import wrap
from ndflow.keras.layers.embedding import Embedding, Masking
from ndflow.ops.reduction import reduce_sum
from tests.keras.contract import check_layer


def test_embedding_contract():
    # contract inputs are floats in (-1, 1): they become id 0; gradients are checked below
    check_layer(lambda: Embedding(7, 3), (2, 4), (2, 4, 3), num_weights=1, num_params=21,
                gradients=False)


def test_embedding_matches_torch_with_repeated_ids():
    torch = pytest.importorskip("torch")
    ids = np.array([[1, 4, 4, 0], [2, 1, 6, 1]])
    layer = Embedding(7, 3, dtype="float64")
    layer(ids)
    table = np.random.default_rng(0).normal(size=(7, 3))
    layer.set_weights([table])
    projection = np.random.default_rng(1).normal(size=(2, 4, 3))
    with GradientTape() as tape:
        out = layer(ids)
        s = reduce_sum(out * wrap(projection))
    (grad,) = tape.gradient(s, layer.weights)
    module = torch.nn.Embedding(7, 3, dtype=torch.float64)
    with torch.no_grad():
        module.weight.copy_(torch.tensor(table))
    t_out = module(torch.tensor(ids))
    (t_out * torch.tensor(projection)).sum().backward()
    np.testing.assert_allclose(out.numpy(), t_out.detach().numpy())
    np.testing.assert_allclose(np.asarray(grad), module.weight.grad.numpy(), rtol=1e-12)


def test_embedding_mask_zero_and_config():
    layer = Embedding(5, 2, mask_zero=True)
    out = layer(np.array([[1, 0, 3]]))
    np.testing.assert_array_equal(out._keras_mask.numpy(), [[True, False, True]])
    plain = Embedding(5, 2)(np.array([[1, 0]]))
    assert getattr(plain, "_keras_mask", None) is None
    clone = Embedding.from_config(layer.get_config())
    assert clone.mask_zero and clone.input_dim == 5 and clone.output_dim == 2
    with pytest.raises(ValueError, match="input_dim"):
        Embedding(0, 2)


def test_embedding_out_of_range_id_names_the_op():
    with pytest.raises(Exception, match="gather"):
        Embedding(3, 2)(np.array([[5]]))


def test_masking_zeroes_and_masks_the_padded_steps():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]]], dtype=np.float32)
    out = Masking(mask_value=0.0)(x)
    np.testing.assert_array_equal(out._keras_mask.numpy(), [[True, False, True]])
    np.testing.assert_array_equal(out.numpy(), x)
    x2 = np.array([[[5.0, 5.0], [1.0, 2.0]]], dtype=np.float32)
    out2 = Masking(mask_value=5.0)(x2)
    np.testing.assert_array_equal(out2.numpy(), [[[0.0, 0.0], [1.0, 2.0]]])
    check_layer(lambda: Masking(0.5), (2, 3, 2), (2, 3, 2))
