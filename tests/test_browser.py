"""The built book in a real browser, offline, on a phone (390 px) and a laptop (1366 px).

Serves _build/html on 127.0.0.1 (a random free port, http.server in a thread) and drives
Debian's chromium headless with Playwright (never a downloaded browser).  Every request
to a host other than 127.0.0.1 is blocked and recorded, so a page that renders here
renders with the network cut.  On every page of the toc, at both widths:

- MathJax typeset every formula (no raw TeX left), every image loaded, no TensorFlow
  log text, no JavaScript error and no console error (a fresh browser profile, as a
  first-time reader has), no failed request (favicon included);
- the page is no wider than the window (nothing pans sideways on a phone);
- no English interface text is left (ENGLISH_UI, in the page and its tooltips);
- the navigation works: on the phone both drawers (the chapter list ☰ and 本页目录)
  open and close, on the laptop the chapter list folds away and comes back; a
  chapter link in the chapter list opens that chapter;
- on the phone, tapping a figure opens it at its real size, and it closes again.

Dark mode keeps a Keras model.summary() one block.  The search page finds Chinese
words.  A screenshot of each page and width is saved under _build/screenshots/
(<page>__<width>.png: the whole page on the phone, the first screen on the laptop).

Set CNNBOOK_BROWSER_HTML=<dir> to point these tests at another build (e.g. an old
one, to see them fail) without building.
"""
import functools
import os
import re
import shutil
import subprocess
import sys
import threading
import warnings
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from conftest import toc_docnames

try:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
except ImportError:  # pragma: no cover  (the browser fixture skips loudly)
    PlaywrightTimeout = TimeoutError

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE, LAPTOP = 390, 1366
WIDTHS = [PHONE, LAPTOP]
VIEWPORTS = {
    PHONE: dict(viewport={"width": PHONE, "height": 844}, is_mobile=True, has_touch=True),
    LAPTOP: dict(viewport={"width": LAPTOP, "height": 900}),
}
TF_LOG = re.compile(r"absl|oneDNN|cuda_|cudart")
# Raw TeX delimiters that MathJax would have replaced.
RAW_TEX = re.compile(r"\\\[|\\\(|\$\$")
SEARCHES = [("卷积核", "chapters/02_image_convolution"), ("步幅", "chapters/03_padding_stride")]
# Interface text the theme and its extensions write in English.
ENGLISH_UI = [
    "Toggle primary sidebar", "Toggle secondary sidebar", "Color mode", "System Settings",
    "Link to this", "Toggle hidden content", "Copyright", "Print to PDF", "Download this page",
    "Download source file", "Download notebook file", "Fullscreen mode", "Search the docs",
    "Skip to main content", "Back to top", "Copy to clipboard", "Copied!",
]
# Longest screenshot kept (pixels): chapter 7 is about 28 phone screens.
MAX_SHOT = 16000
# Playwright waits up to 30 s by default; a busy 2-core machine (CI, or notebooks
# executing next to the tests) can take longer to load a long chapter.
TIMEOUT_MS = 120_000


def _loud_skip(message):
    banner = "\n" + "!" * 78 + f"\n!! BROWSER TESTS SKIPPED: {message}\n" + "!" * 78 + "\n"
    sys.stderr.write(banner)
    warnings.warn(f"browser tests skipped: {message}")
    pytest.skip(f"BROWSER TESTS SKIPPED: {message}")


def _has_cjk_font():
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(out.strip())


def _ensure_chromium():
    """Path of Debian's chromium (with a CJK font); apt-installs what is missing, or skips loudly.

    A reader's system has a Chinese font; a bare CI image does not, and chromium then
    draws every Chinese character as an empty box.  Debian's fonts-noto-cjk is the same
    Noto Sans CJK family the figures use.
    """
    missing = ([] if CHROMIUM.exists() else ["chromium"]) + ([] if _has_cjk_font() else ["fonts-noto-cjk"])
    if not missing:
        return CHROMIUM
    if shutil.which("apt-get") is None:
        _loud_skip(f"{' and '.join(missing)} missing and there is no apt-get to install it")
    command = "apt-get update && apt-get install -y --no-install-recommends " + " ".join(missing)
    sys.stderr.write(f"\n{' and '.join(missing)} missing: running `{command}` ...\n")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        proc = subprocess.run(command, shell=True, env=env, capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as err:
        _loud_skip(f"{' and '.join(missing)} missing and installing failed: {err}")
    if proc.returncode != 0 or not CHROMIUM.exists() or not _has_cjk_font():
        _loud_skip(
            f"`{command}` failed (exit {proc.returncode}); install {' '.join(missing)} as root "
            f"to run these tests.\n{proc.stdout[-1500:]}{proc.stderr[-1500:]}"
        )
    return CHROMIUM


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002  (keep pytest output clean)
        pass


@pytest.fixture(scope="session")
def served_dir(request):
    """The HTML to test: CNNBOOK_BROWSER_HTML, or a zero-warning build of this book."""
    other = os.environ.get("CNNBOOK_BROWSER_HTML")
    if other:
        return Path(other)
    book_build = request.getfixturevalue("book_build")
    if not book_build.ok:
        pytest.fail(book_build.report(), pytrace=False)
    return ROOT / "_build" / "html"


@pytest.fixture(scope="session")
def server(served_dir):
    """http://127.0.0.1:<port>/ serving the book."""
    handler = functools.partial(_QuietHandler, directory=str(served_dir))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def browser():
    executable = _ensure_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:  # pragma: no cover
        _loud_skip(f"playwright is not installed ({err}); pip install -r requirements.txt")
    # Never let Playwright look for (or download) its own browser builds.
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS, headless=True)
    except Exception as err:
        playwright.stop()
        _loud_skip(f"{executable} does not start under Playwright: {err}")
    yield browser
    browser.close()
    playwright.stop()


class OfflinePage:
    """A fresh page (new profile) that blocks and records every non-localhost request."""

    def __init__(self, browser, width=1280, mode=None):
        options = VIEWPORTS.get(width, dict(viewport={"width": width, "height": 900}))
        self.context = browser.new_context(locale="zh-CN", **options)
        if mode:
            self.context.add_init_script(f"localStorage.setItem('mode', '{mode}');")
        self.blocked, self.failed, self.errors, self.console = [], [], [], []
        # Set by leave(): the page is about to open another page of the book.
        self.leaving = False
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("pageerror", self._record(self.errors, str))
        self.page.on("console", self._record(self.console, lambda msg: msg.text, lambda msg: msg.type == "error"))
        self.page.on("response", self._record(self.failed, lambda res: f"{res.url} (HTTP {res.status})",
                                              lambda res: res.status >= 400))
        self.page.on("requestfailed", self._record(self.failed, lambda req: f"{req.url} ({req.failure})"))

    def _record(self, into, describe, keep=lambda event: True):
        def record(event):
            if not self.leaving and keep(event):
                into.append(describe(event))
        return record

    def leave(self):
        """From now on fetch only documents (the next page's HTML), and record nothing.

        For a click that opens another page of the book, to check only that the right
        page opens: that page's images, styles and scripts, and its errors, are its own
        test_page's business.  Fetching them here cost about 0.7 s per click.
        """
        self.leaving = True

    def _route(self, route):
        url = route.request.url
        host = urlsplit(url).hostname
        if self.leaving and route.request.resource_type != "document":
            route.abort()
        elif url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def close(self):
        self.context.close()


@pytest.fixture
def offline_page(browser):
    page = OfflinePage(browser)
    yield page
    page.close()


WAIT_FOR_MATHJAX = """
async () => {
  if (!document.querySelector('script[src*="mathjax"]')) return 'no-mathjax';
  for (let i = 0; i < 200 && !(window.MathJax && MathJax.startup && MathJax.startup.promise); i++)
    await new Promise(r => setTimeout(r, 50));
  if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) return 'mathjax-not-started';
  await MathJax.startup.promise;
  return 'typeset';
}
"""

LOAD_ALL_IMAGES = """
async () => {
  const imgs = Array.from(document.images);
  imgs.forEach(img => { img.loading = 'eager'; });
  await Promise.all(imgs.map(img => img.complete ? null :
    new Promise(r => { img.addEventListener('load', r); img.addEventListener('error', r); })));
  return imgs.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.getAttribute('src'));
}
"""

# Visible text outside code (a raw `\\(` inside Python code is legitimate).
TEXT_OUTSIDE_CODE = """
() => {
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('pre, code, script, style, mjx-container, .highlight').forEach(el => el.remove());
  document.body.appendChild(clone);  // innerText needs a rendered element
  clone.style.position = 'absolute'; clone.style.left = '-99999px';
  const text = clone.innerText;
  clone.remove();
  return text;
}
"""

# The interface: visible text outside the article, and every tooltip / label anywhere.
INTERFACE_TEXT = """
() => {
  const parts = [];
  for (const el of document.querySelectorAll('body *')) {
    for (const name of ['title', 'aria-label', 'data-bs-title', 'data-bs-original-title',
                        'placeholder', 'data-tooltip'])
      if (el.hasAttribute(name)) parts.push(el.getAttribute(name));
  }
  const clone = document.body.cloneNode(true);
  clone.querySelectorAll('article.bd-article, script, style').forEach(el => el.remove());
  document.body.appendChild(clone);
  clone.style.position = 'absolute'; clone.style.left = '-99999px';
  parts.push(clone.innerText);
  clone.remove();
  return parts.join('\\n');
}
"""

# What sticks out to the right of the window (for the failure message): the
# outermost such elements that are not inside a block that scrolls by itself.
WIDE_ELEMENTS = """
(width) => {
  const clipped = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)
          && p.getBoundingClientRect().right <= width + 1) return true;
    return false;
  };
  const wide = Array.from(document.querySelectorAll('.bd-main *'))
    .filter(el => el.getBoundingClientRect().right > width + 1 && !clipped(el));
  return wide.filter(el => !wide.includes(el.parentElement)).slice(0, 5)
    .map(el => `<${el.tagName.toLowerCase()} class="${el.className}"> ${(el.innerText || '').slice(0, 60)}`);
}
"""


def _visible(locator):
    return locator.count() > 0 and locator.first.is_visible()


def _check_renders(offline, name):
    page = offline.page
    state = page.evaluate(WAIT_FOR_MATHJAX)
    assert state in ("typeset", "no-mathjax"), f"{name}: MathJax {state}"
    math_sources = page.locator("span.math, div.math").count()
    if math_sources:
        assert state == "typeset", f"{name}: {math_sources} formulas but no MathJax"
        rendered = page.locator("mjx-container").count()
        assert rendered >= math_sources, f"{name}: {rendered} of {math_sources} formulas typeset"
        assert page.locator("mjx-merror, [data-mjx-error]").count() == 0, f"{name}: a TeX error"
    text = page.evaluate(TEXT_OUTSIDE_CODE)
    raw = RAW_TEX.search(text)
    assert not raw, f"{name}: raw TeX left on the page: ...{text[max(0, raw.start() - 60):raw.end() + 60]}..."
    broken = page.evaluate(LOAD_ALL_IMAGES)
    assert not broken, f"{name}: images that did not load: {broken}"
    outputs = page.evaluate(
        "() => Array.from(document.querySelectorAll('.cell_output')).map(e => e.innerText).join('\\n')"
    )
    match = TF_LOG.search(outputs)
    assert not match, f"{name}: TensorFlow log text in an output: {outputs[max(0, match.start() - 80):match.end() + 80]}"
    body = page.evaluate("() => document.body.innerText")
    assert "absl::InitializeLog" not in body and "oneDNN custom operations" not in body


def _check_fits(offline, name, width):
    page = offline.page
    page.wait_for_timeout(100)
    # A phone browser zooms out to show a too-wide page whole (window.innerWidth grows
    # with it): compare with the width of the screen itself.
    doc_width = page.evaluate("() => document.documentElement.scrollWidth")
    assert doc_width <= width, (
        f"{name} at {width} px: the page is {doc_width} px wide, wider than the window; "
        f"what sticks out: {page.evaluate(WIDE_ELEMENTS, width)}"
    )


def _check_chinese_interface(offline, name, width):
    text = offline.page.evaluate(INTERFACE_TEXT)
    found = sorted({s for s in ENGLISH_UI if s in text})
    assert not found, f"{name} at {width} px: English interface text {found}"


def _screenshot(page, name, width):
    """The whole page on the phone (up to MAX_SHOT pixels), the first screen on the laptop."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = str(SCREENSHOTS / f"{name.replace('/', '__')}__{width}.png")
    if width == PHONE:
        height = page.evaluate("() => document.documentElement.scrollHeight")
        page.screenshot(path=path, full_page=True, clip={"x": 0, "y": 0, "width": width, "height": min(height, MAX_SHOT)})
    else:
        page.screenshot(path=path)


def _other_chapter(name):
    chapters = [n for n in toc_docnames() if n.startswith("chapters/")]
    if not chapters:
        return None
    others = [c for c in chapters if c != name]
    return (others[chapters.index(name) % len(others)] if name in chapters else others[0]) if others else None


def _follow_chapter_link(offline, server, container, name):
    page = offline.page
    target = _other_chapter(name)
    if target is None:
        return
    link = page.locator(f'{container} a.reference.internal[href$="{target.split("/")[-1]}.html"]').first
    assert link.is_visible(), f"{name}: no visible link to {target} in the chapter list"
    # What this page did so far stays recorded (test_page asserts it afterwards); what
    # the chapter it opens does is checked by that chapter's own test_page.
    offline.leave()
    link.click()
    # The chapter's title is enough: no need to wait for its figures and formulas.
    page.wait_for_url(re.compile(rf".*/{re.escape(target)}\.html(#.*)?$"), wait_until="commit")
    title = page.locator("article h1").first
    title.wait_for(state="visible")
    assert title.inner_text().strip(), f"{name}: {target} opened without a title"


def _or_fail(what, wait, **kwargs):
    """Call a Playwright ``wait`` (3 s at most); fail with ``what`` when it times out."""
    try:
        wait(**dict({"timeout": 3000}, **kwargs))
    except PlaywrightTimeout:
        pytest.fail(what, pytrace=False)


def _wait_until(page, predicate, arg, what):
    """Wait until the JavaScript ``predicate(arg)`` is true, or fail with ``what``."""
    _or_fail(what, page.wait_for_function, expression=predicate, arg=arg)


DIALOG_OPEN = "sel => document.querySelector(sel).open"
DIALOG_CLOSED = "sel => !document.querySelector(sel).open"


def _drawers_on_phone(offline, server, name):
    page = offline.page
    primary = page.locator("button.primary-toggle:visible")
    assert primary.count() == 1, f"{name}: {primary.count()} visible chapter-list buttons (☰), expected 1"
    dialog = "#pst-primary-sidebar-modal"
    links = page.locator("#pst-primary-sidebar-modal nav.bd-docs-nav a.reference.internal")
    primary.click()
    _wait_until(page, DIALOG_OPEN, dialog, f"{name}: tapping ☰ did not open the chapter list")
    assert _visible(links), f"{name}: the chapter list opened without visible chapter links"
    page.keyboard.press("Escape")
    _wait_until(page, DIALOG_CLOSED, dialog, f"{name}: Esc did not close the chapter list")

    secondary = page.locator("button.secondary-toggle:visible")
    if page.locator("#pst-secondary-sidebar nav.page-toc a").count():
        assert secondary.count() == 1, f"{name}: the page has a table of contents but no 本页目录 button"
        secondary.click()
        side = "#pst-secondary-sidebar-modal"
        _wait_until(page, DIALOG_OPEN, side, f"{name}: tapping 本页目录 did not open it")
        assert _visible(page.locator("#pst-secondary-sidebar-modal nav.page-toc a")), (
            f"{name}: 本页目录 opened without visible links"
        )
        # Tapping the dimmed page beside the drawer closes it.
        page.mouse.click(5, 420)
        _wait_until(page, DIALOG_CLOSED, side, f"{name}: tapping beside 本页目录 did not close it")

    primary.click()
    _wait_until(page, DIALOG_OPEN, dialog, f"{name}: tapping ☰ again did not open the chapter list")
    _follow_chapter_link(offline, server, "#pst-primary-sidebar-modal", name)


def _drawers_on_laptop(offline, server, name):
    page = offline.page
    sidebar = page.locator("#pst-primary-sidebar")
    assert sidebar.is_visible(), f"{name}: the chapter list is not shown at {LAPTOP} px"
    toggle = page.locator("button.primary-toggle:visible")
    assert toggle.count() == 1, f"{name}: {toggle.count()} visible chapter-list buttons, expected 1"
    toggle.click()
    _or_fail(f"{name}: the ☰ button did not fold the chapter list away", sidebar.wait_for, state="hidden")
    toggle.click()
    _or_fail(f"{name}: the ☰ button did not bring the chapter list back", sidebar.wait_for, state="visible")
    if page.locator("#pst-secondary-sidebar nav.page-toc a").count():
        assert _visible(page.locator("#pst-secondary-sidebar nav.page-toc a")), (
            f"{name}: 本页目录 is not shown beside the text at {LAPTOP} px"
        )
    _follow_chapter_link(offline, server, "#pst-primary-sidebar", name)


def _zoom_a_figure(offline, name):
    page = offline.page
    images = page.locator("img.cnnbook-zoomable")
    if not images.count():
        return
    image = images.first
    image.scroll_into_view_if_needed()
    natural = image.evaluate("img => img.naturalWidth")
    image.click()
    big = page.locator(".cnnbook-lightbox img")
    big.wait_for(state="visible", timeout=3000)
    shown = big.evaluate("img => img.getBoundingClientRect().width")
    assert abs(shown - natural) <= 1, f"{name}: the opened figure is {shown:.0f} px wide, not its real {natural} px"
    page.keyboard.press("Escape")
    _or_fail(f"{name}: Esc did not close the figure",
             page.locator(".cnnbook-lightbox").wait_for, state="detached")


@pytest.mark.parametrize("width", WIDTHS, ids=lambda w: f"{w}px")
def test_page(server, browser, toc_page, width):
    offline = OfflinePage(browser, width)
    try:
        page = offline.page
        page.goto(f"{server}/{toc_page}.html", wait_until="load")
        _check_renders(offline, toc_page)
        _check_fits(offline, toc_page, width)
        _check_chinese_interface(offline, toc_page, width)
        _screenshot(page, toc_page, width)
        if width == PHONE:
            _zoom_a_figure(offline, toc_page)
            _check_fits(offline, toc_page, width)
        assert not offline.console, f"{toc_page} at {width} px: console errors: {offline.console}"
        assert not offline.errors, f"{toc_page} at {width} px: JavaScript errors: {offline.errors}"
        if width == PHONE:
            _drawers_on_phone(offline, server, toc_page)
        else:
            _drawers_on_laptop(offline, server, toc_page)
        assert not offline.blocked, f"{toc_page} tried to reach the network: {offline.blocked}"
        assert not offline.failed, f"{toc_page}: failed requests: {offline.failed}"
        assert not offline.errors, f"{toc_page} at {width} px: JavaScript errors: {offline.errors}"
        assert not offline.console, f"{toc_page} at {width} px: console errors: {offline.console}"
    finally:
        offline.close()


def test_dark_mode_keeps_a_model_summary_one_block(server, browser, served_dir):
    files = [(n, served_dir / f"{n}.html") for n in toc_docnames()]
    pages = [n for n, f in files if f.is_file() and "Total params" in f.read_text(encoding="utf-8")]
    if not pages:
        pytest.skip("no page prints a Keras model.summary()")
    offline = OfflinePage(browser, PHONE, mode="dark")
    try:
        page = offline.page
        page.goto(f"{server}/{pages[0]}.html", wait_until="load")
        assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
        output = page.locator("div.cell_output", has_text="Total params").first
        output.scroll_into_view_if_needed()
        blocks = output.locator("div.output.text_html")
        assert blocks.count() >= 2
        styles = blocks.evaluate_all(
            "els => els.map(e => { const s = getComputedStyle(e); return [s.backgroundColor, s.paddingTop]; })"
        )
        assert all(bg == "rgba(0, 0, 0, 0)" and pad == "0px" for bg, pad in styles), (
            f"{pages[0]}: in dark mode the summary's blocks are painted as separate cards: {styles}"
        )
        assert output.evaluate("e => getComputedStyle(e).overflowX") == "auto"
        _check_fits(offline, pages[0], PHONE)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        output.screenshot(path=str(SCREENSHOTS / "dark_model_summary__390.png"))
        assert not offline.console and not offline.errors, offline.console + offline.errors
    finally:
        offline.close()


def test_solutions_are_hidden_until_clicked(server, offline_page):
    page = offline_page.page
    page.goto(f"{server}/chapters/01_fc_to_conv.html", wait_until="load")
    page.evaluate(WAIT_FOR_MATHJAX)
    solution = page.locator("div.solution").first
    body = solution.locator("section").first
    assert solution.count() and not body.is_visible(), "a solution is visible before it is opened"
    solution.locator(".admonition-title").first.click()
    body.wait_for(state="visible", timeout=5000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    solution.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "solution_opened.png"))
    assert not offline_page.blocked and not offline_page.errors


@pytest.mark.parametrize("word, docname", SEARCHES, ids=[w for w, _ in SEARCHES])
def test_search_page_finds_chinese_words(server, offline_page, word, docname):
    page = offline_page.page
    page.goto(f"{server}/search.html?q={quote(word)}", wait_until="load")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(state="attached", timeout=20000)
    hrefs = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(a => a.getAttribute('href'))")
    assert any(docname in (h or "") for h in hrefs), f"searching {word!r} lists {hrefs}, not {docname}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"search_{word}.png"), full_page=False)
    assert not offline_page.blocked, offline_page.blocked
    assert not offline_page.errors, offline_page.errors


# Draw a few characters in the page's own font on a canvas: real glyphs differ from
# one another, the empty boxes of a missing font are all alike.
GLYPHS_DIFFER = """
(chars) => {
  const font = getComputedStyle(document.querySelector('main, body')).fontFamily;
  const draw = (ch) => {
    const c = document.createElement('canvas'); c.width = 40; c.height = 40;
    const g = c.getContext('2d'); g.font = '32px ' + font; g.fillText(ch, 2, 32);
    return Array.from(g.getImageData(0, 0, 40, 40).data).join(',');
  };
  const images = chars.map(draw);
  return new Set(images).size;
}
"""


def test_chinese_text_has_real_glyphs(server, offline_page):
    page = offline_page.page
    page.goto(f"{server}/intro.html", wait_until="load")
    chars = ["卷", "积", "池", "核", "步"]
    assert page.evaluate(GLYPHS_DIFFER, chars) == len(chars), "Chinese characters render as identical boxes (no CJK font)"
