"""Synthetic MkDocs sites for the benchmark: pages × examples, each example a distinct small Go program."""

from __future__ import annotations

import shutil
from pathlib import Path

# Two programs whose `-m -l` diagnostics are the same on Go 1.21 … 1.27. `{id}` is five digits and `{k}`
# three, so every instance has the same lines and columns: the output blocks below are exact for all of them.
_PROGRAMS = [
    (
        """\
package main

type point{id} struct{{ x, y int }}

func newPoint{id}(x int) *point{id} {{
	p := point{id}{{x, x + {k}}} // moved to heap: p
	return &p
}}

func sum{id}(xs []int) int {{ // xs does not escape
	total := 0
	for _, v := range xs {{
		total += v
	}}
	return total
}}

func main() {{
	buf := make([]int, {k}) // make([]int, {k}) does not escape
	println(sum{id}(buf), newPoint{id}({k}).y)
}}
""",
        """\
# command-line-arguments
./main.go:6:2: moved to heap: p
./main.go:10:15: xs does not escape
./main.go:19:13: make([]int, {k}) does not escape
""",
    ),
    (
        """\
package main

var sink{id} any

type node{id} struct {{
	next *node{id}
	val  int
}}

func keep{id}(p *int) {{ // leaking param: p
	sink{id} = p
}}

func link{id}(n *node{id}, v int) *node{id} {{ // leaking param: n to result ~r0 level=0
	n.val += v
	return n
}}

func main() {{
	x := {k} // moved to heap: x
	keep{id}(&x)
	head := &node{id}{{val: {k}}} // &node{id}{{...}} does not escape
	head = link{id}(head, {k})
	words := []string{{"a{id}", "b{id}"}} // []string{{...}} escapes to heap
	sink{id} = words
	println(head.val)
}}
""",
        """\
# command-line-arguments
./main.go:10:16: leaking param: p
./main.go:14:16: leaking param: n to result ~r0 level=0
./main.go:20:2: moved to heap: x
./main.go:22:10: &node{id}{{...}} does not escape
./main.go:24:19: []string{{...}} escapes to heap
./main.go:25:14: words escapes to heap
""",
    ),
]

COMMAND = 'go build -gcflags="-m -l" main.go'


def program(n: int) -> tuple[str, str]:
    """The n-th example: (Go source, the compiler's output as an author would paste it)."""
    source, output = _PROGRAMS[n % len(_PROGRAMS)]
    values = {"id": f"{n:05d}", "k": str(100 + n % 900)}
    return source.format(**values), output.format(**values)


def page(number: int, examples: int, first: int) -> str:
    parts = [f"# Page {number}\n\n{examples} examples for `make bench`, compiled on every release.\n"]
    for i in range(examples):
        source, output = program(first + i)
        parts.append(
            f"\n## Example {first + i}\n\n```go\n{source}```\n\n"
            f"Compile it with `{COMMAND}`:\n\n```\n{output}```\n"
        )
    return "".join(parts)


def mkdocs_yml(name: str, go_versions: list[str]) -> str:
    versions = ", ".join(f'"{v}"' for v in go_versions)
    return f"""\
site_name: {name}
theme:
  name: material
markdown_extensions:
  - pymdownx.superfences
plugins:
  - search
  - goverify:
      enabled: !ENV [GOVERIFY_ENABLED, true]
      go_versions: [{versions}]
"""


def write_site(root: Path, pages: int, examples: int, go_versions: list[str]) -> Path:
    """A fresh site under `root` (its goverify cache removed); returns its mkdocs.yml."""
    shutil.rmtree(root, ignore_errors=True)
    docs = root / "docs"
    docs.mkdir(parents=True)
    index = f"# Benchmark site\n\n{pages} pages × {examples} examples.\n"
    (docs / "index.md").write_text(index, encoding="utf-8")
    for p in range(pages):
        (docs / f"page-{p:03d}.md").write_text(page(p, examples, p * examples), encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(mkdocs_yml(f"goverify bench {pages}x{examples}", go_versions), encoding="utf-8")
    return config


def write_hand_dirs(root: Path, count: int) -> list[Path]:
    """The same programs, one folder each, as someone compiling them by hand would lay them out."""
    shutil.rmtree(root, ignore_errors=True)
    folders = []
    for n in range(count):
        folder = root / f"{n:05d}"
        folder.mkdir(parents=True)
        (folder / "main.go").write_text(program(n)[0], encoding="utf-8")
        folders.append(folder)
    return folders


# --- the run stage: programs and benchmarks whose output goverify verifies by running them ---------------------

RUN_COMMAND = "go run main.go"
BENCH_COMMAND = "go test -bench . -benchmem"
# Go's size classes from 16 to 160 bytes: `make([]byte, size)` kept in a package variable allocates exactly that.
_SIZES = [16 * (i + 1) for i in range(10)]

_RUNNABLE = """\
package main

import "fmt"

func main() {{
	total := 0
	for i := 1; i <= {k}; i++ {{
		total += i * i
	}}
	fmt.Println("example {id}:", total)
}}
"""

_BENCHMARK = """\
package bench{id}

import "testing"

var sink{id} []byte

func BenchmarkAlloc{id}(b *testing.B) {{
	for i := 0; i < b.N; i++ {{
		sink{id} = make([]byte, {size})
	}}
}}
"""


def runnable(n: int) -> tuple[str, str]:
    """The n-th program to run: (its source, what `go run main.go` prints)."""
    k = 100 + n
    return _RUNNABLE.format(id=f"{n:05d}", k=k), f"example {n:05d}: {sum(i * i for i in range(1, k + 1))}\n"


def benchmark(n: int) -> tuple[str, str]:
    """The n-th benchmark (alloc_test.go): (its source, `go test -bench . -benchmem` as an author would paste it;
    the times are the author's, never compared)."""
    size = _SIZES[n % len(_SIZES)]
    name = f"BenchmarkAlloc{n:05d}-2"
    output = (f"goos: linux\ngoarch: amd64\npkg: example\ncpu: AMD EPYC\n"
              f"{name:<26} \t30000000\t        35.10 ns/op\t{size:>8} B/op\t       1 allocs/op\nPASS\n"
              f"ok  \texample\t1.400s\n")
    return _BENCHMARK.format(id=f"{n:05d}", size=size), output


def run_page(programs: int, benchmarks: int, first: int = 0) -> str:
    parts = [f"# Programs and benchmarks\n\n{programs} programs and {benchmarks} benchmarks for `make bench`, "
             "run in the sandbox on every release.\n"]
    for n in range(first, first + programs):
        source, output = runnable(n)
        parts.append(f"\n## Program {n}\n\n```go\n{source}```\n\nRun it with `{RUN_COMMAND}`:\n\n```\n{output}```\n")
    for n in range(first, first + benchmarks):
        source, output = benchmark(n)
        parts.append(f"\n## Benchmark {n}\n\n```go title=\"alloc_test.go\"\n{source}```\n\n"
                     f"Run it with `{BENCH_COMMAND}`:\n\n```\n{output}```\n")
    return "".join(parts)


def write_run_site(root: Path, programs: int, benchmarks: int, go_versions: list[str], first: int = 0) -> Path:
    """A fresh site of one page of run claims under `root` (its goverify cache removed); returns its mkdocs.yml."""
    shutil.rmtree(root, ignore_errors=True)
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(run_page(programs, benchmarks, first), encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(mkdocs_yml(f"goverify bench run {programs}+{benchmarks}", go_versions), encoding="utf-8")
    return config


def write_run_hand_dirs(root: Path, programs: int, benchmarks: int, first: int = 0) -> list[tuple[Path, list[str]]]:
    """The same programs and benchmarks as someone running them by hand lays them out: a folder each (a benchmark's
    with the go.mod `go mod init example` writes), and the command they type there."""
    shutil.rmtree(root, ignore_errors=True)
    done = []
    for n in range(first, first + programs):
        folder = root / f"run-{n:05d}"
        folder.mkdir(parents=True)
        (folder / "main.go").write_text(runnable(n)[0], encoding="utf-8")
        done.append((folder, RUN_COMMAND.split()))
    for n in range(first, first + benchmarks):
        folder = root / f"bench-{n:05d}"
        folder.mkdir(parents=True)
        (folder / "go.mod").write_text("module example\n\ngo 1.21\n", encoding="utf-8")
        (folder / "alloc_test.go").write_text(benchmark(n)[0], encoding="utf-8")
        done.append((folder, BENCH_COMMAND.split()))
    return done
