"""The built site as a reader meets it: in Chromium, at the site's address, served from 127.0.0.1.

The site is built for an address of its own, as the published site is (``conftest.TEST_SITE_URL``, a
reserved ``.test`` name, in a folder as a project's GitHub Pages site is), so Material's instant
navigation is on, as readers have it. Chromium's resolver maps that name to this process's local
server, which serves the site in that folder, and every other name to nowhere.

Playwright drives the system's Chromium, as no browser can be downloaded here: Debian's headless shell
(``apt-get install chromium-headless-shell``) if it is there, else its Chromium (``chromium``), or the
browser ``CHROME_PATH`` names. The headless shell is Chromium's engine without the browser around it,
the build Playwright itself runs headless tests in; it loads the same pages for about 30 % less CPU
time (23.6 and 24.8 CPU-s against 33.1 and 35.8 for 92 page loads, measured alternately). Locally,
without a Chromium these tests skip and say how to get one; in CI (``CI=true``) a missing browser
fails them.

Screenshots of the home and Step 9 pages, light and dark, desktop and phone, are written to
``artifacts/screenshots/`` (or ``$SCREENSHOT_DIR``) for a person to look at after a run.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from functools import cache
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import nbformat
import numpy as np
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, TEST_SITE_URL, built_file, expand_snippets
from matplotlib.image import imread

from site_tools import notebooks
from site_tools.lighthouse import StaticServer, serve

CHROMIUM = (
    os.environ.get("CHROME_PATH")
    or shutil.which("chromium-headless-shell")
    or shutil.which("chromium")
    or shutil.which("chromium-browser")
)
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", ROOT / "artifacts" / "screenshots"))
SITE = TEST_SITE_URL.rstrip("/")
#: The site's folder on its server: page paths in these tests ("/cheat/") are relative to it.
FOLDER = urlsplit(SITE).path
EXERCISE_PAGE = "/exercises/ex01_learning_rate/"


def chromium_flags(port: int) -> list[str]:
    """Chromium's switches: the site's name resolves to the local server on ``port``, no other name does."""
    return [
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        # A request to another host fails at once (the tests record it). Intercepting requests instead
        # would turn off the browser's cache: twice the work.
        f"--host-resolver-rules=MAP {urlsplit(SITE).hostname} 127.0.0.1:{port} , MAP * ~NOTFOUND",
        "--no-proxy-server",  # nor through a proxy, which would resolve the host itself
    ]


#: Go to a page by instant navigation, as a reader's click on a link does: Material fetches the page
#: and swaps it in, without loading the scripts again. ``document$`` replays the current page at
#: once, then emits the next one; a full page load instead destroys this script (an error). Material
#: takes a click only once it has read the sitemap, which it fetches after the page loads: a click
#: it did not take (not ``defaultPrevented`` when it reaches the window) is cancelled and made again.
#: Whatever happens, the promise settles within 30 s (Playwright's evaluate has no time limit).
INSTANT_NAVIGATION = """(url) => new Promise((done, fail) => {
    let stopped = false;
    const limit = setTimeout(() => {
        stopped = true;
        fail(new Error(`no instant navigation to ${url} in 30 s`));
    }, 30000);
    let seen = 0;
    const subscription = document$.subscribe(() => {
        if (seen++) { clearTimeout(limit); setTimeout(() => subscription.unsubscribe()); done(); }
    });
    const click = () => {
        const link = Object.assign(document.createElement("a"), {href: url});
        document.body.append(link);
        window.addEventListener("click", (event) => {
            if (!event.defaultPrevented) { event.preventDefault(); if (!stopped) setTimeout(click, 50); }
        }, {once: true});
        link.click();
        link.remove();
    };
    click();
})"""
#: Resolves once the page's scripts have started (Material's ``document$`` has emitted the page), or
#: fails after 30 s (Playwright's evaluate has no time limit).
SCRIPTS_STARTED = """() => new Promise((done, fail) => {
    const limit = setTimeout(() => fail(new Error("Material did not start in 30 s")), 30000);
    const subscription = document$.subscribe(() => {
        clearTimeout(limit);
        done(true);
        setTimeout(() => subscription.unsubscribe());
    });
})"""
EXERCISE = ROOT / "docs" / "exercises" / "ex01_learning_rate.py"
RAW_TEX = re.compile(r"\$\$|\\\(|\\\[|\\(?:frac|partial|hat|sum|lambda|eta|cdot|sqrt|left|right|text)\b")


@pytest.fixture(scope="session")
def local_port(built_site: Path) -> Iterator[int]:
    """The built site, served with gzip on a free port of 127.0.0.1, in its folder: return the port."""
    server, _ = serve(built_site, prefix=FOLDER)
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def chromium(local_port: int) -> Iterator[object]:
    """A headless Chromium, shared by the whole session, that finds the site at its address."""
    if not CHROMIUM:
        message = "no Chromium found: apt-get install chromium-headless-shell (Debian), or set CHROME_PATH"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=chromium_flags(local_port))
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site_url(local_port: int) -> str:
    """The site's address (no final slash), which the ``chromium`` fixture's browser resolves."""
    return SITE


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


class Reader:
    """One browser tab, recording what a reader would not want: errors and requests to other hosts.

    A ``Reader(chromium, base, **options)`` has a new browser context (a fresh profile: empty cache and
    storage) of its own. :meth:`in_tab` instead borrows the tab that stays open between tests.
    """

    def __init__(self, chromium: object, base: str, **options: object) -> None:
        context = chromium.new_context(**options)
        self._watch(base, context, context.new_page(), shared=None)

    @classmethod
    def in_tab(cls, shared: SharedTab, base: str, *, color_scheme: str = "light") -> Reader:
        """A reader in the shared tab, at desktop size with ``color_scheme``.

        :meth:`close` hands the tab back as a new one is: blank, the pointer at its corner, with no
        stored data (or replaces it, should that fail).
        """
        reader = cls.__new__(cls)
        shared.page.set_viewport_size(DESKTOP)
        shared.page.emulate_media(color_scheme=color_scheme)
        reader._watch(base, shared.page.context, shared.page, shared=shared)
        return reader

    def _watch(self, base: str, context: object, page: object, shared: SharedTab | None) -> None:
        self.base = base
        self.context = context
        self.page = page
        self._shared = shared
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self._listeners: list[tuple[object, str, Callable[..., object]]] = []
        self.listen(page, "console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.listen(page, "pageerror", lambda e: self.errors.append(str(e)))
        self.listen(context, "request", self._record)

    def listen(self, target: object, event: str, handler: Callable[..., object]) -> None:
        """Call ``handler`` on ``target``'s ``event`` (a page's, or the context's) until :meth:`close`."""
        target.on(event, handler)
        self._listeners.append((target, event, handler))

    def _record(self, request: object) -> None:
        if not request.url.startswith((f"{self.base}/", "data:")):
            self.foreign.append(request.url)

    def open(self, path: str, *, reach: bool = True) -> object:
        """Load ``path`` afresh, as a reader arriving from elsewhere does, then reach for the page.

        Material's scripts, and the site's, start at the reader's first interaction with the page
        (``overrides/main.html``): here the pointer moving over the header, unless ``reach`` is false.
        """
        self.page.goto(self.base + path, wait_until="load")
        if reach:
            self.reach()
        return self.page

    def reach(self) -> None:
        """Move the pointer over the header, as a reader reaching for the page does; wait for the scripts."""
        self.page.mouse.move(1, 1)
        self.page.mouse.move(2, 2)  # a move, wherever the pointer was
        wait_for_scripts(self.page)

    def visit(self, path: str) -> object:
        """Go to ``path`` from the page open in this tab as a reader clicking a link does.

        That is Material's instant navigation between the pages in the site's sitemap; the first page,
        and any page outside the sitemap (404.html), are loaded afresh.
        """
        here = self.page.url
        if not here.startswith(f"{self.base}/") or path.endswith(".html") or here == self.base + path:
            return self.open(path)
        self.page.evaluate(INSTANT_NAVIGATION, self.base + path)
        assert self.page.url == self.base + path
        return self.page

    def close(self) -> None:
        """Close this reader's own context; or hand the shared tab back blank, its site data cleared."""
        if not self._listeners:
            return  # closed already
        for target, event, handler in self._listeners:
            target.remove_listener(event, handler)
        self._listeners = []
        if self._shared is None:
            self.context.close()
            return
        from playwright.sync_api import Error

        try:
            if self.page.url.startswith(f"{self.base}/"):
                self.page.evaluate("localStorage.clear(); sessionStorage.clear()")  # a palette choice
            self.page.goto("about:blank")  # stops the page's scripts and timers
            self.page.mouse.move(0, 0)  # where a new tab's pointer is: a wheel turns the window
        except Error:
            self._shared.renew()  # a page that crashed or hung: the next test gets a new tab


class SharedTab:
    """The tab that the tests load their pages in, one test after the other (the ``shared_tab`` fixture).

    A page loaded in a tab that loaded the site before costs the browser half the CPU time of one in a
    new tab of a new profile (measured: 1.4 against 2.8 CPU-s for Step 9 and its scripts): the renderer
    process is running, and the scripts and images are in the browser's cache. Each test still loads
    its pages afresh, and ``Reader.close`` clears what a page stored.
    """

    def __init__(self, chromium: object) -> None:
        self._chromium = chromium
        self.page = chromium.new_context(viewport=DESKTOP).new_page()

    def renew(self) -> None:
        """Replace the tab by a new one, in a new context."""
        from playwright.sync_api import Error

        with contextlib.suppress(Error):
            self.page.context.close()
        self.page = self._chromium.new_context(viewport=DESKTOP).new_page()

    def close(self) -> None:
        self.page.context.close()


@pytest.fixture(scope="session")
def shared_tab(chromium: object) -> Iterator[SharedTab]:
    """One tab per test process for the tests that load pages one after the other, as a reader's tab is
    reused (:class:`SharedTab`). A test that needs a first visit's empty cache, or a context option (a
    touch screen), makes a ``Reader`` of its own."""
    tab = SharedTab(chromium)
    yield tab
    tab.close()


@pytest.fixture
def reader(shared_tab: SharedTab, site_url: str) -> Iterator[Reader]:
    """The shared tab, light palette, desktop size."""
    tab = Reader.in_tab(shared_tab, site_url)
    yield tab
    tab.close()


def wait_for_scripts(page: object) -> None:
    """Wait until the scripts a reader's first interaction started have run (within 30 s)."""
    page.wait_for_function("typeof document$ !== 'undefined'", timeout=30_000)
    assert page.evaluate(SCRIPTS_STARTED)


def site_pages(site: Path) -> list[str]:
    """Every HTML page of the site, as URL paths."""
    pages = []
    for path in sorted(site.rglob("index.html")):
        folder = path.parent.relative_to(site).as_posix()
        pages.append("/" if folder == "." else f"/{folder}/")
    return pages


@cache
def ids_of(path: Path) -> frozenset[str]:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    return frozenset(element["id"] for element in soup.select("[id]"))


def load_every_image(page: object) -> None:
    """Load every image of the page now, lazy ones included, and wait until each has loaded or failed.

    A reader's browser loads a lazy image when it scrolls into view; asking for all of them at once
    checks the same files (and the dark variants too) without painting the page screen by screen.
    """
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })")
    page.wait_for_function("[...document.images].every(i => i.complete)")
    # The visible ones decoded before a screenshot, so none is caught blank.
    visible = "[...document.images].filter(i => i.naturalWidth && i.checkVisibility())"
    page.evaluate(f"Promise.all({visible}.map(i => i.decode()))")


def built_pages() -> list[str]:
    """Every page the site will have: the navigation's pages, the 404 page and the exercises' pages."""
    from test_site import nav_pages

    return [f"/{folder}/" if folder else "/" for folder in nav_pages()] + ["/404.html"]


def test_the_local_server_is_quiet_only_about_clients_that_hang_up(capsys: pytest.CaptureFixture[str]):
    server = StaticServer(("127.0.0.1", 0), SimpleHTTPRequestHandler)
    try:
        for error in (BrokenPipeError("gone"), ConnectionResetError("reset"), ValueError("a real bug")):
            try:
                raise error
            except Exception:  # noqa: BLE001 (as socketserver calls handle_error)
                server.handle_error(None, ("127.0.0.1", 1))
    finally:
        server.server_close()
    reported = capsys.readouterr().err
    assert "ValueError: a real bug" in reported
    assert "gone" not in reported
    assert "reset" not in reported


def test_a_test_that_breaks_the_shared_tab_leaves_a_new_one_to_the_next(shared_tab: SharedTab, site_url: str):
    tab = Reader.in_tab(shared_tab, site_url)
    tab.page.close()  # as a crashed page would be
    tab.close()
    assert shared_tab.page is not tab.page
    shared_tab.page.goto("about:blank")
    assert shared_tab.page.evaluate("1 + 1") == 2


def test_every_built_page_is_checked_in_the_browser(built_site: Path):
    assert sorted(site_pages(built_site)) == sorted(p for p in built_pages() if p.endswith("/"))


@pytest.fixture(scope="module")
def visitor(chromium: object, site_url: str) -> Iterator[Reader]:
    """One tab that goes from page to page by instant navigation, as a reader does, on a phone.

    Loading every page afresh would run Material's scripts and rebuild its search index each time:
    three times the browser's work. Pages are loaded afresh by the other tests (home, Step 9, ex01).
    A phone's width, where the formulas have least room; the desktop layout is in the other tests
    (and in the screenshots). Narrowing the window on every page instead, to check the formulas, laid
    each page out twice more: 40 % more of the browser's work in this walk (14.0 and 14.2 CPU-s
    against 8.3 and 8.8, measured alternately).
    """
    tab = Reader(chromium, site_url, color_scheme="light", viewport=PHONE)
    yield tab
    tab.close()


@pytest.mark.parametrize("path", built_pages())
def test_page_loads_cleanly_offline_with_images_math_and_working_links(
    visitor: Reader, built_site: Path, site_url: str, path: str
):
    reader = visitor
    reader.errors.clear()
    reader.foreign.clear()
    page = reader.visit(path)
    load_every_image(page)
    broken = page.evaluate(
        "[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )
    assert broken == [], "images that did not load"
    text = page.evaluate("document.querySelector('article').innerText")
    assert not RAW_TEX.search(text), f"raw TeX {RAW_TEX.search(text).group(0)!r}"
    empty_math = page.evaluate(
        """() => [...document.querySelectorAll("article math")]
            .filter(m => m.checkVisibility() && m.getBoundingClientRect().width === 0).length"""
    )
    assert empty_math == 0, "math that did not render"
    # Every formula fits a phone's column (a wider one would scroll, with a shadow as its cue).
    wide = page.evaluate(
        """() => [...document.querySelectorAll("article .math-display")]
            .filter(m => m.scrollWidth > m.clientWidth).map(m => m.textContent.slice(0, 60))"""
    )
    assert wide == [], f"formulas wider than a phone's column: {wide}"
    # A formula that fits shows no scroll shadow: its last pixels are the page's background (a
    # numbered one has its number there).
    formula = page.locator("article .math-display:not(:has(> .math-tag))").first
    if formula.count():
        formula.scroll_into_view_if_needed()
        box = formula.bounding_box()
        edge = {"x": box["x"] + box["width"] - 6, "y": box["y"], "width": 6, "height": box["height"]}
        pixels = imread(io.BytesIO(page.screenshot(clip=edge)), format="png")[..., :3]
        assert np.abs(pixels - pixels[0, 0]).max() <= 8 / 255, "a scroll shadow shows on a formula that fits"
    links = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
    assert links, "a page has links (at least the navigation)"
    for link in links:
        url, anchor = urldefrag(link)
        if urlsplit(url).netloc != urlsplit(site_url).netloc:
            continue  # another site (the article, PyTorch's tutorial)
        assert url.startswith(f"{site_url}/"), f"link outside the site's folder {link}"
        target = built_file(built_site, url)
        assert target.is_file(), f"link to a missing page {link}"
        if anchor and target.suffix == ".html":
            assert anchor in ids_of(target), f"link to a missing anchor {link}"
    assert reader.errors == []
    assert reader.foreign == [], "requests to other hosts"


def test_a_request_to_another_host_is_recorded_and_goes_nowhere(
    reader: Reader, site_url: str, local_port: int
):
    page = reader.open("/", reach=False)
    assert reader.foreign == []
    # The same server under another name: only the browser's resolver rule keeps the image from loading.
    elsewhere = f"http://localhost:{local_port}{FOLDER}/assets/images/favicon.png"
    failures: list[str] = []
    reader.listen(page, "requestfailed", lambda request: failures.append(request.failure))
    assert page.evaluate(f"fetch('{site_url}/assets/images/favicon.png').then(r => r.ok)")
    loaded = page.evaluate(
        f"""() => new Promise(done => {{ const image = new Image();
            image.onload = () => done(true); image.onerror = () => done(false);
            image.src = '{elsewhere}'; }})"""
    )
    assert not loaded
    assert reader.foreign == [elsewhere]
    assert failures == ["net::ERR_NAME_NOT_RESOLVED"]


#: Has the page asked for this address by a ``<link>`` (the prefetch hint), once it had loaded?
PREFETCHED_AFTER_THE_LOAD = """(url) => {
    const loaded = performance.getEntriesByType('navigation')[0].loadEventStart;
    return loaded > 0 && performance.getEntriesByName(url)
        .some(e => e.initiatorType === 'link' && e.startTime >= loaded);
}"""
READY = """() => ({
    started: typeof document$ !== 'undefined',
    copyButtons: document.querySelectorAll('.md-code__button').length,
    paletteToggles: [...document.querySelectorAll('[data-md-component=palette] label')]
        .filter(l => !l.hidden).length,
    slider: document.querySelector('.frame-slider').classList.contains('frame-slider--ready'),
    scrollY: Math.round(scrollY),
})"""


#: Count the pointer moves of zero length the page is sent from now on.
COUNT_RESTING_MOVES = """() => {
    window.restingMoves = 0;
    addEventListener("pointermove", (event) => {
        if (!event.movementX && !event.movementY) window.restingMoves += 1;
    }, {capture: true});
}"""


@pytest.mark.parametrize("reach", ["key", "wheel", "touch"])
def test_scripts_wait_for_the_reader_then_start(
    chromium: object, shared_tab: SharedTab, site_url: str, reach: str
):
    """The page loads without running a script; the reader's first interaction of any kind starts them.

    (A pointer moving over the page starts them in every test that opens a page: ``Reader.open``. A
    pointer that rests there does not.)
    A touch screen is a context of its own; a touch there is also a first visit, with an empty cache.
    """
    if reach == "touch":
        tab = Reader(chromium, site_url, has_touch=True, viewport=DESKTOP)
    else:
        tab = Reader.in_tab(shared_tab, site_url)
    try:
        page = tab.open("/gradient-descent/", reach=False)
        # Fetched once the page has loaded, so that they start at once when the reader reaches for it:
        # asked for by the prefetch hint, after the load (from the network, or the cache of this tab).
        waiting = "[...document.querySelectorAll('script[data-src]')].map(s => s.dataset.src)"
        for script in (urljoin(page.url, src) for src in page.evaluate(waiting)):
            page.wait_for_function(PREFETCHED_AFTER_THE_LOAD, arg=script)
        # A pointer resting over the page, as the browser reports it when what lies under it changes:
        # a move of zero length (Chromium's headless shell sends one as a page loads, now and then).
        page.evaluate(COUNT_RESTING_MOVES)
        page.mouse.move(0, 0)  # where the pointer is (``Reader.close``; a new tab's too)
        page.wait_for_timeout(300)  # nothing else would start them
        assert page.evaluate("window.restingMoves") >= 1, "the browser reported the resting pointer"
        nothing = {"started": False, "copyButtons": 0, "paletteToggles": 0, "slider": False, "scrollY": 0}
        assert page.evaluate(READY) == nothing
        if reach == "key":
            page.keyboard.press("/")  # Material's shortcut to the search: pressed again once it starts
        elif reach == "wheel":
            page.mouse.wheel(0, 400)
        else:
            page.locator("article h1").tap()
        wait_for_scripts(page)
        started = page.evaluate(READY)
        assert started["copyButtons"] >= 3
        assert started["paletteToggles"] == 1
        assert started["slider"]
        if reach == "wheel":
            page.wait_for_function("Math.round(scrollY) === 400")  # the page stays where it was scrolled
        if reach == "key":
            page.wait_for_function("document.getElementById('__search').checked")
        assert tab.errors == []
        assert tab.foreign == []
    finally:
        tab.close()


def test_a_move_without_a_length_counts_if_the_pointer_is_somewhere_new(reader: Reader):
    """Safari before 17 gives pointer moves no length (``movementX``): there, a move starts the scripts
    if the pointer is somewhere new. (The moves are made up in the page: Chromium gives real ones a
    length.) The first move only tells where the pointer is; the second is a rest. They are where the
    pointer rests (its corner: ``Reader.close``), where the browser may have reported it already."""
    page = reader.open("/cheat/", reach=False)
    started = "document.querySelectorAll('script[src]').length > 0"  # the scripts, added to the page
    for x, y, starts in [(0, 0, False), (0, 0, False), (1, 0, True)]:
        page.evaluate(f"dispatchEvent(new PointerEvent('pointermove', {{screenX: {x}, screenY: {y}}}))")
        assert page.evaluate(started) == starts, (x, y)
    wait_for_scripts(page)
    assert reader.errors == []


#: Where the heading with this id is in the window, and whether the page is scrolled to its end, once
#: two readings 100 ms apart agree (the browser has finished scrolling or restoring the page).
LANDED = """(id) => new Promise(done => {
    const read = () => JSON.stringify({
        top: Math.round(document.getElementById(id).getBoundingClientRect().top),
        atTheEnd: Math.abs(scrollY - (document.scrollingElement.scrollHeight - innerHeight)) < 2,
        scrollY: Math.round(scrollY),
    });
    let last = read();
    const check = () => {
        const now = read();
        if (now === last) done(JSON.parse(now)); else { last = now; setTimeout(check, 100); }
    };
    setTimeout(check, 100);
})"""


#: Is the notebook page being laid out cell by cell, and how many cells has that reached?
PROGRESSIVE = """() => [document.documentElement.classList.contains('nb-progressive'),
                        document.querySelectorAll('.jp-Cell.nb-laid').length]"""


@pytest.mark.parametrize(
    ("path", "heading"),
    [("/gradient-descent/", "try-it-yourself"), (EXERCISE_PAGE, "checks")],
    ids=["chapter", "notebook"],
)
def test_a_link_to_a_heading_lands_on_it_and_starts_the_scripts(reader: Reader, path: str, heading: str):
    """The browser scrolls to the heading, which starts the scripts; the heading stays where it landed.

    A notebook page opened at a heading is laid out whole at once, not cell by cell after the load
    (overrides/main.html): the browser would land short of the heading.
    """
    page = reader.open(f"{path}#{heading}", reach=False)
    wait_for_scripts(page)
    where = page.evaluate(LANDED, heading)
    assert where["scrollY"] > 1000
    assert 0 <= where["top"] <= 150 or (where["top"] > 0 and where["atTheEnd"]), where
    assert page.evaluate(PROGRESSIVE) == [False, 0]
    assert reader.errors == []


def test_a_notebook_page_is_laid_out_whole_soon_after_it_loads_and_reopens_where_the_reader_was(
    reader: Reader,
):
    """Its far cells wait for idle moments after the load, one at a time; then none is left out.

    Reloaded, the page is laid out whole at once, and opens where the reader was.
    """
    page = reader.open(EXERCISE_PAGE, reach=False)
    cells = "[...document.querySelectorAll('.jupyter-wrapper .jp-Notebook > .jp-Cell')]"
    # A cell's content is skipped while the cell is neither laid out nor near the screen.
    waits = "c => !c.firstElementChild.checkVisibility({contentVisibilityAuto: true})"
    skipped = f"{cells}.filter({waits}).length"
    assert page.evaluate(PROGRESSIVE)[0]
    assert page.evaluate(skipped) > 0, "the far cells wait"
    page.wait_for_function("!document.documentElement.classList.contains('nb-progressive')", timeout=10_000)
    assert page.evaluate(skipped) == 0
    assert page.evaluate(f"{cells}.every(c => getComputedStyle(c).contentVisibility === 'visible')")
    laid = page.evaluate(f"{cells}.length") - 2  # all but the first two, which are laid out at once
    assert page.evaluate(PROGRESSIVE) == [False, laid]
    assert page.evaluate("typeof document$") == "undefined", "no script of Material's was needed"

    page.mouse.wheel(0, 4000)  # down to the solution's end; this starts the scripts too
    page.wait_for_function("scrollY > 3000")
    page.evaluate(LANDED, "task")  # once the page has stopped moving
    # The last heading the reader passed: where it is now is where it should be after the reload.
    passed = page.evaluate(
        "[...document.querySelectorAll('article h2')].filter(h => h.getBoundingClientRect().top < 0).pop().id"
    )
    before = page.evaluate(LANDED, passed)
    page.reload(wait_until="load")
    after = page.evaluate(LANDED, passed)
    assert abs(after["top"] - before["top"]) <= 2, (passed, before, after)
    assert page.evaluate(PROGRESSIVE) == [False, 0], "a reloaded page is laid out whole at once"


def test_a_reader_who_prefers_dark_gets_it_before_any_script(shared_tab: SharedTab, site_url: str):
    tab = Reader.in_tab(shared_tab, site_url, color_scheme="dark")
    try:
        page = tab.open("/", reach=False)
        assert page.evaluate("typeof document$") == "undefined"
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
        visible = "[...document.querySelectorAll('article figure img')].filter(i => i.checkVisibility())"
        assert page.evaluate(f"{visible}.map(i => i.src)")[0].endswith("-dark.png#only-dark")
        tab.reach()
        assert page.evaluate("document.body.dataset.mdColorScheme") == "slate", "Material chose the same"
        assert page.evaluate("__md_get('__palette').color.scheme") == "slate"
        assert tab.errors == []
    finally:
        tab.close()


#: Record what the page next copies. Material's copy button (clipboard.js) puts the code in a hidden
#: text area, selects it and has the browser copy the selection: the copy event's target is that text
#: area. (Reading the clipboard back would need a secure context, which the test address is not.)
RECORD_NEXT_COPY = """() => {
    window.copiedText = undefined;
    document.addEventListener("copy", (event) => {
        const box = event.target;
        window.copiedText = "selectionStart" in box
            ? box.value.slice(box.selectionStart, box.selectionEnd)
            : String(document.getSelection());
    }, {once: true, capture: true});
}"""


def copy_with_the_button(page: object, button: str) -> str:
    """Click the first copy button that ``button`` selects; return the text the page copied.

    The copy succeeded: Material tells the reader so (its dialog, shown only when clipboard.js reports
    that the browser copied). A message still showing from an earlier copy is put away first.
    """
    dialog = page.locator(".md-dialog")
    dialog.evaluate("element => element.classList.remove('md-dialog--active')")
    page.evaluate(RECORD_NEXT_COPY)
    page.locator(button).first.click()
    page.locator(".md-dialog--active").filter(has_text="Copied to clipboard").wait_for()
    return page.wait_for_function("window.copiedText").json_value()


def test_copy_button_copies_exactly_the_listing(reader: Reader):
    page = reader.open("/gradient-descent/")
    copied = copy_with_the_button(page, "pre .md-code__button, .md-code__button")
    page = reader.visit(EXERCISE_PAGE)  # by a link, as a reader goes there
    copied_cell = copy_with_the_button(page, ".jp-CodeCell .md-code__button")
    listing = expand_snippets('--8<-- "snippets/step09_gradient_descent.py"')
    assert copied.strip() == listing.strip()
    assert "--8<--" not in copied
    first_cell = next(c for c in notebooks.read(EXERCISE).cells if c.cell_type == "code")
    assert copied_cell.strip() == first_cell.source.strip()


def test_palette_toggle_switches_to_dark_figures(reader: Reader):
    page = reader.open("/")
    visible = (
        "() => [...document.querySelectorAll('article figure img')].filter(i => i.checkVisibility())[0].src"
    )
    assert page.evaluate(visible).endswith("-light.png#only-light")
    page.locator("label[for='__palette_1']").click()
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    page.wait_for_function(f"() => ({visible})().endsWith('-dark.png#only-dark')")
    loaded = "[...document.querySelectorAll('article figure img')].filter(i => i.checkVisibility())"
    page.wait_for_function(f"() => {loaded}.every(i => i.complete && i.naturalWidth > 0)")
    assert page.evaluate(visible).endswith("-dark.png#only-dark")
    # The choice is remembered: the next page is dark from its first paint, before any script runs.
    page = reader.open("/", reach=False)
    assert page.evaluate("typeof document$") == "undefined"
    assert page.evaluate("document.body.dataset.mdColorScheme") == "slate"
    assert page.evaluate(visible).endswith("-dark.png#only-dark")
    reader.reach()
    page.locator("label[for='__palette_0']").click()
    assert page.evaluate("document.body.dataset.mdColorScheme") == "default"


def test_search_finds_step9_for_learning_rate(reader: Reader):
    page = reader.open("/")
    search = page.locator("input.md-search__input")
    meta = page.locator(".md-search-result__meta")
    links = "[...document.querySelectorAll('.md-search-result__link')]"
    found = f"() => {links}.some(a => new URL(a.href).pathname === '{FOLDER}/gradient-descent/')"
    search.click()
    # A web worker builds the index after the page loads; Material says so until it is ready.
    page.wait_for_function(
        "() => !document.querySelector('.md-search-result__meta').textContent.includes('Initializing')",
        timeout=60_000,
    )
    search.press_sequentially("learning rate")  # key by key: Material searches on key events
    page.wait_for_function(
        "() => /matching document/.test(document.querySelector('.md-search-result__meta').textContent)",
        timeout=30_000,
    )
    assert int(meta.inner_text().split()[0]) >= 2
    # Results are shown ten documents at a time, more as the list scrolls: scroll it to the end, as
    # a reader would, before looking for Step 9.
    for _ in range(10):
        if page.evaluate(found):
            break
        page.evaluate("document.querySelector('.md-search__scrollwrap').scrollTo(0, 1e6)")
        page.wait_for_timeout(200)
    hrefs = page.evaluate(f"{links}.map(a => a.href)")
    assert any(urlsplit(href).path == f"{FOLDER}/gradient-descent/" for href in hrefs), hrefs


def test_exercise_download_is_a_valid_notebook(reader: Reader):
    page = reader.open(EXERCISE_PAGE, reach=False)  # a plain link: the click is the first interaction
    button = page.get_by_role("link", name=re.compile("Download notebook"))
    assert button.is_visible()
    with page.expect_download() as started:
        button.click()
    download = started.value
    assert download.failure() is None
    assert download.suggested_filename == "ex01_learning_rate.ipynb"
    text = Path(download.path()).read_text(encoding="utf-8")
    notebook = nbformat.reads(text, as_version=4)
    nbformat.validate(notebook)
    assert json.loads(text)["nbformat"] == 4
    assert text == notebooks.download_ipynb(EXERCISE), "the exercise's own notebook, unexecuted"


@pytest.mark.parametrize("arrival", ["page load", "instant navigation"])
def test_iteration_slider_moves_with_the_arrow_keys(reader: Reader, arrival: str):
    if arrival == "instant navigation":  # the slider's script runs again for the page swapped in
        reader.open("/")
        page = reader.visit("/gradient-descent/")
        loaded = page.evaluate("performance.getEntriesByType('navigation')[0].name")
        assert loaded == reader.base + "/", "the page was swapped in, not loaded"
    else:
        page = reader.open("/gradient-descent/")
    slider = page.locator(".frame-slider input[type=range]")
    slider.focus()
    caption = page.locator(".frame-slider figcaption")
    assert caption.inner_text().startswith("Iteration 0:")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert caption.inner_text().startswith("Iteration 200:")
    assert slider.get_attribute("aria-valuetext").startswith("iteration 200")
    light = page.locator(".frame-slider img").first
    assert light.get_attribute("src").endswith("step09_frames-3-light.png#only-light")
    page.keyboard.press("End")
    assert caption.inner_text().startswith("Iteration 2000:")


def test_keyboard_focus_is_always_visible(reader: Reader):
    # A keyboard reader's first Tab starts the scripts, which add the palette toggle, the search box
    # and the copy buttons: the presses after it go through them.
    page = reader.open("/gradient-descent/", reach=False)
    page.keyboard.press("Tab")
    wait_for_scripts(page)
    seen, names = set(), []
    for _ in range(40):  # through the header, the search, the palette toggle and into the page
        page.keyboard.press("Tab")
        focus = page.evaluate(
            """() => { const f = document.activeElement;
                // A visually hidden toggle (Material's palette switch) shows its focus on its label.
                const hidden = f.offsetWidth === 0 && f.nextElementSibling?.tagName === 'LABEL';
                const e = hidden ? f.nextElementSibling : f;
                const s = getComputedStyle(e);
                const name = f.getAttribute('aria-label') || e.textContent.trim().slice(0, 30);
                return {tag: e.tagName, name: name,
                        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                        shadow: s.boxShadow !== 'none'} }"""
        )
        seen.add(focus["tag"])
        names.append(focus["name"])
        assert focus["outline"] or focus["shadow"], f"no visible focus on {focus}"
    assert {"A", "INPUT"} <= seen
    assert "Switch to dark mode" in names, "the palette toggle is reachable"
    assert "Search" in names, "the search box is reachable"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_for_people_and_no_sideways_scrolling_on_phones(
    shared_tab: SharedTab, site_url: str, scheme: str
):
    """The home page and Step 9, each on a desktop, then narrowed to a phone's width.

    The home page is loaded afresh; Step 9 is reached from it by a link, as a reader goes there. Narrowing
    the loaded page gives the phone screenshot a page loaded at that width gives (the two were
    pixel-identical, full page, when this test was written), for one page load fewer.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab = Reader.in_tab(shared_tab, site_url, color_scheme=scheme)
    try:
        for name, path in (("home", "/"), ("step9", "/gradient-descent/")):
            page = tab.open(path) if name == "home" else tab.visit(path)
            page.evaluate("document.fonts.ready")
            for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
                page.set_viewport_size(viewport)
                page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
                load_every_image(page)
                shot = SCREENSHOTS / f"{name}-{scheme}-{device}.jpeg"
                page.screenshot(path=shot, full_page=True, type="jpeg", quality=85)  # JPEG: twice as fast
                assert shot.stat().st_size > 10_000
                width = page.evaluate("document.scrollingElement.scrollWidth")
                assert width <= viewport["width"], f"{path} scrolls sideways on a {device} ({width} px)"
            page.set_viewport_size(DESKTOP)
        assert tab.errors == []
        assert tab.foreign == []
    finally:
        tab.close()
