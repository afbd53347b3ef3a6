"""The book's own Sphinx extension: what a reader downloads, and the PDF's structure.

HTML
- The download menu of every page offers the whole-book PDF (when ``make pdf``
  has built ``_build/latex/cnnbook.pdf``) instead of the theme's print shortcut,
  and "下载全部笔记本": one zip with the notebooks, ``cnnbook/``, the data and a
  README (``tools/make_archive.py``).  Both files are copied into the HTML
  output, next to ``index.html``.
- ``{downloads}`` (a directive, used on the front page) shows the same links,
  plus the repository when ``repository.url`` is set in ``_config.yml``.  That
  one setting also turns on the theme's repository button; while it is empty
  the book shows no repository link at all.

Search
- Sphinx before 8.1 keeps every Latin word of the Chinese search index in one
  list and looks each word up in it (``word in list``), which made the search
  index the slowest part of the HTML build (54 of 205 s under cProfile).
  Sphinx 8.1 made it a set (sphinx-doc/sphinx pull request 12995); jupyter-book
  1 needs Sphinx 7, so ``FastSearchChinese`` does the same here.  It splits
  and stems exactly as Sphinx's class (tests/test_search_index.py), and a
  whole build wrote the same searchindex.js, byte for byte.

LaTeX
- The preface (the root page) becomes one unnumbered chapter, so the chapter
  numbers of the PDF are the HTML's; each part of ``_toc.yml`` opens with
  ``\\part``, the part captioned 附录 with ``\\appendix`` (macros in
  ``_ext/cnnbook.sty``).
"""
import importlib.util
import html
import shutil
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

LOGGER = logging.getLogger(__name__)
PDF_NAME = "cnnbook.pdf"
APPENDIX_CAPTION = "附录"


def _load_make_archive(srcdir):
    path = Path(srcdir) / "tools" / "make_archive.py"
    spec = importlib.util.spec_from_file_location("cnnbook_make_archive", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _build_dir(app):
    """jupyter-book's _build (the parent of _build/html and _build/latex)."""
    return Path(app.outdir).parent


def _pdf_path(app):
    return _build_dir(app) / "latex" / PDF_NAME


def _archive_path(app):
    return _build_dir(app) / "archive" / app.config.cnnbook_archive_name


def _repository_url(app):
    return (app.config.html_theme_options or {}).get("repository_url", "") or ""


# --- configuration ----------------------------------------------------------------


def on_config_inited(app, config):
    """Write the archive, note whether the PDF exists, set the repository button.

    Both facts are config values with rebuild="html": when they change, every
    page is written again (the menus and the front page mention them).
    """
    make_archive = _load_make_archive(app.srcdir)
    config.cnnbook_archive_name = make_archive.ARCHIVE_NAME
    path = make_archive.make_archive(_archive_path(app), root=Path(app.srcdir))
    config.cnnbook_archive_mb = f"{path.stat().st_size / 1e6:.0f}"
    config.cnnbook_pdf_available = _pdf_path(app).is_file()
    options = config.html_theme_options
    if options.get("repository_url"):
        options["use_repository_button"] = True


# --- HTML -------------------------------------------------------------------------


def _download_items(app, pathto):
    items = []
    if app.config.cnnbook_pdf_available:
        items.append({
            "type": "link",
            "url": pathto(PDF_NAME, 1),
            "text": "全书 PDF",
            "tooltip": "下载全书的 PDF 版",
            "icon": "fas fa-file-pdf",
            "label": "download-book-pdf-button",
        })
    items.append({
        "type": "link",
        "url": pathto(app.config.cnnbook_archive_name, 1),
        "text": "下载全部笔记本",
        "tooltip": f"全部章节的笔记本、辅助包与数据（.zip，约 {app.config.cnnbook_archive_mb} MB）",
        "icon": "fas fa-file-zipper",
        "label": "download-archive-button",
    })
    return items


def on_html_page_context(app, pagename, templatename, context, doctree):
    """Download menu: drop the print shortcut, add the PDF and the archive."""
    for group in context.get("header_buttons") or []:
        if group.get("label") != "download-buttons":
            continue
        kept = [b for b in group["buttons"] if b.get("label") != "download-pdf-button"]
        group["buttons"] = kept + _download_items(app, context["pathto"])
        group["tooltip"] = "下载"


def _write_index_redirect(app, outdir):
    """index.html: the redirect to the front page, as a real page.

    sphinx-external-toc writes a one-line ``<meta http-equiv="Refresh">`` only
    when index.html is missing; ours also carries the charset, a Chinese title,
    the favicon and a link for browsers that do not follow the redirect.
    """
    root = app.config.root_doc
    icon = f'\n<link rel="icon" href="_static/{Path(app.config.html_favicon).name}"/>' \
        if app.config.html_favicon else ""
    (outdir / "index.html").write_text(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\"/>\n"
        f'<meta http-equiv="Refresh" content="0; url={root}.html"/>\n'
        f"<title>{html.escape(app.config.html_title or app.config.project)}</title>{icon}\n"
        f'</head>\n<body><p><a href="{root}.html">打开本书首页</a></p></body>\n</html>\n',
        encoding="utf-8")


def on_build_finished(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    shutil.copyfile(_archive_path(app), outdir / app.config.cnnbook_archive_name)
    _write_index_redirect(app, outdir)
    target = outdir / PDF_NAME
    if app.config.cnnbook_pdf_available:
        shutil.copyfile(_pdf_path(app), target)
    elif target.exists():
        target.unlink()


class downloads(nodes.General, nodes.Element):
    """Placeholder for the front page's download links (HTML only)."""


class DownloadsDirective(SphinxDirective):
    """``{downloads}``: links to the archive, the PDF and the repository."""

    has_content = False

    def run(self):
        return [downloads()]


def visit_downloads_html(self, node):
    app = self.builder.app
    base = self.builder.get_target_uri(self.builder.current_docname)
    archive = relative_uri(base, app.config.cnnbook_archive_name)
    lines = [
        f'<a class="cnnbook-download" href="{archive}" download>'
        '<i class="fas fa-file-zipper"></i> 下载全部笔记本</a>'
        f'（.zip，约 {app.config.cnnbook_archive_mb} MB）：各章笔记本、辅助包 '
        '<code>cnnbook</code>、随书数据与 <code>requirements.txt</code>；'
        '压缩包里的 README 写明了在自己的电脑上和在 Colab 中运行的步骤。'
    ]
    if app.config.cnnbook_pdf_available:
        pdf = relative_uri(base, PDF_NAME)
        lines.append(
            f'<a class="cnnbook-download" href="{pdf}">'
            '<i class="fas fa-file-pdf"></i> 全书 PDF</a>：适合打印和离线阅读。'
        )
    url = _repository_url(app)
    if url:
        lines.append(
            f'<a class="cnnbook-download" href="{url}">'
            '<i class="fab fa-github"></i> 源代码仓库</a>：书的全部源文件与测试。'
        )
    items = "".join(f"<li>{line}</li>" for line in lines)
    self.body.append(f'<ul class="cnnbook-downloads">{items}</ul>\n')
    raise nodes.SkipNode


def skip_node(self, node):
    raise nodes.SkipNode


# --- LaTeX ------------------------------------------------------------------------


def _toc_parts(env):
    """[(caption, first docname)] of the parts of _toc.yml, and the root docname."""
    site_map = getattr(env, "external_site_map", None)
    if site_map is None:
        return env.config.root_doc, []
    root = site_map.root
    parts = [(tree.caption or "", tree.items[0]) for tree in root.subtrees if tree.items]
    return root.docname, [(c, d) for c, d in parts if isinstance(d, str)]


class LatexBookStructure(SphinxPostTransform):
    """Preface, parts and appendix of the PDF (runs on LaTeX's one big doctree)."""

    default_priority = 900
    builders = ("latex",)

    def run(self, **kwargs):
        starts = {n["docname"]: n for n in self.document.findall(addnodes.start_of_file)}
        if not starts:
            return
        _, parts = _toc_parts(self.env)
        self._preface()
        for caption, docname in parts:
            node = starts.get(docname)
            if node is None:
                continue
            macro = "cnnbookappendix" if caption == APPENDIX_CAPTION else "cnnbookpart"
            latex = r"\%s{%s}" % (macro, self._escape(caption))
            node.insert(0, nodes.raw("", latex + "\n", format="latex"))

    def _escape(self, text):
        from sphinx.util.texescape import escape

        return escape(text, self.config.latex_engine)

    def _preface(self):
        top = next((c for c in self.document.children if isinstance(c, nodes.section)), None)
        if top is None or not isinstance(top.children[0], nodes.title):
            return
        title = top.children[0].astext()
        own = []
        for child in top.children[1:]:
            if any(True for _ in child.findall(addnodes.start_of_file)):
                break
            own.append(child)
        wrapper = nodes.section()
        wrapper += nodes.raw("", r"\cnnbookpreface{%s}" % self._escape(title) + "\n", format="latex")
        for child in own:
            top.remove(child)
            wrapper += child
        top.insert(1, wrapper)


def fast_chinese_search():
    """Sphinx's Chinese search with a set of Latin words, or None if Sphinx has it already."""
    from sphinx.search import zh

    if not isinstance(getattr(zh.SearchChinese, "latin_terms", None), list):
        return None  # Sphinx 8.1+: latin_terms is a set made in __init__

    class LatinTerms(set):
        """A set that Sphinx 7.4's own ``split`` can ``extend`` as it did its list."""

        extend = set.update

    class FastSearchChinese(zh.SearchChinese):
        """zh.SearchChinese (Sphinx 7.4) with ``latin_terms`` a set of this build's words."""

        def init(self, options):
            super().init(options)
            self.latin_terms = LatinTerms()

    return FastSearchChinese


def setup(app):
    import sphinx.search

    fast = fast_chinese_search()
    if fast is not None:
        sphinx.search.languages["zh"] = fast
    app.add_config_value("cnnbook_archive_name", "cnnbook-notebooks.zip", "html")
    app.add_config_value("cnnbook_archive_mb", "", "html")
    app.add_config_value("cnnbook_pdf_available", False, "html")
    app.connect("config-inited", on_config_inited)
    app.connect("html-page-context", on_html_page_context, priority=600)
    app.connect("build-finished", on_build_finished)
    app.add_node(
        downloads,
        html=(visit_downloads_html, None),
        latex=(skip_node, None),
        text=(skip_node, None),
        man=(skip_node, None),
        texinfo=(skip_node, None),
    )
    app.add_directive("downloads", DownloadsDirective)
    app.add_post_transform(LatexBookStructure)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
