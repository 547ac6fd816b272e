"""The in-memory caches of `mkdocs serve` rebuilds give what the uncached code gives, never stale results."""

from __future__ import annotations

import logging
from pathlib import Path

import jinja2
import markdown
import pytest
from material.plugins.search import plugin as search_plugin
from mkdocs.config import load_config
from mkdocs.structure.files import get_files
from mkdocs.structure.pages import Page
from mkdocs.theme import Theme
from pymdownx import highlight as pymdownx_highlight

from site_tools import rebuild_caches

HTML = """<h1 id="title">Title <a class="headerlink" href="#title">¶</a></h1>
<p>Intro with <code>code</code>.</p>
<h2 id="part">Part</h2><pre><code>x = 1\n</code></pre><script>skip()</script><p>End.</p>"""


def sections(parser: object) -> list[tuple[object, ...]]:
    parser.feed(HTML)
    parser.close()
    return [(s.el.tag, s.depth, s.id, s.title, s.text) for s in parser.data]


def test_cached_search_sections_are_the_parser_s_and_fresh_each_time():
    expected = sections(rebuild_caches._ORIGINAL_PARSER())
    first = rebuild_caches._CachedParser()
    assert sections(first) == expected
    first.data[0].title.append("changed by the search plugin")
    assert sections(rebuild_caches._CachedParser()) == expected


def highlighted(code: str, **options: object) -> str:
    extensions, configs = ["pymdownx.highlight", "pymdownx.superfences"], {"pymdownx.highlight": options}
    return markdown.Markdown(extensions=extensions, extension_configs=configs).convert(
        f"```python\n{code}\n```"
    )


def test_highlighted_code_is_pygments_output_and_keyed_by_the_settings():
    rebuild_caches.cache_code_highlighting()
    try:
        cached = highlighted("x = 1", linenums=True), highlighted("x = 1"), highlighted("y = 2")
    finally:
        pymdownx_highlight.highlight = rebuild_caches._PYGMENTS_HIGHLIGHT
    assert cached == (highlighted("x = 1", linenums=True), highlighted("x = 1"), highlighted("y = 2"))
    assert len(set(cached)) == 3


def test_compiled_templates_are_reused_only_for_the_same_source_and_settings(tmp_path: Path):
    template = tmp_path / "page.html"
    compiled: list[str] = []

    def environment(**settings: object) -> jinja2.Environment:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path), **settings)
        rebuild_caches.cache_compiled_templates(env)
        compile_source = env._compile
        env._compile = lambda source, filename: compiled.append(filename) or compile_source(source, filename)
        return env

    template.write_text("{{ greeting }},  world\n")
    assert environment().get_template("page.html").render(greeting="Hello") == "Hello,  world"
    assert environment().get_template("page.html").render(greeting="Hi") == "Hi,  world"
    assert (
        environment().from_string("{{ 1 + 1 }}").render() == environment().from_string("{{ 1 + 1 }}").render()
    )
    assert len(compiled) == 2, "each source compiled once"
    template.write_text("{{ greeting }}, everyone\n")
    assert environment().get_template("page.html").render(greeting="Hello") == "Hello, everyone"
    again = environment(trim_blocks=True, keep_trailing_newline=True).get_template("page.html")
    assert again.render(greeting="Hey") == "Hey, everyone\n"
    assert len(compiled) == 4, "a changed source, or other settings, compile again"


def test_every_environment_of_the_theme_reuses_compiled_templates():
    theme = Theme(name="mkdocs")
    rebuild_caches.cache_theme_templates(theme)
    first, second = theme.get_env(), theme.get_env()
    first.get_template("main.html")
    second._compile = None  # compiling again would fail
    assert second.get_template("main.html").name == "main.html"


def test_a_cache_keeps_what_the_previous_build_used():
    cache: rebuild_caches.BuildCache[int] = rebuild_caches.BuildCache()
    assert [cache.get("a", lambda: 1), cache.get("b", lambda: 2)] == [1, 2]
    cache.start_build()
    assert cache.get("a", lambda: 3) == 1, "used by the previous build: kept"
    cache.start_build()
    cache.start_build()
    assert cache.get("a", lambda: 4) == 4, "unused for a whole build: forgotten"


def test_search_plugin_uses_the_cached_parser_once_installed():
    original = search_plugin.Parser
    try:
        rebuild_caches.cache_search_parsing()
        assert search_plugin.Parser is rebuild_caches._CachedParser
    finally:
        search_plugin.Parser = original


def small_project(tmp_path: Path, extra: str = "", check_paths: bool = True) -> Path:
    """A two-page MkDocs project whose home page includes a listing with pymdownx.snippets."""
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "listing.py").write_text("x = 1\n")
    (tmp_path / "docs" / "other.md").write_text("# Other\n\n## Part\n")
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\n{extra}markdown_extensions:\n  - toc:\n      permalink: true\n"
        f"  - pymdownx.snippets:\n      base_path: ['{tmp_path}']\n      check_paths: {check_paths}\n"
        "  - pymdownx.superfences\n"
    )
    return tmp_path


class Conversions:
    """Counts the pages Python-Markdown converts."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        convert = markdown.Markdown.convert

        def counted(md: markdown.Markdown, source: str) -> str:
            self.count += 1
            return convert(md, source)

        monkeypatch.setattr(markdown.Markdown, "convert", counted)


def render(project: Path, markdown_text: str, cached: bool) -> Page:
    """Render ``docs/index.md`` with ``markdown_text``, through the page cache or not."""
    (project / "docs" / "index.md").write_text(markdown_text)
    config = load_config(str(project / "mkdocs.yml"))
    files = get_files(config)
    page = Page(None, files.get_file_from_path("index.md"), config)
    if cached:
        rebuild_caches.cache_page_rendering(page)
    page.read_source(config)
    page.render(config, files)
    return page


def rendered(page: Page) -> dict[str, object]:
    """Everything rendering set on ``page`` (File objects by their path, the table of contents as text)."""
    state = {name: value for name, value in vars(page).items() if name not in {"render", "file"}}
    state["links_to_anchors"] = {f.src_uri: a for f, a in (page.links_to_anchors or {}).items()}
    state["toc"] = str(page.toc)
    return state


PAGE = '# Home\n\nSee [a part](other.md#part).\n\n```python\n--8<-- "listing.py"\n```\n'


def test_a_page_converted_from_the_cache_is_the_page_converted_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    project = small_project(tmp_path)
    rebuild_caches.start_build()
    first = rendered(render(project, PAGE, cached=True))
    rebuild_caches.start_build()
    with monkeypatch.context() as patch:
        patch.setattr(markdown.Markdown, "convert", None)  # converting again would fail
        again = render(project, PAGE, cached=True)
    assert rendered(again) == first == rendered(render(project, PAGE, cached=False))
    assert "x <span" in again.content or "x</span>" in again.content, "the listing is included"
    assert "other.md" in {f.src_uri for f in again.links_to_anchors}


def test_a_changed_listing_or_page_is_converted_again(tmp_path: Path):
    project = small_project(tmp_path)
    rebuild_caches.start_build()
    before = render(project, PAGE, cached=True).content
    (project / "listing.py").write_text("y = 2\n")
    rebuild_caches.start_build()
    after = render(project, PAGE, cached=True)
    assert after.content != before
    assert rendered(after) == rendered(render(project, PAGE, cached=False))
    edited = render(project, PAGE + "\nMore.\n", cached=True)
    assert "More." in edited.content


def test_a_page_that_warned_warns_again_when_rebuilt(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    project = small_project(tmp_path)
    broken = "# Home\n\nSee [nothing](missing.md).\n"
    for _ in range(2):
        rebuild_caches.start_build()
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="mkdocs"):
            render(project, broken, cached=True)
        assert "missing.md" in caplog.text


def test_a_listing_saved_while_the_page_converts_is_not_mistaken_for_the_included_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    project = small_project(tmp_path)
    read_lines = rebuild_caches._ORIGINAL_READ_LINES

    def read_then_save(preprocessor: object, path: str) -> list[str]:
        lines = read_lines(preprocessor, path)
        Path(path).write_text("y = 2\n")  # an editor saves the listing while the page converts
        return lines

    rebuild_caches.start_build()
    with monkeypatch.context() as patch:
        patch.setattr(rebuild_caches, "_ORIGINAL_READ_LINES", read_then_save)
        assert "y" not in render(project, PAGE, cached=True).content
    rebuild_caches.start_build()
    assert "y" in render(project, PAGE, cached=True).content


def test_a_page_that_becomes_a_draft_or_whose_files_cannot_all_be_seen_is_converted_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    conversions = Conversions(monkeypatch)
    project = small_project(tmp_path)
    for _ in range(2):
        rebuild_caches.start_build()
        render(project, PAGE, cached=True)
    assert conversions.count == 1
    small_project(tmp_path, extra="draft_docs: other.md\n")
    rebuild_caches.start_build()
    render(project, PAGE, cached=True)
    assert conversions.count == 2, "a linked page became a draft"
    small_project(tmp_path, check_paths=False)  # a missing listing would be skipped unseen: no cache
    for _ in range(2):
        rebuild_caches.start_build()
        render(project, PAGE, cached=True)
    assert conversions.count == 4
