"""cnnbook.gpu: memory growth, the training-memory estimate, host memory, TF_CONFIG, worker launcher.

TensorFlow is the oracle:

- memory growth: no machine of this project has a GPU, so the tests fake the
  *device list* and run TensorFlow 2.21's own configuration code on it: the
  methods of ``FakeRuntime`` below are the functions of
  ``tensorflow.python.eager.context.Context`` (``set_memory_growth``,
  ``get_memory_growth``, ``set_logical_device_configuration``,
  ``_compute_device_options``), bound to a stand-in object that holds the
  fake GPUs and an "initialised" flag;
- the memory estimate: Keras' own optimizer slots and layer outputs;
- TF_CONFIG: ``TFConfigClusterResolver``;
- the launcher: real worker processes, checked by PID with psutil.
"""
import json
import os
import socket
import threading
import time

import numpy as np
import psutil
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cnnbook.env
from cnnbook.env import memory_growth_report, quiet_tensorflow

tf = quiet_tensorflow()
import keras  # noqa: E402
from keras import layers  # noqa: E402
from tensorflow.python.eager import context  # noqa: E402

from cnnbook.gpu import (  # noqa: E402
    GROWTH_ALREADY_ON,
    GROWTH_ON,
    GROWTH_TOO_LATE,
    GROWTH_VIRTUAL,
    enable_memory_growth,
    free_ports,
    host_memory,
    localhost_tf_config,
    run_workers,
    training_memory_estimate,
)
from cnnbook.models import dense_net, lenet  # noqa: E402

SETTINGS = dict(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---------------------------------------------------------------- memory growth


class FakeRuntime:
    """TensorFlow's eager context with ``n_gpus`` pretend GPUs.

    The configuration methods are TensorFlow's own (functions of
    ``context.Context`` used as methods of this class), so every check and
    early return is exactly TensorFlow 2.21's.  Only what TensorFlow would ask
    the hardware is faked: the physical device list, and whether the runtime
    has been initialised (``_context_handle`` is set by the first op).
    """

    set_memory_growth = context.Context.set_memory_growth
    get_memory_growth = context.Context.get_memory_growth
    set_logical_device_configuration = context.Context.set_logical_device_configuration
    get_logical_device_configuration = context.Context.get_logical_device_configuration
    _compute_device_options = context.Context._compute_device_options

    def __init__(self, n_gpus):
        cpu = tf.config.PhysicalDevice("/physical_device:CPU:0", "CPU")
        self.gpus = [tf.config.PhysicalDevice(f"/physical_device:GPU:{i}", "GPU")
                     for i in range(n_gpus)]
        self._physical_devices = [cpu] + self.gpus
        self._pluggable_devices = []
        self._visible_device_list = list(self._physical_devices)
        # what Context._initialize_physical_devices sets up: None = never set
        self._memory_growth_map = {gpu: None for gpu in self.gpus}
        self._virtual_device_map = {}
        self._context_handle = None

    def _initialize_physical_devices(self, reinitialize=False):
        """The device list above is what discovery would have found."""

    def list_physical_devices(self, device_type=None):
        return [d for d in self._physical_devices
                if device_type is None or d.device_type == device_type]

    def initialise(self):
        """What the first op or variable does: the runtime exists, its configuration is frozen."""
        self._context_handle = object()

    def allow_growth(self):
        """The GPUOptions.allow_growth TensorFlow would hand to the GPU allocator."""
        return self._compute_device_options("GPU").allow_growth


@pytest.fixture
def fake_gpus(monkeypatch):
    """Route tf.config's device calls to a FakeRuntime with n GPUs."""

    def make(n_gpus):
        runtime = FakeRuntime(n_gpus)
        monkeypatch.setattr(tf.config, "list_physical_devices", runtime.list_physical_devices)
        monkeypatch.setattr(tf.config, "get_logical_device_configuration",
                            runtime.get_logical_device_configuration)
        monkeypatch.setattr(tf.config.experimental, "set_memory_growth", runtime.set_memory_growth)
        monkeypatch.setattr(tf.config.experimental, "get_memory_growth", runtime.get_memory_growth)
        monkeypatch.delenv("TF_FORCE_GPU_ALLOW_GROWTH", raising=False)
        return runtime

    return make


def lines(runtime, status):
    return [f"{gpu.name}: {status}" for gpu in runtime.gpus]


def test_fresh_gpu_gets_memory_growth(fake_gpus):
    runtime = fake_gpus(1)
    assert runtime.allow_growth() is False  # TensorFlow's default: grab (nearly) all memory
    assert enable_memory_growth() == lines(runtime, GROWTH_ON)
    assert runtime.get_memory_growth(runtime.gpus[0]) is True
    assert runtime.allow_growth() is True


def test_same_value_again_after_initialisation_is_silent(fake_gpus):
    runtime = fake_gpus(1)
    enable_memory_growth()
    runtime.initialise()
    gpu = runtime.gpus[0]
    runtime.set_memory_growth(gpu, True)  # TensorFlow returns early: same value, no error
    assert enable_memory_growth() == lines(runtime, GROWTH_ALREADY_ON)
    with pytest.raises(RuntimeError, match="cannot be modified after being initialized"):
        runtime.set_memory_growth(gpu, False)  # a change after initialisation raises
    assert runtime.allow_growth() is True


def test_first_call_after_initialisation_reports_growth_stays_off(fake_gpus):
    runtime = fake_gpus(1)
    runtime.initialise()
    with pytest.raises(RuntimeError, match="Physical devices cannot be modified"):
        runtime.set_memory_growth(runtime.gpus[0], True)  # None -> True is a change
    assert enable_memory_growth() == lines(runtime, GROWTH_TOO_LATE)  # no exception
    assert runtime.get_memory_growth(runtime.gpus[0]) is None
    assert runtime.allow_growth() is False


def test_several_gpus_all_get_the_same_value(fake_gpus):
    runtime = fake_gpus(3)
    assert enable_memory_growth() == lines(runtime, GROWTH_ON)
    assert runtime.allow_growth() is True
    runtime.initialise()
    assert enable_memory_growth() == lines(runtime, GROWTH_ALREADY_ON)


def test_gpus_with_different_values_fail_at_initialisation(fake_gpus):
    runtime = fake_gpus(2)
    runtime.set_memory_growth(runtime.gpus[0], True)
    with pytest.raises(ValueError, match="Memory growth cannot differ between GPU devices"):
        runtime.allow_growth()
    enable_memory_growth()  # turns the second one on too
    assert runtime.allow_growth() is True


def test_virtual_devices_first_then_growth_is_refused_and_reported(fake_gpus):
    runtime = fake_gpus(1)
    gpu = runtime.gpus[0]
    runtime.set_logical_device_configuration(
        gpu, [tf.config.LogicalDeviceConfiguration(memory_limit=1024)])
    with pytest.raises(ValueError, match="virtual devices configured"):
        runtime.set_memory_growth(gpu, True)
    assert enable_memory_growth() == lines(runtime, GROWTH_VIRTUAL)


def test_growth_first_then_virtual_devices_silently_drops_growth(fake_gpus):
    """Chapter 8's claim: no error anywhere, yet allow_growth is no longer set."""
    runtime = fake_gpus(1)
    gpu = runtime.gpus[0]
    assert enable_memory_growth() == lines(runtime, GROWTH_ON)
    runtime.set_logical_device_configuration(
        gpu, [tf.config.LogicalDeviceConfiguration(memory_limit=1024)])  # no error
    assert runtime.get_memory_growth(gpu) is True  # still reads as on ...
    assert runtime.allow_growth() is False  # ... but the allocator will not grow
    assert enable_memory_growth() == lines(runtime, GROWTH_VIRTUAL)


@pytest.mark.parametrize("value", ["true", "false"])
def test_environment_override_is_reported(fake_gpus, monkeypatch, value):
    runtime = fake_gpus(2)
    monkeypatch.setenv("TF_FORCE_GPU_ALLOW_GROWTH", value)
    report = enable_memory_growth()
    assert len(report) == 2
    assert all(line.startswith(f"{gpu.name}: {GROWTH_ON}") for line, gpu in zip(report, runtime.gpus))
    assert all(f"TF_FORCE_GPU_ALLOW_GROWTH={value}" in line for line in report)


def test_quiet_tensorflow_turns_growth_on_at_its_first_call(fake_gpus, monkeypatch):
    """The set-up cell's path: quiet_tensorflow() -> enable_memory_growth(), kept in the report."""
    runtime = fake_gpus(2)
    monkeypatch.setattr(cnnbook.env, "_GROWTH_REPORT", None)
    quiet_tensorflow()
    assert memory_growth_report() == lines(runtime, GROWTH_ON)
    assert runtime.allow_growth() is True
    quiet_tensorflow()  # later calls do not repeat it
    assert memory_growth_report() == lines(runtime, GROWTH_ON)


def test_on_this_machine_without_gpus_the_report_is_empty_and_safe_twice():
    if tf.config.list_physical_devices("GPU"):
        pytest.skip("this machine has a GPU")
    assert enable_memory_growth() == []
    tf.constant(1.0) + 1.0  # initialise the runtime
    assert enable_memory_growth() == []
    assert memory_growth_report() == []


# ------------------------------------------------------------- memory estimate


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
    "kwargs, error, message",
    [
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": 2.0}, TypeError, "batch_size"),
        ({"batch_size": True}, TypeError, "batch_size"),
        ({"batch_size": 4, "optimizer_slots": -1}, ValueError, "optimizer_slots"),
        ({"batch_size": 4, "param_bytes": 3}, ValueError, "param_bytes"),
        ({"batch_size": 4, "param_bytes": True}, TypeError, "param_bytes"),
        ({"batch_size": 4, "activation_bytes": 0}, ValueError, "activation_bytes"),
        ({"batch_size": 4, "activation_bytes": 2.0}, TypeError, "activation_bytes"),
    ],
)
def test_estimate_rejects_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        training_memory_estimate(dense_net(), **kwargs)


def test_estimate_rejects_unbuilt_model_and_non_models():
    with pytest.raises(ValueError, match="输入形状"):
        training_memory_estimate(keras.Sequential([layers.Dense(3)]), batch_size=4)
    with pytest.raises(TypeError, match="model"):
        training_memory_estimate("dense_net", batch_size=4)


def test_host_memory_is_positive_and_peak_is_at_least_current():
    current, peak = host_memory()
    assert 0 < current <= peak
    blob = np.ones(50_000_000, dtype=np.uint8)  # 50 MB that really gets touched
    current_after, peak_after = host_memory()
    assert current_after >= current + 0.8 * blob.nbytes
    assert peak_after >= max(peak, current_after)


# ------------------------------------------------------------------- TF_CONFIG


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
    "ports, index, host, error, message",
    [
        ([], 0, "127.0.0.1", ValueError, "ports"),
        ([0, 1], 0, "127.0.0.1", ValueError, "ports"),
        ([70000], 0, "127.0.0.1", ValueError, "ports"),
        ([20000, "20001"], 0, "127.0.0.1", TypeError, "ports"),
        (20000, 0, "127.0.0.1", TypeError, "ports"),
        ([20000, 20000], 0, "127.0.0.1", ValueError, "重复"),
        ([20000, 20001], 2, "127.0.0.1", ValueError, "index"),
        ([20000, 20001], -1, "127.0.0.1", ValueError, "index"),
        ([20000, 20001], True, "127.0.0.1", TypeError, "index"),
        ([20000, 20001], 0, None, TypeError, "host"),
        ([20000, 20001], 0, "", ValueError, "host"),
    ],
)
def test_tf_config_rejects_bad_arguments(ports, index, host, error, message):
    with pytest.raises(error, match=message):
        localhost_tf_config(ports, index, host=host)


def test_tf_config_other_host():
    config = localhost_tf_config([1, 2], 0, host="10.0.0.1")
    assert config == {"cluster": {"worker": ["10.0.0.1:1", "10.0.0.1:2"]},
                      "task": {"type": "worker", "index": 0}}


# -------------------------------------------------------------- worker launcher


def test_free_ports_are_distinct_and_bindable():
    ports = free_ports(3)
    assert len(set(ports)) == 3
    for port in ports:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))


class WorkerWatch:
    """Record the PIDs of this process's worker children while a launch runs."""

    def __init__(self):
        self.pids = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        me = psutil.Process()
        while not self._stop.is_set():
            for child in me.children(recursive=True):
                try:
                    if "train_worker" in " ".join(child.cmdline()):
                        self.pids.add(child.pid)
                except psutil.Error:
                    pass
            time.sleep(0.05)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def alive(self):
        return [pid for pid in self.pids if psutil.pid_exists(pid)]


def worker_children():
    """Worker processes (running or not yet reaped) still attached to this process."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "train_worker" in " ".join(child.cmdline()):
                found.append(child.pid)
        except psutil.Error:
            pass
    return found


@pytest.mark.parametrize("blocked", [0, 1])
def test_a_taken_port_stops_every_worker_and_names_the_port(blocked):
    """Worker ``blocked`` cannot start its server; the launcher must not wait for the timeout."""
    ports = free_ports(2)
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", ports[blocked]))
    blocker.listen()
    try:
        with WorkerWatch() as watch:
            with pytest.raises(RuntimeError) as info:
                run_workers(ports, examples=256, timeout=900)
    finally:
        blocker.close()
    assert not isinstance(info.value, TimeoutError)
    message = str(info.value)
    assert f"worker {blocked}（127.0.0.1:{ports[blocked]}）" in message
    assert "gRPC" in message  # the worker's own error, not a generic one
    assert len(watch.pids) == 2, f"expected to see both workers, saw {watch.pids}"
    assert watch.alive() == [], f"workers left behind: {watch.alive()}"
    assert worker_children() == []


def test_timeout_stops_every_worker():
    with WorkerWatch() as watch:
        start = time.monotonic()
        with pytest.raises(TimeoutError, match="1 秒内没有结束"):
            run_workers(free_ports(2), examples=256, timeout=1)
        elapsed = time.monotonic() - start
    assert watch.alive() == []
    assert worker_children() == []
    # polling every 0.1 s, then at most 3 s of grace before SIGKILL (generous bound for a busy machine)
    assert elapsed < 30


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"ports": []}, ValueError, "ports"),
        ({"ports": [5000, 5000]}, ValueError, "ports"),
        ({"ports": [5000], "timeout": 0}, ValueError, "timeout"),
        ({"ports": [5000], "timeout": "60"}, TypeError, "timeout"),
        ({"ports": [5000], "examples": 0}, ValueError, "examples"),
        ({"ports": [5000], "global_batch": 64, "examples": 32}, ValueError, "global_batch"),
        ({"ports": [5000], "host": None}, TypeError, "host"),
    ],
)
def test_run_workers_rejects_bad_arguments_before_starting_anything(kwargs, error, message):
    with pytest.raises(error, match=message):
        run_workers(**kwargs)
    assert worker_children() == []
