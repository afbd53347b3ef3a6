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


def test_all_nan_and_all_minus_inf_windows_give_the_lowest_float32_in_tf():
    lowest = np.finfo(np.float32).min
    for value in (np.nan, -np.inf):
        X = np.full((1, 2, 2, 1), value, dtype="float32")
        assert tf.nn.max_pool2d(X, 2, 2, "VALID").numpy().item() == lowest
    assert pool2d(np.full((2, 2), -np.inf), 2).numpy().item() == -np.inf


def test_inf_padding_matches_explicit_tf_padding_for_negative_inputs():
    X = np.arange(16, dtype="float32").reshape(4, 4) - 20
    ref = tf.nn.max_pool2d(X[None, :, :, None], 3, 2, padding=[[0, 0], [1, 1], [1, 1], [0, 0]])[0, :, :, 0]
    ours = pool2d(np.pad(X, 1, constant_values=-np.inf), 3, strides=2)
    np.testing.assert_array_equal(ours.numpy(), ref.numpy())
    np.testing.assert_array_equal(ours.numpy(), [[-15, -13], [-7, -5]])


@pytest.mark.parametrize(
    "shape,kwargs,error,match",
    [
        ((3, 3), dict(pool_size=4), ValueError, "不能大于"),          # window larger than input
        ((3, 5), dict(pool_size=(2, 6)), ValueError, "不能大于"),
        ((4, 4), dict(pool_size=2, strides=0), ValueError, "strides"),  # non-positive stride
        ((4, 4), dict(pool_size=2, strides=(1, -1)), ValueError, "strides"),
        ((4, 4), dict(pool_size=0), ValueError, "pool_size"),          # non-positive window
        ((4, 4), dict(pool_size=(2, 2, 2)), ValueError, "pool_size"),
        ((4, 4), dict(pool_size=1.5), TypeError, "pool_size"),         # wrong types
        ((4, 4), dict(pool_size=True), TypeError, "pool_size"),
        ((4, 4), dict(pool_size=2, strides=2.0), TypeError, "strides"),
        ((4,), dict(pool_size=1), ValueError, "X"),                    # wrong ndim
        ((1, 4, 4, 1), dict(pool_size=2), ValueError, "X"),
        ((0, 4), dict(pool_size=1), ValueError, "X"),                  # empty
        ((4, 4), dict(pool_size=2, mode="min"), ValueError, "mode"),   # unknown mode
        ((4, 4), dict(pool_size=2, mode=None), TypeError, "mode"),
    ],
)
def test_pool2d_rejects_bad_arguments(shape, kwargs, error, match):
    with pytest.raises(error, match=match):
        pool2d(np.zeros(shape), **kwargs)


@pytest.mark.parametrize("X,error", [
    (np.zeros((3, 3), dtype=complex), TypeError),     # the imaginary part is not dropped
    (np.array([["a", "b"], ["c", "d"]]), TypeError),
    ("abc", TypeError),
    (np.full((2, 2), 1e39), ValueError),              # would overflow to inf in float32
])
def test_pool2d_rejects_bad_inputs(X, error):
    with pytest.raises(error, match="X"):
        pool2d(X, 2)


def test_pool2d_accepts_tensors_ints_and_bools():
    ref = [[4.0, 5.0], [7.0, 8.0]]
    X = np.arange(9).reshape(3, 3)
    for value in (X, tf.constant(X), tf.constant(X, dtype=tf.float64), X.tolist()):
        np.testing.assert_array_equal(pool2d(value, 2, strides=1).numpy(), ref)
    np.testing.assert_array_equal(pool2d(np.eye(2, dtype=bool), 2).numpy(), [[1.0]])


# --- NaN: the documented difference from tf.nn.max_pool2d -------------------------------

@settings(max_examples=40, deadline=None)
@given(pooling_case(), st.integers(0, 2**16))
def test_nan_semantics_differ_from_tf_only_where_a_window_holds_a_nan(case, seed):
    """pool2d propagates NaN (like tf.reduce_max); TF's CPU MaxPool skips it.

    Where a window has no NaN the two agree exactly.  Where it has some NaN,
    pool2d gives NaN and tf.nn.max_pool2d gives the largest of the other values,
    or the lowest float32 when every value is NaN (its kernel starts from
    ``lowest()`` and takes element-wise maxima; a comparison with NaN is false).
    Chapter 5 documents this difference.
    """
    X, pool_size, strides = case
    rng = np.random.default_rng(seed)
    X = X.copy()
    X[rng.random(X.shape) < 0.3] = np.nan
    ours = pool2d(X, pool_size, strides=strides).numpy()
    X4 = X[None] if X.ndim == 3 else X[None, :, :, None]
    ref = tf.nn.max_pool2d(X4, ksize=pool_size, strides=strides, padding="VALID")[0].numpy()
    ref = ref if X.ndim == 3 else ref[:, :, 0]
    (p, q), (sh, sw) = pool_size, strides
    lowest = np.finfo(np.float32).min
    for i in range(ours.shape[0]):
        for j in range(ours.shape[1]):
            window = X[i * sh:i * sh + p, j * sw:j * sw + q]
            has_nan = np.isnan(window).any(axis=(0, 1))
            # TF: max(lowest, the largest value that is not NaN)
            expected_tf = np.maximum(lowest, np.max(np.where(
                np.isnan(window), -np.inf, window), axis=(0, 1)))
            np.testing.assert_array_equal(np.isnan(ours[i, j]), has_nan)
            np.testing.assert_array_equal(ref[i, j], expected_tf)
            np.testing.assert_array_equal(ours[i, j][~has_nan], ref[i, j][~has_nan])


def test_nan_in_average_pooling_propagates_in_both():
    X = np.array([[np.nan, 1.0], [2.0, 3.0]], dtype="float32")
    assert np.isnan(pool2d(X, 2, mode="avg").numpy()).all()
    assert np.isnan(tf.nn.avg_pool2d(X[None, :, :, None], 2, 2, "VALID").numpy()).all()
