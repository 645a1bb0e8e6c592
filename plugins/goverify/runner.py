"""Run `go build`/`go vet` on examples: hermetic, bounded in time, in parallel, and remembered."""

from __future__ import annotations

import atexit
import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .cache import Cache, key_of
from .command import Command
from .toolchains import Toolchain

DEFAULT_TIMEOUT = 60.0  # seconds one command may run


@dataclass(frozen=True)
class Job:
    """One example's source, written to `file` and compiled by one command on one toolchain."""

    source: str
    command: Command
    toolchain: Toolchain
    file: str = "main.go"

    @property
    def key(self) -> str:
        return _job_key(self.source, self.command.argv, self.file, self.command.env, self.toolchain.identity)


@dataclass(frozen=True)
class RunResult:
    """What a reader typing the command would see: combined output and exit status."""

    output: str
    returncode: int
    timed_out: bool = False
    seconds: float = 0.0

    def to_json(self) -> dict:
        return {"output": self.output, "returncode": self.returncode, "timed_out": self.timed_out,
                "seconds": round(self.seconds, 3)}

    @classmethod
    def from_json(cls, data: dict) -> RunResult | None:
        try:
            return cls(str(data["output"]), int(data["returncode"]), bool(data.get("timed_out", False)),
                       float(data.get("seconds", 0.0)))
        except (KeyError, TypeError, ValueError):
            return None


@functools.lru_cache(maxsize=16384)  # the same job is keyed by the run, the check and the shard writer
def _job_key(source: str, argv: tuple[str, ...], file: str, env: tuple[tuple[str, str], ...], identity: str) -> str:
    return key_of("run", source, "\0".join(argv), file, "\0".join(f"{k}={v}" for k, v in env), identity)


def hermetic_env(toolchain: Toolchain, gocache: Path, home: Path) -> dict[str, str]:
    """An environment built from nothing: no network, no cgo, no user settings, this toolchain only."""
    return {
        "PATH": str(toolchain.goroot / "bin"),
        "GOROOT": str(toolchain.goroot),
        "HOME": str(home),
        "GOPATH": str(home / "go"),
        "GOMODCACHE": str(home / "go" / "pkg" / "mod"),
        "GOCACHE": str(gocache),
        "GOTMPDIR": "",
        "TMPDIR": str(home),
        "GOTOOLCHAIN": "local",
        "GOPROXY": "off",
        "GOSUMDB": "off",
        "GONOSUMDB": "",
        "GOPRIVATE": "",
        "GOFLAGS": "",
        "GOENV": "off",
        "GOWORK": "off",
        "GOTELEMETRY": "off",
        "GO111MODULE": "",
        "CGO_ENABLED": "0",
        "LANG": "C",
        "LC_ALL": "C",
    }


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def run_job(job: Job, gocache: Path, timeout: float, procs: int | None = None) -> RunResult:
    """Write the example to the file its command names in a fresh directory and run the command there.

    `procs`: GOMAXPROCS of the go command and the compiler and linker it starts (their share of the cores when
    several run at once, with GOGC=400: these small programs trade a little memory for less GC); None leaves
    Go's defaults."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="goverify-") as tmp:
        work = Path(tmp) / "src"
        home = Path(tmp) / "home"
        work.mkdir()
        home.mkdir()
        # Go's telemetry ignores GOTELEMETRY=off in the environment; in a fresh HOME it is "local" and each go
        # command forks a detached (setsid) child that outlives it, escapes the process-group kill, costs a
        # process per run and writes into this directory while it is removed. `go telemetry off` writes this
        # file.
        (home / ".config" / "go" / "telemetry").mkdir(parents=True)
        (home / ".config" / "go" / "telemetry" / "mode").write_text("off", encoding="utf-8")
        target = work / job.file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(job.source, encoding="utf-8")
        if job.command.needs_module:
            (work / "go.mod").write_text("module example\n\ngo 1.21\n", encoding="utf-8")
        gocache.mkdir(parents=True, exist_ok=True)
        try:
            process = subprocess.Popen(
                [str(job.toolchain.go), *job.command.argv[1:]],
                cwd=work,
                env={**hermetic_env(job.toolchain, gocache, home), **dict(job.command.env),
                     **({"GOMAXPROCS": str(procs), "GOGC": "400"} if procs else {})},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            return RunResult(f"goverify: cannot run {job.toolchain.go}: {exc.strerror}\n", 127, False,
                             time.monotonic() - started)
        try:
            raw, _ = process.communicate(timeout=timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raw, _ = process.communicate()
            timed_out = True
        finally:
            _kill_group(process)  # nothing the command started outlives it
        output = raw.decode("utf-8", errors="replace")
        output = output.replace(str(work) + os.sep, "./").replace(str(work), ".")
        output = output.replace(str(job.toolchain.goroot), "$GOROOT")
    return RunResult(output, process.returncode if not timed_out else -9, timed_out, time.monotonic() - started)


_TEMPORARY_GOCACHE: list[Path] = []
_GOCACHE_LOCK = threading.Lock()


def usable_gocache(gocache: Path, warnings: list[str] | None) -> Path:
    """`gocache` when Go can use it; else (a read-only cache) a temporary one for this process, with a warning:
    `go` refuses to start on a GOCACHE it can neither create nor initialise."""
    try:
        gocache.mkdir(parents=True, exist_ok=True)
        if os.access(gocache, os.W_OK) or (gocache / "ff").is_dir():
            return gocache
        reason = "Permission denied"
    except OSError as exc:
        reason = exc.strerror or str(exc)
    with _GOCACHE_LOCK:
        if not _TEMPORARY_GOCACHE:
            _TEMPORARY_GOCACHE.append(Path(tempfile.mkdtemp(prefix="goverify-gocache-")))
            atexit.register(shutil.rmtree, _TEMPORARY_GOCACHE[0], True)
        warning = f"Go build cache {gocache} is not writable ({reason}); compiling with a temporary one"
        if warnings is not None and warning not in warnings:
            warnings.append(warning)
        return _TEMPORARY_GOCACHE[0] / gocache.name


class Progress:
    """`goverify: 12/42 compiles, 3.1s` on one terminal line; silent when stderr is not a terminal."""

    def __init__(self, total: int, enabled: bool | None = None) -> None:
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.lock = threading.Lock()
        if self.enabled and total:  # at once: a cold toolchain's first compile takes seconds
            print(f"\rgoverify: 0/{total} compiles, 0.0s", end="", file=sys.stderr, flush=True)

    def step(self) -> None:
        with self.lock:
            self.done += 1
            if self.enabled:
                elapsed = time.monotonic() - self.started
                end = "\n" if self.done == self.total else ""
                print(f"\rgoverify: {self.done}/{self.total} compiles, {elapsed:.1f}s", end=end,
                      file=sys.stderr, flush=True)


@dataclass
class Runner:
    """Runs jobs not already known (from the cache or from shard results), in parallel across cores."""

    cache: Cache
    gocache_root: Path
    timeout: float = DEFAULT_TIMEOUT
    workers: int = max(1, os.cpu_count() or 1)
    known: dict[str, RunResult] | None = None  # results given from outside (shards): never run
    ran: int = 0
    warnings: list[str] | None = None

    def gocache(self, toolchain: Toolchain) -> Path:
        """Go's build cache for this toolchain (one per release and identity: they never share an entry)."""
        return self.gocache_root / f"{toolchain.version}-{key_of(toolchain.identity)[:8]}"

    def run_all(self, jobs: Iterable[Job]) -> dict[str, RunResult]:
        results: dict[str, RunResult] = {}
        todo: dict[str, Job] = {}
        for job in jobs:
            key = job.key
            if key in results or key in todo:
                continue
            if self.known is not None and key in self.known:
                results[key] = self.known[key]
                continue
            cached = self.cache.get(key)
            hit = RunResult.from_json(cached) if cached else None
            if hit is not None:
                results[key] = hit
            elif job.toolchain.go is not None:
                todo[key] = job
        if not todo:
            return results
        progress = Progress(len(todo))
        # On a cold GOCACHE every build compiles the runtime first, and parallel builds would each compile it:
        # the first job of each toolchain runs before the others of that toolchain (other toolchains go on).
        first_done: dict[Path, threading.Event] = {}
        first_lock = threading.Lock()
        # The others run `workers` at a time, each Go process on its share of the cores: two builds at once
        # with GOMAXPROCS=2 each, on two cores, spend 15-20% more CPU (GC workers, idle spinning) for the
        # same output.
        pool_size = min(self.workers, len(todo))
        cores = os.cpu_count() or 1
        share = max(1, cores // pool_size) if pool_size > 1 else None

        def work(item: tuple[str, Job]) -> tuple[str, RunResult]:
            key, job = item
            gocache = self.gocache(job.toolchain)
            with first_lock:
                done = first_done.get(gocache)
                leader = done is None
                if leader:
                    done = first_done[gocache] = threading.Event()
            if not leader:
                done.wait()
            try:
                result = run_job(job, usable_gocache(gocache, self.warnings), self.timeout,
                                 None if leader else share)
            finally:
                done.set()
            progress.step()
            return key, result

        with ThreadPoolExecutor(max_workers=pool_size) as pool:
            for key, result in pool.map(work, todo.items()):
                results[key] = result
                self.ran += 1
                if not result.timed_out:
                    warning = self.cache.put(key, result.to_json())
                    if warning and self.warnings is not None:
                        self.warnings.append(warning)
        return results
