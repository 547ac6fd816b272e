"""A reader can copy any listing into an empty project that has only NumPy and Matplotlib, and run it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import SNIPPETS
from scripts import ScriptRun, run_scripts

from site_tools.listings import discover

#: What a listing may import: NumPy, Matplotlib and the standard library modules the tutorial uses.
ALLOWED_IMPORTS = {"numpy", "matplotlib", "math", "sys", "time"}

LISTINGS = discover(SNIPPETS)


def top_level_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    return names


def test_there_are_listings():
    assert len(LISTINGS) >= 6


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda p: p.stem)
def test_listing_imports_only_numpy_matplotlib_and_stdlib(listing: Path):
    imports = top_level_imports(listing)
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
