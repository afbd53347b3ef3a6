"""Bad-input cases for cnnbook.gpu (see tests/test_bad_input.py)."""
from cnnbook.env import quiet_tensorflow

quiet_tensorflow()
import keras  # noqa: E402

from cnnbook.gpu import (free_ports, localhost_tf_config, run_workers,  # noqa: E402
                         train_worker, training_memory_estimate)
from cnnbook.models import dense_net  # noqa: E402


def unbuilt():
    return keras.Sequential([keras.layers.Dense(3)])


CASES = {
    "training_memory_estimate": [
        (lambda: training_memory_estimate(dense_net(), 32, param_bytes=True), TypeError,
         "param_bytes"),
        (lambda: training_memory_estimate(dense_net(), 32, param_bytes=3), ValueError,
         "param_bytes"),
        (lambda: training_memory_estimate(dense_net(), 32, activation_bytes="4"), TypeError,
         "activation_bytes"),
        (lambda: training_memory_estimate(dense_net(), 0), ValueError, "batch_size"),
        (lambda: training_memory_estimate(dense_net(), 32.0), TypeError, "batch_size"),
        (lambda: training_memory_estimate(dense_net(), 32, optimizer_slots=-1), ValueError,
         "optimizer_slots"),
        (lambda: training_memory_estimate(dense_net(), 32, optimizer_slots=None), TypeError,
         "optimizer_slots"),
        (lambda: training_memory_estimate("dense_net", 32), TypeError, "model"),
        (lambda: training_memory_estimate(unbuilt(), 32), ValueError, "model"),
    ],
    "localhost_tf_config": [
        (lambda: localhost_tf_config([5000, 5001], 0, host=None), TypeError, "host"),
        (lambda: localhost_tf_config([5000, 5001], 0, host=""), ValueError, "host"),
        (lambda: localhost_tf_config(5000, 0), TypeError, "ports"),
        (lambda: localhost_tf_config([], 0), ValueError, "ports"),
        (lambda: localhost_tf_config([5000, True], 0), TypeError, "ports"),
        (lambda: localhost_tf_config([5000, 70000], 0), ValueError, "ports"),
        (lambda: localhost_tf_config([5000, 5000], 0), ValueError, "ports"),
        (lambda: localhost_tf_config([5000, 5001], 2), ValueError, "index"),
        (lambda: localhost_tf_config([5000, 5001], "0"), TypeError, "index"),
    ],
    "free_ports": [
        (lambda: free_ports(0), ValueError, "n"),
        (lambda: free_ports(2.0), TypeError, "n"),
        (lambda: free_ports(2, host=None), TypeError, "host"),
    ],
    "train_worker": [
        (lambda: train_worker(examples=0), ValueError, "examples"),
        (lambda: train_worker(examples=100.0), TypeError, "examples"),
        (lambda: train_worker(examples=32, global_batch=64), ValueError, "global_batch"),
        (lambda: train_worker(seed=-1), ValueError, "seed"),
    ],
    "run_workers": [
        (lambda: run_workers([]), ValueError, "ports"),
        (lambda: run_workers("5000"), TypeError, "ports"),
        (lambda: run_workers([5000], host=None), TypeError, "host"),
        (lambda: run_workers([5000], timeout=0), ValueError, "timeout"),
        (lambda: run_workers([5000], timeout=float("inf")), ValueError, "timeout"),
        (lambda: run_workers([5000], examples=True), TypeError, "examples"),
    ],
}
# These take no arguments.
NO_ARGUMENTS = ["enable_memory_growth", "host_memory"]
