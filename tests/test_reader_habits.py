"""What a reader sees, checked on the sources of every page listed in _toc.yml.

- **Code fits the column.**  No line of a code cell, and no line of a fenced
  code block in the text, is wider than 80 columns; a Chinese character counts
  2 columns, as it takes two in a monospaced font.  (Put comments on their own
  line.)  80 columns fit the text column at 1366 px, and printed pages.
- **No line break between two Chinese characters inside a paragraph.**  A
  browser renders it as a space ("时， 读者会").  The sources are parsed with
  MyST's own Markdown parser (the extensions of _config.yml), so headings,
  lists, tables, code and directive options are not mistaken for paragraphs;
  the bodies of directives ({note}, {exercise}, {solution}, the glossary's
  definitions, ...) are parsed the same way.
- **Every figure has Chinese alt text.**  An image output gets it from its code
  cell's metadata ``{"mystnb": {"image": {"alt": "…"}}}`` (myst-nb writes it into
  the page); a Markdown image from ``![…](path)``; ``{figure}``/``{image}`` from
  ``:alt:``.  Screen readers read it, and it shows where the image cannot load.
"""
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MAX_COLUMNS = 80
# Chinese characters, CJK punctuation, full-width forms and the quotes and dashes
# of Chinese text: a line break between two of them renders as a stray space.
CJK = "\u2e80-\u2fff\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u201c\u201d\u2018\u2019\u2014\u2026"
CJK_BREAK = re.compile(f"([{CJK}])\n([{CJK}])")
HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
# Directives whose body is not Markdown text.
NOT_MARKDOWN = {
    "code-cell", "code-block", "code", "sourcecode", "math", "raw", "bibliography",
    "toctree", "tableofcontents", "downloads", "literalinclude", "csv-table", "list-table",
}
IMAGE_DIRECTIVES = {"figure", "image"}
DIRECTIVE = re.compile(r"^\{([\w:-]+)\}\s*(.*)$")


def source_path(docname):
    for suffix in (".ipynb", ".md"):
        path = ROOT / f"{docname}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"{docname} is listed in _toc.yml but has no .ipynb or .md file")


def markdown_sources(docname):
    """[(where, Markdown text)]: each Markdown cell of a notebook, or the whole page."""
    path = source_path(docname)
    if path.suffix == ".md":
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n"):  # front matter is not text
            text = "\n" * text[4:].index("\n---\n") + text[text.index("\n---\n", 4) + 5:]
        return [(path.name, text)]
    nb = nbformat.read(path, as_version=4)
    return [(f"{path.name} cell {i}", cell.source) for i, cell in enumerate(nb.cells)
            if cell.cell_type == "markdown"]


def display_width(line):
    """Columns in a monospaced font: wide (Chinese) characters take 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


@lru_cache(maxsize=None)
def parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    extensions = set(config.get("parse", {}).get("myst_enable_extensions", []))
    return create_md_parser(MdParserConfig(enable_extensions=extensions), RendererHTML)


def split_directive(token):
    """(name, argument, options, body) of a ```{name} or :::{name} block, else None."""
    match = DIRECTIVE.match(token.info.strip())
    if not match:
        return None
    lines = token.content.splitlines()
    options = {}
    i = 0
    if lines and lines[0].strip() == "---":  # YAML options block
        end = next((j for j in range(1, len(lines)) if lines[j].strip() == "---"), 0)
        options = yaml.safe_load("\n".join(lines[1:end])) or {}
        i = end + 1
    else:
        while i < len(lines) and re.match(r"^:[\w-]+:", lines[i]):
            key, _, value = lines[i][1:].partition(":")
            options[key] = value.strip()
            i += 1
    return match.group(1), match.group(2), options, "\n".join(lines[i:])


def glossary_definitions(body):
    """The definitions of a glossary block: the indented lines under each term."""
    entries, current = [], []
    for line in body.splitlines():
        if line.startswith((" ", "\t")):
            current.append(line.strip())
        else:
            if current:
                entries.append("\n".join(current))
            current = []
    if current:
        entries.append("\n".join(current))
    return entries


def walk(text):
    """Yield (kind, token) for every inline run and directive of `text`, recursively."""
    for token in parser().parse(text):
        if token.type == "inline":
            yield "inline", token
        elif token.type in ("fence", "colon_fence"):
            parts = split_directive(token)
            if parts is None:
                yield "code", token
                continue
            name, _, options, body = parts
            yield "directive", (name, options, token)
            if name in NOT_MARKDOWN or name.startswith("code"):
                if name.startswith("code"):
                    yield "code", token
                continue
            bodies = glossary_definitions(body) if name == "glossary" else [body]
            for piece in bodies:
                yield from walk(piece)


def inline_text(token):
    """The text of an inline run as a reader sees it; a soft line break is '\\n'."""
    out = []
    for child in token.children or []:
        if child.type == "softbreak":
            out.append("\n")
        elif child.type == "hardbreak":
            out.append("\n\n")
        elif child.type in ("text", "code_inline", "myst_role"):
            out.append(child.content)
        elif child.type.startswith("math"):
            out.append("x")
        elif child.type == "image":
            out.append(child.content)
    return "".join(out)


# --- code width -------------------------------------------------------------------


def too_wide(lines, where):
    return [f"{where}, line {n}: {display_width(line)} columns: {line.strip()[:70]}"
            for n, line in enumerate(lines, 1) if display_width(line) > MAX_COLUMNS]


def test_code_lines_fit_in_80_columns(toc_page):
    path = source_path(toc_page)
    problems = []
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        for i, cell in enumerate(code, 1):
            problems += too_wide(cell.source.splitlines(), f"code cell {i}")
    for where, text in markdown_sources(toc_page):
        for kind, token in walk(text):
            if kind == "code":
                problems += too_wide(token.content.splitlines(), f"{where}, code block")
    assert not problems, (
        f"{toc_page}: {len(problems)} code lines wider than {MAX_COLUMNS} columns "
        "(a Chinese character counts 2; put comments on their own line):\n" + "\n".join(problems[:40])
    )


# --- line breaks between Chinese characters -------------------------------------------


def test_no_line_break_between_chinese_characters(toc_page):
    problems = []
    for where, text in markdown_sources(toc_page):
        for kind, token in walk(text):
            if kind != "inline":
                continue
            seen = inline_text(token)
            for match in CJK_BREAK.finditer(seen):
                start, end = max(0, match.start() - 12), match.end() + 12
                snippet = seen[start:end].replace("\n", "⏎")
                problems.append(f"{where}: …{snippet}…")
    assert not problems, (
        f"{toc_page}: {len(problems)} line breaks between two Chinese characters inside a "
        "paragraph (each renders as a space; join the lines):\n" + "\n".join(problems[:40])
    )


# --- alt text ---------------------------------------------------------------------------


def good_alt(alt):
    return (isinstance(alt, str) and HAS_CJK.search(alt) and len(alt.strip()) >= 6
            and not re.search(r"\.(png|jpe?g|gif|svg)\b", alt))


def test_every_figure_has_chinese_alt_text(toc_page):
    path = source_path(toc_page)
    problems = []
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        for i, cell in enumerate(code, 1):
            images = [kind for out in cell.get("outputs", []) for kind in out.get("data", {})
                      if kind.startswith("image/")]
            if not images:
                continue
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
            if not good_alt(alt):
                problems.append(
                    f"code cell {i} shows {images[0]} without Chinese alt text: add cell metadata "
                    + json.dumps({"mystnb": {"image": {"alt": "一句描述图像内容的中文"}}}, ensure_ascii=False)
                    + f" (now: {alt!r})"
                )
    for where, text in markdown_sources(toc_page):
        for kind, token in walk(text):
            if kind == "inline":
                for child in token.children or []:
                    if child.type == "image" and not good_alt(child.content):
                        problems.append(f"{where}: ![{child.content}]({child.attrGet('src')}) needs Chinese alt text")
            elif kind == "directive":
                name, options, _ = token
                if name in IMAGE_DIRECTIVES and not good_alt(options.get("alt")):
                    problems.append(f"{where}: {{{name}}} needs a Chinese :alt: (now {options.get('alt')!r})")
    assert not problems, f"{toc_page}:\n" + "\n".join(problems)


# --- the checks themselves ---------------------------------------------------------------


def test_the_checks_catch_what_they_should():
    """Known good and bad snippets, so a broken parser cannot pass everything."""
    def breaks(text):
        return [m.group(0) for kind, tok in walk(text) if kind == "inline"
                for m in CJK_BREAK.finditer(inline_text(tok))]

    assert breaks("第一行的结尾\n第二行的开头") == ["尾\n第"]
    assert breaks("中文，\n“引号”") == ["，\n“"]
    assert breaks("English line\n中文") == []                # Latin next to Chinese: fine
    assert breaks("## 标题\n正文") == []                      # a heading is not a paragraph
    assert breaks("- 一项\n- 二项") == []                      # list items
    assert breaks("| 表 | 头 |\n| --- | --- |\n| 中 | 文 |") == []
    assert breaks(":::{note}\n注意：这里\n断开了\n:::") == ["里\n断"]
    assert breaks(":::{exercise}\n:label: x\n\n题目\n续行\n:::") == ["目\n续"]
    assert breaks(":::{glossary}\n卷积核\n  定义的第一行\n  第二行\n:::") == ["行\n第"]
    assert breaks("```python\n# 注释\n# 注释\n```") == []
    assert display_width("卷积") == 4 and display_width("ab") == 2
    assert good_alt("一张猫的灰度照片") and not good_alt("../_images/a.png") and not good_alt(None)
