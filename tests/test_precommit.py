"""goverify as a pre-commit hook: `.pre-commit-hooks.yaml` at the root declares it, and `pre-commit try-repo` runs this
repository's hook on a blog's Markdown as an author's `.pre-commit-config.yaml` would: installed into its own venv
from the repository (with no network: the package needs nothing), run on the Markdown files only, once for all of
them, failing the commit on a false claim at its line."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from conftest import HUGO_POST, HUGO_POST_FALSE, HUGO_POST_HOLDS, REPO
from goverify.toolchains import installed

HOOKS = REPO / ".pre-commit-hooks.yaml"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"



def test_the_hook_runs_goverify_check_on_markdown_once_for_all_files() -> None:
    [hook] = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"], hook["language"]) == ("goverify", "goverify check", "python")
    assert hook["types_or"] == ["markdown", "mdx"]  # .md, .markdown and .mdx, as identify names them
    assert hook["require_serial"] is True  # goverify compiles in parallel itself, and reports once
    assert hook.get("pass_filenames", True) is True  # the pages the commit changes
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["goverify"] == "goverify.cli:main"  # what `pip install .` puts on the hook's PATH


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


@pytest.mark.skipif(not PRE_COMMIT.is_file(), reason="pre-commit is not installed (the [test] extra installs it)")
def test_pre_commit_try_repo_runs_the_hook_on_a_blog(tmp_path: Path) -> None:
    versions = [str(version) for version, _ in installed()]
    if not versions:
        pytest.skip("no toolchain installed (`make test` installs them)")
    blog = tmp_path / "blog"
    (blog / "content" / "posts").mkdir(parents=True)
    (blog / "content" / "posts" / "escape.md").write_text(HUGO_POST, encoding="utf-8")
    (blog / "content" / "posts" / "holds.md").write_text(HUGO_POST_HOLDS, encoding="utf-8")
    (blog / "content" / "posts" / "main.go").write_text("package main\n\nfunc main() {}\n", encoding="utf-8")
    (blog / "goverify.toml").write_text(f'docs_dir = "content"\ngo_versions = ["{versions[-1]}"]\n', encoding="utf-8")
    _git(blog, "init", "-q")
    _git(blog, "add", "-A")
    # goverify's one dependency, wasmtime (the run stage's sandbox): the wheel this venv has, fetched once by pip
    wheels = tmp_path / "wheels"
    fetched = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(wheels),
                              f"wasmtime=={importlib.metadata.version('wasmtime')}"], capture_output=True, text=True,
                             timeout=300)
    assert fetched.returncode == 0, fetched.stderr
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           # the hook's venv gets goverify from this repository alone: no index, no build isolation (pip reads
           # PIP_NO_BUILD_ISOLATION=0 as --no-build-isolation, pypa/pip#5735); the venv's own setuptools builds it
           "PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0", "PIP_FIND_LINKS": str(wheels)}

    def try_repo(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(PRE_COMMIT), "try-repo", str(REPO), "goverify", *args], cwd=blog, env=env,
                              capture_output=True, text=True, timeout=600)

    failing = try_repo("--all-files")
    assert failing.returncode == 1, failing.stdout + failing.stderr
    lines = failing.stdout.splitlines()
    assert any(line.startswith("goverify") and line.endswith("Failed") for line in lines), failing.stdout
    located = [line for line in lines if line.startswith("content/")]
    assert located == [f'content/posts/escape.md:{HUGO_POST_FALSE}: claim "moved to heap: m" holds on no release in '
                       "its scope"]
    # one process for every page: one summary, both pages in it (main.go is not Markdown: not passed)
    assert [line for line in lines if line.startswith("goverify: 2 examples")] != []
    passing = try_repo("--files", "content/posts/holds.md")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert any(line.startswith("goverify") and line.endswith("Passed") for line in passing.stdout.splitlines())
    skipped = try_repo("--files", "content/posts/main.go")
    assert skipped.returncode == 0 and "(no files to check)Skipped" in skipped.stdout
