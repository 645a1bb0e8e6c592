"""The engine: pages in, verdicts out. Knows nothing of MkDocs; the plugin and the CLI are its two doors."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .cache import Cache
from .check import Disagreement, ExampleVerdict, check_example
from .command import DEFAULT_COMMAND
from .examples import Page, Problem, scan_page
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
        return scan_page(
            text, path, line_offset=line_offset, default_command=self.settings.command,
            snippet_dirs=self.settings.snippet_dirs, root=self.settings.root,
        )

    def jobs(self, pages: Iterable[Page]) -> list[Job]:
        return [
            Job(example.source, example.command, toolchain)
            for page in pages
            for example in page.examples
            if example.command is not None
            for toolchain in self.matrix
        ]

    def run(self, pages: Iterable[Page]) -> int:
        """Compile every example of these pages on every release, in parallel; return how many ran."""
        before = self.runner.ran
        self.results.update(self.runner.run_all(self.jobs(pages)))
        return self.runner.ran - before

    def check(self, page: Page) -> PageVerdict:
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
            verdict = check_example(example, self.matrix, runs, f"{self.settings.fix_hint} {page.path}")
            unrun = [str(t.version) for t in self.matrix if str(t.version) not in runs]
            if unrun:  # only shard toolchains (never run here) can lack a result
                verdict.disagreements.insert(0, Disagreement(
                    example.location,
                    f"no result for this example on Go {', '.join(unrun)} in the shard results: its source or "
                    "command changed since they were made; re-run `goverify verify --go VERSION --results DIR`"))
            verdicts.append(verdict)
        return PageVerdict(page, verdicts, results)
