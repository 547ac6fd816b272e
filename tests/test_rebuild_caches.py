"""The in-memory caches of `mkdocs serve` rebuilds give what the uncached code gives, never stale results."""

from __future__ import annotations

from pathlib import Path

import jinja2
import markdown
from material.plugins.search import plugin as search_plugin
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
