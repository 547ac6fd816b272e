"""Exercise notebooks: one jupytext source, a downloadable ``.ipynb`` and the page mkdocs-jupyter renders.

Each exercise is a single jupytext *percent* file, ``docs/exercises/exNN_slug.py``: it is a script the
tests run, and a notebook. This plain module (used by the MkDocs hook, the tests and ``new-exercise``)
derives the two other forms from it:

- :func:`download_ipynb`: the notebook readers download, unexecuted, with stable cell ids so that two
  builds give identical bytes. It keeps ``$...$`` math for Jupyter to render.
- :func:`page_source`: the copy that mkdocs-jupyter executes and renders into the page. It is the same
  notebook with the math of its Markdown cells already converted to MathML (the same converter as the
  chapters), so notebook pages, too, show math with no script and no CDN. Code cells are untouched:
  the code that runs on the page is the code in the download.
- :func:`prerendering`: executes the pages missing from mkdocs-jupyter's cache in parallel, before the
  plugin would execute them one by one, in kernels forked from a warm process (:mod:`site_tools.kernels`).
"""

from __future__ import annotations

import copy
import functools
import json
import multiprocessing
import os
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import yaml
from pymdownx.arithmatex import RE_DOLLAR_BLOCK, RE_SMART_DOLLAR_INLINE

from site_tools import kernels, usable_cpus
from site_tools.mathml import to_mathml

# jupytext teaches YAML's SafeRepresenter to write notebook metadata, but a SafeDumper that got its own
# representer table earlier (MkDocs' plugins register some) misses it: register it there too.
yaml.SafeDumper.add_representer(nbformat.NotebookNode, yaml.SafeDumper.represent_dict)

ROOT = Path(__file__).resolve().parent.parent
EXERCISES = ROOT / "docs" / "exercises"
#: This project's nbconvert templates for mkdocs-jupyter (see nbtemplates/mkdocs_html/notebook.html.j2).
TEMPLATES = Path(__file__).with_name("nbtemplates")
#: An exercise file name: ``ex`` + two digits + ``_`` + a lower-case slug.
NAME = re.compile(r"ex(?P<number>\d{2})_(?P<slug>[a-z0-9]+(?:_[a-z0-9]+)*)\.py")

_DISPLAY = re.compile(rf"(?ms)^[ \t]*{RE_DOLLAR_BLOCK}[ \t]*$")
_INLINE = re.compile(RE_SMART_DOLLAR_INLINE)
_CODE = re.compile(r"(?ms)^(```|~~~).*?^\1[ \t]*$|`[^`\n]+`")


@dataclass(frozen=True)
class Exercise:
    """One exercise source file and what the site derives from it."""

    path: Path

    @property
    def stem(self) -> str:
        """``exNN_slug``: the page is ``exercises/exNN_slug/``, the download ``exercises/exNN_slug.ipynb``."""
        return self.path.stem

    @property
    def number(self) -> int:
        """The exercise's number, from its file name."""
        return int(NAME.fullmatch(self.path.name)["number"])

    @property
    def title(self) -> str:
        """The first ``# `` heading of the first Markdown cell."""
        for cell in read(self.path).cells:
            if cell.cell_type == "markdown":
                for line in cell.source.splitlines():
                    if line.startswith("# "):
                        return line[2:].strip()
        raise ValueError(f"{self.path}: the first Markdown cell has no '# Title' heading")

    @property
    def description(self) -> str:
        """The introduction's first sentences (at most 160 characters), for search engines and previews."""
        first = next(cell for cell in read(self.path).cells if cell.cell_type == "markdown")
        paragraphs = [p.strip() for p in first.source.split("\n\n") if p.strip() and not p.startswith("#")]
        text = re.sub(r"[`*_]|\$", "", " ".join(paragraphs[0].split()))
        if len(text) <= 160:
            return text
        cut = text[:160]
        end = cut.rfind(". ")
        return cut[: end + 1] if end > 60 else cut[: cut.rfind(" ")] + "…"


def discover(folder: Path = EXERCISES) -> list[Exercise]:
    """Return the exercises in ``folder`` (files named ``exNN_slug.py``), by number."""
    found = (Exercise(p) for p in folder.glob("ex*.py") if NAME.fullmatch(p.name))
    return sorted(found, key=lambda exercise: exercise.stem)


def read(path: Path) -> nbformat.NotebookNode:
    """Read a jupytext percent file as a notebook, with stable cell ids (``cell-1``, ``cell-2``...).

    Parsing is cached by the file's text (a build asks for each exercise several times, and
    ``mkdocs serve`` rebuilds after every change); every call returns a fresh copy, which the caller
    may change.
    """
    return copy.deepcopy(_parse(path.read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=64)
def _parse(text: str) -> nbformat.NotebookNode:
    notebook = jupytext.reads(text, fmt="py:percent")
    for number, cell in enumerate(notebook.cells, start=1):
        cell.id = f"cell-{number}"
    return notebook


def download_ipynb(path: Path) -> str:
    """Return the ``.ipynb`` text readers download: valid nbformat 4, unexecuted, deterministic."""
    return _download_ipynb(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=64)
def _download_ipynb(text: str) -> str:
    notebook = copy.deepcopy(_parse(text))
    notebook.metadata.pop("jupytext", None)
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


def markdown_math_to_mathml(text: str) -> str:
    """Replace ``$$...$$`` blocks and ``$...$`` spans in Markdown by MathML, leaving code untouched."""
    pieces, position = [], 0
    for code in _CODE.finditer(text):
        pieces.append(_convert_math(text[position : code.start()]))
        pieces.append(code.group(0))
        position = code.end()
    pieces.append(_convert_math(text[position:]))
    return "".join(pieces)


def _convert_math(text: str) -> str:
    def display(match: re.Match[str]) -> str:
        math = match.group("math") or match.group("math2") or match.group("math3")
        return f'<div class="math-display">{to_mathml(math, "block")}</div>'

    def inline(match: re.Match[str]) -> str:
        if match.group(1):  # escaped backslashes before a dollar: keep as written
            return match.group(0)
        return to_mathml(match.group(3), "inline")

    return _INLINE.sub(inline, _DISPLAY.sub(display, text))


def page_source(path: Path) -> str:
    """Return the jupytext percent text that mkdocs-jupyter renders: math in Markdown cells as MathML."""
    return _page_source(path.read_text(encoding="utf-8"))


@functools.lru_cache(maxsize=64)
def _page_source(text: str) -> str:
    notebook = copy.deepcopy(_parse(text))
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = _plain_headings(markdown_math_to_mathml(cell.source))
    return jupytext.writes(notebook, fmt="py:percent")


def _plain_headings(text: str) -> str:
    """Drop code marks from headings.

    mkdocs-jupyter's table of contents leaves inline code out of its anchors while nbconvert keeps it in
    the headings' ids, so a heading "With `pdb`" would get a broken link in the table of contents.
    """
    return re.sub(r"(?m)^(#{1,6} .*)$", lambda m: m.group(1).replace("`", ""), text)


def configure_mkdocs_jupyter(templates: Path = TEMPLATES) -> None:
    """Point mkdocs-jupyter at ``templates``, have it merge each cell's printed output, and reuse templates.

    Without the merge, a cell that prints for longer than the kernel's flush interval gets its output
    split into several blocks, at places that differ from run to run. nbclient can merge them, but its
    switch is not a configurable trait, and mkdocs-jupyter builds its own nbconvert configuration: so
    the exporter is given an executor whose switch is on.
    """
    from mkdocs_jupyter import config, nbconvert2
    from nbconvert.exporters.html import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    from nbconvert.preprocessors import ExecutePreprocessor
    from traitlets import Bool, default

    from site_tools import rebuild_caches
    from site_tools.kernels import ForkedKernelManager

    class MergingExecutePreprocessor(ExecutePreprocessor):
        """nbconvert's executor, merging consecutive stream outputs of a cell into one.

        Its kernels come from the kernel fork server when one runs (see :mod:`site_tools.kernels`).
        """

        coalesce_streams = Bool(True)

        @default("kernel_manager_class")
        def _forked_kernels(self) -> type:
            return ForkedKernelManager

    class PlainHTMLExporter(HTMLExporter):
        """nbconvert's HTML exporter, without its last pass over the page through BeautifulSoup.

        That pass parses the whole page again (0.15 to 0.6 CPU-s a notebook, measured alone) to give
        images without alt text a placeholder, which this project's template never leaves (it writes
        each figure's own; a test checks), and to make every cell's input and output a Tab stop, which
        on a page of prose cells is one more Tab press per paragraph for a keyboard reader (Material
        makes the code blocks that scroll focusable itself).
        """

        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            # HTMLExporter.from_notebook_node (nbconvert 7.17), up to the BeautifulSoup pass.
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name", None))
            highlight = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            data_types = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight)
            self.register_filter("filter_data_type", data_types)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    nbconvert2.HTMLExporter = PlainHTMLExporter
    config.settings.templates_dir = str(templates)
    original = getattr(nbconvert2, "_site_tools_original_app", nbconvert2.get_nbconvert_app)
    nbconvert2._site_tools_original_app = original
    defaults = [
        MergingExecutePreprocessor if name.endswith(".ExecutePreprocessor") else name
        for name in HTMLExporter().default_preprocessors
    ]

    def get_nbconvert_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)
        app.config.HTMLExporter.default_preprocessors = defaults
        return app

    nbconvert2.get_nbconvert_app = get_nbconvert_app

    # mkdocs-jupyter makes new exporters (two per page), each compiling nbconvert's templates anew:
    # their environments share the templates already compiled in this process instead.
    create = getattr(TemplateExporter, "_site_tools_original_create", TemplateExporter._create_environment)
    TemplateExporter._site_tools_original_create = create

    def create_environment(exporter: TemplateExporter) -> Any:
        environment = create(exporter)
        rebuild_caches.cache_compiled_templates(environment)
        return environment

    TemplateExporter._create_environment = create_environment


#: A small page for :func:`warm_up_rendering`: a title, prose with math and code, and a code cell.
_WARM_UP_PAGE = """\
# %% [markdown]
# # Warm-up
#
# Text with `code`, <math><mi>x</mi></math> and a [link](https://example.org).
#
# ## A section

# %%
import math

print(math.pi)
"""


def warm_up_rendering(templates: Path = TEMPLATES) -> str:
    """Render a small page, unexecuted, the way :func:`prerendering`'s workers render each page.

    Each worker would otherwise spend most of a CPU-second on what its first page alone needs:
    compiling nbconvert's templates, nbformat's schema validator, Pygments' lexer and many regular
    expressions. Done once in the process the workers are forked from, they inherit all of it.
    Returns the page's HTML.
    """
    import tempfile

    from mkdocs_jupyter import convert, plugin

    configure_mkdocs_jupyter(templates)
    with tempfile.TemporaryDirectory(prefix="warm-up-") as folder:
        page = Path(folder) / "warm_up.py"
        page.write_text(_WARM_UP_PAGE, encoding="utf-8")
        html = convert.nb2html(str(page), execute=False, theme="", allow_errors=False, custom_mathjax_url="")
        plugin._get_nb_toc_tokens(str(page), 3)
    return html


@contextmanager
def prerendering(pages: dict[Path, Path], options: dict[str, Any], templates: Path) -> Iterator[None]:
    """Execute and render notebook pages into mkdocs-jupyter's cache, in the background, several at once.

    mkdocs-jupyter executes notebooks one after the other while it renders pages; on a cold build that
    is most of the build's time. Rendering the missing pages here first, in more processes than
    there are CPUs, while the ``with`` block does other work, lets the plugin find every page in its
    cache. Each page is rendered by mkdocs-jupyter's own functions with the plugin's own options, so
    the result is what the plugin would have produced. Kernels are forked from a warm process
    (:mod:`site_tools.kernels`), and so are the workers (a fork server that imported nbconvert and
    mkdocs-jupyter, and rendered a small page, once: :mod:`site_tools.notebook_workers`), on Linux.

    Parameters
    ----------
    pages
        ``{notebook file: cache file}``: where mkdocs-jupyter will look for each page.
    options
        The mkdocs-jupyter plugin's configuration.
    templates
        The nbconvert template folder the plugin is set to use.

    Raises
    ------
    Exception
        The first notebook that failed (nbconvert's ``CellExecutionError`` shows the failing cell),
        when the block ends.
    """
    if not pages:
        yield
        return
    # More workers than CPUs: a worker's CPU is idle while its kernel runs a cell, and its kernel's while
    # the worker renders the page; and with few workers the last notebook runs alone at the end, one
    # CPU idle. Measured on 2 cores (cold builds, alternating): 3 workers beat 2 by 2-3 s; 5 beat 3 by
    # about 1 s (medians 23.8 and 25.0 s of 4 each), all 7 at once lost 2 s to the listings' runner.
    workers = min(len(pages), 2 * usable_cpus() + 1)
    with ExitStack() as stack:
        server = ""
        if kernels.available():
            context = multiprocessing.get_context("forkserver")
            preload = ["site_tools.notebook_workers"]  # imports, and warms up, what workers use
            context.set_forkserver_preload(preload)
            server = stack.enter_context(kernels.fork_server())
        else:
            context = multiprocessing.get_context("spawn")
        pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=context))
        futures = [
            pool.submit(_render_page, str(page), str(cache), dict(options), str(templates), server)
            for page, cache in pages.items()
        ]
        try:
            yield
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
        for future in futures:
            future.result()


def _render_page(notebook: str, cache: str, options: dict[str, Any], templates: str, server: str) -> None:
    from mkdocs_jupyter import convert, plugin

    if server:
        os.environ[kernels.SOCKET] = server
    configure_mkdocs_jupyter(Path(templates))
    body = convert.nb2html(
        notebook,
        execute=options["execute"],
        kernel_name=options["kernel_name"],
        theme=options["theme"],
        allow_errors=options["allow_errors"],
        show_input=options["show_input"],
        no_input=options["no_input"],
        no_prompt=options["no_prompt"],
        remove_tag_config=options["remove_tag_config"],
        highlight_extra_classes=options["highlight_extra_classes"],
        include_requirejs=options["include_requirejs"],
        custom_mathjax_url=options["custom_mathjax_url"],
    )
    toc_tokens, title = plugin._get_nb_toc_tokens(notebook, options["toc_depth"])
    target = Path(cache)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_text(
        json.dumps({"content": body, "toc_tokens": toc_tokens, "title": title}), encoding="utf-8"
    )
    partial.replace(target)
