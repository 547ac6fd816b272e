"""Listing results are cached by content, deterministic, and never half-written or stale."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT, SNIPPETS, SiteBuild

from site_tools.listings import (
    ListingError,
    Report,
    build,
    build_in_background,
    discover,
    is_benchmark,
    runs_in_background,
)


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def cold(site_build: SiteBuild) -> tuple[Path, Report]:
    """The listing cache of the session's site build, which started empty, and a build over it."""
    return site_build.cache, build(discover(SNIPPETS), site_build.cache)


#: A zero printed with a minus sign ("-0", "-0.000000"): a reader takes it for a typo or a tiny negative.
NEGATIVE_ZERO = re.compile(r"(?<![\w.])-0(?:\.0+)?(?![\d.eE])")


def test_no_listing_prints_a_negative_zero(cold: tuple[Path, Report]):
    assert NEGATIVE_ZERO.search("Legendre: +0.000000 -0.000000 +0.9")
    assert not NEGATIVE_ZERO.search("-0.0003 -0.09 -10 x-0.5e-3")
    _, report = cold
    printed = {name: NEGATIVE_ZERO.findall(run.stdout) for name, run in report.runs.items()}
    assert {name: found for name, found in printed.items() if found} == {}


def test_a_cold_build_runs_every_listing(site_build: SiteBuild):
    assert f"listings: {len(discover(SNIPPETS))} ran, 0 from the cache" in site_build.log


def test_a_warm_build_runs_nothing_and_returns_the_same_results(cold: tuple[Path, Report]):
    cache, first = cold
    assert first.executed == []
    again = build(discover(SNIPPETS), cache)
    assert again.executed == []
    assert {n: (r.stdout, r.values) for n, r in again.runs.items()} == {
        n: (r.stdout, r.values) for n, r in first.runs.items()
    }
    assert first.runs["step09_gradient_descent"].figures, "the cached figures are found again"


#: Benchmarks print the times they measure, which differ from run to run; they draw no figure, so
#: they run once per build and are cached like any listing (a rebuild does not re-measure).
TIMINGS = {p.stem for p in discover(SNIPPETS) if is_benchmark(p)}


#: Listings built a second time from an empty cache: figures, printed output and values of each kind.
#: (test_copy_paste checks that every listing seeds the random numbers it draws.)
AGAIN = ["step06_plot_sine", "step09_gradient_descent", "hood3_ceiling_runs", "hood6_autodiff"]


def test_listings_built_again_from_an_empty_cache_are_byte_identical(
    cold: tuple[Path, Report], tmp_path: Path
):
    """Four representative listings, built again from an empty cache, give the same bytes."""
    cache, report = cold
    assert sorted(TIMINGS) == ["hood5_make_it_fast", "hood5_profile"]
    assert all(not report.runs[name].figures for name in TIMINGS)
    build([SNIPPETS / f"{name}.py" for name in AGAIN], tmp_path)
    first = {name: data for name, data in files(cache).items() if name.split("/")[0] in AGAIN}
    second = files(tmp_path)
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert any(name.endswith("-dark.png") for name in first)


def test_editing_one_listing_reruns_only_that_listing(tmp_path: Path):
    folder = tmp_path / "listings"
    folder.mkdir()
    for name in ("step04_check_setup", "step06_linspace_demo"):
        shutil.copy(SNIPPETS / f"{name}.py", folder)
    cache = tmp_path / "cache"
    assert sorted(build(discover(folder), cache).executed) == ["step04_check_setup", "step06_linspace_demo"]
    edited = folder / "step06_linspace_demo.py"
    edited.write_text(edited.read_text() + 'print("edited")\n')
    report = build(discover(folder), cache)
    assert report.executed == ["step06_linspace_demo"]
    assert report.runs["step06_linspace_demo"].stdout.endswith("edited")
    assert len(list((cache / "step06_linspace_demo").iterdir())) == 1, "the stale entry is removed"


def test_a_failing_listing_raises_its_own_traceback_and_caches_nothing(tmp_path: Path):
    folder = tmp_path / "listings"
    folder.mkdir()
    (folder / "broken.py").write_text("import numpy as np\n\nprint(np.zeros(2) @ np.zeros(3))\n")
    cache = tmp_path / "cache"
    with pytest.raises(ListingError) as failure:
        build(discover(folder), cache)
    message = str(failure.value)
    assert f'File "{folder / "broken.py"}", line 3' in message
    assert "ValueError" in message
    assert list((cache / "broken").iterdir()) == []


def test_a_listing_that_does_not_parse_fails_alone(tmp_path: Path):
    folder = tmp_path / "listings"
    folder.mkdir()
    (folder / "good.py").write_text("print('fine')\n")
    (folder / "unparsable.py").write_text("print('missing parenthesis'\n")
    cache = tmp_path / "cache"
    with pytest.raises(ListingError) as failure:
        build(discover(folder), cache)
    assert "unparsable.py failed" in str(failure.value)
    assert "SyntaxError" in str(failure.value)
    assert "good.py failed" not in str(failure.value)
    assert build([folder / "good.py"], cache).executed == [], "the good listing ran and was cached"


def test_a_listing_built_in_the_background_is_waited_for_only_when_a_result_is_read(tmp_path: Path):
    folder = tmp_path / "listings"
    folder.mkdir()
    go = tmp_path / "go"
    (folder / "waits.py").write_text(
        f"import os\nimport time\n\nwhile not os.path.exists({str(go)!r}):\n    time.sleep(0.01)\n"
        "answer = 42\nprint('done')\n"
    )
    rescue = threading.Timer(10, go.touch)  # should probing wait (the bug tested here), it ends anyway
    rescue.start()
    started = time.monotonic()
    run = build_in_background(discover(folder), tmp_path / "cache").runs()["waits"]
    assert run.name == "waits"
    assert not hasattr(run, "__html__"), "templates probe objects for names: that must not wait"
    assert repr(run) == "LazyRun('waits')"
    assert time.monotonic() - started < 5, "nothing waited for the listing yet"
    go.touch()
    rescue.cancel()
    assert run.values == {"answer": 42}
    assert run.stdout == "done"


def test_a_background_listing_that_fails_or_draws_fails_whoever_reads_it(tmp_path: Path):
    folder = tmp_path / "listings"
    folder.mkdir()
    (folder / "broken.py").write_text("import time\n\nraise ValueError('boom')\n")
    pending = build_in_background(discover(folder), tmp_path / "cache")
    with pytest.raises(ListingError, match="boom"):
        _ = pending.runs()["broken"].stdout
    with pytest.raises(ListingError, match="boom"):
        pending.result()
    (folder / "broken.py").unlink()
    (folder / "draws.py").write_text("import time\n\nimport matplotlib.pyplot as plt\n\nplt.plot([1, 2])\n")
    with pytest.raises(ListingError, match="must not draw"):
        build_in_background(discover(folder), tmp_path / "cache").result()
    # Unless the caller publishes figures only once it has the result (the hook's first listings).
    report = build_in_background(discover(folder), tmp_path / "cache", may_draw=True).result()
    assert [figure.number for figure in report.runs["draws"].figures] == [1]


def test_only_timing_listings_that_draw_nothing_run_in_the_background(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    background = {p.stem for p in discover(SNIPPETS) if runs_in_background(p)}
    assert background == TIMINGS, "the two timing listings print their measures and draw nothing"
    assert not runs_in_background(SNIPPETS / "step09_frames.py")
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert not any(runs_in_background(p) for p in discover(SNIPPETS)), "on one CPU they run alone"


def test_a_page_that_names_a_failed_background_listing_fails_in_the_hook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Before mkdocs-macros renders it (macros would exit the process, ending `mkdocs serve` too)."""
    from site_tools import mkdocs_hooks

    folder = tmp_path / "listings"
    folder.mkdir()
    (folder / "broken.py").write_text("import time\n\nraise ValueError('boom')\n")
    pending = build_in_background(discover(folder), tmp_path / "cache")
    monkeypatch.setattr(mkdocs_hooks, "_timing", pending)
    assert mkdocs_hooks.on_page_markdown("No listing here.", None, None, None) == "No listing here."
    with pytest.raises(ListingError, match="boom"):
        mkdocs_hooks.on_page_markdown("{{ listings.broken.stdout }}", None, None, None)
    with pytest.raises(ListingError, match="boom"):
        mkdocs_hooks.on_post_build(None)


def test_notebook_cache_key_notices_a_changed_listing(tmp_path: Path):
    """mkdocs-jupyter's own key hashes only the notebook; ours adds the listings it names (and more)."""
    from mkdocs_jupyter import plugin as jupyter_plugin

    from site_tools import mkdocs_hooks

    snippets = tmp_path / "snippets"
    shutil.copytree(SNIPPETS, snippets)
    notebook = tmp_path / "ex01.py"
    notebook.write_text("# %% [markdown]\n# Start from step09_gradient_descent.py.\n# %%\nprint(1)\n")
    other = tmp_path / "ex02.py"
    other.write_text("# %%\nprint(2)\n")
    options = dict.fromkeys(("kernel_name", "theme", "allow_errors", "show_input", "no_input"))
    options |= dict.fromkeys(("no_prompt", "remove_tag_config", "highlight_extra_classes"))
    options |= dict.fromkeys(("include_requirejs", "custom_mathjax_url", "toc_depth"))

    def key(path: Path) -> str:
        mkdocs_hooks._extend_notebook_cache_key(mkdocs_hooks._notebook_key_extension(snippets))
        return jupyter_plugin._compute_cache_key(str(path), options, True)

    first, first_other = key(notebook), key(other)
    assert key(notebook) == first, "nothing changed, same key: a warm build executes nothing"
    listing = snippets / "step09_gradient_descent.py"
    listing.write_text(listing.read_text() + "# edited\n")
    assert key(notebook) != first, "the notebook that names the listing is executed again"
    assert key(other) == first_other, "a notebook that does not name it is not"


@pytest.mark.parametrize("fails", ["a listing", "the notebooks"])
def test_on_config_stops_the_other_half_and_leaves_no_listing_runner_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fails: str
):
    """The hook runs the listings in the background while it prepares the notebooks: either may fail.

    A failed listing is raised inside the notebooks' block (which cancels the notebooks not yet
    started); a failure while preparing the notebooks is raised once the listings' runner has ended.
    """
    from contextlib import contextmanager

    from mkdocs.config import load_config

    from site_tools import listings, mkdocs_hooks

    for name in ("SOURCE_DATE_EPOCH", "PYTHONBREAKPOINT"):  # put back afterwards, as they were
        monkeypatch.setenv(name, "0")
    monkeypatch.setenv("TUTORIAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(mkdocs_hooks, "_timing", None)
    monkeypatch.setattr(mkdocs_hooks, "_first", None)
    listing = tmp_path / "snippets" / "broken.py"
    listing.parent.mkdir()
    failing = "raise ValueError('boom')\n" if fails == "a listing" else ""
    listing.write_text("print('ran')\n" + failing)
    monkeypatch.setattr(listings, "discover", lambda folder: [listing])
    started: list[listings.Pending] = []
    build_in_background = listings.build_in_background

    def spy(*args: object, **kwargs: object) -> listings.Pending:
        started.append(build_in_background(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(listings, "build_in_background", spy)
    block: list[BaseException | None] = []

    @contextmanager
    def prerendering(config: object, pages: list[Path]):
        try:
            yield
        except BaseException as error:
            block.append(error)
            raise
        block.append(None)

    monkeypatch.setattr(mkdocs_hooks, "_prerendering_missing_pages", prerendering)
    if fails == "the notebooks":
        monkeypatch.setattr(mkdocs_hooks, "_write_notebook_pages", lambda config: 1 / 0)
    config = load_config(str(ROOT / "mkdocs.yml"))
    expected = (ListingError, "boom") if fails == "a listing" else (ZeroDivisionError, "division")
    with pytest.raises(expected[0], match=expected[1]):
        mkdocs_hooks.on_config(config)
    assert len(started) == 1, "the hook started the listings once"
    assert not started[0]._thread.is_alive(), "the listings' runner has ended"
    assert block == ([started[0]._error] if fails == "a listing" else []), "who saw the failure"
