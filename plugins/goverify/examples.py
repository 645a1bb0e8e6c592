"""From a Markdown page to its Go examples, read the way a person reads the page.

1. Each code block (a fence, a Hugo shortcode or a Liquid tag: scan.py reads them all into the same records) is
   one of: a Go **example** (labelled go or golang, or untagged with code that starts with `package`); a Go
   **fragment** (Go code without a package clause); an **output
   block** (compiler output, whatever its label; output pasted at the end of a Go fence is split off); a
   **command block** (prompt lines such as `$ go build ...`, maybe with what the program printed); or other.
2. An output block belongs to the example before it (up to the next example). A fragment is an example when
   output or comment claims come with it (goverify then fits a header to it); one that repeats lines of the
   example before it is a re-listing, not compiled.
3. The **command** of an output block is what the article states, nearest first: the prompt line at its top, a
   command line in a block between the example (or the previous output block) and it, an inline code span stating a
   command in the prose between them, the command of the example's previous output block; then the fence's
   `command=` option, the page's last stated command, the command stated once for the page (before its first
   example), the plugin's default. A bare `go build` in a sentence states nothing.
"""

from __future__ import annotations

import functools
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .claims import Claim, comment_claims, prose_comments, unread_claims
from .command import (
    DEFAULT_COMMAND,
    Command,
    Refusal,
    build_only,
    chain,
    parse_command,
    runs_program,
    states_a_command,
)
from .errors import GoverifyError, Location
from .findings import NotVerified, Skipped
from .fragments import declares_main, declares_tests
from .output import (
    BLANK,
    DIAGNOSTIC,
    ELISION,
    HEADER,
    OTHER,
    PROMPT,
    WrittenLine,
    block_files,
    compiler_line,
    read_block,
)
from .programs import Program, read_session
from .prose import BoundProse, bind_prose
from .scan import GO_LANGS, Fence, blank_fences, inline_code_spans, line_of, line_starts, scan
from .snippets import PageLines, include

SHELL_LANGS = {"", "bash", "sh", "shell", "console", "zsh", "shell-session", "sh-session", "text", "plain",
               "plaintext", "txt", "cmd", "bat", "powershell", "ps1", "terminal", "output", "log"}
# Options goverify reads from a fence's info string and removes before the page is rendered.
OPTIONS = ("command", "goverify", "go")
_PACKAGE = re.compile(r"^package\s+\w+")
# `import "C"` (alone or in an import block): cgo, which a build with CGO_ENABLED=0 silently leaves out.
_CGO = re.compile(r'^[ \t]*(?:import[ \t]+)?"C"[ \t]*(?://.*)?$', re.M)
_NUMBERED = re.compile(r"^\s*\d+[ \t:|]")
# Commands not stated for the example itself: they build it under its own file name.
INHERITED = {"page", "page-wide", "default"}
_GO_FILE = re.compile(r"^[\w.-]+(?:/[\w.-]+)*\.go$")


@dataclass(frozen=True)
class Stated:
    """A command as the article states it, where, and what goverify makes of it."""

    text: str
    location: Location
    origin: str  # prompt | block | prose | previous | fence | page | page-wide | default
    parsed: Command | Refusal

    @property
    def command(self) -> Command | None:
        return self.parsed if isinstance(self.parsed, Command) else None


@dataclass
class OutputBlock:
    """A hand-written block of compiler output and the command it states."""

    location: Location  # the opening fence, or the first pasted line
    lines: list[WrittenLine]
    locations: list[Location]  # of each line
    command: Stated
    release: str | None  # the Go release it speaks for (fence option go="1.24"); None: the newest
    fence: Fence | None  # None: pasted at the end of the example's own fence
    span: tuple[int, int]  # offsets in the page of the lines it consists of
    checked: bool = True  # False: not verified (another file, a command goverify does not run)

    def line_location(self, line: WrittenLine) -> Location:
        return self.locations[line.index]


@dataclass
class Example:
    """One Go example of a page and everything the article says about it."""

    index: int  # 1-based ordinal among the page's examples
    fence: Fence
    location: Location  # the opening fence
    source: str  # the Go code (output pasted at the end of the fence removed)
    lines: Sequence[Location]  # where each line of `source` comes from (the page, or a snippet file)
    fragment: bool  # no package clause: goverify adds a header before compiling
    command: Stated  # what the claims are checked with (and what the page shows when there is no output)
    file: str  # the file the example is written to (relative, as the command names it)
    outputs: list[OutputBlock] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)

    def location_of(self, line: int) -> Location:
        """The Markdown (or snippet) line of a line of `source` (1-based); the fence when out of range."""
        return self.lines[line - 1] if 0 < line <= len(self.lines) else self.location

    @property
    def base(self) -> str:
        return _basename(self.file)

    @property
    def snippet(self) -> str | None:
        if isinstance(self.lines, PageLines):
            return None
        paths = {loc.path for loc in self.lines}
        return next(iter(paths)) if len(paths) == 1 and self.location.path not in paths else None


@dataclass(frozen=True)
class GoFence:
    """A Go fence of the page, compiled or not, and its code: what a fragment after it may borrow from."""

    location: Location  # the opening fence
    source: str  # an example's code as compiled (snippets included), another fence's as written


@dataclass
class Page:
    """What goverify found on one page."""

    path: str
    text: str
    examples: list[Example]
    skipped: list[Skipped]
    problems: list[GoverifyError]
    not_verified: list[NotVerified]
    prose: list[BoundProse] = field(default_factory=list)
    hints: list[Location] = field(default_factory=list)  # escape talk beside code, but no claim
    fences: list[GoFence] = field(default_factory=list)  # every closed Go fence, in page order

    def prose_of(self, example: Example) -> list[BoundProse]:
        """The prose claims bound to `example`, in page order."""
        return [bound for bound in self.prose if bound.example == example.index]


@functools.lru_cache(maxsize=1024)
def _basename(file: str) -> str:
    return posixpath.basename(file)


def starts_with_package(source: str) -> bool:
    in_block = False
    for line in source.splitlines():
        stripped = line.strip()
        if in_block:
            in_block = "*/" not in stripped
            continue
        if not stripped or stripped.startswith("//"):
            continue
        if stripped.startswith("/*"):
            in_block = "*/" not in stripped[2:]
            continue
        return bool(_PACKAGE.match(stripped))
    return False


# --- blocks -----------------------------------------------------------------------------------------------------

EXAMPLE, FRAGMENT, OUTPUT, COMMANDS, OTHER_BLOCK = "example", "fragment", "output", "commands", "other"


@dataclass
class _Block:
    fence: Fence
    kind: str
    lines: list[WrittenLine]  # read as output/commands (for Go code: its pasted output, if any)
    code: list[str] = field(default_factory=list)  # Go code lines (examples and fragments)


def _classify(fence: Fence) -> _Block:
    body_lines = fence.body[:-1].split("\n") if fence.body else []
    if fence.lang in GO_LANGS or (fence.lang == "" and starts_with_package(fence.body)):
        code, pasted = _split_pasted(body_lines)
        if not any(line.strip() for line in code):
            return _Block(fence, OUTPUT, read_block(fence.body))
        kind = EXAMPLE if starts_with_package("\n".join(code)) else FRAGMENT
        return _Block(fence, kind, pasted, code)
    lines = read_block(fence.body)
    kinds = {line.kind for line in lines}
    if DIAGNOSTIC in kinds or (HEADER in kinds and kinds <= {HEADER, ELISION, PROMPT, BLANK}):
        return _Block(fence, OUTPUT, lines)
    if PROMPT in kinds and fence.lang in SHELL_LANGS:
        return _Block(fence, COMMANDS, lines)
    return _Block(fence, OTHER_BLOCK, lines)


def _split_pasted(lines: list[str]) -> tuple[list[str], list[WrittenLine]]:
    """Go code, and compiler output pasted after it in the same fence (trailing prompt, header, positioned and
    elision lines, at least one positioned)."""
    last = next((line for line in reversed(lines) if line.strip()), "")
    if not (":" in last and ".go:" in last) and not last.lstrip().startswith(("#", "...", "…")):
        return lines, []  # Go code ends with code (a brace, mostly): nothing pasted, and nothing read twice
    read = read_block("\n".join(lines) + "\n")
    cut = len(read)
    while cut and read[cut - 1].kind in {DIAGNOSTIC, HEADER, PROMPT, ELISION, BLANK}:
        cut -= 1
    # a prompt line is one line of its own or several joined by continuations: never split one
    while cut < len(read) and read[cut].kind == PROMPT and cut and read[cut - 1].kind == PROMPT \
            and read[cut - 1].command == read[cut].command:
        cut += 1
    while cut < len(read) and read[cut].kind == BLANK:
        cut += 1
    pasted = read[cut:]
    if not any(line.kind == DIAGNOSTIC for line in pasted):
        return lines, []
    first = read[cut].index
    code = lines[:first]
    while code and not code[-1].strip():
        code.pop()
    return code, pasted


def is_relisting(code: list[str], source: str) -> bool:
    """Every line of `code` is a line of `source` (spacing aside, a leading `16 ` line number removed)."""
    shown = [line.strip() for line in code if line.strip()]
    if shown and all(_NUMBERED.match(line) for line in shown):
        shown = [_NUMBERED.sub("", line).strip() for line in shown]
    known = {line.strip() for line in source.splitlines() if line.strip()}
    shown = [line for line in shown if line not in {"}", "{", ")", "...", "…"}]
    return bool(shown) and all(line in known for line in shown)


# --- the page ---------------------------------------------------------------------------------------------------


def scan_page(
    text: str,
    path: str,
    *,
    line_offset: int = 0,
    default_command: str = DEFAULT_COMMAND,
    snippet_dirs: list[Path] | None = None,
    root: Path | None = None,
) -> Page:
    """Find the examples of one page. `line_offset` is the number of lines before `text` in the file (front
    matter that MkDocs strips), so that every location is a line of the file on disk."""
    text = text.lstrip("\ufeff")
    return _Reader(text, path, line_offset, default_command, snippet_dirs or [], root).read()


class _Reader:
    """Walks a page's blocks in order: each Go example, the output blocks that follow it, and, once the walk is
    over, each example's command and file. Which command a block states is `_Commands`'; what cannot be verified,
    `_Unverified`'s."""

    def __init__(self, text: str, path: str, line_offset: int, default_command: str, snippet_dirs: list[Path],
                 root: Path | None) -> None:
        self.text = text
        self.path = path
        self.line_offset = line_offset
        self.snippet_dirs = snippet_dirs
        self.root = root
        self.starts = line_starts(text)
        scanned = scan(text)
        self.fences = scanned.fences
        self.blocks = [_classify(f) for f in self.fences]
        self.prose = blank_fences(text, 0, len(text), scanned.regions)
        self.spans = inline_code_spans(self.prose)  # (offset, code) of every inline code span, found once
        self.examples: list[Example] = []
        # Go blocks in a form goverify does not read: counted, with why
        self.skipped: list[Skipped] = [Skipped(self.here(u.line), u.reason, markup=u.markup) for u in scanned.unread]
        self.problems: list[GoverifyError] = []
        self.not_verified: list[NotVerified] = []
        self.comment_hints: list[Location] = []  # comments alone on their line that are prose, not claims
        self.commands = _Commands(self.blocks, self.spans, self.here, self.at, default_command,
                                  _page_wide(self.blocks, self.spans, self.starts, self.here))
        self.unverified = _Unverified(self.blocks, self.spans, self.here, self.at, self.not_verified)

    def here(self, line0: int) -> Location:
        return Location(self.path, self.line_offset + line0 + 1)

    def at(self, offset: int) -> Location:
        return self.here(line_of(self.starts, offset))

    def read(self) -> Page:
        current: Example | None = None
        after = 0  # offset after which stated commands count for the next output block
        previous: Stated | None = None  # the command of the current example's last output block
        for n, block in enumerate(self.blocks):
            fence = block.fence
            if block.kind in {EXAMPLE, FRAGMENT}:
                example = self._example(n, block, current)
                if example is None:
                    continue
                current, after, previous = example, fence.end, None
                pasted = [line for line in block.lines]
                if pasted:
                    first = self._pasted_offset(block)
                    lines = read_block("\n".join(line.text for line in pasted) + "\n")
                    first_line = line_of(self.starts, first)
                    locations = [self.here(first_line + i) for i in range(len(lines))]
                    stated = self.commands.stated_for(lines, locations, fence.end, fence.end, current, previous)
                    current.outputs.append(OutputBlock(locations[0], lines, locations, stated, None, None,
                                                       (first, self._body_end(fence))))
                    previous = stated
                continue
            if block.kind == OUTPUT:
                locations = [self.here(fence.body_line + i) for i in range(len(block.lines))]
                if current is None:
                    self.not_verified.append(NotVerified(self.here(fence.line), "no-example"))
                    continue
                stated = self.commands.stated_for(block.lines, locations, after, fence.start, current, previous)
                current.outputs.append(OutputBlock(self.here(fence.line), block.lines, locations, stated,
                                                   fence.options.get("go"), fence, (fence.start, fence.end)))
                after, previous = fence.end, stated
                self.unverified.program_output(block.lines, locations, stated)
            elif block.kind == COMMANDS:
                self.unverified.command_block(block)
        self._finish()
        prose, hints = bind_prose(self.prose, self.spans, self.starts, self.examples, self.here, self.problems)
        hints = sorted(hints + self.comment_hints, key=lambda h: (h.path, h.line))
        return Page(self.path, self.text, self.examples, self.skipped, self.problems, self.not_verified, prose, hints,
                    _go_fences(self.blocks, self.examples, self.here))

    # -- examples --

    def _example(self, n: int, block: _Block, current: Example | None) -> Example | None:
        fence = block.fence
        where = self.here(fence.line)
        if fence.options.get("goverify") == "skip":
            self.skipped.append(Skipped(where, "skip-option"))
            return None
        if not fence.closed:
            self.problems.append(GoverifyError("unclosed code fence: the example runs to the end of the page",
                                               where, 1))
            return None
        try:
            code, lines = include(block.code, self.here(fence.body_line), self.snippet_dirs, self.root)
        except GoverifyError as exc:
            self.problems.append(exc)
            return None
        source = "\n".join(code) + "\n"
        fragment = block.kind == FRAGMENT and not starts_with_package(source)
        if fragment:
            # A fragment with `func main` whose run the page shows (`$ go run zeroval.go`): a program, given a header
            # to be run in the sandbox (runstage.py). So is a fragment of tests (`func BenchmarkX(b *testing.B)`, no
            # `func main`) under a `go test` goverify runs (`$ go test -bench=. -benchmem ./x_test.go`).
            has_output = bool(block.lines) or self._output_follows(n) \
                or (declares_main(source) and self._command_follows(n, _runs_a_program)) \
                or (declares_tests(source) and self._command_follows(n, _runs_tests))
            if current is not None and (has_output or comment_claims(source)) and is_relisting(code,
                                                                                                current.source):
                self.skipped.append(Skipped(where, "relisting", current.index))
                return None
            if not has_output and not comment_claims(source):
                self.skipped.append(Skipped(where, "fragment-without-claims"))
                return None
        if _CGO.search(source):
            self.not_verified.append(NotVerified(where, "cgo"))
            return None
        # Until its own output says otherwise: the command the page states before it (or the default).
        placeholder = self.commands.fallback_at(fence.options, where)
        example = Example(len(self.examples) + 1, fence, where, source, lines, fragment, placeholder, "main.go")
        example.claims = comment_claims(source)
        for line, text in unread_claims(source):
            self.not_verified.append(NotVerified(example.location_of(line), "claim-unread", detail=text))
        self.comment_hints += [example.location_of(line) for line in prose_comments(source)]
        self.examples.append(example)
        return example

    def _output_follows(self, n: int) -> bool:
        """An output block comes after block `n` before the next Go block."""
        for block in self.blocks[n + 1:]:
            if block.kind == OUTPUT:
                return True
            if block.kind in {EXAMPLE, FRAGMENT}:
                return False
        return False

    def _command_follows(self, n: int, wanted: Callable[[str], bool]) -> bool:
        """A block of commands with a command line `wanted` accepts comes after block `n` before the next Go block:
        one that runs a program (`$ go run main.go`, `$ ./prog`: `_runs_a_program`), or a `go test` goverify runs
        (`$ go test -bench=. -benchmem ./x_test.go`: `_runs_tests`)."""
        for block in self.blocks[n + 1:]:
            if block.kind in {EXAMPLE, FRAGMENT}:
                return False
            if block.kind in {COMMANDS, OUTPUT} and any(wanted(line.command) for line in _command_lines(block.lines)):
                return True
        return False

    def _pasted_offset(self, block: _Block) -> int:
        return self.starts[block.fence.body_line + block.lines[0].index]

    def _body_end(self, fence: Fence) -> int:
        """Offset of the fence's closing line."""
        closing = line_of(self.starts, max(fence.start, fence.end - 1))
        return self.starts[closing] if fence.closed else fence.end

    # -- after the walk --

    def _finish(self) -> None:
        """Each example's command and file name; output blocks goverify cannot check; spans stating a command that
        goverify does not run, followed by what it printed."""
        for example in self.examples:
            for block in example.outputs:  # `go test` that shows the compile errors it stopped on: that build
                built = build_only(block.command.text) if isinstance(block.command.parsed, Refusal) \
                    and block.command.parsed.not_run and _shows_compile_errors(block) else None
                if built is not None:
                    block.command = Stated(block.command.text, block.command.location, block.command.origin, built)
            runnable = [block.command for block in example.outputs if block.command.command is not None]
            if runnable:
                example.command = runnable[0]
            elif not example.outputs and isinstance(example.command.parsed, Refusal):
                if example.command.origin == "page-wide":  # said at each example it binds, naming the command
                    parsed = example.command.parsed
                    self.not_verified.append(NotVerified(
                        example.location, parsed.kind, example.command.text,
                        f"{parsed.reason} (the command the page states at line {example.command.location.line})"))
                else:
                    self.unverified.refused(example.command)
            example.file = _file_name(example)
            # A command stated for another example names that example's file: this one keeps its own name.
            example.command = _own_file(example.command, example.file)
            for block in example.outputs:
                block.command = _own_file(block.command, example.file)
            for block in example.outputs:
                if isinstance(block.command.parsed, Refusal):
                    block.checked = False
                    self.unverified.refused(block.command)
                    continue
                named = [f for f in block_files(block.lines) if f != "<autogenerated>"
                         and not f.startswith("_testmain")]
                if named and example.base not in named:
                    block.checked = False
                    self.not_verified.append(NotVerified(block.location, "other-file", block.command.text,
                                                         file=named[0], example_file=example.file))
        self.unverified.unrun_spans(self.examples)


class _Commands:
    """The command each output block states, nearest first: its own prompt line, a command block or a sentence
    between the example and the block, the example's previous block; else the fence's option, the page's last
    stated command, the default."""

    def __init__(self, blocks: list[_Block], spans: list[tuple[int, str]], here: Callable[[int], Location],
                 at: Callable[[int], Location], default_command: str, page_command: Stated | None) -> None:
        self.blocks = blocks
        self.spans = spans
        self.here = here
        self.at = at
        self.default_command = default_command
        self.page_command = page_command  # the last command stated for an output block, or for the page

    def stated_for(self, lines: list[WrittenLine], locations: list[Location], after: int, before: int,
                   example: Example, previous: Stated | None) -> Stated:
        """The command an output block states, nearest first."""
        own = next((line for line in lines if line.kind == PROMPT), None)
        if own is not None and not any(x.kind == DIAGNOSTIC for x in lines[: own.index]):
            return self._state(own.command, locations[own.index], "prompt")
        in_blocks = [(b, line) for b in self.blocks if b.kind in {COMMANDS, OUTPUT}
                     and after <= b.fence.start and b.fence.end <= before for line in _command_lines(b.lines)]
        if in_blocks:
            block, line = in_blocks[-1]
            return self._state(line.command, self.here(block.fence.body_line + line.index), "block")
        spans = [(offset, code) for offset, code in self.spans if after <= offset < before and states_a_command(code)]
        if spans:
            offset, code = spans[-1]
            return self._state(code, self.at(offset), "prose")
        if previous is not None:
            return Stated(previous.text, previous.location, "previous", previous.parsed)
        return self._fallback(example)

    def _state(self, text: str, where: Location, origin: str) -> Stated:
        stated = Stated(text, where, origin, parse_command(text))
        if stated.command is not None:
            self.page_command = stated
        return stated

    def _fallback(self, example: Example) -> Stated:
        return self.fallback_at(example.fence.options, example.location)

    def fallback_at(self, options: dict[str, str], where: Location) -> Stated:
        """The fence option, the page's last stated command, the plugin's default."""
        if "command" in options:
            return Stated(options["command"], where, "fence", parse_command(options["command"]))
        if self.page_command is not None:
            page = self.page_command
            return Stated(page.text, page.location, "page-wide" if page.origin == "page-wide" else "page", page.parsed)
        return Stated(self.default_command, where, "default", parse_command(self.default_command))


class _Unverified:
    """What the page shows that goverify cannot verify, and why: the output of commands it does not run (they would
    run code, or are refused), of the program itself, of a command stated in a sentence."""

    def __init__(self, blocks: list[_Block], spans: list[tuple[int, str]], here: Callable[[int], Location],
                 at: Callable[[int], Location], not_verified: list[NotVerified]) -> None:
        self.blocks = blocks
        self.spans = spans
        self.here = here
        self.at = at
        self.not_verified = not_verified

    def command_block(self, block: _Block) -> None:
        """A block of commands with no compiler output: what they printed is not verified when goverify does not
        run them, or when it is the program's own output."""
        for line in _command_lines(block.lines):
            stated = Stated(line.command, self.here(block.fence.body_line + line.index), "block",
                            parse_command(line.command))
            after = block.lines[line.index + 1:]
            end = next((i for i, x in enumerate(after) if x.kind == PROMPT and x.command != line.command), len(after))
            printed = [x for x in after[:end] if x.kind == OTHER
                       or (x.kind not in {PROMPT, BLANK} and isinstance(stated.parsed, Refusal))]
            if printed:
                self._not_verified_output(stated)

    def program_output(self, lines: list[WrittenLine], locations: list[Location], stated: Stated) -> None:
        """An output block that also shows what the program printed (`go run -gcflags=-m`): that part is not
        verified."""
        if isinstance(stated.parsed, Refusal):
            return
        if any(line.kind == OTHER for line in lines) and stated.parsed.subcommand in {"run", "test"}:
            self.not_verified.append(NotVerified(stated.location, "program-output", stated.text))

    def _not_verified_output(self, stated: Stated) -> None:
        if isinstance(stated.parsed, Refusal):
            if stated.parsed.not_run:
                self.not_verified.append(NotVerified(stated.location, stated.parsed.kind, stated.text,
                                                     stated.parsed.reason))
            return  # a refused command that nothing depends on: nothing to verify
        self.not_verified.append(NotVerified(stated.location, "program-output", stated.text))

    def refused(self, stated: Stated) -> None:
        """A stated command goverify does not run, and why: it would run code, or it is unsafe or unknown. Nothing
        runs; what it printed is not verified (a warning: it says nothing about the compiler)."""
        parsed = stated.parsed
        assert isinstance(parsed, Refusal)
        found = NotVerified(stated.location, parsed.kind, stated.text, parsed.reason)
        if found not in self.not_verified:
            self.not_verified.append(found)

    def unrun_spans(self, examples: list[Example]) -> None:
        """`Run it with `go run main.go`:` and a block after it: that block is not verified, said at the span."""
        bound = {block.command.location for e in examples for block in e.outputs}
        for offset, code in self.spans:
            if not states_a_command(code):
                continue
            parsed = parse_command(code)
            if not isinstance(parsed, Refusal) or not parsed.not_run:
                continue
            where = self.at(offset)
            if where in bound:
                continue
            following = next((b for b in self.blocks if b.fence.start > offset), None)
            # A block whose own first line is a prompt states its own command: the sentence's is not its.
            own = following is not None and next((x.kind for x in following.lines if x.kind != BLANK), None) == PROMPT
            if following is not None and following.kind in {OUTPUT, COMMANDS, OTHER_BLOCK} and not own \
                    and not any(offset < o < following.fence.start and states_a_command(c) for o, c in self.spans) \
                    and not any(b.kind in {EXAMPLE, FRAGMENT} and offset < b.fence.start < following.fence.start
                                for b in self.blocks):
                self.not_verified.append(NotVerified(where, parsed.kind, code, parsed.reason))


def _shows_compile_errors(block: OutputBlock) -> bool:
    from .check import is_report  # check reads examples; this only asks it what a line is

    # The compiler names a column (`./main.go:6:14: undefined: Repeat`); a test's log line (`sum_test.go:17: ...`)
    # does not, and a block that shows a test run (`=== RUN`, `--- FAIL`, `ok`) is the run's output, not a build's.
    if any(line.text.lstrip().startswith(("=== RUN", "--- PASS", "--- FAIL", "ok  ", "PASS")) for line in block.lines):
        return False
    return any(compiler_line(line) and line.diagnostic is not None and not is_report(line.diagnostic.message)
               for line in block.lines)


_ASKS_FOR_DIAGNOSTICS = re.compile(r"(?:^|[\s'\"=])-m(?:=\d)?(?=$|[\s'\"])|-gcflags|\btool\s+compile\b")


def _page_wide(blocks: list[_Block], spans: list[tuple[int, str]], starts: list[int],
               here: Callable[[int], Location]) -> Stated | None:
    """The command stated once for the page: the last one in the prose or a shell block before its first Go
    example, when it asks the compiler for its `-m` diagnostics (a bare `go build main.go` or `go run` there says how
    to build or run, not what the examples' claims were checked with)."""
    first = next((b.fence.start for b in blocks if b.kind in {EXAMPLE, FRAGMENT}), None)
    if first is None:
        return None
    stated = [(offset, code, here(line_of(starts, offset))) for offset, code in spans
              if offset < first and states_a_command(code)]
    stated += [(starts[b.fence.body_line + line.index], line.command, here(b.fence.body_line + line.index))
               for b in blocks if b.kind == COMMANDS and b.fence.end <= first for line in _command_lines(b.lines)
               if states_a_command(line.command)]  # not `./prog`
    if not stated:
        return None
    _, text, where = max(stated, key=lambda s: s[0])
    parsed = parse_command(text)
    if isinstance(parsed, Refusal):
        # Refused, yet stated for the examples' diagnostics: it binds them, and they are not verified (never
        # checked with a command the author did not state).
        return Stated(text, where, "page-wide", parsed) if _ASKS_FOR_DIAGNOSTICS.search(text) else None
    if not any(f == "-m" or f.startswith("-m=") for f in parsed.compiler_flags()):
        return None
    return Stated(text, where, "page-wide", parsed)


def _go_fences(blocks: list[_Block], examples: list[Example], here: Callable[[int], Location]) -> list[GoFence]:
    """Every closed Go fence of the page, in page order, with its code (an example's as compiled)."""
    compiled = {id(example.fence): example.source for example in examples}
    return [GoFence(here(b.fence.line), compiled.get(id(b.fence), "\n".join(b.code) + "\n")) for b in blocks
            if b.kind in {EXAMPLE, FRAGMENT} and b.fence.closed]


def _command_lines(lines: list[WrittenLine]) -> list[WrittenLine]:
    """The first line of each command in a block (not its continuation lines)."""
    return [line for line in lines if line.kind == PROMPT and line.command
            and not (line.index and lines[line.index - 1].kind == PROMPT
                     and lines[line.index - 1].command == line.command)]


def _runs_a_program(command: str) -> bool:
    """The command line runs a program (`go run main.go`, `./prog`, `go build -o p && ./p`)."""
    return any(runs_program(argv) for argv in chain(command) or ())


def _runs_tests(command: str) -> bool:
    """The command line is a `go test` the run stage runs (programs.read_session): one command, no shell, no
    environment."""
    program = read_session([command])
    return isinstance(program, Program) and program.test


def _own_file(stated: Stated, file: str) -> Stated:
    """A command the page states for another example (or goverify's default), under this example's own file."""
    command = stated.command
    if stated.origin not in INHERITED or command is None or not command.files or command.files == (file,):
        return stated
    return Stated(stated.text, stated.location, stated.origin, command.renamed(file))


def _titled(options: dict[str, str]) -> str | None:
    """The Go file a fence's `title=`, `filename=` or `file=` names (```` ```go title="main.go" ````), if any."""
    for key in ("title", "filename", "file"):
        name = options.get(key, "").strip().lstrip("/")
        if _GO_FILE.match(name) and ".." not in name.split("/"):
            return name
    return None


def _file_name(example: Example) -> str:
    """The file the example is written to: the one the commands its page states for it name, else the one its fence's
    title names, else the one goverify's default names, else the one its output names, else main.go (a test command
    needs a `_test.go` name). A command inherited from another example does not name it."""
    stated = [example.command, *(b.command for b in example.outputs)]
    commands = [s.command for s in stated if s.origin not in INHERITED]
    named = next((c.files[0] for c in commands if c is not None and c.files), None)
    if named is None:
        named = _titled(example.fence.options)
    output_named = next((f for b in example.outputs for f in block_files(b.lines)
                         if f != "<autogenerated>" and not f.startswith("_testmain")), None)
    if named is None and example.fragment:  # part of the file its output names (`sync_test.go`): written as it
        named = output_named
    if named is None:
        commands = [s.command for s in stated if s.origin == "default"]
        named = next((c.files[0] for c in commands if c is not None and c.files), None)
    if named is None:
        named = output_named or "main.go"
    name = str(PurePosixPath(named.replace("\\", "/")))
    testing = any(s.command is not None and s.command.is_test
                  for s in [example.command, *(b.command for b in example.outputs)])
    if testing and not name.endswith("_test.go"):
        name = name[: -len(".go")] + "_test.go"
    return name
