"""Compare what a page states with what each Go release printed: verdicts and findings, as data.

Checking is a pure function of the page, the plan of each example (its source and header) and the runs the engine
made; it runs nothing. Every finding is located at the line a reader opens: a claim at its comment, a written output
line at that line of the block, a compile error at the Markdown (or snippet) line of the Go line it names.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from .borrow import Borrowed
from .claims import Claim, Scope, function_spans, is_compile_error, span_of, strip_comments
from .command import Command
from .errors import Location
from .examples import Example, OutputBlock, Page, Stated
from .findings import (
    ClaimFails,
    CompileFails,
    Finding,
    FormatChange,
    HoldsByAbsence,
    LineMissing,
    NoResult,
    NotVerified,
    Offset,
    Problem,
    ProseClaimFails,
    ProseSaid,
    RunDiffers,
    Said,
    ScopeProblem,
    TimedOut,
)
from .formats import format_change, in_todays_words
from .fragments import Header, best_offset, functions_declared
from .fragments import subject as _subject
from .output import DIAGNOSTIC, Diagnostic, kind_of, parse_line, parse_output
from .prose import BoundProse
from .runner import RunResult
from .toolchains import Toolchain, spoken_for

# What the go command says of an import it cannot find: outside the standard library, nothing is downloaded.
_NOT_STD = re.compile(r"^(?:no required module provides package (\S+?)(?:[:;]|$)|package (\S+) is not in std\b|"
                      r"cannot find package \"([^\"]+)\"|could not import (\S+) \((?:file not found|open))")
# What -m and -m=2 print (as opposed to a compile error) when a message is not a claim of the grammar.
_REPORT = re.compile(r"^(?:flow:|from |parameter |can inline|cannot inline|inlining call|devirtualizing|leaking|"
                     r"moved to heap|\.\.\. argument)|escapes to heap|does not escape| capturing by |"
                     r"^(?:stack object|live at|zero-copy)")


@dataclass(frozen=True)
class Plan:
    """What goverify compiles for one example: its source with the header a fragment needs, the commands to run
    it with, and why it cannot be verified when it cannot."""

    source: str
    header: Header | None
    commands: tuple[Command, ...]  # the example's own command first, then its output blocks' others
    unfit: NotVerified | None = None  # a fragment no header fits
    borrowed: Borrowed | None = None  # declarations of the page's earlier fences, after the fragment's own lines

    @property
    def shift(self) -> int:
        return self.header.lines if self.header else 0

    @property
    def own_lines(self) -> tuple[int, int] | None:
        """The lines of the compiled file that are the example's own when it borrows declarations (the others hold
        code the page shows elsewhere, at other lines); None: every line."""
        if self.borrowed is None:
            return None
        return self.shift + 1, self.source.count("\n") - self.borrowed.lines


@dataclass
class ClaimVerdict:
    claim: Claim
    location: Location
    in_scope: list[str]
    holds: list[str]
    fails: dict[str, Said]
    by_absence: tuple[str, ...] = ()  # releases of `holds` on which it holds because nothing is said of its name
    unverified: str = ""  # the NotVerified kind when it is not checked (`claim-subject-absent`)


@dataclass
class ProseVerdict:
    bound: BoundProse
    in_scope: list[str]
    holds: list[str]
    fails: dict[str, ProseSaid]


@dataclass
class OutputVerdict:
    block: OutputBlock
    release: str
    offset: int
    missing: list[LineMissing]
    corrected: int  # lines found at another column or in another order


@dataclass
class ExampleVerdict:
    """Everything about one example, complete when it is made."""

    example: Example
    plan: Plan
    runs: dict[Command, dict[str, RunResult]]  # command -> release -> run
    claims: list[ClaimVerdict] = field(default_factory=list)
    prose: list[ProseVerdict] = field(default_factory=list)
    outputs: list[OutputVerdict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    reasons: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict)  # newest release
    failing: set[str] = field(default_factory=set)  # releases on which something the page says is false
    # An example the page only runs: the releases its programs were built on for the sandbox, where its own command
    # is not run (that build compiled the same code); `runs` holds the releases where they were not built.
    built: frozenset[str] = frozenset()

    @property
    def command(self) -> Command | None:
        return self.plan.commands[0] if self.plan.commands else None

    def runs_of(self, command: Command | None) -> dict[str, RunResult]:
        return self.runs.get(command, {}) if command is not None else {}

    @property
    def ok(self) -> bool:
        return not any(f.severity == "error" for f in self.findings)


@dataclass
class PageVerdict:
    page: Page
    examples: list[ExampleVerdict]
    findings: list[Finding]  # the page's own (problems, not verified) then each example's, in page order
    programs: list = field(default_factory=list)  # runstage.Shown: what each run claim's program printed, by release

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def check_page(page: Page, plans: dict[int, Plan], results: dict[tuple[int, Command, str], RunResult],
               reasons: dict[int, dict[tuple[int, int], tuple[str, ...]]], matrix: list[Toolchain],
               fix_hint: str, built: dict[int, frozenset[str]] | None = None) -> PageVerdict:
    """All verdicts of a page. `plans`, `reasons` and `built` (ExampleVerdict.built) by example index; `results` by
    (example, command, release)."""
    releases = [str(t.version) for t in matrix]
    verdicts = []
    for example in page.examples:
        plan = plans[example.index]
        runs: dict[Command, dict[str, RunResult]] = {}
        for command in plan.commands:
            runs[command] = {r: results[example.index, command, r] for r in releases
                             if (example.index, command, r) in results}
        verdict = ExampleVerdict(example, plan, runs, reasons=reasons.get(example.index, {}),
                                 built=(built or {}).get(example.index, frozenset()))
        _check_example(verdict, page, matrix, fix_hint)
        verdicts.append(verdict)
    findings: list[Finding] = [Problem(p) for p in page.problems]
    findings += page.not_verified
    findings += page.skipped
    for verdict in verdicts:
        findings += verdict.findings
    findings.sort(key=lambda f: (f.location.path, f.location.line))  # stable: a line's findings keep their order
    return PageVerdict(page, verdicts, findings)


def _check_example(verdict: ExampleVerdict, page: Page, matrix: list[Toolchain], fix_hint: str) -> None:
    example, plan = verdict.example, verdict.plan
    releases = [str(t.version) for t in matrix]
    if plan.unfit is not None:
        verdict.findings.append(plan.unfit)
        return
    command = verdict.command
    if command is None:
        return  # a refused command: already a problem of the page
    runs = verdict.runs_of(command)
    missing = [r for r in releases if r not in runs and r not in verdict.built]
    if missing:
        verdict.findings.append(NoResult(example.location, tuple(missing)))
    prose = page.prose_of(example)
    compiled = _compile_failures(verdict, runs, bool(prose))
    if not compiled and any(isinstance(f, NotVerified) for f in verdict.findings):
        return  # a fragment that does not compile, an import outside the standard library: its claims say nothing
    functions = functions_declared(plan.source)
    # A release whose compile failed unexpectedly or timed out says nothing of the claims: they are checked on the
    # others, and said once to be unchecked there (never one disagreement per claim).
    broken = {f.release: f for f in verdict.findings if isinstance(f, CompileFails | TimedOut)}
    usable = {release: run for release, run in runs.items() if release not in broken}
    claimed = len(example.claims) + len(prose)
    for kind in ("timed-out", "does-not-compile"):
        unchecked = [f for f in broken.values() if (kind == "timed-out") == isinstance(f, TimedOut)]
        if claimed and unchecked:
            first = unchecked[0]
            verdict.findings.append(NotVerified(
                example.location, kind, first.command, f"its {claimed} claim{'s' if claimed > 1 else ''} not "
                f"checked on Go {', '.join(f.release for f in unchecked)}",
                errors=getattr(first, "errors", ()), release=first.release))
    for claim in example.claims:
        _check_claim(verdict, claim, matrix, usable, fix_hint)
    for bound in prose:
        _check_prose(verdict, bound, matrix, usable)
    for block in example.outputs:  # a block that shows compile errors is compared even when nothing compiles
        if block.checked and (compiled or any(line.diagnostic and not is_report(line.diagnostic.message)
                                              for line in block.lines)):
            _check_block(verdict, block, matrix, functions, fix_hint)
    for finding in verdict.findings:
        verdict.failing.update(failing_releases(finding))


def failing_releases(finding: Finding) -> set[str]:
    """The releases on which a finding says the page is false."""
    if finding.severity != "error":
        return set()
    if isinstance(finding, ClaimFails | ProseClaimFails | RunDiffers):
        return {said.release for said in finding.fails}
    release = getattr(finding, "release", "")
    return {release} if release else set()


# --- compiling ----------------------------------------------------------------------------------------------------


def is_report(message: str) -> bool:
    """A line of -m or -m=2 output, not a compile error."""
    return _REPORT.search(message) is not None


def _compile_failures(verdict: ExampleVerdict, runs: dict[str, RunResult], has_prose: bool) -> bool:
    """Record timeouts and compile errors; False when the example compiled on no release (nothing more to check)."""
    example, plan = verdict.example, verdict.plan
    written = {line.diagnostic.message for block in example.outputs for line in block.lines if line.diagnostic}
    written |= {r.message for r in map(in_todays_words, written) if r is not None and r.message}  # older words
    compiled = False
    for release, run in runs.items():
        if run.timed_out:
            verdict.findings.append(TimedOut(example.location, release, verdict.command.text))
            verdict.failing.add(release)
            continue
        positioned, other = parse_output(run.output)
        errors = tuple(d for d in positioned if not is_report(d.message) and d.message not in written
                       and not _error_claimed(example.claims, d, example.base, plan.shift))
        unpositioned = tuple(line for line in other if not line.startswith("#") and line not in written
                             and "function main is undeclared" not in line)
        if run.returncode == 0 or not (errors or unpositioned):
            compiled = True
            continue
        first = next((d for d in errors if d.file == example.base), None)
        where = example.location_of(first.line - plan.shift) if first else example.location
        missing = next((m for m in map(_NOT_STD.search, [d.message for d in errors] + list(unpositioned)) if m), None)
        if missing is not None:  # the same on every release: said once
            verdict.findings.append(NotVerified(where, "non-std-import", verdict.command.text, next(
                path for path in missing.groups() if path), errors=errors, release=release))
            return False
        if example.fragment:
            verdict.findings.append(NotVerified(
                example.location, "fragment-does-not-compile", verdict.command.text, errors=errors, release=release,
                detail=" ".join(unpositioned[:1]), header=plan.header.describe() if plan.header else "",
                fences=plan.borrowed.fences if plan.borrowed else ()))
            return False
        if not example.outputs and not example.claims and not has_prose:
            verdict.findings.append(NotVerified(where, "does-not-compile", verdict.command.text, errors=errors,
                                                release=release, detail=" ".join(unpositioned[:1])))
            continue
        verdict.findings.append(CompileFails(where, release, verdict.command.text, run.returncode, errors,
                                             unpositioned, bool(example.outputs)))
        verdict.failing.add(release)
    return compiled


def _error_claimed(claims: list[Claim], d: Diagnostic, base: str, shift: int) -> bool:
    """A compile error on a line whose comment claims a compile error (`Repeat("a") // undefined: Repeat`): the claim
    is about it, and says whether it holds."""
    return d.file == base and any(c.line + shift == d.line and is_compile_error(c.message) for c in claims)


def _states_error(claim: str, message: str) -> bool:
    """A compile-error claim says this message: the same, cut short at a word, or the message and then words of
    the author's (`undefined: Repeat, as expected`)."""
    if claim == message:
        return True
    if message.startswith(claim):
        return not message[len(claim)].isalnum()
    return claim.startswith(message) and not claim[len(message)].isalnum()


# --- claims -------------------------------------------------------------------------------------------------------


def _scope_problem(location: Location, claim: str, scope: Scope | None, matrix: list[Toolchain]) -> ScopeProblem | None:
    """A scope naming a release newer than the matrix, or none of it, cannot be verified."""
    if scope is None:
        return None
    names = tuple(str(t.version) for t in matrix)
    newest = max(t.version.minor_key for t in matrix)
    for bound in (scope.low, scope.high):
        if bound is not None and bound.minor_key > newest:
            return ScopeProblem(location, claim, str(scope), bound.minor_name, names)
    if not any(scope.contains(t.version) for t in matrix):
        return ScopeProblem(location, claim, str(scope), "", names)
    return None


def _in_scope(scope: Scope | None, matrix: list[Toolchain]) -> list[str]:
    """The releases of the matrix a scope speaks for (all of them when there is none)."""
    if scope is None:
        return list(_names(tuple(matrix)))
    return [str(t.version) for t in matrix if scope.contains(t.version)]


@functools.lru_cache(maxsize=64)
def _names(matrix: tuple[Toolchain, ...]) -> tuple[str, ...]:
    return tuple(str(t.version) for t in matrix)


def _check_claim(verdict: ExampleVerdict, claim: Claim, matrix: list[Toolchain], runs: dict[str, RunResult],
                 fix_hint: str) -> None:
    example, plan = verdict.example, verdict.plan
    location = example.location_of(claim.line)
    problem = _scope_problem(location, claim.message, claim.scope, matrix)
    if problem:
        verdict.findings.append(problem)
        return
    line = claim.line + plan.shift
    spans: list[tuple[int, int]] = []  # the claim's function, found only if it is not reported on its own line

    def span() -> tuple[int, int]:
        if not spans:
            spans.append(span_of(function_spans(plan.source), line))
        return spans[0]

    in_scope = _in_scope(claim.scope, matrix)
    holds: list[str] = []
    fails: dict[str, Said] = {}
    newest = _names(tuple(matrix))[-1]
    error = is_compile_error(claim.message)
    for release in in_scope:
        run = runs.get(release)
        if run is None:
            continue
        reported = _reported(verdict, run)
        if error:  # a compile error: said of its own line, in the compiler's words or cut short
            said = reported.in_lines(line, line)
            if any(_states_error(claim.message, d.message) for d in said):
                holds.append(release)
            else:
                nearest = _nearest(said, claim.message, line)
                fails[release] = Said(release, nearest, (), tuple(d for d in said if d != nearest))
            continue
        lines = reported.lines.get(claim.message, ())
        if line not in lines and not (lines and any(span()[0] <= n <= span()[1] for n in lines)):
            lines = reported.containing(claim.message)
            if claim.message in _BARE:
                lines = tuple(n for n in lines if n == line)
        if line in lines or (lines and any(span()[0] <= n <= span()[1] for n in lines)):
            holds.append(release)
        else:
            nearest = _nearest(reported.in_lines(*span()), claim.message, line)
            flow = verdict.reasons.get(nearest.position, ()) if nearest and release == newest else ()
            also = tuple(d for d in reported.in_lines(line, line) if d != nearest)
            fails[release] = Said(release, nearest, flow, also)
    by_absence: tuple[str, ...] = ()
    if fails:
        name, by_absence = _held_by_absence(verdict, claim, fails, runs, span())
        if by_absence:
            holds = [r for r in in_scope if r in holds or r in by_absence]
            fails = {r: said for r, said in fails.items() if r not in by_absence}
            first = plan.source.split("\n")[span()[0] - 1].strip() if span()[0] != span()[1] else ""
            verdict.findings.append(HoldsByAbsence(location, claim.message, name, first, by_absence))
    if fails and claim.own_line:
        absent = _absent_subject(claim.message, _code(plan.source, *span()))
        if absent:
            verdict.claims.append(ClaimVerdict(claim, location, in_scope, [], {}, (), "claim-subject-absent"))
            verdict.findings.append(NotVerified(location, "claim-subject-absent", verdict.command.text, absent))
            return
    verdict.claims.append(ClaimVerdict(claim, location, in_scope, holds, fails, by_absence))
    if fails:
        verdict.findings.append(ClaimFails(location, claim.message, str(claim.scope or ""), tuple(holds),
                                           tuple(fails.values()), tuple(runs), fix_hint,
                                           _silent(verdict, claim.message, fails, runs),
                                           example.command.text if example.command.origin == "default" else "",
                                           _inherited(example.command),
                                           _compiles_since(runs, releases_of(matrix)) if error else "",
                                           _error_change(claim.message, list(fails.values())[-1]) if error else None))


_NAME_CLAIM = re.compile(r"([A-Za-z_]\w*) does not escape")
# The subject of an escape claim: the name of `moved to heap: x`, the expression of `x escapes to heap`.
_CLAIM_SUBJECT = re.compile(r"^(?:moved to heap: |leaking param(?: content)?: |leaking closure reference |"
                            r"mutates param: )(?P<name>\S+)|^(?P<expr>.+?) (?:escapes to heap|does not escape)")


def _code(source: str, first: int, last: int) -> str:
    """The code of lines `first` to `last` of a Go file, without comments."""
    return strip_comments("\n".join(source.split("\n")[first - 1:last]))


_IDENT_LIST = r"(?:[A-Za-z_]\w*\s*,\s*)*"


def _is_variable(name: str, code: str) -> bool:
    """The code declares a variable `name`: `name := ...` (or in a list before `:=`), `var name`, or a parameter or
    result `name T` of its signature or of a closure in it (a type or function of the same name is no variable)."""
    n = re.escape(name)
    return re.search(
        rf"(?<![\w.]){_IDENT_LIST}{n}\s*(?:,\s*[A-Za-z_]\w*\s*)*:=(?!=)"  # n := ..., a, n := ..., for _, n := range
        rf"|\bvar\s+{_IDENT_LIST}{n}\b"  # var n T
        rf"|\bfunc\b[^{{\n]*?[(,]\s*{n}\s*(?:,|\s+[^\s,)])",  # func f(n T), func(a, n T), (n *T) M()
        code) is not None


def _held_by_absence(verdict: ExampleVerdict, claim: Claim, fails: dict[str, Said], runs: dict[str, RunResult],
                     span: tuple[int, int]) -> tuple[str, tuple[str, ...]]:
    """`NAME does not escape` of a variable of the claim's function: (NAME, the failing releases that say nothing
    of NAME in that function). The compiler prints `does not escape` only for parameters and the values it
    allocates, and `moved to heap: NAME` (or `NAME escapes to heap`, `leaking param: NAME`) for a name that escapes:
    its silence about a variable is the claim holding."""
    m = _NAME_CLAIM.fullmatch(claim.message)
    if not m or not _is_variable(m.group(1), _code(verdict.plan.source, *span)):
        return "", ()
    name = m.group(1)
    silent = tuple(r for r in fails if not any(name in _NAME.findall(d.message)
                                               for d in _reported(verdict, runs[r]).in_lines(*span)))
    return name, silent


def _absent_subject(message: str, code: str) -> str:
    """The subject a claim names when the code of its function does not hold it ("" when it does, or when the
    claim names no subject to look for): `string` of `string escapes to heap` beside `s := string(x)`."""
    m = _CLAIM_SUBJECT.match(message)
    if not m:
        return ""
    if m.group("name"):
        return "" if _is_variable(m.group("name"), code) else m.group("name")
    expr = m.group("expr")
    if re.fullmatch(r"[A-Za-z_]\w*", expr):
        return "" if _is_variable(expr, code) else expr
    written = re.split(r"\{|\.\.\.", expr)[0]  # `&T{...}`, `[]int{...}`: what the source writes before the dots
    if not written.strip() or re.search(r"\b(?:literal|argument)\b", expr):
        return ""  # the compiler's own words (`func literal`, `... argument`): nothing to look for
    return "" if re.sub(r"\s", "", written) in re.sub(r"\s", "", code) else expr


def _error_change(message: str, said: Said) -> FormatChange | None:
    """A compile error claimed in an older release's words (`y declared but not used`), when the compiler prints it
    on that line in today's (`declared and not used: y`)."""
    printed = [d for d in (said.nearest, *said.also) if d is not None]
    return format_change(Diagnostic("", 0, None, message, message), printed, frozenset()) if printed else None


def _inherited(stated: Stated) -> tuple[str, Location, str] | None:
    """The command that ran, where the page states it and how it came to this example, when it is stated for another
    example (`page`) or once for the page (`page-wide`)."""
    return (stated.parsed.stated, stated.location, stated.origin) if stated.origin in {"page", "page-wide"} else None


def _silent(verdict: ExampleVerdict, message: str, fails: dict[str, Said], runs: dict[str, RunResult]) -> str:
    """`x does not escape` of a variable the failing releases say nothing about (they report no local that stays
    on the stack): the name, else ""."""
    m = re.fullmatch(r"&?([A-Za-z_]\w*) does not escape", message)
    if not m:
        return ""
    if any(m.group(1) in _reported(verdict, runs[release]).names for release in fails):
        return ""
    return m.group(1)


@dataclass(frozen=True)
class _Reported:
    """The lines of one run about one file, indexed once (an example may carry thousands of claims)."""

    diagnostics: tuple[Diagnostic, ...]  # by line
    lines: dict[str, tuple[int, ...]]  # message -> lines it is reported on
    starts: tuple[int, ...]  # the line of each diagnostic
    contained: dict[str, tuple[int, ...]] = field(default_factory=dict)  # claim -> `containing`, once asked

    @functools.cached_property
    def names(self) -> frozenset[str]:
        """Every name the lines mention, not after a dot (`x`, not `f` of `x.f`): asked only of failing claims."""
        return frozenset(name for d in self.diagnostics for name in _NAME.findall(d.message))

    def containing(self, claim: str) -> tuple[int, ...]:
        """The lines of the messages that hold a claim cut short at a word (`leaking param: p` of `leaking param: p
        to result ~r0 level=0`, a bare `escapes to heap`), as Go's own tests write them; never a claim about another
        expression (`x does not escape` is not in `&x does not escape`)."""
        found = self.contained.get(claim)
        if found is None:
            found = self.contained[claim] = _containing(self.diagnostics, claim)
        return found

    def in_lines(self, first: int, last: int) -> tuple[Diagnostic, ...]:
        return self.diagnostics[bisect.bisect_left(self.starts, first): bisect.bisect_right(self.starts, last)]


@functools.lru_cache(maxsize=256)
def _index(output: str, file: str) -> _Reported:
    mine = tuple(sorted((d for d in parse_output(output)[0] if d.file == file), key=lambda d: d.line))
    lines: dict[str, list[int]] = {}
    for d in mine:
        lines.setdefault(d.message, []).append(d.line)
    return _Reported(mine, {message: tuple(found) for message, found in lines.items()}, tuple(d.line for d in mine))


_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
# Claims with no subject: true of a message on their own line only, not of one elsewhere in the function.
_BARE = frozenset({"escapes to heap", "does not escape", "can inline", "inlining call", "ignoring self-assignment"})


def _containing(diagnostics: tuple[Diagnostic, ...], claim: str) -> tuple[int, ...]:
    found = []
    for d in diagnostics:
        at = d.message.find(claim)
        while at >= 0:
            end = at + len(claim)
            if (at == 0 or d.message[at - 1] == " ") and (end == len(d.message) or d.message[end] in " ,"):
                found.append(d.line)
                break
            at = d.message.find(claim, at + 1)
    return tuple(found)


def _reported(verdict: ExampleVerdict, run: RunResult) -> _Reported:
    command = verdict.command
    return _index(command.filter(run.output) if command else run.output, verdict.example.base)


def _nearest(inside: tuple[Diagnostic, ...], message: str, line: int) -> Diagnostic | None:
    """What the compiler said nearest a claim, in its function: about the claim's subject on its line first (`c()
    escapes to heap` for `c() does not escape`, not `... argument does not escape`), then the same kind of message,
    then the closest line."""
    if not inside:
        return None
    kind = kind_of(message)
    about = _subject(message)
    return min(inside, key=lambda d: (abs(d.line - line) > 1, d.line != line or _subject(d.message) != about,
                                      kind_of(d.message) != kind, abs(d.line - line), d.column or 0))


def _check_prose(verdict: ExampleVerdict, bound: BoundProse, matrix: list[Toolchain],
                 runs: dict[str, RunResult]) -> None:
    claim = bound.claim
    problem = _scope_problem(bound.location, claim.describe(), claim.scope, matrix)
    if problem:
        verdict.findings.append(problem)
        return
    in_scope = [str(t.version) for t in matrix if claim.scope is None or claim.scope.contains(t.version)]
    newest = str(matrix[-1].version)
    holds: list[str] = []
    fails: dict[str, ProseSaid] = {}
    subject = re.compile(r"(?<![\w\"])" + re.escape(claim.subject) + r"(?![\w\"])")
    for release in in_scope:
        run = runs.get(release)
        if run is None:
            continue
        reported = _reported(verdict, run)
        diagnostics = reported.diagnostics  # the positioned lines about the example's file
        present = any(d.message in claim.expected() for d in diagnostics) or bool(
            claim.message and claim.message not in _BARE and reported.containing(claim.message))
        if present != claim.negative:
            holds.append(release)
            continue
        if claim.negative:
            about = tuple(d for d in diagnostics if d.message in claim.expected())
        else:
            about = tuple(d for d in diagnostics if subject.search(d.message))
        reported = () if about else tuple(d for d in diagnostics if "heap" in d.message)[:3]
        shown = (about or reported)[:1]
        flow = verdict.reasons.get(shown[0].position, ()) if shown and release == newest else ()
        fails[release] = ProseSaid(release, about, reported, flow)
    verdict.prose.append(ProseVerdict(bound, in_scope, holds, fails))
    if fails:
        verdict.findings.append(ProseClaimFails(bound.location, claim.describe(), bound.example, claim.subject,
                                                claim.negative, tuple(holds), tuple(fails.values()),
                                                tuple(in_scope)))


# --- output blocks ------------------------------------------------------------------------------------------------


def reference_release(block: OutputBlock, matrix: list[Toolchain]) -> Toolchain | None:
    """The release a hand-written output block speaks for: its `go=` option, else the newest."""
    return spoken_for(block.release, matrix)


def _check_block(verdict: ExampleVerdict, block: OutputBlock, matrix: list[Toolchain], functions: frozenset[str],
                 fix_hint: str) -> None:
    command = block.command.command
    assert command is not None
    reference = reference_release(block, matrix)
    if reference is None:
        verdict.findings.append(ScopeProblem(block.location, f'go="{block.release}"', block.release or "", "",
                                             tuple(str(t.version) for t in matrix)))
        return
    release = str(reference.version)
    runs = verdict.runs_of(command)
    run = runs.get(release)
    if run is None or run.timed_out:
        return
    printed = list(parse_output(command.filter(run.output))[0])
    written_lines = [line for line in block.lines if line.kind == DIAGNOSTIC and line.diagnostic]
    written = [line.diagnostic for line in written_lines]
    offset = 0
    at_zero = _matches(written, printed, 0)
    if verdict.plan.header is None and at_zero < len(written):  # not every line where written: another offset?
        found = best_offset(written, printed, loose=False)
        offset = found if found is not None and _matches(written, printed, found) > at_zero else 0
    missing: list[LineMissing] = []
    corrected = 0
    first = True
    for line in written_lines:
        w = line.diagnostic
        assert w is not None
        here = [p for p in printed if p.file == w.file and p.line == w.line - offset]
        match = next((p for p in here if p.key() == w.key(-offset)), None)
        if match is not None:
            corrected += w.column is not None and match.column != w.column
            continue
        older = tuple(r for r, other in runs.items() if r != release and _prints(other, command, w, offset))
        nearest = _nearest_line(here, w)
        since = _compiles_since(runs, releases_of(matrix)) if not is_report(w.message) and run.returncode == 0 else ""
        missing.append(LineMissing(
            block.line_location(line), w, release, command.stated, offset, nearest,
            format_change(w, here, functions), older,
            (tuple(x.text for x in written_lines), tuple(_shown(command, run, block, verdict.plan,
                                                                verdict.example.base))) if first else None,
            fix_hint, block.command.origin == "default",
            _inherited(block.command), since))
        first = False
    if offset and not missing:
        verdict.findings.append(Offset(block.location, offset, verdict.example.base))
    verdict.outputs.append(OutputVerdict(block, release, offset, missing, corrected))
    verdict.findings.extend(missing)


def releases_of(matrix: list[Toolchain]) -> list[str]:
    return [str(t.version) for t in matrix]


def _compiles_since(runs: dict[str, RunResult], releases: list[str]) -> str:
    """The oldest release (as `1.27`) from which every newer one compiles the example; "" if the newest does not."""
    since = ""
    for release in reversed(releases):
        run = runs.get(release)
        if run is None or run.timed_out or run.returncode != 0:
            break
        since = release
    return ".".join(since.split(".")[:2]) if since else ""


def _nearest_line(here: list[Diagnostic], w: Diagnostic) -> Diagnostic | None:
    """Of what the compiler prints at a written line's position, the line most like it: about the same thing,
    then the same kind of message, then the same column."""
    if not here:
        return None
    subject = _subject(w.message)
    kind = kind_of(w.message)
    escape = {"escapes to heap", "does not escape", "moved to heap"}
    return min(here, key=lambda p: (_subject(p.message) != subject, kind_of(p.message) != kind,
                                    not (kind_of(p.message) in escape and kind in escape), p.column != w.column,
                                    p.column or 0))


def _matches(written: list[Diagnostic], printed: list[Diagnostic], offset: int) -> int:
    keys = {(p.line, *p.key()) for p in printed}
    return sum((w.line - offset, *w.key(-offset)) in keys for w in written)


def _prints(run: RunResult, command: Command, w: Diagnostic, offset: int) -> bool:
    return any(p.file == w.file and p.line == w.line - offset and p.key() == w.key(-offset)
               for p in parse_output(command.filter(run.output))[0])


def _shown(command: Command, run: RunResult, block: OutputBlock, plan: Plan, file: str) -> list[str]:
    """What the compiler printed, as the diff shows it: its lines about the files the block speaks of (a test
    binary's generated main and the standard library's lines left out unless the author showed them, and those of
    the declarations the example borrows), beside the block's own such lines."""
    files = {line.diagnostic.file for line in block.lines if line.diagnostic}
    own = plan.own_lines
    shown = []
    for raw in command.filter(run.output).splitlines():
        line = raw.strip()
        d = parse_line(line)
        if d and d.file in files and not (d.file == file and own is not None and not own[0] <= d.line <= own[1]):
            shown.append(line)
    return shown
