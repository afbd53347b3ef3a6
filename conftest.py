"""Root pytest configuration: quiet TensorFlow in this process and in nbval's kernels."""
import os

from cnnbook.env import QUIET_ENV

# Kernels started by nbval inherit this environment.
for _key, _value in QUIET_ENV.items():
    os.environ.setdefault(_key, _value)
os.environ.setdefault("PYTHONHASHSEED", "0")
