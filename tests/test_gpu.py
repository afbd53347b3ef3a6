"""cnnbook.gpu: memory growth, the training-memory estimate, host memory and TF_CONFIG (chapter 8).

TensorFlow is the oracle: Keras' own optimizer slots and layer outputs for the
memory estimate, ``TFConfigClusterResolver`` for TF_CONFIG.
"""
import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnbook.env import quiet_tensorflow

tf = quiet_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402

from cnnbook.gpu import (  # noqa: E402
    enable_memory_growth,
    host_memory,
    localhost_tf_config,
    training_memory_estimate,
)
from cnnbook.models import dense_net, lenet  # noqa: E402

SETTINGS = dict(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_enable_memory_growth_cpu_only_returns_empty_and_is_safe_twice():
    if tf.config.list_physical_devices("GPU"):
        pytest.skip("this machine has a GPU")
    assert enable_memory_growth() == []
    tf.constant(1.0) + 1.0  # initialise the devices
    assert enable_memory_growth() == []


def test_enable_memory_growth_reports_one_line_per_gpu():
    first = enable_memory_growth()
    tf.constant(1.0) + 1.0
    second = enable_memory_growth()
    n_gpus = len(tf.config.list_physical_devices("GPU"))
    assert len(first) == len(second) == n_gpus
    assert all(isinstance(line, str) for line in first + second)


def test_seed_network_numbers():
    budget = training_memory_estimate(dense_net(), batch_size=32)
    assert budget == {
        "parameters": 335_114 * 4,
        "gradients": 335_114 * 4,
        "optimizer": 2 * 335_114 * 4,
        "activations": 32 * (784 + 256 * 3 + 10) * 4,
        "total": 16 * 335_114 + 32 * 1562 * 4,
    }


def _oracle(model, batch_size, optimizer):
    """Byte counts measured on real TensorFlow objects."""
    optimizer.build(model.trainable_variables)
    slots = sum(int(np.prod(v.shape)) * 4 for v in optimizer.variables if len(v.shape) > 0)
    x = tf.zeros((batch_size,) + tuple(model.inputs[0].shape[1:]))
    activations = x.numpy().nbytes
    for layer in model.layers:
        x = layer(x)
        activations += x.numpy().nbytes
    weights = sum(w.numpy().nbytes for w in model.weights)
    grads = sum(w.numpy().nbytes for w in model.trainable_weights)
    return weights, grads, slots, activations


@settings(**SETTINGS)
@given(
    input_dim=st.integers(1, 40),
    hidden=st.lists(st.integers(1, 30), min_size=0, max_size=3),
    classes=st.integers(1, 12),
    batch=st.integers(1, 64),
    opt=st.sampled_from(["sgd", "momentum", "adam"]),
)
def test_estimate_matches_tensorflow_for_dense_nets(input_dim, hidden, classes, batch, opt):
    model = dense_net(input_dim=input_dim, hidden=tuple(hidden), num_classes=classes)
    optimizer, n_slots = {
        "sgd": (keras.optimizers.SGD(), 0),
        "momentum": (keras.optimizers.SGD(momentum=0.9), 1),
        "adam": (keras.optimizers.Adam(), 2),
    }[opt]
    budget = training_memory_estimate(model, batch_size=batch, optimizer_slots=n_slots)
    weights, grads, slots, activations = _oracle(model, batch, optimizer)
    assert budget["parameters"] == weights
    assert budget["gradients"] == grads
    assert budget["optimizer"] == slots
    assert budget["activations"] == activations
    assert budget["total"] == weights + grads + slots + activations


@settings(**SETTINGS)
@given(
    size=st.integers(6, 20),
    channels=st.integers(1, 3),
    filters=st.integers(1, 5),
    kernel=st.integers(1, 3),
    batch=st.integers(1, 16),
)
def test_estimate_matches_tensorflow_for_conv_nets_with_batchnorm(size, channels, filters, kernel, batch):
    model = keras.Sequential([
        keras.Input((size, size, channels)),
        layers.Conv2D(filters, kernel, padding="same"),
        layers.BatchNormalization(),  # 2 non-trainable vectors: parameters but no gradients
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(3),
    ])
    budget = training_memory_estimate(model, batch_size=batch, optimizer_slots=2)
    weights, grads, slots, activations = _oracle(model, batch, keras.optimizers.Adam())
    assert (budget["parameters"], budget["gradients"], budget["optimizer"], budget["activations"]) == (
        weights, grads, slots, activations)
    assert budget["parameters"] - budget["gradients"] == 2 * filters * 4


def test_lenet_and_half_precision_activations():
    full = training_memory_estimate(lenet("modern"), batch_size=32)
    half = training_memory_estimate(lenet("modern"), batch_size=32, activation_bytes=2)
    assert full["parameters"] == 61_706 * 4
    assert full["activations"] == 32 * 9278 * 4 == 2 * half["activations"]
    assert full["total"] - half["total"] == half["activations"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 2.0}, "batch_size"),
        ({"batch_size": True}, "batch_size"),
        ({"batch_size": 4, "optimizer_slots": -1}, "optimizer_slots"),
        ({"batch_size": 4, "param_bytes": 3}, "param_bytes"),
        ({"batch_size": 4, "activation_bytes": 0}, "activation_bytes"),
    ],
)
def test_estimate_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        training_memory_estimate(dense_net(), **kwargs)


def test_estimate_rejects_unbuilt_model():
    with pytest.raises(ValueError, match="输入形状"):
        training_memory_estimate(keras.Sequential([layers.Dense(3)]), batch_size=4)


def test_host_memory_is_positive_and_peak_is_at_least_current():
    current, peak = host_memory()
    assert 0 < current <= peak
    blob = np.ones(50_000_000, dtype=np.uint8)  # 50 MB that really gets touched
    current_after, peak_after = host_memory()
    assert current_after >= current + 0.8 * blob.nbytes
    assert peak_after >= max(peak, current_after)


@settings(**SETTINGS)
@given(ports=st.lists(st.integers(1, 65535), min_size=1, max_size=6, unique=True), data=st.data())
def test_tf_config_is_what_tensorflow_reads(ports, data):
    index = data.draw(st.integers(0, len(ports) - 1))
    config = localhost_tf_config(ports, index)
    old = os.environ.get("TF_CONFIG")
    os.environ["TF_CONFIG"] = json.dumps(config)
    try:
        resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
        assert resolver.cluster_spec().as_dict() == {"worker": [f"127.0.0.1:{p}" for p in ports]}
        assert (resolver.task_type, resolver.task_id) == ("worker", index)
    finally:
        if old is None:
            del os.environ["TF_CONFIG"]
        else:
            os.environ["TF_CONFIG"] = old


@pytest.mark.parametrize(
    "ports, index, message",
    [
        ([], 0, "ports"),
        ([0, 1], 0, "ports"),
        ([70000], 0, "ports"),
        ([20000, "20001"], 0, "ports"),
        ([20000, 20000], 0, "重复"),
        ([20000, 20001], 2, "index"),
        ([20000, 20001], -1, "index"),
        ([20000, 20001], True, "index"),
    ],
)
def test_tf_config_rejects_bad_arguments(ports, index, message):
    with pytest.raises(ValueError, match=message):
        localhost_tf_config(ports, index)


def test_tf_config_other_host():
    config = localhost_tf_config([1, 2], 0, host="10.0.0.1")
    assert config == {"cluster": {"worker": ["10.0.0.1:1", "10.0.0.1:2"]}, "task": {"type": "worker", "index": 0}}
