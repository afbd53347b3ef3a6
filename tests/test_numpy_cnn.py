"""cnnbook.numpy_cnn (saved from chapter 7): forward passes and gradients against TensorFlow.

TensorFlow is the oracle (tf.nn.conv2d, tf.nn.max_pool2d, tf.nn.avg_pool2d, tf.tanh,
tf.sigmoid, tf.nn.softmax, the Keras losses, tf.GradientTape); hypothesis draws the
shapes and values.  Everything runs in float64 so that the comparisons are exact up to
rounding.  The semantics of ``Tensor.backward()`` are tested too: gradients of leaves
accumulate over calls (like PyTorch), intermediate gradients are recomputed each call.
Bad arguments are covered by tests/bad_input/numpy_cnn.py.
"""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnbook.env import quiet_tensorflow

tf = quiet_tensorflow()
import keras  # noqa: E402

from cnnbook.numpy_cnn import (  # noqa: E402
    SGD,
    AvgPool2D,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    MaxPool2D,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
    Tensor,
    binary_cross_entropy,
    col2im,
    im2col,
    mse_loss,
    parameter,
    pool_windows,
    predict,
    softmax_cross_entropy,
    train_epoch,
    unpool_windows,
)

SETTINGS = settings(max_examples=25, deadline=None)
ATOL = 1e-10
SEEDS = st.integers(0, 2**31 - 1)


@st.composite
def conv_case(draw):
    """Random batch, image size, channels and a kernel that fits."""
    n = draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    kh, kw = draw(st.integers(1, h)), draw(st.integers(1, w))
    ci, co = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return n, h, w, ci, kh, kw, co, draw(SEEDS)


@st.composite
def pool_case(draw):
    """Random NHWC input and a pool size that fits (H, W need not be multiples of it)."""
    n, c = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    ph, pw = draw(st.integers(1, h)), draw(st.integers(1, w))
    return (n, h, w, c), (ph, pw), draw(SEEDS)


def tf_grads(fn, arrays, upstream):
    """Output of fn(*variables) and the gradients of sum(output * upstream) w.r.t. each array."""
    variables = [tf.Variable(a) for a in arrays]
    with tf.GradientTape() as tape:
        out = fn(*variables)
    grads = tape.gradient(out, variables, output_gradients=tf.constant(upstream))
    return out.numpy(), [g.numpy() for g in grads]


def run_layer(layer, x, upstream):
    """Forward and backward through one of our layers; returns output, input grad, parameter grads."""
    x_in = Tensor(x, requires_grad=True)
    y = layer(x_in)
    y.backward(upstream)
    return y.data, x_in.grad, [p.grad for p in layer.parameters()]


def check_against_tf(layer, tf_fn, x, rng):
    """Our layer and tf_fn agree on the output and on the gradient w.r.t. the input."""
    r = rng.normal(size=layer(Tensor(x)).shape)
    y, dx, _ = run_layer(layer, x, r)
    y_tf, (dx_tf,) = tf_grads(tf_fn, [x], r)
    np.testing.assert_allclose(y, y_tf, atol=ATOL)
    np.testing.assert_allclose(dx, dx_tf, atol=ATOL)


# ---------------------------------------------------------------- convolution, dense
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
@given(st.integers(1, 5), st.integers(1, 12), st.integers(1, 6), SEEDS)
def test_dense_forward_and_gradients_match_tensorflow(n, n_in, n_out, seed):
    rng = np.random.default_rng(seed)
    layer = Dense(n_in, n_out, rng=rng, dtype="float64")
    layer.bias.data[:] = rng.normal(size=n_out)
    x, r = rng.normal(size=(n, n_in)), rng.normal(size=(n, n_out))
    y, dx, (dw, db) = run_layer(layer, x, r)
    y_tf, grads_tf = tf_grads(lambda x, w, b: x @ w + b, [x, layer.kernel.data, layer.bias.data], r)
    for ours, theirs in zip([y, dx, dw, db], [y_tf, *grads_tf]):
        np.testing.assert_allclose(ours, theirs, atol=ATOL)


# ---------------------------------------------------------------- activations, flatten
@SETTINGS
@given(st.lists(st.integers(1, 5), min_size=2, max_size=4), SEEDS)
def test_relu_and_flatten_match_tensorflow(shape, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    check_against_tf(ReLU(), tf.nn.relu, x, rng)
    check_against_tf(Flatten(), lambda x: tf.reshape(x, (shape[0], -1)), x, rng)


@SETTINGS
@given(st.lists(st.integers(1, 5), min_size=1, max_size=4), st.floats(0.1, 50), SEEDS)
def test_tanh_sigmoid_softmax_match_tensorflow(shape, scale, seed):
    """Large scales reach the saturated ends (and, for sigmoid, the clipping)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape) * scale
    check_against_tf(Tanh(), tf.tanh, x, rng)
    check_against_tf(Sigmoid(), tf.sigmoid, x, rng)
    check_against_tf(Softmax(), tf.nn.softmax, x, rng)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_sigmoid_clipping_avoids_overflow(dtype):
    """exp(-x) would overflow for x = -1000: no warning, outputs in [0, 1], gradients finite."""
    x = Tensor(np.array([-1e4, -1000, -100, -30, 0, 30, 100, 1000, 1e4], dtype=dtype),
               requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = Sigmoid()(x)
        y.backward(np.ones(x.shape))
    assert y.data.dtype == np.dtype(dtype)
    assert np.all((y.data >= 0) & (y.data <= 1)) and np.all(np.isfinite(x.grad))
    np.testing.assert_allclose(y.data, tf.sigmoid(x.data).numpy(), atol=1e-30 if dtype == "float64"
                               else 1e-37)
    assert y.data[4] == 0.5 and y.data[-1] == 1.0


def test_sigmoid_with_an_explicit_clip():
    y = Sigmoid(clip=5)(Tensor(np.array([-100.0, 100.0]))).data
    np.testing.assert_allclose(y, [1 / (1 + np.exp(5)), 1 / (1 + np.exp(-5))])


# ---------------------------------------------------------------- pooling
@SETTINGS
@given(pool_case(), st.booleans())
def test_max_and_avg_pooling_match_tensorflow(case, integers):
    """Integer-valued inputs make ties in the windows: the gradient goes to the first maximum."""
    shape, (ph, pw), seed = case
    rng = np.random.default_rng(seed)
    x = (rng.integers(0, 3, size=shape) if integers else rng.normal(size=shape)).astype(np.float64)
    check_against_tf(MaxPool2D((ph, pw)), lambda x: tf.nn.max_pool2d(x, (ph, pw), (ph, pw), "VALID"),
                     x, rng)
    check_against_tf(AvgPool2D((ph, pw)), lambda x: tf.nn.avg_pool2d(x, (ph, pw), (ph, pw), "VALID"),
                     x, rng)


@SETTINGS
@given(pool_case())
def test_pool_windows_round_trip(case):
    """unpool_windows(pool_windows(x)) gives x back on the rows and columns that were pooled."""
    shape, (ph, pw), seed = case
    x = np.random.default_rng(seed).normal(size=shape)
    v = pool_windows(x, ph, pw)
    n, h, w, c = shape
    assert v.shape == (n, h // ph, ph, w // pw, pw, c)
    back = unpool_windows(v, shape)
    ho, wo = (h // ph) * ph, (w // pw) * pw
    np.testing.assert_array_equal(back[:, :ho, :wo], x[:, :ho, :wo])
    assert not back[:, ho:].any() and not back[:, :, wo:].any()


def test_keras_maxpooling_layer_agrees():
    """The layer, not just tf.nn: MaxPooling2D(2) on an odd size drops the last row/column."""
    x = np.random.default_rng(0).normal(size=(2, 7, 5, 3))
    ours = MaxPool2D(2)(Tensor(x)).data
    np.testing.assert_allclose(ours, keras.layers.MaxPooling2D(2)(x).numpy(), atol=ATOL)


# ---------------------------------------------------------------- losses
@SETTINGS
@given(st.integers(1, 8), st.integers(2, 12), st.floats(0.1, 30), SEEDS)
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


def keras_loss_check(loss_fn, keras_loss, pred, target):
    p = Tensor(pred, requires_grad=True)
    loss = loss_fn(p, target)
    loss.backward()
    v = tf.Variable(pred)
    with tf.GradientTape() as tape:
        loss_tf = keras_loss(target, v)
    np.testing.assert_allclose(loss.data, loss_tf.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(p.grad, tape.gradient(loss_tf, v).numpy(), atol=ATOL)


@SETTINGS
@given(st.integers(1, 8), st.integers(1, 10), SEEDS)
def test_mse_matches_keras_and_has_the_1_over_nk_factor(n, k, seed):
    rng = np.random.default_rng(seed)
    pred, target = rng.normal(size=(n, k)), rng.normal(size=(n, k))
    keras_loss_check(mse_loss, keras.losses.MeanSquaredError(dtype="float64"), pred, target)
    p = Tensor(pred, requires_grad=True)
    mse_loss(p, target).backward()
    np.testing.assert_allclose(p.grad, 2 * (pred - target) / (n * k))


@SETTINGS
@given(st.integers(1, 8), st.integers(1, 10), st.booleans(), SEEDS)
def test_bce_matches_keras_including_the_clipped_ends(n, k, extremes, seed):
    """Probabilities 0 and 1 are clipped to [1e-7, 1 - 1e-7]: same loss, zero gradient there."""
    rng = np.random.default_rng(seed)
    probs = rng.uniform(0.001, 0.999, size=(n, k))
    if extremes:
        probs.flat[:: 3] = rng.integers(0, 2, size=probs.flat[:: 3].shape)
    targets = rng.integers(0, 2, size=(n, k)).astype(np.float64)
    keras_loss_check(binary_cross_entropy, keras.losses.BinaryCrossentropy(dtype="float64"),
                     probs, targets)


@SETTINGS
@given(st.integers(1, 6), st.integers(1, 6), SEEDS)
def test_sigmoid_then_bce_gives_p_minus_t_over_m(n, k, seed):
    rng = np.random.default_rng(seed)
    z = Tensor(rng.normal(size=(n, k)) * 3, requires_grad=True)
    t = rng.integers(0, 2, size=(n, k)).astype(np.float64)
    p = Sigmoid()(z)
    binary_cross_entropy(p, t).backward()
    np.testing.assert_allclose(z.grad, (p.data - t) / t.size, atol=1e-12)


# ---------------------------------------------------------------- whole networks
def test_whole_network_gradients_match_keras():
    """Same weights in a Keras model: same loss and the same gradient for every parameter."""
    rng = np.random.default_rng(0)
    net = Sequential([Conv2D(2, 3, 3, rng=rng, dtype="float64"), ReLU(), Flatten(), Dropout(0.5, rng=rng),
                      Dense(6 * 5 * 3, 7, rng=rng, dtype="float64"), ReLU(), Dense(7, 4, rng=rng, dtype="float64")])
    for p in net.parameters():
        p.data[...] = rng.normal(size=p.shape) * 0.5
    keras_net = keras.Sequential([keras.Input((8, 7, 2), dtype="float64"),
                                  keras.layers.Conv2D(3, 3, activation="relu", dtype="float64"),
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


@pytest.mark.parametrize("pool", ["max", "avg"])
def test_pooled_network_with_tanh_and_softmax_matches_keras(pool):
    """Conv -> pool -> flatten -> dense -> tanh -> dense -> softmax, trained with MSE: every gradient."""
    rng = np.random.default_rng(1)
    pool_layer = MaxPool2D(2) if pool == "max" else AvgPool2D(2)
    keras_pool = keras.layers.MaxPooling2D(2) if pool == "max" else keras.layers.AveragePooling2D(2)
    net = Sequential([Conv2D(1, 3, 3, rng=rng, dtype="float64"), pool_layer, Flatten(),
                      Dense(3 * 3 * 3, 5, rng=rng, dtype="float64"), Tanh(),
                      Dense(5, 4, rng=rng, dtype="float64"), Softmax()])
    for p in net.parameters():
        p.data[...] = rng.normal(size=p.shape)
    f64 = {"dtype": "float64"}
    keras_pool = keras_pool.__class__(2, **f64)
    keras_net = keras.Sequential([keras.Input((8, 9, 1), dtype="float64"),
                                  keras.layers.Conv2D(3, 3, **f64), keras_pool,
                                  keras.layers.Flatten(**f64),
                                  keras.layers.Dense(5, activation="tanh", **f64),
                                  keras.layers.Dense(4, activation="softmax", **f64)])
    keras_net.set_weights([p.data for p in net.parameters()])
    x = rng.normal(size=(6, 8, 9, 1))
    target = np.eye(4)[rng.integers(0, 4, size=6)]
    loss = mse_loss(net(Tensor(x)), target)
    loss.backward()
    with tf.GradientTape() as tape:
        loss_tf = keras.losses.MeanSquaredError(**f64)(target, keras_net(x))
    grads = tape.gradient(loss_tf, keras_net.trainable_variables)
    np.testing.assert_allclose(loss.data, loss_tf.numpy(), rtol=0, atol=1e-12)
    for p, g in zip(net.parameters(), grads):
        np.testing.assert_allclose(p.grad, g.numpy(), atol=1e-10)


# ---------------------------------------------------------------- backward() semantics
def test_tensor_used_twice_gets_the_sum_of_both_gradients():
    """A diamond graph: the topological order must collect both paths before going further back."""
    rng = np.random.default_rng(0)
    w = Dense(3, 3, rng=rng, dtype="float64")
    x = Tensor(rng.normal(size=(2, 3)))
    h = w(x)
    s = Tensor(h.data + h.data, (h,), lambda g: (h.add_grad(g), h.add_grad(g)))   # s = h + h
    s.backward(np.ones((2, 3)))
    np.testing.assert_allclose(w.kernel.grad, x.data.T @ (2 * np.ones((2, 3))))


def deep_loss(rng):
    """A chain with a reused intermediate (h feeds both tanh branches) and every layer kind."""
    net = Sequential([Conv2D(1, 2, 3, rng=rng, dtype="float64"), MaxPool2D(2), Flatten(),
                      Dense(2 * 2 * 2, 4, rng=rng, dtype="float64"), Tanh(),
                      Dense(4, 3, rng=rng, dtype="float64")])
    x = rng.normal(size=(3, 6, 6, 1))
    h = net(Tensor(x))
    both = Tensor(h.data * 2, (h, h), lambda g: (h.add_grad(g), h.add_grad(g)))
    return net, softmax_cross_entropy(both, np.array([0, 1, 2]))


def test_backward_twice_accumulates_exactly_twice_like_pytorch():
    """Leaves accumulate: two calls on the same graph give exactly 2x every parameter gradient
    (the chapter's first version gave 5x at the first dense layer and 3x at the last)."""
    net, loss = deep_loss(np.random.default_rng(0))
    loss.backward()
    once = [p.grad.copy() for p in net.parameters()]
    loss.backward()
    for g1, g2 in zip(once, [p.grad for p in net.parameters()]):
        np.testing.assert_allclose(g2, 2 * g1, rtol=1e-12)


def test_intermediate_gradients_are_recomputed_not_accumulated():
    w = parameter(np.array([0.5, -1.0, 2.0]))
    x = np.array([1.0, 2.0, 3.0])
    h = Tensor((w.data * x).sum(), (w,), lambda g: w.add_grad(g * x))
    z = Tensor(h.data ** 2, (h,), lambda g: h.add_grad(2 * h.data * g))
    z.backward()
    first_h = h.grad
    z.backward()
    assert h.grad == first_h == 2 * h.data
    np.testing.assert_allclose(w.grad, 2 * (2 * h.data * x))


def test_zero_grad_makes_a_rerun_give_the_same_gradients():
    """The chapter's Keras comparison cell: zero_grad() first, so re-running it prints the same."""
    rng = np.random.default_rng(0)
    net, loss = deep_loss(rng)
    results = []
    for _ in range(2):
        net.zero_grad()
        loss.backward()
        results.append([p.grad.copy() for p in net.parameters()])
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
    opt = SGD(net.parameters())
    opt.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_backward_on_a_leaf_accumulates_into_it():
    p = parameter(np.ones(3))
    p.backward(np.full(3, 2.0))
    p.backward(np.full(3, 2.0))
    np.testing.assert_array_equal(p.grad, np.full(3, 4.0))


# ---------------------------------------------------------------- dropout, rng, training
@SETTINGS
@given(st.floats(0.0, 0.9), SEEDS)
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


def test_an_int_seed_is_accepted_wherever_a_generator_is():
    """rng=7 means np.random.default_rng(7): the same weights, masks and shuffles."""
    a, b = Conv2D(1, 4, 3, rng=7), Conv2D(1, 4, 3, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.kernel.data, b.kernel.data)
    x = Tensor(np.ones((5, 8)))
    np.testing.assert_array_equal(Dropout(0.5, rng=3)(x).data,
                                  Dropout(0.5, rng=np.random.default_rng(3))(x).data)
    data = np.random.default_rng(0).random((20, 6, 6, 1)).astype(np.float32)
    labels = np.arange(20) % 2
    losses = []
    for rng in (11, np.random.default_rng(11)):
        net = Sequential([Conv2D(1, 2, 3, rng=0), Flatten(), Dense(32, 2, rng=1)])
        losses.append(train_epoch(net, SGD(net.parameters()), data, labels, 4, rng))
    assert losses[0] == losses[1]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_layers_keep_the_dtype(dtype):
    net = Sequential([Conv2D(1, 2, 3, dtype=dtype), MaxPool2D(2), AvgPool2D(1), Flatten(),
                      Dense(8, 3, dtype=dtype), Tanh(), Sigmoid(), Softmax()])
    x = np.ones((2, 6, 6, 1), dtype=dtype)
    assert net(Tensor(x)).data.dtype == np.dtype(dtype)
    assert all(p.data.dtype == np.dtype(dtype) for p in net.parameters())


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


@pytest.mark.parametrize("output, loss_fn", [(Softmax, mse_loss), (Sigmoid, binary_cross_entropy)])
def test_training_with_the_other_losses_reduces_the_loss(output, loss_fn):
    """train_epoch(loss_fn=...) with one-hot targets: MSE on softmax, BCE on sigmoid."""
    rng = np.random.default_rng(0)
    x = rng.random((64, 6, 6, 1)).astype(np.float32)
    y = (x[:, :3].sum(axis=(1, 2, 3)) > x[:, 3:].sum(axis=(1, 2, 3))).astype(int)
    onehot = np.eye(2, dtype=np.float32)[y]
    net = Sequential([Conv2D(1, 4, 3, rng=rng), MaxPool2D(2), Flatten(), Dense(16, 2, rng=rng),
                      output()])
    opt = SGD(net.parameters(), lr=0.5)
    losses = [train_epoch(net, opt, x, onehot, 8, rng, loss_fn=loss_fn) for _ in range(15)]
    assert losses[-1] < losses[0]
