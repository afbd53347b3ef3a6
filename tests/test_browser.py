"""The built book in a real browser, offline.

Serves _build/html on 127.0.0.1 (a random free port, http.server in a thread) and drives
Debian's chromium headless with Playwright (never a downloaded browser).  Every request
to a host other than 127.0.0.1 is blocked and recorded, so a page that renders here
renders with the network cut.  On every page of the toc: MathJax typeset every formula
(no raw TeX delimiters left), every image loaded, no TensorFlow log text, no JavaScript
error, no broken local resource.  The search page finds Chinese words.  A full-page
screenshot of each page is saved under _build/screenshots/ for a human to look at.
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
TF_LOG = re.compile(r"absl|oneDNN|cuda_|cudart")
# Raw TeX delimiters that MathJax would have replaced.
RAW_TEX = re.compile(r"\\\[|\\\(|\$\$")
SEARCHES = [("卷积核", "chapters/02_image_convolution"), ("步幅", "chapters/03_padding_stride")]


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
def server(book_build):
    """http://127.0.0.1:<port>/ serving _build/html (after a zero-warning build)."""
    if not book_build.ok:
        pytest.fail(book_build.report(), pytrace=False)
    handler = functools.partial(_QuietHandler, directory=str(ROOT / "_build" / "html"))
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
    """A fresh page that blocks and records every non-localhost request."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.blocked, self.failed, self.errors = [], [], []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))
        self.page.on("response", self._response)
        self.page.on("requestfailed", lambda req: self.failed.append(f"{req.url} ({req.failure})"))

    def _route(self, route):
        url = route.request.url
        host = urlsplit(url).hostname
        if url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _response(self, response):
        if response.status >= 400:
            self.failed.append(f"{response.url} (HTTP {response.status})")

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


def test_page_renders_offline(server, offline_page, toc_page):
    page = offline_page.page
    page.goto(f"{server}/{toc_page}.html", wait_until="load")
    state = page.evaluate(WAIT_FOR_MATHJAX)
    assert state in ("typeset", "no-mathjax"), f"{toc_page}: MathJax {state}"

    math_sources = page.locator("span.math, div.math").count()
    if math_sources:
        assert state == "typeset", f"{toc_page}: {math_sources} formulas but no MathJax"
        rendered = page.locator("mjx-container").count()
        assert rendered >= math_sources, f"{toc_page}: {rendered} of {math_sources} formulas typeset"
        assert page.locator("mjx-merror, [data-mjx-error]").count() == 0, f"{toc_page}: a TeX error"
    text = page.evaluate(TEXT_OUTSIDE_CODE)
    raw = RAW_TEX.search(text)
    assert not raw, f"{toc_page}: raw TeX left on the page: ...{text[max(0, raw.start() - 60):raw.end() + 60]}..."

    broken = page.evaluate(LOAD_ALL_IMAGES)
    assert not broken, f"{toc_page}: images that did not load: {broken}"

    body = page.evaluate("() => document.body.innerText")
    outputs = page.evaluate(
        "() => Array.from(document.querySelectorAll('.cell_output')).map(e => e.innerText).join('\\n')"
    )
    match = TF_LOG.search(outputs)
    assert not match, f"{toc_page}: TensorFlow log text in an output: {outputs[max(0, match.start() - 80):match.end() + 80]}"
    assert "absl::InitializeLog" not in body and "oneDNN custom operations" not in body

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / (toc_page.replace("/", "__") + ".png")), full_page=True)

    assert not offline_page.blocked, f"{toc_page} tried to reach the network: {offline_page.blocked}"
    assert not offline_page.failed, f"{toc_page}: failed requests: {offline_page.failed}"
    assert not offline_page.errors, f"{toc_page}: JavaScript errors: {offline_page.errors}"


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
