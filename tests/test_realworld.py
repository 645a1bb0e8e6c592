"""Real Go articles by other authors (../shared/realworld), scored against a key made by hand on Go 1.27.3.

For each article, `goverify check --format json docs/index.md` runs as a new user would run it: in a folder holding
only the article, with default settings, on Go 1.27.3. A region of the key is *reported* when one of the report's
disagreements has its line inside the region.

    precision = drift regions reported / (drift reported + holds reported + disagreements outside every region)
    recall    = drift regions reported / drift regions

Also: no false pass (exit 0 on an article with drift), no traceback, `check --fix --yes` edits no line of a region
that holds, and the command is the author's (each run recorded for a region's example uses the -m level, -l and -N
of the command the key names). A second table counts what each article leaves not verified, by kind (every one a
kind of findings.NOT_VERIFIED), and how many of those fall inside a region of the key.
"""

from __future__ import annotations

import difflib
import json
import re
import shlex
import shutil
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import SHARED, cli_process
from goverify.findings import NOT_VERIFIED
from releases import NEW

CORPUS = SHARED / "realworld"
ARTICLES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.json").is_file()) if CORPUS.is_dir() else []
pytestmark = [pytest.mark.skipif(not ARTICLES, reason=f"no real-world corpus at {CORPUS}"),
              pytest.mark.xdist_group("go-test")]  # after (not beside) the corpus's test builds: one cold compile


@dataclass
class Score:
    article: str
    exit: int = 0
    drift: int = 0
    drift_reported: int = 0
    holds: int = 0
    holds_reported: int = 0
    outside: list[int] = field(default_factory=list)
    commands: int = 0  # regions whose key names a command
    commands_kept: int = 0  # ... whose every run uses that command's compiler flags
    fix_touched_holds: list[int] = field(default_factory=list)
    traceback: bool = False
    not_verified: Counter[str] = field(default_factory=Counter)  # by kind
    not_verified_in_regions: Counter[str] = field(default_factory=Counter)


def _flags(command: str) -> tuple[int, bool, bool]:
    """The -m level, -l and -N a command gives the compiler (`go tool compile -m`, `-gcflags "-m -m"`, `-m=2`)."""
    words = shlex.split(command.replace("\\\n", " "))
    flags: list[str] = []
    for i, word in enumerate(words):
        value = word.split("=", 1)[1] if word.startswith("-gcflags=") else \
            words[i + 1] if word == "-gcflags" and i + 1 < len(words) else None
        if value is not None:
            flags += shlex.split(value.partition("=")[2] if re.match(r"^[\w./-]*=-", value) else value)
    if "compile" in words:  # go tool compile FLAGS file.go
        start = words.index("compile") + 1
        flags += [w for w in words[start:] if w.startswith("-")]
    level = sum(int(f.split("=")[1]) if f.startswith("-m=") else 1 for f in flags if f == "-m" or f.startswith("-m="))
    return level, "-l" in flags, "-N" in flags


def _inside(line: int, region: dict) -> bool:
    return region["lines"][0] <= line <= region["lines"][1]


def score(article: str, work: Path) -> Score:
    key = json.loads((CORPUS / article / "expected.json").read_text(encoding="utf-8"))
    (work / "docs").mkdir(parents=True)
    shutil.copy(CORPUS / article / "docs" / "index.md", work / "docs" / "index.md")
    run = cli_process("check", "--format", "json", "--go", NEW, "docs/index.md", cwd=work)
    result = Score(article, run.returncode, traceback="Traceback" in run.stderr + run.stdout)
    data = json.loads(run.stdout)
    lines = [d["line"] for d in data["disagreements"]]
    for region in key["regions"]:
        reported = any(_inside(line, region) for line in lines)
        if region["verdict"] == "drift":
            result.drift += 1
            result.drift_reported += reported
        elif region["verdict"] == "holds":
            result.holds += 1
            result.holds_reported += reported
        if region.get("command") and region.get("example"):
            result.commands += 1
            want = _flags(region["command"])
            runs = [r for r in data["results"] if _inside(int(r["location"].rsplit(":", 1)[1]), region)]
            result.commands_kept += bool(runs) and all(_flags(r["command"]) == want for r in runs)
    result.outside = [line for line in lines if not any(_inside(line, r) for r in key["regions"])]
    for entry in data["not_verified"]:
        result.not_verified[entry.get("kind", "")] += 1
        if any(_inside(entry["line"], r) for r in key["regions"]):
            result.not_verified_in_regions[entry.get("kind", "")] += 1
    before = (work / "docs" / "index.md").read_text(encoding="utf-8").split("\n")
    fixed = cli_process("check", "--fix", "--yes", "--go", NEW, "docs/index.md", cwd=work)
    result.traceback |= "Traceback" in fixed.stderr + fixed.stdout
    after = (work / "docs" / "index.md").read_text(encoding="utf-8").split("\n")
    changed = set()  # lines of the article as it was that the fix replaced or removed, or wrote next to
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag != "equal":
            changed |= set(range(i1 + 1, max(i2, i1 + 1) + 1))
    for region in key["regions"]:
        if region["verdict"] == "holds":
            result.fix_touched_holds += sorted(n for n in changed if _inside(n, region))
    return result


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Score], str]:
    with ThreadPoolExecutor(max_workers=2) as pool:  # each article is its own goverify process
        found = list(pool.map(lambda article: score(article, tmp_path_factory.mktemp(article)), ARTICLES))
    table = ["| article | exit | drift reported | holds reported | outside regions | author's command |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for s in found:
        table.append(f"| {s.article} | {s.exit} | {s.drift_reported}/{s.drift} | {s.holds_reported}/{s.holds} | "
                     f"{len(s.outside)} | {s.commands_kept}/{s.commands} |")
    reported = sum(s.drift_reported for s in found)
    false = sum(s.holds_reported + len(s.outside) for s in found)
    drift = sum(s.drift for s in found)
    precision = reported / (reported + false) if reported + false else 1.0
    recall = reported / drift if drift else 1.0
    kept = sum(s.commands_kept for s in found) / max(1, sum(s.commands for s in found))
    table.append(f"\nprecision {precision:.2f}, recall {recall:.2f}, author's command kept in {kept:.0%} of regions")
    return found, "\n".join(table) + "\n\n" + kinds_table(found)


def kinds_table(found: list[Score]) -> str:
    """What each article leaves not verified, by kind; and of those, how many fall inside a region of the key."""
    kinds = [k for k in NOT_VERIFIED if any(s.not_verified[k] for s in found)]
    kinds += sorted({k for s in found for k in s.not_verified} - set(NOT_VERIFIED))
    rows = ["| article | " + " | ".join(kinds) + " | inside a region of the key |",
            "| --- | " + " | ".join("---:" for _ in kinds) + " | --- |"]
    for s in found:
        inside = ", ".join(f"{s.not_verified_in_regions[k]} {k}" for k in kinds if s.not_verified_in_regions[k])
        rows.append(f"| {s.article} | " + " | ".join(str(s.not_verified[k] or "") for k in kinds) + f" | {inside} |")
    return "\n".join(rows)


def test_real_articles(scores: tuple[list[Score], str], record_property) -> None:
    """One test, so that the articles are checked once (not once per xdist worker); conftest prints the table."""
    found, table = scores
    record_property("realworld-table", table)
    reported = sum(s.drift_reported for s in found)
    false = sum(s.holds_reported + len(s.outside) for s in found)
    drift = sum(s.drift for s in found)
    assert reported / (reported + false) >= 0.95, [(s.article, s.holds_reported, s.outside) for s in found]
    assert reported / drift >= 0.90, [(s.article, s.drift_reported, s.drift) for s in found]
    assert [s.article for s in found if s.drift and s.exit == 0] == [], "a false pass"
    assert [s.article for s in found if s.traceback] == []
    assert {s.article: s.fix_touched_holds for s in found if s.fix_touched_holds} == {}, "--fix edited what holds"
    kept = sum(s.commands_kept for s in found)
    total = sum(s.commands for s in found)
    assert total and kept / total >= 0.90, [(s.article, s.commands_kept, s.commands) for s in found]
    assert {s.article: set(s.not_verified) - set(NOT_VERIFIED) for s in found if set(s.not_verified) - set(NOT_VERIFIED)
            } == {}, "a not-verified finding without a documented kind"


@pytest.mark.parametrize(("command", "flags"), [
    ('go build -gcflags="-m -l" main.go', (1, True, False)),
    ("go tool compile -m pro_2.go", (1, False, False)),
    ('Go test -gcflags "-m -m" -run none -bench .', (2, False, False)),
    ("go build -gcflags=all=-m=2 -gcflags=-N .", (2, False, True)),
    ("docker run -it --rm img \\\n  go tool compile -m ./x/main.go", (1, False, False)),
])
def test_the_scorer_reads_flags_as_the_compiler_does(command: str, flags: tuple[int, bool, bool]) -> None:
    assert _flags(command) == flags
