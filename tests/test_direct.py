"""Compiling directly (direct.py) prints what the stated go command prints, byte for byte, with the same exit status.

The proof is by running both: every job goverify makes for the pages of tests/corpus, the repository's site and the
real articles in ../shared/realworld (fragment probes, runs and `-m=2` reasons), on every release `make test`
installs, is run once as stated and once compiled directly when `why_not` lets it; the outputs (after the work
directory and GOROOT are named as goverify names them) and exit statuses must be equal. Then each rule that sends a
job back to the stated command is shown to be needed: compiled directly anyway, such a job prints something else.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import REPO, SHARED
from goverify.cache import Cache
from goverify.command import parse_command
from goverify.direct import read_head, why_not
from goverify.engine import Engine, Settings
from goverify.runner import Job, Runner, prepare, run_job
from goverify.snippets import read_text
from goverify.toolchains import resolve
from releases import AFTER_OLD, OLD

RELEASES = [OLD, *AFTER_OLD]  # what `make test` installs
pytestmark = pytest.mark.xdist_group("go-test")  # on the worker that compiles test binaries: one cold compile each

PAGES = [*sorted((REPO / "tests" / "corpus").glob("*.md")), *sorted((REPO / "docs").glob("*.md")),
         *sorted((SHARED / "realworld").glob("*/docs/index.md"))]


GOCACHE = Path(os.environ["GOVERIFY_GOCACHE"])  # the tests' own (conftest)


def _gocaches() -> Runner:
    return Runner(Cache(None), GOCACHE)


@pytest.fixture(scope="module")
def jobs() -> list[Job]:
    """Every job goverify makes for the pages on the releases, once each (cache off: every run is made)."""
    toolchains = [resolve(v) for v in RELEASES]
    engine = Engine(Settings(root=REPO, cache=False, gocache=GOCACHE, snippet_dirs=[REPO / "snippets"]),
                    toolchains=toolchains)
    pages = [engine.scan(read_text(path), str(path)) for path in PAGES]
    engine.run(pages)
    # The compiles (the run stage's wasip1 builds and sandbox runs are neither run as stated nor compiled directly)
    unique = {job.key: job for job in engine.made(pages) if not job.keep and not job.guest}
    return list(unique.values())


def test_every_job_of_the_pages_prints_the_same_compiled_directly_as_run_as_stated(jobs: list[Job]) -> None:
    direct_jobs = [job for job in jobs if why_not(job.source, job.command, job.file) is None]
    assert len(direct_jobs) > len(jobs) * 0.7, "most jobs of these pages are compiled directly"
    # `go tool compile` is compared with the command typed by hand, below
    direct_jobs = [job for job in direct_jobs if job.command.subcommand != "compile"]
    runner = _gocaches()
    groups: dict[tuple, list[Job]] = {}
    for job in direct_jobs:
        groups.setdefault((job.toolchain, job.command.env), []).append(job)
    setups = {key: prepare(key[0], key[1], group, runner.gocache(key[0]), 120) for key, group in groups.items()}

    def both(job: Job) -> tuple[Job, object, object]:
        gocache = runner.gocache(job.toolchain)
        direct = setups[job.toolchain, job.command.env].compile_for(job)
        assert direct is not None, f"a job why_not lets through is not compiled directly: {job.source[:200]}"
        return job, run_job(job, gocache, 120), run_job(job, gocache, 120, None, direct)

    with ThreadPoolExecutor(max_workers=2) as pool:
        compared = list(pool.map(both, direct_jobs))
    differ = [(job.toolchain.spec, job.command.text, job.source[:300], stated, compiled)
              for job, stated, compiled in compared
              if (stated.output, stated.returncode) != (compiled.output, compiled.returncode)]
    assert differ == []
    assert any(stated.returncode != 0 for _, stated, _ in compared), "failing compiles are among them"
    assert any("function main is undeclared" in stated.output for _, stated, _ in compared), \
        "a package main without func main is among them"


MAIN = 'package main\n\nimport "fmt"\n\nfunc main() { x := 1; fmt.Println(&x) }\n'


# `go tool compile` by hand, as an author runs it today: the compiler finds no precompiled standard library in GOROOT
# (Go 1.20 stopped shipping one), so the author's command is given the export data of what the file imports, listed
# by the go command (`go list -export`), and nothing else.
BODYLESS = ('package main\n\nimport "fmt"\n\n//go:noescape\nfunc external(p *int)\n\nfunc F4(x []byte)\n\n'
            'func main() {\n\tx := 1\n\tfmt.Println(&x)\n\texternal(&x)\n}\n')
BY_HAND = [
    (BODYLESS, "go tool compile -m -l main.go", "main.go"),
    (BODYLESS, "go tool compile -m=2 -complete main.go", "main.go"),  # the author asked for -complete: it fails
    (MAIN, "go tool compile -m -m -p=main -std main.go", "main.go"),
    ("package p\n\nfunc f(x []int) int {\n\treturn x[3]\n}\n", "go tool compile -m -d=ssa/check_bce/debug=1 p.go",
     "p.go"),
    ('package main\n\nimport "github.com/pkg/errors"\n\nvar _ = errors.New\n', "go tool compile -m main.go",
     "main.go"),
    ("package main\n\nfunc main() {\n\tundefined1()\n\tundefined2()\n}\n", "go tool compile -m -e main.go",
     "main.go"),
    ("\ufeff" + MAIN, "go tool compile -m main.go", "main.go"),  # a byte-order mark: its imports read all the same
]


def _by_hand(job: Job, gocache: Path) -> tuple[str, int]:
    import re
    import subprocess
    import tempfile

    from goverify.runner import hermetic_env

    blocks = re.findall(r"\bimport\s*\((.*?)\)", job.source, re.S)
    imports = sorted({*re.findall(r'\bimport\s+(?:[\w.]+\s+)?"([^"]+)"', job.source),
                      *(path for block in blocks for path in re.findall(r'"([^"]+)"', block))} - {"unsafe"})
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        # Telemetry off, as the runner's private HOME has it: otherwise go forks a detached child that writes into
        # this directory while it is removed (seen on a fresh clone: rmtree's "directory not empty").
        (home / ".config" / "go" / "telemetry").mkdir(parents=True)
        (home / ".config" / "go" / "telemetry" / "mode").write_text("off", encoding="utf-8")
        env = hermetic_env(job.toolchain, gocache, home)
        listed = subprocess.run([str(job.toolchain.go), "list", "-e", "-deps", "-export", "-f",
                                 "{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}", "runtime", *imports],
                                cwd=tmp, env=env, capture_output=True, text=True, timeout=600)
        (Path(tmp) / "importcfg").write_text(listed.stdout, encoding="utf-8")
        (Path(tmp) / job.file).parent.mkdir(parents=True, exist_ok=True)
        (Path(tmp) / job.file).write_text(job.source, encoding="utf-8")
        done = subprocess.run([str(job.toolchain.go), "tool", "compile", f"-importcfg={tmp}/importcfg",
                               *job.command.argv[3:]], cwd=tmp, env=env, capture_output=True, timeout=600)
        printed = (done.stdout + done.stderr).decode().replace(tmp + "/", "./").replace(tmp, ".")
        return printed.replace(str(job.toolchain.goroot), "$GOROOT"), done.returncode  # named as goverify names them


def test_go_tool_compile_prints_what_the_authors_own_command_prints(jobs: list[Job]) -> None:
    toolchains = [resolve(v) for v in RELEASES]
    made = [Job(source, parse_command(stated), toolchain, file) for source, stated, file in BY_HAND
            for toolchain in toolchains]
    compiled = [job for job in jobs if job.command.subcommand == "compile"] + made
    runner = _gocaches()
    setups = {}
    for job in compiled:
        key = (job.toolchain, job.command.env)
        if key not in setups:
            group = [j for j in compiled if (j.toolchain, j.command.env) == key]
            setups[key] = prepare(job.toolchain, job.command.env, group, runner.gocache(job.toolchain), 120)

    def both(job: Job) -> tuple[Job, tuple[str, int], tuple[str, int]]:
        direct = setups[job.toolchain, job.command.env].compile_for(job)
        assert direct is not None, job.source[:200]
        ran = run_job(job, runner.gocache(job.toolchain), 120, None, direct)
        return job, _by_hand(job, runner.gocache(job.toolchain)), (ran.output, ran.returncode)

    with ThreadPoolExecutor(max_workers=2) as pool:
        compared = list(pool.map(both, compiled))
    differ = [(job.toolchain.spec, job.command.stated, hand, ran) for job, hand, ran in compared if hand != ran]
    assert differ == []
    outputs = {(job.command.stated, job.source): ran for job, _, ran in compared}
    assert outputs[BY_HAND[0][1], BODYLESS][1] == 0, "a bodyless declaration compiles, as the author's command does"
    assert "missing function body" in outputs[BY_HAND[1][1], BODYLESS][0], "-complete, when the author asks for it"
    assert "could not import github.com/pkg/errors" in outputs[BY_HAND[4][1], BY_HAND[4][0]][0]
    assert "Found IsInBounds" in outputs[BY_HAND[3][1], BY_HAND[3][0]][0], "check_bce prints what it finds"
    assert outputs[BY_HAND[5][1], BY_HAND[5][0]][1] != 0, "a compile error fails the compile"
    bom = outputs[BY_HAND[6][1], BY_HAND[6][0]]
    assert bom[1] == 0 and "moved to heap: x" in bom[0], f"a file with a byte-order mark imports fmt: {bom[0]}"


# Each rule that sends a job back to its stated command, with a job for which compiling directly would print
# something else than the command (so the rule is needed).
NEEDED = {
    "a test file": (MAIN, "go build -gcflags=-m main_test.go", "main_test.go"),
    "a file the go command ignores": (MAIN, "go build -gcflags=-m _main.go", "_main.go"),
    "-gcflags for a package pattern": (MAIN, "go build -gcflags=all=-m main.go", "main.go"),
    "an internal package": ('package main\n\nimport _ "internal/abi"\n\nfunc main() {}\n',
                            "go build -gcflags=-m main.go", "main.go"),
    "a go:embed line": ('package main\n\nimport _ "embed"\n\n//go:embed missing.txt\nvar s string\n\nfunc main() {}\n',
                        "go build -gcflags=-m main.go", "main.go"),
    "a flag the go command prints for": (MAIN, "go build -v -gcflags=-m main.go", "main.go"),
    "a go:debug line": ("//go:debug nosuchsetting=1\n" + MAIN, "go build -gcflags=-m main.go", "main.go"),
}


@pytest.mark.parametrize("case", NEEDED)
def test_a_job_sent_back_to_its_command_would_print_something_else_compiled_directly(case: str) -> None:
    source, stated, file = NEEDED[case]
    command = parse_command(stated)
    toolchain = resolve(RELEASES[-1])
    job = Job(source, command, toolchain, file)
    assert why_not(source, command, file) is not None, "it is sent back"
    gocache = _gocaches().gocache(toolchain)
    setup = prepare(toolchain, command.env, [job], gocache, 120)
    direct = setup.compile_for(job)
    stated_run = run_job(job, gocache, 120)
    if direct is None:  # the go command has no compile of it to copy: it refuses the file, or leaves it out
        assert stated_run.returncode != 0 or "./" not in stated_run.output, stated_run.output
        return
    compiled = run_job(job, gocache, 120, None, direct)
    assert (compiled.output, compiled.returncode) != (stated_run.output, stated_run.returncode)


@pytest.mark.parametrize(("source", "expected"), [
    ('package main\n\nimport "fmt"\n\nfunc main() {}\n', ("main", ("fmt",))),
    ('// c\n/* x */ package foo // y\nimport "a"; import "b"\n', ("foo", ("a", "b"))),
    ('package main\nimport (\n\t"fmt"\n\tf "os"\n\t. "strings"\n\t_ "unsafe"\n)\n', ("main", ("fmt", "os", "strings",
                                                                                              "unsafe"))),
    ("package main\n\nfunc f() {}\n", ("main", ())),
    ('package main import "x"\n', None),  # the go command reports these, not the compiler
    ('package main\nimport "a" "b"\n', None),
    ('\ufeffpackage main\nimport "fmt"\n', ("main", ("fmt",))),  # a byte-order mark is skipped, as go skips it
    ('package main\nimport `fmt`\n', None),
    ("func f() {}\n", None),
    ('package main\nimport (\n\t"fmt"\n', None),
])
def test_the_head_of_a_file_is_read_only_when_it_is_plain(source: str, expected: tuple | None) -> None:
    head = read_head(source)
    assert (None if head is None else (head.package, head.imports)) == expected


@pytest.mark.parametrize(("source", "stated", "file", "reason"), [
    (MAIN, 'go build -gcflags="-m -l" main.go', "main.go", None),
    (MAIN, "go tool compile -m main.go", "main.go", None),
    (MAIN, "go run -gcflags=-m main.go", "main.go", None),
    (MAIN, "GOOS=windows GOARCH=arm64 go build -gcflags=-m main.go", "main.go", None),
    (MAIN, "go build -gcflags=-m=2 main.go", "main.go", None),
    ("package main\n\n//go:noinline\nfunc f() {}\n\nfunc main() {}\n", "go build -gcflags=-m main.go", "main.go",
     None),
    ("package main\n\nfunc f() {}\n", "go build -gcflags=-m main.go", "main.go", None),  # the link's words are read
    (MAIN, "go vet main.go", "main.go", "go vet"),
    (MAIN, "go test -gcflags=-m main_test.go", "main_test.go", "go test"),
    (MAIN, "go build -gcflags=-m .", "main.go", "not one plain Go file"),
    (MAIN, "go build -gcflags=-m ./ex/main.go", "ex/main.go", "not one plain Go file"),
    (MAIN, "go build -gcflags=-m main_linux_amd64.go", "main_linux_amd64.go", None),  # named: built anyway
    (MAIN, "go build -gcflags=-m main_test.go", "main_test.go", "a test file (go build leaves it out)"),
    (MAIN, "go build -gcflags=-m _main.go", "_main.go", "not one plain Go file"),
    (MAIN, "go build -gcflags=all=-m main.go", "main.go", "-gcflags for a package pattern"),
    (MAIN, "go build -v -gcflags=-m main.go", "main.go", "flag -v"),
    (MAIN, "go build -tags x -gcflags=-m main.go", "main.go", "flag -tags=x"),
    ("//go:build ignore\n\n" + MAIN, "go build -gcflags=-m main.go", "main.go", None),  # named: built anyway
    ("//go:debug panicnil=1\n" + MAIN, "go build -gcflags=-m main.go", "main.go", "a //go:debug line"),
    ("package main\n\nfunc f()\n\n//go:linkname f runtime.f\nfunc main() {}\n", "go build -gcflags=-m main.go",
     "main.go", "a //go:linkname line"),
    ('package main\n\nimport "github.com/pkg/errors"\n\nfunc main() {}\n', "go build -gcflags=-m main.go",
     "main.go", "import 'github.com/pkg/errors'"),
    ('package main\n\nimport "cmd/go/internal/base"\n\nfunc main() {}\n', "go build -gcflags=-m main.go", "main.go",
     "import 'cmd/go/internal/base'"),
])
def test_which_jobs_are_compiled_directly(source: str, stated: str, file: str, reason: str | None) -> None:
    assert why_not(source, parse_command(stated), file) == reason
