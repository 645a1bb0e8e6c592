"""The engine: pages in, verdicts out. Knows nothing of MkDocs; the plugin and the CLI are its two doors.

    scan (examples.py)  ->  rounds (every compile, scheduled here)  ->  check (check.py, pure)  ->  report / render

The engine is a small loop over rounds. Each example of a page has one `Record`: what each round decided for it (its
plan) and the jobs each round asked for; runs are kept by job key (content-addressed, shared by identical jobs).
A round is a function from what is known (a page's records, the runs so far) to the jobs still needed; `Engine.run`
calls each round of `ROUNDS` on every page, runs all the jobs it asked for in parallel (cached), then calls the next
(a round of `JOINS_PREVIOUS`, which reads only what the round before it decided, adds its jobs to that round's):

    probe       a fragment's first compile (planning.probe): fits its header, or says whether it compiles alone
    lean        a fragment naming an earlier fence's declarations, compiled again with them (planning.lean)
    run_matrix  the plan (planning.fit), then every command on every release, and the `-m=2` reasons on the newest
                (for an example whose claims, prose or output blocks could show them)
    build       an output block under `go run`/`go test`: its program built for wasip1 on every release
                (runstage.py, programs.py)
    execute     each program built, run in the sandbox (sandbox.py: wasmtime, in a child process)
    again       each program whose run disagrees with the page, run a second time (what varies is not compared)
    explain     `goverify check` only: the reasons of what fails, known once a first (pure) check has been made

`Engine.check` is then a pure function of the records and the runs (`check_records`).

To add a round (the sandbox's build for wasip1, then its run):

1. give `Record` the fields the round fills (its jobs, what it decided);
2. write the round as a `Round`: `def build(page: PageRecord, known: Known) -> Iterator[Job]`, which reads the
   earlier rounds' fields and `known.results`, sets its own, and yields the jobs still needed via `record.asks`;
3. add it to `ROUNDS`, after the round whose results it reads (and to `JOINS_PREVIOUS` when it reads none of the
   round just before it);
4. read what it ran in `check_records`, which hands `check.check_page` plain data.
"""

from __future__ import annotations

import atexit
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from . import planning, runstage
from .borrow import Borrowed
from .cache import Cache, key_of
from .check import ExampleVerdict, PageVerdict, Plan, check_page
from .command import DEFAULT_COMMAND, Command
from .errors import GoverifyError
from .examples import INHERITED, Example, GoFence, Page, scan_page
from .findings import NotVerified
from .reasons import parse_reasons, reasons_job_parts
from .runner import DEFAULT_TIMEOUT, Job, Runner, RunResult
from .shards import load_shards
from .snippets import display_path, read_text
from .toolchains import Toolchain, resolve

CACHE_DIR = ".cache/goverify"  # relative to the site's root


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
    shown_from: Path | None = None  # the folder messages name files from (the CLI's current folder); None: root

    def shown(self, path: str) -> str:
        """A path of a message (relative to root) as the reader opens it from `shown_from`."""
        if self.shown_from is None or os.path.isabs(path):
            return path
        return Path(os.path.relpath(self.root / path, self.shown_from)).as_posix()


@dataclass
class Record:
    """One example through the rounds: each round reads what the earlier ones put here and adds its own."""

    example: Example
    probe: Job | None = None  # probe: a fragment's first compile
    fitting: bool = False  # ... with the one-line header its written lines are fitted from (else: alone)
    leaning: Job | None = None  # lean: the same compile with what it borrows from the page's earlier fences
    borrowed: Borrowed | None = None
    plan: Plan | None = None  # compile: what is compiled, with which commands
    runs: tuple[Job, ...] = ()  # ... each command on every release, in that order
    reasons: Job | None = None  # ... the `-m=2` run on the newest release (None: the command's own output has it)
    by_runs: bool = False  # ... compiled by its runs: `runs` asked only where its program is not built (execute)
    programs: runstage.Runs | None = None  # build, execute: its run claims, their builds and sandbox runs
    jobs: list[Job] = field(default_factory=list)  # every job a round asked for, in order (what a shard keeps)

    def asks(self, *jobs: Job | None) -> Iterator[Job]:
        """The jobs a round needs for this example, kept in its record."""
        for job in jobs:
            if job is not None:
                self.jobs.append(job)
                yield job


@dataclass
class PageRecord:
    """A page and the record of each of its examples (in the order of `page.examples`)."""

    page: Page
    records: list[Record]
    verdict: PageVerdict | None = None  # made once, when first asked for
    claims: list[runstage.RunClaim] = field(default_factory=list)  # run_matrix: what the page runs, by example
    declined: list[runstage.Declined] = field(default_factory=list)  # ... the stated runs not run, and why

    @property
    def fences(self) -> list[GoFence]:
        return self.page.fences


@dataclass(frozen=True)
class Known:
    """What a round reads besides the records: the matrix, the settings and every run so far, by job key."""

    matrix: list[Toolchain]
    settings: Settings
    results: Mapping[str, RunResult]


class Round(Protocol):
    """A stage of the engine: from a page's records and the runs so far to the jobs the page still needs. It sets
    its own fields of each record as it goes; the engine runs what it yields before the next round starts."""

    def __call__(self, page: PageRecord, known: Known) -> Iterator[Job]: ...


def probe(page: PageRecord, known: Known) -> Iterator[Job]:
    """Each fragment's first compile."""
    for record in page.records:
        record.probe, record.fitting = planning.probe(record.example, page.fences, known.matrix)
        yield from record.asks(record.probe)


def lean(page: PageRecord, known: Known) -> Iterator[Job]:
    """A fragment whose probe failed on names an earlier fence declares: compiled again with them."""
    for record in page.records:
        found = planning.lean(record.example, page.fences, record.probe, record.fitting, known.results)
        if found is not None:
            record.leaning, record.borrowed = found
            yield from record.asks(record.leaning)


def run_matrix(page: PageRecord, known: Known) -> Iterator[Job]:
    """Each example's plan, then each of its commands on every release, and its `-m=2` reasons run (asked for here
    unless only what fails is explained). An example the page only runs is compiled by its runs (`build`)."""
    settings, matrix = known.settings, known.matrix
    page.claims, page.declined = runstage.read_runs(page.page)
    for record in page.records:
        example = record.example
        plan = record.plan = planning.fit(example, record.probe if record.fitting else None, record.leaning,
                                          record.borrowed, known.results)
        record.runs = tuple(Job(plan.source, command, toolchain, example.file)
                            for command in plan.commands for toolchain in matrix)
        parts = reasons_job_parts(plan.source, plan.commands[0]) if plan.commands else None
        record.reasons = Job(parts[0], parts[1], matrix[-1], example.file) if parts else None
        record.by_runs = _only_run(page, record)
        if not record.by_runs:
            yield from record.asks(*record.runs)
        if settings.reasons and not settings.reasons_for_failures_only and _shows_reasons(page.page, example):
            yield from record.asks(record.reasons)


def _only_run(page: PageRecord, record: Record) -> bool:
    """Whether the page only runs the example: it states no compile of its own for it (the command is the page's
    or the default), and nothing shows what the compiler says of it (no claim, no bound prose, no output block),
    but a block shows what it prints (a block not called its output may be something else: then it is compiled as
    stated, its caption saying so). Its build for the sandbox on each release (`build`) is then its compile: the
    same code type-checked and compiled, for wasip1. Where that build fails, `execute` compiles it on the host."""
    example, plan = record.example, record.plan
    return (plan is not None and plan.unfit is None and bool(plan.commands) and example.command.origin in INHERITED
            and not _shows_reasons(page.page, example)
            and any(claim.example == example.index and not claim.doubt for claim in page.claims))


def _shows_reasons(page: Page, example: Example) -> bool:
    """Whether anything could show the example's `-m=2` reasons: a claim in its comments or in the prose bound to
    it (a failure's message), or an output block of it (the page's expandable lines). An example the page says
    nothing of is only compiled: its reasons would be run and never read."""
    return bool(example.claims or example.outputs or page.prose_of(example))


def build(page: PageRecord, known: Known) -> Iterator[Job]:
    """Each run claim's program (an output block under `go run`/`go test`), built for wasip1 on every release."""
    for record in page.records:
        mine = [claim for claim in page.claims if claim.example == record.example.index]
        if record.plan is None or not mine:
            continue
        record.programs = runstage.build(mine, record.plan.source, known.matrix, record.plan.header)
        yield from record.asks(*record.programs.builds.values())


def execute(page: PageRecord, known: Known) -> Iterator[Job]:
    """Each program built, run in the sandbox; an example compiled by its runs, compiled as stated on each release
    where its program is not built (whether it compiles at all, and the compiler's words, are the host's)."""
    for record in page.records:
        if record.programs is not None:
            yield from record.asks(*runstage.execute(record.programs, known.results))
        if record.by_runs:
            built = _built(record, known.results)
            yield from record.asks(*(job for job in record.runs if str(job.toolchain.version) not in built))


def again(page: PageRecord, known: Known) -> Iterator[Job]:
    """Each program whose run disagrees with the page, run again: what varies between runs is not compared."""
    for record in page.records:
        if record.programs is not None:
            yield from record.asks(*runstage.again(record.example, record.programs, known.results))


def explain(page: PageRecord, known: Known) -> Iterator[Job]:
    """What fails is known once the runs are: a first check (pure, not kept) says which examples to explain."""
    if not (known.settings.reasons and known.settings.reasons_for_failures_only):
        return
    for record, verdict in zip(page.records, check_records(page, known).examples, strict=True):
        if _explainable(verdict):
            yield from record.asks(record.reasons)


ROUNDS: tuple[Round, ...] = (probe, lean, run_matrix, build, execute, again, explain)
# Rounds that read no run of the round before them, only what it decided (`build` reads the plan, not the compiles):
# their jobs run in one batch with that round's, so the cores one round's last jobs leave idle take the next's.
JOINS_PREVIOUS: frozenset[Round] = frozenset({build})


def check_records(page: PageRecord, known: Known) -> PageVerdict:
    """The verdicts of a page: a pure function of its records and the runs."""
    results: dict[tuple[int, Command, str], RunResult] = {}
    reasons: dict[int, dict[tuple[int, int], tuple[str, ...]]] = {}
    newest = len(known.matrix) - 1
    for record in page.records:
        index = record.example.index
        for made in record.runs:
            run = known.results.get(made.key)
            if run is not None:
                results[index, made.command, str(made.toolchain.version)] = run
        job = record.reasons if known.settings.reasons else None
        if job is None and record.runs:  # -m=2 already: the example's own run on the newest has the flow
            job = record.runs[newest]
        run = known.results.get(job.key) if job else None
        if run is not None:
            reasons[index] = parse_reasons(run.output, record.example.base)
    plans = {record.example.index: record.plan for record in page.records if record.plan is not None}
    built = {record.example.index: _built(record, known.results) for record in page.records if record.by_runs}
    fix_hint = f"{known.settings.fix_hint} {shlex.quote(known.settings.shown(page.page.path))}"
    verdict = check_page(page.page, plans, results, reasons, known.matrix, fix_hint, built)
    _check_programs(page, known, verdict, fix_hint)
    return verdict


def _check_programs(page: PageRecord, known: Known, verdict: PageVerdict, fix_hint: str) -> None:
    """The run claims' findings added to the page's; the `runs-code` (or `program-output`) note of each block they
    verify taken out, and the reason of each stated run not run said."""
    found: list = []
    verified: set = set()
    for record in page.records:
        if record.programs is None or not record.programs.claims:
            continue
        reference = {i: runstage.reference(claim, known.matrix) for i, claim in enumerate(record.programs.claims)}
        findings, done, hidden = runstage.check_runs(record.example, record.programs, known.results, known.matrix,
                                                     reference, fix_hint)
        found += findings
        verified |= done
        verdict.programs += runstage.shown(record.programs, known.results, hidden)
    why = {(d.location, d.command): d.why for d in page.declined}
    if not found and not verified and not why:
        return
    verdict.findings = [replace(f, detail=why[f.location, f.command])
                        if isinstance(f, NotVerified) and f.reason == "runs-code" and (f.location, f.command) in why
                        else f for f in verdict.findings
                        if not (isinstance(f, NotVerified) and f.reason in runstage.RUN_NOTES
                                and ((f.location, f.command) in verified or why.get((f.location, f.command)) == ""))
                        ] + found
    verdict.findings.sort(key=lambda f: (f.location.path, f.location.line))


def _built(record: Record, results: Mapping[str, RunResult]) -> frozenset[str]:
    """The releases on which an example compiled by its runs had its programs built (none if it has none)."""
    return runstage.built_on(record.programs, results) if record.programs is not None else frozenset()


def _explainable(verdict: ExampleVerdict) -> bool:
    """A claim of the example fails where the compiler says something: its -m=2 flow would explain it."""
    return any(fails for fails in ([c.fails for c in verdict.claims] + [p.fails for p in verdict.prose]))


class Engine:
    """Holds the matrix of toolchains, the runner and the record of each page, for one build or CLI run."""

    def __init__(self, settings: Settings, toolchains: list[Toolchain] | None = None,
                 known: dict[str, RunResult] | None = None) -> None:
        self.settings = settings
        self.cache_dir = settings.cache_dir or settings.root / CACHE_DIR
        if toolchains is None and settings.results is not None:
            toolchains, known = load_shards(settings.root / settings.results, settings.go_versions)
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
            artifacts=self.cache_dir / "wasm" if settings.cache else _scratch_artifacts(),
        )
        self.results: dict[str, RunResult] = {}
        self.known = Known(self.matrix, settings, self.results)
        self._scanned: dict[tuple[str, str, int], Page] = {}
        self._pages: dict[str, list[PageRecord]] = {}  # by path: the pages run (a plugin may change one's text)

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

    def record(self, page: Page) -> PageRecord | None:
        """The record of a page `run` was given, None before."""
        return next((r for r in self._pages.get(page.path, ()) if r.page is page), None)

    # --- running ---------------------------------------------------------------------------------------------

    def run(self, pages: Iterable[Page]) -> int:
        """Every compile these pages need, round after round, each round's in parallel; return how many ran (not
        cached, not known)."""
        new = []
        for page in pages:
            if self.record(page) is None:
                new.append(PageRecord(page, [Record(example) for example in page.examples]))
                self._pages.setdefault(page.path, []).append(new[-1])
        before = self.runner.ran
        packed = [self._unpack(page) for page in new]
        batch: list[Job] = []
        for round_ in ROUNDS:
            if round_ not in JOINS_PREVIOUS:
                self._run_jobs(batch)
                batch = []
            batch += [job for page in new for job in round_(page, self.known)]
        self._run_jobs(batch)
        for page, held in zip(new, packed, strict=True):
            self._pack(page, held)
        return self.runner.ran - before

    def _run_jobs(self, jobs: list[Job]) -> None:
        todo = [job for job in jobs if job.key not in self.results]
        self.results.update(self.runner.run_all(todo))

    def made(self, pages: Iterable[Page]) -> list[Job]:
        """Every job `run` made for these pages: fragment probes, runs, reasons (what a shard keeps)."""
        return [job for page in pages for record in self._run_record(page).records for job in record.jobs]

    def _run_record(self, page: Page) -> PageRecord:
        found = self.record(page)
        if found is None:
            raise GoverifyError(f"{page.path}: checked before it was run")
        return found

    def _pack_name(self, page: Page) -> str:
        return key_of("pack", page.path)[:40]

    def _unpack(self, page: PageRecord) -> set[str]:
        """The runs of the page's pack, known before anything runs; the keys it held."""
        entries = self.runner.cache.get_pack(self._pack_name(page.page))
        for key, entry in entries.items():
            if key not in self.results and (result := RunResult.from_json(entry)) is not None:
                self.results[key] = result
        return set(entries)

    def _pack(self, page: PageRecord, held: set[str]) -> None:
        """Keep the page's runs together for the next build (when they are not what its pack holds already)."""
        keys = {job.key for record in page.records for job in record.jobs}
        entries = {k: self.results[k].to_json() for k in keys if k in self.results and not self.results[k].timed_out}
        if set(entries) != held:
            self.runner.cache.put_pack(self._pack_name(page.page), entries)

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
        """The verdicts of a page whose compiles `run` made (a pure function of its records and their runs)."""
        record = self._run_record(page)
        if record.verdict is None:
            record.verdict = check_records(record, self.known)
        return record.verdict


def _scratch_artifacts() -> Path:
    """Where programs built for the sandbox are kept when the cache is off: a directory of this process."""
    path = Path(tempfile.mkdtemp(prefix="goverify-wasm-"))
    atexit.register(shutil.rmtree, path, True)
    return path


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
