"""The engine: pages in, verdicts out. Knows nothing of MkDocs; the plugin and the CLI are its two doors.

    scan (examples.py)  ->  run (every compile, scheduled here)  ->  check (check.py, pure)  ->  report / render

`Engine.run` makes every compile a set of pages needs, in rounds: first a probe of each fragment (Go code without a
package clause) on its reference release, to fit the fragment's header; then, for a fragment that does not compile
alone because it names what an earlier fence of its page declares, the same probe with those declarations after it
(borrow.py); then every example on every release of the matrix with each command its page states, and the `-m=2`
reasons run on the newest release. `Engine.check` is then a pure function of the pages and those runs.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .borrow import Borrowed, borrow
from .cache import Cache, key_of
from .check import PageVerdict, Plan, check_page, is_report, reference_release
from .command import DEFAULT_COMMAND, Command
from .errors import GoverifyError
from .examples import Example, Page, scan_page
from .findings import NotVerified
from .fragments import Header, best_offset, conventional, functions_declared, header, probe
from .output import DIAGNOSTIC, parse_output
from .reasons import parse_reasons, reasons_job_parts
from .runner import DEFAULT_TIMEOUT, Job, Runner, RunResult
from .shards import load_shards
from .snippets import display_path, read_text
from .toolchains import Toolchain, resolve

CACHE_DIR = ".cache/goverify"  # relative to the site's root
_UNDEFINED = re.compile(r"^undefined: (\w+)$")


@dataclass
class Settings:
    """Everything that decides a verification, whichever door it came through (config.py makes it)."""

    root: Path  # paths in messages are relative to it
    go_versions: list[str] = field(default_factory=lambda: ["default"])
    command: str = DEFAULT_COMMAND
    timeout: float = DEFAULT_TIMEOUT
    cache: bool = True
    cache_dir: Path | None = None  # default: <root>/CACHE_DIR
    gocache: Path | None = None  # Go's own build cache; default: <cache_dir>/gocache
    snippet_dirs: list[Path] = field(default_factory=list)
    jobs: int = 0  # parallel compiles; 0: one per core
    fix_hint: str = "goverify check --fix"
    reasons: bool = True  # compile with -m=2 to explain escapes (failure messages, expandable lines on the page)
    reasons_for_failures_only: bool = False  # the CLI shows no page: only what fails needs explaining
    results: Path | None = None  # shard results to use instead of local toolchains


class Engine:
    """Holds the matrix of toolchains, the runner and what is known of each page, for one build or CLI run."""

    def __init__(self, settings: Settings, toolchains: list[Toolchain] | None = None,
                 known: dict[str, RunResult] | None = None) -> None:
        self.settings = settings
        self.cache_dir = settings.cache_dir or settings.root / CACHE_DIR
        if toolchains is None and settings.results is not None:
            toolchains, known = load_shards(settings.root / settings.results)
        if toolchains is None:
            toolchains = self.resolve_toolchains()
        self.matrix = sorted(toolchains, key=lambda t: t.version.sort_key())
        self.warnings: list[str] = []
        self.runner = Runner(
            Cache(self.cache_dir / "runs" if settings.cache else None),
            settings.gocache or self.cache_dir / "gocache",
            timeout=settings.timeout,
            workers=settings.jobs or max(1, os.cpu_count() or 1),
            known=known,
            warnings=self.warnings,
        )
        self.results: dict[str, RunResult] = {}
        self.report_written: Path | None = None  # the plugin writes one JSON report per build, not per language
        self._scanned: dict[tuple[str, str, int], Page] = {}
        self._plans: dict[int, dict[int, Plan]] = {}  # id(page) -> example index -> plan
        self._probes: dict[int, dict[int, Job]] = {}  # id(page) -> example index -> first probe
        self._leaning: dict[int, dict[int, tuple[Job, Borrowed]]] = {}  # id(page) -> example index -> second probe
        self._checked: dict[int, PageVerdict] = {}
        self._jobs: dict[int, tuple[Plan, tuple[Job, ...], Job | None]] = {}  # id(plan) -> (plan, runs, reasons)

    def resolve_toolchains(self) -> list[Toolchain]:
        found: dict[str, Toolchain] = {}
        errors = []
        for spec in self.settings.go_versions:
            try:
                toolchain = resolve(spec, self.cache_dir / "toolchains.json")
            except GoverifyError as exc:
                errors.append(exc.message)
                continue
            found.setdefault(str(toolchain.version), toolchain)
        if errors:
            raise GoverifyError("; ".join(errors))
        if not found:
            raise GoverifyError("go_versions is empty")
        return list(found.values())

    def scan(self, text: str, path: str, line_offset: int = 0) -> Page:
        """The examples of a page (scanned once per build, whichever door asks)."""
        page = self._scanned.get((text, path, line_offset))
        if page is None:
            page = self._scanned[text, path, line_offset] = scan_page(
                text, path, line_offset=line_offset, default_command=self.settings.command,
                snippet_dirs=self.settings.snippet_dirs, root=self.settings.root,
            )
        return page

    # --- running ---------------------------------------------------------------------------------------------

    def run(self, pages: Iterable[Page]) -> int:
        """Every compile these pages need, in parallel; return how many ran (not cached, not known)."""
        pages = [p for p in pages if id(p) not in self._plans]
        before = self.runner.ran
        packed = {id(page): self._unpack(page) for page in pages}
        for page in pages:
            self._probes[id(page)] = {e.index: job for e in page.examples
                                      if (job := self._probe_job(e) or self._alone_job(page, e)) is not None}
        self._run_jobs(job for page in pages for job in self._probes[id(page)].values())
        # A fragment that does not compile alone, again with what it names of the page's earlier fences.
        for page in pages:
            self._leaning[id(page)] = {e.index: found for e in page.examples
                                       if (found := self._lean(page, e, self._probes[id(page)].get(e.index)))}
        self._run_jobs(job for page in pages for job, _ in self._leaning[id(page)].values())
        for page in pages:
            self._plans[id(page)] = {e.index: self._plan(e, self._probe_job(e), self._leaning[id(page)].get(e.index))
                                     for e in page.examples}
        jobs = [job for page in pages for example in page.examples for job in self.jobs(example, self.plan(page,
                                                                                                          example))]
        self._run_jobs(jobs)
        if self.settings.reasons and self.settings.reasons_for_failures_only:
            # What fails is known once the runs are: a first check (pure, not kept) says which examples to explain.
            failing = [(page, verdict.example) for page in pages
                       for verdict in self._check(page).examples if _explainable(verdict)]
            self._run_jobs(job for page, example in failing
                           if (job := self._jobs_of(example, self.plan(page, example))[1]) is not None)
        for page in pages:
            self._pack(page, packed[id(page)])
        return self.runner.ran - before

    def _pack_name(self, page: Page) -> str:
        return key_of("pack", page.path)[:40]

    def _unpack(self, page: Page) -> set[str]:
        """The runs of the page's pack, known before anything runs; the keys it held."""
        entries = self.runner.cache.get_pack(self._pack_name(page))
        for key, entry in entries.items():
            if key not in self.results and (result := RunResult.from_json(entry)) is not None:
                self.results[key] = result
        return set(entries)

    def _pack(self, page: Page, held: set[str]) -> None:
        """Keep the page's runs together for the next build (when they are not what its pack holds already)."""
        keys = {job.key for job in self.made([page])}
        entries = {k: self.results[k].to_json() for k in keys if k in self.results and not self.results[k].timed_out}
        if set(entries) != held:
            self.runner.cache.put_pack(self._pack_name(page), entries)

    def made(self, pages: Iterable[Page]) -> list[Job]:
        """Every job `run` made for these pages: fragment probes, runs, reasons (what a shard keeps)."""
        jobs = []
        for page in pages:
            for example in page.examples:
                probe_job = self._probes.get(id(page), {}).get(example.index)
                if probe_job is not None:
                    jobs.append(probe_job)
                leaning = self._leaning.get(id(page), {}).get(example.index)
                if leaning is not None:
                    jobs.append(leaning[0])
                jobs.extend(self.jobs(example, self.plan(page, example)))
        return jobs

    def _run_jobs(self, jobs: Iterable[Job]) -> None:
        todo = [job for job in jobs if job.key not in self.results]
        self.results.update(self.runner.run_all(todo))

    def plan(self, page: Page, example: Example) -> Plan:
        return self._plans[id(page)][example.index]

    def jobs(self, example: Example, plan: Plan) -> list[Job]:
        """Each command of the example on every release, and its `-m=2` reasons run on the newest."""
        runs, reasons = self._jobs_of(example, plan)
        if reasons is not None and self.settings.reasons and not self.settings.reasons_for_failures_only:
            return [*runs, reasons]
        return list(runs)

    def _jobs_of(self, example: Example, plan: Plan) -> tuple[tuple[Job, ...], Job | None]:
        """(each command on every release, the `-m=2` reasons run), made once per plan: running, packing and
        checking all look them up."""
        made = self._jobs.get(id(plan))
        if made is None or made[0] is not plan:
            runs = tuple(Job(plan.source, command, toolchain, example.file)
                         for command in plan.commands for toolchain in self.matrix)
            parts = reasons_job_parts(plan.source, plan.commands[0]) if plan.commands else None
            reasons = Job(parts[0], parts[1], self.matrix[-1], example.file) if parts else None
            made = self._jobs[id(plan)] = (plan, runs, reasons)
        return made[1], made[2]

    def _reference(self, example: Example) -> Toolchain | None:
        checked = [block for block in example.outputs if block.checked]
        return reference_release(checked[0], self.matrix) if checked else self.matrix[-1]

    def _probe_job(self, example: Example) -> Job | None:
        """A fragment with output is compiled first with a one-line header, to find where its lines fall."""
        command = example.command.command
        if not example.fragment or command is None or not self._written(example):
            return None
        reference = self._reference(example)
        if reference is None:
            return None
        return Job(probe(example.source).text + example.source, command, reference, example.file)

    def _alone_job(self, page: Page, example: Example) -> Job | None:
        """A fragment with claims but no written lines to fit, which names declarations of the page's earlier
        fences: its run on the reference release (the same job as the later run), early, to see whether it
        compiles without them."""
        command = example.command.command
        if not example.fragment or command is None or borrow(page.fences, example.source, example.location.line) \
                is None or (reference := self._reference(example)) is None:
            return None
        return Job(conventional(example.source).text + example.source, command, reference, example.file)

    def _lean(self, page: Page, example: Example, alone: Job | None) -> tuple[Job, Borrowed] | None:
        """A fragment that does not compile alone because it names what an earlier fence declares (`undefined:
        Adder`): the same compile with those declarations after it, and what it borrows."""
        run = self.results.get(alone.key) if alone is not None else None
        if alone is None or run is None or run.timed_out or run.returncode == 0:
            return None
        undefined = {m.group(1) for d in parse_output(run.output)[0] if d.file == example.base
                     and (m := _UNDEFINED.match(d.message))}
        borrowed = borrow(page.fences, example.source, example.location.line) if undefined else None
        if borrowed is None or not undefined & set(borrowed.names):
            return None
        fitting = self._probe_job(example) is not None
        made = (probe if fitting else conventional)(example.source, borrowed.imports)
        return Job(made.text + example.source + borrowed.code, alone.command, alone.toolchain, example.file), borrowed

    @staticmethod
    def _written(example: Example):
        return [line.diagnostic for block in example.outputs if block.checked for line in block.lines
                if line.kind == DIAGNOSTIC and line.diagnostic and line.diagnostic.file == example.base]

    def _plan(self, example: Example, probe_job: Job | None, leaning: tuple[Job, Borrowed] | None) -> Plan:
        commands = _commands(example)
        if not example.fragment:
            return Plan(example.source, None, commands)
        borrowed = leaning[1] if leaning else None
        imports, tail = (borrowed.imports, borrowed.code) if borrowed else ((), "")
        if probe_job is None:  # claims only, or output for another file: the conventional header
            fitted = conventional(example.source, imports)
            return Plan(fitted.text + example.source + tail, fitted, commands, borrowed=borrowed)
        if leaning is not None:
            probe_job = leaning[0]
        run = self.results.get(probe_job.key)
        command = probe_job.command
        unfit = None
        fitted: Header | None = None
        if run is not None and not run.timed_out:
            printed = [d for d in parse_output(command.filter(run.output))[0] if d.file == example.base]
            size = example.source.count("\n")
            reports = [d for d in printed if is_report(d.message) and (not borrowed or 1 < d.line <= 1 + size)]
            written = self._written(example)
            offset = best_offset(written, reports, loose=True, functions=functions_declared(example.source))
            release = str(probe_job.toolchain.version)
            fences = borrowed.fences if borrowed else ()
            outside = next((w for w in written if not 1 <= w.line - (offset or 0) - 1 <= size), None)
            if any(not is_report(d.message) for d in printed):
                pass  # it does not compile: checking says so, with the compiler's errors
            elif offset is None and written and run.returncode == 0 and not any(is_report(w.message) for w in written):
                fitted = conventional(example.source, imports)  # compile errors it no longer has: checking says so
            elif offset is None:
                unfit = NotVerified(example.location, "fragment-unfit", command.text, release=release, fences=fences)
            elif offset + 1 < 1:
                unfit = NotVerified(example.location, "fragment-unfit", command.text, release=release,
                                    detail=str(offset + 1), fences=fences)
            elif borrowed and outside is not None:  # about a line of the author's file that the page does not show
                unfit = NotVerified(example.location, "fragment-unfit", command.text, release=release,
                                    fences=fences, outside=outside)
            else:
                fitted = header(example.source, offset + 1, imports)
        fitted = fitted or header(example.source, 1, imports)
        return Plan(fitted.text + example.source + tail, fitted, commands, unfit, borrowed)

    def check_files(self, files: list[Path]) -> list[PageVerdict]:
        """Markdown files (outside MkDocs: no front matter taken off): read, scanned, compiled and checked."""
        pages = []
        for file in files:
            try:
                text = read_text(file)
            except UnicodeDecodeError as exc:
                raise GoverifyError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
            except OSError as exc:
                raise GoverifyError(f"{file}: {exc.strerror}") from exc
            pages.append(self.scan(text, display_path(file, self.settings.root)))
        self.run(pages)
        return [self.check(page) for page in pages]

    # --- checking -----------------------------------------------------------------------------------------------

    def check(self, page: Page) -> PageVerdict:
        """The verdicts of a page whose compiles `run` made (a pure function of the page and those runs)."""
        seen = self._checked.get(id(page))
        if seen is not None and seen.page is page:
            return seen
        verdict = self._check(page)
        self._checked[id(page)] = verdict
        return verdict

    def _check(self, page: Page) -> PageVerdict:
        plans = self._plans.get(id(page))
        if plans is None:
            raise GoverifyError(f"{page.path}: checked before it was run")
        results: dict[tuple[int, Command, str], RunResult] = {}
        reasons: dict[int, dict[tuple[int, int], tuple[str, ...]]] = {}
        newest = len(self.matrix) - 1
        for example in page.examples:
            plan = plans[example.index]
            runs, job = self._jobs_of(example, plan)
            for made in runs:
                run = self.results.get(made.key)
                if run is not None:
                    results[example.index, made.command, str(made.toolchain.version)] = run
            if not self.settings.reasons:
                job = None
            if job is None and runs:  # -m=2 already: the example's own run on the newest has the flow
                job = runs[newest]
            run = self.results.get(job.key) if job else None
            if run is not None:
                reasons[example.index] = parse_reasons(run.output, example.base)
        return check_page(page, plans, results, reasons, self.matrix, f"{self.settings.fix_hint} {page.path}")


def _explainable(verdict) -> bool:
    """A claim of the example fails where the compiler says something: its -m=2 flow would explain it."""
    return any(fails for fails in ([c.fails for c in verdict.claims] + [p.fails for p in verdict.prose]))


def _commands(example: Example) -> tuple[Command, ...]:
    """The example's own command first, then any other command its checked output blocks state."""
    found: list[Command] = []
    for command in [example.command.command, *(b.command.command for b in example.outputs if b.checked)]:
        if command is not None and command not in found:
            found.append(command)
    return tuple(found)


def forget() -> None:
    """Let go of what goverify's pure functions remember (parsed outputs, job keys, declaration spans): called when
    a build is over. Objects still alive when the interpreter exits cost it far more to tear down than to free
    here (on 200 pages of 10 examples: about 0.5 s at exit, 0.05 s here)."""
    for name, module in list(sys.modules.items()):
        if name != __package__ and not name.startswith(f"{__package__}."):
            continue
        for value in list(vars(module).values()):
            members = vars(value).values() if isinstance(value, type) and value.__module__ == name else ()
            for memo in (value, *members):
                if callable(getattr(memo, "cache_clear", None)):
                    memo.cache_clear()
