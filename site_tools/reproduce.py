"""Build the site twice from scratch and compare the two results byte for byte.

Usage: ``uv run python -m site_tools.reproduce``

Each build starts from empty caches (listings and notebooks run again), with the build date taken from
``SOURCE_DATE_EPOCH`` or, by default, the last commit's date, and for a site address as the deploy
workflow's build has one (``SITE_URL``, by default :data:`EXAMPLE_SITE_URL`), so that canonical links,
the sitemap's addresses and social previews are compared too, and with a repository address
(``REPO_URL``, by default :data:`EXAMPLE_REPO_URL`), for the links to the repository and to the commit.
It prints every file that differs and whether the difference is expected. Expected, and only these:
the pages that show timings measured while the site was built (the "Make it fast" chapter, whose
benchmark listings print the times they measure; and the search index, which contains that page's
text). Everything else (HTML, figures, notebooks, sitemap) must be identical: exit status 1 otherwise.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Files that legitimately differ between two clean builds: they show timings of this machine.
EXPECTED = {"under-the-hood/make-it-fast/index.html", "search/search_index.json"}
#: The site address of both builds when ``SITE_URL`` is not set.
EXAMPLE_SITE_URL = "https://example.org/gradient-descent/"
#: The repository address of both builds when ``REPO_URL`` is not set.
EXAMPLE_REPO_URL = "https://github.com/example/gradient-descent"


def digest(site: Path) -> dict[str, str]:
    """Return ``{relative path: SHA-256}`` for every file of a built site."""
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def clean_build(scratch: Path, name: str) -> Path:
    """Build the site into ``scratch/name`` with caches of its own, empty at the start."""
    site = scratch / name / "site"
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "SITE_URL": os.environ.get("SITE_URL") or EXAMPLE_SITE_URL,
        "REPO_URL": os.environ.get("REPO_URL") or EXAMPLE_REPO_URL,
        "TUTORIAL_CACHE_DIR": str(scratch / name / "listings"),
        "TUTORIAL_NOTEBOOK_CACHE_DIR": str(scratch / name / "notebooks"),
    }
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return site


def main() -> int:
    """Build twice, compare, report."""
    with tempfile.TemporaryDirectory() as scratch:
        first = digest(clean_build(Path(scratch), "first"))
        second = digest(clean_build(Path(scratch), "second"))
    differ = sorted(p for p in first.keys() | second.keys() if first.get(p) != second.get(p))
    unexpected = [p for p in differ if p not in EXPECTED]
    print(f"{len(first)} files; {len(differ)} differ between two clean builds")
    for path in differ:
        print(f"  {'expected  ' if path in EXPECTED else 'UNEXPECTED'} {path}")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
