"""`goverify check --fix`: rewrite what the compiler now prints differently, and nothing else.

Never destructive:
- an output block is touched only when a line of it is no longer printed, and only that line: it becomes the line
  the compiler prints there now (with the output of the command the block states, in the author's path style and
  line offset), or goes when the compiler prints nothing like it there. The prompt line, headers, `...`, notes,
  every line still printed, and the author's choice of which lines to show are kept;
- a failing `//` claim is rewritten when, at the spot where it held (or on its own line), the failing releases
  report another message: one that holds on no release is replaced; one that holds on some gets version scopes
  (`X (go1.21–1.24); Y (go1.25+)`). Claims only with `--yes`, after asking on a terminal, or shown with `--dry-run`;
- what a program printed (the run stage): a block under `go run`/`go test` that the program no longer prints
  becomes what it prints in the sandbox on the release the block speaks for, when nothing in it is masked (an
  address, a duration, a path: those are the author's, and stay); a benchmark block keeps every figure of the
  author's but B/op and allocs/op, which become what the sandbox measured. Times are never rewritten;
- prose is never touched.
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from .check import ClaimVerdict, ExampleVerdict, is_report
from .claims import function_spans, is_compile_error, span_of
from .errors import EXIT_DISAGREES, EXIT_OK
from .findings import ERROR, RunDiffers
from .fragments import subject
from .output import DIAGNOSTIC, Diagnostic, kind_of, parse_output
from .runout import fix_benchmarks, lines_of
from .snippets import read_text
from .versions import scope_text

if TYPE_CHECKING:
    from .check import OutputVerdict, PageVerdict
    from .engine import Engine


def block_rewrite(output: OutputVerdict, verdict: ExampleVerdict) -> dict[int, list[str]]:
    """The new text of each line of a block that changes (by 1-based file line): [] deletes it.

    A line no longer printed becomes what the compiler prints at its position about the same expression, else the
    same kind of line there (an escape verdict for an escape verdict), else it goes; when nothing is printed at its
    position and no line of the block is printed at all (so where its lines are is not known), it stays."""
    block = output.block
    command = block.command.command
    assert command is not None
    run = verdict.runs_of(command).get(output.release)
    if run is None or not output.missing:
        return {}
    printed = parse_output(command.filter(run.output))[0]
    shown = {(*line.diagnostic.key(-output.offset), line.diagnostic.line - output.offset)
             for line in block.lines if line.diagnostic}
    anchored = any(line.diagnostic for line in block.lines) and \
        len(output.missing) < sum(1 for line in block.lines if line.diagnostic)
    used: set[tuple] = set()
    missing = {m.location.line for m in output.missing}
    edits: dict[int, list[str]] = {}
    for line in block.lines:
        location = block.line_location(line)
        if line.kind != DIAGNOSTIC or location.line not in missing or line.diagnostic is None:
            continue
        w = line.diagnostic
        at = [p for p in printed if p.file == w.file and p.line == w.line - output.offset]
        free = [p for p in at if (*p.key(), p.line) not in shown and (*p.key(), p.line) not in used]
        best = _counterpart(w, free)
        indent = block.fence.indent if block.fence else verdict.example.fence.indent
        if best is not None:
            used.add((*best.key(), best.line))
            edits[location.line] = [indent + _in_author_style(best, w, output.offset)]
        elif at or anchored:
            edits[location.line] = []  # nothing like it is printed there now
    return edits


def run_rewrite(finding: RunDiffers, page_lines: list[str]) -> dict[int, list[str]]:
    """The new text of the lines of a run claim's block that the program no longer prints (by 1-based line)."""
    said = finding.fails[0]
    first = finding.location.line - 1
    count = finding.written.count("\n")
    old = page_lines[first: first + count]
    if not old or [line.strip() for line in old] != finding.written.splitlines():
        return {}  # the page is not what was checked
    indent = old[0][: len(old[0]) - len(old[0].lstrip())]
    if said.benchmarks and not said.differences:
        new = fix_benchmarks("\n".join(old), said.printed).split("\n")
    elif said.differences and lines_of(said.printed) == [x.strip() for x in said.printed.strip("\n").split("\n")]:
        new = [indent + line.rstrip() if line.strip() else "" for line in said.printed.rstrip("\n").split("\n")]
    else:
        return {}  # masked parts would be lost: the author's to rewrite
    if len(new) == count:
        return {first + 1 + i: [line] for i, line in enumerate(new) if line != old[i]}
    return {first + 1: new, **{first + 1 + i: [] for i in range(1, count)}}  # another length: one edit, the rest go


def _counterpart(written: Diagnostic, printed: list[Diagnostic]) -> Diagnostic | None:
    """What the compiler prints now in place of a written line: about the same expression, or of the same kind (a
    compile error for a compile error)."""
    if is_compile_error(written.message):
        return next((p for p in printed if not is_report(p.message)), None)
    same = [p for p in printed if subject(p.message) == subject(written.message)]
    if same:
        return same[0]
    kind = _family(written.message)
    return next((p for p in printed if _family(p.message) == kind), None)


def _family(message: str) -> str:
    kind = kind_of(message)
    return "escape" if kind in {"escapes to heap", "does not escape", "moved to heap"} else kind


def _in_author_style(printed: Diagnostic, written: Diagnostic, offset: int) -> str:
    """A printed line with the author's path and line offset: `./docs/ex6/main.go:24:9: int32(4096) escapes...`."""
    rest = printed.text[len(printed.path) + 1:]  # "8:9: message"
    number, _, tail = rest.partition(":")
    return f"{written.path}:{int(number) + offset}:{tail}"


def claim_rewrite(verdict: ExampleVerdict, claim: ClaimVerdict, matrix: list[str]) -> str | None:
    """The comment text that would make a failing claim true on every release, or None."""
    c = claim.claim
    shift = verdict.plan.shift
    line = c.line + shift
    span = span_of(function_spans(verdict.plan.source), line)
    runs = verdict.runs_of(verdict.command)
    base = verdict.example.base

    def diagnostics(version: str) -> list[Diagnostic]:
        return [d for d in parse_output(runs[version].output)[0] if d.file == base]

    spot: tuple[int, int | None] | None = None
    for version in claim.holds:
        found = [d for d in diagnostics(version) if d.message == c.message and span[0] <= d.line <= span[1]]
        if found:
            best = min(found, key=lambda d: abs(d.line - line))
            spot = best.position
            break
    said: dict[str, list[str]] = {}
    for version in claim.fails:
        here = [d for d in diagnostics(version) if (d.position == spot if spot else d.line == line)]
        instead = _counterpart(_as_diagnostic(c.message, line), here)
        if instead is None:
            return None  # nothing the compiler says there is about what the claim says
        said.setdefault(instead.message, []).append(version)
    if not said:
        return None
    if not claim.holds and len(said) == 1:
        return next(iter(said)) + (f" {c.scope}" if c.scope else "")
    parts = []
    if claim.holds:
        parts.append(f"{c.message} ({scope_text(list(claim.holds), matrix)})")
    parts += [f"{message} ({scope_text(versions, matrix)})" for message, versions in said.items()]
    return "; ".join(parts)


def _as_diagnostic(message: str, line: int) -> Diagnostic:
    return Diagnostic("", line, None, message, message)


@dataclass(frozen=True)
class FileEdit:
    """One file's text before and after the rewrite (lines end in "\\n", as `read_text` gives them)."""

    path: str  # relative to the site's root, as findings name it
    before: str
    after: str

    def diff(self, prefix: str = "", name: str | None = None) -> str:
        """A unified diff `git apply` takes: `a/PREFIXPATH`, `b/PREFIXPATH` (`name` instead of PATH when given), a
        missing final newline marked."""
        path = name or self.path
        lines = difflib.unified_diff(self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                                     f"a/{prefix}{path}", f"b/{prefix}{path}")
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                       for line in lines)


@dataclass(frozen=True)
class Declined:
    """A failing comment claim `--fix` leaves as it is: `new` is the rewrite it was not allowed to make, or None
    when the compiler prints nothing there that the claim could become."""

    claim: ClaimVerdict
    new: str | None


def planned_edits(engine: Engine, verdicts: list[PageVerdict],
                  rewrite_claim: Callable[[ClaimVerdict, str], bool] | None
                  ) -> tuple[list[FileEdit], list[Declined], set[tuple[str, int]]]:
    """What `--fix` would change, file by file, writing nothing: the stale output lines, and each failing claim
    `rewrite_claim` accepts (none when it is None). Also the claims left as they are, and the lines (path, line)
    whose disagreement the edits mend."""
    root = engine.settings.root
    matrix = [str(t.version) for t in engine.matrix]
    line_edits: dict[str, dict[int, list[str]]] = {}
    claim_edits: dict[str, list[tuple[int, str, str]]] = {}
    declined: list[Declined] = []
    mended: set[tuple[str, int]] = set()
    for page in verdicts:
        runs = [f for f in page.findings if isinstance(f, RunDiffers)]
        if runs:
            page_lines = read_text(root / runs[0].location.path).split("\n")
            for finding in runs:
                edits = run_rewrite(finding, page_lines)
                if edits:
                    line_edits.setdefault(finding.location.path, {}).update(edits)
                    mended.add((finding.location.path, finding.location.line))
        for verdict in page.examples:
            for output in verdict.outputs:
                edits = block_rewrite(output, verdict)
                if edits:
                    line_edits.setdefault(output.block.location.path, {}).update(edits)
                    mended |= {(output.block.location.path, line) for line in edits}
            for claim in verdict.claims if rewrite_claim is not None else ():
                if not claim.fails:
                    continue
                new = claim_rewrite(verdict, claim, matrix)
                if new is None or not rewrite_claim(claim, new):
                    declined.append(Declined(claim, new))
                    continue
                mended.add((claim.location.path, claim.location.line))
                c = claim.claim
                old = re.escape(c.message) + (r"\s*" + re.escape(c.scope.text) if c.scope else "")
                claim_edits.setdefault(claim.location.path, []).append((claim.location.line, old, new))
    changed = []
    for path in sorted(set(line_edits) | set(claim_edits)):
        before = read_text(root / path)
        lines = before.split("\n")
        for number, old, new in claim_edits.get(path, []):
            lines[number - 1] = re.sub(old, lambda _m, new=new: new, lines[number - 1], count=1)
        for number in sorted(line_edits.get(path, {}), reverse=True):
            lines[number - 1: number] = line_edits[path][number]
        after = "\n".join(lines)
        if after != before:
            changed.append(FileEdit(path, before, after))
    return changed, declined, mended


BOM = "\ufeff"


def as_on_disk(edit: FileEdit, raw: bytes) -> FileEdit:
    """The edit as the file's own bytes: its byte-order mark kept, every line it leaves alone ending as it did
    (CRLF, LF, or a mix), and each new line ending as the line it replaces, or the one before it."""
    bom = raw.startswith(BOM.encode())
    text = raw.decode("utf-8-sig")
    old = text.split("\n")
    before, after = edit.before.split("\n"), edit.after.split("\n")
    if [line.removesuffix("\r") for line in old] != before:  # the file changed since it was read: its text alone
        return FileEdit(edit.path, (BOM if bom else "") + edit.before, (BOM if bom else "") + edit.after)
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out += old[i1:i2]
            continue
        for k, line in enumerate(after[j1:j2]):
            like = old[i1 + k] if i1 + k < i2 else (out[-1] if out else old[0])
            out.append(line + ("\r" if like.endswith("\r") and j1 + k < len(after) - 1 else ""))
    mark = BOM if bom else ""
    return FileEdit(edit.path, mark + text, mark + "\n".join(out))


def fix_pages(engine: Engine, verdicts: list[PageVerdict], *, dry_run: bool, assume_yes: bool,
              out: TextIO) -> int:
    """`--fix`: write (or with `dry_run` show) the edits, then say which disagreements are left and why; exit 1
    while some are (or, with `dry_run`, while there is something to change)."""
    from . import report

    root = engine.settings.root
    shown = engine.settings.shown
    edits, declined, mended = planned_edits(
        engine, verdicts, lambda claim, new: dry_run or assume_yes or _ask(claim, new))
    for edit in edits:
        out.write(edit.diff(name=shown(edit.path)))
        if not dry_run:
            disk = as_on_disk(edit, (root / edit.path).read_bytes())
            (root / edit.path).write_bytes(disk.after.encode("utf-8"))
    verb = "would change" if dry_run else "changed"
    out.write(f"goverify: {verb} {report.count(len(edits), 'file')}\n")
    why = {(d.claim.location.path, d.claim.location.line): d for d in declined}
    left: dict[tuple[str, str], str] = {}
    for page in verdicts:
        for finding in page.findings:
            where = (finding.location.path, finding.location.line)
            if finding.severity != ERROR or where in mended:
                continue
            message = report.describe(finding)
            location = f"{shown(finding.location.path)}:{finding.location.line}"
            left.setdefault((location, message.summary), _why_left(finding, why.get(where)))
    if left:
        out.write(f"goverify: {report.count(len(left), 'disagreement')} left, not rewritten:\n")
        for (location, summary), reason in left.items():
            out.write(f"{location}: {summary}\n    {reason}\n")
    return EXIT_DISAGREES if left or (dry_run and edits) else EXIT_OK


def _why_left(finding, declined: Declined | None) -> str:
    """Why `--fix` leaves a disagreement as it is."""
    kind = type(finding).__name__
    if kind == "ClaimFails" and declined is not None and declined.new is not None:
        return (f'would become "{declined.new}": comment claims are rewritten with --yes (or one by one on a '
                "terminal)")
    if kind == "ClaimFails":
        return ("the compiler prints nothing at that spot that the claim could become: restate or remove it by "
                "hand (`goverify check` says what each release prints there)")
    if kind == "ProseClaimFails":
        return "prose is never rewritten: restate the sentence, or scope its claim with go=\"...\", by hand"
    if kind == "LineMissing":
        return "where the line is cannot be known from the block: edit it by hand"
    return "--fix rewrites only output lines and comment claims: this one needs a person"


def _ask(claim: ClaimVerdict, new: str) -> bool:
    if not sys.stdin.isatty():
        return False
    answer = input(f"{claim.location}: rewrite claim \"{claim.claim.message}\" as \"{new}\"? [y/N] ")
    return answer.strip().lower() in {"y", "yes"}
