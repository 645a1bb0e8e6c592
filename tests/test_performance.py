"""What keeps builds cheap, proven by behaviour, never by timing (`make bench` measures the times)."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from conftest import build, plugin, write_site
from goverify import runner
from goverify.cache import Cache
from goverify.command import parse_command
from goverify.engine import Engine, Settings
from goverify.runner import Job, Progress, Runner, RunResult
from goverify.toolchains import Toolchain, resolve
from goverify.versions import parse_version
from releases import BOTH, NEW

EXAMPLE = """
```go
package main

func f{n}() *int {{
	n := {n} // moved to heap: n
	return &n
}}

func main() {{ _ = f{n}() }}
```

执行 `go build -gcflags="-m -l" main.go`：

```
# command-line-arguments
./main.go:4:2: moved to heap: n
```
"""


def _toolchain(version: str) -> Toolchain:
    return Toolchain(version, parse_version(version), Path("/nonexistent/bin/go"), Path("/nonexistent"),
                     f"go{version} linux/amd64")


def _recording(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    """run_job and prepare replaced by stand-ins that record when each starts and ends (what is proven here is the
    order the runner starts things in, not what they print)."""
    events: list[tuple[str, str, str]] = []
    lock = threading.Lock()

    def fake_run_job(job: Job, gocache: Path, timeout: float, procs: int | None = None, direct=None,
                     artifacts=None) -> RunResult:
        with lock:
            events.append(("start", job.toolchain.spec, job.source))
        time.sleep(0.01)  # long enough for other workers to try to start
        with lock:
            events.append(("end", job.toolchain.spec, job.source))
        return RunResult("", 0)

    def fake_prepare(toolchain: Toolchain, env: tuple, jobs: list[Job], gocache: Path, timeout: float):
        with lock:
            events.append(("prepare", toolchain.spec, str(len(jobs))))
        time.sleep(0.02)
        with lock:
            events.append(("prepared", toolchain.spec, ""))
        return runner.Setup({}, {"runtime": "/nonexistent/runtime.a"})

    monkeypatch.setattr(runner, "run_job", fake_run_job)
    monkeypatch.setattr(runner, "prepare", fake_prepare)
    return events


def test_the_first_compile_of_a_toolchain_runs_alone_so_a_cold_gocache_compiles_the_runtime_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = _recording(monkeypatch)
    command = parse_command("go vet main.go")  # run as stated (direct.py compiles only go build)
    versions = ("1.26.6", NEW)
    jobs = [Job(f"package main // {i}\n", command, _toolchain(v)) for i in range(6) for v in versions]
    results = Runner(Cache(None), tmp_path / "gocache", workers=4).run_all(jobs)
    assert len(results) == 12
    assert not any(e[0] == "prepare" for e in events)
    for version in versions:
        mine = [e for e in events if e[1] == version]
        assert mine[0][0] == "start"
        assert mine[1] == ("end", *mine[0][1:]), "a compile of this toolchain started before the first ended"


def test_jobs_compiled_directly_start_once_their_toolchain_is_prepared_and_then_run_side_by_side(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`prepare` (whose `go list -export` compiles the standard library into a cold GOCACHE) runs once per toolchain,
    before any job of that toolchain; then its jobs, the first one included, run in parallel."""
    events = _recording(monkeypatch)
    command = parse_command('go build -gcflags="-m -l" main.go')
    versions = ("1.26.6", NEW)
    jobs = [Job(f"package main\n\nfunc main() {{}} // {i}\n", command, _toolchain(v))
            for i in range(6) for v in versions]
    results = Runner(Cache(None), tmp_path / "gocache", workers=4).run_all(jobs)
    assert len(results) == 12
    for version in versions:
        mine = [e for e in events if e[1] == version]
        assert mine[:2] == [("prepare", version, "6"), ("prepared", version, "")]
        assert [e[0] for e in mine].count("prepare") == 1
        first, second = [i for i, e in enumerate(mine) if e[0] == "start"][:2]
        assert second < mine.index(("end", *mine[first][1:])), "the first compile of the toolchain ran alone"


def test_progress_is_one_line_on_a_terminal_and_silent_elsewhere(capsys: pytest.CaptureFixture[str]) -> None:
    quiet = Progress(2)  # pytest's stderr is not a terminal
    quiet.step()
    quiet.step()
    assert capsys.readouterr().err == ""
    shown = Progress(2, enabled=True)
    shown.step()
    shown.step()
    err = capsys.readouterr().err
    assert re.fullmatch(r"\rgoverify: 0/2 compiles, 0\.0s\rgoverify: 1/2 compiles, \d+\.\ds"
                        r"\rgoverify: 2/2 compiles, \d+\.\ds\n", err), err


def test_a_page_scanned_and_checked_twice_in_one_build_is_worked_out_once(tmp_path: Path) -> None:
    engine = Engine(Settings(root=tmp_path), toolchains=[_toolchain(NEW)])
    text = "# No examples\n\nJust prose.\n"
    page = engine.scan(text, "docs/index.md", 3)
    assert engine.scan(text, "docs/index.md", 3) is page
    assert engine.scan(text, "docs/index.md", 0) is not page  # another line offset: other locations
    assert engine.run([page]) == 0 and engine.run([page]) == 0
    assert engine.check(page) is engine.check(page)


def _compiled(log: str) -> int:
    m = re.search(r"goverify: compiled (\d+) example × release pairs", log)
    assert m, log
    return int(m.group(1))


def test_a_warm_build_runs_no_go_and_an_edit_recompiles_only_that_example_on_each_release(
    tmp_path: Path,
) -> None:
    pages = {"index.md": "# Two examples\n" + EXAMPLE.format(n=1) + EXAMPLE.format(n=2)}
    write_site(tmp_path, pages, plugin=plugin(go_versions=BOTH))
    cold = build(tmp_path, debug=True)
    assert cold.returncode == 0, cold.log
    per_example = _compiled(cold.log) // 2
    assert per_example >= 2  # each release at least
    warm = build(tmp_path, debug=True)
    assert warm.returncode == 0, warm.log
    assert _compiled(warm.log) == 0
    index = tmp_path / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("func main() { _ = f2() }",
                                                               "func main() { _ = f2() } // edited"),
                     encoding="utf-8")
    edited = build(tmp_path, debug=True)
    assert edited.returncode == 0, edited.log
    assert _compiled(edited.log) == per_example


def test_a_run_starts_no_telemetry_child_that_would_outlive_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Go's telemetry ignores GOTELEMETRY=off; in a fresh HOME each go command would fork a detached child."""
    kept = tmp_path / "run"

    class KeptDirectory:
        def __init__(self, prefix: str = "") -> None:
            kept.mkdir()

        def __enter__(self) -> str:
            return str(kept)

        def __exit__(self, *exc: object) -> None:
            pass

    monkeypatch.setattr(runner.tempfile, "TemporaryDirectory", KeptDirectory)
    toolchain = resolve(NEW)
    source = EXAMPLE.format(n=3).split("```go\n")[1].split("```")[0]
    job = Job(source, parse_command("go build -gcflags=-m main.go"), toolchain)
    gocache = Runner(Cache(None), Path(os.environ["GOVERIFY_GOCACHE"])).gocache(toolchain)  # warm: no runtime build
    result = runner.run_job(job, gocache, 60)
    assert "moved to heap: n" in result.output
    telemetry = kept / "home" / ".config" / "go" / "telemetry"
    assert sorted(p.name for p in telemetry.iterdir()) == ["mode"]  # no counters, no upload child


def test_what_a_build_kept_is_let_go_when_mkdocs_shuts_down(tmp_path: Path) -> None:
    # Alive at the interpreter's exit, a big build's pages, verdicts and parsed outputs cost seconds to tear down.
    from goverify.output import parse_output
    from goverify.reasons import parse_reasons
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    write_site(tmp_path, {"index.md": "# One example\n" + EXAMPLE.format(n=1)}, plugin=plugin(go_versions=[NEW]))
    config = load_config(str(tmp_path / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    mkdocs_build(config)
    goverify = config.plugins["goverify"]
    assert goverify.build is not None and goverify.build.verdicts
    assert parse_output.cache_info().currsize and parse_reasons.cache_info().currsize
    config.plugins.on_shutdown()
    assert goverify.build is None
    assert parse_output.cache_info().currsize == 0 and parse_reasons.cache_info().currsize == 0


def test_a_warm_build_of_fragments_that_borrow_runs_no_go_from_the_pages_pack_alone(tmp_path: Path) -> None:
    """Both probes of a fragment that leans on an earlier fence (alone, then with the declarations it borrows) are
    kept in the page's pack with its runs: a warm build needs neither go nor the run cache."""
    page = """# Borrowing

```go
type point struct{ x, y int }
```

```go command="go build -gcflags=-m main.go"
func origin() *point {
	p := point{} // moved to heap: p
	return &p
}
```

```go
func show(p point) int {
	return p.x
}
```

```
$ go build -gcflags=-m main.go
./main.go:3:6: can inline show
```
"""
    write_site(tmp_path, {"index.md": page}, plugin=plugin(go_versions=[NEW], reasons=False))
    cold = build(tmp_path, debug=True)
    assert cold.returncode == 0, cold.log
    assert _compiled(cold.log) == 5  # origin: alone, with point (its run); show: probe, probe with point, its run
    shutil.rmtree(tmp_path / ".cache" / "goverify" / "runs")
    warm = build(tmp_path, debug=True)
    assert warm.returncode == 0, warm.log
    assert _compiled(warm.log) == 0
