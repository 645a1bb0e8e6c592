"""The environment variables goverify reads, all of them, here and nowhere else.

- `GOVERIFY_GO_VERSIONS=1.24,1.27`: verify on these releases instead of `go_versions`;
- `GOVERIFY_RESULTS=DIR`: use shard results instead of local toolchains (the `results` option);
- `GOVERIFY_TOOLCHAINS=DIR`: where installed toolchains live (default: the per-user cache, below);
- `GOVERIFY_GOCACHE=DIR`: Go's own build cache, shared between sites (default: `<cache_dir>/gocache`);
- `XDG_CACHE_HOME`: the per-user cache, `~/.cache` when unset;
- `PRE_COMMIT`: set by pre-commit while it runs a hook (goverify is then not on PATH: messages say what works there).

(`GOVERIFY_ENABLED` is not read here: a site's mkdocs.yml reads it with `!ENV`, as MkDocs does.)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Overrides:
    go_versions: list[str] | None
    results: Path | None
    toolchains: Path
    gocache: Path | None


def read(environ: Mapping[str, str] | None = None) -> Overrides:
    env = os.environ if environ is None else environ
    versions = [v.strip() for v in env.get("GOVERIFY_GO_VERSIONS", "").split(",") if v.strip()]
    return Overrides(
        go_versions=versions or None,
        results=Path(env["GOVERIFY_RESULTS"]) if env.get("GOVERIFY_RESULTS") else None,
        toolchains=toolchains_home(env),
        gocache=Path(env["GOVERIFY_GOCACHE"]).expanduser().resolve() if env.get("GOVERIFY_GOCACHE") else None,
    )


def apply(settings) -> None:
    """Put the environment's overrides on an engine's settings (whichever door made them)."""
    env = read()
    if env.go_versions:
        settings.go_versions = env.go_versions
    if env.gocache:
        settings.gocache = env.gocache
    if env.results:
        settings.results = env.results


def toolchains_home(environ: Mapping[str, str] | None = None) -> Path:
    """Where installed toolchains live: one folder per user, shared by every site and every door (the plugin, the
    CLI, `make`, `mkdocs serve`), so that what `make site` installed is found by a plain `mkdocs build` too."""
    env = os.environ if environ is None else environ
    if env.get("GOVERIFY_TOOLCHAINS"):
        return Path(env["GOVERIFY_TOOLCHAINS"]).expanduser().resolve()
    base = env.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "goverify" / "toolchains"


def under_pre_commit(environ: Mapping[str, str] | None = None) -> bool:
    """goverify runs as a pre-commit hook (pre-commit sets PRE_COMMIT=1 for its hooks)."""
    env = os.environ if environ is None else environ
    return bool(env.get("PRE_COMMIT"))
