"""The sandbox's contract (sandbox.py), proven with hostile programs: each is built for wasip1 by the real go command
(programs.py's build job, through the runner) and run by the real wasmtime. Each is bounded (it ends within its
limit), contained (nothing of the host is read, written, reached or leaked) and said (a stable kind, or the guest's
own error).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest
from goverify.cache import Cache
from goverify.programs import Program, denied
from goverify.runner import Runner, artifact_path
from goverify.sandbox import MIB, Contract, Limits, Outcome, module_key, run, runtime_version
from goverify.toolchains import resolve
from releases import NEW

pytestmark = pytest.mark.xdist_group("sandbox")
LIMITS = Limits(seconds=3.0, grace=2.0, memory=256 * MIB, output=1 * MIB)
MARKER = "GOVERIFY_HOST_MARKER"

HOSTILE = {
    "loop": """package main

func main() {
	x := 0
	for {
		x++
	}
}
""",
    "sleep": """package main

import (
	"fmt"
	"time"
)

func main() {
	fmt.Println("sleeping")
	time.Sleep(time.Hour)
	fmt.Println("woke")
}
""",
    "alloc": """package main

import "fmt"

var keep [][]byte

func main() {
	for i := 0; i < 256; i++ { // 256 x 64 MiB: 16 GiB, each page touched
		b := make([]byte, 64<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = 1
		}
		keep = append(keep, b)
	}
	fmt.Println("allocated", len(keep))
}
""",
    "output": """package main

import (
	"bufio"
	"os"
	"strings"
)

func main() {
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	line := strings.Repeat("x", 99) + "\\n"
	for i := 0; i < 2_500_000; i++ { // 250 MB
		w.WriteString(line)
	}
	w.Flush()
}
""",
    "recurse": """package main

import "fmt"

func depth(n int) int {
	if n == 0 {
		return 0
	}
	return depth(n-1) + 1
}

func main() {
	fmt.Println(depth(100_000_000))
}
""",
    "passwd": """package main

import (
	"fmt"
	"os"
)

func main() {
	data, err := os.ReadFile("/etc/passwd")
	fmt.Printf("%d %q %v\\n", len(data), data, err)
	entries, err := os.ReadDir("/")
	fmt.Println(len(entries), err)
}
""",
    "write": """package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println(os.WriteFile(os.Args[1], []byte("escaped\\n"), 0o644))
}
""",
    "env": """package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Println(len(os.Environ()), os.Environ(), os.Getenv("GOVERIFY_HOST_MARKER"), len(os.Args), os.Args)
}
""",
    "dial": """package main

import (
	"fmt"
	"net"
	"os"
)

func main() {
	conn, err := net.Dial("tcp", "127.0.0.1:"+os.Args[1])
	fmt.Println(conn == nil, err)
}
""",
    "exec": """package main

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	out, err := exec.Command("/bin/sh", "-c", "echo pwned > "+os.Args[1]).Output()
	fmt.Printf("%q %v\\n", out, err)
}
""",
    "fill": """package main

import "os"

func main() {
	f, err := os.Create(os.TempDir() + "/big")
	if err != nil {
		panic(err)
	}
	chunk := make([]byte, 1<<20)
	for {
		if _, err := f.Write(chunk); err != nil {
			panic(err)
		}
	}
}
""",
    "files": """package main

import (
	"fmt"
	"os"
)

func main() {
	for i := 0; ; i++ {
		if err := os.WriteFile(fmt.Sprintf("%s/f%d", os.TempDir(), i), nil, 0o644); err != nil {
			panic(err)
		}
	}
}
""",
    "scratch": """package main

import (
	"fmt"
	"os"
)

func main() {
	entries, err := os.ReadDir(os.TempDir())
	fmt.Println(os.TempDir(), len(entries), err)
	fmt.Println(os.WriteFile(os.TempDir()+"/note", []byte("mine"), 0o644))
}
""",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each hostile program built for wasip1 with the newest release (the runner's build job, kept by its hash)."""
    if runtime_version() is None:
        pytest.skip("wasmtime is not installed (`make test` installs it with goverify)")
    toolchain = resolve(NEW)
    store = tmp_path_factory.mktemp("artifacts")
    runner = Runner(Cache(None), Path(os.environ["GOVERIFY_GOCACHE"]), artifacts=store)
    jobs = {name: Program(test=False, files=("main.go",)).build_job(source, toolchain, "main.go")
            for name, source in HOSTILE.items()}
    results = runner.run_all(jobs.values())
    paths = {}
    for name, job in jobs.items():
        result = results[job.key]
        assert result.returncode == 0 and result.artifact, result.output
        paths[name] = artifact_path(store, result.artifact)
    return paths


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("modules")


def _run(built: dict[str, Path], modules: Path, name: str, *args: str, scratch: bool = False,
         limits: Limits = LIMITS) -> tuple[Outcome, float]:
    started = time.monotonic()
    outcome = run(built[name], Contract((name, *args), limits, scratch), modules)
    return outcome, time.monotonic() - started


def _bounded(elapsed: float, outcome: Outcome, limits: Limits = LIMITS) -> None:
    # The module's compile comes before the guest's clock; what follows it is within the limit and its grace.
    assert elapsed - outcome.compile_seconds < limits.seconds + limits.grace + 5.0


def test_an_infinite_loop_is_interrupted_at_the_deadline(built, modules) -> None:
    outcome, elapsed = _run(built, modules, "loop")
    assert (outcome.kind, outcome.exit_code) == ("timeout", None)
    assert LIMITS.seconds - 0.5 <= outcome.seconds < LIMITS.seconds + 1.0  # epoch interruption, inside
    assert outcome.detail == "wasm trap: interrupt"
    _bounded(elapsed, outcome)


def test_a_guest_asleep_in_a_wasi_call_is_killed_from_outside(built, modules) -> None:
    """time.Sleep blocks in poll_oneoff, where no epoch reaches: the parent kills the child's process group."""
    outcome, elapsed = _run(built, modules, "sleep")
    assert (outcome.kind, outcome.exit_code) == ("timeout", None)
    assert "killed" in outcome.detail
    assert elapsed >= LIMITS.seconds + LIMITS.grace - 0.5
    _bounded(elapsed, outcome)


def test_16_gib_of_allocation_stops_at_the_memory_cap(built, modules) -> None:
    outcome, elapsed = _run(built, modules, "alloc")
    assert (outcome.kind, outcome.exit_code) == ("memory", 2)
    assert "fatal error: out of memory" in outcome.stderr
    assert "allocated" not in outcome.stdout
    _bounded(elapsed, outcome)


def test_250_mb_of_output_is_cut_at_the_cap_and_the_guest_stopped(built, modules) -> None:
    outcome, elapsed = _run(built, modules, "output")
    assert (outcome.kind, outcome.exit_code, outcome.stdout_truncated) == ("output", None, True)
    assert len(outcome.stdout.encode()) == LIMITS.output
    assert outcome.stdout.startswith("x" * 99 + "\n")
    assert outcome.seconds < LIMITS.seconds  # stopped at the cap, not at the deadline
    _bounded(elapsed, outcome)


def test_deep_recursion_traps_on_the_default_stack(built, modules) -> None:
    outcome, elapsed = _run(built, modules, "recurse")
    assert (outcome.kind, outcome.exit_code) == ("stack", None)
    assert outcome.detail == "wasm trap: call stack exhausted"
    _bounded(elapsed, outcome)


def test_the_hosts_files_cannot_be_read(built, modules) -> None:
    assert Path("/etc/passwd").read_text(encoding="utf-8").startswith("root:")  # there is something to leak
    outcome, elapsed = _run(built, modules, "passwd")
    assert (outcome.kind, outcome.exit_code) == (None, 0)
    assert outcome.stdout == ('0 "" open /etc/passwd: Bad file number\n'
                              "0 open /: Bad file number\n")
    assert denied(HOSTILE["passwd"]) == ("sandbox-files",)
    _bounded(elapsed, outcome)


def test_nothing_is_written_outside(built, modules, tmp_path: Path) -> None:
    target = tmp_path / "escaped.txt"
    outcome, elapsed = _run(built, modules, "write", str(target))
    assert (outcome.kind, outcome.exit_code) == (None, 0)
    assert outcome.stdout == f"open {target}: Bad file number\n"
    assert not target.exists()
    assert denied(HOSTILE["write"]) == ("sandbox-files",)
    _bounded(elapsed, outcome)


def test_the_guest_sees_argv_only_and_nothing_of_the_hosts_environment(built, modules, monkeypatch) -> None:
    monkeypatch.setenv(MARKER, "leaked")
    assert os.environ[MARKER] == "leaked"
    outcome, elapsed = _run(built, modules, "env", "one")
    assert (outcome.kind, outcome.exit_code) == (None, 0)
    assert outcome.stdout == "0 []  2 [env one]\n"
    assert "leaked" not in outcome.output
    _bounded(elapsed, outcome)


def test_a_listener_on_the_host_is_never_reached(built, modules) -> None:
    accepted: list[object] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.2)
        port = listener.getsockname()[1]
        done = threading.Event()

        def accept() -> None:
            while not done.is_set():
                try:
                    accepted.append(listener.accept())
                except OSError:
                    continue

        thread = threading.Thread(target=accept)
        thread.start()
        try:
            outcome, elapsed = _run(built, modules, "dial", str(port))
        finally:
            done.set()
            thread.join()
    assert accepted == []
    assert (outcome.kind, outcome.exit_code) == (None, 0)
    assert outcome.stdout.startswith(f"true dial tcp 127.0.0.1:{port}: ")  # Go's in-process simulation refuses
    assert denied(HOSTILE["dial"]) == ("sandbox-network",)
    _bounded(elapsed, outcome)


def test_no_process_is_started(built, modules, tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    outcome, elapsed = _run(built, modules, "exec", str(target))
    assert (outcome.kind, outcome.exit_code) == (None, 0)
    assert outcome.stdout.startswith('"" ') and "pwned" not in outcome.stdout
    assert not target.exists()
    assert "sandbox-exec" in denied(HOSTILE["exec"])
    _bounded(elapsed, outcome)


def test_the_one_directory_a_guest_may_get_is_private_empty_and_gone_after(built, modules) -> None:
    outcome, _ = _run(built, modules, "scratch", scratch=True)
    assert outcome.stdout == "/tmp 0 <nil>\n<nil>\n"  # empty when it starts; writable
    outcome, _ = _run(built, modules, "scratch", scratch=True)
    assert outcome.stdout == "/tmp 0 <nil>\n<nil>\n"  # the last run's file is not there: a new directory each run
    outcome, _ = _run(built, modules, "scratch")
    assert outcome.stdout == "/tmp 0 open /tmp: Bad file number\nopen /tmp/note: Bad file number\n"


@pytest.mark.parametrize("name", ["fill", "files"])
def test_the_guests_directory_is_capped_in_bytes_and_in_files(built, modules, name: str) -> None:
    """A guest given a directory that writes without end (one growing file, or ever more empty files) is killed
    once the directory outgrows the output cap or the file cap, long before its time limit."""
    outcome, elapsed = _run(built, modules, name, scratch=True)
    assert (outcome.kind, outcome.exit_code) == ("output", None)
    assert "in its directory; the process was killed" in outcome.detail
    assert elapsed - outcome.compile_seconds < LIMITS.seconds  # the cap stopped it, not the clock
    _bounded(elapsed, outcome)


def test_a_module_is_compiled_once_then_loaded_from_the_cache(built, tmp_path: Path) -> None:
    first, _ = _run(built, tmp_path, "env")
    again, _ = _run(built, tmp_path, "env")
    assert first.stdout == again.stdout == "0 []  1 [env]\n"
    assert first.compile_seconds > 0 and again.compile_seconds == 0
    key = module_key(built["env"].read_bytes(), runtime_version() or "")
    assert [p.name for p in tmp_path.iterdir()] == [f"{key}.cwasm"]
    (tmp_path / f"{key}.cwasm").write_bytes(b"damaged")
    damaged, _ = _run(built, tmp_path, "env")
    assert damaged.stdout == first.stdout and damaged.compile_seconds > 0  # a damaged entry is a miss


def test_outcomes_are_data_that_survive_json(built, modules) -> None:
    outcome, _ = _run(built, modules, "recurse")
    assert Outcome.from_json(outcome.to_json()) == outcome
    assert Outcome.from_json({"stdout": 1}) is None
