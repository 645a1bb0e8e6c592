"""The Markdown scanner and the claim and command parsers never raise unexpectedly, and every position they
report is inside the text they were given (hypothesis: random text built from the characters that matter)."""

from __future__ import annotations

import re

from goverify.claims import comment_claims, comment_of, parse_comment, parse_scope
from goverify.command import Command, Refusal, parse_command
from goverify.examples import scan_page
from goverify.scan import find_fences, inline_code_spans, parse_info, scan
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that steer the scanner into its corners: fences of both kinds and lengths, indentation, list and
# admonition markers, CRLF and lone CR, BOM, line separators Python splits on but Markdown does not.
MARKDOWN_PIECES = [
    "```", "````", "~~~", "~~~~", "```go", "~~~go", "```go command=\"go vet main.go\"", "``` { .go goverify=skip }",
    "```go go=\"1.24\"", "\n", "\r\n", "\r", "\t", "    ", "  ", "1. ", "- ", "!!! note\n", "=== \"Tab\"\n",
    "---\n", "package main\n", "func main() {}\n", "x := 0 // moved to heap: x\n", "# command-line-arguments\n",
    "./main.go:4:2: moved to heap: x\n", "执行 `go build -gcflags=\"-m -l\" main.go`", "`go run main.go`",
    "$ go build -gcflags=-m main.go\n", "F:\\hello>go build -gcflags=-m main.go\n", "```golang", "```Go", "```bash",
    "`GOFLAGS=-x go build main.go`", "--8<-- \"x.go\"\n", "\ufeff", "\u2028", "\x0c", "\x85", "；", "（go1.25+）",
    "`", "``", "{", "}", "\"", "'", "=", " ",
    # other generators' marks: shortcodes, Liquid tags, front matter, HTML, indented code
    "{{< highlight go \"linenos=table\" >}}\n", "{{< /highlight >}}\n", "{{% highlight golang %}}\n",
    "{{% /highlight %}}\n", "{{< code lang=\"go\" >}}\n", "{{< /code >}}\n", "{{< notice note >}}\n",
    "{{< gist u 1 >}}\n", "{{</* highlight go */>}}", "{% highlight go linenos %}\n", "{% endhighlight %}\n",
    "{% raw %}\n", "{% endraw %}\n", "{% include x.go %}\n", "+++\n", "<pre><code class=\"language-go\">",
    "</code></pre>\n", "    package main\n", "```go {linenos=true,hl_lines=[4]}", "```go title=\"x.go\"",
]
markdown = st.lists(st.one_of(st.sampled_from(MARKDOWN_PIECES), st.text(max_size=6)), max_size=40).map("".join)

CLAIM_PIECES = [
    "moved to heap: x", "leaking param: p", "leaking param content: p", "can inline f", "cannot inline f: recursive",
    "inlining call to f", "devirtualizing i.M to T", " escapes to heap", " does not escape", "&x", "[]int{...}",
    "make([]int, l)", "\"key\"", "'c'", "`raw`", ";", "；", "，", "(", ")", "（", "）", "go1.25", "Go 1.21", "1.24",
    "+", "＋", "-", "–", "~", "～", "<", "＜", "≤", " ", "局部变量", "//", "/*", "*/", "\t",
]
claim_text = st.lists(st.one_of(st.sampled_from(CLAIM_PIECES), st.text(max_size=4)), max_size=24).map("".join)

COMMAND_PIECES = [
    "go", " ", "build", "vet", "run", "test", "generate", "-gcflags=", "-gcflags", "\"-m -l\"", "'all=-m'", "-m",
    "-l", "-N", "-e", "-d=ssa", "-toolexec=/bin/sh", "-exec", "-ldflags=-X=a", "-o", "/dev/null", "/tmp/x",
    "../x.go", "~/x.go", "main.go", ".", "./...", "GOFLAGS=-x", ";", "|", "&&", "$(", "`", "\\", "\n", "\"", "'",
    "=", "-C", "-overlay", "-modfile", "-vettool=/bin/sh",
]
command_text = st.lists(st.one_of(st.sampled_from(COMMAND_PIECES), st.text(max_size=4)), max_size=16).map("".join)


def _lines_before(text: str, offset: int) -> int:
    """Line endings before `offset`, as CommonMark counts them ("\n", "\r\n", a lone "\r")."""
    return len(re.findall(r"\r\n|\r|\n", text[:offset]))


@FUZZ
@given(markdown)
def test_fences_lie_inside_the_text_on_the_lines_they_name(text: str) -> None:
    fences = find_fences(text)
    previous_end = 0
    for fence in fences:
        assert previous_end <= fence.start < fence.end <= len(text)
        previous_end = fence.end
        # A fence starts at a line start, and `line` is that line as Markdown counts lines (by "\n").
        assert fence.start == 0 or text[fence.start - 1] in "\r\n"
        assert fence.line == _lines_before(text, fence.start)
        assert fence.body_line == fence.line + 1
        assert text[fence.start:].lstrip(" \t").startswith(fence.marker)
        if fence.closed:
            assert fence.end == len(text) or text[fence.end - 1] in "\r\n"
        else:
            assert fence.end == len(text)


@FUZZ
@given(markdown)
def test_every_region_of_every_dialect_lies_inside_the_text_and_none_overlap(text: str) -> None:
    """Fences, unread Go blocks and markup (front matter, shortcode and Liquid tags) start at a line start, in order,
    each after the one before."""
    previous_end = 0
    for region in scan(text).regions:
        assert previous_end <= region.start < region.end <= len(text)
        assert region.start == 0 or text[region.start - 1] in "\r\n"
        previous_end = region.end


@FUZZ
@given(markdown)
def test_inline_code_spans_are_inside_the_text(text: str) -> None:
    for offset, code in inline_code_spans(text):
        assert 0 <= offset < len(text)
        assert code.strip() in text[offset:]


@FUZZ
@given(markdown, st.integers(min_value=0, max_value=30))
def test_every_location_of_a_page_is_a_line_of_its_file(text: str, front_matter: int) -> None:
    page = scan_page(text, "docs/p.md", line_offset=front_matter)
    last = front_matter + _lines_before(text, len(text)) + 1
    located = [e.location for e in page.examples] + [e.command.location for e in page.examples]
    located += [o.location for e in page.examples for o in e.outputs]
    located += [o.line_location(line) for e in page.examples for o in e.outputs for line in o.lines]
    located += [o.command.location for e in page.examples for o in e.outputs]
    located += [p.location for p in page.problems] + [s.location for s in page.skipped]
    located += [n.location for n in page.not_verified]
    for example in page.examples:
        located += [example.location_of(c.line) for c in example.claims]
        assert example.claims == comment_claims(example.source)
    for location in located:
        assert location.path == "docs/p.md"
        assert front_matter + 1 <= location.line <= last, (location, last)


@FUZZ
@given(markdown)
def test_fence_info_parses(text: str) -> None:
    lang, options = parse_info(text.split("\n")[0])
    assert lang == lang.lower()
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in options.items())


@FUZZ
@given(st.lists(claim_text, max_size=6).map("\n".join))
def test_claims_of_go_source_point_at_their_comment(source: str) -> None:
    lines = source.split("\n")
    for claim in comment_claims(source):
        assert 1 <= claim.line <= len(lines)
        line = lines[claim.line - 1]
        assert 0 <= claim.column < len(line)
        assert line[claim.column:].startswith(claim.message)
        assert claim.message.strip() == claim.message != ""


@FUZZ
@given(claim_text, st.integers(min_value=0, max_value=200))
def test_comment_claims_start_inside_the_comment(comment: str, column: int) -> None:
    for claim in parse_comment(comment, 1, column):
        offset = claim.column - column
        assert 0 <= offset < len(comment)
        assert comment[offset:].startswith(claim.message)


@FUZZ
@given(claim_text)
def test_a_comment_is_found_inside_its_line(line: str) -> None:
    found = comment_of(line)
    if found is not None:
        column, text = found
        assert line[column - 2:column] == "//"
        assert line[column:] == text


@FUZZ
@given(claim_text)
def test_scopes_consume_only_what_they_read(text: str) -> None:
    scope, used = parse_scope(text)
    assert 0 <= used <= len(text)
    assert (scope is None) == (used == 0)
    if scope is not None:
        assert text[:used].strip() == scope.text


@FUZZ
@given(command_text)
def test_commands_are_run_compile_only_or_refused_never_crash(text: str) -> None:
    command = parse_command(text)
    if isinstance(command, Refusal):
        assert command.reason and command.stated == re.sub(r"\\\n\s*", " ", text).strip()
        return
    assert isinstance(command, Command)
    assert command.argv[:2] in {("go", "build"), ("go", "vet"), ("go", "test")}
    if command.argv[1] == "test":
        assert command.argv[2:5] == ("-c", "-o", "/dev/null")  # the test binary is built, never run
    for arg in command.argv[2:]:
        assert not arg.startswith(("-toolexec", "-exec", "-ldflags", "--toolexec", "--exec", "--ldflags", "-vettool"))
        assert not re.search(r"[|&;<>$`\n]", arg)
    for name in command.files:
        assert not name.startswith(("/", "~")) and ".." not in re.split(r"[/\\]", name)
