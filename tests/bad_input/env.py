"""Bad-input cases for cnnbook.env (see tests/test_bad_input.py)."""
from cnnbook.env import set_seed, silenced_stderr_fd  # noqa: F401

CASES = {
    "set_seed": [(lambda: set_seed(1.5), TypeError, "seed"),
                 (lambda: set_seed("0"), TypeError, "seed"),
                 (lambda: set_seed(-1), ValueError, "seed")],
}
# These take no arguments.
NO_ARGUMENTS = ["quiet_tensorflow", "memory_growth_report", "device_name", "gpu_hint", "banner",
                "silenced_stderr_fd"]
