"""Fragments: Go code shown without its package clause, compiled with the header that puts the written lines where
the compiler reports them, or said to be not verified, with the reason."""

from __future__ import annotations

import json

from conftest import cli
from goverify.examples import scan_page
from goverify.fragments import Header, best_offset, declares_tests, header, imports_used
from goverify.output import parse_line
from releases import NEW


def test_the_standard_imports_a_fragment_uses() -> None:
    assert imports_used('func f() { n := rand.Intn(3); fmt.Println(n, "os.Exit") } // strings.X\n') == \
        ("fmt", "math/rand")
    assert imports_used("func f(rand int) int { return rand.Intn(3) }\n") == ()  # a parameter, not the package
    assert imports_used('import "fmt"\n\nfunc f() { fmt.Println() }\n') == ()  # it brings its own


def test_a_linkname_directive_needs_unsafe_imported() -> None:
    """The compiler allows `//go:linkname` only in a file that imports unsafe: the author's file did."""
    linked = "//go:linkname zerobase runtime.zerobase\nvar zerobase uintptr\n\nfunc main() { fmt.Println(&zerobase) }\n"
    assert imports_used(linked) == ("_ unsafe", "fmt")
    assert Header(imports_used(linked), 7).text == ('package main\n\nimport (\n\t_ "unsafe"\n\t"fmt"\n)\n\n')
    uses = linked.replace("var zerobase uintptr", "var zerobase unsafe.Pointer")
    assert imports_used(uses) == ("fmt", "unsafe")  # imported already, by name
    assert imports_used("// see //go:linkname in the runtime\nfunc f() {}\n") == ()


def test_what_go_test_runs_is_a_test_function() -> None:
    assert declares_tests("func BenchmarkX(b *testing.B) {}\n")
    assert declares_tests("func Test(t *testing.T) {}\nfunc ExampleF() {}\n")
    assert declares_tests("func Example_twice() {}\n")
    assert not declares_tests("func Testify(t *testing.T) {}\n")  # after the prefix, no lower case
    assert not declares_tests("// func TestX(t *testing.T) {}\nfunc helper() {}\n")
    assert not declares_tests('var s = `\nfunc TestX(t *testing.T) {}\n`\n')
    # a fragment of tests has no main: its header's package is not `main`, which `go build` would refuse to link
    # and which `go test -c x_test.go` does not need
    assert header("func TestX(t *testing.T) {}\n", 4).text == 'package fragment\n\nimport "testing"\n\n'


def test_a_fragment_of_tests_is_an_example_only_under_a_go_test_goverify_runs() -> None:
    tests = "```go\nfunc BenchmarkX(b *testing.B) {\n\tfor i := 0; i < b.N; i++ {\n\t}\n}\n```\n\n"

    def examples(command: str) -> int:
        page = tests + f"```console\n$ {command}\nBenchmarkX-8  1000  1.0 ns/op  0 B/op  0 allocs/op\n```\n"
        return len(scan_page(page, "p.md").examples)

    assert examples("go test -bench=. -benchmem ./x_test.go") == 1
    assert examples("go test -v") == 1
    assert examples("go test -race -bench=. ./x_test.go") == 0  # a flag the run stage does not read
    assert examples("GOOS=linux go test -bench=. ./x_test.go") == 0  # an environment it does not reproduce
    assert examples("go test -c -o x.bin x_test.go && perf stat ./x.bin -test.bench=.") == 0  # another program
    assert examples("go run x_test.go") == 0


def test_headers_of_every_size() -> None:
    assert Header(("math/rand",), 7).text == 'package main\n\nimport "math/rand"\n\n\n\n\n'
    assert Header(("fmt", "os"), 1).text == 'package main; import ("fmt"; "os")\n'
    assert Header((), 2).text == "package main\n\n"
    assert Header(("fmt",), 4).describe() == 'package main, import "fmt"'


def test_the_offset_that_fits_most_lines() -> None:
    written = [parse_line(t) for t in ["./m.go:9:14: generate8191 make([]int, 8191) does not escape",
                                       "./m.go:16:14: make([]int, 8192) escapes to heap"]]
    printed = [parse_line(t) for t in ["./m.go:3:14: make([]int, 8191) does not escape",
                                       "./m.go:10:14: make([]int, 8192) does not escape"]]
    assert best_offset(written, printed, loose=True) == 6  # the same subjects, whatever is said of them now
    assert best_offset(written, printed, loose=False) is None
    assert best_offset(written, [parse_line("./m.go:1:1: can inline x")], loose=True) is None


PAGE = """\
# Stack

```go
func generate8191() {
	nums := make([]int, 8191) // < 64KB
	for i := 0; i < 8191; i++ {
		nums[i] = rand.Int()
	}
}
```

```bash
$ go build -gcflags=-m main_stack.go
./main_stack.go:6:14: make([]int, 8191) does not escape
```
"""


def test_a_fragment_compiles_with_the_header_its_output_implies(tmp_path) -> None:
    (tmp_path / "a.md").write_text(PAGE, encoding="utf-8")
    run = cli("check", "--go", NEW, "--format", "json", "a.md", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
    data = json.loads(run.stdout)
    assert data["disagreements"] == []
    [result] = data["results"]
    assert result["header"] == 'package fragment\n\nimport "math/rand"\n\n'  # four lines: line 2 of the code is 6
    assert result["file"] == "main_stack.go"
    assert "./main_stack.go:6:14: make([]int, 8191) does not escape" in result["output"]


def test_a_fragment_no_header_fits_is_not_verified_with_the_reason(tmp_path) -> None:
    (tmp_path / "a.md").write_text(PAGE.replace("6:14", "1:14"), encoding="utf-8")
    run = cli("check", "--go", NEW, "a.md", cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    assert ("a.md:3: not verified: the written lines would need a header of -1 lines before the fragment: no header "
            "fits") in run.stdout.splitlines()
    assert cli("check", "--go", NEW, "--strict", "a.md", cwd=tmp_path).returncode == 1


def test_a_fragment_that_does_not_compile_is_not_verified_and_says_why(tmp_path) -> None:
    (tmp_path / "a.md").write_text(PAGE.replace("rand.Int()", "undefinedThing()"), encoding="utf-8")
    run = cli("check", "--go", NEW, "a.md", cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    assert (f"a.md:3: not verified: the fragment does not compile on Go {NEW} (`go build -gcflags=-m main_stack.go`) "
            "with the header goverify gives it (package fragment): ./main_stack.go:5:13: undefined: undefinedThing"
            ) in run.stdout.splitlines()
    assert run.stdout.splitlines()[-1] == "goverify: not verified: 1 fragment-does-not-compile"


def test_old_words_count_as_positions_when_fitting_a_header() -> None:
    written = [parse_line(t) for t in ["./main.go:6:12: sum []int literal does not escape",
                                       "./main.go:7:13: sum []interface {} literal does not escape"]]
    printed = [parse_line(t) for t in ["./main.go:3:12: []int{...} escapes to heap",
                                       "./main.go:4:13: ... argument does not escape",
                                       "./main.go:4:14: s escapes to heap"]]
    assert best_offset(written, printed, loose=True, functions=frozenset({"sum"})) == 3
    constant = [parse_line("./main.go:24:9: id escapes to heap")]
    assert best_offset(constant, [parse_line("./main.go:8:9: int32(4096) escapes to heap")], loose=True) == 16


LEANING = """\
# Lean

```go
package main

import "fmt"

type point struct{ x, y int }

//go:noinline
func (p *point) String() string { return fmt.Sprintf("(%d, %d)", p.x, p.y) }

func main() {}
```

```go
func show(p point) string {
	q := &p
	return q.String()
}
```

```
$ go build -gcflags=-m main.go
./main.go:5:6: can inline show
```

```go
func zero() point {
	return point{z: 1}
}
```

```
$ go build -gcflags=-m main.go
./main.go:6:9: point{...} does not escape
```
"""


def test_a_fragment_compiled_with_an_earlier_fences_declarations_after_it(tmp_path) -> None:
    (tmp_path / "a.md").write_text(LEANING, encoding="utf-8")
    run = cli("check", "--go", NEW, "--format", "json", "a.md", cwd=tmp_path)
    data = json.loads(run.stdout)
    show = next(r for r in data["results"] if r["location"] == "a.md:16")
    assert show["header"] == 'package fragment\n\nimport "fmt"\n\n'  # the import the borrowed method uses
    assert show["borrowed_from"] == [3]
    assert "./main.go:5:6: can inline show" in show["output"]
    assert data["disagreements"] == []  # its written line holds, at the fragment's own line
    [unfit] = data["not_verified"]  # the page's point has no field z: not verified, never a disagreement
    assert unfit["kind"] == "fragment-does-not-compile" and unfit["line"] == 28
    assert unfit["summary"].endswith("and the declarations it names from the page's earlier Go fences (line 3) "
                                     "after it: ./main.go:3:15: unknown field z in struct literal of type point")
    assert run.returncode == 0


def test_every_not_verified_and_note_in_the_json_report_has_a_kind(tmp_path) -> None:
    page = PAGE.replace("6:14", "1:14") + "\n```go\nvar unused = 1\n```\n\nRun `go run main.go`:\n\n```\nhello\n```\n"
    (tmp_path / "a.md").write_text(page, encoding="utf-8")
    data = json.loads(cli("check", "--go", NEW, "--format", "json", "a.md", cwd=tmp_path).stdout)
    assert [(e["line"], e["kind"]) for e in data["not_verified"]] == [(3, "fragment-unfit"), (21, "runs-code")]
    assert [(e["line"], e["kind"]) for e in data["notes"]] == [(17, "fragment-without-claims")]
    text = cli("check", "--go", NEW, "a.md", cwd=tmp_path).stdout.splitlines()
    assert text[-1] == "goverify: not verified: 1 fragment-unfit, 1 runs-code"


def test_a_written_line_that_would_fall_on_borrowed_declarations_leaves_the_output_not_verified(tmp_path) -> None:
    """The author's file had its own code after the fragment: goverify's borrowed lines there are no witness."""
    page = LEANING.replace("./main.go:5:6: can inline show\n", "./main.go:5:6: can inline show\n"
                           "./main.go:12:7: p does not escape\n")
    (tmp_path / "a.md").write_text(page, encoding="utf-8")
    data = json.loads(cli("check", "--go", NEW, "--format", "json", "a.md", cwd=tmp_path).stdout)
    assert data["disagreements"] == []
    assert [(e["line"], e["kind"]) for e in data["not_verified"]] == [(16, "fragment-unfit"),
                                                                     (29, "fragment-does-not-compile")]
    assert data["not_verified"][0]["summary"] == (
        "not verified: with the header that fits the other written lines, ./main.go:12:7: p does not escape would be "
        "about a line after the fragment, where goverify put the declarations it names from the page's earlier Go "
        "fences (line 3), not the author's code: the output is not compared")
