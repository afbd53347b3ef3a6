"""The book runs where readers put it: a non-editable install, and any working directory.

Issue 11, section 4.

**Non-editable install.**  ``pyproject.toml`` maps the repo's ``data/`` into the
wheel as ``cnnbook/data`` (package data), so ``pip install .`` and ``pip install
--target DIR .`` carry the bundled datasets and the model zoo with the code, and
``cnnbook.datasets.data_dir()`` finds them there.  The test copies the sources
(``pyproject.toml``, ``cnnbook/``, ``data/``) to a temporary directory, so the
build leaves nothing (``build/``, ``*.egg-info``) in the checkout, installs them
with ``pip install --no-deps --no-build-isolation --no-index --target``
(offline: it uses the setuptools of ``.venv``), and then, in a fresh Python
whose working directory is elsewhere, imports ``cnnbook`` from the target
folder and loads both datasets and, when the zoo has been trained, checks
every zoo record against its installed weight file.

**Working directory.**  JupyterLab starts a kernel in the notebook's folder,
but a kernel can start elsewhere: VS Code with ``jupyter.notebookFileRoot`` set
to the workspace, or connected to a running Jupyter server (it then keeps the
server's folder, microsoft/vscode-jupyter#1551), or the chapter run as a script
from the repo root (``jupytext --to py``, ``ipython``).  The repo root and
``chapters/`` are both covered:

- ``chapters/``: nbval runs every cell of every chapter there (``make test``);
- the repo root: ``tests/test_run_twice.py`` runs its chapters (by default
  those without training-like cells) from the root, every cell, twice;
  ``tests/test_setup_cells.py`` runs the set-up and banner cells of every
  chapter of ``_toc.yml`` in a fresh kernel whose working directory is the
  root, then again after TensorFlow's runtime has been initialised, as in a
  second "Run All" (a full run of a training chapter costs up to 120 s, twice
  that to run it twice); and a static scan here of every chapter rejects
  working-directory-relative paths (``"../tools/x.py"``, ``"data/x.npz"``,
  ``os.chdir``, ``%cd``, ``%run x.py``, ``!python x.py``).  Files are reached
  through the package (``cnnbook.datasets.data_dir()``, ``cnnbook.zoo``,
  modules of ``cnnbook``), never through the working directory.
"""
import ast
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

# ------------------------------------------------------------------ non-editable install

CHECK_INSTALLED = textwrap.dedent("""
    import json, sys
    import cnnbook
    from cnnbook import datasets, zoo
    (x, y), (xt, yt) = datasets.load_mnist()
    (fx, fy), (fxt, fyt) = datasets.load_fashion_mnist()
    report = {"module": cnnbook.__file__, "data_dir": str(datasets.data_dir()),
              "mnist": [list(x.shape), list(xt.shape)],
              "fashion": [list(fx.shape), list(fxt.shape)], "zoo": {}}
    if (zoo.zoo_dir() / zoo.RECORDS_FILE).is_file():
        for name, record in zoo.zoo_records().items():
            weights = zoo.zoo_dir() / record["weights"]
            report["zoo"][name] = (weights.is_file()
                                   and datasets.sha256_of(weights) == record["sha256"])
    print(json.dumps(report))
""")


def copy_sources(dst):
    """What `pip install .` reads: pyproject.toml, the package and the data (no caches)."""
    dst.mkdir()
    shutil.copy2(ROOT / "pyproject.toml", dst / "pyproject.toml")
    junk = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "cnnbook", dst / "cnnbook", ignore=junk)
    shutil.copytree(ROOT / "data", dst / "data", ignore=junk)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """cnnbook installed (not editable) into a folder of its own; returns that folder."""
    tmp = tmp_path_factory.mktemp("install")
    copy_sources(tmp / "src")
    target = tmp / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--no-index", "--no-cache-dir", "--target", str(target), str(tmp / "src")],
        capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return target


def test_wheel_carries_the_data(installed):
    data = installed / "cnnbook" / "data"
    for name in ("mnist_subset.npz", "fashion_mnist_subset.npz", "README.md"):
        assert (data / name).read_bytes() == (ROOT / "data" / name).read_bytes(), name
    records = ROOT / "data" / "zoo" / "records.json"
    if records.is_file():
        assert (data / "zoo" / "records.json").read_bytes() == records.read_bytes()
        for record in json.loads(records.read_text(encoding="utf-8"))["models"]:
            assert (data / "zoo" / record["weights"]).is_file(), record["weights"]


def test_installed_package_loads_its_data_from_any_directory(installed, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("CNNBOOK_DATA", "PYTHONPATH")}
    env["PYTHONPATH"] = str(installed)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = subprocess.run([sys.executable, "-c", CHECK_INSTALLED], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert Path(report["module"]).parent == installed / "cnnbook"
    assert Path(report["data_dir"]) == installed / "cnnbook" / "data"
    assert report["mnist"] == [[8000, 28, 28], [2000, 28, 28]]
    assert report["fashion"] == [[20000, 28, 28], [10000, 28, 28]]
    if (ROOT / "data" / "zoo" / "records.json").is_file():
        assert report["zoo"] and all(report["zoo"].values()), report["zoo"]


# ------------------------------------------------------------------- working directory

# A string that names a file relative to the working directory.
RELATIVE = re.compile(
    r"^\.\.$|^\.\.?[/\\]|^(?![a-z][\w+.-]*:)(?![/~$])[^\s:*?\"<>|]*"
    r"\.(py|ipynb|npz|npy|h5|keras|json|csv|txt|md|png|gif|jpe?g|svg|pdf|yml|yaml|tgz|gz|zip|deb)$")
# Calls and magics that change or use the working directory.
CHDIR = re.compile(r"\bos\.chdir\s*\(|^\s*%(cd|pushd|run)\b|^\s*%%(writefile|file)\b", re.M)
# Shell lines and line magics: their words are checked as paths, quotes stripped.
MAGIC = re.compile(r"^\s*[!%](.*)$", re.M)


def python_source(cell_source):
    """The cell as Python: IPython magics and shell lines become `pass`."""
    return "\n".join(line[:len(line) - len(line.lstrip())] + "pass"
                     if line.lstrip().startswith(("%", "!")) else line
                     for line in cell_source.splitlines())


def relative_paths(cell_source):
    """Working-directory-relative paths and directory changes in one code cell."""
    found = [m.group(0).strip() for m in CHDIR.finditer(cell_source)]
    for m in MAGIC.finditer(cell_source):
        words = re.split(r"[\s(),=]+", m.group(1))
        found += [w.strip("'\"") for w in words if RELATIVE.search(w.strip("'\""))]
    try:
        tree = ast.parse(python_source(cell_source))
    except SyntaxError:
        return found + ["(cell does not parse as Python)"]
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Module, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docstrings and RELATIVE.search(node.value)):
            found.append(repr(node.value))
    return found


def test_the_scan_finds_what_it_should():
    hits = relative_paths('subprocess.run([sys.executable, "../tools/multiworker_demo.py"])\n'
                          'np.load("data/mnist_subset.npz")\nopen("notes.txt")\n'
                          'os.chdir("..")\n%cd ..\n!python tools/zoo.py\n'
                          'for i in range(2):\n    %time x = np.load("data/x.npz")\n')
    assert sorted(hits) == sorted(['os.chdir(', '%cd', '..', 'tools/zoo.py', "'..'", "'notes.txt'",
                                   "'../tools/multiworker_demo.py'", "'data/mnist_subset.npz'",
                                   "data/x.npz"])
    clean = ('x = "conv2d/kernel"; s = "a.b".split("."); u = "https://example.org/a.png"\n'
             'p = Path(cnnbook.__file__).parent / "data"; f"{v:.2f}"; "/usr/share/x.gz"\n'
             'def f():\n    """See chapter_06.ipynb."""\n'
             '%pip install -q mplfonts\n%matplotlib inline\n!ls /usr/share/datasets\n')
    assert relative_paths(clean) == []


def test_chapter_has_no_working_directory_relative_paths(chapter_page):
    chapter = ROOT / f"{chapter_page}.ipynb"
    nb = nbformat.read(chapter, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    problems = [f"code cell {i + 1}: {hit}"
                for i, cell in enumerate(code) for hit in relative_paths(cell.source)]
    assert not problems, (
        f"{chapter.name} depends on the kernel's working directory (chapters/ or the repo "
        f"root): resolve files from the package (cnnbook.datasets.data_dir(), a cnnbook "
        f"module) or use tempfile:\n  " + "\n  ".join(problems))
