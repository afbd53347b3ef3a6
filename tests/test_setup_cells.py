"""The set-up cell of every chapter leaves the TensorFlow runtime uninitialised.

Why it matters: GPU memory growth (and logical devices) can only be configured
before TensorFlow's runtime initialises -- the first op or variable initialises
it.  ``quiet_tensorflow()`` calls ``cnnbook.gpu.enable_memory_growth()`` at its
first call, inside each chapter's set-up cell.  Initialisation is one-way, so
if the runtime is still uninitialised *after* the whole set-up cell has run, it
was uninitialised when memory growth was configured, and the setting took
effect.  No machine of this project has a GPU, so this is what can be proven
on a CPU.

Each chapter listed in ``_toc.yml`` gets a fresh Jupyter kernel (nbclient, the
kernel's working directory is ``chapters/`` as in ``make execute``) that runs
the chapter's first code cell and then a probe cell.  Two independent probes:

1. Public API: ``tf.config.set_logical_device_configuration`` on the CPU with a
   configuration *different* from the current one succeeds.  In TensorFlow
   2.21, ``Context.set_logical_device_configuration`` returns early when the
   configuration is unchanged and otherwise raises ``RuntimeError("Virtual
   devices cannot be modified after being initialized")`` once the runtime is
   initialised -- the same check (``self._context_handle is not None``) that
   makes ``Context.set_memory_growth`` raise "Physical devices cannot be
   modified after being initialized".  A different configuration is used so
   that the early return cannot hide an initialised runtime (chapter 8's set-up
   already splits the CPU in two; the probe asks for one more).
2. Internal: ``context.context()._context_handle is None``, the attribute that
   both checks read.

The probe also checks that the set-up really called ``enable_memory_growth``
(``cnnbook.env._GROWTH_REPORT`` is set, with one line per GPU).
``test_probe_detects_an_initialised_runtime`` shows the probe is not vacuous:
after ``tf.constant(1.0)`` in the set-up, both probes report "initialised".
"""
import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]

PROBE = """\
import json
import tensorflow as tf
from tensorflow.python.eager import context
import cnnbook.env

handle_is_none = context.context()._context_handle is None
cpu = tf.config.list_physical_devices("CPU")[0]
current = tf.config.get_logical_device_configuration(cpu) or []
wanted = [tf.config.LogicalDeviceConfiguration()] * (len(current) + 1)
try:
    tf.config.set_logical_device_configuration(cpu, wanted)
    can_configure = True
except RuntimeError:
    can_configure = False
report = cnnbook.env._GROWTH_REPORT
print(json.dumps({
    "handle_is_none": handle_is_none,
    "can_configure": can_configure,
    "growth_report": report,
    "n_gpus": len(tf.config.list_physical_devices("GPU")),
}))
"""


def first_code_cell(docname):
    nb = nbformat.read(ROOT / f"{docname}.ipynb", as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "code")


def run_probe(setup_source):
    """Run the set-up source, then the probe, in a fresh kernel; return the probe's JSON."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(setup_source), nbformat.v4.new_code_cell(PROBE)]
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "chapters")}})
    client.execute()
    texts = [out.text for out in nb.cells[1].outputs
             if out.output_type == "stream" and out.name == "stdout"]
    return json.loads("".join(texts).strip().splitlines()[-1])


def test_every_chapter_set_up_leaves_the_runtime_uninitialised(chapter_page):
    result = run_probe(first_code_cell(chapter_page))
    assert result["handle_is_none"], f"{chapter_page}: the set-up cell initialised the runtime"
    assert result["can_configure"], (
        f"{chapter_page}: a logical-device configuration was refused after the set-up cell")
    assert result["growth_report"] is not None, (
        f"{chapter_page}: the set-up cell did not call quiet_tensorflow()")
    assert len(result["growth_report"]) == result["n_gpus"]


def test_probe_detects_an_initialised_runtime():
    setup = ("from cnnbook.env import quiet_tensorflow\n"
             "tf = quiet_tensorflow()\n"
             "tf.constant(1.0)\n")
    result = run_probe(setup)
    assert result["handle_is_none"] is False
    assert result["can_configure"] is False


@pytest.mark.parametrize("docname", ["chapters/01_fc_to_conv", "chapters/08_gpu_scaling"])
def test_setup_cell_is_where_quiet_tensorflow_is_called(docname):
    source = first_code_cell(docname)
    assert "quiet_tensorflow()" in source and "set_seed(0)" in source
