"""``uv run new-exercise "Title"``: a working exercise on the site in one command, or a clear error."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SiteBuild, build_env
from scripts import run_scripts
from test_exercises import FILE_CHECKS, is_executed_light_and_downloadable, ran_cleanly

from site_tools import notebooks
from site_tools.new_exercise import main, slugify


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of this project's files (tracked, or new and not ignored): a contributor's checkout."""
    git = ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"]
    listed = subprocess.run(git, cwd=ROOT, capture_output=True, check=True).stdout
    copy = tmp_path / "project"
    for name in listed.decode().split("\0"):
        if name and (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    return copy


def snapshot(project: Path) -> dict[str, bytes]:
    watched = [project / "mkdocs.yml", *sorted((project / "docs" / "exercises").iterdir())]
    return {p.name: p.read_bytes() for p in watched}


def test_slugs_are_plain_ascii_words():
    assert slugify("Momentum, by hand!") == "momentum_by_hand"
    assert slugify("Élan vital") == "elan_vital"


@pytest.mark.parametrize(
    "title",
    ["", "   ", "a/b", 'say "hi"', "what?", "日本語", "Learning rate"],
    ids=["empty", "blank", "slash", "quote", "question-mark", "no-ascii", "exists"],
)
def test_bad_titles_get_one_line_and_create_nothing(project: Path, title: str, capsys: pytest.CaptureFixture):
    before = snapshot(project)
    assert main(["--root", str(project), title]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("new-exercise: error: ")
    assert err.count("\n") == 1
    assert snapshot(project) == before


def test_new_exercise_builds_passes_and_is_on_the_site(project: Path, site_build: SiteBuild, tmp_path: Path):
    command = shutil.which("new-exercise")
    assert command, "the new-exercise script is installed by `uv run`"
    done = subprocess.run(
        [command, "--root", str(project), "Momentum by hand"], capture_output=True, text=True, check=True
    )
    created = sorted((project / "docs" / "exercises").glob("ex*_momentum_by_hand.py"))
    assert len(created) == 1
    new = created[0]
    assert f"created docs/exercises/{new.name}" in done.stdout
    assert f"- exercises/{new.name}" in (project / "mkdocs.yml").read_text()

    # Its tests, those of test_exercises: the checks of its file, and it runs as a script, quietly.
    [exercise] = [e for e in notebooks.discover(project / "docs" / "exercises") if e.path == new]
    assert FILE_CHECKS
    for check in FILE_CHECKS:
        check(exercise)
    ran_cleanly(run_scripts([new], env={"PYTHONBREAKPOINT": "0"})[new])

    # The strict build puts it on the site, with its download (other notebooks come from a copy of the
    # session's cache: the developer's own cache is left as it was).
    site = tmp_path / "site"
    notebook_cache = shutil.copytree(site_build.notebook_cache, tmp_path / "notebook-cache")
    env = build_env(site_build.cache, notebook_cache)
    build = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    built = subprocess.run(build, cwd=project, env=env, capture_output=True, text=True, check=False)
    assert built.returncode == 0, built.stderr
    is_executed_light_and_downloadable(site, exercise)
    assert "notebooks: executing 1 of " in built.stderr, "only the new exercise was executed"
