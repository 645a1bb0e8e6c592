"""The author's original article, uncorrected: exactly these places are false on Go 1.27."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import REPO, goverify, mkdocs_build, write_site

ORIGINAL = REPO / "tests" / "fixtures" / "original-article.zh.md"

# (line, start of the message): each a statement of the 2020 article that Go 1.27 disproves.
FALSE_ON_GO_1_27 = [
    (168, 'claim "myType{} escapes to heap" holds on no release in its scope'),
    (173, "output block disagrees with Go 1.27.3"),  # ./main.go:13:2: myType{} escapes to heap
    (188, 'claim "s escapes to heap" holds on no release in its scope'),
    (193, "output block disagrees with Go 1.27.3"),  # ./main.go:7:13: s escapes to heap
    (213, "output block disagrees with Go 1.27.3"),  # ./main.go:5:7: str does not escape
    (297, 'claim "make([]int, l) escapes to heap" holds on no release in its scope'),
    (302, "output block disagrees with Go 1.27.3"),  # ./main.go:5:11: make([]int, l) escapes to heap
]


def _located(lines: list[str], path: str) -> list[tuple[int, str]]:
    found = []
    for line in lines:
        if line.startswith(path + ":"):
            number, message = line[len(path) + 1 :].split(": ", 1)
            found.append((int(number), message))
    return found


def _matches(found: list[tuple[int, str]]) -> bool:
    return len(found) == len(FALSE_ON_GO_1_27) and all(
        line == want_line and message.startswith(want) for (line, message), (want_line, want) in
        zip(found, FALSE_ON_GO_1_27, strict=True))


def test_the_cli_finds_every_false_statement(tmp_path: Path) -> None:
    article = tmp_path / "article.md"
    shutil.copy(ORIGINAL, article)
    run = goverify("check", "--go", "1.27.3", "article.md", cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    found = _located(run.stdout.splitlines(), "article.md")
    assert _matches(found), found
    assert "    missing: ./main.go:5:7: str does not escape" in run.stdout.splitlines()


def test_the_site_build_finds_the_same_places_front_matter_counted(tmp_path: Path) -> None:
    write_site(tmp_path, {"index.md": ORIGINAL.read_text(encoding="utf-8")},
               plugin='  - goverify:\n      go_versions: ["1.27.3"]')
    build = mkdocs_build(tmp_path)
    assert build.returncode == 1
    found = _located(build.log_lines, "docs/index.md")
    assert _matches(found), found


def test_on_go_1_24_the_original_article_holds(tmp_path: Path) -> None:
    """The article was true when written: every claim and output line holds on an older release."""
    article = tmp_path / "article.md"
    shutil.copy(ORIGINAL, article)
    run = goverify("check", "--go", "1.24.11", "article.md", cwd=tmp_path)
    assert run.returncode == 0, run.stdout
    assert _located(run.stdout.splitlines(), "article.md") == []
    assert "0 disagreement(s) on Go 1.24.11" in run.stdout
