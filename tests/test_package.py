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


def test_keras_is_reachable_from_the_package_but_not_imported_by_it():
    import subprocess
    import sys

    code = ("import sys, ndflow; assert 'ndflow.keras' not in sys.modules; "
            "import ndflow as tf; d = tf.keras.layers.Dense(2); "
            "assert 'ndflow.keras' in sys.modules; print(type(d).__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "Dense"
