"""In-memory caches that make the rebuilds of ``mkdocs serve`` fast.

``mkdocs serve`` rebuilds the whole site after every change, in one long-running process but with a
freshly loaded configuration: new plugin objects, new Jinja environments. Most of that work gives the
same result as in the previous rebuild, so this module keeps the results that cost most, each keyed by
everything it is computed from:

- :func:`cache_search_parsing`: Material's search plugin parses the HTML of every page (a notebook page
  is 100-200 KB) into sections. Key: the page's HTML.
- :func:`cache_code_highlighting`: Pygments highlights every listing. Key: the code, and every attribute
  of the lexer and of the formatter.
- :func:`cache_page_rendering`: Python-Markdown converts every page. Key: the page's Markdown (after
  mkdocs-macros), its address, the Markdown settings, the log level, and the address and inclusion of
  every file of the site (links are checked and rewritten against them); an entry also records the
  text of each file the page included (pymdownx.snippets), and is used only while every one reads the
  same. A conversion that logged a warning (or a note about a link) is not kept, so a rebuild logs it
  again.
- :func:`cache_theme_templates` (the theme's templates) and :func:`cache_compiled_templates` (for
  mkdocs-macros, which renders each page as a template): Jinja compiles each template again in each new
  environment. Key: the template's source, name and file, and :func:`_compiler_settings`.

A module is imported once per process, so the caches last across rebuilds (the hooks file, too, is loaded
once: MkDocs caches the module by its path). A page, listing or template that changes gets a new key and
is processed afresh: a rebuild never shows stale output. :func:`start_build` forgets what neither the
previous build nor the current one used, so memory stays at about two builds' worth.

The search and highlighting caches replace one name in the library's module (``Parser``, ``highlight``);
the page and template caches wrap one method of one object (a page's ``render``, as mkdocs-jupyter does for
its pages; a theme's ``get_env``; an environment's ``compile``), and the page cache also replaces
pymdownx.snippets' ``read_lines`` (which then notes what it read while a page converts).
None of these libraries offers a cache of its own that reaches them.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import logging
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import jinja2
from material.plugins.search import plugin as search_plugin
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents
from mkdocs.theme import Theme
from pymdownx import highlight as pymdownx_highlight
from pymdownx import snippets as pymdownx_snippets

_Value = TypeVar("_Value")


class BuildCache(Generic[_Value]):
    """Results by key, kept while the current or the previous build uses them."""

    def __init__(self) -> None:
        self._current: dict[Hashable, _Value] = {}
        self._previous: dict[Hashable, _Value] = {}

    def get(self, key: Hashable, compute: Callable[[], _Value]) -> _Value:
        """Return the result for ``key``, from the cache or else from ``compute()``."""
        if key not in self._current:
            self._current[key] = self._previous[key] if key in self._previous else compute()
        return self._current[key]

    def put(self, key: Hashable, value: _Value) -> None:
        """Keep ``value`` as the result for ``key`` (replacing an older one)."""
        self._current[key] = value

    def lookup(self, key: Hashable, valid: Callable[[_Value], bool]) -> _Value | None:
        """Return the result kept for ``key`` if ``valid`` accepts it, else None (then compute and put it)."""
        for generation in (self._current, self._previous):
            if key in generation and valid(generation[key]):
                self._current[key] = generation[key]
                return generation[key]
        return None

    def start_build(self) -> None:
        """Start a build: keep only the results that the previous build used."""
        self._previous, self._current = self._current, {}


_SECTIONS: BuildCache[tuple[tuple[Any, ...], ...]] = BuildCache()
_HIGHLIGHTED: BuildCache[str] = BuildCache()
_COMPILED: BuildCache[Any] = BuildCache()
_RENDERED: BuildCache[_Rendered] = BuildCache()


def start_build() -> None:
    """Tell the caches that a build starts (``on_config``)."""
    for cache in (_SECTIONS, _HIGHLIGHTED, _COMPILED, _RENDERED):
        cache.start_build()


# --- Search: Material's parser of page HTML --------------------------------------------------------------

_ORIGINAL_PARSER: Callable[[], Any] = search_plugin.Parser


class _CachedParser:
    """Material's search ``Parser``, answering from the cache of the sections of each HTML text it parsed.

    The search plugin uses a parser as ``feed(html)``, ``close()``, then ``data``, a list of sections that
    it may change: each ``close`` hands out new ``Section`` objects with copies of the cached contents.
    """

    def __init__(self) -> None:
        self._html: list[str] = []
        self.data: list[Any] = []

    def feed(self, data: str) -> None:
        """Take HTML to parse."""
        self._html.append(data)

    def close(self) -> None:
        """Parse the HTML (or take its sections from the cache) into ``data``."""
        html = "".join(self._html)
        self.data = []
        for element, depth, section_id, title, text in _SECTIONS.get(html, lambda: _parse(html)):
            section = search_plugin.Section(element, depth)
            section.id, section.title, section.text = section_id, list(title), list(text)
            self.data.append(section)


def _parse(html: str) -> tuple[tuple[Any, ...], ...]:
    parser = _ORIGINAL_PARSER()
    parser.feed(html)
    parser.close()
    return tuple((s.el, s.depth, s.id, tuple(s.title), tuple(s.text)) for s in parser.data)


def cache_search_parsing() -> None:
    """Have Material's search plugin reuse the sections of a page whose HTML did not change."""
    search_plugin.Parser = _CachedParser


# --- Code highlighting: Pygments as called by pymdownx.highlight -----------------------------------------

_PYGMENTS_HIGHLIGHT: Callable[[str, Any, Any], str] = pymdownx_highlight.highlight


def _highlight(code: str, lexer: Any, formatter: Any) -> str:
    """Pygments' ``highlight(code, lexer, formatter)``, answered from the cache when it can be."""
    key = (code, type(lexer), _attributes(lexer), type(formatter), _attributes(formatter))
    return _HIGHLIGHTED.get(key, lambda: _PYGMENTS_HIGHLIGHT(code, lexer, formatter))


def _attributes(instance: object) -> str:
    return repr(sorted(vars(instance).items()))


def cache_code_highlighting() -> None:
    """Have ``pymdownx.highlight`` reuse the HTML of code it highlighted before with the same settings."""
    pymdownx_highlight.highlight = _highlight


# --- Markdown: each page converted to HTML --------------------------------------------------------------


@dataclass(frozen=True)
class _Rendered:
    """What ``Page.render`` sets on a page, and what it included: (path, encoding, SHA-256 of the text)."""

    content: str
    toc: TableOfContents
    title: str | None
    present_anchor_ids: frozenset[str]
    links_to_anchors: dict[str, dict[str, str]] | None
    included: tuple[tuple[str, str | None, str], ...]

    def unchanged(self) -> bool:
        """Tell whether every file the page included still reads as the text it included."""
        return all(_text_digest(path, encoding) == digest for path, encoding, digest in self.included)


def _text_digest(path: str, encoding: str | None) -> str | None:
    """SHA-256 of the text of ``path`` as pymdownx.snippets reads it; None if it cannot be read."""
    try:
        with open(path, encoding=encoding) as file:  # noqa: PTH123 (the same call as pymdownx.snippets)
            return _digest_text(file.read())
    except (OSError, UnicodeDecodeError):
        return None


def _digest_text(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


#: For each page being converted, what pymdownx.snippets read: (path, encoding, SHA-256 of the text).
_reading: list[list[tuple[str, str | None, str]]] = []
_ORIGINAL_READ_LINES = pymdownx_snippets.SnippetPreprocessor.read_lines


def _recording_read_lines(self: pymdownx_snippets.SnippetPreprocessor, path: str) -> list[str]:
    """pymdownx.snippets' ``read_lines``, noting the digest of exactly the text it returns."""
    lines = _ORIGINAL_READ_LINES(self, path)
    if _reading:
        _reading[-1].append((path, self.encoding, _digest_text("\n".join(lines))))
    return lines


class _Unrepeatable(logging.Handler):
    """Notes a message that a conversion answered from the cache would not log again.

    Warnings (which ``--strict`` counts), and the notes about links that MkDocs' page processor logs
    at a lower level (e.g. a link to an excluded page).
    """

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING or record.name.startswith("mkdocs.structure"):
            self.seen = True


@contextlib.contextmanager
def _recording() -> Iterator[tuple[list[tuple[str, str | None, str]], _Unrepeatable]]:
    """Record the files pymdownx.snippets reads and any message not to be lost, meanwhile."""
    handler, included = _Unrepeatable(), []
    loggers = [logging.getLogger(), logging.getLogger("mkdocs")]  # "mkdocs" may not propagate to the root
    for logger in loggers:
        logger.addHandler(handler)
    _reading.append(included)
    try:
        yield included, handler
    finally:
        _reading.pop()
        for logger in loggers:
            logger.removeHandler(handler)


def _site_files(files: Files) -> tuple[tuple[str, str, bool, str], ...]:
    """Every file's path, address and inclusion (draft, excluded...): what links are checked against."""
    return tuple(sorted((f.src_uri, f.url, f.is_documentation_page(), f.inclusion.name) for f in files))


def _trackable(config: MkDocsConfig) -> bool:
    """Tell whether every file a page includes is seen: snippets read from disk, and must exist."""
    if "pymdownx.snippets" not in config["markdown_extensions"]:
        return True
    options = config["mdx_configs"].get("pymdownx.snippets", {})
    return bool(options.get("check_paths")) and not options.get("url_download")


def cache_page_rendering(page: Page) -> None:
    """Have ``page`` reuse the HTML of an earlier build's conversion of the same Markdown.

    Call it before the page is rendered (``on_pre_page``). It wraps ``page.render`` of this object, and
    (once, for the whole process) pymdownx.snippets' ``read_lines``, to learn which files a page
    includes. Pages are converted afresh, never cached, when an included file could go unseen: snippets
    downloaded from URLs, or missing files skipped silently (``check_paths: false``). The Markdown
    extensions in use must not read other files (those of this project do not).
    """
    render = page.render

    def render_with_cache(config: MkDocsConfig, files: Files) -> None:
        if not _trackable(config):
            render(config, files)
            return
        settings = (
            config["markdown_extensions"],
            config["mdx_configs"],
            config["validation"],
            config["use_directory_urls"],
            logging.getLogger("mkdocs.structure.pages").getEffectiveLevel(),  # anchors checked above DEBUG
        )
        key = (page.markdown, page.file.src_uri, page.file.url, repr(settings), _site_files(files))
        rendered = _RENDERED.lookup(key, _Rendered.unchanged)
        if rendered is None:
            with _recording() as (included, messages):
                render(config, files)
            if messages.seen:
                return  # not kept: the next build converts the page again, and logs it again
            links = page.links_to_anchors
            rendered = _Rendered(
                content=page.content,
                toc=copy.deepcopy(page.toc),
                title=page._title_from_render,
                present_anchor_ids=frozenset(page.present_anchor_ids or ()),
                links_to_anchors=None if links is None else {f.src_uri: dict(a) for f, a in links.items()},
                included=tuple(dict.fromkeys(included)),
            )
            _RENDERED.put(key, rendered)
            return
        page.content = rendered.content
        page.toc = copy.deepcopy(rendered.toc)
        page._title_from_render = rendered.title
        page.present_anchor_ids = set(rendered.present_anchor_ids)
        if rendered.links_to_anchors is not None:
            links = rendered.links_to_anchors.items()
            page.links_to_anchors = {files.get_file_from_path(uri): dict(anchors) for uri, anchors in links}

    page.render = render_with_cache  # type: ignore[method-assign]
    pymdownx_snippets.SnippetPreprocessor.read_lines = _recording_read_lines


# --- Jinja: compiled templates ---------------------------------------------------------------------------


def cache_theme_templates(theme: Theme) -> None:
    """Have every Jinja environment that ``theme`` makes reuse the templates compiled by earlier builds.

    Besides the build's own environment, the search plugin makes three (to read its translations): so this
    wraps ``get_env`` of ``theme`` (only this object) rather than acting in ``on_env``.
    """
    get_env = theme.get_env

    def get_env_with_cache() -> jinja2.Environment:
        environment = get_env()
        cache_compiled_templates(environment)
        return environment

    theme.get_env = get_env_with_cache  # type: ignore[method-assign]


def cache_compiled_templates(environment: jinja2.Environment) -> None:
    """Have ``environment`` reuse the code compiled from the same source by earlier environments.

    Jinja's bytecode cache would serve templates loaded from files, but not those made by
    ``from_string``, as mkdocs-macros makes each page: so this wraps the ``compile`` method of
    ``environment`` (only this object), through which both kinds go.
    """
    # Jinja's optimizer calls filters with constant arguments at compile time, baking their result
    # into the code; mkdocs-macros' `relative_url` depends on the page, so a shared compiled
    # template could carry another page's result. Without it, every filter runs when rendering.
    environment.optimized = False
    compile_source = environment.compile

    def compile(
        source: Any,
        name: str | None = None,
        filename: str | None = None,
        raw: bool = False,
        defer_init: bool = False,
    ) -> Any:
        if not isinstance(source, str):  # a template already parsed (never, with MkDocs): no key
            return compile_source(source, name, filename, raw, defer_init)
        key = (_compiler_settings(environment, name), source, name, filename, raw, defer_init)
        return _COMPILED.get(key, lambda: compile_source(source, name, filename, raw, defer_init))

    environment.compile = compile  # type: ignore[method-assign]


def _compiler_settings(environment: jinja2.Environment, name: str | None) -> str:
    """Return what Jinja's lexer, parser and compiler read from ``environment``, as one string.

    Filters and tests count by name and by how they are called (the compiled code looks the functions up
    when it runs); the finalizer likewise; autoescaping by its value for template ``name``.
    """
    autoescape = environment.autoescape
    generator = environment.code_generator_class
    settings = [
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        environment.optimized,
        environment.is_async,
        environment.sandboxed,
        autoescape(name) if callable(autoescape) else autoescape,
        _calling(environment.finalize),
        getattr(environment, "newstyle_gettext", None),
        sorted(environment.policies.items(), key=str),
        sorted(environment.extensions),
        f"{generator.__module__}.{generator.__qualname__}",
        [(key, _calling(function)) for key, function in sorted(environment.filters.items())],
        [(key, _calling(function)) for key, function in sorted(environment.tests.items())],
    ]
    return repr(settings)


def _calling(function: Callable[..., Any] | None) -> str:
    """How Jinja calls ``function``: not at all (None), or with a context, an environment or neither."""
    return "none" if function is None else str(getattr(function, "jinja_pass_arg", "plain"))
