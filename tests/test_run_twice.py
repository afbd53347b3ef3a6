""""Run All" twice in one kernel gives the same checked outputs (issue 11, section 3).

A reader runs a chapter, edits something, and runs all cells again in the same
kernel.  Whatever state the first run left behind (Keras' automatic layer names,
a warning that Python shows only once, a runtime setting that can no longer
change, an object mutated in place, a file written next to the notebook) must
not change what the second run prints.

**What the test does.**  For each selected chapter of ``_toc.yml`` it starts one
kernel (nbclient), runs every code cell top to bottom, then every code cell
again in the same kernel, and compares the outputs of *both* runs with the
stored ones, for the cells nbval checks, with nbval's own rules: the cell
options come from ``nbval.plugin.find_metadata_tags`` / ``find_comment_markers``
(``nbval-ignore-output`` not compared, ``nbval-skip`` not run,
``raises-exception`` may raise), streams are coalesced with
``nbval.plugin.coalesce_streams``, and the same keys are left out (metadata,
execution counts, tracebacks, PNG/JPEG data).  A difference in the first run
means the stored outputs are stale (nbval fails too); one in the second run
only is what this test is for.

**The kernel's working directory is the repo root**, not ``chapters/``: nbval
already runs every chapter from ``chapters/``, so running from the root here
covers the other place a reader's kernel may start (see tests/test_install.py)
at no extra cost; tests/test_setup_cells.py runs the set-up cells of every
chapter from the root, and tests/test_install.py scans every chapter for
relative paths.

**Cost, and which chapters.**  Running a chapter twice costs its first run
(kernel start, imports, first traces) plus a second run that repeats every
cell.  Measured here on 2 shared cores (load average 11–13, slower than an
idle machine): chapters 1–5 took 34–60 s for the first run and 8–34 s for the
second (354 s for the five); before chapters 6 and 7 were shortened to fit
the 60-s budget, chapter 7 took 114 s + 61 s, and chapter 6 spent
137 s training one of its models in the first run alone; a second run repeats
all the training.  Sharing nbval's kernel (a second pass of nbval's items)
would save only the first run, tie this test to nbval's internals, double every
developer's ``pytest --nbval chapters/x.ipynb``, and still run from
``chapters/`` only.  So, within the 15-minute ``make test`` budget, the default
is the chapters of the book's first part except those that spend most of their
time training or timing (``TRAINS``: chapters 6, 7 and 8, measured above); the
later parts (Part II: every chapter trains, up to 120 s each) are not run by
default either.  Those run when asked for::

    CNNBOOK_RUN_TWICE=all pytest tests/test_run_twice.py       # every chapter
    CNNBOOK_RUN_TWICE=06_lenet,09_batch_norm pytest ...         # some
    CNNBOOK_RUN_TWICE=none pytest ...                           # none

Chapters not selected are reported as skipped, with this variable in the
reason; tests/test_setup_cells.py runs their set-up cells from the repo root, then
again after TensorFlow's runtime is initialised, as a second "Run All" would.
For the selected chapters this test does that job itself: right after the
set-up cell of the first run it runs the set-up cell's probe (``PROBE`` in
tests/test_setup_cells.py: the runtime is still uninitialised and memory growth
was configured), and its second run is the set-up cell run again.  A kernel of
its own for the probe would import TensorFlow once more (about 7 s a chapter).
"""
import copy
import difflib
import os
import time
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest
import yaml
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from nbval.plugin import (coalesce_streams, find_comment_markers, find_metadata_tags,
                          transform_streams_for_comparison)

ROOT = Path(__file__).resolve().parents[1]
SELECT_ENV = "CNNBOOK_RUN_TWICE"
# nbval.plugin.IPyNbFile.skip_compare (0.11), with image/png and image/jpeg as without --nbdime
SKIP_COMPARE = {"metadata", "traceback", "prompt_number", "output_type", "name",
                "execution_count", "application/vnd.jupyter.widget-view+json",
                "image/png", "image/jpeg"}
# seconds per cell, as nbval's default (--nbval-cell-timeout): a loaded 2-core machine is slow
CELL_TIMEOUT = 2000
# Part I chapters whose run is mostly training or timing (see the docstring).
TRAINS = {"06_lenet", "07_numpy_cnn", "08_gpu_scaling"}


def toc_parts():
    """[(caption, [chapter docname, ...]), ...] in the order of _toc.yml."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [(part.get("caption", ""), [c["file"] for c in part.get("chapters", [])
                                       if c["file"].startswith("chapters/")])
            for part in toc.get("parts", [])]


def default_selection(docname):
    """The chapters of the first part that do not mostly train (see the docstring)."""
    parts = toc_parts()
    return bool(parts) and docname in parts[0][1] and Path(docname).stem not in TRAINS


def selected(docname):
    """Whether CNNBOOK_RUN_TWICE (default: see default_selection) selects a chapter."""
    choice = os.environ.get(SELECT_ENV, "").strip()
    if not choice:
        return default_selection(docname)
    if choice.lower() in ("all", "1", "yes"):
        return True
    if choice.lower() in ("none", "0", "no"):
        return False
    wanted = {Path(w.strip()).stem for w in choice.split(",") if w.strip()}
    return Path(docname).stem in wanted


def nbval_options(cell):
    """The cell's nbval options exactly as nbval derives them (tags, then comments)."""
    options = defaultdict(bool, find_metadata_tags(cell.metadata))
    options.update(dict(find_comment_markers(cell.source)))
    options.setdefault("check", True)
    return options


def checked_view(outputs):
    """What nbval compares: key -> list of values, streams coalesced, SKIP_COMPARE left out."""
    view = defaultdict(list)
    outputs = transform_streams_for_comparison(coalesce_streams(copy.deepcopy(list(outputs))))
    for out in outputs:
        for key, value in out.items():
            if key in SKIP_COMPARE:
                continue
            if key == "data":
                for mime, data in value.items():
                    if mime not in SKIP_COMPARE:
                        view[mime].append(data)
            else:
                view[key].append(value)
    return dict(view)


def describe_difference(ref, got):
    lines = []
    for key in sorted(set(ref) | set(got)):
        a = "\n".join(map(str, ref.get(key, ["(no such output)"])))
        b = "\n".join(map(str, got.get(key, ["(no such output)"])))
        if a != b:
            diff = difflib.unified_diff(a.splitlines(), b.splitlines(), "stored", "this run",
                                        lineterm="", n=1)
            lines += [f"    [{key}]"] + [f"    {line}" for line in list(diff)[:40]]
    return "\n".join(lines)


def run_all_twice(path, cwd=ROOT, probe=None):
    """Run every code cell of ``path`` twice in one kernel at ``cwd``.

    Returns (runs, seconds, probed): ``runs[r][i]`` holds the outputs of code
    cell ``i`` in run ``r`` (None where nbval skips the cell).  ``probe``: the
    source of a cell run once, right after the first code cell (the set-up
    cell) of the first run; ``probed`` is its outputs (None without a probe).
    """
    nb = nbformat.read(path, as_version=4)
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    # "immediate": kill the kernel when done; a graceful shutdown of a kernel
    # that imported TensorFlow waits about 2.6 s more, for nothing a test checks
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(cwd)}})
    probe_cell = nbformat.v4.new_code_cell(probe) if probe is not None else None
    runs, seconds, failure = [], [], None
    with client.setup_kernel():
        for run in (1, 2):
            outputs, start = [], time.perf_counter()
            for k, (index, cell) in enumerate(code):
                if nbval_options(cell)["skip"]:
                    outputs.append(None)
                    continue
                try:
                    client.execute_cell(cell, index)
                    if probe_cell is not None and run == 1 and k == 0:
                        client.execute_cell(probe_cell, index)
                except (CellExecutionError, CellTimeoutError) as exc:
                    failure = f"{path.name}, run {run}: code cell {k + 1} raised\n{str(exc)[-3000:]}"
                    break
                outputs.append(copy.deepcopy(cell.outputs))
            if failure:
                break
            runs.append(outputs)
            seconds.append(time.perf_counter() - start)
    if failure:
        pytest.fail(failure, pytrace=False)
    return runs, seconds, (probe_cell.outputs if probe_cell is not None else None)


def pytest_generate_tests(metafunc):
    if "twice_chapter" in metafunc.fixturenames:
        params = []
        for _, chapters in toc_parts():
            for docname in chapters:
                if selected(docname):
                    marks = []
                elif os.environ.get(SELECT_ENV, "").strip():
                    marks = [pytest.mark.skip(
                        reason=f"{docname} is not in {SELECT_ENV}")]
                else:
                    marks = [pytest.mark.skip(
                        reason=f"{docname} trains for most of its run: "
                               f"{SELECT_ENV}=all (or a list of chapters) "
                               "runs it twice")]
                params.append(pytest.param(docname, marks=marks, id=docname))
        metafunc.parametrize("twice_chapter", params)


def compare_runs(stored, runs):
    """The checked cells whose outputs differ from ``stored`` in run 1 or run 2 (messages)."""
    problems = []
    code = [c for c in stored.cells if c.cell_type == "code"]
    for k, cell in enumerate(code):
        options = nbval_options(cell)
        if options["skip"] or not options["check"] or cell.execution_count is None:
            continue
        ref = checked_view(cell.outputs)
        first, second = (checked_view(run[k]) for run in runs)
        if second != ref:
            when = ("differs in both runs (stale stored outputs: nbval fails too)"
                    if first != ref else "differs on the second run only")
            head = cell.source.strip().splitlines()[0][:70] if cell.source.strip() else ""
            problems.append(f"  code cell {k + 1} ({head}): {when}\n"
                            f"{describe_difference(ref, second)}")
        elif first != ref:
            problems.append(f"  code cell {k + 1}: differs on the first run only")
    return problems


def test_the_harness_catches_what_only_a_second_run_shows(tmp_path):
    """A tiny notebook without TensorFlow: state kept across runs must be caught, nbval's tags honoured."""
    cells = [
        # module-level state survives a second "Run All": prints 0, then 1
        nbformat.v4.new_code_cell("import builtins, itertools\n"
                                  "builtins.__dict__.setdefault('_calls', itertools.count())\n"
                                  "print(next(builtins._calls))"),
        nbformat.v4.new_code_cell("import time; print(time.time())",
                                  metadata={"tags": ["nbval-ignore-output"]}),
        nbformat.v4.new_code_cell("raise SystemExit('nbval does not run this cell')",
                                  metadata={"tags": ["nbval-skip"]}),
        nbformat.v4.new_code_cell("import os; print(os.getcwd() == {!r})".format(str(tmp_path))),
    ]
    path = tmp_path / "state.ipynb"
    nb = nbformat.v4.new_notebook(cells=cells)
    NotebookClient(nb, timeout=60, kernel_name="python3", skip_cells_with_tag="nbval-skip",
                   shutdown_kernel="immediate",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    nbformat.write(nb, path)
    runs, _, probed = run_all_twice(path, cwd=tmp_path, probe="print('probed')")
    assert [o["text"] for o in probed] == ["probed\n"]
    assert runs[0][2] is None and runs[1][2] is None
    assert [o["text"] for o in runs[1][3]] == ["True\n"]
    problems = compare_runs(nbformat.read(path, as_version=4), runs)
    assert len(problems) == 1 and problems[0].startswith(
        "  code cell 1 (import builtins, itertools): differs on the second run only")
    assert "-0" in problems[0] and "+1" in problems[0]


def test_run_all_twice_gives_the_stored_outputs(twice_chapter):
    # The set-up cell's probe (tests/test_setup_cells.py) runs in this kernel, after
    # the set-up cell of the first run, instead of in a kernel of its own.
    from test_setup_cells import PROBE, check_probe

    path = ROOT / f"{twice_chapter}.ipynb"
    runs, seconds, probed = run_all_twice(path, probe=PROBE)
    print(f"{path.name}: run 1 {seconds[0]:.1f} s, run 2 {seconds[1]:.1f} s")
    problems = compare_runs(nbformat.read(path, as_version=4), runs)
    assert not problems, (
        f"{path.name} run twice in one kernel (working directory: the repo root):\n"
        + "\n".join(problems))
    check_probe(probed, twice_chapter)
