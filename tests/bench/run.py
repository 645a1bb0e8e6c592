"""`make bench`: what goverify costs a MkDocs build, measured side by side (A/B/A/B), as medians and ratios.

Figures (issue 5):
- the repo's site: warm verified build vs the same build with GOVERIFY_ENABLED=false (target ≤ 1.10×);
- synthetic sites of PAGES × EXAMPLES distinct programs on one release: cold verified build (empty goverify
  cache and empty GOCACHE) vs the same `go build` commands run by hand one after another with a cold GOCACHE
  (targets on 40 × 5, issue 19: wall ≤ 0.50× and CPU ≤ 0.70×), warm verified vs disabled (target ≤ 1.10×, on
  40 × 5 and 200 × 10);
- a `mkdocs serve`-like rebuild after editing one example: how many compiles it ran (target: one per release);
- peak RSS of cold, warm and disabled builds;
- the run stage (issue 24): a page of 10 programs (`go run main.go`) and 10 benchmarks (`go test -bench .
  -benchmem`) on 2 releases, cold against the same commands run natively by hand one after another (target
  ≤ 1.0× wall; both sides' GOCACHE holding the standard library, and both empty), warm against disabled.

Every build is a child process (`python -m mkdocs build -q`); its wall time and peak RSS come from `os.wait4`.
Outputs (sites, logs, results.md, results.json) go to tests/bench/out/. Timings are never
asserted: the machine is noisy; the ratios are the result.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))

import sites  # noqa: E402  (a sibling module; this file is run as a script)

PYTHON = sys.executable
# `python -m mkdocs ARGS`, writing its own peak RSS (KiB) to argv[1] on exit.
MKDOCS_NOTING_RSS = (
    "import atexit, resource, sys; out = sys.argv[1]; "
    "atexit.register(lambda: open(out, 'w').write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))); "
    "sys.argv = ['mkdocs', *sys.argv[2:]]; from mkdocs.__main__ import cli; cli()"
)
GO_VERSION = "1.27.3"  # the release the synthetic sites are verified on
# The run stage's page: two releases, the older before the variable-size make went to the stack (Go 1.25).
RUN_VERSIONS = ["1.24.11", GO_VERSION]
ARTICLE = Path("/work/shared/article/escape-analysis.zh.md")
# The uncorrected article holds on these releases; the fallback site uses them so that its build succeeds.
ARTICLE_VERSIONS = ["1.21", "1.22", "1.23", "1.24"]


@dataclass
class Run:
    seconds: float  # wall clock
    rss_kb: int
    returncode: int
    log: Path
    cpu: float = 0.0  # user + system seconds of the whole process tree
    own_rss_kb: int = 0  # the mkdocs process alone (rss_kb: the largest process of the tree, go included)


@dataclass
class Figure:
    """One line of the table: the medians of two alternating series and their ratio."""

    site: str
    what: str
    a_name: str
    b_name: str
    target: float | None
    a: list[Run] = field(default_factory=list)
    b: list[Run] = field(default_factory=list)
    cpu_target: float | None = None  # on the ratio of CPU times (user + system of the whole process tree)
    load: list[float] = field(default_factory=list)  # the 1-minute load average after each pair

    @property
    def a_median(self) -> float:
        return statistics.median(r.seconds for r in self.a)

    @property
    def b_median(self) -> float:
        return statistics.median(r.seconds for r in self.b)

    @property
    def a_cpu(self) -> float:
        return statistics.median(r.cpu for r in self.a)

    @property
    def b_cpu(self) -> float:
        return statistics.median(r.cpu for r in self.b)

    @property
    def ratio(self) -> float:
        return self.a_median / self.b_median

    @property
    def cpu_ratio(self) -> float:
        return self.a_cpu / self.b_cpu if self.b_cpu else float("nan")

    @property
    def failed(self) -> bool:
        return any(r.returncode != 0 for r in self.a + self.b)

    @property
    def verdict(self) -> str:
        if self.failed:
            return "FAILED (see logs)"
        if self.target is None and self.cpu_target is None:
            return ""
        held = (self.target is None or self.ratio <= self.target) and \
            (self.cpu_target is None or self.cpu_ratio <= self.cpu_target)
        return "holds" if held else "MISSED"


def environment(**extra: str) -> dict[str, str]:
    """The caller's environment without goverify settings (and with bytecode caching, as on a user's machine)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GOVERIFY_") and k != "PYTHONDONTWRITEBYTECODE"}
    if os.environ.get("GOVERIFY_TOOLCHAINS"):
        env["GOVERIFY_TOOLCHAINS"] = os.environ["GOVERIFY_TOOLCHAINS"]
    env.update(NO_MKDOCS_2_WARNING="1")
    env.update(extra)
    return env


def spawn(argv: list[str], log: Path, env: dict[str, str], cwd: Path | None = None) -> Run:
    """Run a child to completion: wall time, its peak RSS (largest process of its tree) and exit status."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "wb") as out:
        started = time.perf_counter()
        child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                 env=env, cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    return Run(seconds, usage.ru_maxrss, child.returncode, log, usage.ru_utime + usage.ru_stime)


class Bench:
    def __init__(self, out: Path, rounds: int, cold_rounds: int) -> None:
        self.out = out
        self.rounds = rounds
        self.cold_rounds = cold_rounds
        self.figures: list[Figure] = []
        self.notes: list[str] = []
        self.rss: list[tuple[str, str, list[Run]]] = []
        self.edits: list[dict] = []
        self.counter = 0

    def log(self, name: str) -> Path:
        self.counter += 1
        (self.out / "logs").mkdir(parents=True, exist_ok=True)
        return self.out / "logs" / f"{self.counter:03d}-{name}.log"

    def build(self, config: Path, enabled: bool, name: str, **extra: str) -> Run:
        """`python -m mkdocs build -q`, which also notes its own peak RSS on exit."""
        site_dir = self.out / "site" / config.parent.name
        rss_file = self.out / "own-rss"
        rss_file.unlink(missing_ok=True)
        run = spawn([PYTHON, "-c", MKDOCS_NOTING_RSS, str(rss_file), "build", "-q", "-f", str(config),
                     "-d", str(site_dir)],
                    self.log(name), environment(GOVERIFY_ENABLED="true" if enabled else "false", **extra))
        with contextlib.suppress(OSError, ValueError):  # a crashed build writes none
            run.own_rss_kb = int(rss_file.read_text())
        status = "" if run.returncode == 0 else f"  exit {run.returncode}: {run.log}"
        print(f"  {name:<40} {run.seconds:7.2f} s  CPU {run.cpu:6.1f} s  RSS {run.own_rss_kb / 1024:4.0f} MiB "
              f"(largest process {run.rss_kb / 1024:4.0f} MiB){status}", flush=True)
        return run

    def alternate(self, figure: Figure, a, b, rounds: int) -> Figure:
        for _ in range(rounds):
            figure.a.append(a())
            figure.b.append(b())
            figure.load.append(os.getloadavg()[0])
        self.figures.append(figure)
        return figure

    # --- the repo's site ------------------------------------------------------------------------------------

    def repo_site(self) -> None:
        config = REPO / "mkdocs.yml"
        if config.is_file() and (REPO / "docs" / "index.md").is_file():
            label = "repo site"
            root = self.copy_repo()
            config = root / "mkdocs.yml"
        else:
            label = "article (fallback)"
            root = self.out / "article"
            shutil.rmtree(root, ignore_errors=True)
            (root / "docs").mkdir(parents=True)
            shutil.copy(ARTICLE, root / "docs" / "index.md")
            config = root / "mkdocs.yml"
            config.write_text(sites.mkdocs_yml("escape analysis", ARTICLE_VERSIONS), encoding="utf-8")
            self.notes.append(f"no repo site (mkdocs.yml, docs/index.md) yet: the first rows build "
                              f"{ARTICLE.name} alone on Go {', '.join(ARTICLE_VERSIONS)} (where it holds)")
        print(f"{label}: {config}", flush=True)
        self.build(config, True, "repo-fill-cache")
        warm = self.alternate(
            Figure(label, "warm build vs disabled", "warm", "disabled", 1.10),
            lambda: self.build(config, True, "repo-warm"),
            lambda: self.build(config, False, "repo-disabled"),
            self.rounds,
        )
        self.rss.append((label, "warm / disabled", [warm.a[-1], warm.b[-1]]))
        self.edit(label, config)

    def copy_repo(self) -> Path:
        """The repo's site in a folder of its own (its docs may be edited), sharing the repo's caches."""
        root = self.out / "repo"
        shutil.rmtree(root, ignore_errors=True)
        # Not tests/: pytest collects under tests/, and this copy lives in tests/bench/out/.
        skip = shutil.ignore_patterns(".git", ".venv", ".cache", "site", "dist", "tests", "plugins", "__pycache__",
                                      "*.egg-info")
        shutil.copytree(REPO, root, ignore=skip, symlinks=True)
        sys.path.insert(0, str(REPO / "plugins"))
        from goverify.config import load

        _, settings, _, _ = load(REPO / "mkdocs.yml")
        cache = settings.cache_dir or REPO / ".cache" / "goverify"
        copy = root / cache.relative_to(REPO)
        copy.mkdir(parents=True)
        if (cache / "runs").is_dir():
            shutil.copytree(cache / "runs", copy / "runs", copy_function=os.link)
        if (cache / "toolchains.json").is_file():
            shutil.copy(cache / "toolchains.json", copy / "toolchains.json")
        (cache / "gocache").mkdir(parents=True, exist_ok=True)
        (copy / "gocache").symlink_to(cache / "gocache")
        return root

    # --- serve-like rebuild after an edit -------------------------------------------------------------------

    def edit(self, label: str, config: Path) -> None:
        """Build as `mkdocs serve` does, append a comment to one example, rebuild; count the compiles."""
        page = example_file(config.parent)
        if page is None:
            self.notes.append(f"{label}: no example to edit")
            return
        log = self.log("serve-edit")
        run = spawn([PYTHON, str(Path(__file__).resolve()), "--probe", str(config), str(page)], log,
                    environment(GOVERIFY_ENABLED="true"))
        try:
            result = json.loads(log.read_text("utf-8").strip().splitlines()[-1])
        except (ValueError, IndexError):
            result = {"error": f"probe failed (exit {run.returncode}): {log}"}
        result.update(site=label, page=str(page.relative_to(config.parent)))
        self.edits.append(result)
        print(f"  serve-like edit: {result}", flush=True)

    # --- synthetic sites ------------------------------------------------------------------------------------

    def synthetic(self, pages: int, examples: int, cold_rounds: int, targets: bool) -> None:
        """The cold target is for 40 × 5; the warm one (the engine's own work per example) for 40 × 5 and 200 × 10;
        other scales show how the cost grows."""
        count = pages * examples
        label = f"{pages}×{examples} ({count} compiles)"
        config = sites.write_site(self.out / f"synth-{pages}x{examples}", pages, examples, [GO_VERSION])
        folders = sites.write_hand_dirs(self.out / f"hand-{pages}x{examples}", count)
        print(f"{label}: {config}", flush=True)
        cache = config.parent / ".cache"

        def cold() -> Run:
            shutil.rmtree(cache, ignore_errors=True)  # goverify's cache, its GOCACHE, toolchain identities
            return self.build(config, True, f"synth-{pages}x{examples}-cold")

        cold_figure = self.alternate(
            Figure(label, "cold build vs go build by hand", "cold", "by hand", 0.50 if targets else None,
                   cpu_target=0.70 if targets else None),
            cold, lambda: self.by_hand(folders, f"hand-{pages}x{examples}"), cold_rounds,
        )
        warm = self.alternate(
            Figure(label, "warm build vs disabled", "warm", "disabled",
                   1.10 if targets or (pages, examples) == (200, 10) else None),
            lambda: self.build(config, True, f"synth-{pages}x{examples}-warm"),
            lambda: self.build(config, False, f"synth-{pages}x{examples}-disabled"),
            self.rounds,
        )
        self.rss.append((label, "cold / warm / disabled", [cold_figure.a[-1], warm.a[-1], warm.b[-1]]))
        self.edit(label, config)

    def by_hand(self, folders: list[Path], name: str) -> Run:
        """`go build -gcflags="-m -l" main.go` in each folder, one after another, from a cold GOCACHE."""
        go = self.go(GO_VERSION)
        home = self.hand_home()
        for folder in folders:
            (folder / "main").unlink(missing_ok=True)
        env = self.hand_env(go, home)
        return self.one_after_another(name, [([str(go), "build", "-gcflags=-m -l", "main.go"], folder, env)
                                             for folder in folders])

    def one_after_another(self, name: str, commands: list[tuple[list[str], Path, dict[str, str]]]) -> Run:
        """Each command (argv, folder, environment) run natively as typed by hand, one after another: the wall time
        of the loop and the CPU of its children."""
        log = self.log(name)
        failed = 0
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with open(log, "wb") as out:
            started = time.perf_counter()
            for argv, folder, env in commands:
                done = subprocess.run(argv, cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                      stderr=subprocess.STDOUT, check=False)
                failed += done.returncode != 0
            seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        print(f"  {name:<40} {seconds:7.2f} s  CPU {cpu:6.1f} s{f'  {failed} failed' if failed else ''}",
              flush=True)
        return Run(seconds, 0, 1 if failed else 0, log, cpu)

    # --- the run stage: programs and benchmarks run in the sandbox -------------------------------------------

    def run_stage(self, programs: int, benchmarks: int, cold_rounds: int) -> None:
        """A page of `programs` runnable programs and `benchmarks` benchmarks on RUN_VERSIONS, cold (goverify's cache
        empty) against the same `go run main.go` and `go test -bench . -benchmem` typed by hand in each folder,
        release after release (target ≤ 1.0× wall, issue 24), twice: with Go's build cache holding the standard
        library on both sides, as a Go user's has (each side's warmed by running other programs of the same imports
        on the same releases: the target), and with it empty on both sides (both compile the standard library:
        goverify for wasip1 and for the host). Then warm against disabled (≤ 1.10×)."""
        label = f"run stage {programs}+{benchmarks} on {len(RUN_VERSIONS)} releases"
        config = sites.write_run_site(self.out / f"run-{programs}+{benchmarks}", programs, benchmarks, RUN_VERSIONS)
        folders = sites.write_run_hand_dirs(self.out / f"run-hand-{programs}+{benchmarks}", programs, benchmarks)
        print(f"{label}: {config}", flush=True)
        cache = config.parent / ".cache"
        warmed = self.warm_gocaches(programs, benchmarks)
        gocache = self.out / "run-gocache"

        def cold(warm: bool) -> Run:
            shutil.rmtree(cache, ignore_errors=True)  # results, programs built, compiled modules (and GOCACHE)
            if not warm:
                return self.build(config, True, "run-cold-empty-gocache")
            restore(warmed["goverify"], gocache)
            return self.build(config, True, "run-cold", GOVERIFY_GOCACHE=str(gocache))

        def by_hand(warm: bool) -> Run:
            home = self.hand_home()
            if warm:
                restore(warmed["hand"], home / "gocache")
            return self.by_hand_runs(folders, "run-hand" if warm else "run-hand-empty-gocache", home)

        cold_figure = self.alternate(
            Figure(label, "cold build vs go run / go test -bench by hand, standard library in GOCACHE", "cold",
                   "by hand", 1.0),
            lambda: cold(True), lambda: by_hand(True), cold_rounds,
        )
        self.alternate(
            Figure(label, "cold build vs go run / go test -bench by hand, empty GOCACHE", "cold", "by hand", None),
            lambda: cold(False), lambda: by_hand(False), max(1, cold_rounds - 2),
        )
        warm = self.alternate(
            Figure(label, "warm build vs disabled", "warm", "disabled", 1.10),
            lambda: self.build(config, True, "run-warm"),
            lambda: self.build(config, False, "run-disabled"),
            self.rounds,
        )
        self.rss.append((label, "cold / warm / disabled", [cold_figure.a[-1], warm.a[-1], warm.b[-1]]))

    def warm_gocaches(self, programs: int, benchmarks: int) -> dict[str, Path]:
        """Go build caches holding what a Go user's holds: the standard library compiled by running other programs
        of the same imports (the page's n-th program and benchmark for n past the page's), on RUN_VERSIONS. One
        from goverify (a site of those, its GOCACHE kept, the rest of its cache dropped), one from the go command
        by hand."""
        root = self.out / "run-warmup"
        first = programs + benchmarks  # programs and benchmarks not on the page
        site = sites.write_run_site(root / "site", 1, 1, RUN_VERSIONS, first)
        goverify = root / "gocache-goverify"
        shutil.rmtree(goverify, ignore_errors=True)
        warm_up = self.build(site, True, "run-warmup-goverify", GOVERIFY_GOCACHE=str(goverify))
        folders = sites.write_run_hand_dirs(root / "hand", 1, 1, first)
        home = self.hand_home()
        hand = self.by_hand_runs(folders, "run-warmup-hand", home)
        shutil.rmtree(root / "gocache-hand", ignore_errors=True)
        shutil.move(home / "gocache", root / "gocache-hand")
        if warm_up.returncode or hand.returncode:
            self.notes.append(f"the run stage's warm-up failed: {warm_up.log}, {hand.log}")
        return {"goverify": goverify, "hand": root / "gocache-hand"}

    def by_hand_runs(self, folders: list[tuple[Path, list[str]]], name: str, home: Path) -> Run:
        """Each folder's command (`go run main.go`, `go test -bench . -benchmem`), one after another, on each of
        RUN_VERSIONS, natively (trusted programs: the bench's own), with `home`'s GOCACHE."""
        commands = []
        for version in RUN_VERSIONS:
            go = self.go(version)
            env = self.hand_env(go, home)
            commands += [([str(go), *argv[1:]], folder, env) for folder, argv in folders]
        return self.one_after_another(name, commands)

    def go(self, version: str) -> Path:
        sys.path.insert(0, str(REPO / "plugins"))
        from goverify.toolchains import resolve

        return resolve(version).go

    def hand_home(self) -> Path:
        """A private HOME with an empty GOCACHE, Go telemetry off (as goverify's runs have it: no detached telemetry
        child per command)."""
        home = self.out / "hand-home"
        shutil.rmtree(home, ignore_errors=True)
        (home / ".config" / "go" / "telemetry").mkdir(parents=True)
        (home / ".config" / "go" / "telemetry" / "mode").write_text("off", encoding="utf-8")
        return home

    @staticmethod
    def hand_env(go: Path, home: Path) -> dict[str, str]:
        return {
            "PATH": f"{go.parent}:/usr/bin:/bin", "HOME": str(home), "GOCACHE": str(home / "gocache"),
            "GOPATH": str(home / "go"), "GOTOOLCHAIN": "local", "GOPROXY": "off", "GOFLAGS": "",
            "GOENV": "off", "GOTELEMETRY": "off", "CGO_ENABLED": "0", "LANG": "C",
        }

    # --- the table ------------------------------------------------------------------------------------------

    def table(self) -> str:
        rows = [
            "| site | figure | goverify | baseline | ratio | CPU ratio | target | |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for f in self.figures:
            targets = [*([f"≤ {f.target:.2f}×"] if f.target is not None else []),
                       *([f"CPU ≤ {f.cpu_target:.2f}×"] if f.cpu_target is not None else [])]
            rows.append(
                f"| {f.site} | {f.what} (median of {len(f.a)}, load {min(f.load):.1f}–{max(f.load):.1f}) | "
                f"{f.a_name} {f.a_median:.2f} s "
                f"(CPU {f.a_cpu:.1f} s) | {f.b_name} {f.b_median:.2f} s (CPU {f.b_cpu:.1f} s) | {f.ratio:.2f}× | "
                f"{f.cpu_ratio:.2f}× | {', '.join(targets)} | {f.verdict} |"
            )
        for e in self.edits:
            if "error" in e:
                rows.append(f"| {e['site']} | edit one example, rebuild | {e['error']} | | | | | FAILED |")
                continue
            only = e["compiles"] == e["of_the_edited_example"] and e["releases_compiled"] == e["releases"]
            extra = e["compiles"] - len(e["releases"])
            rows.append(
                f"| {e['site']} | edit one example, serve-like rebuild | {e['compiles']} go runs, all of that "
                f"example{'' if e['compiles'] == e['of_the_edited_example'] else ' (NOT)'}, "
                f"{e['rebuild_seconds']:.2f} s | {len(e['releases'])} release(s)"
                f"{f' + {extra} `-m=2` reasons run' if extra > 0 else ''} | | | that example on each release | "
                f"{'holds' if only else 'MISSED'} |"
            )
        for site, what, runs in self.rss:
            own = " / ".join(f"{r.own_rss_kb / 1024:.0f}" for r in runs)
            tree = " / ".join(f"{r.rss_kb / 1024:.0f}" for r in runs)
            rows.append(f"| {site} | peak RSS, {what} | mkdocs {own} MiB | largest process {tree} MiB | | | | |")
        return "\n".join(rows)


def restore(pristine: Path, target: Path) -> None:
    """`target` made a copy of `pristine` (a Go build cache), so that every round starts from the same one."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(pristine, target, symlinks=True)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        line = next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal"))
        kb = int(line.split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        memory = "unknown memory"
    return (f"{os.cpu_count()} cores (nproc), {cpu}, {memory} RAM, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def example_file(root: Path) -> Path | None:
    """A file holding an example: a snippet a page includes, else a page with a ```go block."""
    pages = sorted((root / "docs").rglob("*.md"))
    texts = "\n".join(p.read_text("utf-8") for p in pages)
    for snippet in sorted((root / "snippets").rglob("*.go")):
        if snippet.name in texts and snippet.read_text("utf-8").startswith("package "):
            return snippet
    return next((p for p in pages if "```go\npackage " in p.read_text("utf-8")), None)


def edited(text: str, mark: str) -> str:
    """The same example with one more comment line at its end: a new source whose diagnostics do not move."""
    if text.startswith("package "):
        return f"{text.rstrip()}\n\n{mark}\n"
    start = text.index("```go\npackage ")
    close = text.index("\n```", start + 6)
    return f"{text[:close]}\n\n{mark}{text[close:]}"


def probe(config_file: str, page: str) -> None:
    """Child process: a `mkdocs serve` session in miniature; prints one JSON line."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = str(Path(config_file).parent / "site-serve")
    serve_url = "http://127.0.0.1:8000/"

    def get_config():
        config = load_config(config_file=config_file, site_dir=site_dir)
        config.site_url = serve_url
        return config

    from goverify import runner

    compiled: list[tuple[str, str]] = []  # (release, source) of every go command run
    run_job = runner.run_job

    def counting(job, *args, **kwargs):
        compiled.append((str(job.toolchain.version), job.source))
        return run_job(job, *args, **kwargs)

    runner.run_job = counting
    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url=serve_url)
    plugin = config.plugins["goverify"]
    first = len(compiled)
    releases = sorted(str(t.version) for t in plugin.build.engine.matrix)
    path = Path(page)
    mark = f"// edited {time.time_ns()}"
    path.write_text(edited(path.read_text("utf-8"), mark), "utf-8")
    del compiled[:]
    started = time.perf_counter()
    config = get_config()
    build(config, serve_url=serve_url)
    seconds = time.perf_counter() - started
    ran = config.plugins["goverify"].build.engine.runner.ran
    config.plugins.on_shutdown()
    print(json.dumps({
        "first_build_compiles": first,
        "compiles": len(compiled),
        "of_the_edited_example": sum(mark in source for _, source in compiled),
        "releases": releases,
        "releases_compiled": sorted({version for version, source in compiled if mark in source}),
        "engine_ran": ran,
        "rebuild_seconds": round(seconds, 3),
    }))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", action="append", metavar="PAGESxEXAMPLES",
                        help="synthetic site size, repeatable (default: 40x5 and 200x10)")
    parser.add_argument("--rounds", type=int, default=5, help="A/B rounds of each warm figure (default 5)")
    parser.add_argument("--cold-rounds", type=int, default=3,
                        help="A/B rounds of cold vs by hand on the first scale (default 3; 1 on larger ones)")
    parser.add_argument("--quick", action="store_true", help="40x5 only, 3 warm rounds, 1 cold round")
    parser.add_argument("--no-repo", action="store_true", help="skip the repo's own site")
    parser.add_argument("--no-run", action="store_true", help="skip the run stage's page")
    parser.add_argument("--run-only", action="store_true", help="the run stage's page only")
    parser.add_argument("--run-page", default="10+10", metavar="PROGRAMS+BENCHMARKS",
                        help="the run stage's page (default 10+10)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--probe", nargs=2, metavar=("CONFIG", "PAGE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe(*args.probe)
        return 0
    scales = args.scale or (["40x5"] if args.quick else ["40x5", "200x10"])
    rounds, cold_rounds = (3, 1) if args.quick else (args.rounds, args.cold_rounds)
    args.out.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(args.out / "logs", ignore_errors=True)
    bench = Bench(args.out.resolve(), rounds, cold_rounds)
    started = time.perf_counter()
    print(f"machine: {machine()}", flush=True)
    if not args.no_repo and not args.run_only:
        bench.repo_site()
    for i, scale in enumerate([] if args.run_only else scales):
        pages, examples = (int(x) for x in scale.lower().split("x"))
        bench.synthetic(pages, examples, cold_rounds if i == 0 else 1, (pages, examples) == (40, 5))
    if not args.no_run:
        programs, benchmarks = (int(x) for x in args.run_page.split("+"))
        bench.run_stage(programs, benchmarks, cold_rounds)
    table = bench.table()
    text = f"Machine: {machine()}. Go {GO_VERSION} for the synthetic sites. " \
           f"Total {time.perf_counter() - started:.0f} s.\n\n{table}\n"
    text += "".join(f"\nNote: {n}" for n in bench.notes)
    print("\n" + text)
    (bench.out / "results.md").write_text(text, encoding="utf-8")
    data = {
        "machine": machine(),
        "figures": [{"site": f.site, "what": f.what, "a": [r.seconds for r in f.a],
                     "b": [r.seconds for r in f.b], "a_rss_kb": [r.rss_kb for r in f.a],
                     "b_rss_kb": [r.rss_kb for r in f.b], "a_cpu": [r.cpu for r in f.a],
                     "b_cpu": [r.cpu for r in f.b], "ratio": f.ratio, "target": f.target,
                     "cpu_ratio": f.cpu_ratio, "cpu_target": f.cpu_target,
                     "verdict": f.verdict, "load": f.load} for f in bench.figures],
        "edits": bench.edits,
    }
    (bench.out / "results.json").write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return 1 if any(f.failed for f in bench.figures) else 0


if __name__ == "__main__":
    sys.exit(main())
