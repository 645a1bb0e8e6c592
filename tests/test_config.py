"""One configuration schema for both doors: a bad option is one line naming the option, the value and what is
expected, from `goverify check` (exit status 2) and from `mkdocs build` (a configuration error), before any
compile and without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build, cli, plugin, write_site
from releases import NEW

PAGE = "# x\n\n```go\npackage main\n\nfunc main() {}\n```\n"

BAD = [
    ("timeout: soon", "timeout", "expected a number greater than 0 (seconds one command may run), got 'soon'"),
    ("timeout: -1", "timeout", "expected a number greater than 0 (seconds one command may run), got -1"),
    ("timeout: 0", "timeout", "expected a number greater than 0 (seconds one command may run), got 0"),
    ('go_versions: "1.27"', "go_versions",
     "expected a list of Go releases such as [\"1.24\", \"1.27.3\"], got '1.27'"),
    ('go_versions: ["1.x"]', "go_versions",
     "expected Go releases such as \"1.27\", \"1.27.3\", \"default\" or a path to a go binary, got '1.x'"),
    ("jobs: -3", "jobs", "expected a whole number of at least 1 (parallel compiles), got -3"),
    ("jobs: 0", "jobs", "expected a whole number of at least 1 (parallel compiles), got 0"),
    ('command: "rm -rf /"', "command", "expected a compile-only go command, got 'rm -rf /': only go commands are run"),
    ('command: "go run main.go"', "command",
     "expected a compile-only go command, got 'go run main.go': `go run` runs the example (goverify runs code only "
     "in its sandbox, for an output block of its own; with -gcflags=-m it compiles it and compares the diagnostics)"),
    ("cache: yes please", "cache", "expected true or false, got 'yes please'"),
    ("cache_dir: 5", "cache_dir", "expected a folder, relative to mkdocs.yml, got 5"),
    ("matrix_page: [a]", "matrix_page", "expected a page name, such as go-releases.md, got ['a']"),
]


def _site(root: Path, option: str) -> Path:
    return write_site(root, {"index.md": PAGE}, plugin=f"  - goverify:\n      {option}")


@pytest.mark.parametrize(("option", "name", "message"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_option_is_one_line_from_both_doors(tmp_path: Path, option: str, name: str, message: str) -> None:
    root = _site(tmp_path, option)
    run = cli("check", cwd=root)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"goverify: mkdocs.yml: goverify option '{name}': {message}\n"
    done = build(root)
    assert done.returncode == 1
    assert "ABORT: Aborted with a configuration error!" in done.log_lines
    assert f"ERROR: Config value 'plugins': Plugin 'goverify' option '{name}': {message}" in done.log_lines
    assert not (root / ".cache").exists(), "something was compiled"


def test_the_cli_reads_env_tags_and_inherit_as_mkdocs_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "base.yml").write_text("plugins:\n  - goverify:\n      timeout: !ENV [GOVERIFY_TEST_TIMEOUT, 60]\n",
                                       encoding="utf-8")
    write_site(tmp_path, {"index.md": PAGE}, plugin="  - search")
    (tmp_path / "mkdocs.yml").write_text("INHERIT: base.yml\nsite_name: inherited\n", encoding="utf-8")
    monkeypatch.setenv("GOVERIFY_TEST_TIMEOUT", "soon")
    run = cli("check", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr == ("goverify: mkdocs.yml: goverify option 'timeout': expected a number greater than 0 "
                          "(seconds one command may run), got 'soon'\n")
    monkeypatch.setenv("GOVERIFY_TEST_TIMEOUT", "30")
    assert cli("check", cwd=tmp_path).returncode == 0


def test_a_config_file_that_is_not_yaml_or_missing_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("plugins: [goverify\n", encoding="utf-8")
    run = cli("check", cwd=tmp_path)
    assert run.returncode == 2 and run.stderr.startswith("goverify: mkdocs.yml: ") and run.stderr.count("\n") >= 1
    assert "Traceback" not in run.stderr
    missing = cli("check", "--config", "nope.yml", cwd=tmp_path)
    assert (missing.returncode, missing.stderr) == (2, "goverify: nope.yml: no such file\n")


def test_a_bad_timeout_on_the_command_line_is_refused(tmp_path: Path) -> None:
    run = cli("check", "--timeout", "-5", cwd=_site(tmp_path, "timeout: 5"))
    assert (run.returncode, run.stderr) == (2, "goverify: --timeout: expected a number greater than 0, got -5.0\n")


def test_the_schema_defaults_are_the_engines() -> None:
    """The CLI without a mkdocs.yml uses the engine's Settings defaults: they must be the schema's, and MkDocs'
    view of the schema the same."""
    from goverify.config import Options, validate
    from goverify.engine import Settings
    from goverify.mkdocs_config import GoVerifyConfig, options_of

    config = GoVerifyConfig()
    config.load_dict({})
    assert config.validate() == ([], [])
    assert options_of(config) == Options() == validate({}, Path("goverify.toml"))[0]
    engine = Settings(root=Path("/site"))
    assert (config.command, float(config.timeout), config.cache, config.reasons, config.go_versions,
            config.jobs or 0, Path("/site") / config.cache_dir) == (
        engine.command, engine.timeout, engine.cache, engine.reasons, engine.go_versions, engine.jobs,
        Path("/site") / ".cache" / "goverify")


INCLUDING = '# x\n\n```go\n--8<-- "moved.go"\n```\n'
MOVED = """\
package main

func f() *int {
	x := 0 // moved to heap: x
	return &x
}

func main() { _ = f() }
"""


def test_the_cli_finds_the_sites_mkdocs_yml_from_another_folder(tmp_path: Path) -> None:
    """`goverify check blog/docs` reads blog/mkdocs.yml, as the build does: its snippets, its go_versions."""
    site = write_site(tmp_path / "blog", {"index.md": INCLUDING}, plugin=plugin(go_versions=[NEW]),
                      snippets={"moved.go": MOVED})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    doors = {"a folder": (elsewhere, [str(site / "docs")]), "a page": (elsewhere, [str(site / "docs" / "index.md")]),
             "inside docs": (site / "docs", [])}
    for door, (cwd, paths) in doors.items():
        run = cli("check", *paths, cwd=cwd)
        assert run.returncode == 0, (door, run.stdout, run.stderr)
        assert f"goverify: options from {site / 'mkdocs.yml'}\n" in run.stderr, door
        assert "1 comment claim," in run.stdout + run.stderr, door
        assert f"on Go {NEW}" in run.stdout + run.stderr, door


def test_with_no_site_and_no_paths_the_cli_says_what_to_name(tmp_path: Path) -> None:
    run = cli("check", cwd=tmp_path)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == ("goverify: no such folder: docs (the pages checked when none are named: with no mkdocs.yml, "
                          "goverify.toml or [tool.goverify] here or above, name them, as in `goverify check "
                          "FILE_OR_FOLDER...`)\n")


# --- goverify.toml and [tool.goverify]: the same schema without MkDocs ---------------------------------------------

BAD_TOML = [
    ('timeout = "soon"', "timeout", "expected a number greater than 0 (seconds one command may run), got 'soon'"),
    ("timeout = -1", "timeout", "expected a number greater than 0 (seconds one command may run), got -1"),
    ("timeout = 0", "timeout", "expected a number greater than 0 (seconds one command may run), got 0"),
    ("enabled = \"no\"", "enabled", "expected true or false, got 'no'"),
    ('go_versions = "1.27"', "go_versions",
     "expected a list of Go releases such as [\"1.24\", \"1.27.3\"], got '1.27'"),
    ("go_versions = []", "go_versions", "expected a list of Go releases such as [\"1.24\", \"1.27.3\"], got []"),
    ('go_versions = ["1.x"]', "go_versions",
     "expected Go releases such as \"1.27\", \"1.27.3\", \"default\" or a path to a go binary, got '1.x'"),
    ("go_versions = [true]", "go_versions", "expected Go releases such as \"1.27\" or \"1.27.3\", got True in [True]"),
    ("jobs = -3", "jobs", "expected a whole number of at least 1 (parallel compiles), got -3"),
    ("jobs = 0", "jobs", "expected a whole number of at least 1 (parallel compiles), got 0"),
    ("jobs = 1.5", "jobs", "expected a whole number of at least 1 (parallel compiles), got 1.5"),
    ('command = "rm -rf /"', "command", "expected a compile-only go command, got 'rm -rf /': only go commands are run"),
    ('command = "go run main.go"', "command",
     "expected a compile-only go command, got 'go run main.go': `go run` runs the example (goverify runs code only "
     "in its sandbox, for an output block of its own; with -gcflags=-m it compiles it and compares the diagnostics)"),
    ("command = 3", "command", "expected a go command such as 'go build -gcflags=\"-m -l\" main.go', got 3"),
    ('cache = "yes please"', "cache", "expected true or false, got 'yes please'"),
    ("cache_dir = 5", "cache_dir", "expected a folder, relative to goverify.toml, got 5"),
    ("reasons = 1", "reasons", "expected true or false, got 1"),
    ("results = false", "results", "expected a folder of shard results, got False"),
    ("report = 2", "report", "expected a file name, such as goverify-report.json, got 2"),
    ('matrix_page = ["a"]', "matrix_page", "expected a page name, such as go-releases.md, got ['a']"),
    ("docs_dir = 3", "docs_dir", "expected a folder, relative to goverify.toml (the pages `goverify check` reads when "
                                 "none are named), got 3"),
]


@pytest.mark.parametrize(("option", "name", "message"), BAD_TOML, ids=[b[0] for b in BAD_TOML])
def test_a_bad_option_in_goverify_toml_is_the_same_one_line(tmp_path: Path, option: str, name: str,
                                                            message: str) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "goverify.toml").write_text(f"# options for goverify\n{option}\n", encoding="utf-8")
    run = cli("check", cwd=tmp_path)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == f"goverify: goverify.toml: goverify option '{name}': {message}\n"
    assert not (tmp_path / ".cache").exists(), "something was compiled"


def test_the_mkdocs_messages_are_the_goverify_toml_messages() -> None:
    """Every bad value of the mkdocs.yml table says the same in goverify.toml (where TOML can write it)."""
    toml_messages = {(name, message.replace("goverify.toml", "mkdocs.yml")) for _, name, message in BAD_TOML}
    assert {(name, message) for _, name, message in BAD} <= toml_messages


def test_goverify_toml_that_is_not_toml_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "goverify.toml").write_text('go_versions = ["1.27"]\ntimeout = = 3\n', encoding="utf-8")
    run = cli("check", cwd=tmp_path)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.startswith("goverify: goverify.toml: not valid TOML: ") and run.stderr.count("\n") == 1
    assert "(at line 2, column 11)" in run.stderr  # the line an author opens


def test_pyproject_tool_goverify_is_read_and_a_misspelt_option_is_said(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "blog"\n\n[tool.goverify]\ntimeout = "soon"\n',
                                             encoding="utf-8")
    run = cli("check", cwd=tmp_path)
    assert (run.returncode, run.stderr) == (2, "goverify: pyproject.toml: goverify option 'timeout': expected a "
                                               "number greater than 0 (seconds one command may run), got 'soon'\n")
    (tmp_path / "pyproject.toml").write_text(f'[tool.goverify]\ngo_version = ["{NEW}"]\ndocs_dir = "posts"\n',
                                             encoding="utf-8")
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "a.md").write_text("# nothing to check\n", encoding="utf-8")
    run = cli("check", cwd=tmp_path)  # a typo must not leave go_versions at "default" (whatever go is on PATH)
    assert (run.returncode, run.stdout) == (2, "")
    assert run.stderr == ("goverify: pyproject.toml: goverify option 'go_version' is not one goverify knows: did you "
                          "mean 'go_versions'?\n")
    (tmp_path / "pyproject.toml").write_text(f'[tool.goverify]\ngo_versions = ["{NEW}"]\ndocs_dir = "posts"\n',
                                             encoding="utf-8")
    run = cli("check", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "goverify: posts/a.md: 0 examples" in run.stdout


def test_which_configuration_is_read_when_a_folder_holds_several(tmp_path: Path) -> None:
    """In each folder: mkdocs.yml (what `mkdocs build` reads), else goverify.toml, else pyproject.toml with a
    [tool.goverify] table; the first folder that holds one, from the current folder, then the paths' and above."""
    def said(cwd: Path, *paths: str) -> str:
        return cli("check", *paths, cwd=cwd).stderr

    _site(tmp_path, "timeout: -1")
    (tmp_path / "goverify.toml").write_text("timeout = -2\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[tool.goverify]\ntimeout = -3\n", encoding="utf-8")
    assert "goverify: mkdocs.yml: goverify option 'timeout'" in said(tmp_path)
    (tmp_path / "mkdocs.yml").unlink()
    assert said(tmp_path).startswith("goverify: goverify.toml: goverify option 'timeout'")
    (tmp_path / "goverify.toml").unlink()
    assert said(tmp_path).startswith("goverify: pyproject.toml: goverify option 'timeout'")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")  # not goverify's
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = cli("check", str(tmp_path / "docs"), cwd=elsewhere)
    assert run.returncode == 0 and "options from" not in run.stderr
    (tmp_path / "goverify.toml").write_text(f'go_versions = ["{NEW}"]\n', encoding="utf-8")
    run = cli("check", str(tmp_path / "docs"), cwd=elsewhere)
    assert run.stderr == f"goverify: options from {tmp_path / 'goverify.toml'}\n"
    assert f"on Go {NEW}" in run.stdout
