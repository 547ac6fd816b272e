"""Shared fixtures: the project's paths, listing runs, snippet expansion and one strict site build."""

from __future__ import annotations

import contextlib
import io
import os
import runpy
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# Before nbconvert is first imported (by mkdocs-jupyter, when the site's configuration is loaded, or
# by a test): otherwise its command-line app loads every exporter that any installed package
# registers, only to list their names in its help, 0.5 CPU-s in each process (see site_tools/__init__).
os.environ.setdefault("NBCONVERT_DISABLE_CONFIG_EXPORTERS", "1")

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
#: The address the test site is built for. The published site has one (the deploy workflow's
#: ``SITE_URL``), and with it Material's instant navigation, canonical links and a sitemap of full
#: addresses: the tests build the site the same way. Like a project's GitHub Pages site
#: (``https://OWNER.github.io/REPO/``) it is in a folder, not at the server's root, so that a link
#: that assumes the root breaks here too. ``.test`` is a name reserved for testing; the browser
#: tests map it to their local server (tests/test_browser.py).
TEST_SITE_URL = "http://gd-tutorial.test/tutorial/"
#: The repository address the test site is built with, as the deploy workflow's ``REPO_URL`` gives the
#: published one: the header's link to the repository, each page's link to the commit it was built from
#: and the link to CONTRIBUTING.md are then on the test site too. Only followed by a reader, never
#: requested (the browser tests fail on a request to another host).
TEST_REPO_URL = "https://github.com/gd-tutorial/gradient-descent-from-scratch"


def built_file(site: Path, url: str) -> Path:
    """The file of the built ``site`` that ``url``, an address inside :data:`TEST_SITE_URL`, names.

    A folder's address names its ``index.html``, as a static host serves it.
    """
    path = urlsplit(url).path.removeprefix(urlsplit(TEST_SITE_URL).path)
    target = site / path
    return target / "index.html" if not path or path.endswith("/") or target.is_dir() else target


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
    """Run ``snippets/NAME.py`` as a script (Agg backend), collecting the figures passed to ``plt.show``.

    ``plt.pause`` returns at once, as in the build's runner (:mod:`site_tools.run_listing`).
    """
    shown: list[Figure] = []

    def show(*args: object, **kwargs: object) -> None:
        shown.extend(plt.figure(n) for n in plt.get_fignums())

    buffer = io.StringIO()
    original = plt.show, plt.pause
    plt.show = show
    plt.pause = lambda interval: None  # as at build time: an animation's frames need no waiting here
    try:
        with contextlib.redirect_stdout(buffer):
            namespace = runpy.run_path(str(SNIPPETS / f"{name}.py"), run_name="__main__")
    finally:
        plt.show, plt.pause = original
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


def build_command(site: Path) -> list[str]:
    """The command line of a strict build into ``site``."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]


def build_env(cache: Path, notebook_cache: Path) -> dict[str, str]:
    """The environment of a build with the given listing and notebook caches, for :data:`TEST_SITE_URL`
    and :data:`TEST_REPO_URL`."""
    return {
        **BUILD_ENV,
        "SITE_URL": TEST_SITE_URL,
        "REPO_URL": TEST_REPO_URL,
        "TUTORIAL_CACHE_DIR": str(cache),
        "TUTORIAL_NOTEBOOK_CACHE_DIR": str(notebook_cache),
    }


def build_site(site: Path, cache: Path, notebook_cache: Path) -> SiteBuild:
    """Run ``mkdocs build --strict`` into ``site`` with the given listing and notebook caches."""
    env = build_env(cache, notebook_cache)
    done = subprocess.run(build_command(site), cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return SiteBuild(site, cache, notebook_cache, done.stderr)


# The session's site build starts in the background as soon as the tests are collected, so that the
# tests that do not need the site run meanwhile; the tests that need it are moved to the end. With
# pytest-xdist, the first worker to get there starts the one build and every worker waits for it.
#: The project's own notebook cache (empty on a fresh clone): a developer's repeated test runs do not
#: execute every notebook again; the cache tests show that a changed input is never served stale.
NOTEBOOK_CACHE = ROOT / ".cache" / "mkdocs-jupyter"
_background: list[threading.Thread] = []
#: The site's slowest tests, by module or name, slowest first.
LONGEST_FIRST = [
    "test_new_exercise",
    "test_listings_built_again",
    "test_builds_after_the_first_run",
    "test_browser.py::test_screenshots",
    "test_browser",
]


def _shared_folder(config: pytest.Config) -> Path:
    """A folder shared by this run's processes: the run's base temporary folder (the workers' parent)."""
    base = config._tmp_path_factory.getbasetemp()
    return base.parent if hasattr(config, "workerinput") else base


@pytest.hookimpl(trylast=True)  # after -k, -m and --deselect chose the tests
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Start the site build in the background if a test needs it, and run the tests that do last."""
    needs_site = [item for item in items if "site_build" in getattr(item, "fixturenames", ())]
    if not needs_site:
        return
    # The longest of them first, so that no worker is left with a long test at the very end.
    needs_site.sort(key=lambda item: next((n for n, m in enumerate(LONGEST_FIRST) if m in item.nodeid), 99))
    items[:] = [item for item in items if item not in needs_site] + needs_site
    if config.option.collectonly:
        return
    folder = _shared_folder(config) / "site-build"
    folder.mkdir(exist_ok=True)
    try:
        os.close(os.open(folder / "started", os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        return  # another worker started it
    log = (folder / "log.txt").open("w", encoding="utf-8")
    env = build_env(folder / "listings", NOTEBOOK_CACHE)
    process = subprocess.Popen(build_command(folder / "site"), cwd=ROOT, env=env, stdout=log, stderr=log)
    log.close()
    (folder / "pid").write_text(str(process.pid), encoding="utf-8")

    def record_exit() -> None:
        code = process.wait()
        partial = folder / "returncode.partial"
        partial.write_text(str(code), encoding="utf-8")
        partial.replace(folder / "returncode")

    recorder = threading.Thread(target=record_exit, daemon=True)
    recorder.start()
    _background.append(recorder)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Let the background build finish: another worker may still be waiting for it.

    Ctrl-C reaches the build too (it is in the same process group), so this does not hang.
    """
    for recorder in _background:
        recorder.join()  # the build's end, and its exit status written for the other workers


def _alive(pid: int) -> bool:
    """Tell whether process ``pid`` still exists (a zombie, finished but not yet waited for, counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="session")
def site_build(pytestconfig: pytest.Config) -> SiteBuild:
    """The site, built once per test run (by whichever process started it), cold listing cache."""
    folder = _shared_folder(pytestconfig) / "site-build"
    deadline = time.monotonic() + 900
    while not (folder / "returncode").exists():
        assert (folder / "started").exists(), "the site build was never started"
        assert time.monotonic() < deadline, "the site build did not finish in 15 minutes"
        if (folder / "pid").exists() and not _alive(int((folder / "pid").read_text())):
            time.sleep(1)  # it may have just finished: give its exit status a moment to be written
            assert (folder / "returncode").exists(), "the site build's process is gone (its worker died)"
        time.sleep(0.1)
    log = (folder / "log.txt").read_text(encoding="utf-8")
    assert (folder / "returncode").read_text(encoding="utf-8") == "0", log
    return SiteBuild(folder / "site", folder / "listings", NOTEBOOK_CACHE, log)


@pytest.fixture(scope="session")
def built_site(site_build: SiteBuild) -> Path:
    """The folder of the site built by :func:`site_build`."""
    return site_build.site
