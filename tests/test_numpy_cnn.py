"""cnnbook.numpy_cnn (saved from chapter 7): forward passes and gradients against TensorFlow.

TensorFlow is the oracle (tf.nn.conv2d, tf.GradientTape); hypothesis draws the shapes.
Everything runs in float64 so that the comparisons are exact up to rounding.
"""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnbook.env import quiet_tensorflow

tf = quiet_tensorflow()
from cnnbook.numpy_cnn import (  # noqa: E402
    SGD,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    ReLU,
    Sequential,
    Tensor,
    col2im,
    im2col,
    predict,
    softmax_cross_entropy,
    train_epoch,
)

SETTINGS = settings(max_examples=25, deadline=None)
ATOL = 1e-10


@st.composite
def conv_case(draw):
    """Random batch, image size, channels and a kernel that fits."""
    n = draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    kh, kw = draw(st.integers(1, h)), draw(st.integers(1, w))
    ci, co = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    seed = draw(st.integers(0, 2**31 - 1))
    return n, h, w, ci, kh, kw, co, seed


def tf_grads(fn, arrays, upstream):
    """Output of fn(*variables) and the gradients of sum(output * upstream) w.r.t. each array."""
    variables = [tf.Variable(a) for a in arrays]
    with tf.GradientTape() as tape:
        out = fn(*variables)
    return out.numpy(), [g.numpy() for g in tape.gradient(out, variables, output_gradients=tf.constant(upstream))]


def run_layer(layer, x, upstream):
    """Forward and backward through one of our layers; returns output, input grad, parameter grads."""
    x_in = Tensor(x, requires_grad=True)
    y = layer(x_in)
    y.backward(upstream)
    return y.data, x_in.grad, [p.grad for p in layer.parameters()]


@SETTINGS
@given(conv_case())
def test_im2col_matmul_equals_tf_conv2d(case):
    n, h, w, ci, kh, kw, co, seed = case
    rng = np.random.default_rng(seed)
    x, k = rng.normal(size=(n, h, w, ci)), rng.normal(size=(kh, kw, ci, co))
    cols = im2col(x, kh, kw)
    assert cols.shape == (n * (h - kh + 1) * (w - kw + 1), kh * kw * ci)
    y = (cols @ k.reshape(-1, co)).reshape(n, h - kh + 1, w - kw + 1, co)
    np.testing.assert_allclose(y, tf.nn.conv2d(x, k, 1, "VALID").numpy(), atol=ATOL)


@SETTINGS
@given(conv_case())
def test_col2im_is_the_transpose_of_im2col(case):
    n, h, w, ci, kh, kw, _, seed = case
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, h, w, ci))
    c = rng.normal(size=im2col(x, kh, kw).shape)
    assert np.isclose(np.sum(im2col(x, kh, kw) * c), np.sum(x * col2im(c, x.shape, kh, kw)))


@SETTINGS
@given(conv_case())
def test_conv2d_forward_and_gradients_match_tensorflow(case):
    n, h, w, ci, kh, kw, co, seed = case
    rng = np.random.default_rng(seed)
    layer = Conv2D(ci, co, (kh, kw), rng=rng, dtype="float64")
    layer.bias.data[:] = rng.normal(size=co)
    x = rng.normal(size=(n, h, w, ci))
    r = rng.normal(size=(n, h - kh + 1, w - kw + 1, co))
    y, dx, (dk, db) = run_layer(layer, x, r)
    y_tf, (dx_tf, dk_tf, db_tf) = tf_grads(
        lambda x, k, b: tf.nn.conv2d(x, k, 1, "VALID") + b, [x, layer.kernel.data, layer.bias.data], r
    )
    for ours, theirs in [(y, y_tf), (dx, dx_tf), (dk, dk_tf), (db, db_tf)]:
        np.testing.assert_allclose(ours, theirs, atol=ATOL)


@SETTINGS
@given(st.integers(1, 5), st.integers(1, 12), st.integers(1, 6), st.integers(0, 2**31 - 1))
def test_dense_forward_and_gradients_match_tensorflow(n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    layer = Dense(n_in, n_out, rng=rng, dtype="float64")
    layer.bias.data[:] = rng.normal(size=n_out)
    x, r = rng.normal(size=(n, n_in)), rng.normal(size=(n, n_out))
    y, dx, (dw, db) = run_layer(layer, x, r)
    y_tf, grads_tf = tf_grads(lambda x, w, b: x @ w + b, [x, layer.kernel.data, layer.bias.data], r)
    for ours, theirs in zip([y, dx, dw, db], [y_tf, *grads_tf]):
        np.testing.assert_allclose(ours, theirs, atol=ATOL)


@SETTINGS
@given(st.lists(st.integers(1, 5), min_size=2, max_size=4), st.integers(0, 2**31 - 1))
def test_relu_and_flatten_match_tensorflow(shape, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    r = rng.normal(size=shape)
    y, dx, _ = run_layer(ReLU(), x, r)
    y_tf, (dx_tf,) = tf_grads(tf.nn.relu, [x], r)
    np.testing.assert_allclose(y, y_tf, atol=ATOL)
    np.testing.assert_allclose(dx, dx_tf, atol=ATOL)
    r_flat = r.reshape(shape[0], -1)
    y, dx, _ = run_layer(Flatten(), x, r_flat)
    y_tf, (dx_tf,) = tf_grads(lambda x: tf.reshape(x, (shape[0], -1)), [x], r_flat)
    np.testing.assert_allclose(y, y_tf, atol=ATOL)
    np.testing.assert_allclose(dx, dx_tf, atol=ATOL)


@SETTINGS
@given(st.integers(1, 8), st.integers(2, 12), st.floats(0.1, 30), st.integers(0, 2**31 - 1))
def test_softmax_cross_entropy_matches_tensorflow(n, k, scale, seed):
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(n, k)) * scale        # large scales check the numerical stability
    labels = rng.integers(0, k, size=n)
    z = Tensor(logits, requires_grad=True)
    loss = softmax_cross_entropy(z, labels)
    loss.backward()
    z_tf = tf.Variable(logits)
    with tf.GradientTape() as tape:
        loss_tf = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, z_tf))
    assert np.isfinite(loss.data)
    np.testing.assert_allclose(loss.data, loss_tf.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(z.grad, tape.gradient(loss_tf, z_tf).numpy(), atol=ATOL)


def test_whole_network_gradients_match_keras():
    """Same weights in a Keras model: same loss and the same gradient for every parameter."""
    import keras

    rng = np.random.default_rng(0)
    net = Sequential([Conv2D(2, 3, 3, rng=rng, dtype="float64"), ReLU(), Flatten(), Dropout(0.5, rng=rng),
                      Dense(6 * 5 * 3, 7, rng=rng, dtype="float64"), ReLU(), Dense(7, 4, rng=rng, dtype="float64")])
    for p in net.parameters():
        p.data[...] = rng.normal(size=p.shape) * 0.5
    keras_net = keras.Sequential([keras.Input((8, 7, 2), dtype="float64"), keras.layers.Conv2D(3, 3, activation="relu", dtype="float64"),
                                  keras.layers.Flatten(dtype="float64"), keras.layers.Dropout(0.5, dtype="float64"),
                                  keras.layers.Dense(7, activation="relu", dtype="float64"),
                                  keras.layers.Dense(4, dtype="float64")])
    keras_net.set_weights([p.data for p in net.parameters()])
    x, y = rng.normal(size=(5, 8, 7, 2)), rng.integers(0, 4, size=5)
    net.eval()
    loss = softmax_cross_entropy(net(Tensor(x)), y)
    loss.backward()
    with tf.GradientTape() as tape:
        loss_tf = keras.losses.SparseCategoricalCrossentropy(from_logits=True, dtype="float64")(
            y, keras_net(x, training=False))
    np.testing.assert_allclose(loss.data, loss_tf.numpy(), rtol=0, atol=1e-12)
    for p, g in zip(net.parameters(), tape.gradient(loss_tf, keras_net.trainable_variables)):
        np.testing.assert_allclose(p.grad, g.numpy(), atol=1e-9)


def test_tensor_used_twice_gets_the_sum_of_both_gradients():
    """A diamond graph: the topological order must collect both paths before going further back."""
    rng = np.random.default_rng(0)
    w = Dense(3, 3, rng=rng, dtype="float64")
    x = Tensor(rng.normal(size=(2, 3)))
    h = w(x)
    s = Tensor(h.data + h.data, (h,), lambda g: (h.add_grad(g), h.add_grad(g)))   # s = h + h
    s.backward(np.ones((2, 3)))
    np.testing.assert_allclose(w.kernel.grad, x.data.T @ (2 * np.ones((2, 3))))


@SETTINGS
@given(st.floats(0.0, 0.9), st.integers(0, 2**31 - 1))
def test_inverted_dropout(rate, seed):
    layer = Dropout(rate, rng=np.random.default_rng(seed))
    x = Tensor(np.ones((200, 50)), requires_grad=True)
    y = layer(x)
    kept = y.data != 0
    np.testing.assert_allclose(y.data[kept], 1 / (1 - rate))      # survivors are scaled up
    assert abs(kept.mean() - (1 - rate)) < 0.05
    y.backward(np.ones_like(y.data))
    np.testing.assert_allclose(x.grad, y.data)                       # same mask and scale backwards
    layer.eval()
    z = Tensor(np.arange(4.0))
    assert layer(z) is z


def test_training_learns_a_separable_toy_problem():
    """A few SGD epochs on 'is the bright pixel in the left or right half' reach 100% accuracy."""
    rng = np.random.default_rng(0)
    x = np.zeros((200, 6, 6, 1), dtype=np.float32)
    y = rng.integers(0, 2, size=200)
    cols = np.where(y == 0, rng.integers(0, 3, size=200), rng.integers(3, 6, size=200))
    x[np.arange(200), rng.integers(0, 6, size=200), cols, 0] = 1.0
    net = Sequential([Conv2D(1, 4, 3, rng=rng), ReLU(), Flatten(), Dense(4 * 4 * 4, 2, rng=rng)])
    opt = SGD(net.parameters(), lr=0.5)
    losses = [train_epoch(net, opt, x, y, 16, rng) for _ in range(30)]
    assert losses[-1] < losses[0]
    assert np.mean(predict(net, x).argmax(axis=1) == y) == 1.0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: im2col(np.zeros((4, 4)), 3, 3), "NHWC"),
        (lambda: im2col(np.zeros((1, 2, 5, 1)), 3, 3), "不能大于"),
        (lambda: im2col(np.zeros((1, 4, 4, 1)), 0, 3), "正整数"),
        (lambda: col2im(np.zeros((3, 9)), (1, 4, 4, 1), 3, 3), "cols 的形状"),
        (lambda: Conv2D(1, 16, (3, 3, 3)), "kernel_size"),
        (lambda: Conv2D(1, 0, 3), "正整数"),
        (lambda: Conv2D(3, 4, 3)(Tensor(np.zeros((1, 5, 5, 1)))), r"\(N, H, W, 3\)"),
        (lambda: Dense(5, 2)(Tensor(np.zeros((1, 4)))), r"\(N, 5\)"),
        (lambda: Dense(5, 2)(np.zeros((1, 5))), "Tensor"),
        (lambda: Dropout(1.0), "rate"),
        (lambda: softmax_cross_entropy(Tensor(np.zeros((2, 3))), np.array([0, 3])), "labels"),
        (lambda: softmax_cross_entropy(Tensor(np.zeros((2, 3))), np.array([0.0, 1.0])), "整数"),
        (lambda: Tensor(np.zeros(3)).backward(), "标量"),
        (lambda: SGD([], lr=0), "学习率"),
    ],
)
def test_bad_arguments_raise_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
