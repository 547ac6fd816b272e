"""A reader can copy any listing into an empty project that has only NumPy and Matplotlib, and run it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SNIPPETS
from scripts import ScriptRun, run_scripts

from site_tools.listings import discover
from site_tools.run_listing import imported_modules

#: What a listing may import: NumPy, Matplotlib and the standard library modules the tutorial uses.
ALLOWED_IMPORTS = {"numpy", "matplotlib", "math", "sys", "time"}

LISTINGS = discover(SNIPPETS)


def test_there_are_listings():
    assert len(LISTINGS) >= 6


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda p: p.stem)
def test_listing_imports_only_numpy_matplotlib_and_stdlib(listing: Path):
    imports = imported_modules(listing.read_text(encoding="utf-8"))
    assert imports, "a complete listing has its own imports"
    assert imports <= ALLOWED_IMPORTS


@pytest.fixture(scope="module")
def runs() -> dict[Path, ScriptRun]:
    """Every listing, run as a reader would: its own process, an empty folder, no project packages."""
    return run_scripts(LISTINGS)


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda p: p.stem)
def test_listing_runs_alone_in_an_empty_folder(listing: Path, runs: dict[Path, ScriptRun]):
    run = runs[listing]
    assert run.status == 0, run.stderr
    assert run.stderr == "", "no output on stderr: no warning, no error"
    assert run.files == [], "a listing must not write files"
