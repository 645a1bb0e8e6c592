"""Run `go build`/`go vet` on examples: hermetic, bounded in time, in parallel, and remembered.

A job that builds a program for the sandbox (`GOOS=wasip1 GOARCH=wasm go build -o prog.wasm`, or `go test -c`)
names the file it leaves (`Job.keep`): the runner keeps it by its hash in `Runner.artifacts`, and its result names
that hash (`RunResult.artifact`). Like every job, it runs with the toolchain's own GOCACHE, so the standard library
for wasip1 is compiled once per release. A job that runs such a program (`Job.guest`: its argv) is given to the
sandbox (sandbox.py), never to the host; its result is the guest's output, exit code and outcome kind, cached like
a compile, keyed on the program's hash, its argv, the attempt, wasmtime's version and the limits.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Cache, key_of
from .command import Command
from .direct import (
    LIST_FORMAT,
    Compile,
    Template,
    as_go_prints,
    compile_template,
    import_config,
    lacks_main,
    parse_exports,
    parse_template,
    probe_source,
    read_head,
    shape,
    why_not,
)
from .sandbox import STRATEGY, Contract, Limits, runtime_version
from .sandbox import run as run_in_sandbox
from .toolchains import Toolchain

DEFAULT_TIMEOUT = 60.0  # seconds one command may run
SANDBOX_LIMITS = Limits()  # what a program run in the sandbox may use (sandbox.py)


@dataclass(frozen=True)
class Job:
    """One example's source, written to `file` and compiled by one command on one toolchain."""

    source: str
    command: Command
    toolchain: Toolchain
    file: str = "main.go"
    keep: str = ""  # the file the command leaves that is kept (a program built for the sandbox), relative to it
    guest: tuple[str, ...] = ()  # a run in the sandbox: `source` is the program's sha256, this its argv
    attempt: int = 0  # the same run made again (lines that differ between two runs are not compared)
    long: bool = field(default=False, compare=False)  # started first in its batch (a benchmark run for its benchtime)
    scratch: bool = False  # the run gets a private empty /tmp (sandbox.Contract.scratch)

    @property
    def key(self) -> str:
        if self.guest:
            return key_of("sandbox", self.source, "\0".join(self.guest), str(self.attempt), self.toolchain.identity,
                          runtime_version() or "none", STRATEGY, json.dumps(SANDBOX_LIMITS.to_json(), sort_keys=True),
                          *(("scratch",) if self.scratch else ()))
        return _job_key(self.source, self.command.argv, self.file, self.command.env, self.toolchain.identity,
                        self.keep)


@dataclass(frozen=True)
class RunResult:
    """What a reader typing the command would see: combined output and exit status."""

    output: str
    returncode: int
    timed_out: bool = False
    seconds: float = 0.0
    artifact: str = ""  # the sha256 of the file the job keeps (Job.keep), stored as Runner.artifacts/<sha>.wasm
    kind: str = ""  # a sandbox run that did not end by itself: sandbox.KINDS (returncode is then -1)
    detail: str = ""  # ... the trap's words

    def to_json(self) -> dict:
        data = {"output": self.output, "returncode": self.returncode, "timed_out": self.timed_out,
                "seconds": round(self.seconds, 3)}
        extra = {"artifact": self.artifact, "kind": self.kind, "detail": self.detail}
        return {**data, **{k: v for k, v in extra.items() if v}}

    @classmethod
    def from_json(cls, data: dict) -> RunResult | None:
        try:
            return cls(str(data["output"]), int(data["returncode"]), bool(data.get("timed_out", False)),
                       float(data.get("seconds", 0.0)), str(data.get("artifact", "")), str(data.get("kind", "")),
                       str(data.get("detail", "")))
        except (KeyError, TypeError, ValueError):
            return None


@functools.lru_cache(maxsize=16384)  # the same job is keyed by the run, the check and the shard writer
def _job_key(source: str, argv: tuple[str, ...], file: str, env: tuple[tuple[str, str], ...], identity: str,
             keep: str) -> str:
    parts = ("run", source, "\0".join(argv), file, "\0".join(f"{k}={v}" for k, v in env), identity)
    return key_of(*parts, "keep", keep) if keep else key_of(*parts)


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


@dataclass
class Setup:
    """What compiling one toolchain's jobs directly needs (direct.py): the go command's compile arguments for each
    shape of job, read from `go build -n`; the standard library's export data, from `go list -export`; and what the
    link prints for a `package main` without `func main`, from a real `go build` of such a file."""

    templates: dict[tuple, Template | None]
    exports: dict[str, str]
    unlinked: dict[tuple, tuple[str, int] | None] = field(default_factory=dict)

    def compile_for(self, job: Job) -> Compile | None:
        """How to compile this job directly; None: run it as stated."""
        head = read_head(job.source)
        if head is None:
            return None
        key = shape(job.command, job.file, head.package == "main")
        template = self.templates.get(key)
        config = import_config(template, head, self.exports) if template is not None else None
        if config is None:
            return None
        if not template.header or not lacks_main(job.source, head):
            return Compile(template, config)
        link = self.unlinked.get(key)
        return Compile(template, config, link) if link is not None else None


@contextlib.contextmanager
def _private_dirs() -> Iterator[tuple[Path, Path, Path]]:
    """A fresh temporary directory: `src` (where the example is written and the command runs), a private `home`,
    and `gowork` (the go command's work directory, when the compiler runs directly)."""
    with tempfile.TemporaryDirectory(prefix="goverify-") as tmp:
        work, home, gowork = Path(tmp) / "src", Path(tmp) / "home", Path(tmp) / "gowork"
        work.mkdir()
        gowork.mkdir()
        # Go's telemetry ignores GOTELEMETRY=off in the environment; in a fresh HOME it is "local" and each go
        # command forks a detached (setsid) child that outlives it, escapes the process-group kill, costs a
        # process per run and writes into this directory while it is removed. `go telemetry off` writes this
        # file.
        (home / ".config" / "go" / "telemetry").mkdir(parents=True)
        (home / ".config" / "go" / "telemetry" / "mode").write_text("off", encoding="utf-8")
        yield work, home, gowork


def _spawn(argv: list[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple[str, int, bool]:
    """Run a process in its own group, stdout and stderr together; (output, exit status, timed out). On expiry the
    whole group is killed, and nothing it started outlives it either way."""
    try:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as exc:
        return f"goverify: cannot run {argv[0]}: {exc.strerror}\n", 127, False
    try:
        raw, _ = process.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raw, _ = process.communicate()
        timed_out = True
    finally:
        _kill_group(process)
    return raw.decode("utf-8", errors="replace"), process.returncode if not timed_out else -9, timed_out


def _relative(output: str, work: Path) -> str:
    """Output with the work directory named as the go command names the folder it runs in (`./main.go`)."""
    return output.replace(str(work) + os.sep, "./").replace(str(work), ".")


def _environment(job: Job, gocache: Path, home: Path, procs: int | None) -> dict[str, str]:
    return {**hermetic_env(job.toolchain, gocache, home), **dict(job.command.env),
            **({"GOMAXPROCS": str(procs), "GOGC": "400"} if procs else {})}


def artifact_path(artifacts: Path, digest: str) -> Path:
    """Where a kept file lives: by its hash, so the same program built twice is stored once."""
    return artifacts / digest[:2] / f"{digest}.wasm"


def _keep(built: Path, artifacts: Path) -> str:
    """Store a file the job left (atomically: a reader sees all of it or nothing); return its sha256."""
    data = built.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    target = artifact_path(artifacts, digest)
    if not target.is_file():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".wasm-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, target)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return digest


def run_guest(job: Job, artifacts: Path | None) -> RunResult:
    """Run a program built for wasip1 in the sandbox: its output (stdout and stderr as written), its exit code (-1
    when it did not exit by itself: `kind` says why)."""
    wasm = artifact_path(artifacts, job.source) if artifacts is not None else None
    if wasm is None or not wasm.is_file():
        return RunResult("", -1, False, 0.0, kind="crash", detail="the program built for the sandbox is gone")
    outcome = run_in_sandbox(wasm, Contract(job.guest, SANDBOX_LIMITS, job.scratch), artifacts / "modules")
    return RunResult(outcome.output, -1 if outcome.exit_code is None else outcome.exit_code, False, outcome.seconds,
                     kind=outcome.kind or ("output" if outcome.stdout_truncated or outcome.stderr_truncated else ""),
                     detail=outcome.detail)


def run_job(job: Job, gocache: Path, timeout: float, procs: int | None = None,
            direct: Compile | None = None, artifacts: Path | None = None) -> RunResult:
    """Write the example to the file its command names in a fresh directory and run the command there: the go
    command as stated, or, given `direct` (`Setup.compile_for`), the compiler as the go command would run it.

    `procs`: GOMAXPROCS of the go command and the compiler and linker it starts (their share of the cores when
    several run at once, with GOGC=400: these small programs trade a little memory for less GC); None leaves
    Go's defaults."""
    started = time.monotonic()
    with _private_dirs() as (work, home, gowork):
        target = work / job.file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(job.source, encoding="utf-8")
        if job.command.needs_module:
            # A program built to run states the release it is built with (as `go mod init` on it writes): its
            # language version decides what it does (Go 1.22's per-iteration loop variables).
            language = job.toolchain.version.minor_name if job.keep else "1.21"
            (work / "go.mod").write_text(f"module example\n\ngo {language}\n", encoding="utf-8")
        gocache.mkdir(parents=True, exist_ok=True)
        env = _environment(job, gocache, home, procs)
        if direct is None:
            output, status, timed_out = _spawn([str(job.toolchain.go), *job.command.argv[1:]], work, env, timeout)
        else:
            argv = [arg.replace("$WORK", str(gowork)) for arg in direct.template.argv]
            importcfg = Path(direct.template.importcfg.replace("$WORK", str(gowork)))
            importcfg.parent.mkdir(parents=True, exist_ok=True)
            importcfg.write_text(direct.importcfg, encoding="utf-8")
            if "-o" in argv:
                Path(work, argv[argv.index("-o") + 1]).parent.mkdir(parents=True, exist_ok=True)
            output, status, timed_out = _spawn(argv, work, env, timeout)
            output = output.replace(str(gowork), "$WORK")
            if not timed_out:
                output, status = as_go_prints(direct, output, status)
        output = _relative(output, work).replace(str(job.toolchain.goroot), "$GOROOT")
        artifact = ""
        if job.keep and artifacts is not None and status == 0 and not timed_out and (work / job.keep).is_file():
            artifact = _keep(work / job.keep, artifacts)
    return RunResult(output, status, timed_out, time.monotonic() - started, artifact)


def prepare(toolchain: Toolchain, env: tuple[tuple[str, str], ...], jobs: list[Job], gocache: Path,
            timeout: float) -> Setup:
    """Read, for these jobs of one toolchain and environment (each passing `direct.why_not`), the go command's
    compile arguments for each shape of job (`go build -n` of a probe file, which runs nothing), the export data of
    every package they import (`go list -export`, which compiles what GOCACHE lacks, as a first build would), and,
    for shapes with a `package main` lacking `func main`, what the link says of one (a real `go build`)."""
    shapes: dict[tuple, Job] = {}
    unlinked_shapes: set[tuple] = set()
    imports: set[str] = set()
    for job in jobs:
        head = read_head(job.source)
        if head is not None:
            key = shape(job.command, job.file, head.package == "main")
            shapes.setdefault(key, job)
            imports.update(head.imports)
            if lacks_main(job.source, head) and job.command.subcommand != "compile":
                unlinked_shapes.add(key)
    nonce = key_of("probe", str(time.time_ns()))[:16]

    def go(job: Job, source: str, *args: str) -> tuple[str, int]:
        probe = Job(source, job.command, toolchain, job.file)
        with _private_dirs() as (work, home, _):
            (work / job.file).parent.mkdir(parents=True, exist_ok=True)
            (work / job.file).write_text(source, encoding="utf-8")
            printed, status, _ = _spawn([str(toolchain.go), *args], work, _environment(probe, gocache, home, None),
                                        timeout)
        return _relative(printed, work), status

    templates: dict[tuple, Template | None] = {}
    for key, job in shapes.items():
        if job.command.subcommand == "compile":
            templates[key] = compile_template(str(toolchain.go), job.command)
            continue
        printed, status = go(job, probe_source(key[-1], nonce), job.command.argv[1], "-n", *job.command.argv[2:])
        templates[key] = parse_template(printed, job.file) if status == 0 else None
    wanted = sorted(imports | {p for t in templates.values() if t for p in t.implicit} | {"runtime"})
    exports: dict[str, str] = {}
    if any(templates.values()):
        printed, status = go(next(iter(shapes.values())), "", "list", "-e", "-export", "-f", LIST_FORMAT, *wanted)
        if status == 0:
            exports = parse_exports(printed)
    unlinked: dict[tuple, tuple[str, int] | None] = {}
    for key in unlinked_shapes:
        if templates.get(key) is None:
            continue
        job = shapes[key]
        printed, status = go(job, probe_source(True, nonce, with_main=False), *job.command.argv[1:])
        printed = printed.replace(str(toolchain.goroot), "$GOROOT")  # as run_job names it
        # Nothing but the link's complaint, under its `# command-line-arguments`: the compile of the probe prints
        # nothing with these flags.
        unlinked[key] = (printed, status) if status != 0 and printed.startswith(templates[key].header + "\n") \
            and "\n./" not in printed else None
    return Setup(templates, exports, unlinked)


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
class _Group:
    """The jobs of one toolchain in one `run_all`: who goes first, and what compiling directly needs."""

    ready: threading.Event = field(default_factory=threading.Event)
    started: bool = False
    direct: dict[tuple, list[Job]] = field(default_factory=dict)  # environment -> jobs the compiler can run
    direct_keys: set[str] = field(default_factory=set)
    setups: dict[tuple, Setup] = field(default_factory=dict)


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
    direct: int = 0  # of the runs, those the compiler made without the go command (direct.py)
    artifacts: Path | None = None  # where the files jobs keep are stored (Job.keep); None: not kept

    def has_artifact(self, result: RunResult) -> bool:
        return bool(result.artifact) and self.artifacts is not None and \
            artifact_path(self.artifacts, result.artifact).is_file()

    def gocache(self, toolchain: Toolchain) -> Path:
        """Go's build cache for this toolchain (one per release and identity: they never share an entry)."""
        return self.gocache_root / f"{toolchain.version}-{key_of(toolchain.identity)[:8]}"

    def run_all(self, jobs: Iterable[Job]) -> dict[str, RunResult]:
        results, todo = self._lookup(jobs)
        if not todo:
            return results
        return results | self._run(todo)

    def _lookup(self, jobs: Iterable[Job]) -> tuple[dict[str, RunResult], dict[str, Job]]:
        """What is known (shards) or cached already, and the jobs left to run (by key, each once)."""
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
            if hit is not None and job.keep and hit.returncode == 0 and not self.has_artifact(hit):
                hit = None  # the kept file is gone: build it again
            if hit is not None:
                results[key] = hit
            elif job.toolchain.go is not None:
                todo[key] = job
        return results, todo

    def _run(self, todo: dict[str, Job]) -> dict[str, RunResult]:
        """Run the jobs not known yet, in parallel; cache what they give."""
        results: dict[str, RunResult] = {}
        progress = Progress(len(todo))
        # Jobs the compiler can run directly (direct.py), by toolchain and environment; the others run as stated.
        groups: dict[Path, _Group] = {}
        for key, job in todo.items():
            group = groups.setdefault(self.gocache(job.toolchain), _Group())
            if not job.keep and not job.guest and why_not(job.source, job.command, job.file) is None:
                group.direct.setdefault(job.command.env, []).append(job)
                group.direct_keys.add(key)
        # On a cold GOCACHE every build compiles the runtime first, and parallel builds would each compile it: the
        # first job of each toolchain goes first, alone (other toolchains go on). With jobs to compile directly it
        # first reads the go command's arguments and the export data (`prepare`), which compiles the standard
        # library they import, once, with every core; the others then start at once.
        lock = threading.Lock()
        # The others run `workers` at a time, each Go process on its share of the cores: two builds at once
        # with GOMAXPROCS=2 each, on two cores, spend 15-20% more CPU (GC workers, idle spinning) for the
        # same output.
        pool_size = min(self.workers, len(todo))
        cores = os.cpu_count() or 1
        share = max(1, cores // pool_size) if pool_size > 1 else None

        def work(item: tuple[str, Job]) -> tuple[str, RunResult]:
            key, job = item
            if job.guest:
                result = run_guest(job, self.artifacts)
                progress.step()
                return key, result
            gocache = self.gocache(job.toolchain)
            group = groups[gocache]
            with lock:
                leader = not group.started
                group.started = True
            usable = usable_gocache(gocache, self.warnings)
            procs = share
            if not leader:
                group.ready.wait()
            else:
                try:
                    for env, jobs in group.direct.items():
                        group.setups[env] = prepare(job.toolchain, env, jobs, usable, self.timeout)
                except BaseException:
                    group.ready.set()  # the others run as stated rather than wait for a setup that never comes
                    raise
                finally:
                    if any(setup.exports for setup in group.setups.values()):
                        group.ready.set()  # `go list -export` compiled what the others need: they go on
                    else:
                        procs = None  # alone, with Go's own parallelism
            setup = group.setups.get(job.command.env) if key in group.direct_keys else None
            direct = setup.compile_for(job) if setup is not None else None
            try:
                result = run_job(job, usable, self.timeout, procs, direct, self.artifacts)
            finally:
                group.ready.set()
            if direct is not None:
                with lock:
                    self.direct += 1
            progress.step()
            return key, result

        # Long jobs first (benchmarks, each for its benchtime): the short ones after them fill the cores to the end.
        ordered = sorted(todo.items(), key=lambda item: not item[1].long)
        with ThreadPoolExecutor(max_workers=pool_size) as pool:
            for key, result in pool.map(work, ordered):
                results[key] = result
                self.ran += 1
                if not result.timed_out and result.kind not in {"crash", "unavailable"}:
                    warning = self.cache.put(key, result.to_json())
                    if warning and self.warnings is not None:
                        self.warnings.append(warning)
        return results
