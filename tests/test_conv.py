"""cnnbook.conv (saved from chapters 2 and 3) against TensorFlow as the oracle."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnbook.env import quiet_tensorflow

tf = quiet_tensorflow()
from cnnbook.conv import (  # noqa: E402
    as_tensor,
    conv_output_size,
    corr2d,
    corr2d_strided,
    padding_pairs,
    receptive_field,
    same_padding,
)

SETTINGS = settings(max_examples=40, deadline=None)


def tf_corr2d(X, K, strides=1, padding="VALID"):
    """Single-channel cross-correlation with tf.nn.conv2d (NHWC input, HWIO kernel)."""
    X = tf.constant(X, tf.float32)[None, :, :, None]
    K = tf.constant(K, tf.float32)[:, :, None, None]
    return tf.nn.conv2d(X, K, strides=strides, padding=padding)[0, :, :, 0].numpy()


@st.composite
def image_and_kernel(draw):
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    kh, kw = draw(st.integers(1, h)), draw(st.integers(1, w))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    return rng.normal(size=(h, w)).astype("float32"), rng.normal(size=(kh, kw)).astype("float32")


@SETTINGS
@given(image_and_kernel())
def test_corr2d_matches_tf_conv2d(xk):
    X, K = xk
    Y = corr2d(X, K)
    assert Y.dtype == tf.float32
    assert tuple(Y.shape) == (X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1)
    np.testing.assert_allclose(Y.numpy(), tf_corr2d(X, K), rtol=1e-5, atol=1e-5)


def test_corr2d_seed_example_and_inputs():
    X = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]  # Python ints are accepted too
    K = [[0, 1], [2, 3]]
    np.testing.assert_array_equal(corr2d(X, K).numpy(), [[19, 25], [37, 43]])
    np.testing.assert_array_equal(corr2d(tf.constant(X, tf.float64), np.array(K)).numpy(), [[19, 25], [37, 43]])


def test_corr2d_is_differentiable():
    X = tf.random.stateless_normal((5, 6), seed=(1, 2))
    K = tf.Variable(tf.random.stateless_normal((2, 3), seed=(3, 4)))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(corr2d(X, K) ** 2)
    Kc = tf.Variable(K)
    with tf.GradientTape() as tape2:
        loss2 = tf.reduce_sum(tf.nn.conv2d(X[None, :, :, None], Kc[:, :, None, None], 1, "VALID") ** 2)
    np.testing.assert_allclose(float(loss), float(loss2), rtol=1e-5)
    np.testing.assert_allclose(tape.gradient(loss, K).numpy(), tape2.gradient(loss2, Kc).numpy(), rtol=1e-4, atol=1e-4)


@st.composite
def strided_case(draw):
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    pads = [draw(st.integers(0, 3)) for _ in range(4)]  # top, bottom, left, right
    kh = draw(st.integers(1, h + pads[0] + pads[1]))
    kw = draw(st.integers(1, w + pads[2] + pads[3]))
    sh, sw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    X = rng.normal(size=(h, w)).astype("float32")
    K = rng.normal(size=(kh, kw)).astype("float32")
    return X, K, ((pads[0], pads[1]), (pads[2], pads[3])), (sh, sw)


@SETTINGS
@given(strided_case())
def test_corr2d_strided_and_conv_output_size_match_tf(case):
    X, K, ((t, b), (l, r)), (sh, sw) = case
    Y = corr2d_strided(X, K, padding=((t, b), (l, r)), stride=(sh, sw))
    ref = tf_corr2d(X, K, strides=(sh, sw), padding=[[0, 0], [t, b], [l, r], [0, 0]])
    np.testing.assert_allclose(Y.numpy(), ref, rtol=1e-5, atol=1e-5)
    expected = (conv_output_size(X.shape[0], K.shape[0], t + b, sh), conv_output_size(X.shape[1], K.shape[1], l + r, sw))
    assert tuple(Y.shape) == ref.shape == expected


@SETTINGS
@given(st.integers(1, 12), st.integers(1, 6), st.integers(0, 5), st.integers(1, 4))
def test_conv_output_size_matches_keras(n, k, p, s):
    if k > n + p:
        with pytest.raises(ValueError):
            conv_output_size(n, k, p, s)
        return
    import keras

    x = tf.zeros((1, n, n, 1))
    x = keras.layers.ZeroPadding2D(((p // 2, p - p // 2), (p // 2, p - p // 2)))(x)
    y = keras.layers.Conv2D(1, k, strides=s, padding="valid")(x)
    assert y.shape[1] == y.shape[2] == conv_output_size(n, k, p, s)


@SETTINGS
@given(st.integers(1, 12), st.integers(1, 6), st.integers(1, 4))
def test_same_padding_matches_tf_same(n, k, s):
    rng = np.random.default_rng(n * 100 + k * 10 + s)
    X = rng.integers(-3, 4, size=(n, n)).astype("float32")
    K = rng.integers(-2, 3, size=(k, k)).astype("float32")
    before, after = same_padding(n, k, s)
    assert before <= after <= before + 1
    Y = corr2d_strided(X, K, padding=((before, after), (before, after)), stride=s).numpy()
    ref = tf_corr2d(X, K, strides=s, padding="SAME")
    assert Y.shape == ref.shape == (-(-n // s),) * 2
    np.testing.assert_array_equal(Y, ref)


def test_receptive_field_by_gradient():
    for ks, ss in [([3], [1]), ([3, 3], [1, 1]), ([3, 3], [2, 1]), ([5, 3, 3], [2, 2, 1]), ([2, 2, 2], [2, 2, 2])]:
        x = tf.Variable(tf.ones((1, 48, 48, 1)))
        with tf.GradientTape() as tape:
            h = x
            for k, s in zip(ks, ss):
                h = tf.nn.conv2d(h, tf.ones((k, k, 1, 1)), strides=s, padding="VALID")
            y = h[0, h.shape[1] // 2, h.shape[2] // 2, 0]
        rows = np.flatnonzero(tape.gradient(y, x)[0, :, :, 0].numpy().any(axis=1))
        assert rows[-1] - rows[0] + 1 == receptive_field(ks, ss)
    assert receptive_field([3, 3]) == 5


@pytest.mark.parametrize(
    "X, K, match",
    [
        (np.ones((2, 3)), np.ones((3, 3)), "不能大于"),  # kernel taller than the input
        (np.ones((3, 2)), np.ones((1, 3)), "不能大于"),  # kernel wider than the input
        (np.ones((2, 3, 4)), np.ones((2, 2)), "X 应为 2 维"),  # 3-D input
        (np.ones((3, 3)), np.ones(2), "K 应为 2 维"),  # 1-D kernel
        (np.ones((0, 3)), np.ones((1, 1)), "至少有 1 个元素"),  # empty input
    ],
)
def test_corr2d_rejects_bad_shapes(X, K, match):
    with pytest.raises(ValueError, match=match):
        corr2d(X, K)


@pytest.mark.parametrize(
    "args, error, match",
    [
        ((8, 3, 0, 0), ValueError, "s 应为不小于 1"),  # zero stride
        ((8, 3, 0, -2), ValueError, "s 应为不小于 1"),  # negative stride
        ((8, 3, -1, 1), ValueError, "p 应为不小于 0"),  # negative padding
        ((8, 0, 0, 1), ValueError, "k 应为不小于 1"),  # empty kernel
        ((4, 7, 2, 1), ValueError, "不能大于"),  # kernel larger than the padded input
        ((8.0, 3, 0, 1), TypeError, "n 应为整数"),  # not an integer
        ((8, 3, True, 1), TypeError, "p 应为整数"),  # bool is not an int
    ],
)
def test_conv_output_size_rejects_bad_arguments(args, error, match):
    with pytest.raises(error, match=match):
        conv_output_size(*args)


def test_other_functions_reject_bad_arguments():
    with pytest.raises(ValueError, match="stride"):
        corr2d_strided(np.ones((4, 4)), np.ones((2, 2)), stride=0)
    with pytest.raises(TypeError, match="stride"):
        corr2d_strided(np.ones((4, 4)), np.ones((2, 2)), stride=1.0)
    with pytest.raises(ValueError, match="padding"):
        corr2d_strided(np.ones((4, 4)), np.ones((2, 2)), padding=-1)
    for bad in (1.5, True, None, "1"):
        with pytest.raises(TypeError, match="padding"):
            corr2d_strided(np.ones((4, 4)), np.ones((2, 2)), padding=bad)
    with pytest.raises(ValueError, match="不能大于填充后"):
        corr2d_strided(np.ones((2, 2)), np.ones((5, 5)), padding=1)
    with pytest.raises(ValueError, match="一样长"):
        receptive_field([3, 3], [1])
    with pytest.raises(ValueError, match="strides"):
        receptive_field([3], [0])
    with pytest.raises(TypeError, match="kernel_sizes"):
        receptive_field(3)
    with pytest.raises(ValueError, match="s 应为"):
        same_padding(8, 3, 0)


@SETTINGS
@given(st.one_of(
    st.integers(0, 4),
    st.tuples(st.integers(0, 4), st.integers(0, 4)),
    st.tuples(st.tuples(st.integers(0, 4), st.integers(0, 4)),
              st.tuples(st.integers(0, 4), st.integers(0, 4)))))
def test_padding_pairs_matches_keras_zero_padding(padding):
    import keras

    expected = keras.layers.ZeroPadding2D(padding).padding
    assert padding_pairs(padding) == tuple(tuple(p) for p in expected)


def test_as_tensor_keeps_gradients_of_variables_and_checks_tensors():
    import keras

    for var in (tf.Variable(tf.ones((2, 3))), keras.Variable(np.ones((2, 3), "float32"))):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(as_tensor(var, "K") * 2.0)
        assert np.allclose(tape.gradient(y, var), 2.0)
    out = as_tensor(tf.constant([[1, 0]], tf.int64), "X")
    assert out.dtype == tf.float32 and out.shape == (1, 2)
    assert as_tensor(np.array([[True]]), "X").dtype == tf.float32
    # bfloat16 and float16 tensors are real numbers too
    for dtype in (tf.bfloat16, tf.float16):
        np.testing.assert_array_equal(corr2d(tf.ones((3, 3), dtype), K=np.ones((2, 2))).numpy(),
                                      np.full((2, 2), 4.0))
    with pytest.raises(TypeError, match="X 应为实数张量"):
        as_tensor(tf.constant([["a"]]), "X")
    with pytest.raises(TypeError, match="X 应为实数张量"):
        as_tensor(tf.complex(tf.ones((2, 2)), tf.ones((2, 2))), "X")
    with pytest.raises(ValueError, match="float32"):
        as_tensor(tf.constant([[1e39]], tf.float64), "X")
    with pytest.raises(ValueError, match="X 应为 3 维"):
        as_tensor(tf.ones((2, 2)), "X", ndim=3)


def test_as_tensor_in_a_traced_function_checks_the_rank():
    # corr2d needs static shapes (its loops and slices use them)
    @tf.function(input_signature=[tf.TensorSpec((2, 3), tf.float32)])
    def f(x):
        return corr2d(x, tf.ones((1, 1)))

    np.testing.assert_array_equal(f(tf.ones((2, 3))).numpy(), np.ones((2, 3)))

    @tf.function(input_signature=[tf.TensorSpec((None,), tf.float32)])
    def g(x):
        return as_tensor(x, "X")

    with pytest.raises(ValueError, match="X 应为 2 维"):
        g.get_concrete_function()
