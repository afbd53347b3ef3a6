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
"""
import os

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


def pytest_collection_modifyitems(config, items):
    strays = sorted({item.nodeid.split("::", 1)[0] for item in items
                     if BOOK_FIXTURES & set(getattr(item, "fixturenames", ()))
                     and xdist_group(item.nodeid) != "book"})
    if strays:
        raise pytest.UsageError(
            f"{strays} use the built book: add them to BOOK_MODULES in conftest.py")


def pytest_configure(config):
    if config.pluginmanager.hasplugin("xdist"):
        config.pluginmanager.register(_GroupSchedulerPlugin(), "cnnbook_xdist_groups")


class _GroupSchedulerPlugin:
    @pytest.hookimpl(tryfirst=True)
    def pytest_xdist_make_scheduler(self, config, log):
        if config.getvalue("dist") not in ("load", "loadscope", "loadfile", "loadgroup"):
            return None  # "each", "worksteal": xdist's own
        from xdist.scheduler import LoadScopeScheduling

        class GroupScheduling(LoadScopeScheduling):
            def _split_scope(self, nodeid):
                return xdist_group(nodeid)

        return GroupScheduling(config, log)
