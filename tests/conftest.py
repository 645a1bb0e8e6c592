"""Shared fixtures: real toolchains, real MkDocs builds of small sites in temp dirs."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("GOVERIFY_TOOLCHAINS", str(REPO / ".cache" / "toolchains"))
# Go's own build cache is shared by the tests (goverify's result cache is not): compiling the runtime once
# per toolchain instead of once per test keeps the suite within CI's budget.
os.environ.setdefault("GOVERIFY_GOCACHE", str(REPO / ".cache" / "test-gocache"))
os.environ.pop("GOVERIFY_GO_VERSIONS", None)
os.environ.pop("GOVERIFY_ENABLED", None)

BASE_CONFIG = """\
site_name: test
use_directory_urls: false
markdown_extensions:
  - admonition
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.snippets:
      base_path: [snippets]
"""


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


def write_site(root: Path, pages: dict[str, str], plugin: str = "  - goverify", extra: str = "",
               snippets: dict[str, str] | None = None) -> Path:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    for name, text in pages.items():
        target = root / "docs" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    for name, text in (snippets or {}).items():
        target = root / "snippets" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (root / "mkdocs.yml").write_text(BASE_CONFIG + extra + "plugins:\n" + plugin + "\n", encoding="utf-8")
    return root


def mkdocs_build(root: Path, *args: str, env: dict[str, str] | None = None) -> Build:
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=root, capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})},
    )
    return Build(root, run.returncode, run.stdout + run.stderr)


def goverify(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "goverify.cli", *args],
        cwd=cwd, capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})},
    )


@pytest.fixture
def site(tmp_path: Path):
    """Write a site and build it: site(pages, plugin=..., snippets=...) -> Build."""

    def make(pages: dict[str, str], plugin: str = "  - goverify", extra: str = "",
             snippets: dict[str, str] | None = None, args: tuple[str, ...] = ()) -> Build:
        write_site(tmp_path, pages, plugin, extra, snippets)
        return mkdocs_build(tmp_path, *args)

    return make
