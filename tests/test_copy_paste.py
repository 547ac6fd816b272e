"""A reader can copy any listing into an empty project that has only NumPy and Matplotlib, and run it."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SNIPPETS

from site_tools.listings import discover

#: What a listing may import: NumPy, Matplotlib and the standard library modules the tutorial uses.
ALLOWED_IMPORTS = {"numpy", "matplotlib", "math", "sys", "time"}

#: Runs main.py with this project's packages made unimportable, as in a reader's empty project.
LAUNCHER = (
    "import runpy, sys; "
    "sys.modules.update(dict.fromkeys(['snippets', 'site_tools'])); "
    "runpy.run_path('main.py', run_name='__main__')"
)

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


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda p: p.stem)
def test_listing_runs_alone_in_an_empty_folder(listing: Path, tmp_path: Path):
    shutil.copy(listing, tmp_path / "main.py")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["MPLBACKEND"] = "Agg"
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", LAUNCHER],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["main.py"], "a listing must not write files"
