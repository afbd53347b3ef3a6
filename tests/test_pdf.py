"""The whole book as a PDF (LaTeX route): `make pdf` -> _build/latex/cnnbook.pdf.

The PDF is built once per test session by the ``pdf_build`` fixture
(tests/conftest.py, running tools/build_pdf.py) before the HTML, which links it.
Checked with poppler's tools (pdfinfo, pdffonts, pdftotext, pdftohtml, pdfimages):

- the build succeeded, Sphinx's LaTeX writer warned about nothing, and the TeX
  log has no "Missing character" (a character no font has, left out of the PDF);
- every font is embedded;
- every page of _toc.yml is a chapter in the PDF's outline (bookmarks), with at
  least one page, and chapter numbers match the HTML (the preface is not numbered);
- the table of contents is clickable (links to the chapters' pages);
- Chinese text is typeset: words from every page are in the text layer, and so
  are a few known sentences;
- formulas are typeset (math fonts embedded), every figure is there, code wraps
  (no line runs more than 5 pt into the margin), exercises come with solutions.
"""
import re
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import chapter_docnames, toc_docnames  # noqa: E402
from test_reader_habits import inline_text, markdown_sources, source_path, walk  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BUILD_DIR = ROOT / "_build"
PDF = BUILD_DIR / "latex" / "cnnbook.pdf"
TEX = BUILD_DIR / "latex" / "cnnbook.tex"
TEX_LOG = BUILD_DIR / "latex" / "cnnbook.log"
PDF_LOG = BUILD_DIR / "pdf.log"
SENTENCES = [
    "这是一本可以运行的书",
    "卷积神经网络：TensorFlow/Keras 实战",
]
MAX_OVERFULL_PT = 5.0
IDEOGRAPHS = re.compile(r"[\u4e00-\u9fff]+")


def _loud_skip(message):
    banner = "\n" + "!" * 78 + f"\n!! PDF TESTS SKIPPED: {message}\n" + "!" * 78 + "\n"
    sys.stderr.write(banner)
    pytest.skip(f"PDF TESTS SKIPPED: {message}")


@pytest.fixture(scope="module")
def pdf(pdf_build):
    if not pdf_build.available:
        _loud_skip(pdf_build.reason + " (install them as root: .ci/run does)")
    if not pdf_build.ok:
        log = PDF_LOG.read_text(encoding="utf-8", errors="replace") if PDF_LOG.exists() else ""
        pytest.fail(f"the PDF build failed (exit {pdf_build.returncode}); log {PDF_LOG}:\n{log[-5000:]}",
                    pytrace=False)
    return PDF


def run(*command):
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@lru_cache(maxsize=None)
def text_layer(path):
    return run("pdftotext", "-enc", "UTF-8", str(path), "-")


@lru_cache(maxsize=None)
def pdf_xml(path):
    return run("pdftohtml", "-xml", "-i", "-q", "-stdout", str(path))


def ideographs(text):
    """Only the Chinese characters: immune to line breaks, spacing and hyphenation."""
    return "".join(IDEOGRAPHS.findall(text))


def outline(path):
    """[(depth, page, title)] of the PDF's bookmarks."""
    xml = pdf_xml(path)
    start = xml.find("<outline>")
    items, depth = [], 0
    for tok in re.finditer(r"<outline>|</outline>|<item page=\"(\d+)\">([^<]*)</item>", xml[start:]):
        if tok.group(0) == "<outline>":
            depth += 1
        elif tok.group(0) == "</outline>":
            depth -= 1
        else:
            items.append((depth, int(tok.group(1)), _unescape(tok.group(2))))
    return items


def _unescape(text):
    return text.replace("&#34;", '"').replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def page_title(docname):
    """The page's # title, as written in its source (Markdown markup removed)."""
    for _, text in markdown_sources(docname):
        match = re.search(r"^# (.+)$", text, re.M)
        if match:
            return re.sub(r"[`*]|\{[a-z]+\}", "", match.group(1)).strip()
    raise AssertionError(f"{docname} has no # title")


def first_words(docname, count=10):
    """`count` Chinese characters in a row from the first long stretch of plain text
    on the page (a role or a link, {doc} {term} {cite}, prints something else than
    its source, so only plain text is compared)."""
    for _, text in markdown_sources(docname):
        for kind, token in walk(text):
            if kind != "inline" or not token.map or text.splitlines()[token.map[0]].startswith("#"):
                continue
            for child in token.children or []:
                chars = ideographs(child.content) if child.type == "text" else ""
                if len(chars) >= count and chars == "".join(IDEOGRAPHS.findall(child.content)[:1]):
                    return chars[:count]
    return ""


def test_build_is_clean(pdf):
    log = PDF_LOG.read_text(encoding="utf-8", errors="replace")
    sphinx_part = log.split("=== latexmk", 1)[0]
    warnings = [line for line in sphinx_part.splitlines() if re.search(r"\b(WARNING|ERROR)\b", line)
                and not line.lstrip().startswith(("myst v", "myst-nb v"))]
    assert not warnings, "Sphinx warned while writing the LaTeX sources:\n" + "\n".join(warnings[:30])
    tex_log = TEX_LOG.read_text(encoding="utf-8", errors="replace")
    missing = sorted(set(re.findall(r"^Missing character: .*$", tex_log, re.M)))
    assert not missing, "characters no font has (left out of the PDF):\n" + "\n".join(missing[:20])


def test_fonts_are_embedded(pdf):
    rows = run("pdffonts", str(pdf)).splitlines()[2:]
    assert rows, "no fonts?"
    # columns: name type encoding emb sub uni object ID; the name may contain spaces
    not_embedded = [row for row in rows if row.split()[-5] != "yes"]
    assert not not_embedded, "fonts not embedded:\n" + "\n".join(not_embedded)
    names = " ".join(row.split()[0] for row in rows)
    assert "NotoSerifCJK" in names or "NotoSansCJK" in names, f"no Chinese font in {names}"


def test_every_page_of_the_book_is_a_chapter_with_pages(pdf):
    pages = int(re.search(r"^Pages:\s+(\d+)", run("pdfinfo", str(pdf)), re.M).group(1))
    items = outline(pdf)
    starts = []
    for docname in toc_docnames():
        title = page_title(docname)
        hits = [page for _, page, text in items if text.strip() == title]
        assert hits, f"{docname} ({title!r}) is not in the PDF's outline"
        starts.append((hits[0], docname))
    starts.sort()
    for (start, docname), (nxt, _) in zip(starts, starts[1:] + [(pages + 1, None)]):
        assert nxt - start >= 1, f"{docname} has no page of its own"
    assert [d for _, d in starts] == toc_docnames(), "the PDF's order differs from _toc.yml"


def test_chapter_numbers_match_the_html(pdf):
    text = ideographs(text_layer(pdf))
    raw = text_layer(pdf)
    for number, docname in enumerate(chapter_docnames(), 1):
        title = page_title(docname)
        head = re.search(rf"第\s*{number}\s*章\s*\n?\s*{re.escape(title)}", raw)
        assert head, f"chapter {number} of the HTML ({title}) is not 第 {number} 章 in the PDF"
    assert "第0章" not in text


def test_table_of_contents_is_clickable(pdf):
    xml = pdf_xml(pdf)
    pages = re.split(r"<page number=", xml)
    toc = next((p for p in pages if "目录" in p and "前言" in p), "")
    links = re.findall(r"<a href=\"[^\"]*#\d+\">", toc)
    assert len(links) >= len(toc_docnames()), f"only {len(links)} links on the contents page"


def test_chinese_text_is_in_the_text_layer(pdf):
    text = text_layer(pdf)
    squeezed = re.sub(r"\s+", "", text)
    for sentence in SENTENCES:
        assert re.sub(r"\s+", "", sentence) in squeezed, f"{sentence!r} is not in the PDF's text"
    chars = ideographs(text)
    for docname in toc_docnames():
        words = first_words(docname)
        if words:
            assert words in chars, f"{docname}: its opening words {words!r} are not in the PDF"


def test_formulas_figures_and_code(pdf):
    fonts = run("pdffonts", str(pdf))
    assert "CMMI" in fonts and "CMEX" in fonts, "no math fonts: were the formulas typeset?"
    tex = TEX.read_text(encoding="utf-8")
    assert tex.count("\\(") + tex.count("\\begin{equation") + tex.count("\\[") > 50

    expected = 0
    for docname in toc_docnames():
        path = source_path(docname)
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            expected += sum(1 for cell in nb.cells if cell.cell_type == "code" for out in cell.get("outputs", [])
                            if any(k.startswith("image/") for k in out.get("data", {})))
        for _, text in markdown_sources(docname):
            expected += len(re.findall(r"!\[[^\]]*\]\(|\{figure\}|\{image\}", text))
    listed = run("pdfimages", "-list", str(pdf)).splitlines()[2:]
    images = [row for row in listed if row.split()[2] == "image"]
    assert len(images) >= expected, f"{len(images)} images in the PDF, {expected} figures in the sources"

    log = TEX_LOG.read_text(encoding="utf-8", errors="replace")
    wide = [float(pt) for pt in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]
    too_wide = [pt for pt in wide if pt > MAX_OVERFULL_PT]
    assert not too_wide, f"{len(too_wide)} lines run into the margin (up to {max(too_wide):.0f} pt)"


def test_exercises_come_with_solutions(pdf):
    text = re.sub(r"\s+", "", text_layer(pdf))
    for number, docname in enumerate(chapter_docnames(), 1):
        nb = nbformat.read(source_path(docname), as_version=4)
        count = sum(len(re.findall(r":::\{exercise\}", c.source)) for c in nb.cells if c.cell_type == "markdown")
        for k in range(1, count + 1):
            assert f"练习{number}.{k}" in text, f"练习 {number}.{k} is not in the PDF"
            assert f"解答练习{number}.{k}" in text, f"the solution of 练习 {number}.{k} is not in the PDF"
