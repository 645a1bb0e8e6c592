"""One site build as a generator's plugin drives it, without the generator: every page of every language checked
once before any is written, the build judged once, each page rendered from its verdict, one JSON report.

plugin.py wires MkDocs' events to a `SiteBuild` and turns what it returns into MkDocs' words (a `PluginError`, log
lines); nothing here imports MkDocs.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from . import report
from .check import PageVerdict
from .engine import Engine
from .findings import ERROR, NOTE, Finding
from .parity import check_parity, pairs
from .render import edit_page
from .scan import front_matter_end
from .snippets import display_path, read_text

Said = list[tuple[int, str]]  # lines to log, each with its level (logging.DEBUG, INFO, WARNING)


@dataclass
class Judgement:
    """What a build says once its pages are checked: the text it fails with (None: it does not fail), and the lines
    to log (the counts and warnings only for the first language of a build: said once)."""

    failure: str | None
    said: Said = field(default_factory=list)


class SiteBuild:
    """One engine and what it found for every page of every language of one build."""

    def __init__(self, engine: Engine, serving: bool) -> None:
        self.engine = engine
        self.serving = serving  # `mkdocs serve`: failures are shown on the page, the build does not stop
        self.verdicts: list[PageVerdict] = []  # every page of every language
        self.parity: list[Finding] = []
        self.slots: dict[str, str] = {}
        self.report_written: Path | None = None  # one JSON report per build, not per language
        self._paths: dict[str, str] = {}  # abs_src_path -> as messages show it
        self._said = False

    def check(self, sources: list[tuple[str, str, str]]) -> Judgement:
        """Every page, as (abs_src_path, file text, Markdown the generator hands on): scanned once (not again to
        render), compiled, checked; translations compared with their originals; then judged."""
        pages = [self.engine.scan(markdown, self.display(path), line_offset(text, markdown))
                 for path, text, markdown in sources]
        ran = self.engine.run(pages)
        self.verdicts = [self.engine.check(page) for page in pages]
        self.parity = [p for original, translation in pairs(pages) for p in check_parity(original, translation)]
        judgement = self._judge()
        compiled = f"compiled {ran} example × release pairs ({self.engine.runner.direct} by the compiler directly)"
        judgement.said.insert(0, (logging.DEBUG, compiled))
        return judgement

    def _judge(self) -> Judgement:
        """The one place the build fails: every error of every page, then the counts. Warnings (what cannot be
        verified) make `mkdocs build --strict` fail."""
        messages = report.messages(self.verdicts)
        messages += [report.describe(p) for p in self.parity]
        errors = [m for m in messages if m.severity == ERROR]
        if errors and not self.serving:
            text = "\n".join(m.render() for m in errors)
            return Judgement(f"goverify: the compiler disagrees with the article:\n{text}\n"
                             f"goverify: {report.summary(self.verdicts, self.engine.matrix)}")
        if self._said:
            return Judgement(None)  # the other languages of this build: said once
        self._said = True
        said = [(logging.WARNING, warning) for warning in self.engine.warnings]
        said += [(logging.DEBUG if m.severity == NOTE else logging.WARNING, m.render()) for m in messages]
        said += [(logging.INFO, report.coverage(verdict)) for verdict in self.verdicts]
        return Judgement(None, [*said, (logging.INFO, report.summary(self.verdicts, self.engine.matrix))])

    def page(self, abs_src_path: str, markdown: str, language: str) -> tuple[str, Said]:
        """A page's Markdown with its output blocks replaced by slots (their HTML kept for `swap_slots`), and the
        lines to log about it."""
        raw = read_text(abs_src_path)
        path = self.display(abs_src_path)
        scanned = self.engine.scan(markdown.lstrip("\ufeff"), path, line_offset(raw, markdown))
        said: Said = []
        if self.engine.run([scanned]):  # a plugin before this one changed the page's code: said, then shown
            said.append((logging.WARNING, f"{path}: the Markdown changed after goverify checked it (another plugin "
                                          "edits it before goverify): its examples were compiled again"))
        text, slots = edit_page(self.engine.check(scanned), language, failures=self.serving)
        self.slots.update(slots)
        said += [(logging.DEBUG, f"{hint}: hint: this sentence (or comment alone on its line) speaks of escaping "
                                 "but carries no claim") for hint in scanned.hints]
        return text, said

    def display(self, abs_src_path: str) -> str:
        """The page's path as messages show it (resolved once per build: each page is asked for twice)."""
        if abs_src_path not in self._paths:
            self._paths[abs_src_path] = display_path(Path(abs_src_path), self.engine.settings.root)
        return self._paths[abs_src_path]

    def write_report(self, target: Path) -> None:
        """The JSON report of every page of every language, once per build."""
        if self.report_written == target:
            return  # the same report, already written for another language of this build
        data = report.as_json(self.verdicts, self.engine)
        target.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        self.report_written = target


def line_offset(raw: str, markdown: str) -> int:
    """Lines the generator removed before `markdown` (the front matter), so messages name lines of the file."""
    if markdown and raw.endswith(markdown):
        return raw[: len(raw) - len(markdown)].count("\n")
    end = front_matter_end(raw)
    if not end:
        return 0
    rest = raw[end:]
    return raw[:end].count("\n") + (len(rest) - len(rest.lstrip("\n")))
