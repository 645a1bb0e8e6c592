"""Test helpers: a trusted program of tests/fixtures/programs built and run in the sandbox, or run natively (natively
in the tests only, on this trusted corpus, to prove the sandbox prints what the host would)."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from goverify.cache import Cache
from goverify.programs import Program, read_run
from goverify.runner import Runner, artifact_path, hermetic_env
from goverify.sandbox import Contract, Limits, Outcome, run
from goverify.toolchains import Toolchain

PROGRAMS = Path(__file__).resolve().parent / "fixtures" / "programs"
GOCACHE = Path(os.environ.get("GOVERIFY_GOCACHE", Path(__file__).resolve().parent.parent / ".cache"
                              / "test-gocache"))
LIMITS = Limits(seconds=60.0, grace=5.0)


@dataclass(frozen=True)
class Case:
    """One trusted program: its file, the command its page would state, and what that command runs."""

    name: str
    file: str
    source: str
    stated: str
    program: Program
    module: str = "example"  # the author's module path (natively; the sandbox cannot know it)


def cases() -> list[Case]:
    found = []
    for folder in sorted(PROGRAMS.iterdir()):
        stated = (folder / "command").read_text(encoding="utf-8").strip()
        [file] = [p for p in folder.iterdir() if p.suffix == ".go"]
        program = read_run(stated, shlex.split(stated))
        assert isinstance(program, Program), (folder.name, program)
        module = folder / "module"
        found.append(Case(folder.name, file.name, file.read_text(encoding="utf-8"), stated, program,
                          module.read_text(encoding="utf-8").strip() if module.is_file() else "example"))
    return found


def sandboxed(cases: list[Case], toolchain: Toolchain, store: Path, modules: Path, times: int = 2
              ) -> dict[str, list[tuple[str, Outcome]]]:
    """Each case built for wasip1 (the runner's build job) and run `times` times: (what the terminal shows, the
    outcome) per run."""
    runner = Runner(Cache(None), GOCACHE, artifacts=store)
    jobs = {case.name: case.program.build_job(case.source, toolchain, case.file) for case in cases}
    built = runner.run_all(jobs.values())
    shown: dict[str, list[tuple[str, Outcome]]] = {}
    for case in cases:
        result = built[jobs[case.name].key]
        assert result.returncode == 0 and result.artifact, (case.name, result.output)
        wasm = artifact_path(store, result.artifact)
        shown[case.name] = []
        for _ in range(times):
            outcome = run(wasm, Contract(case.program.argv, LIMITS), modules)
            assert outcome.exit_code is not None, (case.name, outcome)
            shown[case.name].append((case.program.printed(outcome.output, outcome.exit_code, outcome.seconds),
                                     outcome))
    return shown


def native(case: Case, toolchain: Toolchain) -> str:
    """The stated command run natively, as its author would in a terminal (stdout and stderr together)."""
    with tempfile.TemporaryDirectory(prefix="goverify-native-") as tmp:
        work, home = Path(tmp) / "src", Path(tmp) / "home"
        work.mkdir()
        (home / ".config" / "go" / "telemetry").mkdir(parents=True)
        (home / ".config" / "go" / "telemetry" / "mode").write_text("off", encoding="utf-8")
        (work / case.file).write_text(case.source, encoding="utf-8")
        if not case.program.files:
            (work / "go.mod").write_text(f"module {case.module}\n\ngo {toolchain.version.minor_name}\n",
                                         encoding="utf-8")
        env = hermetic_env(toolchain, Runner(Cache(None), GOCACHE).gocache(toolchain), home)
        started = time.monotonic()
        done = subprocess.run([str(toolchain.go), *shlex.split(case.stated)[1:]], cwd=work, env=env,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=300, check=False)
        assert time.monotonic() - started < 300
        return done.stdout.decode("utf-8", errors="replace")
