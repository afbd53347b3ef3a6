"""cnnbook.models.lenet (saved from chapter 6): shapes, parameter counts, TensorFlow oracle, training."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnbook.env import quiet_tensorflow, set_seed

tf = quiet_tensorflow()
import keras  # noqa: E402

from cnnbook.datasets import load_mnist  # noqa: E402
from cnnbook.models import LENET_KINDS, lenet  # noqa: E402

KINDS = ("classic", "modern")
# (layer name, Keras class, parameters by formula): conv (kh*kw*ci+1)*co, dense (n+1)*m
LAYERS = [
    ("conv1", "Conv2D", (5 * 5 * 1 + 1) * 6),
    ("pool1", None, 0),
    ("conv2", "Conv2D", (5 * 5 * 6 + 1) * 16),
    ("pool2", None, 0),
    ("flatten", "Flatten", 0),
    ("dense1", "Dense", (16 * 5 * 5 + 1) * 120),
    ("dense2", "Dense", (120 + 1) * 84),
    ("logits", "Dense", (84 + 1) * 10),
]
POOL = {"classic": "AveragePooling2D", "modern": "MaxPooling2D"}
ACT = {"classic": "sigmoid", "modern": "relu"}
# Built once: Keras model construction is the slow part of these tests.
MODELS = {kind: lenet(kind) for kind in KINDS}
SETTINGS = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_kinds_are_the_two_documented_ones():
    assert tuple(LENET_KINDS) == KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_parameter_count_layer_by_layer(kind):
    model = lenet(kind)
    assert [layer.name for layer in model.layers] == [name for name, _, _ in LAYERS]
    for layer, (name, cls, count) in zip(model.layers, LAYERS):
        assert layer.__class__.__name__ == (cls or POOL[kind]), name
        assert layer.count_params() == count, name
    assert model.count_params() == sum(count for _, _, count in LAYERS) == 61_706


@pytest.mark.parametrize("kind", KINDS)
def test_architecture_matches_the_seed(kind):
    model = MODELS[kind]
    assert model.input_shape == (None, 28, 28, 1)
    conv1, conv2 = model.get_layer("conv1"), model.get_layer("conv2")
    assert (conv1.filters, conv1.kernel_size, conv1.padding) == (6, (5, 5), "same")
    assert (conv2.filters, conv2.kernel_size, conv2.padding) == (16, (5, 5), "valid")
    for name in ("pool1", "pool2"):
        assert model.get_layer(name).pool_size == (2, 2) and model.get_layer(name).strides == (2, 2)
    for name in ("conv1", "conv2", "dense1", "dense2"):
        assert model.get_layer(name).activation.__name__ == ACT[kind], name
    assert model.get_layer("logits").activation.__name__ == "linear"  # logits, no softmax


@pytest.mark.parametrize("kind", KINDS)
def test_each_call_returns_a_new_uncompiled_model(kind):
    a, b = lenet(kind), lenet(kind)
    assert a is not b and not a.compiled and not b.compiled
    assert a.get_layer("conv1").kernel is not b.get_layer("conv1").kernel


@pytest.mark.parametrize("bad", ["Classic", "MODERN", "lenet5", "sigmoid", " modern"])
def test_unknown_kind_raises_value_error_naming_the_choices(bad):
    with pytest.raises(ValueError, match="kind.*classic.*modern"):
        lenet(bad)


@pytest.mark.parametrize("bad", [None, 5, True, 1.0, ("modern",), ["classic"], b"modern"])
def test_kind_of_the_wrong_type_raises_type_error(bad):
    with pytest.raises(TypeError, match="kind"):
        lenet(bad)


@given(st.text(max_size=12).filter(lambda s: s not in KINDS))
@settings(max_examples=30, deadline=None)
def test_any_other_string_is_rejected(kind):
    with pytest.raises(ValueError) as excinfo:
        lenet(kind)
    message = str(excinfo.value)
    assert "kind" in message
    if kind.strip() and len(repr(kind)) < 50:  # long reprs are shortened in messages
        assert repr(kind) in message  # the message names what was received


def test_keyword_call_used_by_the_model_zoo():
    """tools/zoo.py builds lenet(kind="modern"); chapter 9 loads its weights by layer name."""
    model = lenet(kind="modern")
    assert model.name == "lenet_modern"
    assert [w.path for w in model.weights] == [
        f"lenet_modern/{name}/{part}" for name in ("conv1", "conv2", "dense1", "dense2", "logits")
        for part in ("kernel", "bias")]


def oracle_forward(model, x, kind):
    """LeNet forward pass written with raw tf.nn ops and the model's own weights."""
    act = tf.nn.sigmoid if kind == "classic" else tf.nn.relu
    pool = tf.nn.avg_pool2d if kind == "classic" else tf.nn.max_pool2d

    def conv(h, name, padding):
        layer = model.get_layer(name)
        return act(tf.nn.conv2d(h, layer.kernel, strides=1, padding=padding) + layer.bias)

    def dense(h, name, activation=act):
        layer = model.get_layer(name)
        return activation(tf.matmul(h, layer.kernel) + layer.bias)

    h = pool(conv(x, "conv1", "SAME"), ksize=2, strides=2, padding="VALID")
    h = pool(conv(h, "conv2", "VALID"), ksize=2, strides=2, padding="VALID")
    h = tf.reshape(h, (-1, 5 * 5 * 16))
    h = dense(dense(h, "dense1"), "dense2")
    return dense(h, "logits", activation=tf.identity)


@SETTINGS
@given(kind=st.sampled_from(KINDS), batch=st.integers(1, 9), seed=st.integers(0, 2**31 - 1))
def test_forward_matches_tf_nn_oracle_and_outputs_logits(kind, batch, seed):
    model = MODELS[kind]
    x = tf.constant(np.random.default_rng(seed).random((batch, 28, 28, 1), dtype=np.float32))
    y = model(x)
    assert y.shape == (batch, 10) and y.dtype == tf.float32
    np.testing.assert_allclose(y.numpy(), oracle_forward(model, x, kind).numpy(), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("kind", KINDS)
def test_outputs_are_logits_not_probabilities(kind):
    set_seed(0)
    y = lenet(kind)(tf.random.uniform((8, 28, 28, 1))).numpy()
    assert (y < 0).any()  # a softmax output would be non-negative
    assert not np.allclose(y.sum(axis=1), 1.0)


# Steps and required loss ratio: the sigmoid net sits on a plateau (the chapter's lesson),
# so it gets more steps and a weaker bar than the ReLU net.
STEPS_AND_RATIO = {"classic": (40, 0.95), "modern": (15, 0.5)}


@pytest.mark.parametrize("kind", KINDS)
def test_a_few_training_steps_reduce_the_loss_on_a_tiny_batch(kind):
    set_seed(0)
    (x_train, y_train), _ = load_mnist()
    x = (x_train[:32].astype("float32") / 255.0)[..., None]
    y = y_train[:32].astype("int64")
    model = lenet(kind)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-2),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    before = float(model.evaluate(x, y, verbose=0))
    steps, ratio = STEPS_AND_RATIO[kind]
    for _ in range(steps):
        model.train_on_batch(x, y)
    after = float(model.evaluate(x, y, verbose=0))
    assert np.isfinite(after) and after < ratio * before, (before, after)
