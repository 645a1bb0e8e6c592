"""Editing one runnable example reruns only that example (issue 24, Cost): real go, real wasmtime. A page of
programs under `go run main.go` is checked on two releases; one program is edited (and what it prints); the second
check builds and runs that program alone, on each release, and every block still holds. A program is run a second
time only where its first run disagrees with the page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from goverify import runner
from goverify.engine import Engine, Settings
from goverify.matrix import matrix_markdown
from goverify.runstage import ATTEMPTS
from goverify.sandbox import runtime_version
from releases import BOTH

pytestmark = [pytest.mark.xdist_group("sandbox"),
              pytest.mark.skipif(runtime_version() is None, reason="wasmtime is not installed")]

PROGRAM = """\
```go
package main

import "fmt"

func main() {{
	fmt.Println("{name}", {a}*{b})
}}
```

Run it with `go run main.go`:

```
{name} {product}
```
"""


def _page(programs: list[tuple[str, int, int]]) -> str:
    return "# Programs\n\n" + "\n".join(PROGRAM.format(name=n, a=a, b=b, product=a * b) for n, a, b in programs)


PROGRAMS = [("first", 6, 7), ("second", 3, 5), ("third", 2, 9)]
EDITED = [PROGRAMS[0], ("second", 4, 5), PROGRAMS[2]]  # the second program multiplies 4, and says 20


def _check(root: Path, text: str) -> tuple[list[runner.Job], list]:
    """Check the page in a new engine (as a new build does, the cache on disk kept): the jobs it ran, its findings."""
    ran: list[runner.Job] = []
    run_job, run_guest = runner.run_job, runner.run_guest

    def counting_job(job, *args, **kwargs):
        ran.append(job)
        return run_job(job, *args, **kwargs)

    def counting_guest(job, *args, **kwargs):
        ran.append(job)
        return run_guest(job, *args, **kwargs)

    runner.run_job, runner.run_guest = counting_job, counting_guest
    try:
        engine = Engine(Settings(root=root, go_versions=BOTH, gocache=Path(os.environ["GOVERIFY_GOCACHE"])))
        page = engine.scan(text, "docs/index.md")
        assert engine.run([page]) == len(ran)
        return ran, engine.check(page).findings
    finally:
        runner.run_job, runner.run_guest = run_job, run_guest


def _errors(findings) -> list:
    return [f for f in findings if f.severity != "note"]


def test_editing_one_runnable_example_reruns_only_that_example(tmp_path: Path) -> None:
    first, findings = _check(tmp_path, _page(PROGRAMS))
    assert _errors(findings) == []
    assert sum(bool(job.keep) for job in first) == 3 * len(BOTH)  # each program built for wasip1 on each release
    assert sum(bool(job.guest) for job in first) == 3 * len(BOTH)  # run once: each agrees with its block
    # No claim, no prose and no compiler output block could show a program's `-m=2` reasons: none is run.
    assert [job for job in first if any(arg.startswith("-gcflags=-m=2") for arg in job.command.argv)] == []

    again, findings = _check(tmp_path, _page(EDITED))
    assert _errors(findings) == []  # the edited block holds (4*5 is 20), and so do the others
    compiles = [job for job in again if not job.guest]
    assert compiles and all("4*5" in job.source for job in compiles)  # the go commands: the edited program's only
    builds = [job for job in compiles if job.keep]
    assert sorted(str(job.toolchain.version) for job in builds) == sorted(BOTH)  # built again on each release
    guests = [job for job in again if job.guest]
    built = {job.source for job in guests}
    assert len(guests) == len(BOTH) and len(built) == len(BOTH)  # run again, that one only (once: it agrees)
    assert built.isdisjoint(job.source for job in first if job.guest)  # new programs, none of the first check's

    # A check with nothing edited runs nothing at all.
    assert _check(tmp_path, _page(EDITED))[0] == []


def test_an_edit_the_check_catches_is_that_examples_alone(tmp_path: Path) -> None:
    """The rerun is a real run: an edited program whose block was not updated is reported, at that block only."""
    _check(tmp_path, _page(PROGRAMS))
    stale = _page(EDITED).replace("second 20", "second 15")
    again, findings = _check(tmp_path, stale)
    errors = _errors(findings)
    assert [(type(f).__name__, f.location.line) for f in errors] == [("RunDiffers", stale.split("\n").index(
        "second 15") + 1)]
    assert all("4*5" in job.source for job in again if not job.guest)
    # A run that disagrees is made again (what differs between runs would not be compared): the edited program's,
    # on each release, ATTEMPTS times.
    guests = [job for job in again if job.guest]
    assert sorted(job.attempt for job in guests) == sorted(list(range(ATTEMPTS)) * len(BOTH))
    assert len({job.source for job in guests}) == len(BOTH)


def test_reasons_are_run_only_where_the_page_could_show_them(tmp_path: Path) -> None:
    """The `-m=2` reasons explain a claim that fails or an output block's lines: an example with neither is only
    compiled."""
    page = """\
# Two examples

```go
package main

var sink *int

func main() {
	x := 1 // moved to heap: x
	sink = &x
}
```

```go
package main

func main() {
	y := 2
	println(y)
}
```
"""
    ran, findings = _check(tmp_path, page)
    reasons = [job for job in ran if any(arg.startswith("-gcflags=-m=2") for arg in job.command.argv)]
    assert [("x := 1" in job.source, "y := 2" in job.source) for job in reasons] == [(True, False)]
    assert len(ran) - len(reasons) == 2 * len(BOTH)  # both compiled on each release
    assert _errors(findings) == []  # the claim holds


def test_an_example_the_page_only_runs_is_compiled_by_its_build(tmp_path: Path) -> None:
    """An example whose only claim is what it prints is compiled by its build for the sandbox on each release: its
    own command (`go build -gcflags=...` on the host) runs only where that build fails, so that whether it compiles
    at all, and in which words it does not, stay the host compiler's. A program that only wasip1 lacks a function
    for is never said not to compile; one that compiles nowhere is, on each release."""
    wasip1_lacks = PROGRAM.format(name="pgrp", a=1, b=1, product=1).replace(
        'fmt.Println("pgrp", 1*1)', 'fmt.Println("pgrp", syscall.Getpgrp() > 0)').replace(
        'import "fmt"', 'import (\n\t"fmt"\n\t"syscall"\n)').replace("pgrp 1", "pgrp true")
    broken = PROGRAM.format(name="broken", a=1, b=1, product=1).replace("1*1", "undefinedThing")
    page = _page(PROGRAMS) + "\n" + wasip1_lacks + "\n" + broken
    engine = Engine(Settings(root=tmp_path, go_versions=BOTH, gocache=Path(os.environ["GOVERIFY_GOCACHE"])))
    ran: list[runner.Job] = []
    run_job = runner.run_job

    def counting_job(job, *args, **kwargs):
        ran.append(job)
        return run_job(job, *args, **kwargs)

    runner.run_job = counting_job
    try:
        scanned = engine.scan(page, "docs/index.md")
        engine.run([scanned])
        verdict = engine.check(scanned)
    finally:
        runner.run_job = run_job
    compiled = sorted(("Getpgrp" in job.source, "undefinedThing" in job.source) for job in ran
                      if not job.keep and "-gcflags=-m -l" in job.command.argv)
    assert compiled == [(False, True)] * len(BOTH) + [(True, False)] * len(BOTH)
    kinds = sorted((f.location.line, getattr(f, "reason", type(f).__name__)) for f in _errors(verdict.findings))
    lines = page.split("\n")
    pgrp, undefined = lines.index("pgrp true") + 1, lines.index("broken 1") + 1
    broken_line = lines.index("\tfmt.Println(\"broken\", undefinedThing)") + 1  # the compiler's error's line
    assert kinds == sorted([(broken_line, "does-not-compile")] * len(BOTH) + [(pgrp, "sandbox-build-fails"),
                                                                               (undefined, "sandbox-build-fails")])
    assert all("undefined: undefinedThing" in " ".join(e.message for e in f.errors) for f in verdict.findings
               if getattr(f, "reason", "") == "does-not-compile")
    # The release matrix says each is compiled where its build was (and "–" nowhere).
    rows = [line for line in matrix_markdown(engine, [verdict], None).split("\n") if line.startswith("| [")]
    assert len(rows) == 5 and not any("–" in row for row in rows)


def test_a_block_the_prose_does_not_call_output_leaves_the_compile_as_stated(tmp_path: Path) -> None:
    """A plain block after a program that the prose does not call its output may be something else: the program is
    run to see whether it prints it, and compiled as stated on each release all the same (its caption says so)."""
    page = ("# Sizes\n\n```go\npackage main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(42)\n}\n```\n\n"
            "A table of sizes:\n\n```\n42\n```\n")
    ran, findings = _check(tmp_path, page)
    assert sum(job.command.argv[:3] == ("go", "build", "-gcflags=-m -l") for job in ran
               if not job.keep and not job.guest) == len(BOTH)
    assert sum(bool(job.guest) for job in ran) == len(BOTH)  # and run, to see whether it prints the block
    assert _errors(findings) == []
