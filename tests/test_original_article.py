"""The author's original article, uncorrected: exactly these places are false on Go 1.27, each at its own line."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, build, cli, plugin, write_site
from releases import NEW, OLD

ORIGINAL = REPO / "tests" / "fixtures" / "original-article.zh.md"
COMMAND = '(`go build -gcflags="-m -l" main.go`)'

# (line, start of the message): each a statement of the 2020 article that Go 1.27 disproves.
FALSE_ON_GO_1_27 = [
    (168, 'claim "myType{} escapes to heap" holds on no release in its scope'),
    (175, f"Go {NEW} no longer prints this line {COMMAND}: ./main.go:13:2: myType{{}} escapes to heap"),
    (188, 'claim "s escapes to heap" holds on no release in its scope'),
    (196, f"Go {NEW} no longer prints this line {COMMAND}: ./main.go:7:13: s escapes to heap"),
    (216, f"Go {NEW} no longer prints this line {COMMAND}: ./main.go:5:7: str does not escape"),
    (297, 'claim "make([]int, l) escapes to heap" holds on no release in its scope'),
    (304, f"Go {NEW} no longer prints this line {COMMAND}: ./main.go:5:11: make([]int, l) escapes to heap"),
]


def _located(lines: list[str], path: str) -> list[tuple[int, str]]:
    found = []
    for line in lines:
        if line.startswith(path + ":"):
            number, message = line[len(path) + 1:].split(": ", 1)
            found.append((int(number), message))
    return found


def test_the_cli_finds_every_false_statement(tmp_path: Path) -> None:
    shutil.copy(ORIGINAL, tmp_path / "article.md")
    run = cli("check", "--go", NEW, "article.md", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    assert _located(run.stdout.splitlines(), "article.md") == FALSE_ON_GO_1_27
    # A constant local reported by its value since Go 1.25: said, with what the compiler prints now.
    assert ("    written in an older compiler's words: since Go 1.25, a local that only ever holds a constant is "
            f'reported by its value; Go {NEW} prints: "Escape" escapes to heap') in run.stdout.splitlines()


def test_the_site_build_finds_the_same_places_front_matter_counted(tmp_path: Path) -> None:
    write_site(tmp_path, {"index.md": ORIGINAL.read_text(encoding="utf-8")}, plugin=plugin(go_versions=[NEW]))
    done = build(tmp_path)
    assert done.returncode == 1
    assert _located(done.log_lines, "docs/index.md") == FALSE_ON_GO_1_27


def test_on_go_1_24_the_original_article_holds(tmp_path: Path) -> None:
    """The article was true when written: every claim and output line holds on an older release."""
    shutil.copy(ORIGINAL, tmp_path / "article.md")
    run = cli("check", "--go", OLD, "article.md", cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    assert _located(run.stdout.splitlines(), "article.md") == []
    assert f"0 disagreements on Go {OLD}" in run.stdout


def test_on_both_releases_each_false_line_says_which_release_still_prints_it(tmp_path: Path) -> None:
    shutil.copy(ORIGINAL, tmp_path / "article.md")
    run = cli("check", "--go", OLD, "--go", NEW, "article.md", cwd=tmp_path)
    assert run.returncode == 1
    assert [n for n, _ in _located(run.stdout.splitlines(), "article.md")] == [n for n, _ in FALSE_ON_GO_1_27]
    assert run.stdout.count(f"    Go {OLD} still prints it") == 4
