"""Page weights of the built site against the project's budgets.

Usage: ``uv run python -m site_tools.budgets [SITE]`` (default: build the site into a temporary folder)

A page's weight is what a reader downloads for it: its HTML, compressed as any static host serves it
(gzip), plus the images it loads without any interaction in the light palette (figures of the dark
palette and slider frames other than the first load only when needed). Budgets: a chapter page at
most 200 KB, a notebook (exercise) page at most 250 KB; and, uncompressed, no notebook page's HTML
over 250 KB. Shared assets (Material's CSS and JavaScript, the search index) are cached across pages
and not counted. The test suite enforces the same budgets (tests/test_site.py).
"""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
BUDGETS = {"chapter": 200_000, "notebook": 250_000}
#: The most a notebook page's HTML may weigh before compression.
RAW_HTML_BUDGET = 250_000


@dataclass(frozen=True)
class PageWeight:
    """The bytes one page costs a first-time reader."""

    path: str
    kind: str
    html: int
    html_gzip: int
    images: int

    @property
    def total(self) -> int:
        """Compressed HTML and images together: the bytes on the wire."""
        return self.html_gzip + self.images

    @property
    def over(self) -> bool:
        """Whether the page breaks a budget."""
        return self.total > self.budget or (self.kind == "notebook" and self.html > RAW_HTML_BUDGET)

    @property
    def budget(self) -> int:
        """The most this kind of page may weigh."""
        return BUDGETS[self.kind]


def weigh(site: Path) -> list[PageWeight]:
    """Weigh every page of the built ``site``."""
    weights = []
    for page in sorted(site.rglob("index.html")):
        folder = page.parent
        if folder.name in {"search", "assets"}:
            continue
        html = page.read_bytes()
        soup = BeautifulSoup(html, "lxml")
        images = set()
        for img in soup.select("article img[src]"):
            src = img["src"]
            if src.startswith("data:") or src.endswith("#only-dark"):
                continue
            images.add((folder / unquote(urlsplit(src).path)).resolve())
        kind = "notebook" if soup.select_one(".jupyter-wrapper") else "chapter"
        path = "/" + folder.relative_to(site).as_posix() + "/" if folder != site else "/"
        compressed = len(gzip.compress(html, compresslevel=6, mtime=0))
        image_bytes = sum(image.stat().st_size for image in images)
        weights.append(PageWeight(path, kind, len(html), compressed, image_bytes))
    return weights


def main() -> int:
    """Print every page's weight and budget; exit 1 if a page is over budget."""
    with tempfile.TemporaryDirectory() as scratch:
        if len(sys.argv) > 1:
            site = Path(sys.argv[1])
        else:
            site = Path(scratch) / "site"
            command = [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "--strict",
                "--quiet",
                "--site-dir",
                str(site),
            ]
            subprocess.run(command, cwd=ROOT, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        weights = weigh(site)
    print(f"{'page':42} {'kind':8} {'HTML':>8} {'gzipped':>8} {'images':>8} {'weight':>8} {'budget':>7}")
    for w in sorted(weights, key=lambda w: w.total, reverse=True):
        print(f"{w.path:42} {w.kind:8} {w.html / 1000:7.1f}K {w.html_gzip / 1000:7.1f}K "
              f"{w.images / 1000:7.1f}K {w.total / 1000:7.1f}K {w.budget / 1000:6.0f}K "
              f"{'OVER' if w.over else 'ok'}")  # fmt: skip
    return 1 if any(w.over for w in weights) else 0


if __name__ == "__main__":
    sys.exit(main())
