"""Shards of a CI matrix: one job per Go release writes its results; the site build merges them.

A shard file `go<version>.json` holds the toolchain's identity, one run per example (keyed like the cache:
source, command, toolchain identity) and a digest of every example source it saw. Merging refuses shards made
from different sources, and the engine refuses to render an example that no shard compiled.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .runner import Job, RunResult
from .toolchains import Toolchain
from .versions import parse_version

if TYPE_CHECKING:
    from .engine import Engine, PageVerdict

SCHEMA = "goverify-shard/1"


def sources_digest(jobs: list[Job]) -> str:
    digest = hashlib.sha256()
    for item in sorted({f"{job.command.source_file}\0{' '.join(job.command.argv)}\0{job.source}" for job in jobs}):
        digest.update(item.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def write_shard(engine: Engine, verdicts: list[PageVerdict], directory: Path) -> Path:
    """Write one file per toolchain of the engine's matrix (usually one: `--go X`)."""
    directory.mkdir(parents=True, exist_ok=True)
    pages = [v.page for v in verdicts]
    written = None
    for toolchain in engine.matrix:
        jobs = [job for job in engine.jobs(pages) if job.toolchain == toolchain]
        data = {
            "schema": SCHEMA,
            "go": str(toolchain.version),
            "identity": toolchain.identity,
            "sources": sources_digest(jobs),
            "runs": {job.key: engine.results[job.key].to_json() for job in jobs if job.key in engine.results},
        }
        target = directory / f"go{toolchain.version}.json"
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".shard-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1, sort_keys=True)
        os.replace(tmp, target)
        written = target
    assert written is not None
    return written


def load_shards(directory: Path) -> tuple[list[Toolchain], dict[str, RunResult]]:
    """Toolchains (known by identity only, never run) and their runs; ValueError on anything inconsistent."""
    files = sorted(directory.glob("go*.json")) if directory.is_dir() else []
    if not files:
        raise ValueError(f"no shard results (go*.json) in {directory}")
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
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{file}: not a goverify shard ({exc})") from exc
        toolchains.append(Toolchain(str(version), version, None, Path("/nonexistent"), identity))
    if len(set(digests.values())) > 1:
        detail = ", ".join(f"{name}: {digest[:12]}" for name, digest in digests.items())
        raise ValueError(f"shards in {directory} were made from different sources ({detail}); re-run them all")
    return toolchains, runs
