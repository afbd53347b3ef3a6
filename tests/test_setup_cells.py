"""The set-up cell of every chapter leaves the TensorFlow runtime uninitialised,
and the set-up and banner cells run from the repo root, twice.

**Why the runtime matters.**  GPU memory growth (and logical devices) can only
be configured before TensorFlow's runtime initialises -- the first op or
variable initialises it.  ``quiet_tensorflow()`` calls
``cnnbook.gpu.enable_memory_growth()`` at its first call, inside each chapter's
set-up cell.  Initialisation is one-way, so if the runtime is still
uninitialised *after* the whole set-up cell has run, it was uninitialised when
memory growth was configured, and the setting took effect.  No machine of this
project has a GPU, so this is what can be proven on a CPU.

**One fresh kernel per chapter of ``_toc.yml``** (nbclient) runs, in order
(the chapters that tests/test_run_twice.py runs twice are left out here: that
test runs the same probe right after their set-up cell, in its own fresh
kernel, and its second run is the "again" below):

1. the chapter's set-up cell (its first code cell);
2. the probe (``PROBE``), with two independent checks:

   - public API: ``tf.config.threading.set_intra_op_parallelism_threads``
     with a value *different* from the current one succeeds, and the old value
     is put back (so the rest of the run is unchanged).  In TensorFlow 2.21 the
     setter (``Context.intra_op_parallelism_threads``) returns early when the
     value is unchanged and otherwise raises ``RuntimeError("Intra op
     parallelism cannot be modified after initialization.")`` once the runtime
     is initialised -- the same check (``self._context_handle is not None``)
     after the same early return that makes ``Context.set_memory_growth``
     raise "Physical devices cannot be modified after being initialized";
   - internal: ``context.context()._context_handle is None``, the attribute
     both checks read;

   and that the set-up really called ``enable_memory_growth``
   (``cnnbook.env._GROWTH_REPORT`` is set, one line per GPU);
3. the banner cell (the second code cell), then one TensorFlow op (now the
   runtime is initialised), then the set-up and banner cells again, as in a
   reader's second "Run All": no error, and the checked outputs of the set-up
   and banner cells are the stored ones both times.

**The kernel's working directory is the repo root**, not ``chapters/`` where
nbval runs every cell: a kernel can start elsewhere (VS Code's
``jupyter.notebookFileRoot``, a chapter run as a script from the root; see
tests/test_install.py, which also scans every chapter for
working-directory-relative paths).

``test_probe_detects_an_initialised_runtime`` shows the probe is not vacuous:
after ``tf.constant(1.0)`` in the set-up, both checks report "initialised".
"""
import copy
import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import chapter_docnames  # noqa: E402
from test_run_twice import checked_view, nbval_options, selected  # noqa: E402

PROBE = """\
import json
import tensorflow as tf
from tensorflow.python.eager import context
import cnnbook.env

handle_is_none = context.context()._context_handle is None
threads = tf.config.threading.get_intra_op_parallelism_threads()
try:
    tf.config.threading.set_intra_op_parallelism_threads(threads + 1)
    tf.config.threading.set_intra_op_parallelism_threads(threads)
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


def code_cells(docname):
    nb = nbformat.read(ROOT / f"{docname}.ipynb", as_version=4)
    return [c for c in nb.cells if c.cell_type == "code"]


def probe_result(outputs):
    texts = [out.text for out in outputs
             if out.output_type == "stream" and out.name == "stdout"]
    return json.loads("".join(texts).strip().splitlines()[-1])


def run_cells(cells, cwd=ROOT, allow_errors=False):
    nb = nbformat.v4.new_notebook(cells=cells)
    # the root conftest.py has put the quiet TensorFlow settings into os.environ
    # killed when done (as nbval does), see run_all_twice in test_run_twice.py
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=allow_errors,
                            shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return nb.cells


def copies(cells):
    """New cells (ids of their own) with the same source and metadata."""
    return [nbformat.v4.new_code_cell(c.source, metadata=copy.deepcopy(c.metadata)) for c in cells]


def chapters_probed_here():
    """The chapters tests/test_run_twice.py does not run twice (see the docstring)."""
    return [n for n in chapter_docnames() if not selected(n)]


def pytest_generate_tests(metafunc):
    if "setup_chapter" in metafunc.fixturenames:
        names = chapters_probed_here()
        metafunc.parametrize("setup_chapter", names, ids=names)


def check_probe(outputs, docname):
    """The probe's verdict on a chapter's set-up cell (its outputs, see PROBE)."""
    result = probe_result(outputs)
    assert result["handle_is_none"], f"{docname}: the set-up cell initialised the runtime"
    assert result["can_configure"], (
        f"{docname}: a runtime setting could not be changed after the set-up cell")
    assert result["growth_report"] is not None, (
        f"{docname}: the set-up cell did not call quiet_tensorflow()")
    assert len(result["growth_report"]) == result["n_gpus"]


def test_every_chapter_set_up_cell_is_probed():
    """Each chapter is probed here or, if it is run twice, by tests/test_run_twice.py."""
    from test_run_twice import toc_parts

    run_twice = {n for _, chapters in toc_parts() for n in chapters if selected(n)}
    assert set(chapters_probed_here()) | run_twice == set(chapter_docnames())


def test_setup_leaves_the_runtime_uninitialised_and_runs_again(setup_chapter):
    chapter_page = setup_chapter
    chapter = ROOT / f"{chapter_page}.ipynb"
    setup, banner = code_cells(chapter_page)[:2]
    first_op = nbformat.v4.new_code_cell(
        "import tensorflow as _tf\n_ = _tf.constant(1.0) + 1.0  # the runtime is now initialised")
    where = nbformat.v4.new_code_cell("import os; print(os.getcwd())")
    cells = (copies([setup]) + [nbformat.v4.new_code_cell(PROBE)] + copies([banner])
             + [first_op] + copies([setup, banner]) + [where])
    ran = run_cells(cells, allow_errors=True)
    labels = ["set-up", "probe", "banner", "first op", "set-up again", "banner again"]
    for label, cell in zip(labels, ran):
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"{chapter.name}, {label} cell: {errors[0].ename}: {errors[0].evalue}"

    check_probe(ran[1].outputs, chapter_page)

    assert checked_view(ran[0].outputs) == checked_view(setup.outputs), (
        f"{chapter.name}: the set-up cell prints something else than the stored output")
    for label, cell, stored in [("banner", ran[2], banner), ("set-up again", ran[4], setup),
                                ("banner again", ran[5], banner)]:
        if nbval_options(stored)["check"]:
            assert checked_view(cell.outputs) == checked_view(stored.outputs), (
                f"{chapter.name}: the {label} cell prints something else than the stored output")
    assert ran[-1].outputs[0].text.strip() == str(ROOT)


def test_probe_detects_an_initialised_runtime():
    setup = ("from cnnbook.env import quiet_tensorflow\n"
             "tf = quiet_tensorflow()\n"
             "tf.constant(1.0)\n")
    ran = run_cells([nbformat.v4.new_code_cell(setup), nbformat.v4.new_code_cell(PROBE)])
    result = probe_result(ran[1].outputs)
    assert result["handle_is_none"] is False
    assert result["can_configure"] is False


@pytest.mark.parametrize("docname", ["chapters/01_fc_to_conv", "chapters/08_gpu_scaling"])
def test_setup_cell_is_where_quiet_tensorflow_is_called(docname):
    source = code_cells(docname)[0].source
    assert "quiet_tensorflow()" in source and "set_seed(0)" in source
