"""Finding examples and mapping every location to a line of the file a reader opens."""

from __future__ import annotations

from pathlib import Path

import pytest
from goverify.examples import scan_page
from goverify.scan import find_fences, parse_info, scan

EXAMPLE = "package main\n\nfunc f() *int {\n\tn := 0 // moved to heap: n\n\treturn &n\n}\n"


def test_fences_in_lists_admonitions_and_tildes() -> None:
    text = (
        "1. item\n"
        "    ```go\n"
        "    package main\n"
        "    ```\n"
        "!!! note\n"
        "    ~~~~text\n"
        "    ```\n"
        "    still inside\n"
        "    ~~~~\n"
    )
    fences = find_fences(text)
    assert [(f.line, f.lang, f.indent) for f in fences] == [(1, "go", "    "), (5, "text", "    ")]
    assert fences[0].body == "package main\n"
    assert fences[1].body == "```\nstill inside\n"


def test_unclosed_fence_runs_to_the_end() -> None:
    [fence] = find_fences("text\n```go\npackage main\n")
    assert not fence.closed
    assert fence.body == "package main\n"


def test_info_string_options() -> None:
    assert parse_info(' go command="go vet main.go"') == ("go", {"command": "go vet main.go"})
    assert parse_info("{ .go goverify=skip }") == ("go", {"goverify": "skip"})
    assert parse_info("") == ("", {})


def test_locations_count_the_front_matter() -> None:
    body = "# Title\n\n```go\n" + EXAMPLE + "```\n"
    page = scan_page(body, "docs/index.md", line_offset=5)
    [example] = page.examples
    assert str(example.location) == "docs/index.md:8"
    [claim] = example.claims
    assert str(example.location_of(claim.line)) == "docs/index.md:12"


def test_indented_example_in_a_list() -> None:
    indented = "".join("    " + line if line else "" for line in EXAMPLE.splitlines(keepends=True))
    text = ("1. 例子\n\n    ```go\n" + indented
            + "    ```\n    执行 `go vet main.go`\n    ```\n    # command-line-arguments\n    ```\n")
    [example] = scan_page(text, "p.md").examples
    assert example.source == EXAMPLE
    assert str(example.location_of(example.claims[0].line)) == "p.md:7"
    [output] = example.outputs
    assert str(output.location) == "p.md:12"
    assert example.command.text == "go vet main.go"
    assert str(example.command.location) == "p.md:11"


def test_snippet_locations_point_into_the_snippet(tmp_path: Path) -> None:
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "f.go").write_text(EXAMPLE, encoding="utf-8")
    text = 'Intro\n\n```go\n--8<-- "f.go"\n```\n'
    page = scan_page(text, "docs/index.md", snippet_dirs=[tmp_path / "snippets"], root=tmp_path)
    [example] = page.examples
    assert example.source == EXAMPLE
    assert str(example.location_of(example.claims[0].line)) == "snippets/f.go:4"
    assert example.snippet == "snippets/f.go"


def test_missing_snippet_is_a_located_problem(tmp_path: Path) -> None:
    page = scan_page('x\n```go\n--8<-- "nope.go"\n```\n', "docs/a.md", snippet_dirs=[tmp_path], root=tmp_path)
    [problem] = page.problems
    assert str(problem).startswith("docs/a.md:3: snippet 'nope.go' not found")


def test_go_block_without_package_is_counted_not_compiled() -> None:
    page = scan_page("```go\nfunc Println(a ...any) {}\n```\n", "p.md")
    assert page.examples == []
    assert [(str(s.location), s.reason) for s in page.skipped] == [("p.md:1", "fragment-without-claims")]


def test_output_block_labelled_go_is_an_output_block() -> None:
    text = ("```go\n" + EXAMPLE + "```\nrun `go build -gcflags=-m main.go`:\n"
            "```go\n# command-line-arguments\n./main.go:4:2: moved to heap: n\n```\n")
    page = scan_page(text, "p.md")
    [example] = page.examples
    assert [o.location.line for o in example.outputs] == [10]
    assert page.skipped == []


def test_a_command_stated_before_any_example_is_not_its_command() -> None:
    text = "Use `go run main.go` elsewhere.\n```go\n" + EXAMPLE + "```\n"
    page = scan_page(text, "p.md")
    [example] = page.examples
    assert (example.command.text, example.command.origin) == ('go build -gcflags="-m -l" main.go', "default")
    assert page.problems == [] and page.not_verified == []


# --- other generators' Markdown: one record, whichever syntax marks the code ----------------------------------------

HUGO_GO = "package main\n\nfunc main() {}\n"


@pytest.mark.parametrize(("opening", "closing", "lang", "options"), [
    ("```go {linenos=true,hl_lines=[4]}", "```", "go", {"linenos": "true", "hl_lines": "[4]"}),
    ('```go {linenos=inline hl_lines=[3,"6-8"] style=emacs}', "```", "go",
     {"linenos": "inline", "hl_lines": '[3,"6-8"]', "style": "emacs"}),
    ('```go title="main.go"', "```", "go", {"title": "main.go"}),
    ("```go {3-5} showLineNumbers", "```", "go", {}),
    ('{{< highlight go "linenos=table" >}}', "{{< /highlight >}}", "go", {"linenos": "table"}),
    ('{{< highlight go "linenos=inline, hl_lines=3 6-8, style=emacs" >}}', "{{< /highlight >}}", "go",
     {"linenos": "inline", "hl_lines": "3", "style": "emacs"}),
    ("{{< highlight golang >}}", "{{< /highlight >}}", "golang", {}),
    ("{{<highlight go>}}", "{{</highlight>}}", "go", {}),
    ("{{% highlight go %}}", "{{% /highlight %}}", "go", {}),
    ('{{< code lang="go" title="escape.go" >}}', "{{< /code >}}", "go", {"title": "escape.go"}),
    ("{% highlight go linenos %}", "{% endhighlight %}", "go", {"linenos": ""}),
    ('{%- highlight go mark_lines="3 4" -%}', "{%- endhighlight -%}", "go", {"mark_lines": "3 4"}),
])
def test_every_dialect_yields_the_same_fence_record(opening: str, closing: str, lang: str,
                                                    options: dict[str, str]) -> None:
    text = f"Intro\n\n{opening}\n{HUGO_GO}{closing}\n\nAfter.\n"
    [fence] = find_fences(text)
    assert (fence.line, fence.body_line, fence.lang, fence.options, fence.body, fence.closed) == (
        2, 3, lang, options, HUGO_GO, True)
    assert text[fence.start:fence.end] == f"{opening}\n{HUGO_GO}{closing}\n"


def test_a_shortcode_that_wraps_markdown_is_markup_and_its_fences_are_read() -> None:
    text = ('{{< notice warning "Heads up" >}}\nA fence inside:\n\n```go\n' + HUGO_GO + "```\n{{< /notice >}}\n"
            "{{% details title=\"More\" %}}\n~~~text\nout\n~~~\n{{% /details %}}\n")
    scanned = scan(text)
    assert [(f.line, f.lang) for f in scanned.fences] == [(3, "go"), (10, "text")]
    assert scanned.unread == []
    assert [text[m.start:m.end] for m in scanned.markup] == [
        '{{< notice warning "Heads up" >}}\n', "{{< /notice >}}\n", '{{% details title="More" %}}\n',
        "{{% /details %}}\n"]


def test_liquid_tags_are_markup_and_raw_makes_them_text() -> None:
    text = ("{% include note.html %}\n{% raw %}\n{% highlight go %}\npackage main\n{% endhighlight %}\n"
            "```go\n" + HUGO_GO + "```\n{% endraw %}\n")
    scanned = scan(text)
    assert [(f.line, f.marker) for f in scanned.fences] == [(5, "```")]  # the highlight inside raw is shown as text
    assert [text[m.start:m.end] for m in scanned.markup] == ["{% include note.html %}\n", "{% raw %}\n",
                                                             "{% endraw %}\n"]


def test_an_escaped_shortcode_is_text_not_code() -> None:
    assert scan('{{</* highlight go */>}}\npackage main\n{{</* /highlight */>}}\n') == scan("")


def test_liquid_raw_tags_in_code_are_removed_as_liquid_removes_them() -> None:
    [fence] = find_fences("```go\n{% raw %}\npackage main\n\nvar t = `{{.Name}}`{% endraw %}\n```\n")
    assert fence.body == "\npackage main\n\nvar t = `{{.Name}}`\n"


@pytest.mark.parametrize("front", [
    "---\ntitle: x\ndescription: run `go vet main.go`\n---\n",
    '+++\ntitle = "x"\ndescription = """\n```go\npackage main\n```\n"""\n+++\n',
    '{\n  "title": "x",\n  "description": "`go vet main.go`"\n}\n',
])
def test_front_matter_is_skipped_and_its_lines_are_counted(front: str) -> None:
    text = front + "\n```go\n" + EXAMPLE + "```\n"
    page = scan_page(text, "p.md")
    [example] = page.examples
    assert example.location.line == front.count("\n") + 2
    assert example.command.origin == "default"  # a command in the front matter is no command of the page
    assert str(example.location_of(example.claims[0].line)) == f"p.md:{front.count(chr(10)) + 6}"


UNREAD = [
    ("{{< gist spf13 7896402 >}}", "code-elsewhere", "{{< gist spf13 7896402 >}}"),
    ('{{< readfile file="main.go" >}}', "code-elsewhere", '{{< readfile file="main.go" >}}'),
    ('{{% code file="escape.go" lang="go" %}}', "code-elsewhere", '{{% code file="escape.go" lang="go" %}}'),
    ('```go\n{{< readfile "main.go" >}}\n```', "code-elsewhere", '{{< readfile "main.go" >}}'),
    ("{% include_relative main.go %}", "code-elsewhere", "{% include_relative main.go %}"),
    ("{% gist 1234abcd %}", "code-elsewhere", "{% gist 1234abcd %}"),
    ('<pre><code class="language-go">package main\nfunc main() {}\n</code></pre>', "html-code",
     '<pre><code class="language-go">'),
    ("<pre>\npackage main\n</pre>", "html-code", "<pre>"),
    ('<CodeBlock language="go">{`package main`}</CodeBlock>', "html-code", '<CodeBlock language="go">'),
    ("    package main\n\n    func main() {}", "indented-code", "package main"),
    ("\tfunc f() {}", "indented-code", "func f() {}"),
]


@pytest.mark.parametrize(("block", "reason", "markup"), UNREAD, ids=[u[0].split("\n")[0] for u in UNREAD])
def test_a_go_block_in_a_form_goverify_does_not_read_is_counted_with_why(block: str, reason: str,
                                                                          markup: str) -> None:
    page = scan_page(f"Some prose.\n\n{block}\n\nMore prose.\n", "p.md")
    assert page.examples == []
    assert [(str(s.location), s.reason, s.markup) for s in page.skipped] == [("p.md:3", reason, markup)]


@pytest.mark.parametrize("block", [
    "- a list item\n\n    package main is needed",  # a list item's second paragraph
    "!!! note\n\n    func main is where it starts",  # an admonition's body
    "Prose.\n    func f() {}",  # a paragraph's continuation line
    "<pre>\n$ go build main.go\n</pre>",  # HTML of something else
    '{{< readfile file="notes.txt" >}}',  # a shortcode bringing no Go
    "{{< figure src=\"main.go.png\" >}}x",  # not on a line of its own
])
def test_what_is_not_a_go_block_is_not_counted(block: str) -> None:
    page = scan_page(f"Intro.\n\n{block}\n", "p.md")
    assert page.examples == [] and page.skipped == []


def test_an_example_in_a_shortcode_is_located_at_the_lines_of_the_file() -> None:
    text = "+++\ntitle = \"x\"\n+++\n\n{{< highlight go \"linenos=table\" >}}\n" + EXAMPLE + "{{< /highlight >}}\n"
    [example] = scan_page(text, "content/posts/x.md").examples
    assert example.source == EXAMPLE
    assert str(example.location) == "content/posts/x.md:5"
    assert str(example.location_of(example.claims[0].line)) == "content/posts/x.md:9"


@pytest.mark.parametrize(("info", "between", "file", "command"), [
    ('go title="escape.go"', "", "escape.go", 'go build -gcflags="-m -l" escape.go'),
    ('go {filename="cmd/escape.go"}', "", "cmd/escape.go", 'go build -gcflags="-m -l" cmd/escape.go'),
    ('go title="/src/escape.go"', "", "src/escape.go", 'go build -gcflags="-m -l" src/escape.go'),
    ('go title="Listing 1: escape"', "", "main.go", 'go build -gcflags="-m -l" main.go'),
    ('go title="../escape.go"', "", "main.go", 'go build -gcflags="-m -l" main.go'),
    # the command the page states for this example names the file it builds: that is the one written
    ('go title="escape.go"', "Run `go build -gcflags=-m pointer.go`:\n\n", "pointer.go",
     "go build -gcflags=-m pointer.go"),
])
def test_a_title_names_the_file_the_example_is_written_to(info: str, between: str, file: str, command: str) -> None:
    out = "```\n./" + file.rsplit("/", 1)[-1] + ":4:2: moved to heap: n\n```\n" if between else ""
    [example] = scan_page(f"```{info}\n{EXAMPLE}```\n\n{between}{out}", "p.md").examples
    assert (example.file, example.command.command.text if example.command.command else None) == (file, command)
