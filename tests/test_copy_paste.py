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


def random_calls(source: str) -> list[tuple[str, object]]:
    """Return each call to a NumPy random function in ``source``, with the seed it was given.

    ``np.random.default_rng(seed=7)`` gives ``("default_rng", 7)``, ``default_rng(seed=s)`` gives
    ``("default_rng", "s")``; ``np.random.randn(4)`` gives ``("randn", None)``, as does a generator
    given no seed, ``None`` or a computed one (``int(time.time())``). Calls are found however NumPy,
    ``numpy.random`` or its functions were imported, and under any name.
    """
    tree = ast.parse(source)
    numpy, modules, functions = set(), set(), {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "numpy" or (alias.name == "numpy.random" and not alias.asname):
                    numpy.add(alias.asname or "numpy")
                elif alias.name == "numpy.random":
                    modules.add(alias.asname)
        elif isinstance(node, ast.ImportFrom) and node.module in ("numpy", "numpy.random"):
            for alias in node.names:
                if node.module == "numpy.random":
                    functions[alias.asname or alias.name] = alias.name
                elif alias.name == "random":
                    modules.add(alias.asname or "random")
    calls = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        function, name = node.func, None
        if isinstance(function, ast.Name):
            name = functions.get(function.id)
        elif isinstance(function, ast.Attribute):
            owner = function.value
            through_numpy = isinstance(owner, ast.Attribute) and owner.attr == "random"
            through_numpy = through_numpy and isinstance(owner.value, ast.Name) and owner.value.id in numpy
            if through_numpy or (isinstance(owner, ast.Name) and owner.id in modules):
                name = function.attr
        if name is None:
            continue
        arguments = [*node.args, *(k.value for k in node.keywords)]
        seed = arguments[0] if len(arguments) == 1 and name == "default_rng" else None
        if isinstance(seed, ast.Constant) and type(seed.value) is int:
            seed = seed.value
        elif isinstance(seed, ast.Name):  # e.g. `for seed in (0, 1, 7)`: the listing's own values
            seed = seed.id
        else:  # none, None, or computed (from the clock, say)
            seed = None
        calls.append((name, seed))
    return calls


@pytest.mark.parametrize(
    ("source", "calls"),
    [
        (
            "import numpy as np\nrng = np.random.default_rng(seed=7)\nw = np.random.randn(4)\n",
            [("default_rng", 7), ("randn", None)],
        ),
        ("from numpy.random import default_rng\nrng = default_rng()\n", [("default_rng", None)]),
        ("import numpy.random as npr\nw = npr.randn(4)\n", [("randn", None)]),
        ("from numpy import random\nw = random.rand(4)\n", [("rand", None)]),
        ("import numpy\nrng = numpy.random.default_rng(None)\n", [("default_rng", None)]),
        (
            "import time\nimport numpy as np\nrng = np.random.default_rng(seed=int(time.time()))\n",
            [("default_rng", None)],
        ),
        ("import numpy.random\nrng = numpy.random.default_rng(3)\n", [("default_rng", 3)]),
        (
            "import numpy as np\nfor s in (0, 1):\n    rng = np.random.default_rng(seed=s)\n",
            [("default_rng", "s")],
        ),
    ],
)
def test_random_calls_are_found_however_numpy_was_imported(source: str, calls: list):
    assert random_calls(source) == calls


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda p: p.stem)
def test_listing_seeds_the_random_numbers_it_draws(listing: Path):
    """Random numbers come only from generators with seeds the listing fixes: the page shows what a
    reader gets, and two builds give the same bytes. (Listings run once per build.)"""
    source = listing.read_text(encoding="utf-8")
    assert "random" not in imported_modules(source), "the standard library's random module is unseeded"
    calls = random_calls(source)
    assert all(name == "default_rng" and seed is not None for name, seed in calls), calls


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
