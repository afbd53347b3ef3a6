"""The book's Chinese search (_ext/cnnbook_reader.py) indexes exactly as Sphinx's.

Sphinx 7.4's ``zh.SearchChinese`` keeps every Latin word it has seen in one
class-level list and looks each word up in it, so building the search index
took a quarter of the HTML build.  ``FastSearchChinese`` keeps a set (as
Sphinx 8.1 does).  The oracle is Sphinx's own class: fed the book's text in
the same order, both must split every paragraph into the same words and stem
every word the same way.  Sphinx's class is the slow one, so the check feeds
it every 10th paragraph of the book (a few seconds), not all of them.
"""
import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
zh = pytest.importorskip("sphinx.search.zh")


def _reader():
    spec = importlib.util.spec_from_file_location("cnnbook_reader_under_test",
                                                  ROOT / "_ext" / "cnnbook_reader.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _book_paragraphs(every=10):
    """Every ``every``-th paragraph of the chapters' cells (prose and code), in book order."""
    out = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            out += [p for p in "".join(cell["source"]).split("\n\n") if p.strip()]
    return out[::every]


def test_fast_chinese_search_splits_and_stems_as_sphinx_does():
    fast_class = _reader().fast_chinese_search()
    if fast_class is None:
        pytest.skip("this Sphinx keeps latin_terms in a set already (8.1+)")
    options = {"dict": str(ROOT / "_static" / "jieba_userdict.txt")}
    saved = list(zh.SearchChinese.latin_terms)
    zh.SearchChinese.latin_terms.clear()  # the class-level list of this process
    try:
        sphinx_lang, fast = zh.SearchChinese(options), fast_class(options)
        words = 0
        for paragraph in _book_paragraphs():
            split = sphinx_lang.split(paragraph)
            assert fast.split(paragraph) == split
            for word in split:
                assert fast.stem(word) == sphinx_lang.stem(word), word
                words += 1
        assert set(zh.SearchChinese.latin_terms) == fast.latin_terms
    finally:
        zh.SearchChinese.latin_terms[:] = saved
    # the book has enough Latin words (Conv2D, ReLU, ...) for the check to mean something
    assert len(fast.latin_terms) > 300 and words > 5_000
    # an acronym whose stem would be too short keeps its own spelling
    assert fast.stem("ReLU") == sphinx_lang.stem("ReLU")
