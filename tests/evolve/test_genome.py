"""A model's trainable weights as one flat vector of genes, and the first generation."""

import numpy as np
import pytest

from ndflow import keras
from ndflow.evolve.genome import Genome
from ndflow.keras import layers


def _model():
    keras.utils.set_random_seed(0)
    frozen = layers.Dense(2, name="frozen")
    frozen.trainable = False
    model = keras.Sequential([layers.Input(shape=(3,)), frozen,
                              layers.Dense(4, activation="relu", bias_initializer="ones"),
                              layers.Dense(2, kernel_initializer="random_normal")])
    return model


def test_vector_and_assign_round_trip_the_trainable_weights():
    model = _model()
    genome = Genome(model)
    assert genome.size == 2 * 4 + 4 + 4 * 2 + 2  # the frozen layer's weights are not genes
    assert genome.shapes == [(2, 4), (4,), (4, 2), (2,)]
    vector = genome.vector()
    np.testing.assert_array_equal(
        vector, np.concatenate([w.numpy().ravel() for w in model.trainable_weights]))
    genome.assign(np.arange(genome.size, dtype=np.float32))
    assert model.trainable_weights[1].numpy().tolist() == [8.0, 9.0, 10.0, 11.0]
    assert model.trainable_weights[2].numpy().dtype == np.float32
    with pytest.raises(ValueError, match="expected a vector of 22 genes"):
        genome.assign(np.zeros(5))


def test_unstack_gives_views_with_a_population_axis():
    genome = Genome(_model())
    population = np.random.default_rng(0).normal(size=(5, genome.size)).astype(np.float32)
    kernel, bias, *_ = genome.unstack(population)
    assert kernel.shape == (5, 2, 4) and bias.shape == (5, 4)
    assert np.shares_memory(kernel, population)
    np.testing.assert_array_equal(kernel[3].ravel(), population[3, :8])


def test_initial_population_draws_from_each_weights_initializer():
    model = _model()
    genome = Genome(model)
    population = genome.initial_population(200, np.random.default_rng(0))
    np.testing.assert_array_equal(population[0], genome.vector())  # the model itself first
    kernel, bias, kernel2, bias2 = genome.unstack(population[1:])
    limit = np.sqrt(6 / (2 + 4))  # glorot_uniform
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.9 * limit
    assert np.all(bias == 1.0) and np.all(bias2 == 0.0)  # ones, zeros
    assert abs(kernel2.std() - 0.05) < 0.005  # random_normal's stddev
    assert len(np.unique(kernel.reshape(199, -1), axis=0)) == 199  # all different
    again = genome.initial_population(200, np.random.default_rng(0))
    np.testing.assert_array_equal(population, again)


def test_initial_population_perturbs_the_weights_with_init_scale():
    genome = Genome(_model())
    population = genome.initial_population(300, np.random.default_rng(1), init_scale=0.2)
    noise = population[1:] - genome.vector()
    assert abs(noise.std() - 0.2) < 0.01 and abs(noise.mean()) < 0.01


def test_a_model_without_trainable_weights_cannot_evolve():
    model = _model()
    model.trainable = False
    with pytest.raises(ValueError, match="no trainable weights"):
        Genome(model)
