"""cnnbook.variants (saved from chapter 12) against TensorFlow/Keras as the oracle.

Every equivalence of chapter 12 is checked here over at least 200 random
configurations (a seeded loop: deterministic, fast, and every failure is
reported with its configuration).  "Equal" means the same shape and
``np.allclose(rtol=1e-4, atol=1e-4)`` (float32 sums in a different order).
"""
import numpy as np
import pytest

from cnnbook.env import quiet_tensorflow

tf = quiet_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402

from cnnbook.conv import receptive_field  # noqa: E402
from cnnbook.variants import (MOBILENET_V1_BLOCKS, conv_cost,  # noqa: E402
                              conv_transpose2d, conv_transpose_output_size,
                              depthwise_conv2d, dilate_kernel, dilated_conv2d,
                              effective_kernel_size, grouped_conv2d, mobilenet,
                              mobilenet_block, separable_conv2d)

N_CONFIGS = 200
# Keras layer objects are slow to create (and Conv2D(groups) compiles with XLA on a CPU):
# every configuration is checked against the functional ops the layers call
# (keras.ops.*), the first N_LAYERS ones against the layer classes themselves too.
N_LAYERS = 40


def close(a, b):
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-4, atol=1e-4)


def ints(rng, low, high, size):
    """``size`` Python ints in [low, high]."""
    return [int(v) for v in rng.integers(low, high + 1, size=size)]


def normal(rng, *shape):
    return rng.normal(size=shape).astype("float32")


def built(layer, input_shape, **weights):
    """Build a layer for input_shape and assign the given weight arrays."""
    layer.build(input_shape)
    for name, value in weights.items():
        getattr(layer, name).assign(value)
    return layer


# ---------------------------------------------------------------- dilated

def test_effective_kernel_size_and_dilate_kernel():
    rng = np.random.default_rng(0)
    for _ in range(N_CONFIGS):
        kh, kw, dh, dw, ci, co = ints(rng, 1, 4, 6)
        kernel = normal(rng, kh, kw, ci, co)
        big = dilate_kernel(kernel, (dh, dw))
        assert big.shape == (effective_kernel_size(kh, dh), effective_kernel_size(kw, dw), ci, co)
        np.testing.assert_array_equal(big[::dh, ::dw], kernel)
        assert np.count_nonzero(big) == np.count_nonzero(kernel)
    assert effective_kernel_size(3, 1) == 3 and effective_kernel_size(3, 2) == 5
    assert effective_kernel_size(5, 3) == 13 and effective_kernel_size(1, 7) == 1
    assert dilate_kernel(np.ones((2, 2)), 3).shape == (4, 4)


def random_dilated(rng, allow_both=True):
    while True:
        k, d, s, ci, co, n = ints(rng, 1, 3, 6)
        if allow_both or s == 1 or d == 1:
            break
    k_eff = effective_kernel_size(k, d)
    h, w = ints(rng, k_eff, k_eff + 5, 2)
    padding = ["valid", "same"][int(rng.integers(2))]
    return normal(rng, n, h, w, ci), normal(rng, k, k, ci, co), d, s, padding


def test_dilated_conv2d_matches_tensorflow():
    """tf.nn.conv2d(dilations=d), Conv2D(dilation_rate=d) and the zero-inserted kernel."""
    rng = np.random.default_rng(1)
    bad = []
    for i in range(N_CONFIGS):
        # Keras' Conv2D refuses strides > 1 together with dilation > 1
        x, kernel, d, s, padding = random_dilated(rng, allow_both=False)
        y = dilated_conv2d(x, kernel, d, s, padding)
        assert isinstance(y, np.ndarray) and y.dtype == np.float32
        refs = [tf.nn.conv2d(x, kernel, s, padding.upper(), dilations=d),
                keras.ops.conv(x, kernel, s, padding, dilation_rate=d),
                tf.nn.conv2d(x, dilate_kernel(kernel, d), s, padding.upper())]
        if i < N_LAYERS:
            conv = built(layers.Conv2D(kernel.shape[-1], kernel.shape[0], strides=s,
                                       dilation_rate=d, padding=padding, use_bias=False),
                         x.shape, kernel=kernel)
            refs.append(conv(x))
        bad += [(i, x.shape, kernel.shape, d, s, padding) for r in refs if not close(y, r)]
    for i in range(N_CONFIGS):
        # strides and dilation both > 1: tf.nn.conv2d computes it on the CPU
        x, kernel, d, s, padding = random_dilated(rng)
        y = dilated_conv2d(x, kernel, d, s, padding)
        if not close(y, tf.nn.conv2d(x, kernel, s, padding.upper(), dilations=d)):
            bad.append((i, x.shape, kernel.shape, d, s, padding))
    assert bad == []


def test_dilated_conv2d_rectangular_arguments():
    rng = np.random.default_rng(2)
    for _ in range(50):
        kh, kw = ints(rng, 1, 3, 2)
        (dh, dw), (sh, sw) = ints(rng, 1, 3, 2), ints(rng, 1, 3, 2)
        h = effective_kernel_size(kh, dh) + int(rng.integers(0, 5))
        w = effective_kernel_size(kw, dw) + int(rng.integers(0, 5))
        x, kernel = normal(rng, 2, h, w, 2), normal(rng, kh, kw, 2, 3)
        for padding in ("valid", "same"):
            y = dilated_conv2d(x, kernel, (dh, dw), (sh, sw), padding)
            ref = tf.nn.conv2d(x, kernel, (sh, sw), padding.upper(), dilations=(dh, dw))
            assert close(y, ref), (kh, kw, dh, dw, sh, sw, padding)


def test_dilated_output_size_formula():
    """floor((n - k_eff) / s) + 1 for "valid", ceil(n / s) for "same"."""
    from cnnbook.conv import conv_output_size
    for n in range(1, 13):
        for k in range(1, 6):
            for d in range(1, 5):
                for s in range(1, 4):
                    k_eff = effective_kernel_size(k, d)
                    z, kern = tf.zeros((1, n, n, 1)), tf.zeros((k, k, 1, 1))
                    same = tf.nn.conv2d(z, kern, s, "SAME", dilations=d).shape[1]
                    assert same == -(-n // s)
                    if k_eff <= n:
                        valid = tf.nn.conv2d(z, kern, s, "VALID", dilations=d).shape[1]
                        assert valid == conv_output_size(n, k_eff, 0, s)


def path_counts(rates, size=71):
    model = keras.Sequential([keras.Input((size, size, 1))] + [
        layers.Conv2D(1, 3, dilation_rate=r, padding="same", use_bias=False,
                      kernel_initializer="ones") for r in rates])
    x = tf.zeros((1, size, size, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        center = model(x)[0, size // 2, size // 2, 0]
    return tape.gradient(center, x)[0, :, :, 0].numpy()


@pytest.mark.parametrize("rates", [[1], [2], [1, 1, 1, 1], [1, 2, 4, 8], [2, 2, 2], [1, 2, 3], [3, 1, 5]])
def test_receptive_field_of_dilated_stack(rates):
    grad = path_counts(rates)
    rows = np.flatnonzero(grad.any(axis=1))
    assert rows[-1] - rows[0] + 1 == receptive_field([effective_kernel_size(3, r) for r in rates])


def test_gridding_artefact():
    """(2, 2, 2) and (1, 2, 3) both see 13x13, but (2, 2, 2) uses only a quarter of it."""
    grid, full = path_counts([2, 2, 2]), path_counts([1, 2, 3])
    assert (grid > 0).sum() == 49 and (full > 0).sum() == 169


# ------------------------------------------------------------- transposed

def test_transpose_is_adjoint_and_input_gradient():
    """<conv(x, K), y> = <x, conv_transpose(y, K)> and d<conv(x, K), y>/dx = conv_transpose(y, K).

    Checked for TensorFlow's pair (conv2d, conv2d_transpose) and for the book's pair
    (dilated_conv2d, conv_transpose2d), with the same kernel array for both directions.
    """
    rng = np.random.default_rng(3)
    bad = []
    for i in range(N_CONFIGS):
        k, s, ci, co, n = ints(rng, 1, 3, 5)
        h, w = ints(rng, k, k + 5, 2)
        pad = ["VALID", "SAME"][int(rng.integers(2))]
        x, kernel = normal(rng, n, h, w, ci), normal(rng, k, k, ci, co)
        xv = tf.Variable(x)
        with tf.GradientTape() as tape:
            out = tf.nn.conv2d(xv, kernel, s, pad)
            y = normal(rng, *out.shape)
            lhs = tf.reduce_sum(out * y)
        transposed = tf.nn.conv2d_transpose(y, kernel, x.shape, s, pad)
        if not np.isclose(float(lhs), float(tf.reduce_sum(x * transposed)), rtol=1e-4, atol=1e-3):
            bad.append((i, "adjoint"))
        if not close(tape.gradient(lhs, xv), transposed):
            bad.append((i, "gradient"))
        # the book's pair: x2 has the length conv_transpose2d produces from y2
        y2 = normal(rng, n, *ints(rng, 1, 4, 2), co)
        back = conv_transpose2d(y2, kernel, s, pad.lower())
        x2 = normal(rng, *back.shape)
        forward = dilated_conv2d(x2, kernel, 1, s, pad.lower())
        if forward.shape != y2.shape or not np.isclose(
                float(np.sum(forward.astype("float64") * y2)),
                float(np.sum(x2.astype("float64") * back)), rtol=1e-4, atol=1e-3):
            bad.append((i, "book", x2.shape, y2.shape, kernel.shape, s, pad))
    assert bad == []


def test_conv_transpose2d_matches_keras():
    """Strides 1-3, both paddings, output_padding None and every allowed value."""
    rng = np.random.default_rng(4)
    agree, both_raise, bad = 0, 0, []
    combos = [(s, p, op) for s in (1, 2, 3) for p in ("valid", "same") for op in [None] + list(range(s))]
    for i in range(14 * len(combos)):
        s, padding, op = combos[i % len(combos)]
        k = int(rng.integers(1, 6))
        ci, co, n, h, w = ints(rng, 1, 3, 5)
        x, kernel = normal(rng, n, h, w, ci), normal(rng, k, k, co, ci)
        try:
            if i < N_LAYERS or i % 7 == 0:
                layer = built(layers.Conv2DTranspose(co, k, strides=s, padding=padding,
                                                     output_padding=op, use_bias=False),
                              x.shape, kernel=kernel)
                ref = layer(x)
            else:
                ref = keras.ops.conv_transpose(x, kernel, s, padding, op)
        except tf.errors.InvalidArgumentError:
            ref = None
        try:
            ours = conv_transpose2d(x, kernel, s, padding, op)
        except ValueError:
            ours = None
        if ref is None and ours is None:
            both_raise += 1
        elif ref is None or ours is None or not close(ours, ref):
            bad.append((i, x.shape, kernel.shape, s, padding, op))
        else:
            agree += 1
    assert bad == []
    assert agree >= 200 and both_raise > 0


def test_conv_transpose2d_rectangular_arguments():
    rng = np.random.default_rng(5)
    for _ in range(60):
        kh, kw = ints(rng, 1, 5, 2)
        sh, sw = ints(rng, 1, 3, 2)
        ops = None if rng.random() < 0.3 else (int(rng.integers(sh)), int(rng.integers(sw)))
        padding = ["valid", "same"][int(rng.integers(2))]
        x, kernel = normal(rng, 1, 4, 5, 2), normal(rng, kh, kw, 3, 2)
        layer = built(layers.Conv2DTranspose(3, (kh, kw), strides=(sh, sw), padding=padding,
                                             output_padding=ops, use_bias=False),
                      x.shape, kernel=kernel)
        try:
            ref = layer(x)
        except tf.errors.InvalidArgumentError:
            with pytest.raises(ValueError, match="output_padding"):
                conv_transpose2d(x, kernel, (sh, sw), padding, ops)
            continue
        assert close(conv_transpose2d(x, kernel, (sh, sw), padding, ops), ref)


def test_conv_transpose_output_size_matches_keras():
    checked = 0
    for n in range(1, 8):
        for k in range(1, 6):
            for s in (1, 2, 3):
                for padding in ("valid", "same"):
                    for op in [None] + list(range(s)):
                        z, kern = tf.zeros((1, n, n, 1)), tf.zeros((k, k, 1, 1))
                        try:
                            got = keras.ops.conv_transpose(z, kern, s, padding, op).shape[1]
                        except tf.errors.InvalidArgumentError:
                            got = None
                        try:
                            formula = conv_transpose_output_size(n, k, s, padding, op)
                        except ValueError:
                            formula = None
                        assert got == formula, (n, k, s, padding, op)
                        checked += 1
    assert checked >= 200


def test_scatter_example_from_d2l():
    X = np.array([[0, 1], [2, 3]], "float32")[None, :, :, None]
    K = np.array([[0, 1], [2, 3]], "float32")[:, :, None, None]
    np.testing.assert_array_equal(conv_transpose2d(X, K)[0, :, :, 0], [[0, 0, 1], [0, 4, 6], [4, 12, 9]])


# ------------------------------------------------------ depthwise separable

def random_separable(rng):
    k, s, c, m, n = ints(rng, 1, 3, 5)
    co = int(rng.integers(1, 5))
    h, w = ints(rng, k, k + 5, 2)
    padding = ["valid", "same"][int(rng.integers(2))]
    return (normal(rng, n, h, w, c), normal(rng, k, k, c, m), normal(rng, 1, 1, c * m, co),
            s, padding)


def test_depthwise_conv2d_matches_tensorflow_and_keras():
    rng = np.random.default_rng(6)
    bad = []
    for i in range(N_CONFIGS):
        x, dw, _, s, padding = random_separable(rng)
        k, m = dw.shape[0], dw.shape[-1]
        y = depthwise_conv2d(x, dw, s, padding)
        refs = [tf.nn.depthwise_conv2d(x, dw, [1, s, s, 1], padding.upper()),
                keras.ops.depthwise_conv(x, dw, s, padding)]
        if i < N_LAYERS:
            refs.append(built(layers.DepthwiseConv2D(k, strides=s, padding=padding,
                                                     depth_multiplier=m, use_bias=False),
                              x.shape, kernel=dw)(x))
        for ref in refs:
            if not close(y, ref):
                bad.append((i, x.shape, dw.shape, s, padding))
    assert bad == []


def test_separable_conv2d_matches_keras_and_splits():
    """SeparableConv2D = ours = DepthwiseConv2D followed by a 1x1 Conv2D (weights copied)."""
    rng = np.random.default_rng(7)
    bad = []
    for i in range(N_CONFIGS):
        x, dw, pw, s, padding = random_separable(rng)
        k, m = dw.shape[0], dw.shape[-1]
        if i < N_LAYERS:
            sep = built(layers.SeparableConv2D(pw.shape[-1], k, strides=s, padding=padding,
                                               depth_multiplier=m, use_bias=False),
                        x.shape, depthwise_kernel=dw, pointwise_kernel=pw)
            z = sep(x)
            depthwise = built(layers.DepthwiseConv2D(k, strides=s, padding=padding,
                                                     depth_multiplier=m, use_bias=False),
                              x.shape, kernel=dw)
            mid = depthwise(x)
            pointwise = built(layers.Conv2D(pw.shape[-1], 1, use_bias=False), mid.shape,
                              kernel=pw)
            split = pointwise(mid)
        else:
            z = keras.ops.separable_conv(x, dw, pw, s, padding)
            split = keras.ops.conv(keras.ops.depthwise_conv(x, dw, s, padding), pw)
        for other in (separable_conv2d(x, dw, pw, s, padding), split):
            if not close(other, z):
                bad.append((i, x.shape, dw.shape, pw.shape, s, padding))
    assert bad == []


# ---------------------------------------------------------------- grouped

def test_grouped_conv2d_matches_keras():
    rng = np.random.default_rng(8)
    bad = []
    for i in range(N_CONFIGS):
        g, a, b, k, s, n = ints(rng, 1, 3, 6)
        h, w = ints(rng, k, k + 5, 2)
        padding = ["valid", "same"][int(rng.integers(2))]
        x, kernel = normal(rng, n, h, w, g * a), normal(rng, k, k, a, g * b)
        y = grouped_conv2d(x, kernel, g, s, padding)
        # g independent convolutions on channel slices, concatenated
        pieces = tf.concat([tf.nn.conv2d(x[..., j * a:(j + 1) * a], kernel[..., j * b:(j + 1) * b],
                                         s, padding.upper()) for j in range(g)], axis=-1)
        # TensorFlow's own grouped convolution: the kernel's input depth divides x's channels
        refs = [pieces, tf.nn.conv2d(x, kernel, s, padding.upper())]
        if i < N_LAYERS:
            conv = built(layers.Conv2D(g * b, k, strides=s, padding=padding, groups=g,
                                       use_bias=False), x.shape, kernel=kernel)
            refs.append(conv(x))
            if conv.count_params() != k * k * (g * a) * (g * b) // g:
                bad.append((i, "params"))
        if not all(close(y, r) for r in refs):
            bad.append((i, x.shape, kernel.shape, g, s, padding))
    assert bad == []


def test_depthwise_is_grouped_with_one_group_per_channel():
    rng = np.random.default_rng(9)
    bad = []
    for i in range(N_CONFIGS):
        k, c, m, s, n = ints(rng, 1, 3, 5)
        h, w = ints(rng, k, k + 5, 2)
        padding = ["valid", "same"][int(rng.integers(2))]
        x, dw = normal(rng, n, h, w, c), normal(rng, k, k, c, m)
        y = depthwise_conv2d(x, dw, s, padding)
        if not close(y, grouped_conv2d(x, dw.reshape(k, k, 1, c * m), c, s, padding)):
            bad.append((i, x.shape, dw.shape, s, padding))
    assert bad == []
    # and with Keras layers on a few configurations (Conv2D(groups) compiles with XLA on CPU)
    for _ in range(10):
        k, c, m = ints(rng, 1, 3, 3)
        x, dw = normal(rng, 2, 6, 6, c), normal(rng, k, k, c, m)
        depthwise = built(layers.DepthwiseConv2D(k, depth_multiplier=m, use_bias=False), x.shape,
                          kernel=dw)
        grouped = built(layers.Conv2D(c * m, k, groups=c, use_bias=False), x.shape,
                        kernel=dw.reshape(k, k, 1, c * m))
        assert close(depthwise(x), grouped(x))


# ------------------------------------------------------------------- costs

def profiler_macs(layer, in_shape):
    inputs = keras.Input(in_shape)
    model = keras.Model(inputs, layer(inputs))
    fn = tf.function(lambda x: model(x, training=False))
    graph = fn.get_concrete_function(tf.TensorSpec((1,) + in_shape, tf.float32)).graph
    options = tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()
    options["output"] = "none"
    return tf.compat.v1.profiler.profile(graph=graph, options=options).total_float_ops // 2


def test_conv_cost_matches_keras_and_profiler():
    rng = np.random.default_rng(10)
    for _ in range(15):
        k = int(rng.integers(1, 6))
        g = int(rng.choice([1, 2, 4]))
        ci, co = g * int(rng.integers(1, 9)), g * int(rng.integers(1, 9))
        hw = int(rng.integers(k, 16))
        shape = (hw, hw, ci)
        cases = [("standard", layers.Conv2D(co, k, padding="same", use_bias=False), {}),
                 ("separable", layers.SeparableConv2D(co, k, padding="same", use_bias=False), {}),
                 ("depthwise", layers.DepthwiseConv2D(k, padding="same", depth_multiplier=co // g or 1,
                                                      use_bias=False), {}),
                 ("grouped", layers.Conv2D(co, k, padding="same", groups=g, use_bias=False),
                  {"groups": g})]
        for kind, layer, extra in cases:
            layer.build((None,) + shape)
            out = layer.compute_output_shape((None,) + shape)
            weights, macs = conv_cost(k, ci, out[-1], out[1:3], kind, **extra)
            assert weights == layer.count_params(), (kind, k, ci, co, g)
            assert macs == weights * out[1] * out[2]
            if kind != "grouped":  # Keras runs grouped convolutions through XLA: the profiler sees 0
                assert macs == profiler_macs(layer, shape), (kind, k, ci, co)
    # the ratio separable / standard = 1/c_out + 1/k^2
    for k, ci, co in [(3, 32, 64), (3, 512, 512), (5, 64, 64), (7, 3, 10)]:
        std, sep = conv_cost(k, ci, co, 7, "standard"), conv_cost(k, ci, co, 7, "separable")
        assert sep[1] / std[1] == pytest.approx(1 / co + 1 / k ** 2)


# --------------------------------------------------------------- MobileNet

def test_mobilenet_matches_keras_applications():
    ours, theirs = mobilenet(), keras.applications.MobileNet(weights=None)
    assert ours.count_params() == theirs.count_params() == 4_253_864
    a, b = [tuple(w.shape) for w in ours.weights], [tuple(w.shape) for w in theirs.weights]
    assert a[:-2] == b[:-2] and a[-2] == (1024, 1000) and b[-2] == (1, 1, 1024, 1000)
    assert len(MOBILENET_V1_BLOCKS) == 13


@pytest.mark.parametrize("alpha,size", [(1.0, 96), (0.25, 64)])
def test_mobilenet_outputs_equal_keras_with_copied_weights(alpha, size):
    ours = mobilenet(input_shape=(size, size, 3), alpha=alpha)
    theirs = keras.applications.MobileNet(weights=None, input_shape=(size, size, 3), alpha=alpha)
    assert ours.count_params() == theirs.count_params()
    weights = theirs.get_weights()
    weights[-2] = weights[-2].reshape(ours.weights[-2].shape)
    ours.set_weights(weights)
    x = np.random.default_rng(11).random((2, size, size, 3)).astype("float32")
    probs = tf.nn.softmax(ours(x, training=False)).numpy()
    np.testing.assert_allclose(probs, theirs(x, training=False).numpy(), rtol=1e-4, atol=1e-6)


def test_mobilenet_separable_false_matches_paper_sizes():
    """Howard et al. (2017), table 4: 29.3M parameters for the network with standard convolutions."""
    plain = mobilenet(separable=False)
    assert round(plain.count_params() / 1e6, 1) == 29.3


def test_mobilenet_block_layer_names():
    inputs = keras.Input((8, 8, 4))
    out = mobilenet_block(inputs, 6, "blk", strides=2, depth_multiplier=2)
    model = keras.Model(inputs, out)
    names = [layer.name for layer in model.layers[1:]]
    assert names == ["blk_dw", "blk_dw_bn", "blk_dw_relu", "blk_pw", "blk_pw_bn", "blk_pw_relu"]
    assert tuple(out.shape) == (None, 4, 4, 6)
    assert model.get_layer("blk_dw").kernel.shape == (3, 3, 4, 2)
    plain = mobilenet_block(inputs, 6, "std", separable=False)
    assert tuple(plain.shape) == (None, 8, 8, 6)
