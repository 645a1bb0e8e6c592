"""Reading a page the way its author meant it: which block is an example, which output belongs to it, which
command it states (nearest first), and what is output in a block."""

from __future__ import annotations

import pytest
from goverify.examples import scan_page
from goverify.output import DIAGNOSTIC, ELISION, HEADER, OTHER, PACKAGE, PROMPT, read_block, split_note

PROGRAM = "package main\n\nfunc main() {\n\tx := 0\n\t_ = &x\n}\n"


def _page(*parts: str) -> str:
    return "\n".join(parts) + "\n"


def fence(body: str, info: str = "") -> str:
    return f"```{info}\n{body.rstrip(chr(10))}\n```\n"


OUTPUT = fence("# command-line-arguments\n./main.go:3:6: can inline main")


@pytest.mark.parametrize("info", ["go", "golang", "Go", "GO", "{ .go }", ""])
def test_every_label_of_go_code_is_an_example(info: str) -> None:
    [example] = scan_page(fence(PROGRAM, info), "p.md").examples
    assert example.source == PROGRAM


def test_an_untagged_block_is_an_example_only_when_it_starts_with_package() -> None:
    page = scan_page(fence("x := 1\nfmt.Println(x)"), "p.md")
    assert page.examples == [] and page.skipped == []


@pytest.mark.parametrize(
    ("between", "command", "origin", "line"),
    [
        # the prompt at the top of the output block
        ("", "go build -gcflags=-m main.go", "prompt", 12),
        # a shell block between example and output, even when prose names another command
        ("Run `go build -gcflags='-m -l' main.go`:\n\n" + fence("go build -gcflags='-m -m' main.go", "shell"),
         "go build -gcflags='-m -m' main.go", "block", 13),
        # an inline span in the prose between them
        ("Run `go build -gcflags='-m -l' main.go`:\n", "go build -gcflags='-m -l' main.go", "prose", 10),
        # a bare mention states nothing: the default runs, and says so
        ("Compile it with `go build`:\n", 'go build -gcflags="-m -l" main.go', "default", 1),
    ],
)
def test_the_command_is_the_nearest_the_article_states(between: str, command: str, origin: str, line: int) -> None:
    output = fence("$ go build -gcflags=-m main.go\n./main.go:3:6: can inline main") if origin == "prompt" \
        else OUTPUT
    page = scan_page(_page(fence(PROGRAM, "go"), between, output), "p.md")
    [example] = page.examples
    [block] = example.outputs
    assert (block.command.text, block.command.origin, block.command.location.line) == (command, origin, line)
    assert example.command == block.command


def test_later_examples_inherit_the_page_command_but_keep_their_own_file() -> None:
    first = fence("$ go tool compile -m pro_2.go\n./pro_2.go:3:6: can inline main")
    page = scan_page(_page(fence(PROGRAM, "go"), first, fence(PROGRAM, "go"), OUTPUT), "p.md")
    one, two = page.examples
    assert (one.file, two.file) == ("pro_2.go", "main.go")
    assert two.outputs[0].command.origin == "page"
    assert two.outputs[0].command.command.argv == ("go", "tool", "compile", "-m", "main.go")


CLAIMED = "package main\n\nfunc f() *int {\n\tn := 0 // moved to heap: n\n\treturn &n\n}\n"


@pytest.mark.parametrize(
    ("before", "command", "line"),
    [
        # a prose span before the first example
        ("Build every example with `go build -gcflags=\"-m -l\" main.go`.\n", 'go build -gcflags="-m -l" main.go', 1),
        # a shell block before the first example
        (fence("$ go build -gcflags=-m=2 main.go", "shell"), "go build -gcflags=-m=2 main.go", 2),
        # the last of several, nearest to the examples
        ("Use `go build -gcflags=-m main.go`, or\n\n" + fence("go tool compile -m -l main.go", "sh"),
         "go tool compile -m -l main.go", 4),
    ],
)
def test_a_command_stated_once_for_the_page_binds_the_examples_that_state_none(before: str, command: str,
                                                                               line: int) -> None:
    page = scan_page(_page(before, fence(CLAIMED, "go"), fence(CLAIMED.replace("f()", "g()"), "go")), "p.md")
    assert [(e.command.text, e.command.origin, e.command.location.line) for e in page.examples] == [
        (command, "page-wide", line), (command, "page-wide", line)]


def test_the_page_wide_command_comes_after_every_command_stated_nearer() -> None:
    text = _page("Run them with `go build -gcflags='-m -l' main.go`.", fence(CLAIMED, "go"),
                 fence("$ go build -gcflags=-m pointer.go\n./pointer.go:4:2: moved to heap: n"),
                 fence(CLAIMED, "go"), fence(CLAIMED, 'go command="go vet main.go"'))
    one, two, three = scan_page(text, "p.md").examples
    assert (one.command.text, one.command.origin) == ("go build -gcflags=-m pointer.go", "prompt")
    # the page's last stated command is nearer than the one stated before the first example (under its own file)
    assert (two.command.command.stated, two.command.origin, two.command.location.line) == (
        "go build -gcflags=-m main.go", "page", 12)
    assert (three.command.text, three.command.origin) == ("go vet main.go", "fence")


@pytest.mark.parametrize("before", [
    "Build it with `go build main.go` and run it.",  # says how to build, not what the claims were checked with
    "Run it: `go run main.go`.",  # a command goverify does not run
    "See `go build -gcflags=-m main.go` below.\n\n" + fence("$ go run main.go", "shell"),  # the last one decides
    "Compile it with `go build`.",  # a bare mention
])
def test_a_command_before_the_first_example_without_m_binds_nothing(before: str) -> None:
    [example] = scan_page(_page(before, fence(CLAIMED, "go")), "p.md").examples
    assert (example.command.text, example.command.origin) == ('go build -gcflags="-m -l" main.go', "default")


def test_the_file_is_the_one_the_output_names_when_the_command_names_none() -> None:
    text = _page(fence(PROGRAM.replace("package main", "package flaws"), "go"),
                 fence('$ Go test -gcflags "-m -m" -run none -bench .\n\nBenchmarkX-8  100  14.2 ns/op', "console"),
                 fence("./example2_test.go:3:6: can inline main"))
    page = scan_page(text, "p.md")
    [example] = page.examples
    assert example.file == "example2_test.go"
    assert example.command.command.argv == ("go", "test", "-c", "-o", "/dev/null", "-gcflags=-m -m")
    [note] = page.not_verified  # the benchmark results are what the test binary prints when it runs
    assert (note.reason, note.location.line) == ("program-output", 11)


def test_output_pasted_at_the_end_of_a_go_fence_is_split_off() -> None:
    body = PROGRAM + "\n./main.go:4:2: moved to heap: x\n"
    page = scan_page(fence(body, "go"), "p.md")
    [example] = page.examples
    assert example.source == PROGRAM
    [block] = example.outputs
    assert block.fence is None and block.location.line == 9
    assert [line.kind for line in block.lines] == [DIAGNOSTIC]


def test_a_fragment_with_output_is_an_example_and_without_is_counted() -> None:
    fragment = "func f() *int {\n\tn := 0\n\treturn &n\n}\n"
    page = scan_page(_page(fence(fragment, "go"), fence("./main.go:4:2: moved to heap: n"), fence(fragment, "go")),
                     "p.md")
    [example] = page.examples
    assert example.fragment and example.index == 1
    assert [(s.location.line, s.reason) for s in page.skipped] == [(12, "fragment-without-claims")]


def test_a_relisting_keeps_its_output_with_the_example_it_repeats() -> None:
    relisting = "func main() {\n\tx := 0\n}\n"
    page = scan_page(_page(fence(PROGRAM, "go"), OUTPUT, fence(relisting, "go"),
                           fence("./main.go:4:2: moved to heap: x")), "p.md")
    [example] = page.examples
    assert [b.location.line for b in example.outputs] == [10, 21]
    assert [(s.reason, s.example) for s in page.skipped] == [("relisting", 1)]


def test_output_for_a_file_the_page_does_not_show_is_not_verified() -> None:
    page = scan_page(_page(fence(PROGRAM, "go"), OUTPUT, fence("./buffer.go:170:46: leaking param content: p")), "p.md")
    [example] = page.examples
    assert [b.checked for b in example.outputs] == [True, False]
    [note] = page.not_verified
    assert (note.reason, note.file, note.example_file, note.location.line) == ("other-file", "buffer.go", "main.go",
                                                                               15)


def test_output_before_any_example_is_not_verified() -> None:
    page = scan_page(_page(OUTPUT, fence(PROGRAM, "go")), "p.md")
    assert [(n.reason, n.location.line) for n in page.not_verified] == [("no-example", 1)]


def test_a_block_read_line_by_line() -> None:
    lines = read_block(
        "$ go build -v \\\n    -gcflags='-m' ./main.go\n"
        "command-line-arguments\n"
        "# command-line-arguments\n"
        ".\\main.go:15:18: inlining call to rand.Intn\n"
        "src/main.go:7:9: &t escapes to heap\n"
        "./main.go:22: createUserV1 &u does not escape\n"
        "<autogenerated>:1: .this does not escape\n"
        "./main.go:8:2: x does not escape//无法逃逸\n"
        "...\n"
        "# ...\n"
        "hello\n"
    )
    assert [line.kind for line in lines] == [PROMPT, PROMPT, PACKAGE, HEADER, DIAGNOSTIC, DIAGNOSTIC, DIAGNOSTIC,
                                             DIAGNOSTIC, DIAGNOSTIC, ELISION, ELISION, OTHER]
    assert lines[0].command == "go build -v -gcflags='-m' ./main.go"
    files = [(d.file, d.line, d.column, d.message) for d in (line.diagnostic for line in lines) if d]
    assert files == [("main.go", 15, 18, "inlining call to rand.Intn"), ("main.go", 7, 9, "&t escapes to heap"),
                     ("main.go", 22, None, "createUserV1 &u does not escape"),
                     ("<autogenerated>", 1, None, ".this does not escape"), ("main.go", 8, 2, "x does not escape")]
    assert lines[8].note == "//无法逃逸"


@pytest.mark.parametrize(
    ("message", "kept", "note"),
    [("x does not escape // why", "x does not escape", "// why"),
     ('"http://x" escapes to heap', '"http://x" escapes to heap', ""),
     ("moved to heap: x   <-- here", "moved to heap: x", "<-- here")],
)
def test_notes_after_a_line_are_the_authors(message: str, kept: str, note: str) -> None:
    assert split_note(message) == (kept, note)
