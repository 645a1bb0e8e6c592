"""A light install: the package requires only what the CLI needs (the standard library, and wasmtime for the run
stage's sandbox, which is imported only in the sandbox's child process); MkDocs and
what the plugin uses are the `goverify[mkdocs]` extra, which this repository's `[site]` extra pulls in with its
theme. The wheel alone, in a fresh venv, runs `goverify --help` and `goverify check` on a post; where MkDocs is
needed and missing, one line says what to install."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import HUGO_POST, HUGO_POST_FALSE, REPO
from goverify.toolchains import installed

PACKAGE = REPO / "plugins" / "goverify"
# The plugin's own modules: the only ones that may import MkDocs (matrix.py builds the plugin's generated page).
MKDOCS_SIDE = {"plugin.py", "mkdocs_config.py", "matrix.py"}


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_the_package_requires_nothing_the_cli_does_not_need() -> None:
    project = _project()
    assert [r.split(">")[0] for r in project["dependencies"]] == ["wasmtime"]
    extras = project["optional-dependencies"]
    assert {r.split(">")[0].split("=")[0] for r in extras["mkdocs"]} == {"mkdocs", "pymdown-extensions", "markdown"}
    assert "goverify[mkdocs]" in extras["site"]  # `make site` and `make test` install `.[site,test]`
    assert any(r.startswith("mkdocs-material") for r in extras["site"])  # the theme is this site's, not goverify's
    assert not any(r.startswith("mkdocs-material") for r in extras["mkdocs"])


def test_only_the_plugins_modules_import_anything_but_the_standard_library() -> None:
    """What the CLI imports is what a light install has: the standard library and goverify itself (at a module's top
    level; config.py imports MkDocs only to read a mkdocs.yml, and says what to install when it is missing)."""
    for module in sorted(PACKAGE.glob("*.py")):
        if module.name in MKDOCS_SIDE:
            continue
        top = ast.parse(module.read_text(encoding="utf-8")).body
        names = {alias.name for node in top if isinstance(node, ast.Import) for alias in node.names}
        names |= {node.module for node in top if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module}
        outside = {n for n in names if n.split(".")[0] not in sys.stdlib_module_names | {"__future__"}}
        assert outside == set(), f"{module.name} imports {outside}"


def _run(argv: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVERIFY_", "PYTHON", "VIRTUAL_ENV"))}
    return subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def light(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding only goverify's wheel (built offline from a copy of the sources) and its declared
    dependencies (wasmtime, the wheel this venv has: downloaded once by pip, from its cache when it holds it)."""
    work = tmp_path_factory.mktemp("light")
    source = work / "source"
    shutil.copytree(REPO / "plugins", source / "plugins", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                  work / "wheels", source], cwd=work)
    assert built.returncode == 0, built.stdout + built.stderr
    [wheel] = (work / "wheels").glob("goverify-*.whl")
    runtime = importlib.metadata.version("wasmtime")
    fetched = _run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", work / "wheels",
                    f"wasmtime=={runtime}"], cwd=work)
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    venv = work / "venv"
    made = _run([sys.executable, "-m", "venv", venv], cwd=work)
    assert made.returncode == 0, made.stderr
    added = _run([venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-index", "--find-links",
                  work / "wheels", wheel], cwd=work)
    assert added.returncode == 0, added.stdout + added.stderr  # --no-index: it needs nothing else
    return venv


def test_the_light_venv_holds_no_mkdocs(light: Path) -> None:
    listed = _run([light / "bin" / "python", "-m", "pip", "list", "--format", "freeze"], cwd=light)
    names = {line.split("==")[0].lower() for line in listed.stdout.splitlines()}
    assert names - {"pip", "setuptools"} == {"goverify", "wasmtime"}  # what `python -m venv` puts in every venv aside
    assert _run([light / "bin" / "python", "-c", "import mkdocs"], cwd=light).returncode == 1


def test_the_wheel_alone_checks_a_post(light: Path, tmp_path: Path) -> None:
    versions = [str(version) for version, _ in installed()]
    if not versions:
        pytest.skip("no toolchain installed (`make test` installs them)")
    go = versions[-1]
    helped = _run([light / "bin" / "goverify", "--help"], cwd=tmp_path)
    assert helped.returncode == 0 and "check" in helped.stdout
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "post.md").write_text(HUGO_POST, encoding="utf-8")
    for args in (["--go", go], []):
        (tmp_path / "goverify.toml").write_text(f'docs_dir = "content"\ngo_versions = ["{go}"]\n', encoding="utf-8")
        run = _run([light / "bin" / "goverify", "check", *args], cwd=tmp_path)
        assert "Traceback" not in run.stderr
        located = [line for line in run.stdout.splitlines() if line.startswith("content/")]
        assert located == [f'content/post.md:{HUGO_POST_FALSE}: claim "moved to heap: m" holds on no release in its '
                           "scope"], \
            run.stdout + run.stderr
        assert run.returncode == 1
        assert run.stdout.splitlines()[-1].endswith(f"on Go {go}")


def test_where_mkdocs_is_needed_one_line_says_what_to_install(light: Path, tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("site_name: blog\nplugins:\n  - goverify\n", encoding="utf-8")
    run = _run([light / "bin" / "goverify", "check", "docs"], cwd=tmp_path)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == ("goverify: mkdocs.yml: reading a MkDocs configuration needs MkDocs, which is not installed: "
                          "pip install 'goverify[mkdocs]' (or keep goverify's options in goverify.toml)\n")
    imported = _run([light / "bin" / "python", "-c", "import goverify.plugin"], cwd=tmp_path)
    assert imported.returncode == 1
    assert imported.stderr.splitlines()[-1] == ("ImportError: goverify's MkDocs plugin needs MkDocs, which is not "
                                                "installed: pip install 'goverify[mkdocs]'")
