"""Finding examples and mapping every location to a line of the file a reader opens."""

from __future__ import annotations

from pathlib import Path

from goverify.examples import scan_page
from goverify.scan import find_fences, parse_info

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
