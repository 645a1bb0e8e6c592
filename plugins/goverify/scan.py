"""Find fenced code blocks in Markdown text, with the positions a reader can open."""

from __future__ import annotations

import itertools
import operator
import re
from dataclasses import dataclass, field

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>`{3,}|~{3,})(?P<info>.*)$")
_OPTION = re.compile(r"""([\w.-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))""")
_LINE_END = re.compile(r"\r\n|\r|\n")
# A code span ends with its paragraph (CommonMark): a stray backtick cannot swallow the next paragraph's command.
INLINE_CODE = re.compile(r"(?<!`)(`+)(?!`)((?:[^\n]|\n(?![ \t]*(?:\n|$)))+?)(?<!`)\1(?!`)")


@dataclass(frozen=True)
class Fence:
    """One fenced code block: where it is, how it is labelled, and what it holds (dedented)."""

    start: int  # offset of the first character of the opening line
    end: int  # offset just past the closing line (or the end of the text when unclosed)
    line: int  # 0-based index of the opening line
    indent: str  # the opening line's indentation, kept for what we write back
    marker: str  # ``` or ~~~, as long as the author wrote it
    info: str  # everything after the marker
    lang: str
    options: dict[str, str] = field(hash=False)
    body: str = ""
    body_line: int = 0  # 0-based index of the first body line
    closed: bool = True


def _width(indent: str) -> int:
    return len(indent.expandtabs(4))


def _dedent(line: str, width: int) -> str:
    """Remove up to `width` columns of leading whitespace, tabs counting as four."""
    col = 0
    i = 0
    while i < len(line) and col < width and line[i] in " \t":
        col += 4 - col % 4 if line[i] == "\t" else 1
        i += 1
    return line[i:]


def parse_info(info: str) -> tuple[str, dict[str, str]]:
    """Split a fence's info string into its language and its `key=value` options.

    Accepts both ```` ```go command="go vet main.go" ```` and ```` ``` { .go command="..." } ````.
    """
    text = info.strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1].strip()
    options = {m.group(1): next(g for g in m.groups()[1:] if g is not None) for m in _OPTION.finditer(text)}
    rest = _OPTION.sub(" ", text).split()
    lang = ""
    for word in rest:
        if word.startswith("."):
            lang = lang or word[1:]
        elif not lang and not word.startswith("#"):
            lang = word
    return lang.lower(), options


def line_starts(text: str) -> list[int]:
    """Offsets of each line's start. Lines end as in CommonMark: "\n", "\r\n" or a lone "\r" (not at the
    other characters `str.splitlines` breaks on, such as U+2028 or form feed, which Markdown keeps in a line)."""
    if "\r" not in text:  # the usual case, without a regex
        return [0, *itertools.accumulate(map(operator.add, map(len, text.split("\n")[:-1]), itertools.repeat(1)))]
    starts = [0]
    for m in _LINE_END.finditer(text):
        starts.append(m.end())
    return starts


def line_of(starts: list[int], offset: int) -> int:
    """0-based line index of a character offset (binary search over line starts)."""
    lo, hi = 0, len(starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo


def find_fences(text: str) -> list[Fence]:
    """Every fenced block at any indentation (lists, admonitions, tabs), in document order.

    A fence closes on a line of the same character, at least as long, with nothing after it; an unclosed
    fence runs to the end of the text, as in CommonMark.
    """
    if "\r" in text:
        lines = [line for line in re.split(r"(?<=\n)|(?<=\r)(?!\n)", text) if line]  # CommonMark's line ends
    else:
        parts = text.split("\n")
        lines = [part + "\n" for part in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
    fences: list[Fence] = []
    i = 0
    offsets = [0, *itertools.accumulate(map(len, lines))]
    while i < len(lines):
        if "```" not in lines[i] and "~~~" not in lines[i]:
            i += 1  # most lines: no fence, no regex
            continue
        raw = lines[i].rstrip("\r\n")
        m = _OPEN.match(raw)
        if not m or (m.group("marker")[0] == "`" and "`" in m.group("info")):
            i += 1
            continue
        indent, marker, info = m.group("indent"), m.group("marker"), m.group("info")
        width = _width(indent)
        close = re.compile(r"^[ \t]*" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}[ \t]*$")
        j = i + 1
        closer = marker[0] * len(marker)  # a closing line holds at least this: most lines are not looked at twice
        while j < len(lines) and (closer not in lines[j] or not close.match(lines[j].rstrip("\r\n"))):
            j += 1
        closed = j < len(lines)
        body_lines = [x.rstrip("\r\n") for x in lines[i + 1 : j]]
        if width:
            body_lines = [_dedent(x, width) for x in body_lines]
        lang, options = parse_info(info)
        fences.append(
            Fence(
                start=offsets[i],
                end=offsets[j + 1] if closed else offsets[len(lines)],
                line=i,
                indent=indent,
                marker=marker,
                info=info,
                lang=lang,
                options=options,
                body="\n".join(body_lines) + ("\n" if body_lines else ""),
                body_line=i + 1,
                closed=closed,
            )
        )
        i = j + 1
    return fences


def inline_code_spans(text: str) -> list[tuple[int, str]]:
    """(offset, code) of each inline code span in a stretch of prose."""
    return [(m.start(), m.group(2).strip()) for m in INLINE_CODE.finditer(text)]


def blank_fences(text: str, start: int, end: int, fences: list[Fence]) -> str:
    """The prose of text[start:end], with fenced blocks inside it blanked out (offsets kept)."""
    pieces = []
    at = start
    for fence in fences:
        if fence.end <= start or fence.start >= end:
            continue
        a, b = max(fence.start, start), min(fence.end, end)
        pieces.append(text[at:a])
        pieces.append("\n".join(map(" ".__mul__, map(len, text[a:b].split("\n")))))
        at = b
    pieces.append(text[at:end])
    return "".join(pieces)
