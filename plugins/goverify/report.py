"""Say what a verification found: located text for people, JSON for machines, annotations for GitHub."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from .engine import Engine, PageVerdict

SCHEMA = "goverify-report/1"


def summary(verdicts: list[PageVerdict]) -> str:
    examples = sum(len(v.page.examples) for v in verdicts)
    claims = sum(len(e.claims) for v in verdicts for e in v.examples)
    prose = sum(len(e.prose) for v in verdicts for e in v.examples)
    outputs = sum(1 for v in verdicts for e in v.examples if e.output is not None)
    corrected = sum(e.output.corrected for v in verdicts for e in v.examples if e.output is not None)
    skipped = sum(len(v.page.not_compiled) for v in verdicts)
    failed = sum(len(v.disagreements) for v in verdicts)
    return (f"{examples} examples, {claims} comment claims, {prose} prose claims, {outputs} output blocks checked"
            f" ({corrected} lines corrected silently), {skipped} go blocks not compiled; "
            f"{failed} disagreement(s)")


def coverage(page: PageVerdict) -> str:
    """`docs/index.md: 7 examples (2 without claims), 21 comment claims, 4 prose claims, ...` for one page."""
    examples = page.examples
    bare = sum(1 for e in examples if not e.claims and not e.prose and e.output is None)
    comment = sum(len(e.claims) for e in examples)
    prose = sum(len(e.prose) for e in examples)
    outputs = sum(1 for e in examples if e.output is not None)
    hints = len(page.page.hints)
    return (f"{page.page.path}: {len(page.page.examples)} examples ({bare} without claims), {comment} comment "
            f"claims, {prose} prose claims, {outputs} output blocks checked, {len(page.page.not_compiled)} go "
            f"blocks not compiled" + (f"; {hints} sentence(s) speak of escaping with no claim: "
                                      + ", ".join(str(h.line) for h in page.page.hints[:10]) if hints else ""))


def as_json(verdicts: list[PageVerdict], engine: Engine) -> dict:
    """One record per example × version: claims, verdicts, positions, output digest."""
    records = []
    for page in verdicts:
        for verdict in page.examples:
            example = verdict.example
            runs = page.results.get(example.index, {})
            for version, run in runs.items():
                records.append({
                    "page": page.page.path,
                    "example": example.index,
                    "location": str(example.location),
                    "command": str(example.command),
                    "go": version,
                    "exit_status": run.returncode,
                    "output_sha256": hashlib.sha256(run.output.encode()).hexdigest(),
                    "output": run.output,
                    "claims": [
                        {
                            "message": c.claim.message,
                            "location": str(c.location),
                            "line": c.claim.line,
                            "scope": str(c.claim.scope) if c.claim.scope else None,
                            "in_scope": version in c.versions,
                            "verdict": ("holds" if version in c.holds else "fails" if version in c.fails
                                        else "out of scope"),
                            "said_instead": c.fails.get(version),
                        }
                        for c in verdict.claims
                    ],
                    "prose_claims": [
                        {
                            "claim": p.bound.claim.describe(),
                            "location": str(p.bound.location),
                            "line": p.bound.location.line,
                            "negative": p.bound.claim.negative,
                            "scope": str(p.bound.claim.scope) if p.bound.claim.scope else None,
                            "verdict": ("holds" if version in p.holds else "fails" if version in p.fails
                                        else "out of scope"),
                            "said_instead": p.fails.get(version),
                        }
                        for p in verdict.prose
                    ],
                })
    return {
        "schema": SCHEMA,
        "go_versions": [str(t.version) for t in engine.matrix],
        "results": records,
        "disagreements": [
            {"location": str(d.location), "path": d.location.path, "line": d.location.line,
             "summary": d.summary, "detail": d.detail, "fix": d.fix}
            for page in verdicts for d in page.disagreements
        ],
        "summary": summary(verdicts),
    }


def _github_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def emit(verdicts: list[PageVerdict], engine: Engine, fmt: str, out: TextIO) -> int:
    disagreements = [d for page in verdicts for d in page.disagreements]
    if fmt == "json":
        json.dump(as_json(verdicts, engine), out, ensure_ascii=False, indent=1)
        out.write("\n")
    elif fmt == "github":
        for d in disagreements:
            body = "\n".join([d.summary, *d.detail, *([f"fix: {d.fix}"] if d.fix else [])])
            out.write(f"::error file={d.location.path},line={d.location.line},title=goverify::{_github_escape(body)}\n")
    else:
        for d in disagreements:
            out.write(d.render() + "\n")
        for page in verdicts:
            out.write(f"goverify: {coverage(page)}\n")
        out.write(f"goverify: {summary(verdicts)} on {', '.join('Go ' + str(t.version) for t in engine.matrix)}\n")
    return 1 if disagreements else 0
