"""Lighthouse scores of the built site, served locally with gzip like a static host.

Usage: ``uv run python -m site_tools.lighthouse [--site DIR] [PATH ...]``

Needs Node.js with npm (``npx`` fetches ``lighthouse@12.2.3`` from the npm registry the first time)
and a Chromium (``/usr/bin/chromium`` on Debian: ``apt-get install chromium``; or set ``CHROME_PATH``).
Without ``--site`` it builds the site first (``mkdocs build --strict`` into a temporary folder). It
runs Lighthouse's default mobile preset on each path (by default the home page, the Step 9 page and
one exercise), prints the four category scores per page (medians of ``--runs`` runs) against the
project's targets, and lists every audit that kept a category below 100. Exit status 1 if a target
is missed. The JSON reports are kept in ``artifacts/lighthouse/``.

Not part of ``uv run pytest``: it needs npm, and Lighthouse's performance score moves with the load of
the machine. Run it when you change the theme, the templates or the page weight.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = "lighthouse@12.2.3"  # 13 needs Node 22
PAGES = ["/", "/gradient-descent/", "/exercises/ex01_learning_rate/"]
TARGETS = {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 100}
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".ipynb", ".txt")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --no-first-run"


class GzipHandler(SimpleHTTPRequestHandler):
    """Serve files like a static host: gzip for text, long cache for assets, quiet log.

    ``prefix`` is the site's path on the server (``"/tutorial"``, as a project's GitHub Pages site is
    served under ``/REPO``), or ``""`` for the server's root; a request outside it gets a 404.
    """

    def __init__(self, *args: Any, prefix: str = "", **kwargs: Any) -> None:
        self.prefix = prefix  # set first: the request is handled within __init__
        super().__init__(*args, **kwargs)

    def _inside(self, path: str) -> bool:
        return path == self.prefix or path.startswith((f"{self.prefix}/", f"{self.prefix}?"))

    def translate_path(self, path: str) -> str:  # noqa: D102 (http.server's API)
        return super().translate_path(path.removeprefix(self.prefix) if self._inside(path) else path)

    def send_head(self):  # noqa: D102 (http.server's API)
        if not self._inside(self.path):
            self.send_error(HTTPStatus.NOT_FOUND, "outside the site")
            return None
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the trailing slash
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and path.suffix in COMPRESSIBLE and accepts_gzip):
            return super().send_head()
        status = path.stat()
        body = _gzipped(path, status.st_mtime_ns, status.st_size)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=31536000" if "/assets/" in self.path else "max-age=600")
        self.end_headers()
        return _Body(body)

    def log_message(self, format, *args):  # noqa: D102 (http.server's API)
        pass


@functools.lru_cache(maxsize=256)
def _gzipped(path: Path, modified: int, size: int) -> bytes:
    """Return the file compressed, once per version of it: pages ask for the same scripts."""
    return gzip.compress(path.read_bytes(), mtime=0)


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *args: object) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


class StaticServer(ThreadingHTTPServer):
    """http.server's threading server, quiet about clients that hang up mid-response.

    A browser that leaves a page cancels the page's requests still under way (images, prefetches);
    a static host takes that in its stride. Any other error is reported as usual.
    """

    def handle_error(self, request: object, client_address: object) -> None:  # noqa: D102
        if not isinstance(sys.exception(), ConnectionError):
            super().handle_error(request, client_address)


def serve(site: Path, prefix: str = "") -> tuple[ThreadingHTTPServer, str]:
    """Serve ``site`` on a free port of 127.0.0.1, in the folder ``prefix``; return server and base URL.

    The base URL has no final slash: ``http://127.0.0.1:PORT/tutorial`` for the prefix ``/tutorial``.
    """
    handler = functools.partial(GzipHandler, directory=str(site), prefix=prefix)
    server = StaticServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{prefix}"


def run_lighthouse(url: str, chrome: str, out: Path) -> dict:
    """Run Lighthouse (mobile preset) on ``url`` and return its JSON report."""
    command = [
        "npx", "--yes", LIGHTHOUSE, url, "--quiet", "--output=json", f"--output-path={out}",
        "--only-categories=performance,accessibility,best-practices,seo", f"--chrome-flags={CHROME_FLAGS}",
    ]  # fmt: skip
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": chrome})
    return json.loads(out.read_text(encoding="utf-8"))


def main() -> int:
    """Build (unless given a site), serve, audit each page, print the scores."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build one)")
    parser.add_argument("--runs", type=int, default=3, help="runs per page; the median is reported")
    parser.add_argument("--reports", type=Path, default=ROOT / "artifacts" / "lighthouse", help="JSONs")
    parser.add_argument("pages", nargs="*", default=PAGES, help="paths to audit (default: %(default)s)")
    arguments = parser.parse_args()
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    with tempfile.TemporaryDirectory() as scratch:
        site = arguments.site
        if site is None:
            site = Path(scratch) / "site"
            build = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)]
            subprocess.run(build, cwd=ROOT, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        server, base = serve(site)
        missed = False
        try:
            print(f"{'page':40} " + " ".join(f"{c:>15}" for c in TARGETS))
            for page in arguments.pages:
                arguments.reports.mkdir(parents=True, exist_ok=True)
                name = page.strip("/").replace("/", "-") or "home"
                reports = [
                    run_lighthouse(base + page, chrome, arguments.reports / f"{name}-{run}.json")
                    for run in range(1, arguments.runs + 1)
                ]
                scores = {
                    c: round(statistics.median(100 * (r["categories"][c]["score"] or 0) for r in reports))
                    for c in TARGETS
                }
                report = reports[-1]
                cells = []
                for category, score in scores.items():
                    ok = score >= TARGETS[category]
                    missed |= not ok
                    cells.append(f"{score:>11} {'ok ' if ok else 'LOW'}")
                print(f"{page:40} " + " ".join(cells))
                for category in TARGETS:
                    if category == "performance" or scores[category] == 100:
                        continue
                    for ref in report["categories"][category]["auditRefs"]:
                        audit = report["audits"][ref["id"]]
                        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                            print(f"    {category}: {audit['id']}: {audit['title']}")
        finally:
            server.shutdown()
            server.server_close()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
