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

from .claims import Scope, parse_scope
from .scan import _INLINE_CODE, find_fences

_ATTRS = re.compile(r"""\{(?:[^{}"'\n]|"[^"\n]*"|'[^'\n]*')*\}""")  # braces may sit inside quotes
_TOKEN = re.compile(r"""(?P<neg>!?)(?P<key>[\w-]+)(?:=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s}]+)))?""")
_DIRECTIVES = {"escapes", "claim"}


class ProseError(ValueError):
    """A prose claim that cannot be read."""


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
    for span in _INLINE_CODE.finditer(prose):  # left to right, so `a`：`b`{ ... } binds to `b`
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
        try:
            if unknown:
                raise ProseError(f"unknown prose-claim directive(s) {', '.join(sorted(unknown))} in {whole}")
            if "claim" in keys and not values.get("claim"):
                raise ProseError(f'claim= needs a diagnostic, e.g. claim="a does not escape", in {whole}')
            scope = None
            if values.get("go"):
                text = values["go"].strip()
                scope, used = parse_scope(f"({text if text.lower().startswith('go') else 'go' + text})")
                if scope is None:
                    raise ProseError(f'cannot read the version scope go="{values["go"]}" (write go="1.25+" or '
                                     f'go="1.21–1.24") in {whole}')
            example = None
            if values.get("example"):
                if not str(values["example"]).isdigit():
                    raise ProseError(f"example= takes the number of an example on this page, in {whole}")
                example = int(values["example"])
            code = span.group(2).strip()
            found.append(ProseClaim(
                offset=span.start(), attrs_start=a.start(), attrs_end=a.end(), code=code,
                subject=(values.get("of") or code).strip(), negative=negative,
                message=values.get("claim") or None, scope=scope, example=example))
        except ProseError as exc:
            exc.offset = span.start()  # type: ignore[attr-defined]
            found.append(exc)
    return found


def strip_prose_claims(text: str) -> str:
    """The page without its prose-claim braces (for builds with verification turned off)."""
    prose = list(text)
    for fence in find_fences(text):
        prose[fence.start: fence.end] = " " * (fence.end - fence.start)
    out = text
    for claim in sorted((c for c in find_prose_claims("".join(prose)) if isinstance(c, ProseClaim)),
                        key=lambda c: c.attrs_start, reverse=True):
        out = out[: claim.attrs_start] + out[claim.attrs_end:]
    return out


HINT_WORDS = re.compile(r"逃逸|escap|heap|堆上|堆中")
