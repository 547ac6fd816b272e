"""Every exercise: in the navigation, shaped task → hints → solution → checks, runnable, and published.

These tests walk ``docs/exercises/exNN_slug.py``, so an exercise added with ``new-exercise`` is tested
with no edit here. What an exercise claims is asserted by its own final "Checks" cell, which runs
both when the tests run the exercise as a script and when the site build executes it as a notebook
(mkdocs-jupyter with ``allow_errors: false``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, TEST_REPO_URL
from scripts import ScriptRun, run_scripts
from test_site import nav_sources

from site_tools import notebooks
from site_tools.run_listing import imported_modules

EXERCISES = notebooks.discover(ROOT / "docs" / "exercises")
ALLOWED_IMPORTS = {"numpy", "matplotlib"} | set(sys.stdlib_module_names)
PAGE_BUDGET = 250_000  # bytes of HTML per exercise page


def ids(exercise: notebooks.Exercise) -> str:
    return exercise.stem


def headings(exercise: notebooks.Exercise) -> list[str]:
    return [
        line
        for cell in notebooks.read(exercise.path).cells
        if cell.cell_type == "markdown"
        for line in cell.source.splitlines()
        if line.startswith("#")
    ]


def test_the_seven_exercises_of_the_article_are_there():
    assert len(EXERCISES) >= 7
    assert [e.number for e in EXERCISES] == list(range(1, len(EXERCISES) + 1))


@pytest.mark.parametrize("exercise", EXERCISES, ids=ids)
def test_exercise_is_in_the_navigation(exercise: notebooks.Exercise):
    assert f"exercises/{exercise.path.name}" in nav_sources()


def reads_task_then_hints_then_solution_then_checks(exercise: notebooks.Exercise) -> None:
    found = headings(exercise)
    assert found[0] == f"# Exercise {exercise.number} · {exercise.title.split(' · ', 1)[1]}"
    order = [found.index(h) for h in ("## Task", "## Hints", "## Solution", "## Checks")]
    assert order == sorted(order)
    cells = notebooks.read(exercise.path).cells
    solution = next(c for c in cells if c.source.startswith("## Solution"))
    assert "Try the task yourself before reading on." in solution.source
    checks = next(i for i, c in enumerate(cells) if c.source.startswith("## Checks"))
    assert cells[checks + 1].cell_type == "code"
    assert "assert " in cells[checks + 1].source


#: The fewest words an exercise figure's alt text may have: enough to say what the figure shows.
ALT_WORDS = 8


def has_alt_text_and_a_caption_on_every_figure(exercise: notebooks.Exercise) -> None:
    figures = [c for c in notebooks.read(exercise.path).cells if "plt.show()" in c.source]
    assert figures, "an exercise shows at least one figure"
    for cell in figures:
        where = f"the figure cell starting {cell.source.splitlines()[0]!r} in {exercise.path.name}"
        how = '# %% alt="..." caption="..." on its "# %%" line (CONTRIBUTING.md, "Adding an exercise")'
        alt = cell.metadata.get("alt", "")
        assert len(alt.split()) >= ALT_WORDS, (
            f"{where} needs alt text of at least {ALT_WORDS} words saying what the figure shows "
            f"(it has {len(alt.split())}): {how}"
        )
        assert cell.metadata.get("caption", "").strip(), f"{where} needs a caption: {how}"


def imports_only_numpy_matplotlib_and_the_standard_library(exercise: notebooks.Exercise) -> None:
    code = "\n".join(c.source for c in notebooks.read(exercise.path).cells if c.cell_type == "code")
    assert imported_modules(code) <= ALLOWED_IMPORTS


#: What is checked of an exercise's file alone. test_new_exercise runs them on a scaffolded exercise,
#: as it runs the scaffold as a script and checks its page, so that the scaffold passes what a
#: contributor's exercise must.
FILE_CHECKS = [
    reads_task_then_hints_then_solution_then_checks,
    has_alt_text_and_a_caption_on_every_figure,
    imports_only_numpy_matplotlib_and_the_standard_library,
]


@pytest.mark.parametrize("check", FILE_CHECKS, ids=lambda check: check.__name__)
@pytest.mark.parametrize("exercise", EXERCISES, ids=ids)
def test_exercise_file(exercise: notebooks.Exercise, check: Callable[[notebooks.Exercise], None]):
    check(exercise)


@pytest.fixture(scope="module")
def script_runs() -> dict[Path, ScriptRun]:
    """Every exercise run as a script, as a reader's `python exNN_slug.py` would."""
    return run_scripts([e.path for e in EXERCISES], env={"PYTHONBREAKPOINT": "0"})


def ran_cleanly(run: ScriptRun) -> None:
    """Check how an exercise ended when run as a script: its checks passed, quietly, writing nothing."""
    assert run.status == 0, run.stderr
    assert run.stderr == ""
    assert run.files == [], "an exercise must not write files"


@pytest.mark.parametrize("exercise", EXERCISES, ids=ids)
def test_exercise_runs_as_a_script_and_its_checks_pass(exercise: notebooks.Exercise, script_runs: dict):
    ran_cleanly(script_runs[exercise.path])


def is_executed_light_and_downloadable(site: Path, exercise: notebooks.Exercise) -> None:
    """Check the exercise's page on the built ``site``: executed, within budget, its download valid."""
    folder = site / "exercises" / exercise.stem
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert len(html.encode()) <= PAGE_BUDGET
    soup = BeautifulSoup(html, "lxml")
    assert soup.select(".jp-OutputArea-output"), "the solution was executed: it has outputs"
    for img in soup.select("article .jp-RenderedImage img"):
        assert (folder / img["src"]).read_bytes().startswith(b"\x89PNG"), "figures are files, not inline"
    [button] = soup.select("a.nb-download")
    assert "Download notebook (.ipynb)" in button.get_text()
    download = (folder / button["href"]).resolve()
    notebook = nbformat.read(download, as_version=4)
    nbformat.validate(notebook)
    # The code that ran on the page is the code on the page (once, as a Material code block, with its
    # copy button) and the code in the download, cell for cell.
    source = [c.source for c in notebooks.read(exercise.path).cells if c.cell_type == "code"]
    shown = [code.get_text().strip() for code in soup.select(".jp-CodeCell .highlight pre > code")]
    assert shown == [text.strip() for text in source]
    assert [c.source for c in notebook.cells if c.cell_type == "code"] == source
    assert notebook.metadata.kernelspec.name == "python3"
    # Prose and printed output are read, not operated: no Tab stop each (nbconvert's default).
    assert not soup.select(".jupyter-wrapper [tabindex]")


@pytest.mark.parametrize("exercise", EXERCISES, ids=ids)
def test_exercise_page_is_executed_light_and_downloadable(built_site: Path, exercise: notebooks.Exercise):
    is_executed_light_and_downloadable(built_site, exercise)


def test_exercise_index_lists_every_exercise_and_how_to_add_one(built_site: Path):
    soup = BeautifulSoup((built_site / "exercises" / "index.html").read_text(encoding="utf-8"), "lxml")
    links = [a["href"] for a in soup.select("article ol a")]
    assert links == [f"{e.stem}/" for e in EXERCISES]
    # CONTRIBUTING.md on the repository's default branch (GitHub's HEAD), whatever a fork calls it.
    guide = [a["href"] for a in soup.select("article a") if a.get_text() == "CONTRIBUTING.md"]
    assert guide == [f"{TEST_REPO_URL}/blob/HEAD/CONTRIBUTING.md"]
    assert (ROOT / "CONTRIBUTING.md").is_file()
