"""The sandbox that runs an example's program: a wasip1 module in wasmtime, in a child process. Its whole contract is
written here, where a reviewer sees it (golang/playground's sandbox.go and compiler-explorer's nsjail config do the
same):

- **what runs**: a WebAssembly module built by `GOOS=wasip1 GOARCH=wasm go build` (or `go test -c`), never a host
  binary. wasmtime compiles it to machine code inside a child Python process (`python -I this_file`), which is the
  only process that holds the guest;
- **argv**: exactly `Contract.argv`; **environment**: empty, nothing of the host's (the child process itself starts
  with an empty environment too); **stdin**: empty (`/dev/null`);
- **files**: no preopened directory, so the guest can open no path at all; or, when asked (`Contract.scratch`), one
  private empty directory mounted as `/tmp`, made for this run and removed after it, and watched: past
  `Limits.output` bytes or `_SCRATCH_ENTRIES` entries in it the child's process group is killed (`output`);
- **network, processes, signals**: WASI preview 1 has none: no socket can be opened (Go's wasip1 `net` is simulated
  inside the guest), `os/exec` fails, no signal is sent or received;
- **memory**: the guest's linear memory is capped (`Store.set_limits`, `Limits.memory`); a grow past it is refused
  and Go's runtime dies with `fatal error: out of memory`;
- **time**: enforced twice. Inside, epoch interruption traps the guest `Limits.seconds` after it starts; outside,
  the parent kills the child's whole process group `Limits.grace` later, because a guest blocked in a WASI call
  (`time.Sleep` is `poll_oneoff`) is never reached by an epoch;
- **output**: stdout and stderr are captured in the child, in the order they are written, `Limits.output` bytes
  for both together; the first byte past the cap stops the guest (an epoch tick), so 250 MB of output reaches
  neither memory, nor disk, nor the report;
- **stack**: wasmtime's default (`Config.max_wasm_stack` is not raised: above 2 MiB the host process crashed in a
  trial); deep recursion traps with `stack`.

The result is data (`Outcome`): stdout, stderr, the exit code, and when the guest did not exit by itself, a stable
`kind` (KINDS). Compiled modules are cached (`Module.serialize`), keyed by the module's hash, wasmtime's version
and the compiler strategy: a module is compiled once per binary, then loaded in milliseconds. The compiler is
Winch, wasmtime's baseline compiler: on a Go hello-world (2.5 MB of wasm) it compiles in 0.30 s of CPU against
1.89 s for Cranelift (plugins/docs/sandbox.md has the figures); run time is not what goverify compares.

This file runs as the child too (`python -I sandbox.py`): it imports nothing but the standard library at its top
level, and wasmtime only in the child.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import importlib.metadata
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

MIB = 1 << 20
# Why the guest did not exit by itself (Outcome.kind), stable: the JSON report and plugins/docs/sandbox.md name them.
KINDS = ("timeout", "memory", "stack", "output", "trap", "crash", "unavailable")
STRATEGY = "winch"  # wasmtime's baseline compiler; "cranelift" compiles ~7x slower on Go binaries
_WINCH = 2  # wasmtime_strategy_t: WASMTIME_STRATEGY_WINCH (the Python binding names only auto and cranelift)
_COMPILE_SECONDS = 300.0  # a module's compile, before the guest's clock starts
_CHILD_LOG = 4096  # bytes kept of the child's own stderr (wasmtime's messages if it crashes)
_SCRATCH_ENTRIES = 1000  # files and directories the guest's own directory may hold
_SCRATCH_POLL = 0.05  # seconds between two looks at the guest's directory


@dataclass(frozen=True)
class Limits:
    """How much the guest may use. Each is tested with a hostile program (tests/test_sandbox.py)."""

    seconds: float = 20.0  # wall clock from the guest's first instruction: then an epoch interrupt
    grace: float = 3.0  # after `seconds`, the child's process group is killed (a guest blocked in a WASI call)
    memory: int = 1024 * MIB  # linear memory (wasm32 allows 4 GiB)
    output: int = 1 * MIB  # bytes of stdout and stderr together kept; the next one stops the guest (and what the
    # files of its directory, if it has one, may hold)

    def to_json(self) -> dict:
        return {"seconds": self.seconds, "grace": self.grace, "memory": self.memory, "output": self.output}


@dataclass(frozen=True)
class Contract:
    """Everything the guest gets: its argv, its limits, and at most one private empty directory."""

    argv: tuple[str, ...]
    limits: Limits = field(default_factory=Limits)
    scratch: bool = False  # a private empty directory as /tmp (TMPDIR is then set to it: the only variable)


@dataclass(frozen=True)
class Outcome:
    """What one run of a guest produced, as data."""

    stdout: str
    stderr: str
    exit_code: int | None  # None: the guest did not exit by itself (see kind)
    output: str = ""  # stdout and stderr together, in the order the guest wrote them (what a terminal shows)
    kind: str | None = None  # one of KINDS, or None when the guest exited
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    seconds: float = 0.0  # the guest's wall clock (module compile excluded)
    compile_seconds: float = 0.0  # compiling the module (0 when it came from the cache)
    detail: str = ""  # the trap's or the crash's own words, for the message

    def to_json(self) -> dict:
        return {"stdout": self.stdout, "stderr": self.stderr, "output": self.output, "exit_code": self.exit_code,
                "kind": self.kind,
                "stdout_truncated": self.stdout_truncated, "stderr_truncated": self.stderr_truncated,
                "seconds": round(self.seconds, 3), "compile_seconds": round(self.compile_seconds, 3),
                "detail": self.detail}

    @classmethod
    def from_json(cls, data: dict) -> Outcome | None:
        try:
            kind = data.get("kind")
            code = data.get("exit_code")
            return cls(str(data["stdout"]), str(data["stderr"]), None if code is None else int(code),
                       str(data.get("output", "")), None if kind is None else str(kind),
                       bool(data.get("stdout_truncated", False)),
                       bool(data.get("stderr_truncated", False)), float(data.get("seconds", 0.0)),
                       float(data.get("compile_seconds", 0.0)), str(data.get("detail", "")))
        except (KeyError, TypeError, ValueError):
            return None


@functools.cache
def runtime_version() -> str | None:
    """wasmtime's version, or None when it is not installed (then nothing runs: `unavailable`). Asked once per
    process: every sandbox job's cache key names it, and reading the package's metadata costs about 1 ms."""
    try:
        return importlib.metadata.version("wasmtime")
    except importlib.metadata.PackageNotFoundError:
        return None


def module_key(wasm: bytes, version: str, strategy: str = STRATEGY) -> str:
    """The compiled module's cache key: the module's bytes, wasmtime's version and how it compiles."""
    digest = hashlib.sha256()
    for part in (b"goverify-module-1", version.encode(), strategy.encode(), b"epoch", wasm):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def run(wasm: Path, contract: Contract, modules: Path | None) -> Outcome:
    """Run `wasm` under `contract` in a child process; `modules`: where compiled modules are cached (None: not)."""
    if runtime_version() is None:
        return Outcome("", "", None, kind="unavailable", detail="the wasmtime package is not installed")
    limits = contract.limits
    with tempfile.TemporaryDirectory(prefix="goverify-sandbox-") as tmp:
        scratch = Path(tmp) / "scratch"
        if contract.scratch:
            scratch.mkdir()
        request = {"wasm": str(Path(wasm).resolve()), "argv": list(contract.argv), "limits": limits.to_json(),
                   "modules": str(Path(modules).resolve()) if modules is not None else None,
                   "scratch": str(scratch) if contract.scratch else None}
        log = Path(tmp) / "child.log"
        with open(log, "wb") as err:
            try:
                child = subprocess.Popen([sys.executable, "-I", str(Path(__file__).resolve())], env={},
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, cwd=tmp,
                                         start_new_session=True)
            except OSError as exc:
                return Outcome("", "", None, kind="unavailable",
                               detail=f"cannot start the sandbox: {exc.strerror}")
            try:
                lines, killed = _talk(child, json.dumps(request).encode(), limits,
                                      scratch if contract.scratch else None)
            finally:
                _kill_group(child)
                child.wait()
        if killed == "files":
            return Outcome("", "", None, kind="output", seconds=0.0,
                           detail=f"it wrote more than {limits.output} bytes or {_SCRATCH_ENTRIES} files in its "
                                  "directory; the process was killed")
        report = _parse_report(lines)
        if report is not None:
            return report
        if killed:
            return Outcome("", "", None, kind="timeout", seconds=limits.seconds + limits.grace,
                           detail="still running after the wall-clock limit; the process was killed")
        words = log.read_bytes()[-_CHILD_LOG:].decode("utf-8", errors="replace").strip()
        return Outcome("", "", None, kind="crash",
                       detail=f"the sandbox process ended with status {child.returncode}"
                       + (f": {words.splitlines()[-1]}" if words else ""))


def _talk(child: subprocess.Popen, request: bytes, limits: Limits, scratch: Path | None = None
          ) -> tuple[list[bytes], str]:
    """Send the request; read the child's lines ("started" when the guest's clock starts, then its report) until
    it ends, a deadline passes (the compile's, then the guest's plus grace), or the guest's directory (`scratch`)
    outgrows its limits. (lines, why it was cut short: "" when it was not, "timeout", "files")."""
    assert child.stdin is not None and child.stdout is not None
    with contextlib.suppress(BrokenPipeError):
        child.stdin.write(request)
        child.stdin.close()
    deadline = time.monotonic() + _COMPILE_SECONDS
    buffer = b""
    lines: list[bytes] = []
    # The report holds at most 2 * Limits.output bytes, base64-encoded: more is not the child we started.
    most = 4 * limits.output + 65536
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return lines, "timeout"
            ready = selector.select(timeout=min(left, _SCRATCH_POLL) if scratch is not None else left)
            if scratch is not None and _outgrown(scratch, limits):
                return lines, "files"
            if not ready:
                continue
            chunk = os.read(child.stdout.fileno(), 65536)
            if not chunk:
                return lines + ([buffer] if buffer else []), ""
            buffer += chunk
            if len(buffer) > most:
                return lines, ""
            *done, buffer = buffer.split(b"\n")
            for line in done:
                if line == b"started":
                    deadline = time.monotonic() + limits.seconds + limits.grace
                lines.append(line)


def _outgrown(scratch: Path, limits: Limits) -> bool:
    """The guest's directory holds more than `Limits.output` bytes (files' sizes: a sparse file counts whole, and
    a file system that allocates late is not waited for) or more than `_SCRATCH_ENTRIES` files and directories."""
    used = entries = 0
    for root, dirs, files in os.walk(scratch):
        entries += len(dirs) + len(files)
        if entries > _SCRATCH_ENTRIES:
            return True
        for name in files:
            with contextlib.suppress(OSError):  # removed by the guest meanwhile
                used += os.lstat(os.path.join(root, name)).st_size
        if used > limits.output:
            return True
    return False


def _parse_report(lines: list[bytes]) -> Outcome | None:
    for line in reversed(lines):
        if line.startswith(b"{"):
            try:
                data = json.loads(line)
            except ValueError:
                return None
            chunks = [(stream, base64.b64decode(text)) for stream, text in data["chunks"]]
            return Outcome(
                _decode(c for s, c in chunks if s == 1), _decode(c for s, c in chunks if s == 2), data["exit_code"],
                _decode(c for _, c in chunks), data["kind"], data["truncated"][0], data["truncated"][1],
                data["seconds"], data["compile_seconds"], data["detail"])
    return None


def _decode(chunks) -> str:
    return b"".join(chunks).decode("utf-8", errors="replace")


def _kill_group(child: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)


# --- the child ------------------------------------------------------------------------------------------------


class _Capture:
    """The guest's stdout (1) and stderr (2) as written, in order, up to `cap` bytes in all; the first byte past it
    stops the guest."""

    def __init__(self, cap: int, stop) -> None:
        self.cap = cap
        self.size = 0
        self.chunks: list[tuple[int, bytes]] = []
        self.truncated = [False, False]
        self.stop = stop

    def writer(self, stream: int):
        def write(data: bytes) -> int:
            written = len(data)  # all of it, as far as the guest knows: past the cap it is stopped anyway
            room = self.cap - self.size
            if len(data) > room:
                data = data[:max(room, 0)]
                if not any(self.truncated):
                    self.stop()
                self.truncated[stream - 1] = True
            if data:
                self.chunks.append((stream, data))
                self.size += len(data)
            return written
        return write

    def stderr_holds(self, words: bytes) -> bool:
        return words in b"".join(c for s, c in self.chunks if s == 2)


def _engine(wasmtime):
    config = wasmtime.Config()
    config.epoch_interruption = True
    # One compile thread: the runner already runs a job per core, and Winch's parallel compilation of a Go module
    # costs more CPU (5-10% of a whole sandbox run, measured) for no shorter a run (plugins/docs/sandbox.md).
    config.parallel_compilation = False
    if STRATEGY == "winch":
        from wasmtime import _ffi  # noqa: PLC0415 (the binding's setter refuses "winch"; the C API takes it)

        _ffi.wasmtime_config_strategy_set(config.ptr(), _WINCH)
    return wasmtime.Engine(config)


def _module(wasmtime, engine, wasm_path: str, modules: str | None) -> tuple[object, float]:
    """The compiled module, from the cache when it holds it; (module, seconds spent compiling)."""
    wasm = Path(wasm_path).read_bytes()
    cached = Path(modules) / f"{module_key(wasm, runtime_version() or '?')}.cwasm" if modules else None
    if cached is not None and cached.is_file():
        try:
            return wasmtime.Module.deserialize_file(engine, str(cached)), 0.0
        except wasmtime.WasmtimeError:
            pass  # damaged or from another build of wasmtime: compile again
    started = time.monotonic()
    module = wasmtime.Module(engine, wasm)
    seconds = time.monotonic() - started
    if cached is not None:
        with contextlib.suppress(OSError):
            cached.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cached.parent, prefix=".module-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(module.serialize())
                os.replace(tmp, cached)
            finally:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
    return module, seconds


def _kind_of_trap(wasmtime, trap, stopped_by_output: bool) -> str:
    code = getattr(trap, "trap_code", None)
    if code == wasmtime.TrapCode.INTERRUPT:
        return "output" if stopped_by_output else "timeout"
    if code == wasmtime.TrapCode.STACK_OVERFLOW:
        return "stack"
    return "trap"


def _last_words(message: str) -> str:
    """A trap's cause (`wasm trap: interrupt`), the last line of wasmtime's message after its backtrace."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _child() -> None:
    """Read a request on stdin, run the guest, print `started`, then one JSON line: the report."""
    request = json.loads(sys.stdin.buffer.read())
    limits = Limits(**request["limits"])
    out = sys.stdout.buffer
    import wasmtime  # noqa: PLC0415 (the child only: the package runs without it, saying `unavailable`)

    engine = _engine(wasmtime)
    module, compile_seconds = _module(wasmtime, engine, request["wasm"], request["modules"])
    stopped = threading.Event()

    def stop() -> None:
        stopped.set()
        engine.increment_epoch()

    capture = _Capture(limits.output, stop)
    wasi = wasmtime.WasiConfig()
    wasi.argv = request["argv"]
    wasi.env = [["TMPDIR", "/tmp"]] if request["scratch"] else []
    wasi.stdin_file = os.devnull
    wasi.stdout_custom = capture.writer(1)
    wasi.stderr_custom = capture.writer(2)
    if request["scratch"]:
        wasi.preopen_dir(request["scratch"], "/tmp")
    store = wasmtime.Store(engine)
    store.set_limits(memory_size=limits.memory)
    store.set_epoch_deadline(1)
    store.set_wasi(wasi)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    exit_code: int | None = None
    kind: str | None = None
    detail = ""
    out.write(b"started\n")
    out.flush()
    timer = threading.Timer(limits.seconds, engine.increment_epoch)
    timer.daemon = True
    started = time.monotonic()
    timer.start()
    try:
        instance = linker.instantiate(store, module)
        instance.exports(store)["_start"](store)
        exit_code = 0  # returned without proc_exit
    except wasmtime.ExitTrap as exc:
        exit_code = exc.code
    except wasmtime.Trap as exc:
        kind, detail = _kind_of_trap(wasmtime, exc, stopped.is_set()), _last_words(exc.message or str(exc))
    except wasmtime.WasmtimeError as exc:
        kind, detail = "trap", _last_words(str(exc))
    seconds = time.monotonic() - started
    timer.cancel()
    if kind is None and stopped.is_set():
        kind, exit_code = "output", None
    if exit_code == 2 and capture.stderr_holds(b"fatal error: out of memory"):
        kind = "memory"  # Go's runtime, refused a grow by Store.set_limits
    report = {"chunks": [(stream, base64.b64encode(data).decode()) for stream, data in capture.chunks],
              "exit_code": exit_code, "kind": kind, "truncated": capture.truncated, "seconds": round(seconds, 3),
              "compile_seconds": round(compile_seconds, 3), "detail": detail}
    out.write(json.dumps(report).encode() + b"\n")
    out.flush()
    os._exit(0)  # the guest's threads and the timer end with the process


if __name__ == "__main__":
    _child()
