"""Shared fixtures for the book tests: build the HTML book once per session.

The build (``jupyter-book build . --all --warningiserror --keep-going``) runs in the
repository root, writes ``_build/html`` and keeps its whole log in ``_build/build.log``.
A test that asks for ``html_dir`` fails, with that log, when the build printed any
warning.  ``toc_page`` parametrises a test over every page listed in ``_toc.yml``.

Set ``CNNBOOK_REUSE_BUILD=1`` to test an existing ``_build/html`` without rebuilding
(handy while working on the tests themselves).
"""
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


def _jupyter_book():
    exe = Path(sys.executable).with_name("jupyter-book")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book.cli.main"]


@pytest.fixture(scope="session")
def book_build():
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
