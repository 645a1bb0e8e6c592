"""Shared helpers: one way to write a site, real MkDocs builds in-process, the CLI in-process or as a process.

Builds run in this process with MkDocs' own `load_config` and `build` (as MkDocs' tests do), their log lines caught;
a subprocess is started only where the process itself is what a test proves (exit status of the real command,
the hermetic environment, concurrent builds, the fresh clone).
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _shared() -> Path:
    """../shared beside the repository; for a git worktree, beside the repository it belongs to; for a clone of a
    local checkout (CI's clean clone), beside its origin."""
    here = REPO.parent / "shared"
    if here.is_dir():
        return here
    common = subprocess.run(["git", "rev-parse", "--path-format=absolute", "--git-common-dir"], cwd=REPO,
                            capture_output=True, text=True).stdout.strip()
    if common and (Path(common).parent.parent / "shared").is_dir():
        return Path(common).parent.parent / "shared"
    origin = subprocess.run(["git", "config", "--get", "remote.origin.url"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip()
    if origin and Path(origin).is_dir():
        return Path(origin).resolve().parent / "shared"
    return here


SHARED = _shared()
# Go's own build cache is shared by the tests (goverify's result cache is not): compiling the runtime once per
# toolchain instead of once per test keeps the suite within CI's budget.
os.environ.setdefault("GOVERIFY_GOCACHE", str(REPO / ".cache" / "test-gocache"))
for _name in ("GOVERIFY_GO_VERSIONS", "GOVERIFY_ENABLED", "GOVERIFY_RESULTS", "GOVERIFY_TOOLCHAINS"):
    os.environ.pop(_name, None)
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

BASE_CONFIG = """\
site_name: test
use_directory_urls: false
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.snippets:
      base_path: [snippets]
"""


# A Hugo post as its author writes it: TOML front matter, the command stated once in the prose, a highlight shortcode.
# Its one false claim (`m` is returned by value) is at line HUGO_POST_FALSE; everything else holds.
HUGO_POST = """\
+++
title = "Escape analysis"
+++

Every example here is built with `go build -gcflags="-m -l" main.go`.

{{< highlight go >}}
package main

func f() *int {
	n := 0 // moved to heap: n
	return &n
}

func g() int {
	m := 0 // moved to heap: m
	return m
}

func main() { _, _ = f(), g() }
{{< /highlight >}}
"""
HUGO_POST_FALSE = 16
HUGO_POST_HOLDS = HUGO_POST.replace(" // moved to heap: m", "")


def write_site(root: Path, pages: dict[str, str | bytes], plugin: str = "  - goverify", extra: str = "",
               snippets: dict[str, str] | None = None) -> Path:
    """docs/NAME for each page (str: dedented; bytes: as is), snippets/NAME, and a mkdocs.yml."""
    (root / "docs").mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        target = root / "docs" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    for name, text in (snippets or {}).items():
        target = root / "snippets" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (root / "mkdocs.yml").write_text(BASE_CONFIG + extra + "plugins:\n" + plugin + "\n", encoding="utf-8")
    return root


def plugin(**options: object) -> str:
    """`  - goverify:` with options, as YAML (lists and strings written as JSON, which YAML reads)."""
    import json

    if not options:
        return "  - goverify"
    return "  - goverify:\n" + "".join(f"      {k}: {json.dumps(v)}\n" for k, v in options.items())


def share_results(root: Path) -> None:
    """Let a test site use the results the other builds of the repository's own site made (goverify's result cache
    is content-addressed and safe to share: the same example, command and toolchain give the same run)."""
    shared = REPO / ".cache" / "test-runs"
    shared.mkdir(parents=True, exist_ok=True)
    (root / ".cache" / "goverify").mkdir(parents=True, exist_ok=True)
    (root / ".cache" / "goverify" / "runs").symlink_to(shared)


@dataclass
class Build:
    root: Path
    returncode: int
    log: str

    def page(self, name: str = "index.html") -> str:
        return (self.root / "site" / name).read_text(encoding="utf-8")

    @property
    def log_lines(self) -> list[str]:
        return self.log.splitlines()


class _Catch(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname}: {record.getMessage()}")


def build(root: Path, *, strict: bool = False, serve: bool = False, env: dict[str, str] | None = None,
          debug: bool = False) -> Build:
    """`mkdocs build` of root/mkdocs.yml in this process: exit status as the command would give it, and every log
    line as `LEVEL: message` (goverify's multi-line messages as separate lines)."""
    from mkdocs import exceptions
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    catch = _Catch()
    catch.setLevel(logging.DEBUG if debug else logging.INFO)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(catch)
    old_level = logger.level
    logger.setLevel(logging.DEBUG if debug else logging.INFO)
    saved = {k: os.environ.get(k) for k in (env or {})}
    os.environ.update(env or {})
    cwd = os.getcwd()
    code = 0
    try:
        os.chdir(root)
        config = load_config(str(root / "mkdocs.yml"), strict=strict)
        config.plugins.on_startup(command="serve" if serve else "build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
    except exceptions.Abort as exc:
        catch.lines.append(f"ABORT: {exc}")
        code = 1
    except exceptions.ConfigurationError as exc:
        catch.lines.append(f"CONFIG: {exc}")
        code = 1
    finally:
        os.chdir(cwd)
        logger.removeHandler(catch)
        logger.setLevel(old_level)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return Build(root, code, "\n".join(line for entry in catch.lines for line in entry.splitlines()))


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def cli(*args: str, cwd: Path) -> Run:
    """`goverify ARGS` in this process (its exit status, stdout and stderr)."""
    from goverify.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    try:
        os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse
                code = int(exc.code or 0)
    finally:
        os.chdir(here)
    return Run(code, out.getvalue(), err.getvalue())


def cli_process(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`goverify ARGS` as its own process: for what only a process shows (exit status, environment, stderr)."""
    return subprocess.run([sys.executable, "-m", "goverify.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **(env or {})})


def mkdocs_process(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", *args], cwd=root, capture_output=True,
                          text=True, timeout=600, env={**os.environ, **(env or {})})


@pytest.fixture
def site(tmp_path: Path):
    """Write a site and build it in-process: site(pages, plugin=..., snippets=..., strict=...) -> Build."""

    def make(pages: dict[str, str], plugin: str = "  - goverify", extra: str = "",
             snippets: dict[str, str] | None = None, strict: bool = False, serve: bool = False) -> Build:
        write_site(tmp_path, pages, plugin, extra, snippets)
        return build(tmp_path, strict=strict, serve=serve)

    return make


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    """Tables a test records (`record_property("...-table", text)`), printed after the run, from any worker."""
    for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", []):
        for name, value in getattr(report, "user_properties", []):
            if name.endswith("-table") and report.when == "call":
                terminalreporter.write_sep("-", name)
                terminalreporter.write_line(str(value))
