"""Notebook hygiene: every chapter is clean, executed in order, and follows the book's layout.

nbval (``pytest --nbval chapters``) checks that the stored outputs are exact;
these tests check what nbval cannot: that the stored notebooks are tidy.
"""
import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))

_spec = importlib.util.spec_from_file_location("execute_notebooks", ROOT / "tools" / "execute_notebooks.py")
execute_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(execute_notebooks)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def test_every_chapter_is_in_the_toc_and_every_toc_chapter_exists(chapter_docnames):
    listed = set(chapter_docnames)
    on_disk = {f"chapters/{p.stem}" for p in CHAPTERS}
    assert on_disk == listed


@pytest.fixture(params=CHAPTERS, ids=lambda p: p.stem)
def nb(request):
    return nbformat.read(request.param, as_version=4)


def test_executed_top_to_bottom_with_clean_metadata(nb):
    counts = [c.execution_count for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1)), "run `make execute NB=...` (cells run out of order)"
    assert nb.metadata.kernelspec.name == "python3"
    assert set(nb.metadata) == {"kernelspec", "language_info"}
    for cell in nb.cells:
        assert "execution" not in cell.metadata
        if cell.cell_type == "code":
            assert cell.source.strip(), "empty code cell"


def test_stdout_is_stored_as_one_stream_per_cell(nb):
    """make execute merges the kernel's stdout chunks, so re-running gives a clean diff."""
    for i, cell in enumerate(code_cells(nb)):
        assert execute_notebooks.merge_streams(list(cell.outputs)) == cell.outputs, (
            f"code cell {i + 1}: run `python tools/execute_notebooks.py --normalise-only`"
        )


def test_no_log_noise_errors_or_addresses_in_outputs(nb):
    for i, cell in enumerate(code_cells(nb)):
        for text in execute_notebooks.output_texts(cell):
            assert not execute_notebooks.NOISE.search(text), f"code cell {i + 1}: {text[:200]}"
        for out in cell.outputs:
            assert out.output_type != "error", f"code cell {i + 1} stored an error"
            assert not (out.output_type == "stream" and out.name == "stderr"), (
                f"code cell {i + 1} wrote to stderr: {out.text[:200]}"
            )


def test_no_missing_glyph_warnings_in_outputs(nb):
    """A CJK label drawn without a CJK font makes matplotlib warn 'Glyph … missing from font(s) …'."""
    for i, cell in enumerate(code_cells(nb)):
        for text in execute_notebooks.output_texts(cell):
            match = execute_notebooks.MISSING_GLYPH.search(text)
            assert not match, (
                f"code cell {i + 1}: {match.group(0)!r} — call "
                "`from cnnbook.plot import use_cjk_font; use_cjk_font()` before plotting"
            )


def test_only_self_checking_cells_skip_output_comparison(nb):
    for cell in code_cells(nb):
        tags = cell.metadata.get("tags", [])
        assert "nbval-skip" not in tags, "no cell is excluded from nbval"
        if "nbval-ignore-output" in tags and "banner()" not in cell.source:
            assert re.search(r"^\s*assert\b", cell.source, re.M), (
                f"a cell that skips output comparison must assert its result:\n{cell.source[:300]}"
            )


def test_setup_cell_and_banner_come_first(nb):
    first, second = code_cells(nb)[:2]
    assert "quiet_tensorflow()" in first.source and "set_seed(" in first.source
    assert "banner()" in second.source and "nbval-ignore-output" in second.metadata.get("tags", [])


def test_summary_and_exercises_with_hidden_solutions(nb):
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert re.search(r"^## 小结", markdown, re.M)
    assert re.search(r"^## 练习", markdown, re.M)
    exercises = re.findall(r":::\{exercise\}\s*\n:label: (\S+)", markdown)
    solutions = re.findall(r":::\{solution\} (\S+)\s*\n:class: dropdown", markdown)
    assert len(exercises) >= 3
    assert sorted(exercises) == sorted(solutions), "every exercise needs a dropdown solution"


def test_exercise_labels_are_unique_across_the_book():
    labels = []
    for path in CHAPTERS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                labels += re.findall(r":::\{exercise\}\s*\n:label: (\S+)", cell.source)
    assert len(labels) == len(set(labels))


def banned_spellings():
    """The 不用 column of the glossary's 用词约定 table (minus words with other meanings)."""
    ambiguous = {"周期"}  # also means "period" in general prose
    text = (ROOT / "appendix" / "glossary.md").read_text(encoding="utf-8")
    table = text.split("## 用词约定", 1)[1].split("##", 1)[0]
    banned = {}
    for row in table.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("本书用", "---"):
            for word in cells[1].split("、"):
                if word and word not in ambiguous:
                    banned[word] = cells[0]
    return banned


def test_one_spelling_per_term_across_the_book():
    banned = banned_spellings()
    assert {"汇聚", "步长", "特征映射"} <= set(banned)
    sources = {p.name: "\n".join(c.source for c in nbformat.read(p, as_version=4).cells) for p in CHAPTERS}
    sources["intro.md"] = (ROOT / "intro.md").read_text(encoding="utf-8")
    for page in (ROOT / "appendix").glob("*.md"):
        if page.name != "glossary.md":
            sources[page.name] = page.read_text(encoding="utf-8")
    found = [f"{name}: 用了“{word}”，本书用“{banned[word]}”"
             for name, text in sources.items() for word in banned if word in text]
    assert not found, "\n".join(found)
