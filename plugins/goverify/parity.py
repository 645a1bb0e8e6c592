"""Translations cannot drift: a translated page's examples must be the original's, comments aside.

Pages pair by name: `index.en.md` is a translation of `index.md` (mkdocs-static-i18n's suffix layout). Examples
pair by order. Code is compared without its `//` comments (prose comments may be translated); claims, being
compiler text, must be identical, scopes included.
"""

from __future__ import annotations

import re

from .claims import strip_comments
from .errors import GoverifyError, Location
from .examples import Example, Page
from .findings import Problem

_SUFFIX = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2}(?:[_-][A-Za-z]{2,4})?)\.md$")


def pairs(pages: list[Page]) -> list[tuple[Page, Page]]:
    """(original, translation) for every `x.LANG.md` whose `x.md` is among the pages."""
    by_path = {page.path: page for page in pages}
    found = []
    for page in pages:
        m = _SUFFIX.match(page.path)
        if m and f"{m.group('stem')}.md" in by_path:
            found.append((by_path[f"{m.group('stem')}.md"], page))
    return found


def _claims(example: Example) -> list[tuple[int, str, str]]:
    return [(c.line, c.message, str(c.scope or "")) for c in example.claims]


def _problem(location: Location, message: str, detail: list[str] | None = None) -> Problem:
    return Problem(GoverifyError(message, location, 1), tuple(detail or ()))


def check_parity(original: Page, translation: Page) -> list[Problem]:
    problems: list[Problem] = []
    if len(original.examples) != len(translation.examples):
        problems.append(_problem(
            translation.examples[0].location if translation.examples else Location(translation.path, 1),
            f"translation has {len(translation.examples)} Go examples, its original {original.path} has "
            f"{len(original.examples)}: the examples must be the same"))
    for mine, theirs in zip(translation.examples, original.examples, strict=False):
        if strip_comments(mine.source) != strip_comments(theirs.source):
            a, b = strip_comments(mine.source).splitlines(), strip_comments(theirs.source).splitlines()
            at = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
            problems.append(_problem(
                mine.location,
                f"example {mine.index} differs from the original's at {theirs.location} (code line {at + 1}, "
                "comments aside)",
                [f"original:    {b[at] if at < len(b) else '(end)'}",
                 f"translation: {a[at] if at < len(a) else '(end)'}"]))
        elif _claims(mine) != _claims(theirs):
            only_mine = sorted(set(_claims(mine)) - set(_claims(theirs)))
            only_theirs = sorted(set(_claims(theirs)) - set(_claims(mine)))
            problems.append(_problem(
                mine.location,
                f"example {mine.index} claims differ from the original's at {theirs.location}",
                [*(f"only in the original (line {n}): {msg} {scope}".rstrip() for n, msg, scope in only_theirs),
                 *(f"only in the translation (line {n}): {msg} {scope}".rstrip() for n, msg, scope in only_mine)]))
    return problems
