"""Fragment planning, in one place: what goverify compiles for each example, decided over the engine's first rounds.

A full program is compiled as written. A fragment (Go code without a package clause) needs a header, and sometimes
the declarations of the page's earlier fences; the engine asks this module once per round:

1. `probe`: the first compile of a fragment. With written output: a one-line header on the release the output
   speaks for (fragments.py fits the header from where that compile reports the written lines). With claims only,
   when it names what an earlier fence declares: its conventional header, to see whether it compiles alone.
2. `lean`: a fragment whose probe failed on `undefined: NAME` for a name an earlier fence declares is compiled again
   with those declarations after its own lines (borrow.py), so that its lines keep their numbers.
3. `fit`: the plan (check.Plan): the source with the header that puts the written lines where the compiler reports
   them, what it borrows, the commands to run it with, or why no header fits (a `NotVerified`, as data).

Every function here is pure: it reads the example, the page's Go fences, the matrix and the runs of earlier rounds,
and returns jobs or a plan; the engine runs the jobs and keeps what each example's record holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from .borrow import Borrowed, borrow
from .check import Plan, is_report, reference_release
from .command import Command
from .examples import Example, GoFence
from .findings import NotVerified
from .fragments import Header, best_offset, conventional, functions_declared, header
from .fragments import probe as one_line
from .output import DIAGNOSTIC, Diagnostic, parse_output
from .runner import Job, RunResult
from .toolchains import Toolchain

_UNDEFINED = re.compile(r"^undefined: (\w+)$")


def probe(example: Example, fences: Sequence[GoFence], matrix: list[Toolchain]) -> tuple[Job | None, bool]:
    """The fragment's first compile, and whether it fits a header (True) or only says whether the fragment compiles
    alone (False); (None, False) for a full program, or a fragment with neither need."""
    fitting = _fitting_probe(example, matrix)
    if fitting is not None:
        return fitting, True
    return _alone(example, fences, matrix), False


def _fitting_probe(example: Example, matrix: list[Toolchain]) -> Job | None:
    """A fragment with output is compiled first with a one-line header, to find where its lines fall."""
    command = example.command.command
    if not example.fragment or command is None or not written(example):
        return None
    release = _reference(example, matrix)
    if release is None:
        return None
    return Job(one_line(example.source).text + example.source, command, release, example.file)


def _alone(example: Example, fences: Sequence[GoFence], matrix: list[Toolchain]) -> Job | None:
    """A fragment with claims but no written lines to fit, which names declarations of the page's earlier fences:
    its run on the reference release (the same job as the later run), early, to see whether it compiles without
    them."""
    command = example.command.command
    if not example.fragment or command is None or borrow(fences, example.source, example.location.line) is None \
            or (release := _reference(example, matrix)) is None:
        return None
    return Job(conventional(example.source).text + example.source, command, release, example.file)


def lean(example: Example, fences: Sequence[GoFence], first: Job | None, fitting: bool,
         results: Mapping[str, RunResult]) -> tuple[Job, Borrowed] | None:
    """A fragment that does not compile alone because it names what an earlier fence declares (`undefined:
    Adder`): the same compile with those declarations after it, and what it borrows; None otherwise."""
    run = results.get(first.key) if first is not None else None
    if first is None or run is None or run.timed_out or run.returncode == 0:
        return None
    undefined = {m.group(1) for d in parse_output(run.output)[0] if d.file == example.base
                 and (m := _UNDEFINED.match(d.message))}
    borrowed = borrow(fences, example.source, example.location.line) if undefined else None
    if borrowed is None or not undefined & set(borrowed.names):
        return None
    made = (one_line if fitting else conventional)(example.source, borrowed.imports)
    return Job(made.text + example.source + borrowed.code, first.command, first.toolchain, example.file), borrowed


def fit(example: Example, probe_job: Job | None, leaning: Job | None, borrowed: Borrowed | None,
        results: Mapping[str, RunResult]) -> Plan:
    """The plan of an example: for a fragment, the header its fitting probe (`probe_job`, or `leaning` when it
    borrows) puts its written lines under, or the conventional one when it has no lines to fit."""
    commands = _commands(example)
    if not example.fragment:
        return Plan(example.source, None, commands)
    imports, tail = (borrowed.imports, borrowed.code) if borrowed else ((), "")
    if probe_job is None:  # claims only, or output for another file: the conventional header
        fitted = conventional(example.source, imports)
        return Plan(fitted.text + example.source + tail, fitted, commands, borrowed=borrowed)
    if leaning is not None:
        probe_job = leaning
    run = results.get(probe_job.key)
    unfit = None
    found: Header | None = None
    if run is not None and not run.timed_out:
        found, unfit = _header(example, probe_job, run, borrowed, imports)
    found = found or header(example.source, 1, imports)
    return Plan(found.text + example.source + tail, found, commands, unfit, borrowed)


def _header(example: Example, probe_job: Job, run: RunResult, borrowed: Borrowed | None,
            imports: tuple[str, ...]) -> tuple[Header | None, NotVerified | None]:
    """The header the probe's run fits, or why none does (neither when the fragment does not compile: checking says
    so, with the compiler's errors)."""
    command = probe_job.command
    printed = [d for d in parse_output(command.filter(run.output))[0] if d.file == example.base]
    size = example.source.count("\n")
    reports = [d for d in printed if is_report(d.message) and (not borrowed or 1 < d.line <= 1 + size)]
    lines = written(example)
    offset = best_offset(lines, reports, loose=True, functions=functions_declared(example.source))
    release = str(probe_job.toolchain.version)
    fences = borrowed.fences if borrowed else ()
    outside = next((w for w in lines if not 1 <= w.line - (offset or 0) - 1 <= size), None)
    if any(not is_report(d.message) for d in printed):
        return None, None
    if offset is None and lines and run.returncode == 0 and not any(is_report(w.message) for w in lines):
        return conventional(example.source, imports), None  # compile errors it no longer has: checking says so
    if offset is None:
        return None, NotVerified(example.location, "fragment-unfit", command.text, release=release, fences=fences)
    if offset + 1 < 1:
        return None, NotVerified(example.location, "fragment-unfit", command.text, release=release,
                                 detail=str(offset + 1), fences=fences)
    if borrowed and outside is not None:  # about a line of the author's file that the page does not show
        return None, NotVerified(example.location, "fragment-unfit", command.text, release=release, fences=fences,
                                 outside=outside)
    return header(example.source, offset + 1, imports), None


def written(example: Example) -> list[Diagnostic]:
    """The diagnostics the example's checked output blocks write about its own file."""
    return [line.diagnostic for block in example.outputs if block.checked for line in block.lines
            if line.kind == DIAGNOSTIC and line.diagnostic and line.diagnostic.file == example.base]


def _reference(example: Example, matrix: list[Toolchain]) -> Toolchain | None:
    checked = [block for block in example.outputs if block.checked]
    return reference_release(checked[0], matrix) if checked else matrix[-1]


def _commands(example: Example) -> tuple[Command, ...]:
    """The example's own command first, then any other command its checked output blocks state."""
    found: list[Command] = []
    for command in [example.command.command, *(b.command.command for b in example.outputs if b.checked)]:
        if command is not None and command not in found:
            found.append(command)
    return tuple(found)
