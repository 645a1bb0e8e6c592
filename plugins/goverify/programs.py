"""Programs for the sandbox: what an example's stated run command builds for wasip1, and the argv it runs with.

`go run main.go` builds `GOOS=wasip1 GOARCH=wasm go build -o prog.wasm main.go` and runs `prog.wasm` with the
program's arguments; `go test -v -run X` builds `go test -c -o prog.wasm` and runs it with `-test.v=true
-test.run=X` (what the go command passes to a test binary). The build is a runner job (`Job.keep`): hermetic,
cached, the standard library for wasip1 compiled once per release by the toolchain's GOCACHE.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from .command import Command, chain, runs_binary, strip_prefixes
from .runner import Job
from .toolchains import Toolchain

PROGRAM = "prog.wasm"  # what the build leaves, kept by the runner
WASIP1 = (("GOOS", "wasip1"), ("GOARCH", "wasm"))


# How the go command shows what it ran (`Program.shows`).
RUN = "run"  # go run: the program's output, then `exit status N` when it is not 0
BINARY = "binary"  # go build, then ./prog: the program's output alone (the shell says nothing of its status)
TEST_LOCAL = "test"  # go test (no package named): the binary's output, then `ok`/`FAIL` with the package and time
TEST_LIST = "test-list"  # go test . (packages named): on success only the `ok` line, unless -v or -bench

# `go test` flags given to the test binary as -test.NAME (with a value, or booleans).
_TEST_VALUE = {"-run", "-bench", "-benchtime", "-count", "-cpu", "-timeout", "-skip", "-shuffle", "-list",
               "-parallel"}
_TEST_BOOL = {"-v", "-benchmem", "-short", "-failfast"}
# `go test` always gives these to the binary (cmd/go/internal/test): os.Exit(0) in a test is a failure, and the
# default 10-minute timeout.
_TEST_ALWAYS = ("-test.paniconexit0", "-test.timeout=10m0s")


@dataclass(frozen=True)
class Program:
    """What to build and how to run it: a `package main`'s program or a package's test binary."""

    test: bool  # `go test`: a test binary (its argv are -test.* flags)
    files: tuple[str, ...] = ()  # the .go files named (go run main.go); none: the package in "."
    args: tuple[str, ...] = ()  # the guest's arguments after its name
    shows: str = RUN  # how the go command shows the run (RUN, BINARY, TEST_LOCAL, TEST_LIST)
    stated: str = ""  # the command as the page states it
    verbose: bool = False  # go test -v or -bench: the binary's output is shown in package list mode too
    compiles: bool = False  # built with -gcflags: the compiler's lines in the block are the compile's to verify
    dropped: tuple[str, ...] = ()  # flags that only write files (-memprofile mem.out): run without them

    @property
    def benchmarks(self) -> bool:
        return any(a.startswith("-test.bench=") for a in self.args)

    def build_command(self) -> Command:
        """The go command that builds it for wasip1 (never given to a shell: an argv)."""
        if self.test:
            argv = ("go", "test", "-c", "-o", PROGRAM, *self.files)
        else:
            argv = ("go", "build", "-o", PROGRAM, *self.files)
        return Command(" ".join(argv), argv, self.files, WASIP1, (), "test" if self.test else "build")

    def build_job(self, source: str, toolchain: Toolchain, file: str) -> Job:
        return Job(source, self.build_command(), toolchain, file, keep=PROGRAM)

    @property
    def argv(self) -> tuple[str, ...]:
        if self.test:
            return ("prog.test", *_TEST_ALWAYS, *self.args)
        return ("prog", *self.args)

    def printed(self, output: str, exit_code: int, seconds: float, package: str = "example") -> str:
        """What a terminal shows after the stated command: the guest's output and what the go command adds."""
        if not output.endswith("\n") and output:
            output += "\n"
        if self.shows == RUN:
            return output + (f"exit status {exit_code}\n" if exit_code else "")
        if self.shows == BINARY:
            return output
        status = f"ok  \t{package}\t{seconds:.3f}s\n" if exit_code == 0 else f"FAIL\t{package}\t{seconds:.3f}s\n"
        if self.shows == TEST_LOCAL:
            return output + (f"exit status {exit_code}\n" if exit_code else "") + status
        if exit_code == 0:
            return (output if self.verbose else "") + status
        return output + status + "FAIL\n"


# `go test` flags that only write files (profiles, traces): the sandbox gives the program no directory, and none of
# them changes what it prints, B/op or allocs/op. Run without them, and said. Not -coverprofile: it builds the
# package with coverage and prints `coverage: N% of statements`.
_WRITES_FILE = {"-memprofile", "-cpuprofile", "-blockprofile", "-mutexprofile", "-trace", "-outputdir"}


def _gcflags(words: list[str], i: int) -> int:
    """How many words a `-gcflags` at words[i] takes (0: it is not one). The compiler's flags change what the
    compiler prints, never what the program prints."""
    name = "-" + words[i].partition("=")[0].lstrip("-")
    if name != "-gcflags":
        return 0
    return 1 if "=" in words[i] else 2


def read_run(stated: str, argv: list[str]) -> Program | str:
    """The program a stated `go run`/`go test` command (its argv, as command.py splits it) builds and runs, or why
    it is not run (a few words). Under `-gcflags` the block also shows the compiler's lines: the program is the
    same (`compiles`)."""
    sub, rest = argv[1], list(argv[2:])
    compiles = False
    if sub == "run":
        i = 0
        while i < len(rest) and rest[i].startswith("-") and (taken := _gcflags(rest, i)):
            compiles = True
            del rest[i: i + taken]
        end = next((i + 1 for i, a in enumerate(rest) if a.endswith(".go") and not a.startswith("-")), None)
        if end is None:
            if rest[:1] == ["."]:
                return Program(False, (), tuple(rest[1:]), RUN, stated, compiles=compiles)
            return "go run names no .go file and no ."
        while end < len(rest) and rest[end].endswith(".go"):
            end += 1
        flags, files, args = rest[: end], [a for a in rest[:end] if a.endswith(".go")], rest[end:]
        if any(f.startswith("-") for f in flags):
            return f"go run flag {next(f for f in flags if f.startswith('-'))}"
        return Program(False, tuple(files), tuple(args), RUN, stated, compiles=compiles)
    if sub != "test":
        return f"go {sub}"
    args: list[str] = []
    files: list[str] = []
    packages: list[str] = []
    dropped: list[str] = []
    verbose = False
    i = 0
    while i < len(rest):
        word = rest[i]
        name, eq, value = word.partition("=")
        name = "-" + name.lstrip("-") if word.startswith("-") else name
        if word.startswith("-") and (taken := _gcflags(rest, i)):
            compiles = True
            i += taken
            continue
        if name in _WRITES_FILE:
            dropped.append(word if eq or i + 1 >= len(rest) else f"{word} {rest[i + 1]}")
            i += 1 if eq else 2
            continue
        if name in _TEST_BOOL:
            if not eq or value in {"true", "false"}:
                verbose |= name == "-v" and value != "false"
                args.append(f"-test.{name[1:]}={value or 'true'}")
            else:
                return f"go test {word}"
        elif name in _TEST_VALUE:
            if not eq:
                i += 1
                if i >= len(rest):
                    return f"go test {word} needs a value"
                value = rest[i]
            args.append(f"-test.{name[1:]}={value}")
            verbose |= name == "-bench"
        elif word.endswith(".go") and not word.startswith("-"):
            files.append(word)
        elif word in {".", "./..."}:
            packages.append(word)
        else:
            return f"go test {word}"
        i += 1
    shows = TEST_LIST if packages or files else TEST_LOCAL
    return Program(True, tuple(files), tuple(args), shows, stated, verbose, compiles, tuple(dropped))


def read_session(lines: list[str]) -> Program | str:
    """The program a shell session runs, or why goverify does not run it (a few words): `lines` are the session's
    command lines in order (each maybe a chain joined by `&&` or `;`, as the shell reads it), the last one the line
    whose output is shown. `go build [-o X] FILES|.` then `./X ARGS` runs the program that build made (the same
    build as `go run`; the default name is the first file's without `.go`, or the package's directory); `go run`
    and `go test` run as `read_run` reads them. The commands before the last line matter only when they build
    what it runs."""
    built: dict[str | None, tuple[tuple[str, ...], bool]] = {}  # binary name (None: the package's) -> files, -gcflags
    for n, line in enumerate(lines):
        commands = chain(line)
        last = n == len(lines) - 1
        if commands is None:
            if last:
                return "shell goverify does not reproduce"
            continue
        for k, words in enumerate(commands):
            final = last and k == len(commands) - 1
            stripped = strip_prefixes(words)  # `time`, `sudo`, `docker run IMAGE`: the command they run
            if isinstance(stripped, str) or stripped[1]:
                if last:
                    return stripped if isinstance(stripped, str) else f"environment {stripped[1][0][0]}=..."
                continue
            argv = stripped[0]
            if not argv:
                continue
            if argv[:1] in (["go"], ["Go"]) and argv[1:2] == ["build"]:
                made = _built(argv[2:])
                if isinstance(made, str):
                    if last:
                        return made
                    continue
                built.update(made)
            elif not final:
                if last:
                    return f"`{' '.join(argv)}` before the run (goverify runs only the program)"
            elif argv[:1] in (["go"], ["Go"]) and argv[1:2] in (["run"], ["test"]):
                return read_run(line, ["go", *argv[1:]])
            elif runs_binary(argv[:1]):
                name = re.sub(r"\.exe$", "", argv[0][2:])
                if name in built or (None in built and len(built) == 1):
                    files, compiles = built[name] if name in built else built[None]
                    return Program(False, files, tuple(argv[1:]), BINARY, line, compiles=compiles)
                return f"no `go build` before it makes {argv[0]}"
            else:
                return f"`{argv[0]}` is not a program the page builds"
    return "no command runs a program"


def _built(args: list[str]) -> dict[str | None, tuple[tuple[str, ...], bool]] | str:
    """What `go build ARGS` makes: its binary's name (None: named after the package's directory) -> the files it
    builds and whether -gcflags shows the compiler's lines; or why goverify does not read it."""
    out: str | None = None
    files: list[str] = []
    compiles = False
    i = 0
    while i < len(args):
        word = args[i]
        name, eq, value = word.partition("=")
        if word.startswith("-") and (taken := _gcflags(args, i)):
            compiles = True
            i += taken
            continue
        if "-" + name.lstrip("-") == "-o" and word.startswith("-"):
            if not eq:
                i += 1
                value = args[i] if i < len(args) else ""
            out = value
        elif word in {"-trimpath"}:
            pass
        elif word.startswith("-"):
            return f"go build flag {word}"
        elif word.endswith(".go"):
            files.append(word)
        elif word != ".":
            return f"go build {word} (a package the page does not show)"
        i += 1
    if out is not None and (not re.fullmatch(r"(?:\./)?[\w.-]+", out) or out.endswith("/")):
        return f"go build -o {out}"
    if out is not None:
        key: str | None = re.sub(r"\.exe$", "", out.removeprefix("./"))
    elif files:
        key = posixpath.basename(files[0]).removesuffix(".go")
    else:
        key = None
    return {key: (tuple(files), compiles)}


# What a program may reach that the sandbox denies (its imports and calls), by the stable kind a disagreement of its
# output is then reported with (not verified, never a drift): the host's files (no directory is preopened), the
# network (Go's wasip1 net has no sockets), other processes (os/exec) and signals.
_DENIED = (
    ("sandbox-files", re.compile(r'\bos\.(?:Open|OpenFile|Create|ReadFile|WriteFile|ReadDir|Stat|Lstat|Mkdir'
                                 r'|MkdirAll|Remove|RemoveAll|Rename|Chdir|Getwd|CreateTemp|MkdirTemp|DirFS)\b'
                                 r'|"(?:io/ioutil|path/filepath|embed)"')),
    ("sandbox-network", re.compile(r'"net(?:/http|/rpc|/smtp)?"')),
    ("sandbox-exec", re.compile(r'"os/exec"|\bsyscall\.(?:Exec|ForkExec|StartProcess)\b|\bos\.StartProcess\b')),
    ("sandbox-signals", re.compile(r'"os/signal"|\bsyscall\.Kill\b|\.Signal\(')),
)


def denied(source: str) -> tuple[str, ...]:
    """The kinds of what the program reaches that the sandbox denies (DENIED's order), from its source."""
    return tuple(kind for kind, pattern in _DENIED if pattern.search(source))


_STARTS_GOROUTINE = re.compile(r"\bgo\s+(?:func\b|[\w.]+\s*\()")
_RANGES = re.compile(r"\brange\b")


def may_reorder(source: str) -> bool:
    """The program may print the same lines in another order: it starts goroutines, or ranges while it uses maps
    (Go's `// Unordered output:` is for these)."""
    return bool(_STARTS_GOROUTINE.search(source)) or ("map[" in source and bool(_RANGES.search(source)))
