"""Read what the Go tools print (`./main.go:4:2: moved to heap: num`) and where a Go function begins and ends."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .claims import is_diagnostic

_LINE = re.compile(r"^(?P<file>\.?/?[^\s:]+\.go):(?P<line>\d+):(?:(?P<col>\d+):)? (?P<message>.*)$")


@dataclass(frozen=True)
class Diagnostic:
    """One positioned line of tool output."""

    file: str
    line: int
    column: int
    message: str
    text: str  # the line as printed

    @property
    def is_escape_report(self) -> bool:
        """A `-m` report (escape, inlining, devirtualization) rather than an error."""
        return is_diagnostic(self.message)


def normalize_file(name: str) -> str:
    return name[2:] if name.startswith("./") else name


def parse_output(output: str) -> tuple[list[Diagnostic], list[str]]:
    """Positioned lines, and every other non-empty line (`# command-line-arguments`, linker errors)."""
    positioned, other = _parse_output(output)  # parsed once per output: checking claims asks per claim
    return list(positioned), list(other)


@functools.lru_cache(maxsize=256)
def _parse_output(output: str) -> tuple[tuple[Diagnostic, ...], tuple[str, ...]]:
    positioned: list[Diagnostic] = []
    other: list[str] = []
    for raw in output.splitlines():
        line = raw.rstrip()
        if not line.strip():
            continue
        m = _LINE.match(line.strip())
        if m:
            positioned.append(
                Diagnostic(normalize_file(m.group("file")), int(m.group("line")), int(m.group("col") or 0),
                           m.group("message"), line.strip())
            )
        else:
            other.append(line.strip())
    return tuple(positioned), tuple(other)


def function_spans(source: str) -> list[tuple[int, int]]:
    """(first, last) 1-based lines of each top-level declaration, found by matching braces outside strings
    and comments; a claim that is not on the compiler's line may still be in the same function."""
    return list(_function_spans(source))  # scanned once per example, not once per claim


@functools.lru_cache(maxsize=256)
def _function_spans(source: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    depth = 0
    start = 0
    quote = ""
    in_block_comment = False
    for number, line in enumerate(source.splitlines(), start=1):
        if depth == 0 and not quote and not in_block_comment and re.match(r"^(func|var|const|type)\b", line):
            start = number
        i = 0
        while i < len(line):
            ch = line[i]
            if in_block_comment:
                if line.startswith("*/", i):
                    in_block_comment = False
                    i += 1
            elif quote:
                if ch == "\\" and quote != "`":
                    i += 1
                elif ch == quote:
                    quote = ""
            elif line.startswith("//", i):
                break
            elif line.startswith("/*", i):
                in_block_comment = True
                i += 1
            elif ch in "\"'`":
                quote = ch
            elif ch in "{(":
                depth += 1
            elif ch in "})":
                depth = max(0, depth - 1)
            i += 1
        if quote in "\"'":
            quote = ""  # interpreted strings and runes end with their line
        if depth == 0 and start:
            spans.append((start, number))
            start = 0
    return tuple(spans)


def span_of(spans: list[tuple[int, int]], line: int) -> tuple[int, int]:
    for first, last in spans:
        if first <= line <= last:
            return first, last
    return line, line
