"""Quiet TensorFlow import: no C++ log lines reach stderr, in a fresh process."""
import subprocess
import sys

CODE = """
from cnnbook.env import quiet_tensorflow, set_seed, banner
tf = quiet_tensorflow()
set_seed(0)
a = tf.random.uniform((2,))
set_seed(0)
b = tf.random.uniform((2,))
assert bool(tf.reduce_all(a == b))
print(banner())
"""


def test_quiet_import_prints_no_tensorflow_logs():
    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith("TF_")}
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "TensorFlow" in result.stdout and "设备" in result.stdout
    for noise in ("absl::InitializeLog", "cudart_stub", "oneDNN", "cuda drivers", "cpu_feature_guard"):
        assert noise not in result.stderr, result.stderr
