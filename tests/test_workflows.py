"""The GitHub workflows keep their safety rules, so that a later edit cannot loosen them silently."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from packaging.specifiers import SpecifierSet
from packaging.version import Version

WORKFLOWS = ROOT / ".github" / "workflows"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def readme_test_command() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "uv run pytest" in readme
    return "uv run pytest"


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_every_action_is_pinned_to_a_commit_with_its_version_noted(name: str):
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    uses = re.findall(r"uses:\s*(\S+)(.*)", text)
    assert uses
    for action, rest in uses:
        assert PINNED.match(action), f"{name}: {action} is not pinned to a full commit SHA"
        assert re.search(r"#\s*v\d", rest), f"{name}: {action} has no '# vX.Y.Z' comment"


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_no_workflow_runs_untrusted_code_with_secrets(name: str):
    workflow = load(name)
    assert "pull_request_target" not in triggers(workflow)
    assert "workflow_run" not in triggers(workflow)
    assert "permissions" in workflow, "permissions are declared, not inherited"


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_workflows_run_the_readme_test_command(name: str):
    commands = [step.get("run", "").strip() for step in steps(load(name))]
    assert readme_test_command() in commands
    # ... with the locked dependencies, as .ci/run (`uv lock --check`), for the Python of .python-version
    for job in load(name)["jobs"].values():
        if any("run" in step for step in job["steps"]):
            assert job["env"]["UV_LOCKED"] == "1"
    pinned = (ROOT / ".python-version").read_text(encoding="ascii").strip()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    required = project["requires-python"]
    assert Version(pinned) in SpecifierSet(required)


def test_pull_requests_are_read_only_and_leave_a_preview():
    workflow = load("pull-request.yml")
    assert set(triggers(workflow)) == {"pull_request"}
    assert workflow["permissions"] == {"contents": "read"}
    for job in workflow["jobs"].values():
        assert job.get("permissions", workflow["permissions"]) == {"contents": "read"}
    assert "secrets." not in (WORKFLOWS / "pull-request.yml").read_text()
    uploads = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert uploads
    assert uploads[0]["with"]["path"] == "site"
    build = [s.get("run", "") for s in steps(workflow)]
    assert "uv run mkdocs build --strict" in build


def test_deploy_publishes_main_with_only_the_permissions_it_needs():
    workflow = load("deploy.yml")
    assert triggers(workflow)["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    build_steps = [s.get("uses", "").split("@")[0] or s.get("run") for s in build["steps"]]
    assert build_steps.index("uv run pytest") < build_steps.index("uv run mkdocs build --strict")
    assert "actions/upload-pages-artifact" in build_steps
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_site_and_repository_urls_come_from_the_deploy_workflow_only():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "site_url: !ENV [SITE_URL, null]" in config
    assert "repo_url: !ENV [REPO_URL, null]" in config
    env = load("deploy.yml")["jobs"]["build"]["env"]
    assert {"SITE_URL", "REPO_URL"} <= set(env)
    assert Path(ROOT / "README.md").read_text().count("SITE_URL") >= 1
