"""cnnbook.pooling (saved from chapter 5) against tf.nn.max_pool2d / tf.nn.avg_pool2d as the oracle."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnbook.env import quiet_tensorflow

tf = quiet_tensorflow()
import keras  # noqa: E402

from cnnbook.pooling import pool2d  # noqa: E402

SETTINGS = settings(max_examples=50, deadline=None)
ORACLE = {"max": tf.nn.max_pool2d, "avg": tf.nn.avg_pool2d}


@st.composite
def pooling_case(draw):
    h, w = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    p, q = draw(st.integers(1, h)), draw(st.integers(1, w))
    sh, sw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    channels = draw(st.sampled_from([None, 1, 2, 3]))  # None: a 2-D (H, W) input
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    shape = (h, w) if channels is None else (h, w, channels)
    return rng.normal(size=shape).astype("float32"), (p, q), (sh, sw)


@SETTINGS
@given(pooling_case(), st.sampled_from(["max", "avg"]))
def test_pool2d_matches_tf_nn_pooling(case, mode):
    X, pool_size, strides = case
    Y = pool2d(X, pool_size, strides=strides, mode=mode)
    X4 = X[None] if X.ndim == 3 else X[None, :, :, None]
    ref = ORACLE[mode](X4, ksize=pool_size, strides=strides, padding="VALID")[0].numpy()
    ref = ref if X.ndim == 3 else ref[:, :, 0]
    assert Y.dtype == tf.float32
    assert Y.shape == ref.shape  # channels stay separate: same number in and out
    np.testing.assert_allclose(Y.numpy(), ref, rtol=1e-5, atol=1e-6)


@settings(max_examples=25, deadline=None)
@given(pooling_case(), st.sampled_from(["max", "avg"]))
def test_pool2d_default_stride_matches_keras_layers(case, mode):
    X, pool_size, _ = case
    layer = keras.layers.MaxPool2D(pool_size) if mode == "max" else keras.layers.AveragePooling2D(pool_size)
    assert layer.strides == pool_size  # Keras: strides default to pool_size
    X4 = X[None] if X.ndim == 3 else X[None, :, :, None]
    ref = layer(X4)[0].numpy()
    ref = ref if X.ndim == 3 else ref[:, :, 0]
    np.testing.assert_allclose(pool2d(X, pool_size, mode=mode).numpy(), ref, rtol=1e-5, atol=1e-6)


def test_seed_examples():
    X = np.arange(9, dtype="float32").reshape(3, 3)
    np.testing.assert_array_equal(pool2d(X, 2, strides=1).numpy(), [[4, 5], [7, 8]])
    np.testing.assert_array_equal(pool2d(X, (2, 2), strides=(1, 1), mode="avg").numpy(), [[2, 3], [5, 6]])
    X16 = np.arange(16, dtype="float32").reshape(4, 4)
    np.testing.assert_array_equal(pool2d(X16, 3).numpy(), [[10]])
    np.testing.assert_array_equal(pool2d(np.pad(X16, ((0, 0), (1, 1))), (2, 3), strides=(2, 3)).numpy(),
                                  [[5, 7], [13, 15]])
    padded = np.pad(X16, 1, constant_values=-np.inf)
    np.testing.assert_array_equal(pool2d(padded, 3, strides=2).numpy(), [[5, 7], [13, 15]])
    two = pool2d(np.stack([padded, padded + 1], axis=-1), 3, strides=2).numpy()
    np.testing.assert_array_equal(two[:, :, 1], [[6, 8], [14, 16]])


def test_inf_padding_matches_explicit_tf_padding_for_negative_inputs():
    X = np.arange(16, dtype="float32").reshape(4, 4) - 20
    ref = tf.nn.max_pool2d(X[None, :, :, None], 3, 2, padding=[[0, 0], [1, 1], [1, 1], [0, 0]])[0, :, :, 0]
    ours = pool2d(np.pad(X, 1, constant_values=-np.inf), 3, strides=2)
    np.testing.assert_array_equal(ours.numpy(), ref.numpy())
    np.testing.assert_array_equal(ours.numpy(), [[-15, -13], [-7, -5]])


@pytest.mark.parametrize(
    "shape,kwargs,match",
    [
        ((3, 3), dict(pool_size=4), "不能大于"),                      # window larger than input
        ((3, 5), dict(pool_size=(2, 6)), "不能大于"),
        ((4, 4), dict(pool_size=2, strides=0), "strides"),             # non-positive stride
        ((4, 4), dict(pool_size=2, strides=(1, -1)), "strides"),
        ((4, 4), dict(pool_size=0), "pool_size"),                      # non-positive window
        ((4, 4), dict(pool_size=(2, 2, 2)), "pool_size"),
        ((4, 4), dict(pool_size=1.5), "pool_size"),
        ((4,), dict(pool_size=1), r"\(H, W\)"),                       # wrong ndim
        ((1, 4, 4, 1), dict(pool_size=2), r"\(H, W\)"),
        ((4, 4), dict(pool_size=2, mode="min"), "mode"),               # unknown mode
    ],
)
def test_pool2d_rejects_bad_arguments(shape, kwargs, match):
    with pytest.raises(ValueError, match=match):
        pool2d(np.zeros(shape), **kwargs)
