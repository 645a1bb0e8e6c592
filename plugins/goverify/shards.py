"""Shards of a CI matrix: one job per Go release writes its results; the site build merges them.

A shard file `go<version>.json` holds the toolchain's identity, one run per example (keyed like the cache:
source, command, toolchain identity) and a digest of every example source it saw. Merging refuses shards made
from different sources, and the engine refuses to render an example that no shard compiled.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from .cache import write_atomically
from .errors import GoverifyError
from .examples import Page
from .runner import Job, RunResult
from .toolchains import Toolchain
from .versions import is_version, parse_version

SCHEMA = "goverify-shard/1"


def sources_digest(pages: list[Page]) -> str:
    """A digest of what every shard compiles: each example's file name, source and commands."""
    digest = hashlib.sha256()
    items = {f"{e.file}\0{e.source}\0" + "\0".join(b.command.text for b in e.outputs) + f"\0{e.command.text}"
             for page in pages for e in page.examples}
    for item in sorted(items):
        digest.update(item.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def write_shard(matrix: list[Toolchain], jobs: list[Job], results: dict[str, RunResult], pages: list[Page],
                directory: Path) -> Path:
    """Write one file per toolchain of the matrix (usually one: `--go X`): the result of every job made for the
    pages on it."""
    written = None
    for toolchain in matrix:
        runs = {job.key: results[job.key].to_json() for job in jobs
                if job.toolchain == toolchain and job.key in results}
        data = {
            "schema": SCHEMA,
            "go": str(toolchain.version),
            "identity": toolchain.identity,
            "sources": sources_digest(pages),
            "runs": runs,
        }
        target = directory / f"go{toolchain.version}.json"
        write_atomically(target, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True))
        written = target
    assert written is not None
    return written


def load_shards(directory: Path, go_versions: list[str] | None = None) -> tuple[list[Toolchain], dict[str, RunResult]]:
    """Toolchains (known by identity only, never run) and their runs; GoverifyError on anything inconsistent, or
    when a release of `go_versions` has no shard (named, with the command that makes it)."""
    files = sorted(directory.glob("go*.json")) if directory.is_dir() else []
    if not files:
        raise GoverifyError(f"no shard results (go*.json) in {directory}")
    toolchains: list[Toolchain] = []
    runs: dict[str, RunResult] = {}
    digests: dict[str, str] = {}
    for file in files:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            if data.get("schema") != SCHEMA:
                raise ValueError(f"schema {data.get('schema')!r}, expected {SCHEMA!r}")
            version = parse_version(data["go"])
            identity = str(data["identity"])
            for key, value in dict(data["runs"]).items():
                result = RunResult.from_json(value)
                if result is None:
                    raise ValueError(f"damaged run {key[:12]}")
                runs[key] = result
            digests[file.name] = str(data["sources"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError, GoverifyError) as exc:
            raise GoverifyError(f"{file}: not a goverify shard ({exc})") from exc
        toolchains.append(Toolchain(str(version), version, None, Path("/nonexistent"), identity))
    if len(set(digests.values())) > 1:
        detail = ", ".join(f"{name}: {digest[:12]}" for name, digest in digests.items())
        raise GoverifyError(f"shards in {directory} were made from different sources ({detail}); re-run them all")
    missing = [entry for entry in go_versions or [] if is_version(entry)
               and not any(t.version.matches(parse_version(entry)) for t in toolchains)]
    if missing:
        have = ", ".join(f.name for f in files)
        raise GoverifyError(f"no shard for Go {', '.join(missing)} in {directory} (go_versions names it; there: "
                            f"{have}): make it with `goverify verify --go {missing[0]} --results {directory}`")
    return toolchains, runs
