"""Shared fixtures: the project's paths, listing runs, snippet expansion and one strict site build."""

from __future__ import annotations

import contextlib
import io
import os
import runpy
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import markdown
import matplotlib.pyplot as plt
import pytest
from matplotlib.figure import Figure
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
BUILD_ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


@cache
def mkdocs_config() -> MkDocsConfig:
    """The site's real configuration, loaded once (plugins are loaded, no build event runs)."""
    with contextlib.chdir(ROOT):
        return load_config(str(ROOT / "mkdocs.yml"))


def expand_snippets(text: str) -> str:
    """Expand ``--8<--`` includes exactly as the site does, with the snippets options of mkdocs.yml."""
    options = mkdocs_config().mdx_configs["pymdownx.snippets"]
    md = markdown.Markdown(extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": options})
    with contextlib.chdir(ROOT):
        return "\n".join(md.preprocessors["snippet"].run(text.splitlines()))


@dataclass
class ListingRun:
    """What a listing left behind when run as a script: its globals, its output, the figures it showed."""

    namespace: dict[str, Any]
    stdout: str
    figures: list[Figure]


def run_listing(name: str) -> ListingRun:
    """Run ``snippets/NAME.py`` as a script (Agg backend), collecting the figures passed to ``plt.show``."""
    shown: list[Figure] = []

    def show(*args: object, **kwargs: object) -> None:
        shown.extend(plt.figure(n) for n in plt.get_fignums())

    buffer = io.StringIO()
    original = plt.show
    plt.show = show
    try:
        with contextlib.redirect_stdout(buffer):
            namespace = runpy.run_path(str(SNIPPETS / f"{name}.py"), run_name="__main__")
    finally:
        plt.show = original
    figures = list(dict.fromkeys(shown))
    plt.close("all")
    return ListingRun(namespace, buffer.getvalue(), figures)


@dataclass
class SiteBuild:
    """One ``mkdocs build --strict``: where the site went, which listing cache it used, what it logged."""

    site: Path
    cache: Path
    notebook_cache: Path
    log: str


def build_site(site: Path, cache: Path, notebook_cache: Path) -> SiteBuild:
    """Run ``mkdocs build --strict`` into ``site`` with the given listing and notebook caches."""
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    env = {**BUILD_ENV, "TUTORIAL_CACHE_DIR": str(cache), "TUTORIAL_NOTEBOOK_CACHE_DIR": str(notebook_cache)}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return SiteBuild(site, cache, notebook_cache, done.stderr)


@pytest.fixture(scope="session")
def site_build(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """The site, built once per test session.

    The listings run from a cold cache. The exercise notebooks use the project's own cache
    (``.cache/mkdocs-jupyter``, empty on a fresh clone), so that a developer's repeated test runs do not
    execute every notebook again; the cache tests show that a changed input is never served stale.
    """
    notebook_cache = ROOT / ".cache" / "mkdocs-jupyter"
    return build_site(tmp_path_factory.mktemp("site"), tmp_path_factory.mktemp("cache"), notebook_cache)


@pytest.fixture(scope="session")
def built_site(site_build: SiteBuild) -> Path:
    """The folder of the site built by :func:`site_build`."""
    return site_build.site
