"""Prose claims: a sentence's inline code span asserts what the compiler says about the example before it.

    可以看到，这里 `s`{ escapes go="1.21–1.24" } 发生了逃逸。
    So `interface{}` as a parameter does not escape: `a`{ !escapes }.
    `myType{}`{ claim="myType{} does not escape" go="1.26+" } ...

The `{ ... }` right after the code span is removed before rendering: the reader sees the ordinary sentence.
Directives: `escapes` (the compiler reports `X escapes to heap` or `moved to heap: X`), `!escapes` (it reports
neither: silence is checked, not assumed), `claim="MSG"` / `!claim="MSG"` (that exact diagnostic is / is not
printed), `of="X"` (the subject, when it is not the code span's text), `go="1.25+"` (a version scope, as for
comment claims), `example=N` (bind to the page's N-th example instead of the nearest one before the sentence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .claims import Scope, match_diagnostic, parse_scope
from .errors import GoverifyError, Location
from .scan import INLINE_CODE, blank_fences, line_of, scan

_ATTRS = re.compile(r"""\{(?:[^{}"'\n]|"[^"\n]*"|'[^'\n]*')*\}""")  # braces may sit inside quotes
_TOKEN = re.compile(r"""(?P<neg>!?)(?P<key>[\w-]+)(?:=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s}]+)))?""")
_DIRECTIVES = {"escapes", "claim"}


@dataclass(frozen=True)
class ProseError:
    """A prose claim that cannot be read: where its code span starts, and why."""

    offset: int
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class ProseClaim:
    offset: int  # of the code span in the page text
    attrs_start: int  # the `{ ... }` to remove
    attrs_end: int
    code: str
    subject: str
    negative: bool
    message: str | None  # for claim=; None for escapes
    scope: Scope | None
    example: int | None  # explicit binding

    def describe(self) -> str:
        what = f'claim="{self.message}"' if self.message else "escapes"
        scope = f" {self.scope}" if self.scope else ""
        return f"`{self.code}` {'!' if self.negative else ''}{what}{scope}"

    def expected(self) -> list[str]:
        """The diagnostics whose presence (or, negated, absence) the claim asserts."""
        if self.message:
            return [self.message]
        return [f"{self.subject} escapes to heap", f"moved to heap: {self.subject}"]


def find_prose_claims(prose: str) -> list[ProseClaim | ProseError]:
    """Prose claims in text whose fenced blocks are already blanked out (offsets preserved)."""
    found: list[ProseClaim | ProseError] = []
    for span in INLINE_CODE.finditer(prose):  # left to right, so `a`：`b`{ ... } binds to `b`
        a = _ATTRS.match(prose, span.end())
        if not a:
            continue
        whole = prose[span.start(): a.end()]
        attrs = a.group(0)[1:-1]
        tokens = list(_TOKEN.finditer(attrs))
        keys = {t.group("key") for t in tokens}
        if not keys & _DIRECTIVES:
            continue  # an ordinary attribute list, not ours
        values = {t.group("key"): (t.group("dq") if t.group("dq") is not None else t.group("sq")
                                   if t.group("sq") is not None else t.group("bare")) for t in tokens}
        negative = any(t.group("neg") for t in tokens if t.group("key") in _DIRECTIVES)
        unknown = keys - _DIRECTIVES - {"of", "go", "example"}
        if unknown:
            found.append(ProseError(span.start(), f"unknown prose-claim directive(s) {', '.join(sorted(unknown))} "
                                                  f"in {whole}"))
            continue
        if "claim" in keys and not values.get("claim"):
            found.append(ProseError(span.start(), 'claim= needs a diagnostic, e.g. claim="a does not escape", in '
                                                  f"{whole}"))
            continue
        if values.get("claim") and match_diagnostic(values["claim"].strip()) != values["claim"].strip():
            found.append(ProseError(span.start(), f'claim="{values["claim"]}" is not a diagnostic the compiler prints '
                                                  "as goverify reads them (write it as `-m` prints it, e.g. "
                                                  f'claim="can inline (*T).M"), in {whole}'))
            continue
        scope = None
        if values.get("go"):
            text = values["go"].strip()
            scope, _ = parse_scope(f"({text if text.lower().startswith('go') else 'go' + text})")
            if scope is None:
                found.append(ProseError(span.start(), f'cannot read the version scope go="{values["go"]}" (write '
                                                      f'go="1.25+" or go="1.21–1.24") in {whole}'))
                continue
        example = None
        if values.get("example"):
            if not str(values["example"]).isdigit():
                found.append(ProseError(span.start(), f"example= takes the number of an example on this page, in "
                                                      f"{whole}"))
                continue
            example = int(values["example"])
        code = span.group(2).strip()
        found.append(ProseClaim(
            offset=span.start(), attrs_start=a.start(), attrs_end=a.end(), code=code,
            subject=(values.get("of") or code).strip(), negative=negative,
            message=values.get("claim") or None, scope=scope, example=example))
    return found


def strip_prose_claims(text: str) -> str:
    """The page without its prose-claim braces (for builds with verification turned off)."""
    prose = blank_fences(text, 0, len(text), scan(text).regions)
    out = text
    for claim in sorted((c for c in find_prose_claims(prose) if isinstance(c, ProseClaim)),
                        key=lambda c: c.attrs_start, reverse=True):
        out = out[: claim.attrs_start] + out[claim.attrs_end:]
    return out


HINT_WORDS = re.compile(r"逃逸|escap|heap|堆上|堆中")


@dataclass(frozen=True)
class BoundProse:
    """A prose claim, where it is, and the example it speaks about."""

    claim: ProseClaim
    location: Location
    example: int  # 1-based index among the page's examples


def bind_prose(prose_text, spans, starts, examples, here, problems: list[GoverifyError]) -> tuple[
        list[BoundProse], list[Location]]:
    """Each prose claim bound to its example (the nearest one before it, or `example=N`), and the hints: sentences
    that speak of escaping beside inline code but carry no claim. Unreadable claims go to `problems`."""
    bound: list[BoundProse] = []
    claimed_lines = set()
    for item in find_prose_claims(prose_text):
        line0 = line_of(starts, item.offset)
        claimed_lines.add(line0)
        if isinstance(item, ProseError):
            problems.append(GoverifyError(item.message, here(line0), 1))
            continue
        before = [e for e in examples if e.fence.start < item.offset]
        index = item.example if item.example is not None else (before[-1].index if before else None)
        if index is None or not 1 <= index <= len(examples):
            problems.append(GoverifyError(f"prose claim {item.describe()} has no example to speak about "
                                          + ("before it" if item.example is None else f"(example={item.example})"),
                                          here(line0), 1))
            continue
        bound.append(BoundProse(item, here(line0), index))
    hints = []
    for offset, code in spans:
        line0 = line_of(starts, offset)
        if line0 in claimed_lines or not examples:
            continue
        line = prose_text[starts[line0]: starts[line0 + 1] if line0 + 1 < len(starts) else len(prose_text)]
        if HINT_WORDS.search(line) and not code.startswith("go "):
            claimed_lines.add(line0)
            hints.append(here(line0))
    return bound, hints
