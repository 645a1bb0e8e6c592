"""Go release numbers: parsing `1.25`, `go1.25.5`, `Go 1.25`, matching them, and naming ranges of them for readers."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .errors import GoverifyError

_VERSION = re.compile(r"^\s*(?:[Gg]o\s*)?(\d+)\.(\d+)(?:\.(\d+))?\s*$")


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int | None = None  # None: "the newest patch of this minor"

    @property
    def minor_key(self) -> tuple[int, int]:
        return (self.major, self.minor)

    @property
    def minor_name(self) -> str:
        return f"{self.major}.{self.minor}"

    def sort_key(self) -> tuple[int, int, int]:
        return (self.major, self.minor, -1 if self.patch is None else self.patch)

    def matches(self, wanted: Version) -> bool:
        """This exact release is what `wanted` names: the same minor and, when `wanted` names one, the same patch."""
        return self.minor_key == wanted.minor_key and (wanted.patch is None or self.patch == wanted.patch)

    def __str__(self) -> str:
        return _text(self.major, self.minor, self.patch)


@functools.lru_cache(maxsize=256)
def _text(major: int, minor: int, patch: int | None) -> str:
    return f"{major}.{minor}" if patch is None else f"{major}.{minor}.{patch}"


def parse_version(text: str) -> Version:
    m = _VERSION.match(str(text))
    if not m:
        raise GoverifyError(f"not a Go version: {text!r} (write 1.25 or 1.25.5)")
    major, minor, patch = m.groups()
    return Version(int(major), int(minor), None if patch is None else int(patch))


def is_version(text: str) -> bool:
    return _VERSION.match(str(text)) is not None


def scope_text(versions: list[str], matrix: list[str]) -> str:
    """The scope that names `versions` among `matrix`: `go1.25+` up to the newest, else `go1.21–1.24`/`go1.24`."""
    got = sorted((parse_version(v) for v in versions), key=Version.sort_key)
    newest = max(parse_version(v).minor_key for v in matrix)
    low, high = got[0], got[-1]
    if high.minor_key == newest and low.minor_key != min(parse_version(v).minor_key for v in matrix):
        return f"go{low.minor_name}+"
    if low.minor_key == high.minor_key:
        return f"go{low.minor_name}"
    return f"go{low.minor_name}–{high.minor_name}"


def range_label(versions: list[Version]) -> str:
    """`Go 1.21 – 1.24` for a run of releases, `Go 1.27` for one (minors: patches are in the caption)."""
    minors = sorted({v.minor_key for v in versions})
    first, last = minors[0], minors[-1]
    if first == last:
        return f"Go {first[0]}.{first[1]}"
    return f"Go {first[0]}.{first[1]} – {last[0]}.{last[1]}"


def releases_label(versions: list[Version]) -> str:
    """`Go 1.27.3`, `Go 1.24.11, 1.27.3`, `Go 1.21.13 – 1.27.3`: exact releases, for captions."""
    ordered = sorted(versions, key=Version.sort_key)
    if len(ordered) == 1:
        return f"Go {ordered[0]}"
    if len(ordered) == 2:
        return f"Go {ordered[0]}, {ordered[1]}"
    return f"Go {ordered[0]} – {ordered[-1]}"
