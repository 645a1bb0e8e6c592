"""From a Markdown page to its Go examples: code (with snippets), command, output block and claims."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .claims import Claim, comment_claims
from .command import DEFAULT_COMMAND, Command, CommandError, parse_command
from .prose import HINT_WORDS, ProseClaim, ProseError, find_prose_claims
from .scan import Fence, find_fences, inline_code_spans, line_of, line_starts

_SNIPPET = re.compile(r"""^\s*-{1,}8<-{1,}\s+(["'])(?P<path>[^"']+)\1\s*$""")
_POSITIONED = re.compile(r"^\.?/?[\w./-]+\.go:\d+(?::\d+)?: ")
_PACKAGE = re.compile(r"^package\s+\w+")
# `import "C"` (alone or in an import block): cgo, which a build with CGO_ENABLED=0 silently leaves out.
_CGO = re.compile(r'^[ \t]*(?:import[ \t]+)?"C"[ \t]*(?://.*)?$', re.M)
# An inline span stating a go command: `go ...`, or one wrapped in environment assignments or another program
# (`GOFLAGS=... go build`, `sh -c 'go build'`), which parse_command then refuses rather than goverify ignoring it.
_COMMAND_SPAN = re.compile(r"^(?:[A-Za-z_]\w*=\S*\s+)*go\s|(?:^|[\s'\"(;&|])go\s+(?:build|vet|run|test|generate)\b")
# Options goverify reads from a fence's info string and removes before the page is rendered.
OPTIONS = ("command", "goverify", "go")


@dataclass(frozen=True, order=True)
class Location:
    """A line a reader can open: `docs/index.md:42`."""

    path: str
    line: int  # 1-based

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class OutputBlock:
    """A hand-written block of compiler output that follows an example."""

    fence: Fence
    location: Location
    text: str
    version: str | None  # the Go release it speaks for (fence option go="1.24"); None: the newest


@dataclass
class Example:
    """One Go example of a page and everything the article says about it."""

    index: int  # 1-based ordinal among the page's examples
    fence: Fence
    location: Location  # the opening fence
    source: str
    lines: list[Location]  # where each line of `source` comes from (the page, or a snippet file)
    command: Command | None
    command_location: Location
    output: OutputBlock | None
    claims: list[Claim] = field(default_factory=list)

    def claim_location(self, claim: Claim) -> Location:
        return self.lines[claim.line - 1] if 0 < claim.line <= len(self.lines) else self.location

    @property
    def snippet(self) -> str | None:
        paths = {loc.path for loc in self.lines}
        return next(iter(paths)) if len(paths) == 1 and self.location.path not in paths else None


@dataclass(frozen=True)
class Problem:
    """Something on the page that stops an example from being verified at all."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True)
class BoundProse:
    """A prose claim, where it is, and the example it speaks about."""

    claim: ProseClaim
    location: Location
    example: int  # 1-based index among the page's examples


@dataclass
class Page:
    """What goverify found on one page."""

    path: str
    text: str
    examples: list[Example]
    not_compiled: list[tuple[Location, str]]
    problems: list[Problem]
    fences: list[Fence]
    prose: list[BoundProse] = field(default_factory=list)
    hints: list[Location] = field(default_factory=list)  # escape talk beside code, but no claim


def looks_like_output(body: str) -> bool:
    """Go tool output: a `# package` header or `file.go:L:C: message` lines."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    if not lines:
        return False
    return lines[0].startswith("# ") or any(_POSITIONED.match(line) for line in lines)


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


def _resolve_snippets(
    fence: Fence, page_path: str, first_line: int, snippet_dirs: list[Path], root: Path | None
) -> tuple[str, list[Location], Problem | None]:
    """The code of a fence with `--8<-- "file"` lines replaced by the files, and each line's origin."""
    out: list[str] = []
    where: list[Location] = []
    for i, line in enumerate(fence.body[:-1].split("\n") if fence.body else []):  # the fence's own lines
        m = _SNIPPET.match(line)
        if not m:
            out.append(line)
            where.append(Location(page_path, first_line + i))
            continue
        name = m.group("path")
        found = next((d / name for d in snippet_dirs if (d / name).is_file()), None)
        if found is None:
            searched = ", ".join(str(d) for d in snippet_dirs) or "."
            return "", [], Problem(Location(page_path, first_line + i),
                                   f"snippet {name!r} not found (searched {searched})")
        try:
            content = found.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            return "", [], Problem(Location(page_path, first_line + i), f"snippet {name!r} unreadable: {exc}")
        shown = _display(found, root)
        for j, snippet_line in enumerate(content.replace("\r\n", "\n").splitlines()):
            out.append(snippet_line)
            where.append(Location(shown, j + 1))
    return "\n".join(out) + "\n", where, None


def _display(path: Path, root: Path | None) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve())) if root else str(path)
    except ValueError:
        return str(path)


def scan_page(
    text: str,
    path: str,
    *,
    line_offset: int = 0,
    default_command: str = DEFAULT_COMMAND,
    snippet_dirs: list[Path] | None = None,
    root: Path | None = None,
) -> Page:
    """Find the examples of one page. `line_offset` is the number of lines before `text` in the file
    (front matter that MkDocs strips), so that every location is a line of the file on disk."""
    text = text.lstrip("\ufeff")
    fences = find_fences(text)
    starts = line_starts(text)
    snippet_dirs = snippet_dirs or []
    examples: list[Example] = []
    not_compiled: list[tuple[Location, str]] = []
    problems: list[Problem] = []

    def here(line0: int) -> Location:
        return Location(path, line_offset + line0 + 1)

    candidates: list[tuple[int, str, list[Location]]] = []  # (fence index, source, line map)
    for index, fence in enumerate(fences):
        if fence.lang != "go":
            continue
        source, where, problem = _resolve_snippets(fence, path, line_offset + fence.body_line + 1, snippet_dirs, root)
        if problem:
            problems.append(problem)
            continue
        if not fence.closed:
            problems.append(Problem(here(fence.line), "unclosed code fence: the example runs to the end of the page"))
            continue
        if not starts_with_package(source):
            if not looks_like_output(source):
                not_compiled.append((here(fence.line), "not compiled: no package clause"))
            continue
        if fence.options.get("goverify") == "skip":
            not_compiled.append((here(fence.line), "not compiled: goverify=skip"))
            continue
        if _CGO.search(source):
            problems.append(Problem(here(fence.line), 'example imports "C" (cgo), which goverify cannot compile: it '
                                    "builds with CGO_ENABLED=0 (mark the fence goverify=skip to show it unverified)"))
            continue
        candidates.append((index, source, where))

    for n, (index, source, where) in enumerate(candidates):
        fence = fences[index]
        limit = fences[candidates[n + 1][0]].start if n + 1 < len(candidates) else len(text)
        output: OutputBlock | None = None
        for later in fences[index + 1 :]:
            if later.start >= limit:
                break
            if later.closed and looks_like_output(later.body) and not starts_with_package(later.body):
                output = OutputBlock(later, here(later.line), later.body, later.options.get("go"))
                break
        # The command: an inline `go ...` span in the prose up to the output block, else the fence's option.
        prose_end = output.fence.start if output else limit
        command_text, command_at = default_command, here(fence.line)
        spans = [
            (offset, code) for offset, code in inline_code_spans(_blank_fences(text, fence.end, prose_end, fences))
            if _COMMAND_SPAN.search(code)
        ]
        if output and spans:
            offset, command_text = spans[-1]
            command_at = here(line_of(starts, fence.end + offset))
        elif "command" in fence.options:
            command_text = fence.options["command"]
        command: Command | None = None
        try:
            command = parse_command(command_text)
        except CommandError as exc:
            problems.append(Problem(command_at, str(exc)))
        examples.append(
            Example(
                index=len(examples) + 1,
                fence=fence,
                location=here(fence.line),
                source=source,
                lines=where,
                command=command,
                command_location=command_at,
                output=output,
                claims=comment_claims(source),
            )
        )
    prose, hints = _prose_claims(text, starts, fences, examples, here, problems)
    return Page(path, text, examples, not_compiled, problems, fences, prose, hints)


def _prose_claims(text, starts, fences, examples, here, problems) -> tuple[list[BoundProse], list[Location]]:
    prose_text = _blank_fences(text, 0, len(text), fences)
    bound: list[BoundProse] = []
    claimed_lines = set()
    for item in find_prose_claims(prose_text):
        line0 = line_of(starts, getattr(item, "offset", 0))
        claimed_lines.add(line0)
        if isinstance(item, ProseError):
            problems.append(Problem(here(line0), str(item)))
            continue
        before = [e for e in examples if e.fence.start < item.offset]
        index = item.example if item.example is not None else (before[-1].index if before else None)
        if index is None or not 1 <= index <= len(examples):
            problems.append(Problem(here(line0), f"prose claim {item.describe()} has no example to speak about "
                                    + ("before it" if item.example is None else f"(example={item.example})")))
            continue
        bound.append(BoundProse(item, here(line0), index))
    hints = []
    for offset, code in inline_code_spans(prose_text):
        line0 = line_of(starts, offset)
        if line0 in claimed_lines or not examples:
            continue
        line = prose_text[starts[line0]: starts[line0 + 1] if line0 + 1 < len(starts) else len(prose_text)]
        if HINT_WORDS.search(line) and not code.startswith("go "):
            claimed_lines.add(line0)
            hints.append(here(line0))
    return bound, hints


def _blank_fences(text: str, start: int, end: int, fences: list[Fence]) -> str:
    """The prose of text[start:end], with fenced blocks inside it blanked out (offsets kept)."""
    chunk = list(text[start:end])
    for fence in fences:
        if fence.end <= start or fence.start >= end:
            continue
        for i in range(max(fence.start, start), min(fence.end, end)):
            if chunk[i - start] != "\n":
                chunk[i - start] = " "
    return "".join(chunk)
