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
