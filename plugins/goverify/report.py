"""Say what a verification found: the only place findings become text. Located lines for people, JSON for machines,
annotations for GitHub; `describe` is also what the page shows under a failing example."""

from __future__ import annotations

import difflib
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TextIO

from .claims import is_compile_error
from .errors import EXIT_DISAGREES, EXIT_OK, Location
from .findings import (
    ERROR,
    NOT_VERIFIED,
    NOTE,
    RUN_NOT_VERIFIED,
    WARNING,
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
    RunDiffers,
    RunNote,
    Said,
    ScopeProblem,
    Skipped,
    TimedOut,
)
from .versions import parse_version, range_label, scope_text

if TYPE_CHECKING:
    from .check import PageVerdict
    from .engine import Engine

SCHEMA = "goverify-report/2"


@dataclass(frozen=True)
class Message:
    location: str
    severity: str
    summary: str
    detail: tuple[str, ...] = ()
    fix: str | None = None
    finding: str = ""  # the finding's type
    kind: str = ""  # why it is not verified or not compiled (findings.NOT_VERIFIED, NOT_COMPILED), or a note's kind

    def render(self) -> str:
        lines = [f"{self.location}: {self.summary}", *("    " + d for d in self.detail)]
        if self.fix:
            lines.append(f"    fix: {self.fix}")
        return "\n".join(lines)


def _releases(names: list[str] | tuple[str, ...]) -> str:
    return ", ".join(f"Go {v}" for v in names)


def _group(saids: tuple[Said, ...] | list, text) -> list[str]:
    """`Go 1.25 – 1.27 (1.25.5, 1.26.6, 1.27.3) says: ...` once per distinct answer, each with its -m=2 flow."""
    by_answer: dict[str, list] = {}
    for said in saids:
        by_answer.setdefault(text(said), []).append(said)
    lines = []
    for answer, group in by_answer.items():
        versions = [s.release for s in group]
        lines.append(f"{range_label([parse_version(v) for v in versions])} ({', '.join(versions)}) says: {answer}")
        flow = next((s.flow for s in group if s.flow), ())
        lines += [f"  why (-m=2): {line}" if i == 0 else f"               {line}" for i, line in enumerate(flow[:12])]
    return lines


def _change(change: FormatChange | None, release: str) -> list[str]:
    if change is None:
        return []
    words = {
        "function-name prefix": "no function-name prefix before the expression",
        "composite literal": "a composite literal is written `&T{...}`, not `&T literal`",
        "variadic argument": "the arguments of an inlined variadic call are `... argument`",
        "result numbering": "unnamed results are numbered from ~r0 in their own list",
        "escapes to heap in": "an -m=2 explanation names its function: `x escapes to heap in f:`",
        "flow arrow": "-m=2 flow lines use `←`, not `=`",
        "old -m=2 explanation": "-m=2 explains with `flow:` lines, not `from x (reason) at ...`",
        "non-leaf function": "a function that calls others is inlined or reported as `function too complex`",
        "wrapper receiver": "no `.this` lines for generated wrappers",
        "constant by value": "a local that only ever holds a constant is reported by its value",
        "unused variable": "an unused variable is the compile error `declared and not used: x`",
        "unused import": "an unused import is the compile error `\"p\" imported and not used`",
    }
    said = [f"since Go {since}, {words.get(name, name)}" for name, since in change.changes]
    line = "written in an older compiler's words: " + "; ".join(said)
    if change.modern:
        line += f"; Go {release} prints: {change.modern}"
    return [line]


def describe(finding: Finding) -> Message:
    """The text of one finding."""
    message = _describe(finding)
    kind = finding.reason if isinstance(finding, NotVerified | Skipped) else "line-offset" \
        if isinstance(finding, Offset) else finding.kind if isinstance(finding, RunNote) else "holds-by-absence" \
        if isinstance(finding, HoldsByAbsence) else ""
    return Message(message.location, message.severity, message.summary, message.detail, message.fix,
                   type(finding).__name__, kind)


def _describe(finding: Finding) -> Message:
    """The message of a finding, worded by what it is about."""
    where = str(finding.location)
    for text in (_claim_text, _output_text, _run_text, _program_text, _unchecked_text):
        message = text(finding, where)
        if message is not None:
            return message
    raise TypeError(f"no text for {finding!r}")


def _claim_text(finding: Finding, where: str) -> Message | None:
    """A claim the compiler does not support on some release, or whose scope names no release verified."""
    if isinstance(finding, ClaimFails):
        scope = f" {finding.scope}" if finding.scope else ""
        where_fails = ("holds on no release in its scope" if not finding.holds
                       else f"does not hold on {_releases([s.release for s in finding.fails])}")
        def said(s: Said) -> str:
            if s.nearest is None:
                return "nothing on this line" if finding.compiles_since or is_compile_error(finding.message) \
                    else "nothing in this function"
            rest = [d.text for d in s.also[:3]] + ([f"... and {len(s.also) - 3} more"] if len(s.also) > 3 else [])
            return s.nearest.text + (f"; and on that line: {'; '.join(rest)}" if rest else "")

        detail = _group(finding.fails, said)
        if finding.holds:
            detail.append(f"holds on {_releases(finding.holds)}: scope the claim, e.g. \"{finding.message} "
                          f"({scope_text(list(finding.holds), list(finding.releases))})\"")
        if finding.unstated:
            detail.append(_unstated(finding.unstated))
        if finding.inherited is not None:
            detail.append(_inherited(*finding.inherited))
        detail += _change(finding.change, finding.fails[-1].release)
        if finding.compiles_since:
            newest = finding.releases[-1] if finding.releases else ""
            detail.append(f"the example compiles since Go {finding.compiles_since}: Go {newest} no longer prints this "
                          "compile error")
        if finding.silent:
            detail.append(f"the compiler says nothing about {finding.silent}, and the claim's function has no "
                          f"variable {finding.silent} (a claim `NAME does not escape` about one of its variables "
                          "holds when nothing says it escapes)")
        return Message(where, ERROR, f'claim "{finding.message}"{scope} {where_fails}', tuple(detail),
                       f"{finding.fix_hint} --dry-run  (shows the claim the compiler supports)")
    if isinstance(finding, HoldsByAbsence):
        where_in = f" in `{finding.function}`" if finding.function else ""
        return Message(where, NOTE, f'claim "{finding.message}" holds by absence on {_releases(finding.releases)}: '
                                    f"the compiler says nothing about {finding.name}{where_in}, and nothing says it "
                                    "escapes (it prints `does not escape` only for parameters and values it "
                                    f"allocates, and `moved to heap: {finding.name}` for a variable that escapes)")
    if isinstance(finding, ProseClaimFails):
        where_fails = ("holds on no release in its scope" if not finding.holds
                       else f"does not hold on {_releases([s.release for s in finding.fails])}")

        def said(s) -> str:
            if s.about:
                return "; ".join(d.text for d in s.about)
            reported = ", ".join(d.text for d in s.reported)
            return f"nothing about {finding.subject}" + (f"; it reports {reported}" if reported else "")

        detail = _group(finding.fails, said)
        if finding.holds:
            detail.append(f"holds on {_releases(finding.holds)}: add a scope, e.g. "
                          f"go=\"{scope_text(list(finding.holds), list(finding.in_scope))[2:]}\"")
        return Message(where, ERROR, f"prose claim {finding.claim} (about example {finding.example}) {where_fails}",
                       tuple(detail))
    if isinstance(finding, ScopeProblem):
        matrix = range_label([parse_version(v) for v in finding.matrix])
        what = finding.claim if finding.claim.startswith(("`", "go=")) else f'"{finding.claim}"'
        kind = "output block" if finding.claim.startswith("go=") else \
            "prose claim" if finding.claim.startswith("`") else "claim"
        if kind == "output block":
            return Message(where, ERROR, f"output block names {finding.claim}, which is not in go_versions ({matrix})")
        if finding.bound:
            problem = (f"scope {finding.scope} names Go {finding.bound}, newer than the newest release verified "
                       f"({matrix})")
        else:
            problem = f"scope {finding.scope} names no release of the matrix ({matrix})"
        return Message(where, ERROR, f"{kind} {what}: {problem}")


def _output_text(finding: Finding, where: str) -> Message | None:
    """A written output line no release prints, or an output block that holds at other line numbers."""
    if isinstance(finding, LineMissing):
        summary = f"Go {finding.release} no longer prints this line (`{finding.command}`): {finding.written.text}"
        if finding.compiles_since:
            summary = (f"the example compiles since Go {finding.compiles_since}: Go {finding.release} no longer prints "
                       f"this compile error (`{finding.command}`): {finding.written.text}")
        elif finding.change is not None and finding.change.modern and is_compile_error(finding.written.message):
            since = finding.change.changes[-1][1]
            summary = (f"Go {since} and later print this compile error as `{finding.change.modern}` "
                       f"(`{finding.command}`): {finding.written.text}")
        detail: list[str] = []
        if finding.nearest is not None:
            detail.append(f"at that line it prints: {finding.nearest.text}")
        detail += _change(finding.change, finding.release)
        if finding.printed_by:
            detail.append(f"{_releases(finding.printed_by)} still print{'s' if len(finding.printed_by) == 1 else ''}"
                          " it")
        if finding.offset:
            detail.append(_offset_words(finding.offset, finding.written.file))
        if finding.unstated:
            detail.append(_unstated(finding.command))
        if finding.inherited is not None:
            detail.append(_inherited(*finding.inherited))
        if finding.diff:
            written, printed = finding.diff
            detail += list(difflib.unified_diff(list(written), list(printed), "written", f"Go {finding.release}",
                                                lineterm="", n=1))
        return Message(where, ERROR, summary, tuple(detail), finding.fix_hint or None)
    if isinstance(finding, Offset):
        return Message(where, NOTE, f"output block holds: {_offset_words(finding.offset, finding.file)}")


def _run_text(finding: Finding, where: str) -> Message | None:
    """A compile that failed, did not finish, or is missing from the shard results."""
    if isinstance(finding, CompileFails):
        summary = (f"example does not compile on Go {finding.release} (`{finding.command}` exits "
                   f"{finding.returncode})" + (", and the output block does not show it" if finding.has_output else ""))
        shown = [d.text for d in finding.errors] or list(finding.unpositioned)
        detail = [*shown[:20], *([f"... and {len(shown) - 20} more"] if len(shown) > 20 else [])]
        return Message(where, ERROR, summary, tuple(detail))
    if isinstance(finding, TimedOut):
        return Message(where, ERROR, f"`{finding.command}` did not finish within the timeout on Go {finding.release}; "
                                     "the process group was killed (raise `timeout` if the example is just slow)")
    if isinstance(finding, NoResult):
        return Message(where, ERROR, f"no result for this example on Go {', '.join(finding.releases)} in the shard "
                                     "results: its source or command changed since they were made; re-run "
                                     "`goverify verify --go VERSION --results DIR`")


SANDBOX = "WebAssembly sandbox (wasip1, GOMAXPROCS=1)"


def _run_diff(differences: tuple, release: str) -> list[str]:
    """The page's lines against what the program printed in the sandbox (runout's `Difference`s), as a diff."""
    if not differences:
        return []
    return ["--- the page", f"+++ Go {release}, run in the {SANDBOX}"] + [
        line for d in differences[:20]
        for line in ((f" {d.claimed}",) if d.index is not None and d.claimed == d.actual else
                     ((f"-{d.claimed}",) if d.index is not None else ()) + ((f"+{d.actual}",) if d.actual else ()))]


def _fitted(header: str) -> str:
    """What a fragment was run as: the header goverify fitted to it."""
    return f" (the fragment run with the header goverify gives it: {header})" if header else ""


def _program_text(finding: Finding, where: str) -> Message | None:
    """What a program printed in the sandbox, against the page's output block."""
    if isinstance(finding, RunDiffers):
        said = finding.fails[0]
        releases = [s.release for s in finding.fails]
        detail = _run_diff(said.differences, said.release)
        for b in said.benchmarks:
            if b.actual is None:
                detail.append(f"{b.name}: not run on Go {said.release}")
            else:
                detail.append(f"{b.name}: the page says {b.claimed.bytes_per_op} B/op, {b.claimed.allocs_per_op} "
                              f"allocs/op; Go {said.release} measures {b.actual.bytes_per_op} B/op, "
                              f"{b.actual.allocs_per_op} allocs/op (allocations measured with GOMAXPROCS=1 in the "
                              "sandbox)")
        if finding.holds:
            detail.append(f"holds on {_releases(finding.holds)}")
        what = "benchmark allocations differ" if said.benchmarks and not said.differences else "output differs"
        return Message(where, ERROR, f"`{finding.command}`{_fitted(finding.header)}: {what} on {_releases(releases)}",
                       tuple(detail), finding.fix_hint or None)
    if isinstance(finding, RunNote):
        words = {
            "benchmark-figures": "ns/op, iteration counts and MB/s are not compared (the sandbox is not the "
                                 "author's machine); B/op and allocs/op hold, measured with GOMAXPROCS=1",
            "varying-lines": "lines " + ", ".join(str(n + 1) for n in finding.lines) + " of the output differ "
                             "between two runs: not compared",
            "unordered": "holds as a set of lines: the program prints them in another order (map order, "
                         "goroutines)",
            "not-called-output": "the block after the program is not what it prints, and the prose does not call "
                                 "it its output: not compared (state the command before it to have it compared)",
            "flags-dropped": "run without " + ", ".join(f"`{f}`" for f in finding.flags) + ": the sandbox gives "
                             "the program no directory to write to, and these flags only write files (they change "
                             "neither what it prints nor B/op and allocs/op)",
        }[finding.kind]
        return Message(where, NOTE, f"`{finding.command}` run in the {SANDBOX}: {words}")
    return None


def _unchecked_text(finding: Finding, where: str) -> Message | None:
    """What goverify did not check: a problem of the page, what it cannot verify, a block it does not compile."""
    if isinstance(finding, Problem):
        return Message(where, ERROR, finding.error.message, finding.detail)
    if isinstance(finding, NotVerified):
        more = tuple(d.text for d in finding.errors[1:6])  # the first is in the summary
        more += tuple(_run_diff(finding.differences, finding.release))
        return Message(where, WARNING, "not verified: " + _not_verified(finding), more)
    if isinstance(finding, Skipped):
        why = {
            "fragment-without-claims": "no package clause, and no output or claim to fit a header to",
            "relisting": f"it repeats lines of example {finding.example}",
            "skip-option": "goverify=skip",
            "code-elsewhere": f"the code is not on the page ({finding.markup}): goverify compiles only what the page "
                              "shows",
            "html-code": f"Go code in HTML ({finding.markup}): goverify reads fenced code blocks (```go), not HTML",
            "indented-code": "an indented code block of Go: goverify reads fenced code blocks (```go), which name "
                             "their language",
        }[finding.reason]
        return Message(where, NOTE, f"not compiled: {why}")


def _borrowed(fences: tuple[int, ...]) -> str:
    lines = f"line {fences[0]}" if len(fences) == 1 else f"lines {', '.join(str(n) for n in fences)}"
    return f"the declarations it names from the page's earlier Go fences ({lines})"


def _unstated(command: str) -> str:
    return (f"the page states no command for this example: goverify ran its default, `{command}`; if you used "
            "another, state it (a `$ go build ...` line above the output, or command=\"...\" on the fence)")


def _inherited(command: str, where: Location, origin: str) -> str:
    how = ("the command the page states once, before its first example, for every example that states none"
           if origin == "page-wide" else "the command the page states for an earlier example")
    return (f"goverify used `{command}`, {how} ({where}); if this example was compiled with another, state it (a "
            "`$ go build ...` line above the output, or command=\"...\" on the fence)")


def _offset_words(offset: int, file: str) -> str:
    lines = f"{abs(offset)} line{'s' if abs(offset) != 1 else ''}"
    longer = "longer" if offset > 0 else "shorter"
    return f"the output is from a file {lines} {longer} than the snippet ({file}: every line compared {offset:+d})"


def _not_verified(f: NotVerified) -> str:
    if f.reason in RUN_NOT_VERIFIED:
        return _run_not_verified(f)
    if f.reason in {"runs-code", "run-shell"}:
        return f"`{f.command}` is not run: {f.detail}"
    if f.reason == "refused":
        return f"goverify refuses to run `{f.command}`: {f.detail}"
    if f.reason == "cgo":
        return ('the example imports "C" (cgo), which goverify does not compile: it builds with CGO_ENABLED=0 '
                "(mark the fence goverify=skip to say so on the page)")
    if f.reason == "program-output":
        return (f"what `{f.command}` prints when the program or its tests run is not compared: goverify runs "
                "programs, in its sandbox, for a block under `go run`, `go test` or `go build` then `./prog`, after "
                "a complete program (the compiler's lines in it are verified)")
    if f.reason == "other-file":
        return (f"this output is for {f.file}, a file the page does not show (the example before it is written "
                f"as {f.example_file})")
    if f.reason == "no-example":
        return "compiler output with no Go example before it"
    if f.reason == "claim-subject-absent":
        return (f"this comment, alone on its line, speaks of `{f.detail}`, which its function's code holds as no "
                "variable or expression: prose about the code, not a diagnostic of a line (write a claim after the "
                "code it is about, as the compiler prints it)")
    if f.reason == "claim-unread":
        return (f"`{f.detail}` reads like a compiler diagnostic, but not as one goverify can check: it is not "
                "verified (write it as the compiler prints it, e.g. `can inline (*T).M`, `leaking param: p`)")
    if f.reason == "fragment-does-not-compile":
        first = f.errors[0].text if f.errors else f.detail
        return (f"the fragment does not compile on Go {f.release} (`{f.command}`) with the header goverify gives it "
                f"({f.header or 'package main'})" + (f" and {_borrowed(f.fences)} after it" if f.fences else "")
                + f": {first}")
    if f.reason == "fragment-unfit":
        if f.outside is not None:
            return (f"with the header that fits the other written lines, {f.outside.text} would be about a line after "
                    f"the fragment, where goverify put {_borrowed(f.fences)}, not the author's code: the output is "
                    "not compared")
        if f.detail:
            return f"the written lines would need a header of {f.detail} lines before the fragment: no header fits"
        compiled = f" (compiled with {_borrowed(f.fences)} after it)" if f.fences else ""
        return (f"none of the written lines is printed by Go {f.release} (`{f.command}`) anywhere in the fragment"
                f"{compiled}, so no header can be fitted to it; show the whole file, or its package clause")
    if f.reason == "does-not-compile":
        if f.detail.startswith("its "):  # an example with claims: the compile failure itself is an error, said apart
            return f"the example does not compile (`{f.command}`): {f.detail}"
        first = f.errors[0].text if f.errors else f.detail
        return f"the example does not compile on Go {f.release} (`{f.command}`): {first}"
    if f.reason == "timed-out":
        return f"`{f.command}` did not finish within the timeout: {f.detail}"
    if f.reason == "non-std-import":
        return (f"the example imports {f.detail}, which is not in the standard library, and goverify downloads no "
                f"module (`{f.command}` on Go {f.release})")
    return f.reason


def _run_not_verified(f: NotVerified) -> str:
    """Why what a program printed in the sandbox is not compared with the page (one of RUN_NOT_VERIFIED)."""
    on = f"`{f.command}`{_fitted(f.header)} on Go {f.release}"
    stopped = {
        "sandbox-timeout": "did not finish within the sandbox's time limit",
        "sandbox-memory": "ran out of the sandbox's memory",
        "sandbox-stack": "recursed past the sandbox's stack",
        "sandbox-output": "printed more than the sandbox keeps",
        "sandbox-trap": "stopped on a WebAssembly trap",
        "sandbox-crash": "could not be run: the sandbox process failed",
        "sandbox-unavailable": "could not be run: the sandbox (the wasmtime package) is not available",
    }
    if f.reason == "sandbox-build-fails":  # the go command's words: the compiler's, or the linker's
        return f"{on} does not build (GOOS=wasip1 GOARCH=wasm)" + (f": the go command says `{f.detail}`"
                                                                   if f.detail else "")
    if f.reason == "sandbox-build-timeout":  # not the program's fault, nor the go command's words
        return f"{on} was not run: its build (GOOS=wasip1 GOARCH=wasm) did not finish within goverify's time limit"
    if f.reason in stopped:
        return f"{on} {stopped[f.reason]}" + (f" ({f.detail})" if f.detail else "")
    if f.reason == "varying-output":
        return f"{on} prints a different number of lines each run: nothing can be compared"
    return f"{on} prints something else in the sandbox, and {f.detail}"


def messages(verdicts: list[PageVerdict]) -> list[Message]:
    """Every finding of these pages, once each, in page order."""
    seen = set()
    out = []
    for page in verdicts:
        for finding in page.findings:
            message = describe(finding)
            key = (message.location, message.summary)
            if key not in seen:
                seen.add(key)
                out.append(message)
    return out


def summary(verdicts: list[PageVerdict], matrix: list | tuple = ()) -> str:
    """The counts of a whole check, and the releases it ran on (`matrix`, when given): which Go checked is never
    left unsaid."""
    examples = sum(len(v.page.examples) for v in verdicts)
    claims = sum(len(e.claims) for v in verdicts for e in v.examples)
    prose = sum(len(e.prose) for v in verdicts for e in v.examples)
    outputs = sum(len(e.outputs) for v in verdicts for e in v.examples)
    corrected = sum(o.corrected for v in verdicts for e in v.examples for o in e.outputs)
    ran = sum(len(v.programs) for v in verdicts)
    skipped = sum(len(v.page.skipped) for v in verdicts)
    found = messages(verdicts)
    errors = sum(1 for m in found if m.severity == ERROR)
    warnings = sum(1 for m in found if m.severity == WARNING)
    return (f"{count(examples, 'example')}, {count(claims, 'comment claim')}, {count(prose, 'prose claim')}, "
            f"{count(outputs, 'output block')} checked ({count(corrected, 'line')} corrected silently), "
            + _ran(ran) + f"{count(skipped, 'go block')} not compiled, {warnings} not verified; "
            f"{count(errors, 'disagreement')}"
            + (f" on {', '.join(_release(t) for t in matrix)}" if matrix else ""))


def _ran(n: int) -> str:
    """`3 program outputs run in the sandbox, ` (nothing when the pages show none)."""
    return f"{count(n, 'program output')} run in the sandbox, " if n else ""


def count(n: int, what: str) -> str:
    """`1 example`, `2 examples`."""
    return f"{n} {what}" + ("" if n == 1 else "s")


def coverage(page: PageVerdict, path: str | None = None) -> str:
    """`docs/index.md: 7 examples (2 without claims), 21 comment claims, ...` for one page (named `path` when
    given: as the reader opens it)."""
    examples = page.examples
    bound = {b.example for b in page.page.prose}
    bare = sum(1 for e in examples if not e.example.claims and e.example.index not in bound and not e.example.outputs)
    comment = sum(len(e.claims) for e in examples)
    prose = sum(len(e.prose) for e in examples)
    outputs = sum(len(e.outputs) for e in examples)
    skipped: dict[str, int] = {}
    for s in page.page.skipped:
        skipped[s.reason] = skipped.get(s.reason, 0) + 1
    why = {"fragment-without-claims": ("fragment", "fragments"), "relisting": ("re-listing", "re-listings"),
           "skip-option": ("goverify=skip",) * 2, "code-elsewhere": ("from another file", "from other files"),
           "html-code": ("in HTML",) * 2, "indented-code": ("indented block", "indented blocks")}
    not_compiled = (f" ({', '.join(f'{n} {why[r][n != 1]}' for r, n in skipped.items())})" if skipped else "")
    hints = page.page.hints
    speak = "speaks" if len(hints) == 1 else "speak"
    return (f"{path or page.page.path}: {count(len(page.page.examples), 'example')} ({bare} without claims), "
            f"{count(comment, 'comment claim')}, {count(prose, 'prose claim')}, {count(outputs, 'output block')} "
            f"checked, {_ran(len(page.programs))}{count(len(page.page.skipped), 'go block')} not "
            f"compiled{not_compiled}"
            + (f"; {count(len(hints), 'sentence')} {speak} of escaping with no claim: "
               + ", ".join(str(h.line) for h in hints[:10]) if hints else ""))


def as_json(verdicts: list[PageVerdict], engine: Engine) -> dict:
    """One record per example × command × release, one per run claim × release (`runs`: what a program printed in
    the sandbox), then every finding by severity."""
    records = []
    programs = []
    shown = engine.settings.shown
    for page in verdicts:
        for verdict in page.examples:
            example = verdict.example
            for command, runs in verdict.runs.items():
                for version, run in runs.items():
                    records.append({
                        "page": shown(page.page.path),
                        "example": example.index,
                        "location": f"{shown(example.location.path)}:{example.location.line}",
                        "command": command.text,
                        "stated": command.stated,
                        "compiler_flags": list(command.compiler_flags()),
                        "file": example.file,
                        "header": verdict.plan.header.text if verdict.plan.header else None,
                        "borrowed_from": list(verdict.plan.borrowed.fences) if verdict.plan.borrowed else None,
                        "go": version,
                        "exit_status": run.returncode,
                        "output_sha256": hashlib.sha256(run.output.encode()).hexdigest(),
                        "output": run.output,
                        "claims": [_claim_json(c, version) for c in verdict.claims] if command == verdict.command
                        else [],
                        "prose_claims": [_prose_json(p, version) for p in verdict.prose]
                        if command == verdict.command else [],
                    })
        for program in page.programs:
            for version, printed in program.printed.items():
                programs.append({
                    "page": shown(page.page.path),
                    "example": program.example,
                    "location": f"{shown(program.location.path)}:{program.location.line}",
                    "command": program.stated,
                    "stated": program.stated,
                    "sandbox": "wasip1/wasm, wasmtime, GOMAXPROCS=1",
                    "header": program.header.text if program.header else None,
                    "go": version,
                    "output_sha256": hashlib.sha256(printed.encode()).hexdigest(),
                    "output": printed,
                })
    found = _shown(messages(verdicts), engine)

    def listing(severity: str) -> list[dict]:
        out = []
        for m in found:
            if m.severity != severity:
                continue
            path, _, line = m.location.rpartition(":")
            entry = {"location": m.location, "path": path, "line": int(line), "summary": m.summary,
                     "detail": list(m.detail), "fix": m.fix}
            if m.kind:
                entry["kind"] = m.kind
            out.append(entry)
        return out

    return {
        "schema": SCHEMA,
        "go_versions": [str(t.version) for t in engine.matrix],
        "results": records,
        "runs": programs,
        "disagreements": listing(ERROR),
        "not_verified": listing(WARNING),
        "notes": listing(NOTE),
        "summary": summary(verdicts),
    }


def _claim_json(c, version: str) -> dict:
    return {
        "message": c.claim.message,
        "location": str(c.location),
        "line": c.claim.line,
        "scope": str(c.claim.scope) if c.claim.scope else None,
        "in_scope": version in c.in_scope,
        "verdict": ("not verified" if c.unverified else "holds" if version in c.holds else "fails"
                    if version in c.fails else "out of scope"),
        "by_absence": version in c.by_absence,
        "said_instead": c.fails[version].nearest.text if version in c.fails and c.fails[version].nearest else None,
    }


def _prose_json(p, version: str) -> dict:
    said = p.fails.get(version)
    return {
        "claim": p.bound.claim.describe(),
        "location": str(p.bound.location),
        "line": p.bound.location.line,
        "negative": p.bound.claim.negative,
        "scope": str(p.bound.claim.scope) if p.bound.claim.scope else None,
        "verdict": "holds" if version in p.holds else "fails" if said else "out of scope",
        "said_instead": "; ".join(d.text for d in (said.about or said.reported)) if said else None,
    }


def not_verified_counts(found: list[Message]) -> dict[str, int]:
    """How many things are not verified, by kind, in the order of findings.NOT_VERIFIED."""
    counts = Counter(m.kind for m in found if m.severity == WARNING)
    return {kind: counts[kind] for kind in (*NOT_VERIFIED, *sorted(set(counts) - set(NOT_VERIFIED))) if counts[kind]}


def _shown(found: list[Message], engine: Engine) -> list[Message]:
    """Each message's location as the reader opens it from where goverify runs (`engine.settings.shown`): in a
    workflow, the repository's root, so that a site in a subfolder is annotated at `blog/content/x.md`."""
    out = []
    for m in found:
        path, _, line = m.location.rpartition(":")
        out.append(replace(m, location=f"{engine.settings.shown(path)}:{line}"))
    return out


def _release(toolchain) -> str:
    """`Go 1.27.3`, and for `"default"` which go that is: never a Go the reader did not choose, unsaid."""
    if toolchain.spec == "default":
        return f"Go {toolchain.version} (\"default\": {toolchain.go})"
    return f"Go {toolchain.version}"


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def emit(verdicts: list[PageVerdict], engine: Engine, fmt: str, out: TextIO, *, strict: bool = False) -> int:
    found = _shown(messages(verdicts), engine)
    failing = [m for m in found if m.severity == ERROR or (strict and m.severity == WARNING)]
    if fmt == "json":
        json.dump(as_json(verdicts, engine), out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "github":
        for m in found:
            if m.severity == NOTE:
                continue
            level = "error" if m.severity == ERROR or strict else "warning"
            path, _, line = m.location.rpartition(":")
            body = "\n".join([m.summary, *m.detail, *([f"fix: {m.fix}"] if m.fix else [])])
            out.write(f"::{level} file={path},line={line},"
                      f"title=goverify::{_github_escape(body)}\n")
    else:
        for m in found:
            if m.finding != "Skipped":  # counted in the coverage line
                out.write(m.render() + "\n")
        for page in verdicts:
            out.write(f"goverify: {coverage(page, engine.settings.shown(page.page.path))}\n")
        out.write(f"goverify: {summary(verdicts, engine.matrix)}\n")
        left = not_verified_counts(found)
        if left:
            out.write(f"goverify: not verified: {', '.join(f'{n} {kind}' for kind, n in left.items())}\n")
    return EXIT_DISAGREES if failing else EXIT_OK
