"""cnnbook.resnet (saved from chapter 11) against TensorFlow/Keras as the oracle.

- The zoo's two networks keep exactly the architecture the zoo trained (layer
  names, classes, order, weight paths and shapes, frozen as a sha256 computed
  with the draft builders the zoo was trained with).
- Parameter counts of independent implementations: torchvision's ResNet-18
  (11,689,512 trainable) and ResNet-50 (25,557,032), and
  ``keras.applications.ResNet50``/``DenseNet121(weights=None).count_params()``.
- A residual block whose last BN has gamma = 0 is exactly the identity on
  non-negative inputs (training and inference mode), over random shapes.
- The blocks compute what ``tf.nn.conv2d``, ``tf.nn.batch_normalization``,
  ``tf.concat`` and ``tf.nn.avg_pool2d`` compute (hypothesis, random weights).
- ``shortcut=False`` gives the same network without any addition.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import model_fingerprint, zoo_specs

from cnnbook.env import quiet_tensorflow, set_seed

tf = quiet_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402

from cnnbook.resnet import (BN_EPSILON, DENSENET_BLOCKS, RESNET_STAGES,  # noqa: E402
                            bottleneck_block, dense_block, dense_layer,
                            densenet, resnet, residual_block,
                            transition_block)

SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def trainable(model):
    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)


# Computed with the draft builders the zoo trained with: a change here means the
# zoo's weight files no longer load.
ZOO_STRUCTURE = {
    "resnet": (176090, "5f01bc1b36af1c2d93767a59ee1148f68abef7280eed17ee19b40d1e73b3552b"),
    "densenet": (96778, "64e7c3fada7480d5fd42ab36306972a6e375f275fdbba5c1eaa6622b81482233"),
}


@pytest.mark.parametrize("name", list(ZOO_STRUCTURE))
def test_zoo_architectures_are_frozen(name):
    spec = zoo_specs("resnet")[name]
    model = {"resnet": resnet, "densenet": densenet}[name](**spec["kwargs"])
    params, digest = ZOO_STRUCTURE[name]
    assert model.count_params() == params
    assert model_fingerprint(model) == digest
    again = {"resnet": resnet, "densenet": densenet}[name](**spec["kwargs"])
    assert [la.name for la in again.layers] == [la.name for la in model.layers]


# --- parameter counts against independent implementations -------------------------


def test_resnet18_matches_the_reference_implementation():
    model = resnet()
    bn_channels = sum(la.gamma.shape[0] for la in model.layers
                      if isinstance(la, layers.BatchNormalization))
    # torchvision's resnet18: 11,689,512 parameters (BN running stats are buffers)
    assert trainable(model) == 11_689_512
    assert model.count_params() == 11_689_512 + 2 * bn_channels == 11_699_112


def test_resnet50_matches_keras_applications_and_torchvision():
    ours = resnet(RESNET_STAGES["resnet50"], block="bottleneck", conv_bias=True,
                  stride_at="1x1")
    theirs = keras.applications.ResNet50(weights=None)
    assert ours.count_params() == theirs.count_params() == 25_636_712
    # same weight shapes, in the same order of layers with weights
    ours_shapes = sorted(tuple(w.shape) for w in ours.weights)
    theirs_shapes = sorted(tuple(w.shape) for w in theirs.weights)
    assert ours_shapes == theirs_shapes
    # torchvision's resnet50 (v1.5: no conv biases, stride on the 3x3)
    assert trainable(resnet(RESNET_STAGES["resnet50"], block="bottleneck")) == 25_557_032


def test_densenet121_matches_keras_applications():
    ours = densenet(DENSENET_BLOCKS["densenet121"])
    theirs = keras.applications.DenseNet121(weights=None)
    assert ours.count_params() == theirs.count_params() == 8_062_504
    assert sorted(tuple(w.shape) for w in ours.weights) == sorted(
        tuple(w.shape) for w in theirs.weights)


def test_tf_book_cifar10_resnet18():
    """The TF book's ResNet18 (ch10/resnet.py): small stem, conv biases, 1x1 projection
    without BN; counted with its own subclassed blocks re-typed in a scratch script."""
    model = resnet(RESNET_STAGES["resnet18"], input_shape=(32, 32, 3), num_classes=10,
                   stem="small", conv_bias=True, proj_bn=False)
    assert model.count_params() == TF_BOOK_RESNET18


TF_BOOK_RESNET18 = 11_184_778


# --- the identity initialisation ---------------------------------------------------


@SETTINGS
@given(side=st.integers(1, 7), channels=st.integers(1, 6), batch=st.integers(1, 3),
       seed=st.integers(0, 2**31 - 1), bottleneck=st.booleans())
def test_zero_gamma_block_is_exactly_the_identity(side, channels, batch, seed, bottleneck):
    set_seed(seed % 1000)
    inputs = keras.Input((side, side, channels * (4 if bottleneck else 1)))
    if bottleneck:
        out = bottleneck_block(inputs, channels, "b", zero_init=True)
    else:
        out = residual_block(inputs, channels, "b", zero_init=True)
    model = keras.Model(inputs, out)
    rng = np.random.default_rng(seed)
    x = np.maximum(rng.normal(size=(batch, *inputs.shape[1:])), 0).astype("float32")
    for training in (True, False):
        assert np.array_equal(model(x, training=training).numpy(), x)


# --- blocks against tf.nn -----------------------------------------------------------


def randomize(model, rng):
    for w in model.weights:
        if w.path.endswith("moving_variance"):
            w.assign(rng.uniform(0.5, 2.0, w.shape).astype("float32"))
        else:
            w.assign(rng.normal(size=w.shape).astype("float32"))


def conv(x, layer):
    y = tf.nn.conv2d(x, layer.kernel, strides=layer.strides, padding=layer.padding.upper())
    return y + layer.bias if layer.use_bias else y


def bn(x, layer):
    return tf.nn.batch_normalization(x, layer.moving_mean, layer.moving_variance,
                                     layer.beta, layer.gamma, BN_EPSILON)


@SETTINGS
@given(side=st.integers(2, 7), cin=st.integers(1, 4), filters=st.integers(1, 4),
       strides=st.integers(1, 2), conv_bias=st.booleans(), proj_bn=st.booleans(),
       shortcut=st.booleans(), seed=st.integers(0, 2**31 - 1))
def test_residual_block_against_tf_nn(side, cin, filters, strides, conv_bias, proj_bn,
                                      shortcut, seed):
    rng = np.random.default_rng(seed)
    inputs = keras.Input((side, side, cin))
    model = keras.Model(inputs, residual_block(inputs, filters, "r", strides, conv_bias,
                                               shortcut=shortcut, proj_bn=proj_bn))
    randomize(model, rng)
    x = tf.constant(rng.normal(size=(2, side, side, cin)).astype("float32"))
    get = model.get_layer
    y = tf.nn.relu(bn(conv(x, get("r_conv1")), get("r_bn1")))
    y = bn(conv(y, get("r_conv2")), get("r_bn2"))
    names = [la.name for la in model.layers]
    if shortcut:
        s = x
        if strides != 1 or cin != filters:
            s = conv(x, get("r_proj"))
            if proj_bn:
                s = bn(s, get("r_proj_bn"))
        y = y + s
    else:
        assert not any(isinstance(la, layers.Add) for la in model.layers)
        assert "r_proj" not in names
    expected = tf.nn.relu(y).numpy()
    np.testing.assert_allclose(model(x).numpy(), expected, rtol=1e-3, atol=1e-3)


@SETTINGS
@given(side=st.integers(2, 6), c0=st.integers(1, 4), k=st.integers(1, 3),
       num_layers=st.integers(1, 3), bottleneck=st.booleans(),
       seed=st.integers(0, 2**31 - 1))
def test_dense_block_and_transition_against_tf_nn(side, c0, k, num_layers, bottleneck, seed):
    rng = np.random.default_rng(seed)
    inputs = keras.Input((side, side, c0))
    y = dense_block(inputs, num_layers, k, "d", bottleneck)
    model = keras.Model(inputs, [y, transition_block(y, 0.5, "t")])
    randomize(model, rng)
    x = tf.constant(rng.normal(size=(2, side, side, c0)).astype("float32"))
    get = model.get_layer
    h = x
    for i in range(1, num_layers + 1):
        z = tf.nn.relu(bn(h, get(f"d_layer{i}_bn1")))
        if bottleneck:
            z = tf.nn.relu(bn(conv(z, get(f"d_layer{i}_conv1")), get(f"d_layer{i}_bn2")))
        z = conv(z, get(f"d_layer{i}_conv2"))
        assert z.shape[-1] == k
        h = tf.concat([h, z], axis=-1)
    assert h.shape[-1] == c0 + num_layers * k
    t = conv(tf.nn.relu(bn(h, get("t_bn"))), get("t_conv"))
    t = tf.nn.avg_pool2d(t, 2, 2, "VALID")
    out, trans = model(x)
    np.testing.assert_allclose(out.numpy(), h.numpy(), rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(trans.numpy(), t.numpy(), rtol=1e-3, atol=1e-3)
    assert trans.shape[-1] == (c0 + num_layers * k) // 2 or (c0 + num_layers * k) < 2


def test_dense_layer_adds_growth_rate_channels():
    inputs = keras.Input((4, 4, 5))
    assert dense_layer(inputs, 3, "l").shape[-1] == 8
    assert dense_layer(inputs, 3, "m", bottleneck=False).shape[-1] == 8


def test_plain_network_has_the_same_layers_minus_the_shortcuts():
    kwargs = dict(stages=[(4, 2), (8, 2)], input_shape=(8, 8, 1), num_classes=3,
                  stem="small", stem_filters=4)
    res, plain = resnet(**kwargs), resnet(shortcut=False, **kwargs)
    res_names = [la.name for la in res.layers]
    plain_names = [la.name for la in plain.layers]
    assert [n for n in res_names if not n.endswith(("_add", "_proj", "_proj_bn"))] \
        == plain_names
    assert res.count_params() - plain.count_params() == (4 * 8 + 4 * 8)
