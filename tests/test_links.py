"""Links in the built book: zero broken internal links, images and #anchors.

linkchecker checks every internal link and image (external URLs are not fetched: the
check runs offline).  Its AnchorCheck plugin re-reads a page for every #anchor (a
minute for this book), so anchors are checked here directly with BeautifulSoup.
"""
import os
import re
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]

CONFIG = """\
[checking]
threads=4
[filtering]
checkextern=0
[output]
status=0
"""


def _linkchecker():
    exe = Path(sys.executable).with_name("linkchecker")
    return str(exe) if exe.exists() else shutil.which("linkchecker")


def test_no_broken_internal_links_or_images(html_dir, tmp_path):
    exe = _linkchecker()
    assert exe, "linkchecker is not installed (pip install -r requirements.txt)"
    config = tmp_path / "linkcheckerrc"
    config.write_text(CONFIG)
    # linkchecker drops root privileges to `nobody`: give it a world-readable copy of its config.
    config.chmod(0o644)
    tmp_path.chmod(0o755)
    pages = [str(html_dir / "index.html"), str(html_dir / "genindex.html"), str(html_dir / "search.html")]
    proc = subprocess.run(
        [exe, "-f", str(config), "--no-status", "-o", "text", *pages],
        capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=300,
        env=dict(os.environ, LANG="C.UTF-8"),
    )
    out = proc.stdout + proc.stderr
    summary = re.search(r"(\d+) links? in (\d+) URLs? checked\. (\d+) warnings? found\. (\d+) errors? found", out)
    assert summary, f"unexpected linkchecker output (exit {proc.returncode}):\n{out[-4000:]}"
    links, _, warnings, errors = map(int, summary.groups())
    assert links > 30, f"linkchecker saw only {links} links:\n{out[-2000:]}"
    assert errors == 0 and warnings == 0, f"broken links or images:\n{out[-8000:]}"
    assert proc.returncode == 0, out[-4000:]


@lru_cache(maxsize=None)
def _page(path):
    """(ids, hrefs) of a built page: parsed once, for its own links and as a target."""
    doc = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    ids = {el["id"] for el in doc.find_all(id=True)} | {el["name"] for el in doc.find_all("a", attrs={"name": True})}
    hrefs = [(a["href"], a.get_text(strip=True)[:40]) for a in doc.find_all("a", href=True)]
    return ids, hrefs


def test_internal_anchors_exist(html_dir):
    pages = sorted(p for p in html_dir.rglob("*.html") if "_static" not in p.parts)
    broken, checked = [], 0
    for path in pages:
        for href, text in _page(path)[1]:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.fragment:
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.suffix != ".html" or not target.is_file():
                continue  # a missing page is linkchecker's finding
            checked += 1
            if unquote(parts.fragment) not in _page(target)[0]:
                broken.append(f"{path.relative_to(html_dir)}: {href} ({text})")
    assert checked > 50
    assert not broken, "links to missing #anchors:\n" + "\n".join(broken[:50])
