"""cnnbook.channels (saved from chapter 4) against TensorFlow as the oracle."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnbook.env import quiet_tensorflow

tf = quiet_tensorflow()
import keras  # noqa: E402

from cnnbook.channels import (  # noqa: E402
    conv1x1_matmul,
    conv2d_params,
    corr2d_multi_in,
    corr2d_multi_in_out,
)

SETTINGS = settings(max_examples=40, deadline=None)


def tf_conv(X, K):
    """tf.nn.conv2d on one (H, W, ci) image with a (kh, kw, ci, co) kernel, no padding, stride 1."""
    return tf.nn.conv2d(tf.constant(X)[None], tf.constant(K), strides=1, padding="VALID")[0].numpy()


@st.composite
def image_and_kernel(draw, one_by_one=False):
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    kh, kw = (1, 1) if one_by_one else (draw(st.integers(1, h)), draw(st.integers(1, w)))
    ci, co = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    X = rng.normal(size=(h, w, ci)).astype("float32")
    K = rng.normal(size=(kh, kw, ci, co)).astype("float32")
    return X, K


@SETTINGS
@given(image_and_kernel())
def test_corr2d_multi_in_matches_tf_conv2d(xk):
    X, K = xk
    K1 = K[:, :, :, :1]  # one output channel
    Y = corr2d_multi_in(X, K1[:, :, :, 0])
    assert Y.dtype == tf.float32
    assert tuple(Y.shape) == (X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1)
    np.testing.assert_allclose(Y.numpy(), tf_conv(X, K1)[:, :, 0], rtol=1e-4, atol=1e-4)


@SETTINGS
@given(image_and_kernel())
def test_corr2d_multi_in_out_matches_tf_conv2d(xk):
    X, K = xk
    Y = corr2d_multi_in_out(X, K)
    assert tuple(Y.shape) == (X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1, K.shape[3])
    np.testing.assert_allclose(Y.numpy(), tf_conv(X, K), rtol=1e-4, atol=1e-4)


@SETTINGS
@given(image_and_kernel(one_by_one=True))
def test_conv1x1_matmul_matches_tf_conv2d_and_dense(xk):
    X, K = xk
    Y = conv1x1_matmul(X, K)
    assert tuple(Y.shape) == X.shape[:2] + (K.shape[3],)
    np.testing.assert_allclose(Y.numpy(), tf_conv(X, K), rtol=1e-5, atol=1e-5)
    # a Dense layer acts on the last axis only: the same as a 1x1 convolution
    np.testing.assert_allclose(Y.numpy(), X @ K[0, 0], rtol=1e-5, atol=1e-5)


def test_seed_example_channels_last():
    X = tf.transpose(np.arange(27, dtype="float32").reshape(3, 3, 3), (1, 2, 0))
    K = tf.transpose(np.arange(12, dtype="float32").reshape(3, 2, 2), (1, 2, 0))
    np.testing.assert_array_equal(corr2d_multi_in(X, K).numpy(), [[1035, 1101], [1233, 1299]])
    Y3 = corr2d_multi_in_out(X, tf.stack([K, K + 1, K + 2], axis=-1)).numpy()
    np.testing.assert_array_equal(Y3[:, :, 0], [[1035, 1101], [1233, 1299]])
    np.testing.assert_array_equal(Y3[:, :, 1], [[1167, 1245], [1401, 1479]])
    np.testing.assert_array_equal(Y3[:, :, 2], [[1299, 1389], [1569, 1659]])


def test_corr2d_multi_in_out_is_differentiable():
    X = tf.random.stateless_normal((5, 4, 2), seed=(1, 2))
    K = tf.Variable(tf.random.stateless_normal((2, 3, 2, 3), seed=(3, 4)))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(corr2d_multi_in_out(X, K) ** 2)
    with tf.GradientTape() as tape_ref:
        loss_ref = tf.reduce_sum(tf.nn.conv2d(X[None], K, 1, "VALID") ** 2)
    np.testing.assert_allclose(loss.numpy(), loss_ref.numpy(), rtol=1e-5)
    np.testing.assert_allclose(tape.gradient(loss, K).numpy(), tape_ref.gradient(loss_ref, K).numpy(),
                               rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("kh,kw,ci,co", [(3, 3, 3, 64), (5, 5, 1, 6), (1, 1, 64, 16), (2, 7, 5, 3)])
@pytest.mark.parametrize("use_bias", [True, False])
def test_conv2d_params_matches_keras(kh, kw, ci, co, use_bias):
    layer = keras.layers.Conv2D(co, (kh, kw), use_bias=use_bias)
    layer.build((None, 9, 9, ci))
    assert conv2d_params(kh, kw, ci, co, use_bias=use_bias) == layer.count_params()
    assert conv2d_params(np.int64(kh), kw, ci, co) == kh * kw * ci * co + co


@pytest.mark.parametrize(
    "X_shape,K_shape,match",
    [
        ((4, 4, 3), (2, 2, 2), "输入通道数应与 X 相同"),  # channel mismatch
        ((4, 4, 0), (2, 2, 0), "至少有 1 个元素"),        # no channels at all
        ((4, 4), (2, 2), "X 应为 3 维"),                  # wrong ndim
        ((4, 4, 3), (2, 2, 3, 1), "K 应为 3 维"),
        ((2, 2, 1), (3, 1, 1), "不能大于"),               # kernel larger than input (from corr2d)
    ],
)
def test_corr2d_multi_in_rejects_bad_input(X_shape, K_shape, match):
    with pytest.raises(ValueError, match=match):
        corr2d_multi_in(np.zeros(X_shape), np.zeros(K_shape))


@pytest.mark.parametrize(
    "X_shape,K_shape,match",
    [
        ((4, 4, 3), (2, 2, 3), "K 应为 4 维"),            # wrong ndim for K
        ((4, 4, 3), (2, 2, 3, 0), "至少有 1 个元素"),     # no output channel
        ((4, 4, 3), (2, 2, 2, 4), "输入通道数应与 X 相同"),  # channel mismatch
        ((4, 4, 3), (5, 2, 3, 4), "不能大于"),            # kernel larger than input
    ],
)
def test_corr2d_multi_in_out_rejects_bad_input(X_shape, K_shape, match):
    with pytest.raises(ValueError, match=match):
        corr2d_multi_in_out(np.zeros(X_shape), np.zeros(K_shape))


@pytest.mark.parametrize(
    "X_shape,K_shape,match",
    [
        ((4, 4, 3), (2, 2, 3, 1), r"\(1, 1, ci, co\)"),  # not 1x1
        ((4, 4), (1, 1, 3, 1), "X 应为 3 维"),             # wrong ndim
        ((4, 4, 3), (1, 1, 2, 1), "输入通道数应与 X 相同"),
        ((4, 4, 0), (1, 1, 0, 2), "至少有 1 个元素"),      # no input channel
        ((4, 4, 3), (1, 1, 3, 0), "至少有 1 个元素"),      # no output channel
    ],
)
def test_conv1x1_matmul_rejects_bad_input(X_shape, K_shape, match):
    with pytest.raises(ValueError, match=match):
        conv1x1_matmul(np.zeros(X_shape), np.zeros(K_shape))


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((0, 3, 3, 8), {}, ValueError, "kh"),
        ((3, 3, -1, 8), {}, ValueError, "ci"),
        ((3, 3, 3, 2.5), {}, TypeError, "co"),
        ((3, True, 3, 8), {}, TypeError, "kw"),
        ((3, 3, 3, "8"), {}, TypeError, "co"),
        ((3, 3, 3, 8), {"use_bias": "False"}, TypeError, "use_bias"),
        ((3, 3, 3, 8), {"use_bias": 0}, TypeError, "use_bias"),
    ],
)
def test_conv2d_params_rejects_bad_sizes(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        conv2d_params(*args, **kwargs)


def test_channel_helpers_reject_complex_and_huge_values():
    X = np.ones((3, 3, 2))
    K = np.ones((2, 2, 2))
    with pytest.raises(TypeError, match="X"):
        corr2d_multi_in(X + 1j, K)
    with pytest.raises(ValueError, match="float32"):
        corr2d_multi_in_out(X, np.full((2, 2, 2, 1), 1e39))
    with pytest.raises(TypeError, match="K"):
        conv1x1_matmul(X, "kernel")
