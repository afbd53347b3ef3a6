"""Shared fixtures for the book tests: build the HTML book once per session.

The build (``jupyter-book build . --all --warningiserror --keep-going``) runs in the
repository root, writes ``_build/html`` and keeps its whole log in ``_build/build.log``.
A test that asks for ``html_dir`` fails, with that log, when the build printed any
warning.  ``toc_page`` parametrises a test over every page listed in ``_toc.yml``.

Set ``CNNBOOK_REUSE_BUILD=1`` to test an existing ``_build/html`` without rebuilding
(handy while working on the tests themselves).

The PDF (``tools/build_pdf.py`` -> ``_build/latex/cnnbook.pdf``) is built first, once,
by the ``pdf_build`` fixture, so that the HTML build links it from every page's
download menu; without TeX (and no apt-get to install it) the PDF tests skip loudly.
``CNNBOOK_SKIP_PDF=1`` skips the PDF (and its tests) for quicker runs.
"""
import functools
import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BUILD_DIR = ROOT / "_build"
HTML_DIR = BUILD_DIR / "html"
BUILD_LOG = BUILD_DIR / "build.log"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# Sphinx problem lines: "path:line: WARNING: ...", "ERROR: ...", "CRITICAL: ..."
PROBLEM = re.compile(r"\b(WARNING|ERROR|CRITICAL|SEVERE)\b[:\]]?")


def toc_docnames():
    """Every page of the book in reading order: the root and each `file:` of _toc.yml."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                names.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    return [re.sub(r"\.(md|ipynb)$", "", n) for n in names]


@functools.lru_cache(maxsize=None)
def zoo_tool():
    """tools/zoo.py as a module (its SPECS are the zoo's frozen architectures)."""
    spec = importlib.util.spec_from_file_location("zoo_tool", ROOT / "tools" / "zoo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def zoo_specs(module):
    """The zoo specs whose builder lives in cnnbook.<module>, by name."""
    return {s["name"]: s for s in zoo_tool().SPECS if s["builder"].startswith(f"cnnbook.{module}:")}


def model_structure(model):
    """Layer names and classes in order, then every weight's path and shape."""
    return ([[layer.name, type(layer).__name__] for layer in model.layers]
            + [[w.path, list(w.shape)] for w in model.weights])


def model_fingerprint(model):
    """sha256 of model_structure: equal exactly when a zoo weight file would load."""
    return hashlib.sha256(json.dumps(model_structure(model)).encode()).hexdigest()


def chapter_docnames():
    """The chapter notebooks (everything under chapters/ in the toc)."""
    return [n for n in toc_docnames() if n.startswith("chapters/")]


@pytest.fixture(name="chapter_docnames", scope="session")
def chapter_docnames_fixture():
    """The chapter pages listed in _toc.yml (no build needed)."""
    return chapter_docnames()


@dataclass
class BookBuild:
    returncode: int
    log: str
    problems: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self):
        return self.returncode == 0 and not self.problems and (HTML_DIR / "index.html").is_file()

    def report(self):
        head = "\n".join(self.problems[:50]) or "(no WARNING lines; see the log)"
        return (
            f"jupyter-book build failed or warned (exit code {self.returncode}, "
            f"{len(self.problems)} problem lines). Full log: {BUILD_LOG}\n"
            f"--- problems ---\n{head}\n--- end of log ---\n{self.log[-6000:]}"
        )


def _load_tool(name):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"cnnbook_tool_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class PdfBuild:
    available: bool  # TeX, fonts and poppler are installed
    returncode: int = 0
    seconds: float = 0.0
    reason: str = ""

    @property
    def ok(self):
        return self.available and self.returncode == 0 and (BUILD_DIR / "latex" / "cnnbook.pdf").is_file()


def _install_tex(build_pdf):
    """apt-get the TeX packages when running as root (like the browser test's chromium)."""
    import shutil

    if shutil.which("apt-get") is None or os.geteuid() != 0:
        return False
    command = "apt-get update && apt-get install -y --no-install-recommends " + " ".join(build_pdf.DEBIAN_PACKAGES)
    sys.stderr.write(f"\nTeX for the PDF is missing: running `{command}` ...\n")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        subprocess.run(command, shell=True, env=env, capture_output=True, timeout=1800, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return not build_pdf.missing_packages()


@pytest.fixture(scope="session")
def pdf_build():
    """Build the PDF once per session (before the HTML, which links to it)."""
    import time

    if os.environ.get("CNNBOOK_SKIP_PDF") == "1":  # quicker runs while working on the HTML
        return PdfBuild(False, reason="CNNBOOK_SKIP_PDF=1")
    build_pdf = _load_tool("build_pdf")
    missing = build_pdf.missing_packages()
    if missing and not _install_tex(build_pdf):
        return PdfBuild(False, reason="missing Debian packages: " + " ".join(missing))
    if os.environ.get("CNNBOOK_REUSE_BUILD") == "1" and (BUILD_DIR / "latex" / "cnnbook.pdf").is_file():
        return PdfBuild(True)
    start = time.perf_counter()
    code, _, _ = build_pdf.build(ROOT)
    return PdfBuild(True, returncode=code, seconds=time.perf_counter() - start)


def _jupyter_book():
    exe = Path(sys.executable).with_name("jupyter-book")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book.cli.main"]


@pytest.fixture(scope="session")
def book_build(pdf_build):
    """Build the book once (fresh environment, so every warning is re-emitted)."""
    import time

    if os.environ.get("CNNBOOK_REUSE_BUILD") == "1" and BUILD_LOG.is_file() and HTML_DIR.is_dir():
        log = BUILD_LOG.read_text(encoding="utf-8")
        returncode = 0 if re.search(r"build succeeded", log) else 1
        seconds = 0.0
    else:
        BUILD_DIR.mkdir(exist_ok=True)
        env = dict(os.environ, PYTHONHASHSEED="0", TF_CPP_MIN_LOG_LEVEL="3")
        start = time.perf_counter()
        proc = subprocess.run(
            _jupyter_book() + ["build", ".", "--all", "--warningiserror", "--keep-going"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        seconds = time.perf_counter() - start
        log = ANSI.sub("", proc.stdout)
        BUILD_LOG.write_text(log, encoding="utf-8")
        returncode = proc.returncode
    problems = [
        line
        for line in log.splitlines()
        if PROBLEM.search(line) and not line.lstrip().startswith(("myst v", "myst-nb v"))
    ]
    return BookBuild(returncode=returncode, log=log, problems=problems, seconds=seconds)


_REPORTED = []


@pytest.fixture
def html_dir(book_build):
    """_build/html of a build with zero warnings (fails with the build log otherwise)."""
    if not book_build.ok:
        if _REPORTED:  # the full log was shown once already
            pytest.fail(f"the book build warned or failed; see the first failure or {BUILD_LOG}", pytrace=False)
        _REPORTED.append(True)
        pytest.fail(book_build.report(), pytrace=False)
    return HTML_DIR


def pytest_generate_tests(metafunc):
    if "toc_page" in metafunc.fixturenames:
        names = toc_docnames()
        metafunc.parametrize("toc_page", names, ids=names)
    if "chapter_page" in metafunc.fixturenames:
        names = chapter_docnames()
        metafunc.parametrize("chapter_page", names, ids=names)
