"""Other generators' Markdown, checked by `goverify check` as their authors run it, with no mkdocs.yml: a Hugo site
with its goverify.toml (TOML, YAML and JSON front matter, the highlight shortcode in both forms, `{{< code >}}`,
attribute fences, a notice shortcode, code from elsewhere), a Jekyll post (Liquid highlight tags, `{% raw %}`, a
command stated once in a shell block) and a Docusaurus page (MDX tabs, a titled fence). Every false claim is
reported at its line and nothing else is; every Go block goverify does not read is counted with why; the page's own
command is named where it is used.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest
from conftest import cli_process
from releases import NEW

pytestmark = pytest.mark.xdist_group("generators")  # one site after the other: Go's build cache warms once

HUGO_ESCAPE = """\
+++
title = "When does a Go value escape?"
date = 2024-05-01
tags = ["go", "performance"]
+++

Every example on this page is compiled with `go build -gcflags="-m -l" main.go`:
inlining is off, so that each function keeps its own allocations.

{{< highlight go "linenos=table" >}}
package main

func newInt() *int {
	n := 42 // moved to heap: n
	return &n
}

func sum(xs []int) int { // xs does not escape
	total := 0
	for _, x := range xs {
		total += x
	}
	return total
}

func main() {
	_ = newInt()
	_ = sum([]int{1, 2, 3}) // []int{...} escapes to heap
}
{{< /highlight >}}

{{< notice note >}}
A value passed to `fmt.Println` is converted to an interface:

```go {linenos=true,hl_lines=[7]}
package main

import "fmt"

func main() {
	s := make([]byte, 8)
	fmt.Println(s) // s escapes to heap
}
```
{{< /notice >}}

A closure keeps what it captures alive:

{{% highlight golang %}}
package main

func counter() func() int {
	c := 0 // moved to heap: c
	return func() int { // func literal escapes to heap
		c++
		return c
	}
}

func main() { _ = counter() }
{{% /highlight %}}

The benchmark is in a gist:

{{< gist gopher 0123456789abcdef >}}
"""

HUGO_POINTS = """\
---
title: "Pointers to structs"
date: 2024-06-02
draft: false
---

```go {linenos=table,hl_lines=[6],title="point.go"}
package main

type point struct{ x, y int }

func newPoint(x, y int) *point {
	return &point{x, y}
}

func main() { _ = newPoint(1, 2) }
```

```text
$ go build -gcflags=-m point.go
# command-line-arguments
./point.go:5:6: can inline newPoint
./point.go:6:9: &point{...} escapes to heap
./point.go:9:6: can inline main
./point.go:9:27: inlining call to newPoint
./point.go:9:27: &point{...} escapes to heap
```

By value, nothing escapes:

{{< code lang="go" title="value.go" >}}
package main

type point struct{ x, y int }

func newPoint(x, y int) point {
	return point{x, y}
}

func main() {
	p := newPoint(1, 2) // moved to heap: p
	_ = p
}
{{< /code >}}

{{< readfile file="bench_test.go" >}}
"""

HUGO_NOTES = """\
{
  "title": "Notes on leaking parameters",
  "date": "2024-07-01"
}

A parameter that is returned leaks to the result:

{{< highlight go >}}
package main

func identity(p *int) *int { // leaking param: p to result ~r0 level=0
	return p
}

func main() {
	x := 1
	_ = identity(&x)
}
{{< /highlight >}}

The same function, as it appeared in the first version of this note:

    func identity(p *int) *int {
        return p
    }
"""

JEKYLL_POST = """\
---
layout: post
title: "Escape analysis, by example"
categories: go
---

Every example in this post was compiled with:

```shell
$ go build -gcflags='-m -l' main.go
```

{% highlight go linenos %}
package main

type buffer struct{ data [64]byte }

func newBuffer() *buffer {
	return &buffer{} // &buffer{} escapes to heap
}

func fill(b *buffer) { // b does not escape
	b.data[0] = 1
}

func main() {
	var local buffer // moved to heap: local
	fill(&local)
	_ = newBuffer()
}
{% endhighlight %}

{% include note.html content="Inlining is off (-l) in every example." %}

A template example; Liquid would read its braces, so it is raw:

{% raw %}
```go
package main

import (
	"os"
	"text/template"
)

func main() {
	t := template.Must(template.New("x").Parse("{{.}}\\n")) // leaking param: t
	_ = t.Execute(os.Stdout, "hi") // "hi" escapes to heap
}
```
{% endraw %}

{% highlight go %}
package main

func sum(xs ...int) int { // leaking param: xs
	s := 0
	for _, x := range xs {
		s += x
	}
	return s
}

func main() { _ = sum(1, 2, 3) }
{% endhighlight %}
"""

DOCUSAURUS_PAGE = """\
---
sidebar_position: 2
title: Escape analysis
---

import Tabs from '@theme/Tabs';
import TabItem from '@theme/TabItem';

<Tabs>
<TabItem value="code" label="Code">

```go title="escape.go" {4} showLineNumbers
package main

func f() *int {
	x := 0 // moved to heap: x
	return &x
}

func main() { _ = f() }
```

</TabItem>
<TabItem value="output" label="Output">

```bash
$ go build -gcflags=-m escape.go
# command-line-arguments
./escape.go:3:6: can inline f
./escape.go:8:6: can inline main
./escape.go:8:20: inlining call to f
./escape.go:4:2: moved to heap: x
./escape.go:8:20: moved to heap: x
```

</TabItem>
</Tabs>
"""


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def _located(output: str) -> list[str]:
    """The first line of each message (a file and line, then what is wrong)."""
    return [line for line in output.splitlines() if line and not line.startswith((" ", "goverify: "))]


@pytest.fixture(scope="module")
def hugo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write(tmp_path_factory.mktemp("hugo") / "blog", {
        "hugo.toml": 'baseURL = "https://example.org/"\ntitle = "A Go blog"\n',
        "goverify.toml": f'docs_dir = "content"\ngo_versions = ["{NEW}"]\n',
        "content/posts/escape.md": HUGO_ESCAPE,
        "content/posts/points.md": HUGO_POINTS,
        "content/notes.markdown": HUGO_NOTES,
        "content/posts/bench_test.go": "package main\n",
        "static/README.txt": "not a page\n",
    })


HUGO_FINDINGS = [
    'content/posts/escape.md:28: claim "[]int{...} escapes to heap" holds on no release in its scope',
    f"content/posts/points.md:26: Go {NEW} no longer prints this line (`go build -gcflags=-m point.go`): "
    "./point.go:9:27: &point{...} escapes to heap",
    'content/posts/points.md:41: claim "moved to heap: p" holds on no release in its scope',
]
HUGO_COVERAGE = [
    "goverify: content/notes.markdown: 1 example (0 without claims), 1 comment claim, 0 prose claims, 0 output "
    "blocks checked, 1 go block not compiled (1 indented block)",
    "goverify: content/posts/escape.md: 3 examples (0 without claims), 6 comment claims, 0 prose claims, 0 output "
    "blocks checked, 1 go block not compiled (1 from another file)",
    "goverify: content/posts/points.md: 2 examples (0 without claims), 1 comment claim, 0 prose claims, 1 output "
    "block checked, 1 go block not compiled (1 from another file)",
]


def test_a_hugo_site_is_checked_as_its_author_runs_it(hugo: Path) -> None:
    run = cli_process("check", "content/", cwd=hugo)
    assert "Traceback" not in run.stderr
    assert _located(run.stdout) == HUGO_FINDINGS, run.stdout + run.stderr
    assert [line for line in run.stdout.splitlines() if line.startswith("goverify: content/")] == HUGO_COVERAGE
    assert run.returncode == 1
    assert run.stderr == ""  # the options are the current folder's goverify.toml: nothing to say about them
    lines = run.stdout.splitlines()
    # the command the prose states once, before the first example, is the one the shortcode example ran with
    after_first = lines[lines.index(HUGO_FINDINGS[0]) + 1:lines.index(HUGO_FINDINGS[1])]
    assert after_first[0] == f"    Go {NEW[:4]} ({NEW}) says: ./main.go:18:15: []int{{...}} does not escape"
    assert after_first[1].startswith('    goverify used `go build -gcflags="-m -l" main.go`, the command the page '
                                     "states once, before its first example, for every example that states none "
                                     "(content/posts/escape.md:7)")
    # the fence's title names the file: the output's ./point.go lines are compared, and value.go inherits the
    # command stated for point.go under its own name
    assert "    at that line it prints: ./point.go:9:27: &point{...} does not escape" in lines
    assert any(line.startswith("    goverify used `go build -gcflags=-m value.go`, the command the page states for "
                               "an earlier example (content/posts/points.md:20)") for line in lines)


def test_a_hugo_site_checked_from_another_folder_reads_its_goverify_toml(hugo: Path, tmp_path: Path) -> None:
    run = cli_process("check", str(hugo / "content"), cwd=tmp_path)
    assert run.stderr == f"goverify: options from {hugo / 'goverify.toml'}\n"
    # paths as they open from here, Go from the site's go_versions
    here = os.path.relpath(hugo, tmp_path)
    assert _located(run.stdout) == [f"{here}/{finding}" for finding in HUGO_FINDINGS]
    assert run.stdout.splitlines()[-1].endswith(f"on Go {NEW}")
    assert run.returncode == 1
    again = cli_process("check", cwd=hugo)  # no path: the docs_dir goverify.toml names
    assert _located(again.stdout) == HUGO_FINDINGS and again.returncode == 1


def test_github_annotations_name_files_from_where_goverify_runs(hugo: Path) -> None:
    """In a workflow goverify runs at the repository's root: a site in a subfolder (`blog/`) is annotated at
    `blog/content/...`, the path GitHub shows the annotation at, not at the path relative to its goverify.toml."""
    run = cli_process("check", "--format", "github", f"{hugo.name}/content", cwd=hugo.parent)
    annotated = [line.split(",title=")[0] for line in run.stdout.splitlines() if line.startswith("::error")]
    assert annotated == [f"::error file={hugo.name}/{finding.split(': ')[0].replace(':', ',line=')}"
                         for finding in HUGO_FINDINGS]
    assert run.returncode == 1


def test_every_go_block_goverify_does_not_read_is_counted_with_why(hugo: Path) -> None:
    run = cli_process("check", "--format", "json", "content/", cwd=hugo)
    notes = [(n["location"], n["summary"]) for n in json.loads(run.stdout)["notes"]]
    assert notes == [
        ("content/notes.markdown:23", "not compiled: an indented code block of Go: goverify reads fenced code "
                                      "blocks (```go), which name their language"),
        ("content/posts/escape.md:65", "not compiled: the code is not on the page ({{< gist gopher "
                                       "0123456789abcdef >}}): goverify compiles only what the page shows"),
        ("content/posts/points.md:46", 'not compiled: the code is not on the page ({{< readfile '
                                       'file="bench_test.go" >}}): goverify compiles only what the page shows'),
    ]


def test_a_jekyll_post_is_checked_with_the_command_its_shell_block_states(tmp_path: Path) -> None:
    site = _write(tmp_path / "jekyll", {"_config.yml": "title: A Go blog\n",
                                        "_posts/2024-05-01-escape-analysis.markdown": JEKYLL_POST})
    run = cli_process("check", "--go", NEW, "_posts/", cwd=site)
    post = "_posts/2024-05-01-escape-analysis.markdown"
    assert _located(run.stdout) == [
        f'{post}:27: claim "moved to heap: local" holds on no release in its scope',
        f'{post}:47: claim "leaking param: t" holds on no release in its scope',
        f'{post}:56: claim "leaking param: xs" holds on no release in its scope',
    ], run.stdout + run.stderr
    stated = (f"    goverify used `go build -gcflags='-m -l' main.go`, the command the page states once, before its "
              f"first example, for every example that states none ({post}:10)")
    assert sum(line.startswith(stated) for line in run.stdout.splitlines()) == 3
    assert f"goverify: {post}: 3 examples (0 without claims), 6 comment claims, 0 prose claims, 0 output blocks " \
           "checked, 0 go blocks not compiled" in run.stdout
    assert run.returncode == 1 and "Traceback" not in run.stderr


def test_a_docusaurus_page_is_checked_under_its_titled_file(tmp_path: Path) -> None:
    site = _write(tmp_path / "docusaurus", {"docs/escape.mdx": DOCUSAURUS_PAGE})
    run = cli_process("check", "--go", NEW, cwd=site)  # no path: docs/, where .mdx pages are found
    assert _located(run.stdout) == [
        f"docs/escape.mdx:33: Go {NEW} no longer prints this line (`go build -gcflags=-m escape.go`): "
        "./escape.go:8:20: moved to heap: x"], run.stdout + run.stderr
    assert "goverify: docs/escape.mdx: 1 example (0 without claims), 1 comment claim, 0 prose claims, 1 output " \
           "block checked, 0 go blocks not compiled" in run.stdout
    assert run.returncode == 1
