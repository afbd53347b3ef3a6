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


_GROWTH_REPORT = None


def quiet_tensorflow():
    """Import TensorFlow without its C++ log noise, turn on GPU memory growth, return the module.

    Safe to call many times.  The first call also lists the physical devices
    inside the silenced block (CUDA initialisation logs there too) and then
    calls :func:`cnnbook.gpu.enable_memory_growth` for every GPU *before
    anything touches the TensorFlow runtime*: listing physical devices does not
    initialise it, the first op or variable does.  On a CPU-only machine that
    call does nothing.  What it did is kept in :func:`memory_growth_report`.
    """
    global _GROWTH_REPORT
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)
    with silenced_stderr_fd():
        import tensorflow as tf

        tf.config.list_physical_devices()
    tf.get_logger().setLevel("ERROR")
    import absl.logging

    absl.logging.set_verbosity(absl.logging.ERROR)
    if _GROWTH_REPORT is None:
        _GROWTH_REPORT = []  # guards against re-entry while cnnbook.gpu is imported
        from cnnbook.gpu import enable_memory_growth

        _GROWTH_REPORT = enable_memory_growth()
    return tf


def memory_growth_report():
    """What the set-up did about GPU memory growth (one line per GPU; empty on CPU)."""
    quiet_tensorflow()
    return list(_GROWTH_REPORT)


def set_seed(seed=0):
    """Seed Python, NumPy and TensorFlow, make TensorFlow ops deterministic, reset Keras names.

    ``keras.backend.clear_session()`` restarts Keras' automatic layer names
    (``dense``, ``dense_1`` ...), so running a whole chapter twice in one kernel
    prints the same names.  None of these calls initialises the TensorFlow
    runtime (tests/test_setup_cells.py checks it), so memory growth and logical
    devices can still be configured after the set-up cell.
    """
    from cnnbook.checks import check_int

    seed = check_int("seed", seed, min=0, max=2**32 - 1)
    tf = quiet_tensorflow()
    import keras

    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def device_name():
    """Return "GPU" if TensorFlow sees a GPU, else "CPU"."""
    tf = quiet_tensorflow()
    return "GPU" if tf.config.list_physical_devices("GPU") else "CPU"


def _nvidia_driver_present():
    """True when an NVIDIA driver is installed (Linux/WSL2: /proc file or nvidia-smi)."""
    import shutil

    return os.path.exists("/proc/driver/nvidia/version") or shutil.which("nvidia-smi") is not None


def gpu_hint():
    """Why TensorFlow sees no GPU, when a reader probably has one; else "".

    ``quiet_tensorflow()`` hides TensorFlow's own messages about missing CUDA
    libraries, so this says what they would have said: a CUDA build of
    TensorFlow with an NVIDIA driver present but no GPU visible means the CUDA
    and cuDNN libraries are missing.
    """
    tf = quiet_tensorflow()
    if tf.config.list_physical_devices("GPU"):
        return ""
    if sys.platform == "win32":
        return ("提示：TensorFlow 2.11 起不再支持原生 Windows 上的 GPU；"
                "要用 GPU，请在 WSL2 中安装 TensorFlow（见第 8 章）。")
    cuda_build = bool(tf.sysconfig.get_build_info().get("is_cuda_build", False))
    if cuda_build and _nvidia_driver_present():
        return ('提示：检测到 NVIDIA 驱动，但 TensorFlow 找不到 GPU，多半是缺少 CUDA/cuDNN 库：'
                '在 Linux 或 WSL2 上运行 pip install "tensorflow[and-cuda]"（见第 8 章）。')
    return ""


def banner():
    """One line with the versions and the device, for the top of a chapter.

    When TensorFlow sees no GPU although the machine seems to have one, a
    second line says why and how to fix it (see :func:`gpu_hint`).
    """
    tf = quiet_tensorflow()
    import keras
    import numpy as np

    gpus = tf.config.list_physical_devices("GPU")
    device = f"GPU x{len(gpus)}" if gpus else "CPU"
    line = (
        f"Python {sys.version.split()[0]} | TensorFlow {tf.__version__} | "
        f"Keras {keras.__version__} | NumPy {np.__version__} | 设备: {device}"
    )
    hint = gpu_hint()
    return f"{line}\n{hint}" if hint else line
