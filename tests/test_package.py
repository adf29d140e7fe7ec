"""Package-wide behaviour set up by ``import ndflow``."""

import warnings

import numpy as np

import ndflow as nd


def test_inf_and_nan_come_without_numpy_warnings_but_user_numpy_still_warns():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        nd._silence_numpy_warnings_inside_ndflow()
        assert float(nd.math.log(nd.constant(0.0))) == -np.inf
        assert np.isnan(float(nd.constant(0.0) / 0.0))
        assert not caught
        np.log(np.zeros(1))  # the user's own NumPy call
    assert [w.category for w in caught] == [RuntimeWarning]
