"""Serve the built book on this machine: http://127.0.0.1:8000/ (no network needed).

    make book                      # builds _build/html
    .venv/bin/python tools/serve_book.py [--port 8000] [--open]

Opening _build/html/index.html straight from disk also works (formulas render), but
browsers forbid a file:// page from reading other pages, so the search page can list
hits without their text snippets.  Served over http everything works.
"""
import argparse
import functools
import sys
import webbrowser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HTML = Path(__file__).resolve().parents[1] / "_build" / "html"


class Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript", ".woff": "font/woff"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--open", action="store_true", help="open the book in the default browser")
    args = parser.parse_args(argv)
    if not (HTML / "index.html").is_file():
        sys.exit(f"{HTML / 'index.html'} 不存在：先运行 `make book` 构建本书。")
    handler = functools.partial(Handler, directory=str(HTML))
    with ThreadingHTTPServer(("127.0.0.1", args.port), handler) as httpd:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/"
        print(f"本书已在 {url} 提供（Ctrl+C 停止）", flush=True)
        if args.open:
            webbrowser.open(url)
        try:
            httpd.serve_forever()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
