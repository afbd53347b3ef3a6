"""Quiet, reproducible TensorFlow set-up shared by every chapter."""
import contextlib
import os
import sys

# Environment that must be in place *before* TensorFlow is imported.
QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # C++ INFO/WARNING/ERROR lines after start-up
    "KERAS_BACKEND": "tensorflow",
}


@contextlib.contextmanager
def silenced_stderr_fd():
    """Send OS-level file descriptor 2 to /dev/null for the duration of the block.

    TensorFlow's C++ start-up messages (absl "All log messages before
    absl::InitializeLog()", oneDNN, "Could not find cuda drivers") are written
    straight to fd 2 before ``TF_CPP_MIN_LOG_LEVEL`` takes effect, and Jupyter
    kernels forward fd 2 into the notebook.  Python-level ``sys.stderr`` is
    flushed first and keeps working afterwards.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def quiet_tensorflow():
    """Import TensorFlow without its C++ log noise and return the module.

    Safe to call many times.  Also lists the physical devices once inside the
    silenced block, because CUDA initialisation logs there too.  It does not
    create logical devices, so ``set_memory_growth`` still works afterwards.
    """
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    with silenced_stderr_fd():
        import tensorflow as tf

        tf.config.list_physical_devices()
    tf.get_logger().setLevel("ERROR")
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)
    return tf


def set_seed(seed=0):
    """Seed Python, NumPy and TensorFlow and make TensorFlow ops deterministic."""
    tf = quiet_tensorflow()
    import keras

    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def device_name():
    """Return "GPU" if TensorFlow sees a GPU, else "CPU"."""
    tf = quiet_tensorflow()
    return "GPU" if tf.config.list_physical_devices("GPU") else "CPU"


def banner():
    """One line with the versions and the device, for the top of a chapter."""
    tf = quiet_tensorflow()
    import keras
    import numpy as np

    gpus = tf.config.list_physical_devices("GPU")
    device = f"GPU x{len(gpus)}" if gpus else "CPU"
    return (
        f"Python {sys.version.split()[0]} | TensorFlow {tf.__version__} | "
        f"Keras {keras.__version__} | NumPy {np.__version__} | 设备: {device}"
    )
