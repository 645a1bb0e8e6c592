"""`goverify watch` on a simulated Go release: real toolchains, real compiles, a real `git apply`."""

from __future__ import annotations

import difflib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO, cli, cli_process, plugin, write_site
from goverify.bump import Bump, edit_go_versions, find_bumps, proposed
from goverify.config import load
from goverify.errors import GoverifyError
from goverify.versions import Version, parse_version
from releases import AFTER_OLD, NEW, OFFERED, OLD, SITE

ORIGINAL = REPO / "tests" / "fixtures" / "original-article.zh.md"
LOCATED = re.compile(r"^(docs/[^:\s]+):(\d+): ", re.M)  # a finding in the report, as report.py words it
BY_HAND = re.compile(r"^   - `(docs/[^`]+):(\d+)`: ", re.M)  # the report's list of places left to a person


def _versions(entries: list[str]) -> dict[str, Version]:
    return {e: parse_version(e) for e in entries}


@pytest.mark.parametrize(("matrix", "offered", "expected"), [
    # A matrix that stops at 1.24 gets the newest patch of each newer minor, oldest first; older minors are ignored.
    ([OLD], OFFERED, [OLD, *AFTER_OLD]),
    # A newer patch takes the place of the older patch of its minor; the rest keeps its order.
    (["1.24.3", NEW], OFFERED, [OLD, NEW]),
    (["1.25.0", "1.24.3"], ["1.25.5", "1.24.11"], ["1.25.5", OLD]),
    # A minor entry names whichever patch is installed: it is never bumped, but it counts as the newest minor.
    ([OLD, "1.27"], OFFERED, [OLD, "1.27"]),
    # Nothing new.
    (SITE, OFFERED, SITE),
    (SITE, SITE, SITE),
])
def test_which_releases_the_matrix_lacks(matrix: list[str], offered: list[str], expected: list[str]) -> None:
    bumps = find_bumps(matrix, _versions(matrix), [parse_version(v) for v in offered])
    assert proposed(matrix, bumps) == expected
    assert (bumps == []) == (matrix == expected)


def test_a_bump_says_what_it_replaces() -> None:
    bumps = find_bumps(["1.24.3", NEW], _versions(["1.24.3", NEW]), [parse_version(v) for v in OFFERED])
    assert bumps == [Bump(parse_version(OLD), "1.24.3")]


FLOW = """\
plugins:
  - goverify:
      # exact releases: the same commit builds the same pages
      go_versions: ['1.24.3', "1.26.0"]  # the matrix
      report: r.json
"""
BLOCK = """\
plugins:
  - goverify:
      go_versions:  # the matrix
        - 1.24.3   # oldest
        # kept
        - "1.26.0"
      report: r.json
"""


@pytest.mark.parametrize(("text", "expected"), [
    (FLOW, FLOW.replace("""['1.24.3', "1.26.0"]""", """['1.24.11', "1.26.6", "1.27.3"]""")),
    (BLOCK, BLOCK.replace("- 1.24.3 ", "- 1.24.11 ").replace('- "1.26.0"', '- "1.26.6"\n        - "1.27.3"')),
])
def test_go_versions_is_edited_as_text(tmp_path: Path, text: str, expected: str) -> None:
    edited = edit_go_versions(text, ["1.24.3", "1.26.0"], [OLD, "1.26.6", NEW])
    assert edited == expected
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n" + edited, encoding="utf-8")
    config, _, _, _ = load(tmp_path / "mkdocs.yml")
    assert config.go_versions == [OLD, "1.26.6", NEW]


@pytest.mark.parametrize("text", [
    "plugins:\n  - goverify:\n      go_versions: !ENV [GO_VERSIONS, ['1.24.3']]\n",
    "plugins:\n  - goverify:\n      go_versions: ['1.24.3', '1.27.3']\n",  # not what was read
    "plugins:\n  - goverify\n",
])
def test_go_versions_the_watch_cannot_edit_is_one_clear_error(text: str) -> None:
    with pytest.raises(GoverifyError, match="change (go_versions|it) by hand"):
        edit_go_versions(text, ["1.24.3"], [OLD])


def _failures(stdout: str) -> set[tuple[str, int]]:
    """The located disagreements of `goverify check --format json`."""
    return {(d["path"], d["line"]) for d in json.loads(stdout)["disagreements"]}


def test_a_new_release_that_breaks_the_article_is_reported_and_patched(tmp_path: Path) -> None:
    """The 2020 article on a matrix that stops at 1.24: the watch adds 1.25, 1.26 and 1.27, reports exactly what a
    direct check on them reports, and its patch leaves only the claims it lists for a person to restate."""
    write_site(tmp_path, {"index.md": ORIGINAL.read_text(encoding="utf-8")}, plugin=plugin(go_versions=[OLD]))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    before = (tmp_path / "docs" / "index.md").read_text(encoding="utf-8")
    config_before = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")

    watch = cli("watch", "--offered", ",".join(OFFERED), cwd=tmp_path)
    assert watch.returncode == 1, watch.stdout + watch.stderr
    report = (tmp_path / "watch-report.md").read_text(encoding="utf-8")
    reported = {(path, int(line)) for path, line in LOCATED.findall(report)}
    by_hand = {(path, int(line)) for path, line in BY_HAND.findall(report)}

    # The same places as a direct check on the new releases (and 1.24 adds none: the article held on it).
    direct = cli("check", "--format", "json", *(a for v in AFTER_OLD for a in ("--go", v)), cwd=tmp_path)
    assert direct.returncode == 1, direct.stderr
    assert reported == _failures(direct.stdout)
    assert len(reported) == 7 and by_hand < reported
    for release in AFTER_OLD:
        assert f"| Go {release} | new minor |" in report
    # Each under the release that first breaks it: 1.25 reports a constant local by its value and sizes
    # make([]int, l) at compile time; 1.26 devirtualizes the call on myType{}; output blocks speak for the newest.
    sections = {part.split("\n", 1)[0]: {int(n) for _, n in LOCATED.findall(part)}
                for part in report.split("\n### Go ")[1:]}
    assert sections == {"1.25.5": {188, 297}, "1.26.6": {168}, "1.27.3": {175, 196, 216, 304}}

    # The patch applies; it bumps go_versions and rewrites compiler output lines only.
    applied = subprocess.run(["git", "apply", "watch.patch"], cwd=tmp_path, capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr
    config, _, _, _ = load(tmp_path / "mkdocs.yml")
    assert config.go_versions == [OLD, *AFTER_OLD]
    config_after = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")
    assert _changed(config_before, config_after) == [f'      go_versions: ["{OLD}"]',
                                                     f'      go_versions: ["{OLD}", "1.25.5", "1.26.6", "{NEW}"]']
    after = (tmp_path / "docs" / "index.md").read_text(encoding="utf-8")
    changed = _changed(before, after)
    assert changed and all(re.fullmatch(r"\s*\./main\.go:\d+:\d+: .+", line) for line in changed), changed

    # With it applied, exactly the places the report leaves to a person still fail: the same source lines.
    check = cli("check", "--format", "json", cwd=tmp_path)
    assert check.returncode == 1, check.stderr
    still = {after.split("\n")[line - 1] for _, line in _failures(check.stdout)}
    assert still == {before.split("\n")[line - 1] for _, line in by_hand}
    assert len(still) == 3 and all("//" in line for line in still)  # the comment claims of the article


def _changed(before: str, after: str) -> list[str]:
    """The lines a change removed or added."""
    return [line[1:] for line in difflib.unified_diff(before.split("\n"), after.split("\n"), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


HOLDS = """
```go
package main

func f() *int {
	num := 0 // moved to heap: num
	return &num
}
```

```
# command-line-arguments
./main.go:4:2: moved to heap: num
```
"""


def test_a_newer_patch_on_which_everything_holds_exits_3(tmp_path: Path) -> None:
    write_site(tmp_path, {"index.md": HOLDS}, plugin=plugin(go_versions=["1.24.3", NEW]))
    run = cli_process("watch", "--offered", ",".join(OFFERED), "--patch", "p.diff", "--report", "r.md", cwd=tmp_path)
    assert run.returncode == 3, run.stdout + run.stderr
    report = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert report.startswith(f"# Go {OLD}: every claim holds\n")
    assert f"| Go {OLD} | newer patch, replaces 1.24.3 | nothing |" in report
    patch = (tmp_path / "p.diff").read_text(encoding="utf-8")
    assert f'-      go_versions: ["1.24.3", "{NEW}"]\n+      go_versions: ["{OLD}", "{NEW}"]\n' in patch
    assert "docs/index.md" not in patch  # nothing to rewrite


def test_a_current_site_exits_0_at_once_installing_and_compiling_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for name in ("docs", "snippets", "overrides"):
        shutil.copytree(REPO / name, site / name)
    shutil.copy(REPO / "mkdocs.yml", site)
    (site / "watch.patch").write_text("a stale patch\n", encoding="utf-8")
    empty = tmp_path / "toolchains"
    empty.mkdir()
    config, _, _, _ = load(site / "mkdocs.yml")
    assert config.go_versions == SITE
    run = cli_process("watch", "--offered", ",".join(SITE), cwd=site, env={"GOVERIFY_TOOLCHAINS": str(empty)})
    assert run.returncode == 0, run.stdout + run.stderr
    assert list(empty.iterdir()) == []  # nothing installed: a resolve or an install would have needed it
    assert not (site / ".cache").exists()  # nothing compiled, nothing cached
    assert not (site / "watch.patch").exists()  # a stale patch would propose what is done
    assert (site / "watch-report.md").read_text(encoding="utf-8").startswith("# No new Go release\n")


@pytest.mark.parametrize(("args", "message"), [
    (["--offered", "1.25"], "goverify: --offered: expected exact Go releases such as 1.25.5,1.26.6, got '1.25'"),
    (["--config", "nope.yml"], "goverify: nope.yml: no such file"),
])
def test_bad_usage_is_one_line_and_exit_status_2(tmp_path: Path, args: list[str], message: str) -> None:
    write_site(tmp_path, {"index.md": HOLDS}, plugin=plugin(go_versions=[OLD]))
    run = cli_process("watch", *args, cwd=tmp_path)
    assert (run.returncode, run.stderr, run.stdout) == (2, message + "\n", "")


def test_toolchains_outdated_names_the_same_releases_the_watch_would_add(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from goverify import toolchains

    offered = [parse_version(v) for v in OFFERED]
    monkeypatch.setattr(toolchains, "available_on_pypi", lambda: offered)
    write_site(tmp_path, {"index.md": "# x\n"}, plugin=plugin(go_versions=["1.24", NEW]))  # a minor, a patch
    run = cli("toolchains", "outdated", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout == "the matrix has every Go release PyPI offers\n", run
    monkeypatch.setattr(toolchains, "available_on_pypi", lambda: [*offered, parse_version("1.27.9"),
                                                                  parse_version("1.28.1"), parse_version("1.28.0")])
    run = cli("toolchains", "outdated", cwd=tmp_path)
    assert run.returncode == 1, run
    assert run.stdout.splitlines() == [
        'Go 1.28.1: a newer release the matrix lacks (add "1.28" to go_versions)',
        f"Go {NEW}: patch 1.27.9 is available (goverify toolchains install 1.27.9)",
    ]


# Run claims: a variable-size `make([]int, n)` is heap-allocated up to Go 1.24 and on the stack since Go 1.25. The
# figures are what Go 1.24.11 printed natively (tests/fixtures/programs/bench/native-1.24.11.txt), times and all.
MAKE_VARIABLE = (REPO / "tests" / "fixtures" / "make-variable.md").read_text(encoding="utf-8")
MAKE_VARIABLE_LINE = 22  # the block's first line of output
# A program and a benchmark whose output is the same on Go 1.24 and 1.25 (tests/fixtures/programs/bench: a returned
# pointer is 8 B/op, 1 allocs/op on both).
RUNS_HOLD = """\
# Programs

```go
package main

import "fmt"

func main() {
	for i := 0; i < 3; i++ {
		defer func() { fmt.Print(i, " ") }()
	}
	fmt.Println("deferred:")
}
```

Run it with `go run main.go`:

```
deferred:
2 1 0
```

```go title="escape_test.go"
package escape

import "testing"

var sinkPtr *int

//go:noinline
func newInt() *int {
	n := 7
	return &n
}

func BenchmarkReturnPointer(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkPtr = newInt()
	}
}
```

```console
$ go test -bench . -benchmem
BenchmarkReturnPointer-2   	44892096	        24.44 ns/op	       8 B/op	       1 allocs/op
PASS
ok  	example	1.223s
```
"""
GO_1_25 = "1.25.5"


def test_a_run_claim_a_new_release_breaks_is_reported_at_its_line_and_patched(tmp_path: Path) -> None:
    """A site that stops at Go 1.24 with a verified benchmark block: offered Go 1.25, the watch reports that the
    block breaks there, at its line, and its patch rewrites B/op and allocs/op (never the times)."""
    write_site(tmp_path, {"index.md": MAKE_VARIABLE}, plugin=plugin(go_versions=[OLD]))
    held = cli("check", cwd=tmp_path)
    assert held.returncode == 0, held.stdout + held.stderr  # verified on Go 1.24: the sandbox measured 32 B/op
    assert "1 program output run in the sandbox" in held.stderr + held.stdout
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)

    watch = cli("watch", "--offered", f"{GO_1_25},{OLD}", cwd=tmp_path)
    assert watch.returncode == 1, watch.stdout + watch.stderr
    report = (tmp_path / "watch-report.md").read_text(encoding="utf-8")
    assert report.startswith(f"# Go {GO_1_25}: 1 place no longer holds\n"), report
    assert f"| Go {GO_1_25} | new minor | 1 place |" in report
    sections = {part.split("\n", 1)[0]: [(path, int(line)) for path, line in LOCATED.findall(part)]
                for part in report.split("\n### Go ")[1:]}
    assert sections == {GO_1_25: [("docs/index.md", MAKE_VARIABLE_LINE)]}
    assert "BenchmarkMakeVariable: the page says 32 B/op, 1 allocs/op; Go 1.25.5 measures 0 B/op, 0 allocs/op" \
        in report

    applied = subprocess.run(["git", "apply", "watch.patch"], cwd=tmp_path, capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr
    after = (tmp_path / "docs" / "index.md").read_text(encoding="utf-8")
    assert _changed(MAKE_VARIABLE, after) == [
        "BenchmarkMakeVariable-2    \t47255136\t        28.38 ns/op\t      32 B/op\t       1 allocs/op",
        "BenchmarkMakeVariable-2    \t47255136\t        28.38 ns/op\t       0 B/op\t       0 allocs/op",
    ]
    config, _, _, _ = load(tmp_path / "mkdocs.yml")
    assert config.go_versions == [OLD, GO_1_25]
    assert cli("check", cwd=tmp_path).returncode == 0  # the block speaks for Go 1.25 now, and holds


def test_run_claims_that_hold_on_the_new_release_break_nothing(tmp_path: Path) -> None:
    write_site(tmp_path, {"index.md": RUNS_HOLD}, plugin=plugin(go_versions=[OLD]))
    watch = cli("watch", "--offered", f"{GO_1_25},{OLD}", cwd=tmp_path)
    assert watch.returncode == 3, watch.stdout + watch.stderr
    report = (tmp_path / "watch-report.md").read_text(encoding="utf-8")
    assert report.startswith(f"# Go {GO_1_25}: every claim holds\n"), report
    assert f"| Go {GO_1_25} | new minor | nothing |" in report
    assert "docs/index.md" not in (tmp_path / "watch.patch").read_text(encoding="utf-8")
    # Both blocks were run, on both releases: the report's silence is the runs holding, not nothing run.
    check = json.loads(cli("check", "--format", "json", "--go", OLD, "--go", GO_1_25, cwd=tmp_path).stdout)
    assert sorted((r["location"], r["go"]) for r in check["runs"]) == [
        ("docs/index.md:19", OLD), ("docs/index.md:19", GO_1_25),
        ("docs/index.md:45", OLD), ("docs/index.md:45", GO_1_25)]
    assert check["disagreements"] == [] and check["not_verified"] == []
