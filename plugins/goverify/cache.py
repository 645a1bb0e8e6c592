"""A content-addressed store of compiler runs: one JSON file per key, written atomically, misses on damage.

Beside the entries, a *pack* per page keeps that page's entries together, so that a warm build reads one file per
page instead of one per run. A pack only mirrors entries (each still carries its key); a damaged one is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Bump when the meaning of a stored run changes, so old entries become misses.
FORMAT = 1


def key_of(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in (f"goverify-cache-{FORMAT}", *parts):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass
class Cache:
    """Entries under `root/<2 hex>/<64 hex>.json`. `root=None` disables the cache."""

    root: Path | None
    read_only_warned: bool = False
    ignored: bool = False  # the cache folder's own .gitignore is there

    def _ignore(self) -> None:
        """Write `*` to a .gitignore in the cache folder (as pytest, ruff and mypy do in theirs), once: a site's
        `git status` then never lists what goverify keeps there."""
        if self.ignored or self.root is None:
            return
        self.ignored = True
        marker = self.root.parent / ".gitignore"
        with contextlib.suppress(OSError):
            if not marker.exists():
                write_atomically(marker, "# made by goverify: nothing here to commit\n*\n")

    @property
    def packs(self) -> Path | None:
        return self.root.parent / "packs" if self.root is not None else None

    def get_pack(self, name: str) -> dict[str, dict]:
        """The entries kept together under `name`, each checked against its key ({} when there is none)."""
        if self.packs is None:
            return {}
        try:
            data = json.loads((self.packs / f"{name}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {key: entry for key, entry in data.items() if isinstance(entry, dict) and entry.get("key") == key}

    def put_pack(self, name: str, entries: dict[str, dict]) -> None:
        if self.packs is None:
            return
        self._ignore()
        with contextlib.suppress(OSError):  # a read-only cache: the entries are read one by one
            write_atomically(self.packs / f"{name}.json",
                             json.dumps({k: {**v, "key": k} for k, v in entries.items()}, ensure_ascii=False,
                                        sort_keys=True))

    def get(self, key: str) -> dict | None:
        if self.root is None:
            return None
        try:
            data = json.loads((self.root / key[:2] / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return None  # missing, truncated or garbage: a miss
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return data

    def put(self, key: str, value: dict) -> str | None:
        """Store an entry; return a warning instead of failing when the cache cannot be written."""
        if self.root is None:
            return None
        self._ignore()
        try:
            write_atomically(self.root / key[:2] / f"{key}.json",
                             json.dumps({**value, "key": key}, ensure_ascii=False, sort_keys=True))
        except OSError as exc:
            if self.read_only_warned:
                return None
            self.read_only_warned = True
            return f"cache {self.root} is not writable ({exc.strerror}); results are not kept"
        return None


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` so that a reader sees the old file or the new one, never a part of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
