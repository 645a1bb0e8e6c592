"""Other generators' Markdown, checked by `goverify check` as their authors run it, with no mkdocs.yml: a Jekyll post
(Liquid highlight tags, `{% raw %}`, a command stated once in a shell block) and a Docusaurus page (MDX tabs, a
titled fence). Every false claim is reported at its line and nothing else is; the page's own command is named where
it is used.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import cli_process
from releases import NEW

pytestmark = pytest.mark.xdist_group("generators")  # one site after the other: Go's build cache warms once

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
    assert "goverify: docs/escape.mdx: 1 examples (0 without claims), 1 comment claims, 0 prose claims, 1 output " \
           "blocks checked, 0 go blocks not compiled" in run.stdout
    assert run.returncode == 1
