"""cnnbook.batchnorm (saved from chapter 9) against TensorFlow/Keras as the oracle.

- BatchNorm (NumPy): forward in training and inference mode and the moving
  statistics against ``keras.layers.BatchNormalization``; the hand-derived
  backward against ``tf.GradientTape`` in float64; dense (N, C) and conv
  (N, H, W, C) inputs of random shapes (hypothesis).
- normalize / layer_norm / group_norm / instance_norm against Keras'
  BatchNormalization, LayerNormalization and GroupNormalization.
- lenet_bn: exactly the architecture the model zoo trained (names, order,
  weight shapes), the "after" placement, and the momentum argument.
- reestimate_bn (saved from chapter 10): the moving statistics become the
  batch statistics that tf.nn.moments gives for the layer input, nested
  models included; nothing trainable changes (bad input: tests/bad_input).
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cnnbook.env import quiet_tensorflow, set_seed

tf = quiet_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402

from cnnbook.batchnorm import (PLACEMENTS, BatchNorm, group_norm, instance_norm,  # noqa: E402
                               layer_norm, lenet_bn, normalize, reestimate_bn)

SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# A dense input (N, C) or a conv input (N, H, W, C); N >= 2 so the batch variance is not 0.
shapes = st.one_of(
    st.tuples(st.integers(2, 9), st.integers(1, 6)),
    st.tuples(st.integers(1, 4), st.integers(1, 5), st.integers(1, 5), st.integers(1, 4)),
).filter(lambda s: int(np.prod(s[:-1])) >= 2)


def random_affine(rng, c):
    return rng.uniform(0.5, 2.0, c), rng.normal(0.0, 1.0, c)


def keras_bn(shape, momentum, epsilon, dtype="float32"):
    layer = layers.BatchNormalization(momentum=momentum, epsilon=epsilon, dtype=dtype)
    layer.build((None,) + tuple(shape[1:]))
    return layer


@SETTINGS
@given(shape=shapes, momentum=st.floats(0.0, 0.999), epsilon=st.floats(1e-5, 1e-1),
       steps=st.integers(1, 4), seed=st.integers(0, 2**31 - 1))
def test_forward_and_moving_statistics_match_keras(shape, momentum, epsilon, steps, seed):
    rng = np.random.default_rng(seed)
    c = shape[-1]
    ours = BatchNorm(c, momentum=momentum, epsilon=epsilon)
    ref = keras_bn(shape, momentum, epsilon, dtype="float64")
    ours.gamma, ours.beta = random_affine(rng, c)
    ref.gamma.assign(ours.gamma)
    ref.beta.assign(ours.beta)
    for _ in range(steps):
        x = rng.normal(3.0, 2.0, size=shape)
        np.testing.assert_allclose(ours(x, training=True), ref(x, training=True).numpy(),
                                   rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ours.moving_mean, ref.moving_mean.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ours.moving_var, ref.moving_variance.numpy(), rtol=1e-12,
                               atol=1e-12)
    x = rng.normal(3.0, 2.0, size=shape)
    np.testing.assert_allclose(ours(x, training=False), ref(x, training=False).numpy(),
                               rtol=1e-9, atol=1e-9)


def test_float32_input_matches_keras_float32():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=(16, 5, 5, 3)).astype("float32")
    ours, ref = BatchNorm(3), keras_bn(x.shape, 0.99, 1e-3)
    np.testing.assert_allclose(ours(x, training=True), ref(x, training=True).numpy(), atol=1e-5)
    np.testing.assert_allclose(ours(x), ref(x, training=False).numpy(), atol=1e-5)


@SETTINGS
@given(shape=shapes, training=st.booleans(), seed=st.integers(0, 2**31 - 1))
def test_backward_matches_gradient_tape_float64(shape, training, seed):
    rng = np.random.default_rng(seed)
    c = shape[-1]
    ours = BatchNorm(c)
    ref = keras_bn(shape, 0.99, 1e-3, dtype="float64")
    ours.gamma, ours.beta = random_affine(rng, c)
    ours.moving_mean, ours.moving_var = rng.normal(0, 1, c), rng.uniform(0.5, 2.0, c)
    for mine, theirs in ((ours.gamma, ref.gamma), (ours.beta, ref.beta),
                         (ours.moving_mean, ref.moving_mean),
                         (ours.moving_var, ref.moving_variance)):
        theirs.assign(mine)
    x = rng.normal(3.0, 2.0, size=shape)
    g = rng.normal(size=shape)
    xv = tf.Variable(x)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(g * ref(xv, training=training))
    dx, dgamma, dbeta = tape.gradient(loss, [xv, ref.gamma, ref.beta])
    ours.forward(x, training=training)
    np.testing.assert_allclose(ours.backward(g), dx.numpy(), rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(ours.dgamma, dgamma.numpy(), rtol=1e-9, atol=1e-10)
    np.testing.assert_allclose(ours.dbeta, dbeta.numpy(), rtol=1e-9, atol=1e-10)


@SETTINGS
@given(shape=shapes, seed=st.integers(0, 2**31 - 1))
def test_training_gradient_has_no_component_along_shift_or_scale(shape, seed):
    """Sum over a channel of dL/dx is 0, and so is the sum of x_hat * dL/dx."""
    rng = np.random.default_rng(seed)
    layer = BatchNorm(shape[-1], epsilon=1e-12)
    x = rng.normal(3.0, 2.0, size=shape)
    axes = tuple(range(len(shape) - 1))
    # The identities hold for x_hat = (x - mean) / std; with epsilon > 0 the
    # layer divides by sqrt(var + epsilon) instead, which differs noticeably
    # (by about epsilon / var) when a channel's values nearly coincide.
    assume(x.var(axis=axes).min() > 0.1)
    layer.forward(x, training=True)
    dx = layer.backward(rng.normal(size=shape))
    x_hat = (x - x.mean(axis=axes)) / x.std(axis=axes)
    np.testing.assert_allclose(dx.sum(axis=axes), 0, atol=1e-8)
    np.testing.assert_allclose((dx * x_hat).sum(axis=axes), 0, atol=1e-8)


def test_batch_of_one_dense_gives_beta_and_zero_gradient():
    layer = BatchNorm(4)
    layer.beta = np.arange(4.0)
    y = layer.forward(np.array([[1.0, -2.0, 3.0, 5.0]]), training=True)
    np.testing.assert_array_equal(y, [[0.0, 1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(layer.backward(np.ones((1, 4))), np.zeros((1, 4)))


def test_integer_input_is_accepted_as_float():
    y = BatchNorm(2)(np.array([[1, 2], [3, 4]]), training=True)
    assert y.dtype == np.float64
    np.testing.assert_allclose(y, [[-1, -1], [1, 1]], atol=1e-3)


def test_backward_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match="forward"):
        BatchNorm(3).backward(np.zeros((2, 3)))


# ---------------------------------------------------------------- LN, GN, IN
maps = st.tuples(st.integers(1, 4), st.integers(1, 5), st.integers(1, 5),
                 st.sampled_from([1, 2, 3, 4, 6]))


@SETTINGS
@given(shape=maps, seed=st.integers(0, 2**31 - 1), data=st.data())
def test_normalizations_match_keras_layers(shape, seed, data):
    x = np.random.default_rng(seed).normal(3.0, 2.0, size=shape)
    c = shape[-1]
    groups = data.draw(st.sampled_from([g for g in range(1, c + 1) if c % g == 0]))
    f64 = dict(dtype="float64")
    cases = [
        (layer_norm(x), layers.LayerNormalization(axis=[1, 2, 3], **f64)(x)),
        (normalize(x, [3]), layers.LayerNormalization(**f64)(x)),
        (group_norm(x, groups), layers.GroupNormalization(groups=groups, **f64)(x)),
        (layer_norm(x), layers.GroupNormalization(groups=1, **f64)(x)),
        (instance_norm(x), layers.GroupNormalization(groups=c, **f64)(x)),
    ]
    if shape[0] * shape[1] * shape[2] >= 2:
        cases.append((normalize(x, (0, 1, 2)),
                      layers.BatchNormalization(**f64)(x, training=True)))
    for ours, theirs in cases:
        np.testing.assert_allclose(ours, np.asarray(theirs), rtol=1e-7, atol=1e-7)


def test_layer_and_group_norm_do_not_depend_on_the_batch():
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(4, 5, 5, 6))
    for fn in (layer_norm, instance_norm, lambda t: group_norm(t, 3)):
        np.testing.assert_allclose(fn(x[:1])[0], fn(x)[0])
    assert not np.allclose(normalize(x[:1], (0, 1, 2))[0], normalize(x, (0, 1, 2))[0])


def test_normalize_accepts_negative_axes_and_rejects_duplicates():
    x = np.random.default_rng(1).normal(size=(3, 4))
    np.testing.assert_allclose(normalize(x, [-1]), normalize(x, [1]))
    with pytest.raises(ValueError, match="axes"):
        normalize(x, [1, -1])


# ---------------------------------------------------------------- lenet_bn
# What the model zoo trained (tools/zoo.py SPECS "lenet_bn", kwargs {}).
ZOO_WEIGHTS = [
    ("conv1/kernel", (5, 5, 1, 6)), ("bn1/gamma", (6,)), ("bn1/beta", (6,)),
    ("bn1/moving_mean", (6,)), ("bn1/moving_variance", (6,)),
    ("conv2/kernel", (5, 5, 6, 16)), ("bn2/gamma", (16,)), ("bn2/beta", (16,)),
    ("bn2/moving_mean", (16,)), ("bn2/moving_variance", (16,)),
    ("dense1/kernel", (400, 120)), ("bn3/gamma", (120,)), ("bn3/beta", (120,)),
    ("bn3/moving_mean", (120,)), ("bn3/moving_variance", (120,)),
    ("dense2/kernel", (120, 84)), ("bn4/gamma", (84,)), ("bn4/beta", (84,)),
    ("bn4/moving_mean", (84,)), ("bn4/moving_variance", (84,)),
    ("logits/kernel", (84, 10)), ("logits/bias", (10,)),
]
ZOO_LAYERS = ["image", "conv1", "bn1", "relu1", "pool1", "conv2", "bn2", "relu2", "pool2",
              "flatten", "dense1", "bn3", "relu3", "dense2", "bn4", "relu4", "logits"]


def test_lenet_bn_is_the_zoo_architecture():
    model = lenet_bn()
    assert model.name == "lenet_bn"
    assert [layer.name for layer in model.layers] == ZOO_LAYERS
    assert [(w.path, tuple(w.shape)) for w in model.weights] == ZOO_WEIGHTS
    assert model.count_params() == 62_384
    assert sum(int(np.prod(w.shape)) for w in model.non_trainable_weights) == 452
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            assert (layer.momentum, layer.epsilon) == (0.99, 1e-3)


def test_lenet_bn_is_deterministic_under_set_seed():
    set_seed(0)
    a = lenet_bn()
    set_seed(0)
    b = lenet_bn()
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa.numpy(), wb.numpy())


def test_lenet_bn_after_placement_and_momentum():
    assert PLACEMENTS == ("before", "after")
    model = lenet_bn("after", momentum=0.9)
    assert model.name == "lenet_bn_after"
    names = [layer.name for layer in model.layers]
    assert names.index("relu1") < names.index("bn1") < names.index("pool1")
    for name in ("conv1", "conv2", "dense1", "dense2"):
        assert model.get_layer(name).use_bias
    assert model.count_params() == 62_384 + 226
    assert {layer.momentum for layer in model.layers
            if isinstance(layer, layers.BatchNormalization)} == {0.9}
    logits = model(np.zeros((2, 28, 28, 1), "float32"), training=False)
    assert tuple(logits.shape) == (2, 10)


def test_lenet_bn_learns_a_little_on_fashion_mnist():
    from cnnbook.datasets import load_fashion_mnist
    from cnnbook.train import evaluate, fit

    (x_train, y_train), (x_test, y_test) = load_fashion_mnist()
    set_seed(0)
    model = lenet_bn(momentum=0.9)
    fit(model, x_train[:1280], y_train[:1280], epochs=1, batch_size=64, optimizer="sgd",
        lr=1.0, schedule="constant", verbose=False)
    _, acc = evaluate(model, x_test[:500], y_test[:500])
    assert acc > 0.4


def _conv_bn_model(nested=False):
    inputs = keras.Input((8, 8, 1))
    h = layers.Conv2D(3, 3, name="conv")(inputs)
    h = layers.BatchNormalization(name="bn")(h)
    block = keras.Model(inputs, h, name="block")
    if not nested:
        return block
    outer_in = keras.Input((8, 8, 1))
    out = layers.BatchNormalization(name="bn_outer")(block(outer_in))
    return keras.Model(outer_in, layers.Dense(2)(layers.Flatten()(out)))


@pytest.mark.parametrize("nested", [False, True])
def test_reestimate_bn_sets_moving_statistics_to_batch_moments(nested):
    set_seed(0)
    model = _conv_bn_model(nested)
    x = np.random.default_rng(0).integers(0, 256, (16, 8, 8), dtype=np.uint8)
    trainable = [w.copy() for w in (v.numpy() for v in model.trainable_variables)]
    block = model.get_layer("block") if nested else model
    bn = block.get_layer("bn")
    assert reestimate_bn(model, x) == (2 if nested else 1)
    # oracle: the conv output's moments over batch and space
    conv_out = block.get_layer("conv")(x[..., None].astype("float32") / 255.0)
    mean, var = tf.nn.moments(conv_out, axes=[0, 1, 2])
    np.testing.assert_allclose(bn.moving_mean.numpy(), mean.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(bn.moving_variance.numpy(), var.numpy(), rtol=1e-4, atol=1e-6)
    assert bn.momentum == 0.99
    for before, v in zip(trainable, model.trainable_variables):
        np.testing.assert_array_equal(before, v.numpy())
