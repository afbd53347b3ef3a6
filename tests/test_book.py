"""The built HTML book: zero warnings, offline maths, Chinese search, glossary,
bibliography, exercises with hidden solutions, download buttons, clean outputs;
what a reader downloads (the archive of all notebooks on every page, the PDF in
every download menu instead of the print dialog), the favicon, the repository
link (only when repository.url is set, never a placeholder), a Chinese interface
and Chinese alt text on every image.
(Stored notebook outputs are checked in tests/test_notebooks.py.)

The build is the session fixture of tests/conftest.py (one build per test run);
`html_dir` fails with the build log if the build printed any warning.
"""
import json
import re
import zipfile
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import toc_docnames

ROOT = Path(__file__).resolve().parents[1]

# Hosts a page must never load anything from (the book is read offline).
CDN = re.compile(
    r"unpkg\.com|jsdelivr|cdnjs|googleapis|gstatic|mybinder|mathjax\.org|polyfill\.io|"
    r"plausible\.io|google-analytics|googletagmanager|binder\.org"
)
# Text that only TensorFlow's / XLA's C++ start-up log would put into an output.
TF_LOG_OUTPUT = re.compile(r"absl|oneDNN|cuda_|cudart|TF_ENABLE_ONEDNN_OPTS|cuDNN factory|cuBLAS factory")
TF_LOG_ANYWHERE = re.compile(
    r"All log messages before absl::InitializeLog|oneDNN custom operations are on|"
    r"Unable to register cu(DNN|FFT|BLAS) factory|Could not find cuda drivers|"
    r"This TensorFlow binary is optimized to use available CPU instructions|"
    r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ \S+\.(cc|h):\d+\]",
    re.M,
)

# Words a reader types into the search box, and a page that must come up.
SEARCHES = [
    ("卷积核", "chapters/02_image_convolution"),
    ("步幅", "chapters/03_padding_stride"),
    ("池化", "chapters/05_pooling"),
    ("通道", "chapters/04_channels"),
]

# The bibliography must list these works (a few words of each entry).
BIBLIOGRAPHY = {
    "Fukushima 1980 (Neocognitron)": ["Fukushima", "Neocognitron", "1980"],
    "LeCun et al. 1989": ["LeCun", "Backpropagation applied to handwritten zip code recognition", "1989"],
    "LeCun et al. 1998": ["LeCun", "Gradient-based learning applied to document recognition", "1998"],
    "d2l": ["Dive into Deep Learning", "Zhang"],
    "TensorFlow 深度学习 (seed 004)": ["龙良曲", "TensorFlow深度学习"],
}


@lru_cache(maxsize=None)
def soup(path):
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


def page(html_dir, docname):
    return soup(html_dir / f"{docname}.html")


def html_pages(html_dir):
    """Every HTML page the build wrote (not the copied static assets)."""
    return sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts and "_sources" not in p.parts)


@lru_cache(maxsize=None)
def search_index(html_dir):
    text = (html_dir / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])



def glossary_terms():
    """The terms defined in appendix/glossary.md (``:::{glossary}`` block)."""
    text = (ROOT / "appendix" / "glossary.md").read_text(encoding="utf-8")
    block = text[text.index("{glossary}") :].split("\n:::", 1)[0]
    return [line.strip() for line in block.splitlines()[1:] if line.strip() and not line.startswith((" ", "\t"))]


def is_external(url):
    return bool(urlsplit(url).scheme in ("http", "https") or url.startswith("//"))


# --- the build ------------------------------------------------------------------


def test_build_has_zero_warnings(book_build):
    assert book_build.ok, book_build.report()


def test_every_toc_page_is_built(html_dir, toc_page):
    path = html_dir / f"{toc_page}.html"
    assert path.is_file(), f"{toc_page} is listed in _toc.yml but {path} was not built"
    title = page(html_dir, toc_page).find("h1")
    assert title is not None and title.get_text(strip=True), f"{toc_page}: no <h1> title"


def test_pages_are_marked_chinese(html_dir):
    doc = page(html_dir, "intro")
    assert doc.html.get("lang") == "zh-CN"
    assert "搜索本书" in str(doc), "search box placeholder should be Chinese (html_theme_options.search_bar_text)"


# --- maths, offline ---------------------------------------------------------------


def test_mathjax_is_served_from_the_build(html_dir):
    mathjax = html_dir / "_static" / "mathjax"
    assert (mathjax / "tex-chtml.js").is_file(), "MathJax was not copied into the build (sphinx-mathjax-offline)"
    fonts = list((mathjax / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff"))
    assert len(fonts) > 10, "MathJax CHTML web fonts are missing from the build"


def test_pages_load_nothing_from_the_network(html_dir):
    problems = []
    for path in html_pages(html_dir):
        doc = soup(path)
        name = path.relative_to(html_dir).as_posix()
        for tag, attr in [("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"),
                          ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data")]:
            for el in doc.find_all(tag, attrs={attr: True}):
                if is_external(el[attr]):
                    problems.append(f"{name}: <{tag} {attr}={el[attr]}>")
        for el in doc.find_all("link", href=True):
            rel = " ".join(el.get("rel", []))
            if rel not in ("canonical", "alternate") and is_external(el["href"]):
                problems.append(f"{name}: <link rel={rel} href={el['href']}>")
        for match in CDN.finditer(str(doc)):
            problems.append(f"{name}: mentions {match.group(0)}")
    assert not problems, "pages need the network:\n" + "\n".join(sorted(set(problems))[:40])


def test_pages_with_maths_load_local_mathjax(html_dir):
    with_math = 0
    for path in html_pages(html_dir):
        doc = soup(path)
        if not doc.select(".math"):
            continue
        with_math += 1
        srcs = [s["src"] for s in doc.find_all("script", src=True) if "mathjax" in s["src"].lower()]
        assert srcs, f"{path.name} has maths but no MathJax script"
        for src in srcs:
            assert not is_external(src), f"{path.name}: MathJax from {src}"
            assert (path.parent / urlsplit(src).path).resolve().is_file(), f"{path.name}: {src} not in the build"
    assert with_math >= 1, "no page with maths at all?"


# --- Chinese search ---------------------------------------------------------------------


@pytest.mark.parametrize("word, docname", SEARCHES, ids=[w for w, _ in SEARCHES])
def test_search_index_finds_chinese_words(html_dir, word, docname):
    index = search_index(html_dir)
    hits = set()
    for table in ("terms", "titleterms"):
        found = index[table].get(word, [])
        hits.update([found] if isinstance(found, int) else found)
    pages = {index["docnames"][i] for i in hits}
    assert docname in pages, f"searching {word!r} finds {sorted(pages)}, not {docname}"


def test_glossary_terms_are_whole_words_in_the_search_index(html_dir):
    index = search_index(html_dir)
    cjk_terms = [t for t in glossary_terms() if re.fullmatch(r"[\u4e00-\u9fff]{2,}", t)]
    assert len(cjk_terms) > 10
    missing = [t for t in cjk_terms if t not in index["terms"] and t not in index["titleterms"]]
    assert not missing, (
        "jieba splits these glossary terms, so searching them finds nothing; add lines to "
        "_static/jieba_userdict.txt:\n" + "\n".join(f"{t} 50000 n" for t in missing)
    )


# --- glossary, bibliography ---------------------------------------------------------------


def test_term_links_resolve_to_glossary_entries(html_dir):
    glossary = page(html_dir, "appendix/glossary")
    ids = {el["id"] for el in glossary.select("dl.glossary dt[id]")}
    assert len(ids) >= len(glossary_terms()) > 0
    links = 0
    for path in html_pages(html_dir):
        for a in soup(path).select('a[href*="glossary.html#term-"]'):
            links += 1
            anchor = unquote(a["href"].split("#", 1)[1])
            assert anchor in ids, f"{path.name}: link {a['href']} ({a.get_text()}) has no glossary entry"
    assert links > 0


def test_each_chapter_links_terms_to_the_glossary(html_dir, chapter_page):
    links = page(html_dir, chapter_page).select('a[href*="glossary.html#term-"]')
    assert links, f"{chapter_page}: no {{term}} link to the glossary (link a term on its first use)"


def test_bibliography_lists_the_core_works(html_dir):
    entries = [el.get_text(" ", strip=True) for el in page(html_dir, "appendix/bibliography").select(".citation")]
    for work, words in BIBLIOGRAPHY.items():
        assert any(all(w in entry for w in words) for entry in entries), f"bibliography lacks {work}"


def test_citations_resolve_to_bibliography_entries(html_dir):
    ids = {el["id"] for el in page(html_dir, "appendix/bibliography").select(".citation[id]")}
    for path in html_pages(html_dir):
        for a in soup(path).select('a[href*="bibliography.html#"]'):
            anchor = a["href"].split("#", 1)[1]
            assert anchor in ids, f"{path.name}: citation {a['href']} has no bibliography entry"


# --- chapter pages ----------------------------------------------------------------------------


def test_exercises_have_hidden_solutions_with_chinese_labels(html_dir, chapter_page):
    doc = page(html_dir, chapter_page)
    exercises = doc.select("div.exercise")
    assert len(exercises) >= 3, f"{chapter_page}: {len(exercises)} exercises, expected at least 3"
    solutions = doc.select("div.solution")
    solved = set()
    for sol in solutions:
        assert "dropdown" in sol["class"], f"{chapter_page}: solution {sol.get('id')} is not hidden (:class: dropdown)"
        title = sol.select_one(".admonition-title")
        assert title.get_text(" ", strip=True).startswith("解答"), title.get_text()
        link = title.find("a", href=True)
        solved.add(link["href"].lstrip("#"))
    for ex in exercises:
        title = ex.select_one(".admonition-title").get_text(" ", strip=True)
        assert re.match(r"练习 \d+\.\d+", title), f"{chapter_page}: exercise title {title!r}"
        assert ex["id"] in solved, f"{chapter_page}: exercise {ex['id']} has no solution"
    text = " ".join(t.get_text(" ", strip=True) for t in doc.select(".exercise .admonition-title, .solution .admonition-title"))
    assert not re.search(r"\b(Exercise|Solution)\b", text), text


def test_download_notebook_button(html_dir, chapter_page):
    doc = page(html_dir, chapter_page)
    buttons = doc.select("a.btn-download-source-button")
    assert buttons, f"{chapter_page}: no download button"
    href = buttons[0]["href"]
    assert href.endswith(f"_sources/{chapter_page}.ipynb"), href
    assert buttons[0].get_text(strip=True) == ".ipynb"
    copy = (html_dir / f"{chapter_page}.html").parent / href
    assert copy.resolve().read_bytes() == (ROOT / f"{chapter_page}.ipynb").read_bytes()


def test_no_launch_buttons_that_need_a_server(html_dir, chapter_page):
    html = str(page(html_dir, chapter_page))
    for needle in ("launch-buttons", "colab.research.google.com", "binder", "thebe-launch-button", "jupyterhub"):
        assert needle not in html, f"{chapter_page}: {needle}"


def test_no_tensorflow_log_text(html_dir, toc_page):
    doc = page(html_dir, toc_page)
    for out in doc.select("div.cell_output"):
        text = out.get_text("\n")
        match = TF_LOG_OUTPUT.search(text)
        assert not match, f"{toc_page}: TensorFlow log text in an output: ...{text[max(0, match.start() - 80):match.end() + 80]}..."
    match = TF_LOG_ANYWHERE.search(doc.get_text("\n"))
    assert not match, f"{toc_page}: TensorFlow log line: {match.group(0)}"


# --- what a reader downloads: the PDF, the archive; the favicon; the repository -----------

ARCHIVE = "cnnbook-notebooks.zip"
PLACEHOLDER = re.compile(r"<[^<>\n]{0,20}(地址|address|URL|url)[^<>\n]{0,20}>")
# English interface text (tests/test_browser.py checks the same after the scripts ran).
ENGLISH_UI = [
    "Toggle primary sidebar", "Toggle secondary sidebar", "Color mode", "System Settings",
    "Link to this", "Copyright", "Print to PDF", "Download this page", "Fullscreen mode",
    "Search the docs", "Skip to main content", "Back to top",
]
CJK_TEXT = re.compile(r"[\u4e00-\u9fff]")


def _target(html_dir, docname, href):
    return ((html_dir / f"{docname}.html").parent / unquote(urlsplit(href).path)).resolve()


def test_every_page_links_the_archive_of_all_notebooks(html_dir, toc_page):
    doc = page(html_dir, toc_page)
    links = [a for a in doc.find_all("a", href=True) if "下载全部笔记本" in a.get_text()]
    assert links, f"{toc_page}: no 下载全部笔记本 link"
    for a in links:
        target = _target(html_dir, toc_page, a["href"])
        assert target == (html_dir / ARCHIVE).resolve() and zipfile.is_zipfile(target), a["href"]


def test_the_archive_in_the_book_is_complete(html_dir):
    with zipfile.ZipFile(html_dir / ARCHIVE) as zf:
        names = set(zf.namelist())
    for docname in [d for d in toc_docnames() if d.startswith("chapters/")]:
        assert f"cnnbook-notebooks/{docname}.ipynb" in names, f"{docname} is not in {ARCHIVE}"
    assert {"cnnbook-notebooks/README.md", "cnnbook-notebooks/requirements.txt",
            "cnnbook-notebooks/cnnbook/__init__.py"} <= names


def test_front_page_lists_the_downloads(html_dir):
    box = page(html_dir, "intro").select_one("ul.cnnbook-downloads")
    assert box is not None, "the front page has no download list ({downloads} in intro.md)"
    assert box.find("a", href=ARCHIVE) is not None


def test_download_menu_offers_the_pdf_not_the_print_dialog(html_dir, toc_page, pdf_build):
    doc = page(html_dir, toc_page)
    assert "window.print()" not in str(doc), f"{toc_page}: the download menu still opens the print dialog"
    pdf_links = [a for a in doc.find_all("a", href=True) if a["href"].endswith("cnnbook.pdf")]
    if not pdf_build.ok:
        assert not pdf_links, f"{toc_page} links a PDF that was not built"
        pytest.skip(f"no PDF in this build ({pdf_build.reason or 'the PDF build failed'})")
    assert pdf_links, f"{toc_page}: the download menu does not offer the PDF"
    for a in pdf_links:
        target = _target(html_dir, toc_page, a["href"])
        assert target.read_bytes() == (ROOT / "_build" / "latex" / "cnnbook.pdf").read_bytes()


def test_every_page_has_the_favicon(html_dir):
    from PIL import Image

    icon = html_dir / "_static" / "favicon.ico"
    with Image.open(icon) as img:
        assert {(16, 16), (32, 32), (48, 48)} <= set(img.info["sizes"])
    for path in html_pages(html_dir):
        links = soup(path).select('link[rel~="icon"]')
        assert links, f"{path.name}: no favicon link"
        assert (path.parent / links[0]["href"]).resolve() == icon.resolve()


def test_repository_link_follows_the_one_setting(html_dir):
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = (config.get("repository") or {}).get("url") or ""
    for path in html_pages(html_dir):
        html = str(soup(path))
        if url:
            assert url in html, f"{path.name} does not link the repository {url}"
        else:
            assert "btn-source-repository-button" not in html and "源代码仓库" not in html, (
                f"{path.name} shows a repository link while repository.url is empty"
            )
        match = PLACEHOLDER.search(soup(path).get_text())
        assert not match, f"{path.name}: placeholder {match.group(0)!r}"
    for name in ("README.md", "intro.md"):
        match = PLACEHOLDER.search((ROOT / name).read_text(encoding="utf-8"))
        assert not match, f"{name}: placeholder {match.group(0)!r}"


def test_interface_text_is_chinese(html_dir, toc_page):
    doc = BeautifulSoup((html_dir / f"{toc_page}.html").read_text(encoding="utf-8"), "html.parser")
    for tag in doc(["script", "style"]):
        tag.decompose()
    html = str(doc)
    found = sorted({s for s in ENGLISH_UI if s in html})
    assert not found, f"{toc_page}: English interface text {found}"


def test_every_image_has_chinese_alt_text(html_dir, toc_page):
    bad = []
    for img in page(html_dir, toc_page).select("article.bd-article img"):
        alt = img.get("alt", "")
        if not CJK_TEXT.search(alt) or re.search(r"\.(png|gif|jpe?g|svg)\b", alt):
            bad.append(f"{img.get('src')}: alt={alt!r}")
    assert not bad, f"{toc_page}: images without Chinese alt text:\n" + "\n".join(bad)


def test_the_theme_is_the_pinned_one():
    """requirements.txt pins the theme (the phone's sidebar buttons depend on it)."""
    from importlib.metadata import version

    pins = dict(re.findall(r"^([\w-]+)==([\w.]+)", (ROOT / "requirements.txt").read_text(), re.M))
    for name in ("sphinx-book-theme", "pydata-sphinx-theme"):
        assert name in pins, f"requirements.txt does not pin {name}"
        assert version(name) == pins[name], f"{name} {version(name)} is installed, {pins[name]} is pinned"
