"""The GitHub workflows and the GitHub Action: valid against GitHub's schemas, their shell steps parse, and they do what
the README says (the watch weekly and on demand; Pages only from main, after verification; the action annotates a
blog's false claim at its line)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import HUGO_POST, HUGO_POST_FALSE, HUGO_POST_HOLDS, REPO

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


# --- action.yml: goverify as a composite action any repository uses ------------------------------------------------

ACTION = REPO / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*([\w.-]+)\s*\}\}")


def _validate_action(path: Path) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with SchemaStore's github-action schema, as it ships it (every error listed)."""
    return subprocess.run([str(CHECK_JSONSCHEMA), "--verbose", "--builtin-schema", "vendor.github-actions", str(path)],
                          capture_output=True, text=True, timeout=120)


def _action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def test_the_action_is_valid_against_githubs_schema() -> None:
    run = _validate_action(ACTION)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_action_schema_check_rejects_a_broken_action(tmp_path: Path) -> None:
    """The validation above can fail: a composite action's run step without its shell is refused."""
    broken = tmp_path / "action.yml"
    text = ACTION.read_text(encoding="utf-8")
    assert "    - name: goverify check\n      shell: bash\n" in text
    broken.write_text(text.replace("    - name: goverify check\n      shell: bash\n", "    - name: goverify check\n"),
                      encoding="utf-8")
    run = _validate_action(broken)
    assert run.returncode == 1
    steps = _action()["runs"]["steps"]
    at = next(i for i, step in enumerate(steps) if step.get("name") == "goverify check")
    assert f"$.runs.steps[{at}]: {{'name': 'goverify check'" in run.stdout  # the step, named


def test_the_actions_shell_steps_parse_and_never_splice_an_input_into_a_script() -> None:
    action = _action()
    assert action["runs"]["using"] == "composite"
    assert {"paths", "go-versions", "strict"} <= set(action["inputs"])
    scripts = [step["run"] for step in action["runs"]["steps"] if "run" in step]
    assert scripts
    for script in scripts:
        assert "${{" not in script, f"an expression in a script (pass it through env:): {script}"
        run = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, timeout=30)
        assert run.returncode == 0, f"{run.stderr}\n{script}"
    check = next(step for step in action["runs"]["steps"] if step.get("name") == "goverify check")
    assert '"$VENV/bin/goverify" "${args[@]}" "${paths[@]}"' in check["run"]
    assert "args=(check --format github)" in check["run"]  # annotations, from the existing report format
    caches = [step["with"]["path"] for step in action["runs"]["steps"]
              if step.get("uses", "").startswith("actions/cache@")]
    assert "~/.cache/goverify/toolchains" in caches


@pytest.mark.parametrize("where", ["root", "subfolder"])
def test_the_actions_scripts_check_a_blog_as_a_runner_runs_them(where: str, tmp_path: Path) -> None:
    """Each `run` step of action.yml, in order, with its `env:` as the runner evaluates it (the action's checkout, the
    runner's temp folder, the Python setup-python gives, what earlier steps wrote to $GITHUB_OUTPUT); the `uses:`
    steps are GitHub's own (Python, the caches). At the root the releases are the input's; a Hugo blog in `blog/`
    with its goverify.toml is found from the paths, installs its go_versions, and keeps its results in its own
    `.cache/goverify`, where the results cache step points."""
    from goverify.toolchains import installed

    versions = [str(version) for version, _ in installed()]
    if not versions:
        pytest.skip("no toolchain installed (`make test` installs them)")
    checkout = tmp_path / "action"  # what the runner checks out for `uses: OWNER/REPO@TAG`
    shutil.copytree(REPO / "plugins", checkout / "plugins", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    for name in ("pyproject.toml", "README.md", "action.yml"):
        shutil.copy(REPO / name, checkout / name)
    workspace = tmp_path / "repo"
    site = workspace / "blog" if where == "subfolder" else workspace
    (site / "content" / "posts").mkdir(parents=True)
    (site / "content" / "posts" / "escape.md").write_text(HUGO_POST, encoding="utf-8")
    (site / "content" / "posts" / "holds.md").write_text(HUGO_POST_HOLDS, encoding="utf-8")
    prefix = "blog/" if where == "subfolder" else ""
    if where == "subfolder":
        (site / "goverify.toml").write_text(f'docs_dir = "content"\ngo_versions = ["{versions[-1]}"]\n',
                                            encoding="utf-8")
    (tmp_path / "runner-temp").mkdir()
    outputs = tmp_path / "github-output"
    outputs.write_text("", encoding="utf-8")
    values = {"github.action_path": str(checkout), "runner.temp": str(tmp_path / "runner-temp"),
              "steps.python.outputs.python-path": sys.executable,
              "inputs.go-versions": "" if where == "subfolder" else f" {versions[-1]},",
              "inputs.paths": f"{prefix}content/posts/holds.md\n{prefix}content/posts/escape.md",
              "inputs.strict": "false", "inputs.config": ""}
    results = []  # (pip builds the action's checkout as on a runner: setuptools from the package index)
    for step in _action()["runs"]["steps"]:
        if "run" not in step:
            continue
        said = dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
        values.update({f"steps.site.outputs.{k}": v for k, v in said.items()})
        env = {k: EXPRESSION.sub(lambda m: values[m.group(1)], v) for k, v in step.get("env", {}).items()}
        results.append(subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                      cwd=workspace, env={**os.environ, **env, "GITHUB_OUTPUT": str(outputs)},
                                      capture_output=True, text=True, timeout=600))
    install, found, toolchains, check = results
    assert install.returncode == 0 and found.returncode == 0 and toolchains.returncode == 0, \
        install.stderr + found.stderr + toolchains.stderr
    said = dict(line.split("=", 1) for line in outputs.read_text(encoding="utf-8").splitlines())
    assert said["config"] == ("blog/goverify.toml" if where == "subfolder" else "")
    assert said["cache_dir"] == f"{prefix}.cache/goverify"
    assert check.returncode == 1, check.stdout + check.stderr
    annotations = [line for line in check.stdout.splitlines() if line.startswith("::")]
    assert [line.split("::")[1] for line in annotations] == [
        f"error file={prefix}content/posts/escape.md,line={HUGO_POST_FALSE},title=goverify"]
    assert annotations[0].split("::", 2)[2].startswith('claim "moved to heap: m" holds on no release in its scope')
    cache = [step["with"]["path"] for step in _action()["runs"]["steps"]
             if step.get("uses", "").startswith("actions/cache@") and "results" in step["with"]["key"]]
    assert cache == ["${{ steps.site.outputs.cache_dir }}"]
    assert list((workspace / said["cache_dir"]).glob("runs/*/*.json")), "the results are not where the cache is"
