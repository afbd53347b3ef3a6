"""The download that runs: the archive behind "下载全部笔记本" on every page.

``tools/make_archive.py`` packs what a reader needs into one zip (the book build
puts it next to index.html).  These tests check that

- it holds every chapter of ``_toc.yml``, every module of ``cnnbook/``, the
  bundled data, the figures the chapters show, ``requirements.txt``,
  ``pyproject.toml`` and a README with the commands, and nothing else (no
  caches); packing twice gives the same bytes;
- its Colab recipe works: a fresh kernel whose working directory is a temporary
  folder (standing for Colab's ``/content``, where the reader uploaded the zip)
  runs the README's recipe cell verbatim (``/content`` replaced by that folder),
  then chapter 1 from the unpacked copy, in the same running kernel (Colab
  cannot restart after ``pip install`` without losing the chapter's state).
  ``import cnnbook`` and the data must come from the unpacked folder, not from
  this repository (installed in .venv in editable mode), the checked outputs
  must be the book's, and ``%pip install`` must install nothing new into .venv.
"""
import importlib.metadata
import importlib.util
import json
import re
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = "chapters/01_fc_to_conv.ipynb"

_spec = importlib.util.spec_from_file_location("make_archive", ROOT / "tools" / "make_archive.py")
make_archive = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_archive)
FOLDER = make_archive.FOLDER

PROBE = """\
import json, os, sys
import cnnbook, cnnbook.datasets
print(json.dumps({"cnnbook": cnnbook.__file__, "data": str(cnnbook.datasets.data_dir()),
                  "cwd": os.getcwd(), "python": sys.executable}))
"""


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    content = tmp_path_factory.mktemp("content")
    return make_archive.make_archive(content / make_archive.ARCHIVE_NAME)


def names(path):
    with zipfile.ZipFile(path) as zf:
        return [info.filename for info in zf.infolist()]


def test_archive_holds_what_a_reader_needs(archive):
    inside = set(names(archive))
    chapters = make_archive.toc_chapters()
    assert chapters, "no chapter in _toc.yml?"
    expected = {f"{FOLDER}/{p.relative_to(ROOT).as_posix()}" for p in chapters}
    expected |= {f"{FOLDER}/cnnbook/{p.name}" for p in (ROOT / "cnnbook").glob("*.py")}
    expected |= {f"{FOLDER}/data/{p.name}" for p in (ROOT / "data").glob("*.npz")}
    expected |= {f"{FOLDER}/{p.relative_to(ROOT).as_posix()}" for p in (ROOT / "data" / "zoo").glob("*")
                 if p.is_file() and not p.name.startswith(".")}
    expected |= {f"{FOLDER}/{name}" for name in ("README.md", "requirements.txt", "pyproject.toml")}
    missing = sorted(expected - inside)
    assert not missing, f"the archive lacks {missing}"
    # Every figure a chapter shows from images/ is there.
    for path in chapters:
        for image in set(re.findall(r"\.\./(images/[\w.-]+)", path.read_text(encoding="utf-8"))):
            assert f"{FOLDER}/{image}" in inside, f"{path.name} shows {image}, not in the archive"
    junk = [n for n in inside if "__pycache__" in n or n.endswith((".pyc", ".part")) or "/." in n]
    assert not junk, junk
    assert all(n.startswith(f"{FOLDER}/") for n in inside), "everything sits in one folder"


def test_archive_is_reproducible(archive, tmp_path):
    again = make_archive.make_archive(tmp_path / make_archive.ARCHIVE_NAME)
    assert again.read_bytes() == archive.read_bytes(), "packing twice gave different bytes"


def test_readme_gives_the_commands_and_the_colab_recipe(archive):
    with zipfile.ZipFile(archive) as zf:
        readme = zf.read(f"{FOLDER}/README.md").decode("utf-8")
    assert "pip install -r requirements.txt" in readme and "pip install -e ." in readme
    cells = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert cells == [make_archive.COLAB_CELL], "the README's Colab cell is the one this test runs"
    assert not re.search(r"<[^>\n]*(地址|URL|url)[^>\n]*>", readme), "a placeholder in the README"


def installed():
    return sorted({(d.metadata["Name"].lower(), d.version) for d in importlib.metadata.distributions()})


def test_colab_recipe_runs_a_chapter_from_the_archive(archive, monkeypatch):
    content = archive.parent
    # The kernel must find nothing of this repository by itself.
    for name in ("CNNBOOK_DATA", "PYTHONPATH"):
        monkeypatch.delenv(name, raising=False)
    with zipfile.ZipFile(archive) as zf:
        chapter = nbformat.reads(zf.read(f"{FOLDER}/{CHAPTER}").decode("utf-8"), as_version=4)
    recipe = make_archive.COLAB_CELL.replace("/content", content.as_posix())
    nb = nbformat.v4.new_notebook(metadata=chapter.metadata)
    nb.cells = [nbformat.v4.new_code_cell(recipe), nbformat.v4.new_code_cell(PROBE)]
    stored = [c for c in chapter.cells if c.cell_type == "code"]
    nb.cells += [nbformat.v4.new_code_cell(c.source, metadata=c.metadata) for c in stored]

    before = installed()
    client = NotebookClient(nb, timeout=900, kernel_name="python3",
                            shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(content)}})
    client.execute()
    assert installed() == before, "the recipe's %pip install changed what is installed in .venv"

    probe = json.loads("".join(o.get("text", "") for o in nb.cells[1].outputs if o.output_type == "stream"))
    unpacked = (content / FOLDER).resolve()
    assert Path(probe["cnnbook"]).resolve().is_relative_to(unpacked), f"cnnbook imported from {probe['cnnbook']}"
    assert Path(probe["data"]).resolve().is_relative_to(unpacked), f"data read from {probe['data']}"
    assert Path(probe["cwd"]).resolve() == unpacked / "chapters"
    assert Path(probe["python"]).resolve().parent == Path(importlib.sys.executable).resolve().parent

    # The chapter printed what the book prints (the cells nbval compares).
    for i, (ran, book) in enumerate(zip(nb.cells[2:], stored), 1):
        if "nbval-ignore-output" not in book.metadata.get("tags", []):
            assert visible(ran.outputs) == visible(book.outputs), (
                f"{CHAPTER} code cell {i}: output differs when run from the archive"
            )


def visible(outputs):
    """What nbval compares, insensitive to how the kernel chunked its stdout."""
    stdout = "".join(o.get("text", "") for o in outputs if o.output_type == "stream" and o.name == "stdout")
    results = [o.get("data", {}).get("text/plain") for o in outputs
               if o.output_type in ("execute_result", "display_data")]
    return stdout, results
