"""The run stage: an output block under a stated `go run`/`go test` command, verified by running the program in the
sandbox on every release. Two rounds of the engine, then a pure check:

    build    each run claim on every release: `GOOS=wasip1 GOARCH=wasm go build` (or `go test -c`), a runner job
    execute  each program built, run in the sandbox (sandbox.py)
    again    each program whose run disagrees with the page, run a second time: the lines that differ between the
             two runs vary (map order, rand, time) and are not compared; a run that agrees needs no second one
    check    `check_runs`: the block against the runs (runout.py), a pure function of the record and the runs

A run claim is a block the page shows under a command goverify reads as a run (programs.read_run): until this stage,
such a block was "not verified: runs-code"; now it is verified, and that note is replaced by what the run found.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from .command import chain, runs_program
from .errors import Location
from .examples import Example, Page, is_relisting
from .findings import Finding, NotVerified, RunDiffers, RunNote, RunSaid
from .fragments import Header, declares_main, declares_tests
from .output import DIAGNOSTIC, PROMPT, WrittenLine, compiler_line, kind_of, read_block
from .programs import RUN, Program, denied, may_reorder, read_session
from .runner import Job, RunResult
from .runout import compare_benchmarks, compare_output
from .scan import GO_LANGS, Fence, line_starts, scan
from .toolchains import Toolchain, spoken_for

ATTEMPTS = 2  # runs at most of each program on each release: what differs between them is not compared
# What a program prints that depends on the machine it runs on, not on the program (GOMAXPROCS is 1 in the sandbox).
_MACHINE = re.compile(r"\bruntime\.(?:NumCPU|GOMAXPROCS|GOOS|GOARCH|NumGoroutine|Version|MemStats|ReadMemStats)\b"
                      r"|\bos\.(?:Hostname|Getpid|Getuid|Getenv|Environ|Args)\b|\bdebug\.SetMaxStack\b")
# What `go test` prints after benchmarks that pass: a page that shows only their results leaves it out.
_PASSED = re.compile(r"^(?:PASS|ok\s+\S+\s+\S+)$")
# Memory read through unsafe: what it holds is laid out by the architecture and the runtime.
_UNSAFE = re.compile(r"\bunsafe\.(?:Pointer|Add|Slice|SliceData|String|StringData)\b|^//go:linkname\b", re.M)
_MAIN = re.compile(r"^package main\b[\s\S]*^func main\(\)", re.M)


@dataclass(frozen=True)
class RunClaim:
    """A block of what a program printed, the command the page states for it, and the example it runs."""

    example: int  # the example's index on its page
    location: Location  # the block's first line of output (its fence when it holds only output)
    stated: str  # the command, as the page states it
    stated_at: Location  # where: the prompt line, or the sentence
    written: str  # the block's output lines
    program: Program
    file: str  # the file the example is written to for this run
    release: str | None  # the fence's go= option: the release the block speaks for (None: the newest)
    span: tuple[int, int]  # offsets of the output lines in the page (what --fix would rewrite)
    fence: tuple[int, int, str] = (0, 0, "")  # the block's fence (start, end, indent) when it shows only this run
    doubt: bool = False  # the prose does not call the block the program's output: taken as it only if it holds


@dataclass(frozen=True)
class Shown:
    """What the page shows for a run claim: each release's output as the terminal shows it (the first run's), the
    benchmark figures measured; where the block is. Rendered by render.py, never read back."""

    example: int
    stated: str
    fence: tuple[int, int, str]  # (start, end, indent) of the block, (0, 0, "") when it holds other commands too
    printed: dict[str, str]  # release -> output
    benchmarks: bool
    location: Location | None = None  # the block's first line of output
    header: Header | None = None  # the header goverify fitted to a fragment to run it


@dataclass
class Runs:
    """The run stage's part of an example's record: its run claims, the builds, the runs in the sandbox."""

    claims: list[RunClaim]
    builds: dict[tuple[int, str], Job]  # (claim index, release) -> build job
    guests: dict[tuple[int, str], tuple[Job, ...]] = field(default_factory=dict)  # ... -> each attempt's run
    header: Header | None = None  # the header planning fitted to a fragment (None: a complete program)
    scratch: bool = False  # its test binaries run with a private empty /tmp (an example with an output comment)


@dataclass(frozen=True)
class Declined:
    """A stated run goverify read and does not run, and why (a few words): the `runs-code` note at `location` says
    it instead of the command's general reason; `why` empty: a program no go command of the page builds (`./a.out`
    after `gcc`), not the page's, its note dropped."""

    location: Location
    command: str
    why: str


def run_claims(page: Page) -> list[RunClaim]:
    """The page's run claims (`read_runs`)."""
    return read_runs(page)[0]


def read_runs(page: Page) -> tuple[list[RunClaim], list[Declined]]:
    """What the page shows a program printing under a command goverify reads as a run: the blocks the reader said
    were "not verified: runs-code" (a `$ go run main.go` or `$ ./prog` prompt in a block, a chain such as
    `go build main.go && ./main`, or a sentence stating the command before a block) or "program-output" (the
    program's lines under `go run -gcflags=-m`, `go test -gcflags ... -bench .`: the compiler's lines stay the
    compile's), each bound to the complete example before it (a fragment is not run). A run's command is read with
    the session before it (`$ go build -o prog main.go` on an earlier prompt line builds what `$ ./prog` runs)."""
    notes = [n for n in page.not_verified if n.reason in RUN_NOTES and n.location.path == page.path]
    unstated = any(not e.fragment and not e.outputs and _MAIN.search(e.source) for e in page.examples)
    if not page.examples or (not notes and not unstated):
        return [], []  # most pages: nothing to run, and no second scan of their text
    first = page.examples[0]
    offset = first.location.line - first.fence.line - 1  # front matter MkDocs took off
    fences = [f for f in scan(page.text).fences if f.lang not in GO_LANGS and f.closed]
    starts = line_starts(page.text)
    found = []
    declined = []
    for note in notes:
        line0 = note.location.line - offset - 1
        fence = next((f for f in fences if f.line < line0 < f.line + f.body.count("\n") + 2), None)
        within = fence is not None
        fence = fence or next((f for f in fences if f.line > line0), None)
        if fence is None:
            continue
        # a stated run goverify reads, but does not run: said why at its note (not for `go generate` and the like)
        said = note.reason == "runs-code" and any(runs_program(c) for c in chain(note.command) or ())
        before = [e for e in page.examples if e.fence.end <= fence.start]
        apart = _not_compiled_before(page, offset + fence.line, before[-1] if before else None)
        unrun = _unrun_fragment(before[-1]) if before else ""
        if not before or apart or unrun:
            if said:
                declined.append(Declined(note.location, note.command,
                                         _NO_PROGRAM if not before else apart or unrun))
            continue
        example = before[-1]
        lines = read_block(fence.body)
        at = line0 - fence.body_line if within else -1
        session = [c for f in fences if example.fence.end <= f.start and f.end <= fence.start
                   for c in _prompts(read_block(f.body))] + [c for c in _prompts(lines) if c[0] < at]
        program = read_session([c for _, c in session] + [note.command])
        if not isinstance(program, Program):
            if said:
                # `$ ./a.out` after `gcc x.c`: no go command builds anything before it, so it is not the page's Go
                # program (as `$ ls` is not): nothing to say.
                foreign = not any(re.match(r"^[Gg]o\s+(?:build|test)\b", c) for _, c in session) \
                    and all(w[0].startswith((".", "/")) for w in chain(note.command) or [["go"]])
                declined.append(Declined(note.location, note.command,
                                         "" if foreign else f"goverify does not run it: {program}"))
            continue
        if _tests_only(example) and not program.test:
            if said:
                declined.append(Declined(note.location, note.command, _TESTS))
            continue
        prompts = [x.index for x in lines if x.kind == PROMPT]
        if within:
            following = [i for i in prompts if i > at and lines[i].command != note.command]
            body = [x for x in lines if at < x.index < (following[0] if following else len(lines))
                    and x.kind != PROMPT]
        else:
            body = [x for x in lines if x.index < (prompts[0] if prompts else len(lines))]
        compilers = [x for x in body if _compilers(x)]
        if compilers and not program.compiles:
            continue  # the compiler's lines (a `-gcflags` the page forgot to state): not a program's
        body = [x for x in body if not _compilers(x)]
        while body and not body[0].text:
            body.pop(0)
        if not any(x.text for x in body):
            continue
        claim = _claim(example, program, note, fence, body, offset, starts)
        if claim is not None:
            if compilers:  # the block is the compile's too: the page shows it as written
                claim = replace(claim, fence=(0, 0, ""))
            found.append(claim)
    return found + _unstated(page, fences, offset, starts, {c.location for c in found}), declined


_NO_PROGRAM = "no Go example before it: goverify runs a complete program of the page only"
# Why a fragment's run is not run: without `func main` or a test function it is no program (its run needs the rest
# of a file the page does not show). A fragment with `func main` is run with the header planning fits it, and so is
# a fragment of tests under `go test` (the test binary is the program).
_FRAGMENT = ("the Go block before it is a fragment (no package clause) without `func main` or a test function: "
             "goverify runs a complete `package main`, a fragment with `func main`, or a fragment of tests under "
             "`go test`, each given a header, and no other")
_TESTS = ("the Go block before it is a fragment of tests (no package clause, no `func main`): goverify runs it, "
          "given a header, only under a `go test` it reads (one command, no shell, no environment)")
RUN_NOTES = ("runs-code", "program-output")


def _runs_as(code: str) -> str:
    """What runs a fragment's `code`: "main" (it declares `func main`), "tests" (test functions, no `func main`: only
    `go test`), or "" (nothing: its run needs the rest of a file the page does not show)."""
    return "main" if declares_main(code) else "tests" if declares_tests(code) else ""


def _tests_only(example: Example) -> bool:
    return example.fragment and _runs_as(example.source) == "tests"


def _unrun_fragment(example: Example) -> str:
    """Why a fragment is run by no command (`_FRAGMENT`); "" when a command runs it, or it is no fragment."""
    return _FRAGMENT if example.fragment and not _runs_as(example.source) else ""


def _not_compiled_before(page: Page, line: int, example: Example | None) -> str:
    """Why the run at the page's `line` is not the example's when a Go block goverify does not compile stands
    between them (a fragment without `func main`, a block marked skip): that block is what the page runs; "" when
    none does (a re-listing of the example's lines, an excerpt of it, does not count)."""
    if example is None:
        return ""
    skipped = {s.location.line: s.reason for s in page.skipped if s.location.path == page.path}
    between = [f.location.line for f in page.fences if f.location.path == page.path
               and example.location.line < f.location.line <= line and skipped.get(f.location.line) != "relisting"
               and not is_relisting(f.source.splitlines(), example.source)]
    if not between:
        return ""
    if skipped.get(between[-1]) != "fragment-without-claims":
        return _NOT_COMPILED
    code = next((f.source for f in page.fences if f.location.path == page.path and f.location.line == between[-1]), "")
    return _TESTS if _runs_as(code) == "tests" else _FRAGMENT


_NOT_COMPILED = "the Go block before it is not compiled (see its note): goverify runs only a program it compiles"


def _prompts(lines: list[WrittenLine]) -> list[tuple[int, str]]:
    """Each command of a block's prompt lines (its first line, continuation lines joined): (index, command)."""
    return [(x.index, x.command) for x in lines if x.kind == PROMPT and x.command
            and not (x.index and lines[x.index - 1].kind == PROMPT and lines[x.index - 1].command == x.command)]


def _compilers(line: WrittenLine) -> bool:
    """A line the compiler prints under -gcflags: `# package`, `file:line:col: message`, and an older release's
    `file:line: message` when the message is one of -m's (a test's log line says something else)."""
    return compiler_line(line) or (line.kind == DIAGNOSTIC and line.diagnostic is not None
                                   and (line.diagnostic.file == "<autogenerated>"
                                        or kind_of(line.diagnostic.message) != line.diagnostic.message))


_SAYS_OUTPUT = re.compile(r"\b(?:output|outputs|prints?|printed|printing)\b|输出|结果|打印", re.I)
_PLAIN = {"", "text", "txt", "console", "output", "plaintext", "shell", "sh", "bash", "none"}


def _unstated(page: Page, fences: list[Fence], offset: int, starts: list[int], taken: set[Location]
              ) -> list[RunClaim]:
    """A complete `package main` followed by a plain block with no command, when the prose between them says it is
    what the program prints ("output", "prints", "输出", "结果"): the program's output, as `go run` shows it."""
    found = []
    for example in page.examples:
        if example.fragment or example.outputs or not _MAIN.search(example.source):
            continue
        after = next((f for f in fences if f.start >= example.fence.end), None)
        later = [e for e in page.examples if e.fence.start > example.fence.start]
        if after is None or after.lang not in _PLAIN or (later and later[0].fence.start < after.start):
            continue
        lines = read_block(after.body)
        if not lines or any(x.kind == PROMPT or compiler_line(x) for x in lines) or not any(x.text for x in lines):
            continue
        implied = f"go run {example.file}"
        program = Program(False, (example.file,), (), RUN, implied)
        note = NotVerified(Location(page.path, offset + after.line + 1), "runs-code", implied)
        claim = _claim(example, program, note, after, lines, offset, starts)
        if claim is not None and claim.location not in taken:
            doubt = not _SAYS_OUTPUT.search(page.text[example.fence.end:after.start])
            found.append(replace(claim, fence=(after.start, after.end, after.indent), doubt=doubt))
    return found


def _claim(example: Example, program: Program, note: NotVerified, fence: Fence, body: list, offset: int,
           starts: list[int]) -> RunClaim | None:
    file = example.file
    named = [f for f in program.files if f.endswith("_test.go")]
    if program.test and example.fragment and len(named) == 1:
        file = posixpath.basename(named[0])  # the file the command names (`./eface_scalar_test.go`), written as it
    elif program.test and not file.endswith("_test.go"):
        if not declares_tests(example.source):
            return None  # the tests are in a file the page does not show
        file = file.removesuffix(".go") + "_test.go"
    if program.files:
        program = replace(program, files=(file,))
    first, last = fence.body_line + body[0].index, fence.body_line + body[-1].index
    span = (starts[first], starts[last + 1] if last + 1 < len(starts) else len(example.fence.body))
    written = "".join(x.text + "\n" for x in body)
    alone = all(x.kind != PROMPT or x.command == note.command for x in read_block(fence.body))
    return RunClaim(example.index, Location(note.location.path, offset + first + 1), note.command, note.location,
                    written, program, file, fence.options.get("go"), span,
                    (fence.start, fence.end, fence.indent) if alone else (0, 0, ""))


def build(claims: list[RunClaim], source: str, matrix: list[Toolchain], header: Header | None = None) -> Runs:
    """An example's run claims and a build job for each on every release (`source`: as planned, with the header
    fitted to a fragment)."""
    builds = {(i, str(t.version)): claim.program.build_job(source, t, claim.file)
              for i, claim in enumerate(claims) for t in matrix}
    return Runs(claims, builds, header=header, scratch=_EXAMPLE_OUTPUT.search(source) is not None)


def execute(runs: Runs, results: Mapping[str, RunResult]) -> Iterator[Job]:
    """The first sandbox run of each program its build made."""
    for (i, release), job in runs.builds.items():
        built = results.get(job.key)
        if not _made(built):
            continue
        runs.guests[i, release] = (_guest(runs, i, release, built, 0),)
        yield from runs.guests[i, release]


def built_on(runs: Runs, results: Mapping[str, RunResult]) -> frozenset[str]:
    """The releases on which every program of the example was built for the sandbox: its code compiles there."""
    releases = {release for _, release in runs.builds}
    return frozenset(releases - {release for (_, release), job in runs.builds.items()
                                 if not _made(results.get(job.key))})


def _made(built: RunResult | None) -> bool:
    return built is not None and built.returncode == 0 and bool(built.artifact)


def again(example: Example, runs: Runs, results: Mapping[str, RunResult]) -> Iterator[Job]:
    """The later runs (up to ATTEMPTS) of each program whose first run ended by itself and disagrees with the page:
    what differs between runs is not compared, so only a disagreement needs them. A run that agrees is compared
    as it is (a line that might vary but prints what the page shows holds either way)."""
    for (i, release), first in list(runs.guests.items()):
        verdict = _verdict(example, runs.claims[i], runs, results, i, release)
        if isinstance(verdict, str) or verdict[0] is None:
            continue  # stopped (a later run would stop too), or agrees
        built = results[runs.builds[i, release].key]
        runs.guests[i, release] = first + tuple(_guest(runs, i, release, built, n) for n in range(1, ATTEMPTS))
        yield from runs.guests[i, release][1:]


def _guest(runs: Runs, i: int, release: str, built: RunResult, attempt: int) -> Job:
    job = runs.builds[i, release]
    program = runs.claims[i].program
    return Job(built.artifact, job.command, job.toolchain, job.file, guest=_argv(program, attempt), attempt=attempt,
               long=program.benchmarks and not attempt, scratch=runs.scratch and program.test)


def _argv(program: Program, attempt: int) -> tuple[str, ...]:
    """The first run is the stated command's. B/op and allocs/op are read from it alone (at the author's benchtime);
    a later run only shows which lines vary, so a benchmark binary runs each benchmark once (`-benchtime 1x`: the
    same lines, each benchmark's reduced to its name as compared) instead of for a second benchtime."""
    return (*program.argv, "-test.benchtime=1x") if attempt and program.benchmarks else program.argv


def check_runs(example: Example, runs: Runs, results: Mapping[str, RunResult], matrix: list[Toolchain],
               reference: Mapping[int, Toolchain | None], fix_hint: str
               ) -> tuple[list[Finding], set[tuple[Location, str]], set[int]]:
    """The findings of an example's run claims, the stated commands they verify (their `runs-code` notes are
    replaced), and the claims whose block is not taken as the program's output (the page keeps it as written).
    `reference`: the release each claim's block speaks for (its index -> toolchain)."""
    findings: list[Finding] = []
    verified: set[tuple[Location, str]] = set()
    hidden: set[int] = set()
    for i, claim in enumerate(runs.claims):
        where, stated = claim.location, claim.stated
        target = reference.get(i)
        if target is None:
            continue
        verified.add((claim.stated_at, stated))
        if claim.program.dropped:
            findings.append(RunNote(where, stated, "flags-dropped", flags=claim.program.dropped))
        verdicts = {str(t.version): _verdict(example, claim, runs, results, i, str(t.version)) for t in matrix}
        mine = verdicts[str(target.version)]
        if claim.doubt and not (isinstance(mine, tuple) and mine[0] is None):
            # Not called the output, and not what the program prints: not taken as its output (a note, never a
            # disagreement); the page keeps the block as written.
            hidden.add(i)
            findings.append(RunNote(where, stated, "not-called-output"))
            continue
        header = runs.header.describe() if runs.header else ""
        if isinstance(mine, str):
            findings.append(NotVerified(where, mine, stated, _detail(runs, results, i, str(target.version)),
                                        release=str(target.version), header=header))
            continue
        holds = tuple(r for r, v in verdicts.items() if isinstance(v, tuple) and v[0] is None)
        said, notes = mine
        if said is not None:
            reason = _excuse(example.source) or ("address-equality" if said.addresses else "")
            if reason:
                findings.append(NotVerified(where, reason, stated, _excused(reason), release=str(target.version),
                                            header=header, differences=said.differences))
                continue
            fails = tuple(v[0] for r, v in verdicts.items() if isinstance(v, tuple) and v[0] is not None
                          and (r == str(target.version) or v[0].differences == said.differences
                               and v[0].benchmarks == said.benchmarks))
            findings.append(RunDiffers(where, stated, claim.written, fails, holds, fix_hint, header))
        else:
            findings += [RunNote(where, stated, kind, lines) for kind, lines in notes]
    return findings, verified, hidden


def shown(runs: Runs, results: Mapping[str, RunResult], hidden: frozenset[int] | set[int] = frozenset()
          ) -> list[Shown]:
    """What each run claim's program printed on each release where it ran to its end (the page's tabs), but for
    the `hidden` claims."""
    found = []
    for i, claim in enumerate(runs.claims):
        if i in hidden:
            continue
        printed = {}
        for (n, release), _ in runs.builds.items():
            got = _attempts(runs, results, n, release) if n == i else None
            if got and not got[0].kind:
                printed[release] = claim.program.printed(got[0].output, got[0].returncode, got[0].seconds)
        if printed:
            found.append(Shown(claim.example, claim.stated, claim.fence, printed, claim.program.benchmarks,
                               claim.location, runs.header))
    return found


def _attempts(runs: Runs, results: Mapping[str, RunResult], i: int, release: str) -> list[RunResult] | None:
    jobs = runs.guests.get((i, release))
    if not jobs:
        return None
    got = [results.get(job.key) for job in jobs]
    return None if any(r is None for r in got) else got  # type: ignore[return-value]


def _verdict(example: Example, claim: RunClaim, runs: Runs, results: Mapping[str, RunResult], i: int,
             release: str) -> str | tuple[RunSaid | None, list[tuple[str, tuple[int, ...]]]]:
    """On one release: a not-verified kind, or (what differs, None when it holds; the notes of what was not
    compared)."""
    built = results.get(runs.builds[i, release].key)
    if built is not None and built.timed_out:
        return "sandbox-build-timeout"  # killed at a compile's time limit: the go command said nothing of it
    if built is None or built.returncode != 0:
        return "sandbox-build-fails"
    got = _attempts(runs, results, i, release)
    if got is None:
        return "sandbox-unavailable"
    stopped = next((r.kind for r in got if r.kind), "")
    if stopped:
        return f"sandbox-{stopped}"
    program = claim.program
    printed = [program.printed(r.output, r.returncode, r.seconds) for r in got]
    page = claim.written
    if program.benchmarks and not any(_PASSED.match(line.strip()) for line in page.split("\n")):
        # Only the results shown: what the go command adds after them (PASS, ok) is not expected.
        printed = ["".join(x + "\n" for x in p.split("\n") if x and not _PASSED.match(x.strip())) for p in printed]
    if runs.header is not None:  # a fragment: its own positions where the page's header would put them
        shift = _header_shift(page, printed[0], posixpath.basename(claim.file), runs.header)
        printed = [_shifted(p, posixpath.basename(claim.file), shift) for p in printed] if shift else printed
    comparison = compare_output(page, printed, may_reorder(example.source))
    benches = compare_benchmarks(page, printed[0]) if program.benchmarks else ()
    if comparison.all_varying:
        return "varying-output"
    notes: list[tuple[str, tuple[int, ...]]] = []
    if comparison.varying:
        notes.append(("varying-lines", comparison.varying))
    if comparison.unordered:
        notes.append(("unordered", ()))
    if program.benchmarks:
        notes.append(("benchmark-figures", ()))
    if comparison.holds and not benches:
        if comparison.addresses:  # the shape holds; which addresses are equal does not
            return RunSaid(release, comparison.addresses, (), printed[0], addresses=True), notes
        return None, notes
    return RunSaid(release, comparison.differences, benches, printed[0]), notes


def _positions(text: str, base: str) -> list[int]:
    """The line numbers of `base`'s positions in a program's output (`reverse_test.go:8: reversed`), in order."""
    return [int(m.group(1)) for m in re.finditer(rf"(?<![\w.-]){re.escape(base)}:(\d+)\b", text)]


def _header_shift(page: str, printed: str, base: str, header: Header) -> int:
    """How many lines the page's own header is longer than the one goverify gave the fragment (negative: shorter),
    read from the positions in the fragment's file that the page and the run print (a test's log line
    `x_test.go:8:`, a panic's trace), when every one of them differs by the same number and a header of that many
    lines can exist (one line at least: `package p; import (...)`); 0 otherwise. The page does not show its header:
    as fragments.py fits one to compiler output, a header of another length moves every line of the fragment by
    the same number, and nothing else."""
    mine, theirs = _positions(page, base), _positions(printed, base)
    if not mine or len(mine) != len(theirs):
        return 0
    shifts = {m - t for m, t in zip(mine, theirs, strict=True)}
    shift = shifts.pop() if len(shifts) == 1 else 0
    return shift if header.lines + shift >= 1 else 0


def _shifted(text: str, base: str, shift: int) -> str:
    """The output with each of `base`'s positions moved by `shift` lines."""
    return re.sub(rf"(?<![\w.-])({re.escape(base)}):(\d+)\b", lambda m: f"{m.group(1)}:{int(m.group(2)) + shift}",
                  text)


def _excuse(source: str) -> str:
    """Why a difference is not the program's: it reaches what the sandbox denies, or depends on the machine (what
    it asks of it, or memory it reads through `unsafe`)."""
    kinds = denied(source)
    if kinds:
        return kinds[0]
    return "machine-dependent" if _MACHINE.search(source) else "unsafe-memory" if _UNSAFE.search(source) else ""


# An example with an output comment: on wasip1 the test binary captures what it prints in a temporary file
# (testing's run_example_wasm.go: wasip1 has no pipes), so its runs get a private empty /tmp (sandbox.Contract).
_EXAMPLE_OUTPUT = re.compile(r"^func\s+Example(?![a-z])\w*\s*\(\s*\)[\s\S]*?^\s*//\s*(?i:(?:unordered\s+)?output):",
                             re.M)


def _excused(reason: str) -> str:
    return {
        "sandbox-files": "the program opens files, and the sandbox gives it no directory",
        "sandbox-network": "the program uses the network, which the sandbox does not have",
        "sandbox-exec": "the program starts processes, which the sandbox does not allow",
        "sandbox-signals": "the program uses signals, which the sandbox does not have",
        "machine-dependent": "what it prints depends on the machine (CPUs, GOMAXPROCS, GOOS/GOARCH, memory "
                             "statistics, the process), not only on the program",
        "unsafe-memory": "it reads memory through `unsafe` or `//go:linkname` (the layout of values, the runtime's "
                         "own variables and types), which depends on the architecture and the runtime, not only on "
                         "the program: the sandbox's wasm is not the author's machine",
        "address-equality": "only which of its addresses are equal differs (0x① is the block's first address, 0x② "
                            "its second): which values share an address depends on how the runtime lays out memory, "
                            "which the sandbox's wasm may do otherwise than the author's machine",
    }.get(reason, reason)


def _detail(runs: Runs, results: Mapping[str, RunResult], i: int, release: str) -> str:
    got = _attempts(runs, results, i, release) or []
    built = results.get(runs.builds[i, release].key)
    if built is not None and built.timed_out:
        return ""
    if built is not None and built.returncode != 0:  # the go command's first words (not its `# package` line)
        said = [line for line in built.output.strip().splitlines() if line.strip() and not line.startswith("#")]
        return said[0] if said else f"exit status {built.returncode}"
    return next((r.detail for r in got if r.kind), "")


def reference(claim: RunClaim, matrix: list[Toolchain]) -> Toolchain | None:
    """The release a block speaks for: its fence's go= option, else the newest; None when the matrix lacks it."""
    return spoken_for(claim.release, matrix)
