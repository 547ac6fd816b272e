"""MkDocs hooks: a thin adapter from MkDocs to :mod:`site_tools.listings` and :mod:`site_tools.notebooks`.

Every page's footer names the commit and date the site was built from (``on_config``), and the
build date is that commit's date, so two builds of the same commit agree byte for byte.

Listings (chapters):

- ``on_config`` runs the listings (cached by content) before mkdocs-macros reads ``extra``, so every
  page can quote ``{{ listings.NAME.stdout }}`` and ``{{ listings.NAME.values.VAR }}``. The exercise
  notebooks execute meanwhile (see below). The listings that measure time (and draw nothing) run
  afterwards, in the background on one CPU while MkDocs renders the pages on another; a page that
  quotes them waits for them first (``on_page_markdown``).
- ``on_files`` publishes each figure as ``figures/NAME-N-light.png`` / ``-dark.png`` straight from the
  cache: nothing is written into ``docs/``, so ``mkdocs serve`` does not rebuild in a loop.

Exercises (notebooks rendered and executed by mkdocs-jupyter):

- ``on_config`` points mkdocs-jupyter at this project's template (no inlined JupyterLab CSS, no
  MathJax CDN), merges each cell's printed output into one block (else a cell that prints for a while is
  split into pieces that differ from run to run), extends its cache key with what its own key ignores
  (the listings a notebook names, the template, the library versions), sets ``PYTHONBREAKPOINT=0`` so that
  ``breakpoint()`` in an exercise cannot wait for input, and exposes the exercises as ``{{ exercises }}``.
- ``on_config`` also writes the copy of each ``docs/exercises/exNN_slug.py`` that mkdocs-jupyter
  should render (math already MathML) and executes the pages missing from mkdocs-jupyter's cache in
  parallel, while the listings run (the plugin would execute them one by one, later).
- ``on_files`` swaps each exercise for its page copy and adds the ``exNN_slug.ipynb`` download next
  to the page.
- ``on_page_content`` drops the ``cell-id`` anchors nbconvert writes (jupytext gives cells random ids,
  which would make two builds of the same notebook differ), and moves the figures nbconvert inlines as
  base64 into PNG files next to the page, named by their content: the page's HTML stays small, and
  browsers cache and lazy-load the figures like any other image.

Rebuilds (``mkdocs serve``): ``on_config``, ``on_pre_build`` and ``on_pre_page`` install the in-memory
caches of :mod:`site_tools.rebuild_caches` (search sections, highlighted code, compiled templates, pages
converted from Markdown), so that a rebuild redoes only the work whose inputs changed.

A failing listing or notebook raises, which fails the build with its traceback: a page is never built
with a stale or missing figure.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import version
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs_jupyter import plugin as jupyter_plugin

from site_tools import listings, notebooks, rebuild_caches

log = logging.getLogger("mkdocs.hooks.site_tools")
NOTEBOOK_TEMPLATES = notebooks.TEMPLATES


def _root(config: MkDocsConfig) -> Path:
    """Return the project folder: the one holding mkdocs.yml, snippets/, docs/ and .cache/."""
    return Path(config.config_file_path).resolve().parent


def _rendered_docs(config: MkDocsConfig) -> Path:
    """Where the page copies of the exercises go: outside docs/, so `mkdocs serve` does not loop."""
    return _root(config) / ".cache" / "notebooks"


def _notebook_key_extension(snippets: Path) -> Callable[[str], bytes]:
    """Return what to add to mkdocs-jupyter's cache key for one notebook.

    The plugin's key hashes only the notebook and the plugin's options. Ours adds what else shapes the
    page: this project's template and notebook code (its exporter copies a part of nbconvert's), the
    versions of Python, NumPy, Matplotlib and the Jupyter packages that execute and convert notebooks,
    and every listing of ``snippets/`` that the notebook names (e.g. ``step09_gradient_descent.py``):
    editing a listing re-executes exactly the notebooks that refer to it, and nothing else.
    """
    common = hashlib.sha256(listings.environment_fingerprint() + _jupyter_versions())
    for path in sorted([*NOTEBOOK_TEMPLATES.rglob("*"), Path(notebooks.__file__)]):
        if path.is_file():
            common.update(path.name.encode() + b"\0" + path.read_bytes())
    available = {path.name: path for path in snippets.glob("*.py")}

    def extension(nb_path: str) -> bytes:
        digest = common.copy()
        named = set(_FILE_NAME.findall(Path(nb_path).read_text(encoding="utf-8"))) & available.keys()
        for name in sorted(named):
            digest.update(name.encode() + b"\0" + available[name].read_bytes())
        return digest.digest()

    return extension


@cache  # looked up once per process: `mkdocs serve` rebuilds need not read package metadata again
def _jupyter_versions() -> bytes:
    """Return the versions of the packages that execute notebooks and turn them into pages."""
    packages = ("nbconvert", "nbclient", "ipykernel", "mkdocs-jupyter", "jupytext")
    return "".join(f"\0{package}=={version(package)}" for package in packages).encode()


_FILE_NAME = re.compile(r"\b[a-z0-9_]+\.py\b")


def _extend_notebook_cache_key(extension: Callable[[str], bytes]) -> None:
    original = getattr(jupyter_plugin, "_site_tools_original_key", jupyter_plugin._compute_cache_key)
    jupyter_plugin._site_tools_original_key = original

    def cache_key(nb_path: str, config: dict, exec_nb: bool) -> str:
        return hashlib.sha256(original(nb_path, config, exec_nb).encode() + extension(nb_path)).hexdigest()

    jupyter_plugin._compute_cache_key = cache_key


def _build_stamp(root: Path) -> dict[str, object]:
    """Return the commit and date the site is built from, and fix the build date to that commit's.

    ``SOURCE_DATE_EPOCH`` (the reproducible-builds convention, which MkDocs reads for the sitemap's
    dates and the gzip timestamps) defaults to the last commit's time, so two builds of one commit
    are identical whenever they run.
    """

    def git(*arguments: str) -> str:
        done = subprocess.run(["git", *arguments], cwd=root, capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "HEAD")
    if commit and not os.environ.get("SOURCE_DATE_EPOCH"):
        os.environ["SOURCE_DATE_EPOCH"] = git("log", "-1", "--format=%ct")
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or datetime.now(UTC).timestamp())
    return {
        "commit": commit,
        "short": commit[:10],
        "modified": bool(commit and git("status", "--porcelain", "--untracked-files=no")),
        "date": datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d"),
    }


@event_priority(100)  # before mkdocs-macros (priority 0) copies `extra` into its variables
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Run the listings and the notebooks; expose ``listings`` and ``exercises`` to the pages.

    The notebooks missing from mkdocs-jupyter's cache execute while the listings run; the listings
    that measure time start after both, in the background, and are ready by the page that quotes them.
    """
    root = _root(config)
    config.extra["build"] = _build_stamp(root)  # sets SOURCE_DATE_EPOCH, which the listings inherit
    os.environ["PYTHONBREAKPOINT"] = "0"
    found = listings.discover(root / "snippets")
    global _timing, _first
    if _timing is not None:
        _timing.wait()  # `mkdocs serve`: the previous build's, so that no listing runs twice at once
    later = [p for p in found if listings.runs_in_background(p)]
    # The listings start first: their runner imports Matplotlib while the notebooks are prepared.
    first = listings.build_in_background([p for p in found if p not in later], may_draw=True)
    try:
        notebooks.configure_mkdocs_jupyter()
        _extend_notebook_cache_key(_notebook_key_extension(root / "snippets"))
        config.extra["exercises"] = notebooks.discover(Path(config.docs_dir) / "exercises")
        with _prerendering_missing_pages(config, _write_notebook_pages(config)):
            _first = first.result()  # a failed listing stops the notebooks that have not started
    finally:
        first.wait()  # should the notebooks fail first, the listings' runner is not left behind
    # The listings that measure time run now, while MkDocs renders the pages on the other CPU, rather
    # than alone before it. The page that quotes them waits for them (on_page_markdown).
    _timing = listings.build_in_background(later)
    runs = _first.runs | _timing.runs()
    config.extra["listings"] = {p.stem: runs[p.stem] for p in found}
    rebuild_caches.start_build()
    rebuild_caches.cache_theme_templates(config.theme)
    rebuild_caches.cache_search_parsing()
    rebuild_caches.cache_code_highlighting()
    return config


#: This build's listings: those run before the pages, and those that measure time (run meanwhile).
_first: listings.Report | None = None
_timing: listings.Pending | None = None


@event_priority(50)  # before mkdocs-macros (priority 0) renders the page's {{ listings... }}
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Before a page that names a listing running in the background is rendered, wait for it.

    A listing that failed then fails the build here, with its traceback, as any listing does in
    ``on_config`` (and ``mkdocs serve`` goes on serving the last good site).
    """
    if _timing is not None and any(name in markdown for name in _timing.names):
        _timing.result()
    return markdown


def on_build_error(error: Exception) -> None:
    """Let the listings running in the background end, so that they leave no process or folder behind."""
    if _timing is not None:
        _timing.wait()


def on_post_build(config: MkDocsConfig) -> None:
    """Wait for the listings that measure time (raising if one failed); say how many listings ran."""
    timing = _timing.result()
    ran = len(_first.executed) + len(timing.executed)
    log.info("listings: %d ran, %d from the cache", ran, len(_first.runs) + len(timing.runs) - ran)


def _write_notebook_pages(config: MkDocsConfig) -> list[Path]:
    """Write the copy of each exercise that mkdocs-jupyter renders (math as MathML); return their paths."""
    folder = _rendered_docs(config) / "exercises"
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for exercise in config.extra["exercises"]:
        page = folder / f"{exercise.stem}.py"
        text = notebooks.page_source(exercise.path)
        if not page.exists() or page.read_text(encoding="utf-8") != text:
            page.write_text(text, encoding="utf-8")
        pages.append(page)
    return pages


def _prerendering_missing_pages(config: MkDocsConfig, pages: list[Path]) -> AbstractContextManager[None]:
    """Execute, in parallel and in the background, the pages mkdocs-jupyter would not find in its cache."""
    options = config.plugins["mkdocs-jupyter"].config
    missing = {}
    for page in pages:
        key = jupyter_plugin._compute_cache_key(str(page), options, options["execute"])
        cache = jupyter_plugin._get_cache_path(options["cache_dir"], key)
        if not cache.exists():
            missing[page] = cache
    if missing:
        log.info("notebooks: executing %d of %d in parallel", len(missing), len(pages))
    return notebooks.prerendering(missing, dict(options), NOTEBOOK_TEMPLATES)


@event_priority(100)  # before mkdocs-jupyter turns the exercise files into notebook pages
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the listings' figures; replace each exercise by its page copy and add its download."""
    for run in _first.runs.values():  # the listings that measure time draw nothing (Pending checks)
        for figure in run.figures:
            for palette in listings.PALETTES:
                source = getattr(figure, palette)
                uri = figure.site_path(run.name, palette)
                files.append(File.generated(config, uri, abs_src_path=str(source)))

    rendered_docs = _rendered_docs(config)
    for exercise in config.extra["exercises"]:
        uri = f"exercises/{exercise.stem}.py"
        files.remove(files.get_file_from_path(uri))
        # A real File rooted in the rendered copies (mkdocs-jupyter's page wrapper needs `src_dir`).
        files.append(File(uri, str(rendered_docs), config.site_dir, config.use_directory_urls))
        download = notebooks.download_ipynb(exercise.path)
        files.append(File.generated(config, f"exercises/{exercise.stem}.ipynb", content=download))
    return files


def on_pre_build(config: MkDocsConfig) -> None:
    """Reuse the page templates that mkdocs-macros (its environment made in ``on_config``) compiled before."""
    rebuild_caches.cache_compiled_templates(config.plugins["macros"].env)


def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    """Have a Markdown page reuse its conversion from an earlier build when nothing it depends on changed."""
    if page.file.src_uri.endswith(".md"):
        rebuild_caches.cache_page_rendering(page)
    return page


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: object) -> dict:
    """Give exercise pages a description of their own (their introduction), like the chapters have."""
    for exercise in config.extra["exercises"]:
        if page.file.src_uri == f"exercises/{exercise.stem}.py" and not page.meta.get("description"):
            page.meta["description"] = exercise.description
    return context


_CELL_ID = re.compile(r' id="cell-id=[0-9a-f-]+"')
#: An inlined figure, as this project's notebook template writes it.
_INLINE_PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=\s]+)"')


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """On notebook pages: drop random cell-id anchors; move inlined figures into PNG files."""
    if not page.file.src_uri.startswith("exercises/ex"):
        return html
    folder = Path(page.file.abs_dest_path).parent
    folder.mkdir(parents=True, exist_ok=True)

    def extract(match: re.Match[str]) -> str:
        data = base64.b64decode(match.group(1))
        name = f"figure-{hashlib.sha256(data).hexdigest()[:16]}.png"
        (folder / name).write_bytes(data)
        return f'src="{name}"'

    return _INLINE_PNG.sub(extract, _CELL_ID.sub("", html))
