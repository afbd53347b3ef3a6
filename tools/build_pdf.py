"""Build the whole book as a PDF with LaTeX: _build/latex/cnnbook.pdf.

    .venv/bin/python tools/build_pdf.py             # make pdf
    .venv/bin/python tools/build_pdf.py --check     # only say whether TeX is installed
    .venv/bin/python tools/build_pdf.py --output /tmp/x   # -> /tmp/x/_build/latex/cnnbook.pdf

jupyter-book writes the LaTeX sources (Sphinx's writer, _config.yml: `latex`,
`latex_elements`; the book's style is _ext/cnnbook.sty), then latexmk runs
xelatex (`make all-pdf` in _build/latex).  The whole log goes to _build/pdf.log; the script prints the page
count, the seconds it took and the number of "Missing character" lines (a
character no font has: it would be left out of the PDF).  `make book`
afterwards links the PDF from the HTML's download menu.

Debian packages (installed by .ci/run as root): texlive-xetex,
texlive-lang-chinese, texlive-latex-extra, texlive-fonts-recommended, latexmk,
fonts-noto-cjk, fonts-freefont-otf, imagemagick (GIF figures), poppler-utils
(pdfinfo, pdffonts, pdftotext: tests/test_pdf.py).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class Paths:
    """Where a build writes: <output>/_build/latex/cnnbook.pdf and its logs."""

    def __init__(self, output=ROOT):
        self.output = Path(output)
        self.build = self.output / "_build"
        self.latex = self.build / "latex"
        self.pdf = self.latex / "cnnbook.pdf"
        self.tex_log = self.latex / "cnnbook.log"
        self.log = self.build / "pdf.log"


# Programs the build needs, and the Debian package that has each.
PROGRAMS = {
    "xelatex": "texlive-xetex",
    "latexmk": "latexmk",
    "kpsewhich": "texlive-base",
    "convert": "imagemagick",
    "fc-list": "fontconfig",
}
# TeX files from packages that are easy to miss (hyperref under xelatex needs pzdr).
TEX_FILES = {
    "xeCJK.sty": "texlive-lang-chinese",
    "pzdr.tfm": "texlive-fonts-recommended",
    "fncychap.sty": "texlive-latex-extra",
    "titlesec.sty": "texlive-latex-extra",
}
FONTS = {"Noto Serif CJK SC": "fonts-noto-cjk", "FreeSerif": "fonts-freefont-otf"}
DEBIAN_PACKAGES = sorted(
    set(PROGRAMS.values()) | set(TEX_FILES.values()) | set(FONTS.values())
    | {"texlive-latex-recommended", "poppler-utils"}
)
MISSING_CHARACTER = re.compile(r"^Missing character: .*$", re.M)


def missing_packages():
    """Debian packages the PDF build still needs on this machine ([] = ready)."""
    missing = {pkg for prog, pkg in PROGRAMS.items() if shutil.which(prog) is None}
    if shutil.which("kpsewhich"):
        for name, pkg in TEX_FILES.items():
            found = subprocess.run(["kpsewhich", name], capture_output=True, text=True)
            if not found.stdout.strip():
                missing.add(pkg)
    if shutil.which("fc-list"):
        families = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True).stdout
        missing.update(pkg for font, pkg in FONTS.items() if font not in families)
    for prog in ("pdfinfo", "pdffonts", "pdftotext"):
        if shutil.which(prog) is None:
            missing.add("poppler-utils")
    return sorted(missing)


def _jupyter_book():
    exe = Path(sys.executable).with_name("jupyter-book")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book.cli.main"]


def page_count(pdf):
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(match.group(1)) if match else 0


def build(output=ROOT):
    """Run the build; returns (exit code, seconds, Paths).  Log: <output>/_build/pdf.log."""
    paths = Paths(output)
    paths.build.mkdir(parents=True, exist_ok=True)
    if paths.pdf.exists():
        paths.pdf.unlink()
    env = dict(
        os.environ,
        PYTHONHASHSEED="0",
        TF_CPP_MIN_LOG_LEVEL="3",
        # latexmk's xelatex mode makes the PDF once, at the end (Sphinx's Makefile
        # recommends it); stop at the first TeX error instead of asking a terminal.
        LATEXMKOPTS="-xelatex",
        LATEXOPTS="-interaction=nonstopmode -halt-on-error",
    )
    # Two steps, so that a Sphinx warning (the HTML build's business, and counted
    # by tests/test_pdf.py) does not stop the PDF: the LaTeX sources, then latexmk.
    command = _jupyter_book() + ["build", ".", "--all", "--builder", "latex"]
    if paths.output.resolve() != ROOT:
        command += ["--path-output", str(paths.output)]
    make = os.environ.get("MAKE", "make")
    start = time.perf_counter()
    with open(paths.log, "w", encoding="utf-8") as log:
        proc = subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL)
        if proc.returncode == 0:
            log.write("\n=== latexmk (make all-pdf) ===\n")
            log.flush()
            proc = subprocess.run([make, "all-pdf"], cwd=paths.latex, env=env, stdout=log,
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    code = proc.returncode if paths.pdf.is_file() or proc.returncode else 1
    return code, seconds, paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the TeX installation")
    parser.add_argument("--output", type=Path, default=ROOT,
                        help="write <OUTPUT>/_build/latex/cnnbook.pdf (default: the repository)")
    args = parser.parse_args(argv)
    missing = missing_packages()
    if missing:
        print("构建 PDF 还缺这些 Debian 软件包：" + " ".join(missing), file=sys.stderr)
        print("  sudo apt-get install --no-install-recommends " + " ".join(DEBIAN_PACKAGES),
              file=sys.stderr)
        return 2
    if args.check:
        print("TeX 与字体齐全，可以构建 PDF。")
        return 0
    code, seconds, paths = build(args.output)
    if code != 0:
        print(f"PDF 构建失败（退出码 {code}，{seconds:.0f} 秒），日志：{paths.log}", file=sys.stderr)
        log = paths.log.read_text(encoding="utf-8", errors="replace")
        print("\n".join(log.splitlines()[-30:]), file=sys.stderr)
        return 1
    text = paths.tex_log.read_text(encoding="utf-8", errors="replace")
    missing_chars = len(MISSING_CHARACTER.findall(text))
    print(f"{paths.pdf}：{page_count(paths.pdf)} 页，{seconds:.0f} 秒，"
          f"缺字 {missing_chars} 处（日志 {paths.log}）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
