"""Compare what an article claims with what each Go release reports: verdicts and located disagreements."""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .claims import Claim, Scope
from .diagnostics import Diagnostic, function_spans, normalize_file, parse_output, span_of
from .examples import BoundProse, Example, Location
from .runner import RunResult
from .toolchains import Toolchain
from .versions import parse_version, range_label, scope_text


@dataclass
class Disagreement:
    """One place where the article and the compiler disagree, with everything needed to act on it."""

    location: Location
    summary: str
    detail: list[str] = field(default_factory=list)
    fix: str | None = None

    def render(self) -> str:
        lines = [f"{self.location}: {self.summary}", *("    " + d for d in self.detail)]
        if self.fix:
            lines.append(f"    fix: {self.fix}")
        return "\n".join(lines)


@dataclass
class ClaimVerdict:
    claim: Claim
    location: Location
    versions: list[str]  # in scope
    holds: dict[str, str]  # version -> "exact" | "nearby"
    fails: dict[str, str]  # version -> what the compiler said instead


@dataclass
class OutputVerdict:
    location: Location
    version: str  # the reference release
    missing: list[str]
    corrected: int
    extra: list[str]
    diff: list[str]


@dataclass
class ExampleVerdict:
    example: Example
    claims: list[ClaimVerdict]
    output: OutputVerdict | None
    disagreements: list[Disagreement]
    ran_on: list[str]
    prose: list[ProseVerdict] = field(default_factory=list)
    reasons: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # newest release, for the page

    @property
    def ok(self) -> bool:
        return not self.disagreements


def diagnostics_of(example: Example, run: RunResult) -> list[Diagnostic]:
    """The positioned lines of a run that are about the example's own file."""
    name = example.command.source_file if example.command else "main.go"
    return list(_reported(run.output, name)[0])


@functools.lru_cache(maxsize=64)
def _reported(output: str, name: str) -> tuple[tuple[Diagnostic, ...], dict[str, frozenset[int]]]:
    """The diagnostics of one file in one output, and the lines each message is reported on (computed once
    per output, not once per claim: an example may carry thousands of claims)."""
    ours = tuple(d for d in parse_output(output)[0] if d.file == normalize_file(name))
    lines: dict[str, set[int]] = {}
    for d in ours:
        lines.setdefault(d.message, set()).add(d.line)
    return ours, {message: frozenset(found) for message, found in lines.items()}


def _kind(message: str) -> str:
    for tail in ("escapes to heap", "does not escape", "moved to heap", "leaking param", "inline"):
        if tail in message:
            return tail
    return message


def _nearest(diagnostics: list[Diagnostic], claim: Claim, span: tuple[int, int]) -> str:
    """What the compiler said nearest the claim: same kind of message first, then closest line."""
    inside = [d for d in diagnostics if span[0] <= d.line <= span[1]]
    if not inside:
        return "nothing in this function"
    kind = _kind(claim.message)
    best = min(inside, key=lambda d: (abs(d.line - claim.line) > 1, _kind(d.message) != kind,
                                      abs(d.line - claim.line), d.column))
    return best.text


def claim_verdict(
    claim: Claim, example: Example, matrix: list[Toolchain], results: dict[str, RunResult]
) -> ClaimVerdict:
    spans = function_spans(example.source)
    span = span_of(spans, claim.line)
    versions = [t for t in matrix if claim.scope is None or claim.scope.contains(t.version)]
    holds: dict[str, str] = {}
    fails: dict[str, str] = {}
    for toolchain in versions:
        result = results.get(str(toolchain.version))
        if result is None:
            continue
        diagnostics, lines_of = _reported(result.output, example.command.source_file if example.command else "main.go")
        lines = lines_of.get(claim.message, frozenset())
        if claim.line in lines:
            holds[str(toolchain.version)] = "exact"
        elif any(span[0] <= line <= span[1] for line in lines):
            holds[str(toolchain.version)] = "nearby"
        else:
            fails[str(toolchain.version)] = _nearest(list(diagnostics), claim, span)
    return ClaimVerdict(claim, example.claim_location(claim), [str(t.version) for t in versions], holds, fails)


def _scope_problem(scope: Scope | None, matrix: list[Toolchain]) -> str | None:
    """Why a claim's scope cannot be verified: it names a release newer than the matrix, or none of it."""
    if scope is None:
        return None
    newest = max(t.version.minor_key for t in matrix)
    for bound in (scope.low, scope.high):
        if bound is not None and bound.minor_key > newest:
            return (f"scope {scope} names Go {bound.minor_name}, newer than the newest release verified "
                    f"({range_label([t.version for t in matrix])})")
    if not any(scope.contains(t.version) for t in matrix):
        return f"scope {scope} names no release of the matrix ({range_label([t.version for t in matrix])})"
    return None


def _group(versions: list[str]) -> str:
    return ", ".join(f"Go {v}" for v in versions)


def reference_toolchain(example: Example, matrix: list[Toolchain]) -> Toolchain | None:
    """The release a hand-written output block speaks for: its `go=` option, else the newest."""
    wanted = example.output.version if example.output else None
    if not wanted:
        return max(matrix, key=lambda t: t.version.sort_key())
    try:
        version = parse_version(wanted)
    except ValueError:
        return None
    matches = [t for t in matrix if t.version.minor_key == version.minor_key
               and (version.patch is None or t.version.patch == version.patch)]
    return max(matches, key=lambda t: t.version.sort_key()) if matches else None


def output_verdict(example: Example, toolchain: Toolchain, result: RunResult) -> OutputVerdict:
    """Every line the author wrote must still be printed: messages compared, columns and order forgiven."""
    assert example.output is not None
    written_pos, written_other = parse_output(example.output.text)
    actual_pos, actual_other = parse_output(result.output)
    available = list(actual_pos)
    # Indexed by message and line, so that thousands of lines are not each searched for in thousands.
    by_line: dict[tuple[str, int], list[Diagnostic]] = {}
    by_message: dict[str, list[Diagnostic]] = {}
    for d in available:
        by_line.setdefault((d.message, d.line), []).append(d)
        by_message.setdefault(d.message, []).append(d)
    used: set[int] = set()
    missing: list[str] = []
    corrected = 0
    for want in written_pos:
        same_line = [d for d in by_line.get((want.message, want.line), []) if id(d) not in used]
        exact = [d for d in same_line if d.column == want.column]
        anywhere = [] if same_line else [d for d in by_message.get(want.message, [])
                                         if id(d) not in used and normalize_file(d.file) == want.file]
        match = (exact or same_line or anywhere or [None])[0]
        if match is None:
            missing.append(want.text)
            continue
        if match not in exact:
            corrected += 1
        used.add(id(match))
    available = [d for d in available if id(d) not in used]
    for want in written_other:
        if want not in actual_other:
            missing.append(want)
    written_lines = [line.strip() for line in example.output.text.splitlines() if line.strip()]
    actual_lines = [line.strip() for line in result.output.splitlines() if line.strip()]
    if not missing and written_lines != actual_lines and corrected == 0:
        corrected = 1  # only the order differs
    extra = [d.text for d in available]
    diff = list(difflib.unified_diff(written_lines, actual_lines, "written", f"Go {toolchain.version}",
                                     lineterm="", n=1))
    return OutputVerdict(example.output.location, str(toolchain.version), missing, corrected, extra, diff)


def check_example(
    example: Example,
    matrix: list[Toolchain],
    results: dict[str, RunResult],
    fix_command: str,
    reasons: Callable[[str], dict[tuple[int, int], list[str]]] | None = None,
) -> ExampleVerdict:
    """All verdicts of one example across the matrix. `results` maps exact versions to runs; `reasons(version)`
    gives the compiler's `-m=2` data flow by position, for failure messages."""
    disagreements: list[Disagreement] = []
    ran_on = [str(t.version) for t in matrix if str(t.version) in results]
    command = str(example.command)

    for toolchain in matrix:
        result = results.get(str(toolchain.version))
        if result is None:
            continue
        if result.timed_out:
            disagreements.append(Disagreement(
                example.location, f"`{command}` did not finish within the timeout on Go {toolchain.version}; "
                "the process group was killed (raise `timeout` if the example is just slow)"))
            continue
        if result.returncode != 0:
            written = example.output.text if example.output else ""
            errors = [d for d in parse_output(result.output)[0] if not d.is_escape_report and d.message not in written]
            unpositioned = [line for line in parse_output(result.output)[1]
                            if not line.startswith("#") and line not in written]
            if errors or (not example.output and unpositioned and not _only_missing_main(unpositioned)):
                shown = (errors and [e.text for e in errors]) or unpositioned
                disagreements.append(Disagreement(
                    example.location,
                    f"example does not compile on Go {toolchain.version} (`{command}` exits {result.returncode})"
                    + ("" if example.output is None else ", and the output block does not show it"),
                    [*shown[:20], *([f"... and {len(shown) - 20} more"] if len(shown) > 20 else [])]))

    verdicts: list[ClaimVerdict] = []
    for claim in example.claims:
        location = example.claim_location(claim)
        problem = _scope_problem(claim.scope, matrix)
        if problem:
            disagreements.append(Disagreement(location, f"claim \"{claim.message}\": {problem}"))
            continue
        verdict = claim_verdict(claim, example, matrix, results)
        verdicts.append(verdict)
        if verdict.fails:
            scope = f" {claim.scope}" if claim.scope else ""
            where = ("holds on no release in its scope" if not verdict.holds
                     else f"does not hold on {_group(list(verdict.fails))}")
            disagreements.append(Disagreement(
                location,
                f"claim \"{claim.message}\"{scope} {where}",
                _said(verdict.fails, reasons, lambda said: said)
                + ([f"holds on {_group(list(verdict.holds))}: scope the claim, e.g. "
                    f"\"{claim.message} ({scope_text(list(verdict.holds), ran_on)})\""] if verdict.holds else []),
                f"{fix_command} --dry-run  (shows the claim the compiler supports)",
            ))

    output: OutputVerdict | None = None
    if example.output is not None:
        reference = reference_toolchain(example, matrix)
        if reference is None:
            disagreements.append(Disagreement(
                example.output.location,
                f"output block names go=\"{example.output.version}\", which is not in go_versions "
                f"({range_label([t.version for t in matrix])})"))
        elif str(reference.version) in results:
            output = output_verdict(example, reference, results[str(reference.version)])
            if output.missing:
                disagreements.append(Disagreement(
                    example.output.location,
                    f"output block disagrees with Go {reference.version} (`{command}`): "
                    f"{len(output.missing)} line(s) the compiler no longer prints",
                    [*(f"missing: {m}" for m in output.missing), *output.diff],
                    fix_command,
                ))
    return ExampleVerdict(example, verdicts, output, disagreements, ran_on)


def why(said: str, version: str, reasons: Callable[[str], dict[tuple[int, int], list[str]]] | None) -> list[str]:
    """The `-m=2` flow lines for the position of a diagnostic's text, indented under it."""
    m = re.match(r"^\.?/?[^\s:]+\.go:(\d+):(\d+): ", said)
    if not m or reasons is None:
        return []
    flow = reasons(version).get((int(m.group(1)), int(m.group(2))), [])
    return [f"  why (-m=2): {line.strip()}" if i == 0 else f"               {line.strip()}"
            for i, line in enumerate(flow[:12])]


@dataclass
class ProseVerdict:
    bound: BoundProse
    versions: list[str]
    holds: list[str]
    fails: dict[str, str]  # version -> what the compiler said about the subject


def prose_verdict(bound: BoundProse, example: Example, matrix: list[Toolchain],
                  results: dict[str, RunResult]) -> ProseVerdict:
    claim = bound.claim
    versions = [str(t.version) for t in matrix if claim.scope is None or claim.scope.contains(t.version)]
    holds, fails = [], {}
    for version in versions:
        run = results.get(version)
        if run is None:
            continue
        diagnostics = diagnostics_of(example, run)
        present = any(d.message in claim.expected() for d in diagnostics)
        if present != claim.negative:
            holds.append(version)
            continue
        subject = re.compile(r"(?<![\w\"])" + re.escape(claim.subject) + r"(?![\w\"])")
        about = [d.text for d in diagnostics if subject.search(d.message)]
        if claim.negative:
            about = [d.text for d in diagnostics if d.message in claim.expected()]
        if not about:
            reported = [d.text for d in diagnostics if "heap" in d.message][:3]
            about = [f"nothing about {claim.subject}" + (f"; it reports {', '.join(reported)}" if reported else "")]
        fails[version] = "; ".join(about)
    return ProseVerdict(bound, versions, holds, fails)


def prose_disagreement(verdict: ProseVerdict, matrix: list[Toolchain],
                       reasons: Callable[[str], dict[tuple[int, int], list[str]]] | None) -> Disagreement | None:
    claim = verdict.bound.claim
    problem = _scope_problem(claim.scope, matrix)
    if problem:
        return Disagreement(verdict.bound.location, f"prose claim {claim.describe()}: {problem}")
    if not verdict.fails:
        return None
    where = ("holds on no release in its scope" if not verdict.holds
             else f"does not hold on {_group(list(verdict.fails))}")
    return Disagreement(
        verdict.bound.location,
        f"prose claim {claim.describe()} (about example {verdict.bound.example}) {where}",
        _said(verdict.fails, reasons, lambda said: said.split("; it reports ")[-1].split("; ")[0])
        + ([f"holds on {_group(verdict.holds)}: add a scope, e.g. "
            f"go=\"{scope_text(verdict.holds, verdict.versions)[2:]}\""] if verdict.holds else []),
    )


def _only_missing_main(lines: list[str]) -> bool:
    return all("function main is undeclared" in line for line in lines)


def _said(fails: dict[str, str], reasons: Callable[[str], dict[tuple[int, int], list[str]]] | None,
          diagnostic: Callable[[str], str]) -> list[str]:
    """`Go 1.25 – 1.27 (1.25.5, 1.26.6, 1.27.3) says: ...` once per distinct answer, each with its `-m=2` reasons;
    `diagnostic(said)` picks the compiler line whose reasons to show."""
    by_answer: dict[str, list[str]] = {}
    for version, said in fails.items():
        by_answer.setdefault(said, []).append(version)
    return [line for said, vs in by_answer.items()
            for line in [f"{range_label([parse_version(v) for v in vs])} ({', '.join(vs)}) says: {said}",
                         *why(diagnostic(said), vs[0], reasons)]]
