"""A reader can copy any listing into an empty project that has only NumPy and Matplotlib, and run it."""

from __future__ import annotations

import ast
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


def random_calls(source: str) -> list[tuple[str, int]]:
    """Return each call to a NumPy random function in ``source``, with how many arguments it got.

    ``np.random.default_rng(seed=7)`` gives ``("default_rng", 1)``; ``np.random.randn(4)`` gives
    ``("randn", 1)``. Calls are found by name, whatever NumPy was imported as.
    """
    calls = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Attribute) and owner.attr == "random":
                calls.append((node.func.attr, len(node.args) + len(node.keywords)))
    return calls


def test_random_calls_are_found():
    source = "import numpy as np\nrng = np.random.default_rng(seed=7)\nw = np.random.randn(4)\n"
    assert random_calls(source) == [("default_rng", 1), ("randn", 1)]


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda p: p.stem)
def test_listing_seeds_the_random_numbers_it_draws(listing: Path):
    """Random numbers come only from a generator with a fixed seed: the page shows what a reader gets,
    and two builds give the same bytes. (Listings run once per build; nothing else would notice.)"""
    source = listing.read_text(encoding="utf-8")
    assert "random" not in imported_modules(source), "the standard library's random module is unseeded"
    assert all(call == ("default_rng", 1) for call in random_calls(source)), random_calls(source)


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
