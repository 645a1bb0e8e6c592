"""pymdownx.snippets lines (`--8<-- "escape/01.go"`) inside an example: the code they include, and where each line of
it comes from, so that a claim in a snippet file is reported at that file's line."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import GoverifyError, Location

_SNIPPET = re.compile(r"""^\s*-{1,}8<-{1,}\s+(["'])(?P<path>[^"']+)\1\s*$""")


def include(lines: list[str], first: Location, folders: list[Path],
            root: Path | None) -> tuple[list[str], list[Location]]:
    """The lines with every snippet line replaced by its file, and each line's origin; GoverifyError at the
    snippet line when a file cannot be found or read."""
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
