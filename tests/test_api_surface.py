"""The names of TensorFlow's tensor API that course code uses exist where TF has them."""

import pytest

import ndflow as nd


def _names(text):
    return text.split()


TOP_LEVEL = _names("""
float16 float32 float64 int8 int16 int32 int64 uint8 bool complex64 complex128 string
DType as_dtype Tensor TensorShape Variable GradientTape UnconnectedGradients
custom_gradient stop_gradient constant convert_to_tensor cast zeros ones fill zeros_like
ones_like eye range linspace one_hot add subtract multiply divide truediv floordiv negative
abs square sqrt exp pow maximum minimum sin cos tan sinh cosh tanh sigmoid sign round
clip_by_value where equal not_equal greater greater_equal less less_equal logical_and
logical_or logical_not reduce_sum reduce_mean reduce_max reduce_min reduce_prod reduce_std
reduce_variance reduce_logsumexp reduce_any reduce_all argmax argmin cumsum cumprod sort
argsort norm reshape transpose expand_dims squeeze concat stack unstack split tile repeat
pad gather gather_nd boolean_mask broadcast_to reverse matmul tensordot einsum shape size
rank identity add_n floatx set_floatx
""")

MATH = _names("""
add subtract multiply divide floordiv floormod mod negative abs square sqrt rsqrt exp log
log1p expm1 pow maximum minimum sin cos tan asin acos atan sinh cosh tanh sigmoid sign round
floor ceil equal not_equal greater greater_equal less less_equal logical_and logical_or
logical_not logical_xor is_nan is_finite is_inf real imag conj reduce_sum reduce_mean
reduce_max reduce_min reduce_prod reduce_std reduce_variance reduce_logsumexp reduce_any
reduce_all argmax argmin cumsum cumprod top_k softplus erf
""")

NN = _names("""
relu relu6 leaky_relu elu selu gelu silu swish softplus softsign sigmoid tanh softmax
log_softmax sigmoid_cross_entropy_with_logits softmax_cross_entropy_with_logits
sparse_softmax_cross_entropy_with_logits l2_loss moments dropout
""")

RANDOM = _names("set_seed normal uniform truncated_normal shuffle")
LINALG = _names("matmul norm tensordot einsum eye")
ERRORS = _names("OpError InvalidArgumentError UnimplementedError FailedPreconditionError "
                "NotFoundError")


@pytest.mark.parametrize(("module", "names"), [
    (nd, TOP_LEVEL), (nd.math, MATH), (nd.nn, NN), (nd.random, RANDOM), (nd.linalg, LINALG),
    (nd.errors, ERRORS),
], ids=["ndflow", "math", "nn", "random", "linalg", "errors"])
def test_names_exist(module, names):
    missing = [n for n in names if not hasattr(module, n)]
    assert not missing, f"{module.__name__} lacks {missing}"


def test_tensorflow_style_import_runs_the_course_example():
    tf = nd
    c = tf.constant([[1, 2, 3], [4, 5, 6]]) * tf.constant([10, 20, 30])
    assert c.numpy().tolist() == [[10, 40, 90], [40, 100, 180]]
    assert c.dtype == tf.int32
