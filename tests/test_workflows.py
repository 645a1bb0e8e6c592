"""The GitHub workflows: valid against GitHub's workflow schema, their shell steps parse, and they do what the README
says (the watch weekly and on demand; Pages only from main, after verification)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
ON_MAIN = "github.event_name == 'push' && github.ref == 'refs/heads/main'"


def _validate(*files: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with the schema it ships (SchemaStore's github-workflow): no network needed."""
    return subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", *map(str, files)],
                          capture_output=True, text=True, timeout=120)


def _load(name: str) -> dict:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    workflow["on"] = workflow.pop(True, workflow.get("on"))  # YAML 1.1 reads the key `on` as true
    return workflow


def test_every_workflow_is_valid_against_githubs_schema() -> None:
    assert [w.name for w in WORKFLOWS] == ["verify.yml", "watch.yml"]
    run = _validate(*WORKFLOWS)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    """The validation above can fail: a step with a misspelt key is refused, naming it."""
    broken = tmp_path / "broken.yml"
    broken.write_text((REPO / ".github" / "workflows" / "watch.yml").read_text(encoding="utf-8")
                      .replace("        with: {python-version:", "        whith: {python-version:", 1),
                      encoding="utf-8")
    run = _validate(broken)
    assert run.returncode == 1
    assert "'whith' was unexpected" in run.stdout


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_every_shell_step_parses(workflow: Path) -> None:
    data = _load(workflow.name)
    scripts = [step["run"] for job in data["jobs"].values() for step in job.get("steps", []) if "run" in step]
    assert scripts
    for script in scripts:
        run = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, timeout=30)
        assert run.returncode == 0, f"{workflow.name}: {run.stderr}\n{script}"


def test_the_watch_runs_weekly_and_on_demand_and_proposes_a_pull_request() -> None:
    watch = _load("watch.yml")
    assert [s["cron"] for s in watch["on"]["schedule"]] == ["17 6 * * 1"]
    assert "workflow_dispatch" in watch["on"]
    assert watch["permissions"] == {"contents": "write", "pull-requests": "write", "actions": "write"}
    steps = watch["jobs"]["watch"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "make watch" in runs
    assert "git apply --index watch.patch" in runs and "--body-file body.md" in runs
    assert "gh pr create" in runs and "gh workflow run verify.yml" in runs
    pr = next(step for step in steps if "gh pr create" in step.get("run", ""))
    assert pr["if"] == "steps.watch.outputs.new == 'true'"
    assert pr["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert "workflow_dispatch" in _load("verify.yml")["on"]  # what `gh workflow run` needs


def test_pages_are_deployed_from_main_only_after_the_shards_and_the_site() -> None:
    verify = _load("verify.yml")
    jobs = verify["jobs"]
    assert jobs["site"]["needs"] == "shard"
    pages = jobs["pages"]
    assert pages["needs"] == "site" and pages["if"] == ON_MAIN
    assert pages["permissions"] == {"pages": "write", "id-token": "write"}
    assert pages["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in pages["steps"]] == ["actions/configure-pages",
                                                                        "actions/deploy-pages"]
    upload = next(step for step in jobs["site"]["steps"] if "upload-pages-artifact" in step.get("uses", ""))
    assert upload["if"] == ON_MAIN and upload["with"]["path"] == "site/"
    site_steps = jobs["site"]["steps"]
    assert site_steps.index(upload) > next(i for i, s in enumerate(site_steps)
                                           if s.get("run") == "make site-from-results")
    # Toolchains come from the per-user home, cached between runs; no job points goverify elsewhere.
    assert "GOVERIFY_TOOLCHAINS" not in (REPO / ".github" / "workflows" / "verify.yml").read_text(encoding="utf-8")
    cache = next(step for step in jobs["shard"]["steps"] if step.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == "~/.cache/goverify/toolchains"
