"""`goverify check --fix`: rewrite stale output blocks, and claims the compiler now words differently.

Only fenced output blocks and `//` claim comments are touched, never prose. Output blocks take the reference
release's real output (fence, label and indentation kept). A failing claim is rewritten when, at the spot where
it held (or on its own line), the failing releases report another message: a claim that holds on no release is
replaced; one that holds on some gets version scopes (`X (go1.21–1.24); Y (go1.25+)`). Claims are rewritten
only with `--yes`, after asking on a terminal, or shown with `--dry-run`.
"""

from __future__ import annotations

import difflib
import re
import sys
from typing import TYPE_CHECKING, TextIO

from .check import ClaimVerdict, diagnostics_of, reference_toolchain
from .diagnostics import function_spans, span_of
from .examples import Example
from .runner import RunResult
from .versions import scope_text

if TYPE_CHECKING:
    from .engine import Engine, PageVerdict


def claim_rewrite(example: Example, verdict: ClaimVerdict, runs: dict[str, RunResult],
                  matrix: list[str]) -> str | None:
    """The comment text that would make a failing claim true on every release, or None."""
    claim = verdict.claim
    span = span_of(function_spans(example.source), claim.line)
    spot: tuple[int, int] | None = None
    for version in verdict.holds:
        found = [d for d in diagnostics_of(example, runs[version]) if d.message == claim.message
                 and (d.line == claim.line or span[0] <= d.line <= span[1])]
        if found:
            best = min(found, key=lambda d: abs(d.line - claim.line))
            spot = (best.line, best.column)
            break
    said: dict[str, list[str]] = {}
    for version in verdict.fails:
        diagnostics = diagnostics_of(example, runs[version])
        if spot:
            at = [d for d in diagnostics if (d.line, d.column) == spot]
        else:
            at = [d for d in diagnostics if d.line == claim.line]
        if len(at) != 1:
            return None
        said.setdefault(at[0].message, []).append(version)
    if not said:
        return None
    if not verdict.holds and len(said) == 1:
        message = next(iter(said))
        return message + (f" {claim.scope}" if claim.scope else "")
    parts = []
    if verdict.holds:
        parts.append(f"{claim.message} ({scope_text(list(verdict.holds), matrix)})")
    parts += [f"{message} ({scope_text(versions, matrix)})" for message, versions in said.items()]
    return "; ".join(parts)


def _body_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of a fence's body: after its opening line, up to its closing line."""
    body_start = text.index("\n", start) + 1
    closing = text.rstrip("\n") if end >= len(text) else text[:end].rstrip("\n")
    return body_start, closing.rfind("\n") + 1


def fix_pages(engine: Engine, verdicts: list[PageVerdict], *, dry_run: bool, assume_yes: bool,
              out: TextIO) -> int:
    root = engine.settings.root
    matrix = [str(t.version) for t in engine.matrix]
    edits: dict[str, list[tuple[int, int, str]]] = {}
    texts: dict[str, str] = {}

    def text_of(path: str) -> str:
        if path not in texts:
            texts[path] = (root / path).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        return texts[path]

    claims_skipped = 0
    for page in verdicts:
        for verdict in page.examples:
            example = verdict.example
            runs = page.results.get(example.index, {})
            if example.output is not None:
                reference = reference_toolchain(example, engine.matrix)
                run = runs.get(str(reference.version)) if reference else None
                written = [line.strip() for line in example.output.text.splitlines() if line.strip()]
                if run is not None and written != [line.strip() for line in run.output.splitlines() if line.strip()]:
                    fence = example.output.fence
                    text = text_of(page.page.path)
                    start, end = _body_span(text, fence.start, fence.end)
                    body = "".join(f"{fence.indent}{line}\n" for line in run.output.rstrip("\n").splitlines())
                    edits.setdefault(page.page.path, []).append((start, end, body))
            for claim_verdict in verdict.claims:
                if not claim_verdict.fails:
                    continue
                new = claim_rewrite(example, claim_verdict, runs, matrix)
                if new is None:
                    continue
                if not (dry_run or assume_yes or _ask(claim_verdict, new)):
                    claims_skipped += 1
                    continue
                location = claim_verdict.location
                text = text_of(location.path)
                line_start = 0
                for _ in range(location.line - 1):
                    line_start = text.index("\n", line_start) + 1
                line_end = text.find("\n", line_start)
                line = text[line_start: len(text) if line_end < 0 else line_end]
                claim = claim_verdict.claim
                old = re.escape(claim.message) + (r"\s*" + re.escape(claim.scope.text) if claim.scope else "")
                m = re.search(old, line)
                if m:
                    edits.setdefault(location.path, []).append((line_start + m.start(), line_start + m.end(), new))
    changed = 0
    for path, items in sorted(edits.items()):
        before = text_of(path)
        after = before
        for start, end, new in sorted(set(items), reverse=True):
            after = after[:start] + new + after[end:]
        if after == before:
            continue
        changed += 1
        for line in difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                         f"a/{path}", f"b/{path}"):
            out.write(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        if not dry_run:
            raw = (root / path).read_bytes()
            if b"\r\n" in raw:
                after = after.replace("\n", "\r\n")
            (root / path).write_text(after, encoding="utf-8")
    if claims_skipped:
        out.write(f"goverify: {claims_skipped} claim(s) not rewritten: add --yes, or see them with --dry-run\n")
    verb = "would change" if dry_run else "changed"
    out.write(f"goverify: {verb} {changed} file(s)\n")
    return 1 if dry_run and changed else 0


def _ask(verdict: ClaimVerdict, new: str) -> bool:
    if not sys.stdin.isatty():
        return False
    answer = input(f"{verdict.location}: rewrite claim \"{verdict.claim.message}\" as \"{new}\"? [y/N] ")
    return answer.strip().lower() in {"y", "yes"}
