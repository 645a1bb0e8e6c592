"""The engine: pages in, verdicts out. Knows nothing of MkDocs; the plugin and the CLI are its two doors."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Cache
from .check import Disagreement, ExampleVerdict, check_example, prose_disagreement, prose_verdict
from .command import DEFAULT_COMMAND
from .examples import Example, Page, Problem, scan_page
from .reasons import parse_reasons, reasons_job_parts
from .runner import Job, Runner, RunResult
from .toolchains import Toolchain, ToolchainError, resolve


@dataclass
class Settings:
    """Everything that decides a verification, whichever door it came through."""

    root: Path  # paths in messages are relative to it; the cache lives under it
    go_versions: list[str] = field(default_factory=lambda: ["default"])
    command: str = DEFAULT_COMMAND
    timeout: float = 60.0
    cache: bool = True
    cache_dir: Path | None = None
    snippet_dirs: list[Path] = field(default_factory=list)
    jobs: int = 0  # parallel compiles; 0: one per core
    fix_hint: str = "goverify check --fix"
    reasons: bool = True  # compile with -m=2 to explain escapes (failure messages, expandable lines on the page)


@dataclass
class PageVerdict:
    page: Page
    examples: list[ExampleVerdict]
    results: dict[int, dict[str, RunResult]]  # example index -> version -> run

    @property
    def problems(self) -> list[Problem]:
        return self.page.problems

    @property
    def disagreements(self) -> list[Disagreement]:
        found = [Disagreement(p.location, p.message) for p in self.page.problems]
        for verdict in self.examples:
            found.extend(verdict.disagreements)
        return found


class Engine:
    """Holds the matrix of toolchains and the runner for one build (or one CLI run)."""

    def __init__(self, settings: Settings, toolchains: list[Toolchain] | None = None,
                 known: dict[str, RunResult] | None = None) -> None:
        self.settings = settings
        cache_dir = settings.cache_dir or settings.root / ".cache" / "goverify"
        self.cache_dir = cache_dir
        if toolchains is None:
            toolchains = self.resolve_toolchains()
        self.matrix = sorted(toolchains, key=lambda t: t.version.sort_key())
        self.warnings: list[str] = []
        self.runner = Runner(
            Cache(cache_dir / "runs" if settings.cache else None),
            Path(os.environ["GOVERIFY_GOCACHE"]) if os.environ.get("GOVERIFY_GOCACHE") else cache_dir / "gocache",
            timeout=settings.timeout,
            workers=settings.jobs or max(1, os.cpu_count() or 1),
            known=known,
            warnings=self.warnings,
        )
        self.results: dict[str, RunResult] = {}
        self.report_written: Path | None = None  # the plugin writes one JSON report per build, not per language
        # One build scans and checks each page twice (on_files, then to render it): the second time is free.
        self._scanned: dict[tuple[str, str, int], Page] = {}
        self._checked: dict[int, tuple[Page, PageVerdict]] = {}

    def resolve_toolchains(self) -> list[Toolchain]:
        found: dict[str, Toolchain] = {}
        errors = []
        for spec in self.settings.go_versions:
            try:
                toolchain = resolve(spec, self.cache_dir / "toolchains.json")
            except ToolchainError as exc:
                errors.append(str(exc))
                continue
            found.setdefault(str(toolchain.version), toolchain)
        if errors:
            raise ToolchainError("; ".join(errors))
        if not found:
            raise ToolchainError("go_versions is empty")
        return list(found.values())

    def scan(self, text: str, path: str, line_offset: int = 0) -> Page:
        page = self._scanned.get((text, path, line_offset))
        if page is None:
            page = self._scanned[text, path, line_offset] = scan_page(
                text, path, line_offset=line_offset, default_command=self.settings.command,
                snippet_dirs=self.settings.snippet_dirs, root=self.settings.root,
            )
        return page

    def jobs(self, pages: Iterable[Page]) -> list[Job]:
        """Every example on every release, and (for the page's expandable reasons) its `-m=2` run on the newest."""
        jobs = []
        for page in pages:
            for example in page.examples:
                if example.command is None:
                    continue
                jobs.extend(Job(example.source, example.command, toolchain) for toolchain in self.matrix)
                if self.settings.reasons:
                    job = self.reasons_job(example, self.matrix[-1])
                    if job is not None:
                        jobs.append(job)
        return jobs

    @staticmethod
    def reasons_job(example: Example, toolchain: Toolchain) -> Job | None:
        parts = reasons_job_parts(example.source, example.command) if example.command else None
        return Job(parts[0], parts[1], toolchain) if parts else None

    def reasons(self, example: Example) -> Callable[[str], dict[tuple[int, int], list[str]]]:
        """reasons(version): the `-m=2` data flow by position, compiled (and cached) on first use."""

        def get(version: str) -> dict[tuple[int, int], list[str]]:
            toolchain = next((t for t in self.matrix if str(t.version) == version), None)
            job = self.reasons_job(example, toolchain) if toolchain else None
            if job is None or not self.settings.reasons:
                return {}
            if job.key not in self.results:
                self.results.update(self.runner.run_all([job]))
            run = self.results.get(job.key)
            return parse_reasons(run.output, job.command.source_file) if run else {}

        return get

    def run(self, pages: Iterable[Page]) -> int:
        """Compile every example of these pages on every release, in parallel; return how many ran."""
        before = self.runner.ran
        # Not those known already (pages an earlier language of this build shares).
        todo = [job for job in self.jobs(pages) if job.key not in self.results]
        self.results.update(self.runner.run_all(todo))
        return self.runner.ran - before

    def check(self, page: Page) -> PageVerdict:
        seen = self._checked.get(id(page))
        if seen is not None and seen[0] is page:
            return seen[1]
        missing = [job for job in self.jobs([page]) if job.key not in self.results]
        if missing:
            self.results.update(self.runner.run_all(missing))
        verdicts = []
        results: dict[int, dict[str, RunResult]] = {}
        for example in page.examples:
            if example.command is None:
                continue
            runs = {
                str(t.version): self.results[job.key]
                for t in self.matrix
                if (job := Job(example.source, example.command, t)).key in self.results
            }
            results[example.index] = runs
            reasons = self.reasons(example)
            verdict = check_example(example, self.matrix, runs, f"{self.settings.fix_hint} {page.path}", reasons)
            for bound in page.prose:
                if bound.example == example.index:
                    prose = prose_verdict(bound, example, self.matrix, runs)
                    verdict.prose.append(prose)
                    problem = prose_disagreement(prose, self.matrix, reasons)
                    if problem:
                        verdict.disagreements.append(problem)
            if self.settings.reasons and runs:
                verdict.reasons = reasons(str(self.matrix[-1].version))
            unrun = [str(t.version) for t in self.matrix if str(t.version) not in runs]
            if unrun:  # only shard toolchains (never run here) can lack a result
                verdict.disagreements.insert(0, Disagreement(
                    example.location,
                    f"no result for this example on Go {', '.join(unrun)} in the shard results: its source or "
                    "command changed since they were made; re-run `goverify verify --go VERSION --results DIR`"))
            verdicts.append(verdict)
        self._checked[id(page)] = (page, PageVerdict(page, verdicts, results))
        return self._checked[id(page)][1]
