"""Root pytest configuration.

1. Quiet TensorFlow in this process and in nbval's kernels (they inherit the
   environment).
2. Parallel runs.  ``make test`` runs ``pytest -n auto`` (pytest-xdist).  The
   scheduler below hands out whole *groups* of tests, one group to one worker,
   in collection order:

   - ``book``: every test module that needs the built book (``BOOK_MODULES``),
     so the HTML and the PDF are built once, by one worker;
   - one group per notebook for nbval's cells: they share one kernel and must
     run in order;
   - one group per test for the parametrised tests of ``SPREAD_MODULES``: each
     starts a kernel of its own, so they spread over the workers;
   - one group per module for everything else, so a module-scoped fixture is
     built once.

   xdist's own ``--dist loadgroup`` would do this with ``xdist_group`` marks,
   but with pytest 9.2 it silently groups nothing (xdist 3.8 renames
   ``item._nodeid``, which pytest 9.2 no longer reads), so the groups are
   computed here from the node ids.  ``BOOK_MODULES`` is checked at
   collection: a test outside it that asks for the book fails the run.
   Without ``-n`` none of this applies and the run is the usual serial one.

   The groups are handed out longest first (the "longest processing time"
   rule), so that no long group starts last while the other worker idles.  A
   group's length is its seconds in ``tests/group_durations.json``, measured on
   this book's 2-core machine by ``make test-durations`` (a run with
   ``CNNBOOK_GROUP_DURATIONS=<file>``); a group missing from the file counts as
   0 s and goes last, in collection order.  The file only orders the work: a
   stale one makes the run slower, never wrong.
"""
import json
import os
import time
from pathlib import Path

import pytest

from cnnbook.env import QUIET_ENV

for _key, _value in QUIET_ENV.items():
    os.environ.setdefault(_key, _value)
os.environ.setdefault("PYTHONHASHSEED", "0")

BOOK_FIXTURES = {"book_build", "pdf_build", "html_dir", "served_dir", "server"}
BOOK_MODULES = {"tests/test_book.py", "tests/test_browser.py", "tests/test_pdf.py",
                "tests/test_links.py", "tests/test_archive.py"}
SPREAD_MODULES = {"tests/test_setup_cells.py", "tests/test_run_twice.py"}


def xdist_group(nodeid):
    """The group of a test, from its node id alone (see the module docstring)."""
    module = nodeid.split("::", 1)[0]
    if module.endswith(".ipynb") or module not in BOOK_MODULES | SPREAD_MODULES:
        return module
    if module in BOOK_MODULES:
        return "book"
    return nodeid if "[" in nodeid else module


GROUP_DURATIONS = Path(__file__).parent / "tests" / "group_durations.json"


def group_durations(path=GROUP_DURATIONS):
    """{group: seconds} from the last ``make test-durations``, or {}."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))["seconds"]
    except FileNotFoundError:
        return {}


def longest_first(items, seconds):
    """items reordered group by group, longest group first; the order of the
    tests inside a group (a notebook's cells) and of equally long groups is
    kept."""
    groups = [xdist_group(item.nodeid) for item in items]
    rank = {}
    for i, group in enumerate(groups):
        rank.setdefault(group, (-seconds.get(group, 0.0), i))
    order = sorted(range(len(items)), key=lambda i: rank[groups[i]])
    return [items[i] for i in order]


def pytest_collection_modifyitems(config, items):
    strays = sorted({item.nodeid.split("::", 1)[0] for item in items
                     if BOOK_FIXTURES & set(getattr(item, "fixturenames", ()))
                     and xdist_group(item.nodeid) != "book"})
    if strays:
        raise pytest.UsageError(
            f"{strays} use the built book: add them to BOOK_MODULES in conftest.py")
    # Under xdist the workers collect (and xdist sets their numprocesses to
    # None); the controller schedules in the order they report.
    if hasattr(config, "workerinput"):
        items[:] = longest_first(items, group_durations())


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_GroupSchedulerPlugin(), "cnnbook_xdist_groups")
    out = os.environ.get("CNNBOOK_GROUP_DURATIONS")
    if out and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_DurationRecorder(out), "cnnbook_group_durations")


class _GroupSchedulerPlugin:
    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(self, config, log):
        if config.getvalue("dist") not in ("load", "loadscope", "loadfile", "loadgroup"):
            return None  # "each", "worksteal": xdist's own
        from xdist.scheduler import LoadScopeScheduling

        class GroupScheduling(LoadScopeScheduling):
            def _split_scope(self, nodeid):
                return xdist_group(nodeid)

        # LoadScopeScheduling would hand out the groups with the most tests
        # first; keep the collection order instead, which is longest first.
        config.option.loadscopereorder = False
        return GroupScheduling(config, log)


class _DurationRecorder:
    """Seconds per group (setup + call + teardown of its tests, on whichever
    worker ran them), written as JSON when the session ends."""

    def __init__(self, path):
        self.path, self.seconds, self.start = Path(path), {}, time.time()

    def pytest_runtest_logreport(self, report):
        group = xdist_group(report.nodeid)
        self.seconds[group] = self.seconds.get(group, 0.0) + report.duration

    def pytest_sessionfinish(self, session):
        ranked = dict(sorted(((g, round(s, 1)) for g, s in self.seconds.items()),
                             key=lambda kv: -kv[1]))
        self.path.write_text(json.dumps({
            "about": "seconds per test group of one make test run (the root "
                     "conftest.py hands the groups out longest first); "
                     "regenerate with make test-durations",
            "wall_seconds": round(time.time() - self.start, 1),
            "seconds": ranked}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
