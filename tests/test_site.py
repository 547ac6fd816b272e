"""The strictly built site has every chapter, its figures, its output, rendered math and no leftovers."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import (
    DOCS,
    ROOT,
    SNIPPETS,
    TEST_REPO_URL,
    TEST_SITE_URL,
    SiteBuild,
    build_env,
    built_file,
    mkdocs_config,
    run_listing,
)

from site_tools.listings import key

#: Pages (by their folder in the built site) and the listings whose figures they must show.
FIGURES = {
    "": ["step09_gradient_descent"],
    "plot-the-sine": ["step06_plot_sine"],
    "cheat": ["step07_cheat"],
    "random-start": ["step08_random_start"],
    "gradient-descent": ["step09_gradient_descent"],
}
#: Pages that teach with formulas.
MATH_PAGES = ["", "the-exercise", "gradient-descent"]
#: Traces of TeX that did not become MathML.
RAW_TEX = re.compile(r"\$\$|\\\(|\\\[|\\(?:frac|partial|hat|sum|sin|pi|cdot|text|leftarrow)\b|\$[^$\s]")


def nav_sources(items: list | None = None) -> list[str]:
    """The source files in the navigation, in order, sections flattened."""
    sources = []
    for item in mkdocs_config()["nav"] if items is None else items:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        sources.extend(nav_sources(value) if isinstance(value, list) else [value])
    return sources


def nav_pages() -> list[str]:
    """The built folders of the pages in the navigation ("" is the home page)."""
    folders = []
    for source in nav_sources():
        stem = source.rsplit(".", 1)[0]
        folders.append("" if stem == "index" else stem.removesuffix("/index"))
    return folders


@cache
def page(site: Path, folder: str) -> BeautifulSoup:
    """A built page, parsed once per test process: read it, never change it.

    ``folder`` names a folder (its ``index.html``) or a page's file, such as ``404.html``.
    """
    path = site / folder if folder.endswith(".html") else site / folder / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


NOT_PROSE = {"pre", "code", "math", "script", "style"}


def prose_text(soup: BeautifulSoup) -> str:
    """The visible text of the article, without code, math, scripts or styles."""
    article = soup.select_one("article") or soup
    return " ".join(
        text for text in article.strings if not any(parent.name in NOT_PROSE for parent in text.parents)
    )


@pytest.mark.parametrize("folder", nav_pages())
def test_every_page_is_built_without_template_leftovers(built_site: Path, folder: str):
    html = (built_site / folder / "index.html").read_text(encoding="utf-8")
    assert "{{" not in html
    assert "{%" not in html


@pytest.mark.parametrize("folder", nav_pages())
def test_every_page_describes_itself_for_search_engines_and_previews(built_site: Path, folder: str):
    soup = page(built_site, folder)
    description = soup.select_one('meta[name="description"]')["content"]
    assert 40 <= len(description) <= 200
    if folder:
        assert description != mkdocs_config()["site_description"], "a page-specific description"
    assert soup.select_one('meta[property="og:description"]')["content"] == description
    assert soup.select_one('meta[property="og:title"]')["content"]


@pytest.mark.parametrize(("folder", "names"), FIGURES.items())
def test_chapter_shows_its_figures_in_both_palettes(built_site: Path, folder: str, names: list[str]):
    soup = page(built_site, folder)
    sources = {img["src"].split("#")[0].rsplit("/", 1)[-1] for img in soup.select("article img")}
    for name in names:
        for palette in ("light", "dark"):
            filename = f"{name}-1-{palette}.png"
            assert filename in sources
            assert (built_site / "figures" / filename).read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("folder", nav_pages())
def test_every_image_has_alt_text_and_every_figure_a_caption(built_site: Path, folder: str):
    soup = page(built_site, folder)
    for img in soup.select("article img"):
        assert len(img.get("alt", "").split()) >= 4, img
    for figure in soup.select("article figure"):
        assert figure.select_one("figcaption").get_text(strip=True)
        assert not figure.select("br"), "indentation inside <figure> became a line break"


@pytest.mark.parametrize("folder", MATH_PAGES)
def test_math_pages_contain_mathml(built_site: Path, folder: str):
    assert page(built_site, folder).select("article math")


@pytest.mark.parametrize("folder", nav_pages())
def test_no_raw_tex_is_left_in_the_prose(built_site: Path, folder: str):
    text = prose_text(page(built_site, folder))
    assert not RAW_TEX.search(text), RAW_TEX.search(text)


def test_step9_page_shows_the_output_its_listing_prints(built_site: Path):
    blocks = [pre.get_text() for pre in page(built_site, "gradient-descent").select("article pre")]
    expected = run_listing("step09_gradient_descent").stdout.strip()
    assert any(block.strip() == expected for block in blocks)


def output_blocks(soup: BeautifulSoup) -> list[object]:
    """A page's printed output: the chapters' "Output" blocks and the notebooks' cell outputs."""
    titled = [
        block
        for block in soup.select("article div.highlight")
        if (title := block.find("span", class_="filename")) is not None and title.get_text() == "Output"
    ]
    return titled + soup.select("article .jp-RenderedText")


def test_printed_output_is_shown_but_not_searched(built_site: Path):
    """Search finds the explanations, not rows of numbers: outputs carry ``data-search-exclude``."""
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    searched = "\n".join(entry["text"] for entry in index["docs"])
    checked = 0
    for folder in nav_pages():
        for block in output_blocks(page(built_site, folder)):
            assert block.has_attr("data-search-exclude"), f"{folder}: {block.get_text()[:60]!r}"
            # Lines with numbers in them: a header line may also be in the listing's (searched) code.
            lines = [
                line.strip() for line in block.get_text().splitlines() if len(re.findall(r"\d", line)) >= 3
            ]
            for line in lines:
                assert line not in searched, f"{folder}: printed output {line!r} is in the search index"
            checked += len(lines)
    assert checked >= 50
    # The same check finds a line with numbers that is meant to be searched: a listing's code.
    assert "x = np.linspace(-np.pi, np.pi, 2000)" in searched


def test_numbers_in_the_prose_are_the_ones_the_listing_computed(built_site: Path):
    ns = run_listing("step09_gradient_descent").namespace
    text = prose_text(page(built_site, "gradient-descent"))
    assert f"final loss is {ns['loss']:.2f}" in text
    for name in "abcd":
        assert f"{ns[name]:.4f}" in text


@pytest.mark.parametrize("folder", nav_pages())
def test_pages_load_nothing_from_other_hosts(built_site: Path, folder: str):
    soup = page(built_site, folder)
    for tag, attribute in [
        ("script", "src"),
        ("script", "data-src"),  # started by the reader's first interaction (overrides/main.html)
        ("link", "href"),
        ("img", "src"),
        ("iframe", "src"),
    ]:
        for element in soup.find_all(tag):
            if tag == "link" and "canonical" in element.get("rel", []):
                continue  # the page's own published address, which the browser does not load
            url = element.get(attribute, "")
            assert not re.match(r"(?i)(https?:)?//", url), f"{tag} loads {url}"


@pytest.mark.parametrize("folder", [*nav_pages(), "404.html"])
def test_every_file_a_page_names_on_this_site_exists(built_site: Path, folder: str):
    """Stylesheets, scripts, icons, images and links, resolved as a browser does from the page's address.

    The browser tests reach most pages by instant navigation, which loads no stylesheet or script:
    this checks every page's own references, as a reader arriving from a search engine needs them.
    """
    address = TEST_SITE_URL + (folder if folder.endswith(".html") or not folder else f"{folder}/")
    soup = page(built_site, folder)
    named = [("link", "href"), ("script", "src"), ("script", "data-src"), ("img", "src"), ("a", "href")]
    references = [
        element[attribute]
        for tag, attribute in named
        for element in soup.find_all(tag)
        if element.has_attr(attribute)
    ]
    assert len(references) > 10
    for reference in references:
        url = urljoin(address, reference)
        if urlsplit(url).netloc != urlsplit(TEST_SITE_URL).netloc:
            continue  # another site, or a data: URL
        assert url.startswith(TEST_SITE_URL), f"{reference} leaves the site's folder: {url}"
        assert built_file(built_site, url).is_file(), f"{reference} names {url}, which the site lacks"


def git(*arguments: str) -> str:
    """The output of a git command in this project."""
    done = subprocess.run(["git", *arguments], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@cache
def build_stamp() -> tuple[str, str, str]:
    """The commit this copy is at, " with local changes" if its tracked files differ, and the build date
    (``SOURCE_DATE_EPOCH`` if set, as for a reproducible build, else the commit's), as git tells them."""
    commit = git("rev-parse", "HEAD")
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH") or git("log", "-1", "--format=%ct"))
    changes = " with local changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    return commit, changes, datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")


@pytest.mark.parametrize("folder", [*nav_pages(), "404.html"])
def test_every_page_says_which_commit_and_date_it_was_built_from(built_site: Path, folder: str):
    """The footer names the commit (linked in the repository), whether the files differed from it, and
    its date, so a reader can report exactly what they saw."""
    commit, changes, date = build_stamp()
    [stamp] = page(built_site, folder).select("footer .md-copyright__build")
    text = " ".join(stamp.get_text().split())
    assert text.startswith(f"Built from commit {commit[:10]}{changes} of {date}. "), text
    [link] = stamp.select("a:has(> code)")
    assert link["href"] == f"{TEST_REPO_URL}/commit/{commit}"


@pytest.mark.parametrize("folder", nav_pages())
def test_pages_name_their_published_address(built_site: Path, folder: str):
    """With a site address (as the deploy workflow sets one), each page names its own canonical URL."""
    address = TEST_SITE_URL + (f"{folder}/" if folder else "")
    canonical = page(built_site, folder).select('link[rel="canonical"]')
    assert [link["href"] for link in canonical] == [address]
    previews = page(built_site, folder).select('meta[property="og:url"]')
    assert [meta["content"] for meta in previews] == [address], "social previews link the page itself"


def test_builds_after_the_first_run_nothing_and_give_the_same_bytes(
    site_build: SiteBuild, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    """Build again in this process, twice: as ``mkdocs build`` does, then as ``mkdocs serve`` rebuilds.

    The second build converts no page from Markdown: it answers from the in-memory caches of
    :mod:`site_tools.rebuild_caches` that the first one filled (pages, templates, search sections,
    highlighted code). Both must give the first build's bytes.
    """
    import markdown
    from material.plugins.search import plugin as search_plugin
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs_jupyter import config as jupyter_config
    from mkdocs_jupyter import nbconvert2
    from mkdocs_jupyter import plugin as jupyter_plugin
    from pymdownx import highlight, snippets

    from site_tools.reproduce import digest

    assert "listings: 0 ran, " not in site_build.log  # the first build was cold
    first = digest(site_build.site)
    assert "sitemap.xml.gz" in first
    # What a build changes in this process is put back afterwards: the environment, and the functions
    # that the hooks wrap or replace.
    for name, value in build_env(site_build.cache, site_build.notebook_cache).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", git("log", "-1", "--format=%ct"))
    monkeypatch.setenv("PYTHONBREAKPOINT", "0")
    for owner, name in [
        (search_plugin, "Parser"),
        (highlight, "highlight"),
        (snippets.SnippetPreprocessor, "read_lines"),
        (jupyter_plugin, "_compute_cache_key"),
        (nbconvert2, "get_nbconvert_app"),
        (jupyter_config.settings, "templates_dir"),
    ]:
        monkeypatch.setattr(owner, name, getattr(owner, name))
    conversions: list[str] = []
    convert = markdown.Markdown.convert
    monkeypatch.setattr(
        markdown.Markdown, "convert", lambda md, text: conversions.append(text) or convert(md, text)
    )
    monkeypatch.chdir(ROOT)
    for again in ("build", "rebuild"):
        caplog.clear()
        conversions.clear()
        with caplog.at_level(logging.INFO):
            build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / again), strict=True))
        assert "listings: 0 ran, " in caplog.text
        assert "notebooks: executing" not in caplog.text
        assert "Converting notebook" not in caplog.text
        assert conversions if again == "build" else not conversions, f"{len(conversions)} pages converted"
        # HTML, figures, notebooks, search index, sitemap: the same bytes (dates come from the commit).
        second = digest(tmp_path / again)
        assert first.keys() == second.keys()
        assert [path for path in first if first[path] != second[path]] == [], again


def test_the_home_pages_reading_order_names_the_chapters_as_the_navigation_does():
    """The home page lists the chapters as ``- **Step N** · [Title](file.md)``; the navigation's titles
    are ``Step N · Title``: the two say the same, in the same order."""
    home = (DOCS / "index.md").read_text(encoding="utf-8")
    chapter = re.compile(r"^- \*\*(Steps? [\d\N{EN DASH}]+)\*\* · \[([^\]]+)\]\(([^)]+)\)", re.MULTILINE)
    listed = chapter.findall(home)
    pages = [next(iter(item.items())) for item in mkdocs_config()["nav"] if isinstance(item, dict)]
    titles = {source: title for title, source in pages if isinstance(source, str)}
    chapters = [source for source in nav_sources() if titles.get(source, "").startswith("Step")]
    assert [source for _, _, source in listed] == chapters
    for step, title, source in listed:
        assert titles[source].startswith(f"{step} · "), (titles[source], step)
        assert title.startswith(titles[source].split(" · ", 1)[1]), (title, titles[source])


def test_nothing_is_written_into_docs(built_site: Path):
    from conftest import DOCS

    generated = [p for p in DOCS.rglob("*") if p.suffix in {".png", ".svg", ".ipynb", ".txt"}]
    assert generated == []


def test_step9_page_has_an_iteration_slider_over_build_time_frames(site_build: SiteBuild):
    import json

    built_site = site_build.site
    [slider] = page(built_site, "gradient-descent").select(".frame-slider")
    frames = json.loads(slider["data-frames"])
    assert [frame["t"] for frame in frames] == list(range(0, 2001, 100))
    # The captions are what the listing printed while its frames were drawn, at build time.
    printed = site_build.cache / "step09_frames" / key(SNIPPETS / "step09_frames.py") / "stdout.txt"
    assert [f"iteration {f['t']:4d}: loss {f['loss']}" for f in frames] == printed.read_text().splitlines()
    for frame in frames:
        for palette in ("light", "dark"):
            image = (built_site / "gradient-descent" / frame[palette].split("#")[0]).resolve()
            assert image.read_bytes().startswith(b"\x89PNG")
    control = slider.select_one("input[type=range]")
    assert (control["min"], control["max"]) == ("0", str(len(frames) - 1))
    assert slider.select_one(f'label[for="{control["id"]}"]')
    # Without JavaScript, every frame is still one link away.
    assert len(slider.select(".frame-links a")) == len(frames)


def test_every_page_is_within_its_weight_budget(built_site: Path):
    from site_tools.budgets import weigh

    weights = weigh(built_site)
    assert {w.kind for w in weights} == {"chapter", "notebook"}
    assert [w.path for w in weights if w.over] == []


@pytest.mark.parametrize(
    "folder", [f for f in nav_pages() if f not in {"credits", "exercises"} and not f.startswith("exercises/")]
)
def test_every_chapter_ends_with_what_you_learned_and_next_previous_links(built_site: Path, folder: str):
    soup = page(built_site, folder)
    blocks = soup.select("article > .admonition.success")
    assert blocks, "a 'What you learned' summary"
    assert blocks[-1].select_one(".admonition-title").get_text(strip=True) == "What you learned"
    assert soup.select("nav.md-footer__inner a.md-footer__link"), "previous / next links"


@pytest.mark.parametrize("folder", [*nav_pages(), "404.html"])
def test_scripts_wait_for_the_reader(built_site: Path, folder: str):
    """No page runs a script file as it loads: the reader's first interaction starts them.

    Material's bundle first, then the site's (overrides/main.html; the browser tests start them).
    """
    soup = page(built_site, folder)
    assert soup.select("script[src]") == []
    waiting = [s["data-src"] for s in soup.select('script[type="text/x-on-interaction"]')]
    assert re.search(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js$", waiting[0]), "Material's first"
    ours = mkdocs_config()["extra_javascript"]
    assert len(waiting) == 1 + len(ours), "Material's bundle, then every script of mkdocs.yml"
    for src, path in zip(waiting[1:], ours, strict=True):
        assert src.endswith(path), (src, path)


def test_the_sites_scripts_are_plain_classic_scripts():
    """The loader (overrides/main.html) starts each script as a classic one, in order.

    So each is named by its path alone, a ``.js`` file: not a module (``.mjs`` or ``type``) and not
    ``async`` or ``defer``, which MkDocs writes only for entries given as mappings.
    """
    for script in mkdocs_config()["extra_javascript"]:
        assert isinstance(script, str), script
        assert script.endswith(".js"), script
