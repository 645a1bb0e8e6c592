"""Go's own escape-analysis tests (../shared/gotest), made into articles and checked as goverify checks any article.

Each file's first line (`// errorcheck -0 -m -l`) names the compiler flags; each `// ERROR "rx" "rx"` comment holds
regexps that Go's test runner (src/cmd/internal/testdir: errorCheck, wantedErrors, matchPrefix) matches, unanchored,
against the text after `file:line: ` of every diagnostic the compiler prints on that line; a regexp consumes every
diagnostic it matches, so the next regexp of the line sees only the rest. Made into an article:

- a regexp that is a literal after its escapes (`\\(` is `(`, `...` and a dot between names are dots, `$` at the end
  says the message ends there) becomes a claim on its line, the line numbers kept; one that needs real regexp power
  (`.*`, `|`, `(...)?`, a dot standing for a quote) is counted as skipped and left out;
- the command is stated as an author states it: `go tool compile FLAGS escape2.go` in the prose before the code.

What goverify says of each claim on each release `make test` installs is compared with what the test runner's rule
says of its regexp on what that release's compiler prints, run by hand as the runner runs it (`go tool compile -e
-p=p -importcfg=STD FLAGS file`). Asserted: no false alarm (goverify says a claim the runner accepts fails), no
claim dropped (a literal regexp goverify does not read as that claim), no other error; and, on a copy whose claims
are made false (a wrong name, escapes and does not escape swapped, a wrong level, a claim moved to another
function), that each is reported at its line. The numbers are printed (`pytest -s`) per release.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import SHARED
from goverify.claims import function_spans, span_of
from goverify.engine import Engine, Settings
from goverify.findings import ClaimFails
from goverify.runner import hermetic_env
from goverify.toolchains import Toolchain, resolve
from releases import AFTER_OLD, OLD

GOTEST = SHARED / "gotest"
FILES = sorted(GOTEST.glob("*.go")) if GOTEST.is_dir() else []
RELEASES = [OLD, *AFTER_OLD]  # what `make test` installs
GOCACHE = Path(os.environ["GOVERIFY_GOCACHE"])  # the tests' own (conftest)
pytestmark = [pytest.mark.skipif(not FILES, reason=f"no Go tests at {GOTEST}"), pytest.mark.xdist_group("go-test")]

_ERROR = re.compile(r"// (?:GC_)?ERROR (.*)")  # testdir's errRx
_QUOTED = re.compile(r'"([^"]*)"')  # testdir's errQuotesRx
_NAME_CHAR = re.compile(r"[\w)\]*]")


# --- the article ----------------------------------------------------------------------------------------------


def literal(rx: str) -> str | None:
    """The text a regexp of an ERROR comment matches when it is a literal after its escapes, else None. A dot is a
    dot in `...` and between the parts of a name (`u.v`, `sync.(*Mutex)`); `^` first and `$` last are dropped (a
    claim is a whole message)."""
    if "LINE" in rx:
        return None
    body = rx[1:] if rx.startswith("^") else rx
    body = body[:-1] if body.endswith("$") and not body.endswith("\\$") else body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if i + 1 >= len(body) or body[i + 1].isalnum():
                return None  # \d, \w, \s ...: a class
            out.append(body[i + 1])
            i += 2
            continue
        if ch == ".":
            if body.startswith("...", i):
                out.append("...")
                i += 3
                continue
            before = out[-1][-1] if out and out[-1] else ""
            after = body[i + 1] if i + 1 < len(body) else ""
            if _NAME_CHAR.match(before or " ") and re.match(r"[\w(]", after or " "):
                out.append(".")
                i += 1
                continue
            return None
        if ch == "{":
            end = body.find("}", i)
            if end < 0 or re.fullmatch(r"\d+(?:,\d*)?", body[i + 1:end]):
                return None  # a repetition
            inner = body[i + 1:end]
            if inner not in {"", "..."}:
                return None
            out.append("{" + inner + "}")
            i = end + 1
            continue
        if ch in "*+?()[]|^$":
            return None
        out.append(ch)
        i += 1
    text = "".join(out).strip()
    return text or None


@dataclass
class Expectation:
    line: int
    rx: str
    claim: str | None  # None: skipped (needs real regexp power)


@dataclass
class Article:
    name: str
    flags: list[str]
    source: str  # the Go file with each ERROR comment made claims
    expectations: list[Expectation]

    def markdown(self, source: str | None = None) -> str:
        command = " ".join(["go", "tool", "compile", *self.flags, self.name])
        return (f"# {self.name}\n\nCompiled with `{command}`:\n\n```go title=\"{self.name}\"\n"
                f"{self.source if source is None else source}```\n")


def convert(path: Path) -> Article:
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    first = lines[0].removeprefix("//").split()
    assert first[0] == "errorcheck", f"{path.name}: not an errorcheck test"
    flags, args = [], first[1:]
    while args and args[0].startswith("-"):
        if args[0] == "-t":
            args = args[1:]
        elif args[0] not in {"-0", "-1", "-s"}:
            flags.append(args[0])
        args = args[1:]
    expectations: list[Expectation] = []
    out = []
    for number, line in enumerate(lines, start=1):
        m = _ERROR.search(line) if "////" not in line else None
        if m is None:
            out.append(line)
            continue
        claims = []
        for rx in _QUOTED.findall(m.group(1)):
            claim = literal(rx)
            expectations.append(Expectation(number, rx, claim))
            if claim is not None:
                claims.append(claim)
        code = line[: m.start()].rstrip()
        out.append(f"{code} // {'; '.join(claims)}" if claims else code)
    return Article(path.name, flags, "\n".join(out), expectations)


# --- what the compiler prints, read as Go's test runner reads it ---------------------------------------------------


def _imports(files: list[Path]) -> list[str]:
    found: set[str] = set()
    for path in files:
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"(?ms)^import \((.*?)^\)", text):
            found.update(re.findall(r'^\s*(?:\w+\s+)?"([^"]+)"', block, re.M))
        found.update(re.findall(r'^import (?:\w+ )?"([^"]+)"', text, re.M))
    return sorted(found - {"unsafe"})


def _std_importcfg(toolchain: Toolchain, home: Path) -> str:
    """The import configuration of the packages the files import and what they import (testdir lists all of std;
    these are the entries it reads)."""
    env = hermetic_env(toolchain, _gocache(toolchain), home)
    listed = subprocess.run([str(toolchain.go), "list", "-deps", "-export", "-f",
                             "{{if .Export}}packagefile {{.ImportPath}}={{.Export}}{{end}}", *_imports(FILES)],
                            env=env, capture_output=True, text=True, timeout=900, check=True)
    return listed.stdout


def _gocache(toolchain: Toolchain) -> Path:
    from goverify.cache import key_of

    return GOCACHE / f"{toolchain.version}-{key_of(toolchain.identity)[:8]}"  # the engine's (Runner.gocache)


def compile_by_hand(toolchain: Toolchain, articles: list[Article]) -> dict[str, str]:
    """Each file's compiler output as Go's test runner gets it, on one release."""
    with tempfile.TemporaryDirectory(prefix="gotest-") as tmp:
        home = Path(tmp) / "home"
        (home / ".config" / "go" / "telemetry").mkdir(parents=True)
        (home / ".config" / "go" / "telemetry" / "mode").write_text("off", encoding="utf-8")
        config = Path(tmp) / "importcfg"
        config.write_text(_std_importcfg(toolchain, home), encoding="utf-8")
        env = hermetic_env(toolchain, _gocache(toolchain), home)

        def one(article: Article) -> tuple[str, str]:
            work = Path(tmp) / article.name.removesuffix(".go")
            work.mkdir()
            (work / article.name).write_text((GOTEST / article.name).read_text(encoding="utf-8"), encoding="utf-8")
            done = subprocess.run([str(toolchain.go), "tool", "compile", "-e", "-p=p", f"-importcfg={config}",
                                   *article.flags, article.name], cwd=work, env=env, capture_output=True, text=True,
                                  timeout=300)
            return article.name, done.stdout + done.stderr

        with ThreadPoolExecutor(max_workers=2) as pool:
            return dict(pool.map(one, articles))


def runner_verdicts(article: Article, output: str) -> dict[tuple[int, str], bool]:
    """(line, regexp) -> whether Go's test runner finds it matched (errorCheck's rule, line by line)."""
    messages: dict[int, list[str]] = {}
    for line in output.split("\n"):
        m = re.match(rf"^(?:.*/)?{re.escape(article.name)}:(\d+)[:\[]", line)
        if m and not line.startswith("\t"):
            messages.setdefault(int(m.group(1)), []).append(line.split(" ", 1)[1] if " " in line else line)
    verdicts: dict[tuple[int, str], bool] = {}
    for we in article.expectations:
        here = messages.get(we.line, [])
        pattern = re.compile(we.rx)
        matched = [text for text in here if pattern.search(text)]
        messages[we.line] = [text for text in here if text not in matched]
        verdicts[we.line, we.rx] = bool(matched)
    return verdicts


# --- scoring ------------------------------------------------------------------------------------------------------


@dataclass
class Score:
    claims: int = 0
    agreed: int = 0
    false_alarms: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)  # the runner rejects it, goverify says it holds
    dropped: list[str] = field(default_factory=list)
    skipped: int = 0
    other_errors: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # Go's other comments read as claims, failing
    others: Counter[str] = field(default_factory=Counter)  # what became of Go's other comments that speak as claims

    def line(self, release: str) -> str:
        return (f"go{release}: {self.claims} claims, {self.agreed} agreed, {len(self.false_alarms)} false alarms, "
                f"{len(self.missed)} missed, {len(self.dropped)} dropped, {self.skipped} skipped")


@pytest.fixture(scope="module")
def toolchains() -> list[Toolchain]:
    return [resolve(v) for v in RELEASES]


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    return [convert(path) for path in FILES]


@pytest.fixture(scope="module")
def by_hand(toolchains: list[Toolchain], articles: list[Article]) -> dict[str, dict[str, str]]:
    return {str(t.version): compile_by_hand(t, articles) for t in toolchains}


def _check(toolchains: list[Toolchain], pages: dict[str, str], root: Path):
    engine = Engine(Settings(root=root, gocache=GOCACHE, reasons=False, cache_dir=root / "cache"),
                    toolchains=toolchains)
    scanned = {name: engine.scan(text, f"{name}.md") for name, text in pages.items()}
    engine.run(scanned.values())
    return {name: engine.check(page) for name, page in scanned.items()}


@pytest.fixture(scope="module")
def checked(toolchains: list[Toolchain], articles: list[Article], tmp_path_factory: pytest.TempPathFactory):
    """The articles as written and their copies with claims made false, checked by one engine."""
    pages = {a.name: a.markdown() for a in articles}
    falsified = {a.name: falsify(a) for a in articles}
    pages.update({f"false-{name}": a.markdown(source) for name, (source, _) in falsified.items()
                  for a in articles if a.name == name})
    return _check(toolchains, pages, tmp_path_factory.mktemp("conformance")), falsified


def test_go_test_files_convert_into_claims(articles: list[Article]) -> None:
    total = sum(len(a.expectations) for a in articles)
    literal_ones = sum(e.claim is not None for a in articles for e in a.expectations)
    assert total > 1500 and literal_ones > 0.85 * total
    assert literal('leaking param: p to result ~r0 level=0$') == "leaking param: p to result ~r0 level=0"
    assert literal(r'\(\*Node\).Mutate ignoring self-assignment') == "(*Node).Mutate ignoring self-assignment"
    assert literal(r'&T{...} escapes to heap$') == "&T{...} escapes to heap"
    assert literal(r'.x. escapes to heap') is None and literal("leaking param: (x|y)") is None


def test_goverify_agrees_with_gos_own_tests(toolchains: list[Toolchain], articles: list[Article], by_hand, checked):
    verdicts, _ = checked
    scores: dict[str, Score] = {}
    for article in articles:
        verdict = verdicts[article.name]
        read: dict[tuple[int, str], object] = {}
        for example in verdict.examples:
            for claim in example.claims:
                read.setdefault((claim.claim.line, claim.claim.message), claim)
        wanted = {(e.line, e.claim) for e in article.expectations if e.claim is not None}
        for release in map(str, (t.version for t in toolchains)):
            score = scores.setdefault(release, Score())
            truth = runner_verdicts(article, by_hand[release][article.name])
            for e in article.expectations:
                where = f"{article.name}:{e.line}: {e.rx!r}"
                if e.claim is None:
                    score.skipped += 1
                    continue
                score.claims += 1
                found = read.get((e.line, e.claim))
                if found is None:
                    score.dropped.append(where)
                    continue
                holds = release in found.holds
                if holds == truth[e.line, e.rx]:
                    score.agreed += 1
                elif truth[e.line, e.rx]:
                    score.false_alarms.append(f"{where}: {found.fails.get(release)}")
                else:
                    score.missed.append(where)
            others = [claim for (line, message), claim in read.items() if (line, message) not in wanted]
            score.extra += [f"{article.name}:{c.claim.line}: {c.claim.message}" for c in others if release in c.fails]
            score.others.update(("not verified" if c.unverified else "by absence" if release in c.by_absence
                                 else "hold" if release in c.holds else "fail") for c in others)
            score.others["prose comments"] += len(verdict.page.hints)
        release = str(toolchains[-1].version)
        scores[release].other_errors += [f"{article.name}: {f}" for f in verdict.errors
                                         if not isinstance(f, ClaimFails)]
    for release, score in scores.items():
        others = ", ".join(f"{n} {kind}" for kind, n in sorted(score.others.items()))
        print(f"{score.line(release)}; Go's other comments: {others}")
        for name, found in (("false alarm", score.false_alarms), ("dropped", score.dropped), ("missed", score.missed),
                            ("other error", score.other_errors),
                            ("another comment read as a claim, failing", score.extra)):
            print(*(f"  {name}: {item}" for item in found), sep="\n", end="\n" if found else "")
    for release, score in scores.items():
        assert score.false_alarms == [], score.line(release)
        assert score.dropped == [], score.line(release)
        assert score.other_errors == [], score.line(release)
        assert score.extra == [], score.line(release)  # Go's other comments: prose, or claims that hold


# --- claims made false --------------------------------------------------------------------------------------------


def falsify(article: Article) -> tuple[str, list[tuple[int, str]]]:
    """A copy of the article's source with claims made false, one kind after another, and (line, kind) of each (a
    claim on every seventh line that has some; the test leaves out a change that some release prints in that
    function after all)."""
    lines = article.source.split("\n")
    spans = function_spans(article.source)
    changed: list[tuple[int, str]] = []
    kinds = ["name", "swap", "level", "moved"]
    turn = 0
    by_line: dict[int, list[str]] = {}
    for e in article.expectations:
        if e.claim is not None:
            by_line.setdefault(e.line, []).append(e.claim)
    for number, claims in sorted(by_line.items()):
        if number % 7:  # every seventh line with claims: enough of each kind, a cheap copy
            continue
        claim = claims[0]
        for _ in kinds:
            kind = kinds[turn % len(kinds)]
            turn += 1
            made = _make_false(kind, claim, number, spans, lines)
            if made is not None:
                break
        else:
            continue
        target, text = made
        code, _, _ = lines[number - 1].partition(" // ")
        if target == number:
            lines[number - 1] = f"{code} // {text}"
        else:
            lines[number - 1] = code
            lines[target - 1] = f"{lines[target - 1].partition(' // ')[0]} // {text}"
        changed.append((target, kind))
    return "\n".join(lines), changed


def _make_false(kind: str, claim: str, line: int, spans, lines: list[str]) -> tuple[int, str] | None:
    if kind == "name":
        m = re.match(r"^(moved to heap|leaking param(?: content)?): (\w+)(.*)$", claim)
        return (line, f"{m.group(1)}: {m.group(2)}_x{m.group(3)}") if m else None
    if kind == "swap":
        if claim.endswith(" escapes to heap"):
            return line, claim.removesuffix(" escapes to heap") + " does not escape"
        if claim.endswith(" does not escape"):
            return line, claim.removesuffix(" does not escape") + " escapes to heap"
        return None
    if kind == "level":
        m = re.match(r"^(.* level=)(\d+)$", claim)
        return (line, f"{m.group(1)}{int(m.group(2)) + 1}") if m else None
    # moved: to the last line of another function that holds no comment
    here = span_of(spans, line)
    for first, last in spans:
        if (first, last) != here and last - first >= 2 and "//" not in lines[last - 2] and lines[last - 2].strip():
            return last - 1, claim
    return None


def test_claims_made_false_are_reported_at_their_lines(articles: list[Article], by_hand, checked) -> None:
    verdicts, falsified = checked
    unreported: list[str] = []
    kinds: Counter[str] = Counter()
    for article in articles:
        _, changed = falsified[article.name]
        source, _ = falsified[article.name]
        reported = {f.location.line for f in verdicts[f"false-{article.name}"].errors if isinstance(f, ClaimFails)}
        for line, kind in changed:
            text = source.split("\n")[line - 1].partition(" // ")[2]
            if any(_printed_in_function(by_hand[release][article.name], article, line, text) for release in by_hand):
                continue  # not false after all (the message is printed in that function): not a test of anything
            if _true_by_absence(by_hand, article, line, text):
                continue  # `v does not escape` moved to a function that declares a v it says nothing about: true
            kinds[kind] += 1
            if line + 5 not in reported:  # the Go line's Markdown line: the fence's body starts at line 6
                unreported.append(f"{article.name}:{line} ({kind}): {text}")
    print(f"claims made false: {sum(kinds.values())} ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), "
          f"{sum(kinds.values()) - len(unreported)} reported at their lines")
    assert set(kinds) == {"name", "swap", "level", "moved"} and sum(kinds.values()) > 100, kinds
    assert unreported == [], "\n".join(unreported)


def _printed_in_function(output: str, article: Article, line: int, text: str) -> bool:
    first, last = span_of(function_spans(article.source), line)
    for printed in output.split("\n"):
        m = re.match(rf"^(?:.*/)?{re.escape(article.name)}:(\d+):\d+: (.*)$", printed)
        if m and first <= int(m.group(1)) <= last and m.group(2) in [c.strip() for c in text.split(";")]:
            return True
    return False


def _true_by_absence(by_hand: dict[str, dict[str, str]], article: Article, line: int, text: str) -> bool:
    """`NAME does not escape` on a line of a function that declares a variable NAME about which no release prints
    anything in that function: a true claim (the compiler prints `moved to heap: NAME` for a variable that
    escapes)."""
    m = re.fullmatch(r"(\w+) does not escape", text.strip())
    if not m:
        return False
    first, last = span_of(function_spans(article.source), line)
    code = "\n".join(article.source.split("\n")[first - 1:last])
    name = re.escape(m.group(1))
    if not re.search(rf"(?:^|[\s(,]){name}(?:\s*,\s*\w+)*\s*:=|\bfunc\b[^{{\n]*[(,]\s*{name}[\s,]", code):
        return False
    for output in (outputs[article.name] for outputs in by_hand.values()):
        for printed in output.split("\n"):
            found = re.match(rf"^(?:.*/)?{re.escape(article.name)}:(\d+):\d+: (.*)$", printed)
            if found and first <= int(found.group(1)) <= last and re.search(rf"(?<![\w.]){name}\b", found.group(2)):
                return False
    return True
