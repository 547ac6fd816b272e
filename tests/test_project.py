"""The project keeps its promises: two commands, strict settings, clean lint, CI that runs the tests."""

from __future__ import annotations

import logging
import shutil
import subprocess

import pytest
from conftest import ROOT, mkdocs_config


def test_readme_gives_the_two_commands_and_the_build_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("uv run mkdocs serve", "uv run pytest", "uv run mkdocs build --strict"):
        assert command in readme


def test_ci_runs_the_readme_test_command():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert "uv run pytest" in lines


def test_site_configuration_is_strict_and_offline():
    config = mkdocs_config()
    assert config["strict"] is True
    assert config["theme"]["font"] is False
    assert config.mdx_configs["pymdownx.snippets"]["check_paths"] is True
    assert "site_tools.mathml" in config["markdown_extensions"]
    assert any(path.endswith("snippets") for path in config["watch"])
    assert all(level >= logging.WARNING for level in config["validation"]["links"].values())


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean(command: list[str]):
    ruff = shutil.which("ruff")
    assert ruff, "ruff is a dev dependency: run the tests with `uv run pytest`"
    done = subprocess.run([ruff, *command, "."], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
