"""pymdownx.snippets lines (`--8<-- "escape/01.go"`) inside an example: the code they include, and where each line of
it comes from, so that a claim in a snippet file is reported at that file's line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from .errors import GoverifyError, Location

_SNIPPET = re.compile(r"""^\s*-{1,}8<-{1,}\s+(["'])(?P<path>[^"']+)\1\s*$""")


def include(lines: list[str], first: Location, folders: list[Path],
            root: Path | None) -> tuple[list[str], Sequence[Location]]:
    """The lines with every snippet line replaced by its file, and each line's origin; GoverifyError at the
    snippet line when a file cannot be found or read."""
    if not any("8<" in line for line in lines):  # no snippet line: the lines are the page's own
        return lines, PageLines(first.path, first.line, len(lines))
    out: list[str] = []
    where: list[Location] = []
    for i, line in enumerate(lines):
        here = Location(first.path, first.line + i)
        m = _SNIPPET.match(line) if "8<" in line else None
        if not m:
            out.append(line)
            where.append(here)
            continue
        name = m.group("path")
        found = next((d / name for d in folders if (d / name).is_file()), None)
        if found is None:
            searched = ", ".join(str(d) for d in folders) or "."
            raise GoverifyError(f"snippet {name!r} not found (searched {searched})", here, 1)
        try:
            content = read_text(found)
        except (OSError, UnicodeDecodeError) as exc:
            raise GoverifyError(f"snippet {name!r} unreadable: {exc}", here, 1) from exc
        shown = display_path(found, root)
        for j, snippet_line in enumerate(content.splitlines()):
            out.append(snippet_line)
            where.append(Location(shown, j + 1))
    return out, where


class PageLines(Sequence[Location]):
    """The locations of `count` consecutive lines of one file, made when asked for (most examples are a page's own
    lines: a list of thousands of Locations would be made for the few a message names)."""

    def __init__(self, path: str, first: int, count: int) -> None:
        self.path, self.first, self.count = path, first, count

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index):  # type: ignore[override]
        if type(index) is int and 0 <= index < self.count:
            return Location(self.path, self.first + index)
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.count))]
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError(index)
        return Location(self.path, self.first + index)

    def __eq__(self, other: object) -> bool:
        return list(self) == list(other) if isinstance(other, Sequence) else NotImplemented


def read_text(path: Path | str) -> str:
    """A page or snippet as MkDocs reads it: UTF-8 with or without a byte-order mark, lines ending in "\\n"."""
    with open(path, encoding="utf-8-sig") as handle:
        return handle.read().replace("\r\n", "\n")


def display_path(path: Path, root: Path | None) -> str:
    """`path` relative to the site's root when it is inside it (what messages show), else as given."""
    try:
        return str(path.resolve().relative_to(root.resolve())) if root else str(path)
    except ValueError:
        return str(path)
