"""Version logic on two real releases whose escape analysis differs on the article (1.24 and 1.27)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import REPO, build, cli, cli_process, mkdocs_process, plugin, write_site
from goverify.render import changes, group_runs
from goverify.runner import RunResult
from goverify.scan import find_fences
from releases import BOTH, NEW, NEW_MINOR, OLD

TWO = plugin(go_versions=BOTH, matrix_page="go-releases.md")

VARIABLE_SIZE = """
# 五、动态分配

```go
package main

func func1() {
	l := 1
	s := make([]int, l) // CLAIM
	_ = s
}
```

逃逸分析结果为：

```
# command-line-arguments
./main.go:5:11: make([]int, 1) does not escape
```
"""


def _page(claim: str) -> str:
    return VARIABLE_SIZE.replace("CLAIM", claim)


def test_grouping_identical_outputs() -> None:
    a, b = RunResult("x\n", 1), RunResult("y\n", 1)
    groups = group_runs({"1.21.13": a, "1.22.10": a, "1.25.5": b, "1.24.11": a, "1.27.3": b})
    assert [(g.label, g.run.output) for g in groups] == [("Go 1.21 – 1.24", "x\n"), ("Go 1.25 – 1.27", "y\n")]
    assert group_runs({"1.21.13": a, "1.27.3": a})[0].label == "Go 1.21 – 1.27"


def test_changes_pair_messages_by_position() -> None:
    before = RunResult("./main.go:5:11: make([]int, l) escapes to heap\n./main.go:9:2: moved to heap: x\n", 0)
    after = RunResult("./main.go:5:11: make([]int, 1) does not escape\n./main.go:3:1: can inline f\n", 0)
    assert changes(before, after) == [
        "make([]int, l) escapes to heap → make([]int, 1) does not escape",
        "− moved to heap: x",
        "+ can inline f",
    ]


def test_a_claim_true_on_one_release_and_false_on_another_names_the_release(tmp_path: Path) -> None:
    write_site(tmp_path, {"index.md": _page("make([]int, l) escapes to heap")}, plugin=TWO)
    done = build(tmp_path)
    assert done.returncode == 1
    assert f'docs/index.md:8: claim "make([]int, l) escapes to heap" does not hold on Go {NEW}' in done.log_lines
    assert f"    Go {NEW_MINOR} ({NEW}) says: ./main.go:5:11: make([]int, 1) does not escape" in done.log_lines
    assert (f'    holds on Go {OLD}: scope the claim, e.g. "make([]int, l) escapes to heap (go1.24)"'
            in done.log_lines)


def test_scoped_claims_pass_and_the_page_shows_tabs_per_release(tmp_path: Path) -> None:
    claim = "make([]int, l) escapes to heap (go1.24); make([]int, 1) does not escape (go1.25+)"
    write_site(tmp_path, {"index.md": _page(claim)}, plugin=TWO)
    done = build(tmp_path)
    assert done.returncode == 0, done.log
    page = done.page()
    labels = re.findall(r'<label for="__goverify_1_\d">([^<]*)</label>', page)
    assert labels == ["Go 1.24", "Go 1.27"]
    assert re.search(r'<input checked id="__goverify_1_2"', page), "the newest release is selected"
    assert "Go 1.27: <code>make([]int, l) escapes to heap → make([]int, 1) does not escape</code>" in page
    matrix = done.page("go-releases.html")
    assert "✓ Δ" in matrix and f"Go {OLD}" in matrix


def test_a_scope_beyond_the_matrix_is_an_error(tmp_path: Path) -> None:
    write_site(tmp_path, {"index.md": _page("make([]int, 1) does not escape (go1.30+)")}, plugin=TWO)
    done = build(tmp_path)
    assert done.returncode == 1
    assert ('docs/index.md:8: claim "make([]int, 1) does not escape": scope (go1.30+) names Go 1.30, newer than '
            "the newest release verified (Go 1.24 – 1.27)") in done.log_lines


def test_an_output_block_can_speak_for_an_older_release(tmp_path: Path) -> None:
    page = _page("make([]int, 1) does not escape (go1.25+)").replace(
        "```\n# command-line-arguments\n./main.go:5:11: make([]int, 1) does not escape",
        '``` go="1.24"\n# command-line-arguments\n./main.go:5:11: make([]int, l) escapes to heap')
    write_site(tmp_path, {"index.md": page}, plugin=TWO)
    done = build(tmp_path)
    assert done.returncode == 0, done.log


def test_fix_rewrites_output_and_claims_and_never_prose(tmp_path: Path) -> None:
    original = _page("make([]int, l) escapes to heap").replace(
        "./main.go:5:11: make([]int, 1) does not escape", "./main.go:5:11: make([]int, l) escapes to heap")
    (tmp_path / "a.md").write_text(original, encoding="utf-8")
    args = ("--go", OLD, "--go", NEW, "a.md")
    assert cli("check", *args, cwd=tmp_path).returncode == 1
    dry = cli("check", "--fix", "--dry-run", *args, cwd=tmp_path)
    assert dry.returncode == 1 and (tmp_path / "a.md").read_text(encoding="utf-8") == original
    assert ("+\ts := make([]int, l) // make([]int, l) escapes to heap (go1.24); "
            "make([]int, 1) does not escape (go1.27+)") in dry.stdout
    fixed = cli("check", "--fix", "--yes", *args, cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    after = (tmp_path / "a.md").read_text(encoding="utf-8")
    assert cli("check", *args, cwd=tmp_path).returncode == 0
    assert _prose(after) == _prose(original)
    assert after != original


def _prose(text: str) -> str:
    """The text outside fenced blocks."""
    kept, last = [], 0
    for fence in find_fences(text):
        kept.append(text[last:fence.start])
        last = fence.end
    return "".join(kept) + text[last:]


def test_shards_merge_into_the_same_site(tmp_path: Path) -> None:
    claim = "make([]int, l) escapes to heap (go1.24); make([]int, 1) does not escape (go1.25+)"
    direct = write_site(tmp_path / "direct", {"index.md": _page(claim)}, plugin=TWO)
    same_date = {"SOURCE_DATE_EPOCH": "0"}  # MkDocs stamps pages with the build date otherwise
    assert build(direct, env=same_date).returncode == 0
    sharded = write_site(tmp_path / "sharded", {"index.md": _page(claim)},
                         plugin=TWO + "      results: results\n      cache: false\n")
    for version in BOTH:  # one process per CI job
        run = cli_process("verify", "--go", version, "--results", "results", cwd=sharded)
        assert run.returncode == 0, run.stderr
    empty = tmp_path / "no-toolchains"
    empty.mkdir()
    merged = mkdocs_process(sharded, env={"GOVERIFY_TOOLCHAINS": str(empty), "PATH": "/usr/bin:/bin", **same_date})
    assert merged.returncode == 0, merged.stderr
    assert (sharded / "site" / "index.html").read_text(encoding="utf-8") == \
        (direct / "site" / "index.html").read_text(encoding="utf-8")
    # A shard made from other sources is refused, naming the example.
    (sharded / "docs" / "index.md").write_text(_page(claim).replace("l := 1", "l := 2"), encoding="utf-8")
    stale = build(sharded, env={"GOVERIFY_TOOLCHAINS": str(empty)})
    assert stale.returncode == 1
    assert any(line.startswith(f"docs/index.md:4: no result for this example on Go {OLD}, {NEW} in the shard")
               for line in stale.log_lines), stale.log


def test_toolchains_list_shows_installed_releases() -> None:
    run = cli("toolchains", "list", cwd=REPO)
    assert run.returncode == 0
    assert re.search(rf"^{re.escape(OLD)}\t/.+/{re.escape(OLD)}/go/bin/go$", run.stdout, re.M)  # make test installs it
    assert re.search(r"^default\t/.+/site-packages/go/bin/go$", run.stdout, re.M)
