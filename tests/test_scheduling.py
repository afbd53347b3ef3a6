"""The root conftest.py's scheduling for ``make test`` (pytest-xdist): groups of
tests, handed out longest first by their measured seconds."""
import importlib.util
import json
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(root)


def items(*nodeids):
    return [SimpleNamespace(nodeid=n) for n in nodeids]


def test_groups_of_notebooks_book_modules_and_spread_tests():
    assert root.xdist_group("chapters/10_classic_nets.ipynb::Cell 3") == "chapters/10_classic_nets.ipynb"
    assert root.xdist_group("tests/test_pdf.py::test_fonts") == "book"
    assert root.xdist_group("tests/test_browser.py::test_x[390]") == "book"
    assert root.xdist_group("tests/test_run_twice.py::test_twice[ch01]") == \
        "tests/test_run_twice.py::test_twice[ch01]"
    assert root.xdist_group("tests/test_conv.py::test_a[1]") == "tests/test_conv.py"


def test_longest_group_first_and_order_inside_a_group_kept():
    collected = items("tests/test_a.py::t1", "chapters/01.ipynb::Cell 0",
                      "tests/test_a.py::t2", "chapters/01.ipynb::Cell 1",
                      "tests/test_pdf.py::t", "tests/test_new.py::t",
                      "chapters/01.ipynb::Cell 2", "tests/test_b.py::t")
    seconds = {"chapters/01.ipynb": 90.0, "book": 200.0, "tests/test_a.py": 5.0,
               "tests/test_b.py": 5.0}
    order = [i.nodeid for i in root.longest_first(collected, seconds)]
    assert order == ["tests/test_pdf.py::t",
                     "chapters/01.ipynb::Cell 0", "chapters/01.ipynb::Cell 1",
                     "chapters/01.ipynb::Cell 2",
                     # equally long: collection order; unknown (0 s): last
                     "tests/test_a.py::t1", "tests/test_a.py::t2", "tests/test_b.py::t",
                     "tests/test_new.py::t"]


def test_committed_durations_name_groups_that_exist():
    data = json.loads(root.GROUP_DURATIONS.read_text(encoding="utf-8"))
    seconds = data["seconds"]
    assert seconds and all(s >= 0 for s in seconds.values())
    for group in seconds:
        if group == "book":
            continue
        path = group.split("::", 1)[0]
        assert (ROOT / path).is_file(), f"{group}: no such test file or notebook any more"


def test_a_missing_durations_file_orders_nothing(tmp_path):
    assert root.group_durations(tmp_path / "none.json") == {}
    collected = items("tests/test_b.py::t", "tests/test_a.py::t")
    assert root.longest_first(collected, {}) == collected


def fake_config(worker):
    config = SimpleNamespace(option=SimpleNamespace(numprocesses=None))
    if worker:
        config.workerinput = {"workerid": "gw0"}
    return config


def test_xdist_workers_reorder_their_collection_and_serial_runs_do_not():
    seconds = root.group_durations()
    longest = max(seconds, key=seconds.get)
    short = "tests/test_scheduling.py::test_a_missing_durations_file_orders_nothing"
    # a notebook cell of the longest group, collected after a short test
    cell = f"{longest}::Cell 0" if longest.endswith(".ipynb") else "tests/test_pdf.py::t"
    for worker, expected in ((True, [cell, short]), (False, [short, cell])):
        collected = items(short, cell)
        for item in collected:
            item.fixturenames = ()
        root.pytest_collection_modifyitems(fake_config(worker), collected)
        assert [i.nodeid for i in collected] == expected
