"""The run stage end to end: pages with what programs, tests and benchmarks print under a stated `go run` / `go test`
command, checked by the real `goverify check` (real go, real wasmtime): true output holds, false output is reported
at its line with a diff, on the release the page speaks for; what cannot be verified is said with its kind; a
warm check runs nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import cli, plugin
from goverify.engine import Engine, Settings
from goverify.fragments import header
from goverify.render import render_program
from goverify.runstage import ATTEMPTS, Shown, _header_shift
from goverify.sandbox import runtime_version
from releases import NEW, OLD

pytestmark = [pytest.mark.xdist_group("sandbox"),
              pytest.mark.skipif(runtime_version() is None, reason="wasmtime is not installed")]
OLDEST = "1.21.13"  # before Go 1.22's per-iteration loop variables

# The loop-variable program of the fidelity test (tests/fixtures/programs/loopvar), under the output Go 1.21 prints.
LOOP = ("# Closures over a loop variable\n\n```go\n"
        + (Path(__file__).parent / "fixtures" / "programs" / "loopvar" / "main.go").read_text(encoding="utf-8")
        + "```\n\n```console\n$ go run main.go\n3 3 3\n```\n")

PROGRAMS = """\
# Programs

```go
package main

import "fmt"

func main() {
	fmt.Println("hello", 6*7)
}
```

Run it with `go run main.go`:

```
hello 42
```

```go
package main

import (
	"fmt"
	"strings"
)

func main() {
	fmt.Println(strings.Repeat("ab", 2), len("héllo"))
}
```

```console
$ go run main.go
abab 5
```

```go
package main

import "fmt"

func main() {
	ages := map[string]int{"ann": 31, "bob": 42, "cid": 27}
	for name, age := range ages {
		fmt.Println(name, age)
	}
}
```

```console
$ go run main.go
bob 42
ann 31
cid 27
```

```go
package main

func main() {
	s := []int{1, 2, 3}
	i := 5
	_ = s[i]
}
```

```console
$ go run main.go
panic: runtime error: index out of range [5] with length 3

goroutine 1 [running]:
main.main()
	/home/author/src/demo/main.go:6 +0x1d
exit status 2
```

```go
package main

import (
	"fmt"
	"os"
)

func main() {
	data, err := os.ReadFile("config.json")
	fmt.Println(len(data), err)
}
```

```console
$ go run main.go
42 <nil>
```
"""
PROGRAMS_FALSE = 34  # `abab 5`: len("héllo") is 6 bytes

TESTS = """\
# Tests

```go title="sum_test.go"
package sum

import "testing"

func Sum(xs ...int) int {
	t := 0
	for _, x := range xs {
		t += x
	}
	return t
}

func TestSum(t *testing.T) {
	if got := Sum(1, 2, 3); got != 6 {
		t.Fatalf("Sum = %d", got)
	}
	t.Log("sum is fine")
}

func TestEmpty(t *testing.T) {
	if got := Sum(); got != 1 {
		t.Errorf("Sum() = %d, want 1", got)
	}
}
```

```console
$ go test -v -run Sum
=== RUN   TestSum
    sum_test.go:17: sum is fine
--- PASS: TestSum (0.00s)
PASS
ok  	github.com/author/sum	0.002s
```

```console
$ go test -run Empty
--- FAIL: TestEmpty (0.00s)
    sum_test.go:22: Sum() = 0, want 1
FAIL
exit status 1
FAIL	github.com/author/sum	0.003s
```

```console
$ go test -run Sum
--- FAIL: TestSum (0.00s)
FAIL
```
"""
TESTS_FALSE = 50

# `make([]int, n)` of a variable size: on the heap up to Go 1.24, on the stack since Go 1.25. The figures are what
# Go 1.24.11 printed natively (tests/fixtures/programs/bench/native-1.24.11.txt), times and all.
BENCH = (Path(__file__).parent / "fixtures" / "make-variable.md").read_text(encoding="utf-8")
BENCH_LINE = 22


def _check(tmp_path: Path, page: str, *versions: str, extra: tuple[str, ...] = ()):
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "index.md").write_text(page, encoding="utf-8")
    listed = ", ".join(f'"{v}"' for v in versions)
    (tmp_path / "goverify.toml").write_text(f'docs_dir = "docs"\ngo_versions = [{listed}]\n', encoding="utf-8")
    return cli("check", *extra, cwd=tmp_path)


def _located(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if line.startswith("docs/")]


@pytest.mark.matrix
def test_the_loop_variable_holds_on_go_1_21_and_is_reported_on_the_newest(tmp_path: Path) -> None:
    old = _check(tmp_path, LOOP, OLDEST)
    assert (old.returncode, _located(old.stdout)) == (0, []), old.stdout + old.stderr
    both = _check(tmp_path, LOOP, OLDEST, NEW)
    assert both.returncode == 1
    assert both.stdout.splitlines()[:6] == [
        f"docs/index.md:22: `go run main.go`: output differs on Go {NEW}",
        "    --- the page",
        f"    +++ Go {NEW}, run in the WebAssembly sandbox (wasip1, GOMAXPROCS=1)",
        "    -3 3 3",
        "    +0 1 2",
        f"    holds on Go {OLDEST}",
    ]


def test_program_output_true_false_and_what_the_sandbox_cannot_do(tmp_path: Path) -> None:
    run = _check(tmp_path, PROGRAMS, NEW, extra=("--format", "json"))
    report = json.loads(run.stdout)
    assert run.returncode == 1
    [wrong] = report["disagreements"]
    assert (wrong["line"], wrong["summary"]) == (PROGRAMS_FALSE, f"`go run main.go`: output differs on Go {NEW}")
    assert wrong["detail"][2:4] == ["-abab 5", "+abab 6"]
    [unordered] = [n for n in report["notes"] if n.get("kind") == "unordered"]
    assert unordered["line"] == 52
    [files] = report["not_verified"]
    assert (files["line"], files["kind"]) == (93, "sandbox-files")
    assert "opens files, and the sandbox gives it no directory" in files["summary"]
    # the panic's trace (the author's directory, amd64 offsets) holds, as does the first program
    assert {d["line"] for d in report["disagreements"]} == {PROGRAMS_FALSE}


def test_test_output_is_compared_as_go_test_prints_it(tmp_path: Path) -> None:
    run = _check(tmp_path, TESTS, NEW)
    assert _located(run.stdout) == [f"docs/index.md:{TESTS_FALSE}: `go test -run Sum`: output differs on Go {NEW}"]
    assert run.returncode == 1
    assert "    -FAIL\n    +ok  \t<package>\t<duration>" in run.stdout  # masked as compared


@pytest.mark.matrix
def test_make_of_a_variable_size_holds_on_1_24_and_is_reported_from_1_25(tmp_path: Path) -> None:
    old = _check(tmp_path, BENCH, OLD, extra=("--strict",))
    assert old.returncode == 0, old.stdout  # --strict: the figures not compared are a note, not a warning
    assert _located(old.stdout) == [f"docs/index.md:{BENCH_LINE}: `go test -bench . -benchmem` run in the "
                                    "WebAssembly sandbox (wasip1, GOMAXPROCS=1): ns/op, iteration counts and MB/s are "
                                    "not compared (the sandbox is not the author's machine); B/op and allocs/op hold, "
                                    "measured with GOMAXPROCS=1"]
    new = _check(tmp_path, BENCH, OLD, NEW)
    assert new.returncode == 1
    assert _located(new.stdout) == [f"docs/index.md:{BENCH_LINE}: `go test -bench . -benchmem`: benchmark "
                                    f"allocations differ on Go {NEW}"]  # the note is the error's now
    assert (f"    BenchmarkMakeVariable: the page says 32 B/op, 1 allocs/op; Go {NEW} measures 0 B/op, 0 allocs/op "
            "(allocations measured with GOMAXPROCS=1 in the sandbox)") in new.stdout
    assert f"    holds on Go {OLD}" in new.stdout


def test_a_warm_check_runs_nothing(tmp_path: Path) -> None:
    def ran() -> int:
        engine = Engine(Settings(root=tmp_path, go_versions=[NEW]))
        page = engine.scan(PROGRAMS, "docs/index.md")
        return engine.run([page])

    cold = ran()
    assert cold >= 5 * 2  # five programs: a build and a run each (the one the page has wrong, a second run)
    assert ran() == 0
    modules = list((tmp_path / ".cache" / "goverify" / "wasm" / "modules").iterdir())
    assert len(modules) == 5  # one compiled module per program, kept


@pytest.mark.matrix
def test_fix_rewrites_drifted_output_and_allocations_never_times(tmp_path: Path) -> None:
    page = LOOP + BENCH.replace("# Benchmarks", "## Benchmarks")
    run = _check(tmp_path, page, OLD, NEW, extra=("--fix",))
    assert run.returncode == 0, run.stdout + run.stderr
    fixed = (tmp_path / "docs" / "index.md").read_text(encoding="utf-8")
    old_bench = "BenchmarkMakeVariable-2    \t47255136\t        28.38 ns/op\t      32 B/op\t       1 allocs/op"
    new_bench = "BenchmarkMakeVariable-2    \t47255136\t        28.38 ns/op\t       0 B/op\t       0 allocs/op"
    assert fixed == page.replace("\n3 3 3\n", "\n0 1 2\n").replace(old_bench, new_bench)
    again = _check(tmp_path, fixed, OLD, NEW)
    assert again.returncode == 0, again.stdout  # the page speaks for the newest release (Go 1.24 printed the old)


@pytest.mark.matrix
def test_the_page_shows_each_releases_output_in_tabs_with_the_sandbox_named(site) -> None:
    holds = LOOP.replace("\n3 3 3\n", "\n0 1 2\n") + BENCH.replace("# Benchmarks", "## Benchmarks").replace(
        "      32 B/op\t       1 allocs/op", "       0 B/op\t       0 allocs/op")
    built = site({"index.md": holds}, plugin=plugin(go_versions=[OLDEST, OLD, NEW]))
    page = built.page()
    [loop] = re.findall(r'<div class="goverify goverify-run" data-example="1">.*?</div></div></div></div>', page)
    labels = re.findall(r'<label for="__goverify_run1_1_\d">([^<]*)</label>', loop)
    assert labels == ["Go 1.21", "Go 1.24 – 1.27"]
    assert "<pre><code>3 3 3</code></pre>" in loop and "<pre><code>0 1 2</code></pre>" in loop
    assert ("Output of <code>go run main.go</code> on Go 1.24.11, 1.27.3, run in a WebAssembly sandbox "
            "(wasip1, GOMAXPROCS=1)") in loop
    assert "28.38 ns/op" in page  # the author's benchmark block stays, times and all
    [bench] = re.findall(r'<div class="goverify goverify-run" data-example="2">.*', page)
    assert "BenchmarkMakeVariable\t32 B/op\t1 allocs/op" in bench and "BenchmarkMakeVariable\t0 B/op\t0 allocs/op" \
        in bench


UNSTATED = """\
# No command stated

```go
package main

import "fmt"

func main() {
	fmt.Println(len("héllo"))
}
```

It prints:

```
5
```

```go
package main

import "fmt"

func main() {
	fmt.Println(7 / 2)
}
```

输出结果：

```text
3
```

```go
package main

import "fmt"

func main() {
	fmt.Println("{}")
}
```

Some data:

```
{"a": 1}
```
"""


def test_a_programs_output_with_no_command_is_what_the_prose_says_it_prints(tmp_path: Path) -> None:
    run = _check(tmp_path, UNSTATED, NEW)
    # The second ("输出结果") holds; the third block is not called output and the program prints something else:
    # not taken as its output, and said as a note (never silent, never a disagreement).
    assert _located(run.stdout) == [
        f"docs/index.md:16: `go run main.go`: output differs on Go {NEW}",
        "docs/index.md:48: `go run main.go` run in the WebAssembly sandbox (wasip1, GOMAXPROCS=1): the block after "
        "the program is not what it prints, and the prose does not call it its output: not compared (state the "
        "command before it to have it compared)"]
    assert "    -5\n    +6" in run.stdout
    report = json.loads(_check(tmp_path, UNSTATED, NEW, extra=("--format", "json")).stdout)
    ran = [(r["example"], r["location"], r["output"]) for r in report["runs"]]
    assert ran == [(1, "docs/index.md:16", "6\n"), (2, "docs/index.md:32", "3\n")]


def test_a_block_not_called_output_is_taken_as_it_only_when_the_program_prints_it(tmp_path: Path) -> None:
    """No cue in the prose ("Here is what we get:"): the block holds when the program prints exactly it (verified,
    shown per release); a block it does not print is a note, the page keeping it as written (never silent, never a
    disagreement)."""
    program = '```go\npackage main\n\nimport "fmt"\n\nfunc main() {\n\tfmt.Println("hi", 6*7)\n}\n```\n\n'
    holds = _check(tmp_path, f"# P\n\n{program}Here is what we get:\n\n```\nhi 42\n```\n", NEW,
                   extra=("--strict", "--format", "json"))
    assert holds.returncode == 0, holds.stdout + holds.stderr
    assert [(r["location"], r["output"]) for r in json.loads(holds.stdout)["runs"]] == [("docs/index.md:16", "hi 42\n")]
    other = _check(tmp_path, f"# P\n\n{program}Here is what we get:\n\n```\nhi 41\n```\n", NEW, extra=("--strict",))
    assert other.returncode == 0, other.stdout + other.stderr
    assert _located(other.stdout) == [
        "docs/index.md:16: `go run main.go` run in the WebAssembly sandbox (wasip1, GOMAXPROCS=1): the block after "
        "the program is not what it prints, and the prose does not call it its output: not compared (state the "
        "command before it to have it compared)"]
    assert "1 program output run in the sandbox" not in other.stdout


# Run commands as authors state them: a shell session (go build, then ./prog; a chain joined by &&), the program's
# lines under the compiler's (-gcflags), a prompt of oh-my-zsh with a quoted `$`, a flag that only writes a file, a
# pipe. True and false blocks of each form.
SESSIONS = (Path(__file__).parent / "fixtures" / "sessions.md").read_text(encoding="utf-8")


def _line_of(page: str, text: str, nth: int = 0) -> int:
    """The 1-based line of the nth line of the page that is `text`."""
    return [i for i, line in enumerate(page.splitlines(), 1) if line == text][nth]


def test_shell_sessions_run_what_the_author_ran(tmp_path: Path) -> None:
    run = _check(tmp_path, SESSIONS, NEW, extra=("--format", "json"))
    report = json.loads(run.stdout)
    assert run.returncode == 1, run.stdout + run.stderr
    wrong = {d["line"]: d for d in report["disagreements"]}
    chained = _line_of(SESSIONS, "$ go build main.go && ./main") + 1
    mixed = _line_of(SESSIONS, "$ go run -gcflags=-m main.go", 1) + 4  # its first line the program prints
    memprofile = _line_of(SESSIONS, "$ go test -bench=Sum -benchmem -memprofile mem.out") + 1
    assert sorted(wrong) == [chained, mixed, memprofile]
    assert wrong[chained]["summary"] == f"`go build main.go && ./main`: output differs on Go {NEW}"
    assert wrong[chained]["detail"][2:4] == ["-5", "+4"]
    assert wrong[mixed]["detail"][2:4] == ["-3", "+2"]  # the program's line, not the compiler's
    assert wrong[memprofile]["summary"] == (f"`go test -bench=Sum -benchmem -memprofile mem.out`: benchmark "
                                            f"allocations differ on Go {NEW}")  # its own prompt, not the sentence's
    # the pipe is said, with its kind and why; nothing else is left unverified
    [piped] = report["not_verified"]
    assert (piped["line"], piped["kind"]) == (_line_of(SESSIONS, "$ go run main.go | grep 2"), "run-shell")
    assert "through `|`" in piped["summary"]
    notes = {(n["line"], n["kind"]) for n in report["notes"]}
    zsh = _line_of(SESSIONS, '➜  try go test -bench="Sum$" -benchmem') + 1
    assert (zsh, "benchmark-figures") in notes  # the ➜ prompt's benchmark, its quoted `$` read as a shell reads it
    assert (memprofile, "flags-dropped") in notes
    # every block of output ran: go build then ./prog, the chain, both -gcflags blocks, the two benchmarks
    assert len(report["runs"]) == 6
    built = _line_of(SESSIONS, "$ ./prog") + 1
    assert {r["location"] for r in report["runs"]} >= {f"docs/index.md:{built}", f"docs/index.md:{chained}"}


# Fragments with `func main` and no package clause, each under a `$ go run` block: run with the header goverify fits
# them. True and false output; the author's addresses (`% p` pasted with one space); an address drift; a runtime
# variable by `//go:linkname`, which the linker refuses from Go 1.23 on; a fragment that does not compile; one
# without `func main`; a complete program's run after an excerpt of it.
FRAGMENT_RUNS = (Path(__file__).parent / "fixtures" / "fragment-runs.md").read_text(encoding="utf-8")


def test_a_fragment_with_func_main_is_run_with_the_header_goverify_fits_it(tmp_path: Path) -> None:
    run = _check(tmp_path, FRAGMENT_RUNS, OLDEST, NEW, extra=("--format", "json"))
    assert run.returncode == 1, run.stdout + run.stderr
    report = json.loads(run.stdout)

    def output(name: str, n: int = 1) -> int:  # the line of the first output line under `$ go run NAME`
        return _line_of(FRAGMENT_RUNS, f"$ go run {name}") + n

    # the false block is the only disagreement, said with the header the fragment was run with
    [wrong] = report["disagreements"]
    assert (wrong["line"], wrong["summary"]) == (output("upper.go"), (
        '`go run upper.go` (the fragment run with the header goverify gives it: package main, import "fmt", import '
        f'"strings"): output differs on Go {OLDEST}, Go {NEW}'))
    assert wrong["detail"][2:] == ["-AB 41", "+AB 42"]
    ran = {(r["location"], r["go"]): r for r in report["runs"]}
    repeat = ran[f"docs/index.md:{output('repeat.go')}", NEW]
    assert repeat["output"] == "abab 42\n"
    assert repeat["header"] == 'package main\n\nimport (\n\t"fmt"\n\t"strings"\n)\n\n'
    assert ran[f"docs/index.md:{output('repeat.go')}", NEW]["header"] is not None
    # the author's addresses hold: s and a share one in the sandbox too, b has its own
    assert f"docs/index.md:{output('zerobase.go')}" in {r["location"] for r in report["runs"]}
    said = {entry["line"]: entry for entry in report["not_verified"]}
    assert output("zerobase.go") not in said
    # b moved to the zero-size variables' address: the shape holds, which addresses are equal does not
    samebase = said[output("samebase.go")]
    assert samebase["kind"] == "address-equality"
    assert samebase["detail"][2:] == [" s = 0x①", " a = 0x①", "-b = 0x①", "+b = 0x②"]
    # `//go:linkname`: a header that imports unsafe; the linker's words on the release that refuses the reference,
    # and on Go 1.21 it runs: zerobase and s at one address
    linkname = said[output("linkname.go")]
    assert (linkname["kind"], linkname["summary"]) == ("sandbox-build-fails", (
        'not verified: `go run linkname.go` (the fragment run with the header goverify gives it: package main, '
        f'import _ "unsafe", import "fmt") on Go {NEW} does not build (GOOS=wasip1 GOARCH=wasm): the go command '
        "says `link: main: invalid reference to runtime.zerobase`"))
    first, second = ran[f"docs/index.md:{output('linkname.go')}", OLDEST]["output"].split("\n")[:2]
    assert first.split("= ")[1] == second.split("= ")[1]
    # no header makes it compile: said at the fragment, with the compiler's words, and at its run
    undeclared = _line_of(FRAGMENT_RUNS, "\tfmt.Println(undeclared)") - 2
    assert said[undeclared]["kind"] == "fragment-does-not-compile"
    assert said[output("undeclared.go")]["kind"] == "sandbox-build-fails"
    assert "undefined: undeclared" in said[output("undeclared.go")]["summary"]
    # no `func main`: not run, and why (never bound to the fragment with `func main` before it)
    double = said[_line_of(FRAGMENT_RUNS, "$ go run double.go")]
    assert (double["kind"], double["summary"]) == ("runs-code", (
        "not verified: `go run double.go` is not run: the Go block before it is a fragment (no package clause) "
        "without `func main` or a test function: goverify runs a complete `package main`, a fragment with `func "
        "main`, or a fragment of tests under `go test`, each given a header, and no other"))
    # an excerpt of a complete program between it and its run (not compiled, no `func main`): the program's run
    excerpt = _line_of(FRAGMENT_RUNS, "$ go run main.go") + 1
    assert ran[f"docs/index.md:{excerpt}", NEW]["output"] == "6\n" and excerpt not in said
    assert len(report["runs"]) == 5 * 2 + 1  # repeat, upper, zerobase, samebase, main on both; linkname on Go 1.21


# Fragments of tests (test functions, no `func main`, no package clause) under a stated `go test`: run as the file the
# command names with the header goverify fits them. A benchmark whose B/op and allocs/op hold, one whose allocs/op
# are false, a test's `-v` output (its log line's position where the page's own header puts it), an example with a
# true output comment and one with a false one (run through a temporary file on wasip1, in the private /tmp the
# sandbox gives a test binary with such an example), one that no header makes compile,
# and one under a `go test` flag goverify does not run.
TEST_FRAGMENT_RUNS = (Path(__file__).parent / "fixtures" / "test-fragment-runs.md").read_text(encoding="utf-8")


def test_a_fragment_of_tests_is_run_under_go_test_with_the_header_goverify_fits_it(tmp_path: Path) -> None:
    run = _check(tmp_path, TEST_FRAGMENT_RUNS, OLDEST, NEW, extra=("--format", "json"))
    assert run.returncode == 1, run.stdout + run.stderr
    report = json.loads(run.stdout)

    def output(command: str) -> int:  # the line of the first output line under `$ COMMAND`
        return _line_of(TEST_FRAGMENT_RUNS, f"$ {command}") + 1

    header = "the fragment run with the header goverify gives it: package fragment, import \"testing\""
    # the false allocs/op and the example whose output comment is false are the two disagreements, said with the
    # header; the example's as `go test` fails it (its own got and want)
    wrong, failed = report["disagreements"]
    assert (failed["line"], failed["summary"]) == (output("go test -v ./bytes_test.go"), (
        f"`go test -v ./bytes_test.go` (the fragment run with the header goverify gives it: package fragment, import "
        f"\"fmt\"): output differs on Go {OLDEST}, Go {NEW}"))
    assert {"+--- FAIL: Example_bytes (<duration>)", "+got:", "+6", "+want:", "+5"} <= set(failed["detail"])
    assert (wrong["line"], wrong["summary"]) == (output("go test -bench=NewPoint -benchmem ./point_test.go"), (
        f"`go test -bench=NewPoint -benchmem ./point_test.go` ({header}): benchmark allocations differ on Go {NEW}"))
    assert wrong["detail"][0] == (f"BenchmarkNewPoint: the page says 32 B/op, 2 allocs/op; Go {NEW} measures "
                                  "32 B/op, 1 allocs/op (allocations measured with GOMAXPROCS=1 in the sandbox)")
    ran = {(r["location"], r["go"]): r for r in report["runs"]}
    # the true benchmark ran on both releases, as the file the command names, its B/op and allocs/op compared
    make = output("go test -bench=. -benchmem ./make_test.go")
    for release in (OLDEST, NEW):
        made = ran[f"docs/index.md:{make}", release]
        assert made["header"] == 'package fragment\n\nimport "testing"\n\n'
        assert "BenchmarkMake64" in made["output"] and "\t      64 B/op\t       1 allocs/op" in made["output"]
    notes = {(n["line"], n["kind"]) for n in report["notes"]}
    assert (make, "benchmark-figures") in notes
    said = {entry["line"]: entry for entry in report["not_verified"]}
    assert make not in said
    # the test's -v output holds: its log line is at line 9 of the file goverify ran (a 4-line header), at line 8
    # of the page's (a header one line shorter); the position is the file the command names
    verbose = output("go test -v ./reverse_test.go")
    assert "    reverse_test.go:9: reversed\n" in ran[f"docs/index.md:{verbose}", NEW]["output"]
    assert verbose not in said and verbose not in {d["line"] for d in report["disagreements"]}
    # the example prints through a temporary file on wasip1, in the private /tmp its run gets: it holds
    twice = output("go test -v ./twice_test.go")
    assert twice not in said and twice not in {d["line"] for d in report["disagreements"]}
    assert "--- PASS: Example_twice" in ran[f"docs/index.md:{twice}", OLDEST]["output"]
    # no header makes it compile: said at the fragment and at its run, with the compiler's words
    fragment = _line_of(TEST_FRAGMENT_RUNS, "func BenchmarkSum(b *testing.B) {") - 1
    assert said[fragment]["kind"] == "fragment-does-not-compile"
    assert "undefined: total" in said[fragment]["summary"]
    summed = said[output("go test -bench=Sum -benchmem ./sum_test.go")]
    assert (summed["kind"], summed["summary"]) == ("sandbox-build-fails", (
        f"not verified: `go test -bench=Sum -benchmem ./sum_test.go` ({header}) on Go {NEW} does not build "
        "(GOOS=wasip1 GOARCH=wasm): the go command says `./sum_test.go:7:3: undefined: total`"))
    # `-race`: not run, and why (the fragment is not compiled either: no run of it goverify reads)
    race = said[_line_of(TEST_FRAGMENT_RUNS, "$ go test -race ./double_test.go")]
    assert (race["kind"], race["summary"]) == ("runs-code", (
        "not verified: `go test -race ./double_test.go` is not run: the Go block before it is a fragment of tests "
        "(no package clause, no `func main`): goverify runs it, given a header, only under a `go test` it reads "
        "(one command, no shell, no environment)"))
    assert len(report["runs"]) == 5 * 2  # make, point, reverse, twice, bytes on both releases


def test_a_fragments_positions_are_read_where_the_pages_header_puts_them() -> None:
    four = header("func TestX(t *testing.T) {}\n", 4)
    ran = "=== RUN   TestX\n    x_test.go:9: one\n    x_test.go:12: two\n--- FAIL: TestX (0.00s)\n"
    assert _header_shift(ran.replace(":9:", ":7:").replace(":12:", ":10:"), ran, "x_test.go", four) == -2
    assert _header_shift(ran.replace(":9:", ":19:").replace(":12:", ":22:"), ran, "x_test.go", four) == 10
    assert _header_shift(ran.replace(":9:", ":7:"), ran, "x_test.go", four) == 0  # not one shift: compared as run
    assert _header_shift(ran.replace(":9:", ":5:").replace(":12:", ":8:"), ran, "x_test.go", four) == 0  # no header
    assert _header_shift(ran.replace(":9:", ":6:").replace(":12:", ":9:"), ran, "x_test.go", four) == -3  # 1 line
    assert _header_shift(ran.replace("x_test.go:9", "y_test.go:7"), ran, "x_test.go", four) == 0  # another file


def test_the_page_names_the_header_a_fragment_was_run_with() -> None:
    fitted = header('func main() { fmt.Println("hi") }\n', 3)
    shown = Shown(1, "go run main.go", (0, 0, ""), {NEW: "hi\n"}, False, None, fitted)
    assert f"Output of <code>go run main.go</code> on Go {NEW}, run in a WebAssembly sandbox (wasip1, " \
        "GOMAXPROCS=1) · run with a 3-line header: package main, import &quot;fmt&quot;</p>" \
        in render_program(shown, None, "1")
    complete = Shown(1, "go run main.go", (0, 0, ""), {NEW: "hi\n"}, False)
    assert "header" not in render_program(complete, None, "1")
