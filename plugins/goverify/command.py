"""The commands an article states, and what goverify runs for each: compile-only, checked, never given to a shell.

Authors write `$ go build -gcflags='-m' ./main.go`, `go tool compile -m f.go`, `Go test -gcflags "-m -m" -run none
-bench .`, `docker run --rm IMAGE go tool compile -m main.go`, `GOOS=linux GOARCH=amd64 go build ...`,
`... |& grep escape | head -20`. `parse_command` reads such a command into a `Command` that compiles without running
anything and prints the same diagnostics:

- `go build` and `go vet` run as written (their flags checked);
- `go tool compile FLAGS f.go` runs as the compiler runs, with nothing the go command would add (`-complete`, `-p`):
  a bodyless declaration compiles, as it does for the author; the one thing given is where the standard library's
  export data is (`-importcfg`), which a Go installation no longer ships precompiled;
- `go test -gcflags X ...` and `go run -gcflags X f.go` run as `go test -c -o /dev/null -gcflags X ...` and
  `go build -gcflags X -o /dev/null f.go`: the same diagnostics, the test binary or program built and never run;
- a `docker run [OPTIONS] IMAGE` prefix is dropped; `GOOS`/`GOARCH` (and `CGO_ENABLED=0`) are kept as the run's
  environment; `Go` reads as `go`; a trailing `| grep PAT`, `| head -n N`, `| tail -n N` or `| sort` (after `|`,
  `|&` or `2>&1 |`) filters the output as it would, and `| tee FILE` changes nothing (no file is written).

Compiler flags (in `-gcflags` or after `go tool compile`) are allowed by what they do (`COMPILER_FLAGS`): one that
only changes what the compiler prints or how it compiles (`-m`, `-l`, `-std`, `-d=ssa/check_bce/debug=1`) is
allowed; one that names a file is allowed when that file lies in the work directory and is written, not read (an
`-o` or a profile, which nothing reads); one that reads a file the example does not provide (`-importcfg`, `-I`) is
dropped from `go tool compile`, whose imports goverify provides; an unknown flag is refused (the compiler would
stop on it too).

Anything else is a `Refusal`: `not_run` when running it would execute code or needs what running produces
(`go run` or `go test` without `-gcflags`, `go generate`, `go tool pprof`), else because it is unsafe or unknown
(`-toolexec`, `-ldflags`, shell syntax). Either way nothing runs, and what follows it is not verified.
"""

from __future__ import annotations

import functools
import re
import shlex
from dataclasses import dataclass

DEFAULT_COMMAND = 'go build -gcflags="-m -l" main.go'

_SUBCOMMANDS = "build|test|tool|run|vet|generate|install|get|env|version|mod|list|clean|fmt|doc|work|bug|fix"
_COMMAND_START = re.compile(
    r"(?:^|(?<=[\s>$%#❯➜»λ✗✓]))"
    r"(?P<command>(?:(?:[A-Z_][A-Z0-9_]*=\S*|sudo|time|command)\s+)*"
    r"(?:(?:docker|podman)\s+run\s(?:[^\n]*?\s)?)?[Gg]o\s+(?:" + _SUBCOMMANDS + r")\b.*)$"
)
_WRAPPED = re.compile(r"(?<=['\"\s(;&|])[Gg]o\s+(?:" + _SUBCOMMANDS + r")\b")
_GO_WORD = re.compile(r"[Gg]o\s")
# What an author's prompt ends with: nothing (a bare command in a shell block), `$ `, `% `, `> `, `# `, `❯ `,
# `user@host:~/x$ `, `PS C:\x> `, `F:\hello>`; or oh-my-zsh's `➜  dir ` (`➜  dir git:(main) ✗ `), which ends
# with the directory's name. The one place prompts are recognised (output.read_block asks here for every line).
_PROMPT_END = re.compile(r"(?:^|[$%>#❯➜»λ✗✓])\s*$|^[➜❯»λ]\s+[\w.~/@:+-]+(?:\s+git:\([^)\s]*\))?(?:\s+[✗✓])?\s+$")
# A command that runs a program the page built (`./prog`, `./main 3`, `.\\main.exe`): a prompt line too.
# A script (`./dump.sh`) is not a program the page builds: its line stays a line of output.
_BINARY_START = re.compile(r"(?:^|(?<=[\s>$%#❯➜»λ✗✓]))(?P<command>\.[/\\][\w-]+(?:\.(?:exe|test|bin|out))?"
                           r"(?:[ \t].*)?)$")
_SHELL = re.compile(r"[;&|<>$`\n(){}*?!\\]")  # outside quotes, after pipes to grep and 2>&1 are taken out
# A `$` the shell expands (`$HOME`, `${x}`, `$(cmd)`, `$?`); a `$` before anything else is itself (`-bench="Sum$"`).
_EXPANDS = re.compile(r"\$[\w{(@*#?!$-]")
_BUILD_FLAGS_BOOL = {"-a", "-n", "-v", "-x", "-trimpath", "-linkshared", "-work", "-i"}
_BUILD_FLAGS_VALUE = {"-gcflags", "-asmflags", "-tags", "-buildvcs", "-buildmode", "-p", "-o", "-mod", "-pgo",
                      "-covermode", "-coverpkg"}
# Flags of `go test` that only matter when the tests run: dropped from the compile-only build.
_TEST_RUN_VALUE = {"-run", "-bench", "-benchtime", "-count", "-cpu", "-timeout", "-memprofile", "-cpuprofile",
                   "-blockprofile", "-mutexprofile", "-trace", "-coverprofile", "-outputdir", "-parallel",
                   "-shuffle", "-list", "-fuzz", "-fuzztime", "-fuzzminimizetime", "-skip", "-memprofilerate",
                   "-blockprofilerate", "-mutexprofilefraction", "-fullpath"}
_TEST_RUN_BOOL = {"-benchmem", "-short", "-failfast", "-json", "-cover", "-c"}
# The compiler's flags (Go 1.21 to 1.27, `go tool compile -h`) by what they do:
# - "print": change only what it prints or how it compiles; no file named;
# - "write": name a file it writes (allowed inside the work directory, where nothing reads it);
# - "read": name a file it reads (the example provides none: dropped from `go tool compile`, refused in -gcflags);
# - "value": take a value that names no file.
COMPILER_FLAGS = {
    **dict.fromkeys(["-%", "-+", "-B", "-C", "-E", "-K", "-L", "-N", "-S", "-V", "-W", "-asan", "-clobberdead",
                     "-clobberdeadreg", "-complete", "-dwarf", "-dwarfbasentries", "-dwarflocationlists", "-dynlink",
                     "-e", "-h", "-l", "-linkshared", "-live", "-m", "-msan", "-nolocalimports", "-pack", "-r",
                     "-race", "-shared", "-smallframes", "-std", "-t", "-v", "-w", "-wrapglobalmapdbg",
                     "-wrapglobalmapctl"], "print"),
    **dict.fromkeys(["-c", "-d", "-env", "-errorurl", "-goversion", "-installsuffix", "-json", "-lang",
                     "-memprofilerate", "-p", "-spectre", "-wb", "-buildid", "-trimpath", "-D", "-json"], "value"),
    **dict.fromkeys(["-o", "-linkobj", "-asmhdr", "-bench", "-cpuprofile", "-memprofile", "-blockprofile",
                     "-mutexprofile", "-traceprofile"], "write"),
    **dict.fromkeys(["-importcfg", "-embedcfg", "-symabis", "-pgoprofile", "-coveragecfg", "-I"], "read"),
}
# Flags given a value in the next argument when not written with `=` (the others are booleans or take `=N`).
_SEPARATE_VALUE = {name for name, kind in COMPILER_FLAGS.items() if kind in {"value", "write", "read"}} - {"-d"}
_REFUSED_WHY = {
    "-toolexec": "it runs another program",
    "-vettool": "it runs another program",
    "-exec": "it runs the compiled program",
    "-ldflags": "it passes arbitrary flags to the linker",
    "-overlay": "it reads files outside the example",
    "-modfile": "it reads files outside the example",
    "-C": "it changes directory",
    "-race": "it needs cgo, which goverify turns off: the go command would stop before compiling",
    "-msan": "it needs cgo, which goverify turns off: the go command would stop before compiling",
    "-asan": "it needs cgo, which goverify turns off: the go command would stop before compiling",
}
_ENV_KEPT = {"GOOS", "GOARCH", "GOAMD64", "GOARM", "GOARM64", "GO386", "GOMIPS", "GOPPC64", "GORISCV64", "GOWASM"}
_DOCKER_VALUE = {"-v", "--volume", "-w", "--workdir", "-e", "--env", "--name", "-u", "--user", "--network",
                 "--net", "--platform", "--mount", "-p", "--publish", "--entrypoint", "-h", "--hostname",
                 "--env-file", "--memory", "-m", "--cpus", "--label", "-l", "--pull", "--add-host"}


@dataclass(frozen=True)
class Grep:
    """A trailing `| grep PAT`: the output lines the author kept."""

    pattern: str
    invert: bool = False
    ignore_case: bool = False
    fixed: bool = False

    def keeps(self, line: str) -> bool:
        if self.fixed:
            found = (self.pattern.lower() in line.lower()) if self.ignore_case else self.pattern in line
        else:
            found = re.search(self.pattern, line, re.I if self.ignore_case else 0) is not None
        return found != self.invert

    def apply(self, lines: list[str]) -> list[str]:
        return [line for line in lines if self.keeps(line)]


@dataclass(frozen=True)
class Cut:
    """A trailing `| head -n N` (`first`) or `| tail -n N` (not `first`); `| sort`; `| tee`/`cat` (nothing)."""

    kind: str  # head | tail | sort | same
    count: int = 0

    def apply(self, lines: list[str]) -> list[str]:
        if self.kind == "head":
            return lines[: self.count]
        if self.kind == "tail":
            return lines[-self.count:] if self.count else []
        if self.kind == "sort":
            return sorted(lines)
        return lines


@dataclass(frozen=True)
class Command:
    """A command as the article states it, and the compile-only command goverify runs for it."""

    stated: str  # as the article writes it (prompt removed, continuation lines joined)
    argv: tuple[str, ...]  # what runs: `go build`, `go vet`, `go test -c -o /dev/null` or `go tool compile`
    files: tuple[str, ...] = ()  # the .go files it names (relative); none: it builds the package in "."
    env: tuple[tuple[str, str], ...] = ()  # GOOS/GOARCH the command sets
    filters: tuple[Grep | Cut, ...] = ()  # what a trailing `| grep`, `| head` ... does to the output
    subcommand: str = "build"  # as stated: build, vet, test, run, compile (go tool compile)

    @property
    def text(self) -> str:
        """What runs, as an author would type it (`-gcflags="-m -l"`)."""
        return " ".join([*(f"{k}={v}" for k, v in self.env), *(_quote(a) for a in self.argv)])

    def renamed(self, file: str) -> Command:
        """The same command building `file` instead of the files it names (a command the page states for another
        example, inherited by this one)."""
        if not self.files or list(self.files) == [file]:
            return self
        argv = [a for a in self.argv if a not in self.files]
        argv.append(file)
        stated = " ".join(w for w in self.stated.split() if w not in self.files) + f" {file}"
        if file.endswith("_test.go") and argv[1] == "build":  # go build leaves a test file out: its test binary
            argv = ["go", "test", "-c", *(a for a in argv[2:] if a not in {"-o", "/dev/null"}), "-o", "/dev/null"]
            test = Command(stated, tuple(argv), (file,), self.env, self.filters, "test")
            return Command(test.text, test.argv, test.files, test.env, test.filters, "test")
        return Command(stated, tuple(argv), (file,), self.env, self.filters, self.subcommand)

    @property
    def needs_module(self) -> bool:
        return not self.files

    @property
    def is_test(self) -> bool:
        return self.argv[1] == "test"

    @functools.lru_cache(maxsize=1024)  # noqa: B019 (commands are few and live as long as the build)
    def compiler_flags(self) -> tuple[str, ...]:
        """The flags given to the compiler (`-m`, `-m`, `-l`): what decides which lines it prints."""
        if self.subcommand == "compile":
            return tuple(a for a in self.argv[3:] if a not in self.files)
        flags: list[str] = []
        for i, arg in enumerate(self.argv):
            value = None
            if arg.startswith("-gcflags="):
                value = arg[len("-gcflags="):]
            elif arg == "-gcflags" and i + 1 < len(self.argv):
                value = self.argv[i + 1]
            if value is not None:
                if re.match(r"^[\w./-]*=-", value):
                    value = value.partition("=")[2]
                flags.extend(shlex.split(value))
        return tuple(flags)

    def filter(self, output: str) -> str:
        if not self.filters:
            return output
        lines = output.splitlines()
        for step in self.filters:
            lines = step.apply(lines)
        return "".join(line + "\n" for line in lines)

    def __str__(self) -> str:
        return self.stated


@dataclass(frozen=True)
class Refusal:
    """A stated command goverify does not run, and why."""

    stated: str
    reason: str
    not_run: bool  # True: it would run code (the output after it is not verified); False: refused as unsafe
    shell: bool = False  # it runs a program through shell the sandbox cannot honour exactly (a pipe, a redirection)

    def __str__(self) -> str:
        return self.stated

    @property
    def kind(self) -> str:
        """The stable kind of what follows it, not verified: `run-shell`, `runs-code` or `refused`."""
        return "run-shell" if self.shell else "runs-code" if self.not_run else "refused"


def _quote(arg: str) -> str:
    name, eq, value = arg.partition("=")
    if eq and name.startswith("-") and value and shlex.quote(value) != value:
        return f'{name}="{value}"' if '"' not in value else shlex.quote(arg)
    return shlex.quote(arg)


def command_of_line(line: str) -> str | None:
    """The command on a prompt line (`$ go build ...`, `F:\\hello>go build ...`, `-> % go build ...`, or a bare
    `go build ...` as in a shell block), or None when the line states no go command."""
    text = line.strip()
    m = _COMMAND_START.search(text) if _GO_WORD.search(text) else None  # most lines name no go command
    if m is None and "." in text:
        m = _BINARY_START.search(text)
        if m is not None and m.group("command").split()[0].endswith(".go"):
            return None  # `./main.go` is a file, not a program
    if not m:
        return None
    prompt = text[: m.start("command")]
    if len(prompt) > 80 or not _PROMPT_END.search(prompt):
        return None
    return m.group("command").strip()


def states_a_command(span: str) -> bool:
    """An inline code span that states a command, not a bare mention (`go build`, `go tool compile`): it names a
    subcommand and gives it at least one argument."""
    text = span.strip()
    m = _COMMAND_START.match(text) or _WRAPPED.search(text)  # `sh -c 'go build ...'`: stated, and refused
    if not m:
        return False
    words = text[m.start():].replace("'", " ").replace('"', " ").split()
    start = next(i for i, w in enumerate(words) if w in {"go", "Go"})
    rest = words[start + 1:]
    if rest[:2] == ["tool", "compile"]:
        rest = rest[1:]
    return len(rest) >= 2


@functools.lru_cache(maxsize=1024)
def parse_command(text: str) -> Command | Refusal:
    """What goverify runs for a stated command, or why it does not run it (a page states the same few commands
    many times: each is read once)."""
    stated = re.sub(r"\\\n\s*", " ", text).strip()
    parsed = _parse(stated)
    if isinstance(parsed, _No):
        parsed = _runs(stated) or parsed
    return Refusal(stated, parsed.reason, parsed.not_run, parsed.shell) if isinstance(parsed, _No) else parsed


@dataclass(frozen=True)
class _No:
    """Why the command being read is not run: what each step of reading it returns instead of its result (one
    `Refusal` is made of it, at the end)."""

    reason: str
    not_run: bool = False
    shell: bool = False


def build_only(text: str) -> Command | None:
    """`go test` or `go run` without -gcflags as the build that precedes the run, for an output block that shows the
    compile errors that build stops on (nothing ran after them); None for any other command."""
    stated = re.sub(r"\\\n\s*", " ", text).strip()
    m = re.search(r"\b([Gg]o\s+(?:test|run))\b", stated)
    if m is None:
        return None
    command = parse_command(stated[: m.end()] + " -gcflags=" + stated[m.end():])
    if not isinstance(command, Command):
        return None
    argv = tuple(a for a in command.argv if a != "-gcflags=")
    return Command(stated, argv, command.files, command.env, command.filters, command.subcommand)



def _parse(stated: str) -> Command | _No:
    pipes = _split_pipes(stated)
    if isinstance(pipes, _No):
        return pipes
    command, filters = pipes
    bad = _shell_syntax(command)
    if bad:
        why = "it writes the output to a file" if bad == ">" else "goverify never runs a shell"
        return _No(f"shell syntax {bad!r} ({why})")
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        return _No(f"cannot parse it: {exc}")
    stripped = _strip_prefixes(argv)
    if isinstance(stripped, _No):
        return stripped
    argv, env = stripped
    if len(argv) < 2 or argv[0] not in {"go", "Go"}:
        return _No("only go commands are run")
    argv[0] = "go"
    sub = argv[1]
    if sub == "tool":
        return _tool(stated, argv, env, filters)
    if sub in {"build", "vet"}:
        built = _build_args(argv[2:], vet=sub == "vet")
        if isinstance(built, _No):
            return built
        args, files = built
        return Command(stated, ("go", sub, *args), files, env, filters, sub)
    if sub == "test":
        return _test(stated, argv, env, filters)
    if sub == "run":
        return _run(stated, argv, env, filters)
    if sub == "generate":
        return _No("`go generate` runs the commands of //go:generate lines", not_run=True)
    return _No(f"`go {sub}` is not a compile-only command (goverify runs go build, go vet, go tool compile, "
               "and go test or go run with -gcflags as a build)", not_run=True)


def _shell_syntax(text: str) -> str | None:
    """The first character a shell would act on, outside single quotes (`$` and backquotes act inside double
    quotes too); None when there is none."""
    quote = ""
    for i, ch in enumerate(text):
        if quote == "'":
            quote = "" if ch == "'" else quote
        elif quote == '"' and ch == '"':
            quote = ""
        elif ch in "'\"" and not quote:
            quote = ch
        elif ch == "$" and not _EXPANDS.match(text, i):
            continue
        elif (not quote and _SHELL.match(ch)) or (quote and ch in "$`"):
            return ch
    return None


def _split_pipes(text: str) -> tuple[str, tuple[Grep | Cut, ...]] | _No:
    """The command before `| grep PAT | head -20` (or `|&`, `2>&1 |`), and what each filter does."""
    parts = re.split(r"\s*\|&?\s*(?=(?:grep|head|tail|sort|tee|cat|less|more)\b)", text)
    command = re.sub(r"\s+2>&1\s*$", "", parts[0].strip())
    filters = [_filter(part) for part in parts[1:]]
    refused = next((f for f in filters if isinstance(f, _No)), None)
    return refused or (command, tuple(f for f in filters if not isinstance(f, _No)))


def _filter(text: str) -> Grep | Cut | _No:
    try:
        words = shlex.split(text)
    except ValueError as exc:
        return _No(f"cannot parse {text!r}: {exc}")
    name = words[0]
    if name == "grep":
        return _grep(text)
    if name in {"tee", "cat", "less", "more"}:  # the same lines (tee's file is not written)
        if name == "cat" and words[1:]:
            return _No("cat reads its input, not files")
        return Cut("same")
    if name == "sort" and len(words) == 1:
        return Cut("sort")
    if name in {"head", "tail"}:
        rest = words[1:]
        count = "10"
        if rest and rest[0] == "-n" and len(rest) == 2:
            count = rest[1]
        elif rest and re.fullmatch(r"-n?\d+", rest[0]) and len(rest) == 1:
            count = rest[0].lstrip("-n")
        elif rest:
            return _No(f"{name} {' '.join(rest)} is not supported (use {name} -n N)")
        if not count.isdigit():
            return _No(f"{name} -n {count} is not supported (use {name} -n N)")
        return Cut(name, int(count))
    return _No(f"`| {text}` is not supported (grep, head, tail, sort, tee and cat are)")


def _grep(text: str) -> Grep | _No:
    try:
        words = shlex.split(text)
    except ValueError as exc:
        return _No(f"cannot parse {text!r}: {exc}")
    invert = ignore_case = fixed = False
    pattern = None
    for word in words[1:]:
        if pattern is None and word.startswith("-") and len(word) > 1:
            for flag in word[1:]:
                if flag not in "viEFe":
                    return _No(f"grep flag -{flag} is not supported (use -v, -i, -E, -F)")
                invert |= flag == "v"
                ignore_case |= flag == "i"
                fixed |= flag == "F"
        elif pattern is None:
            pattern = word
        else:
            return _No("grep reads its input, not files")
    if not pattern:
        return _No("grep needs a pattern")
    try:
        re.compile(pattern)
    except re.error as exc:
        if not fixed:
            return _No(f"grep pattern {pattern!r}: {exc}")
    return Grep(pattern, invert, ignore_case, fixed)


def _strip_prefixes(argv: list[str]) -> tuple[list[str], tuple[tuple[str, str], ...]] | _No:
    """Drop `docker run ... IMAGE`, `sudo`, `time`; keep GOOS/GOARCH as the run's environment."""
    env: list[tuple[str, str]] = []
    while argv:
        first = argv[0]
        if re.match(r"^[A-Za-z_]\w*=", first):
            name, _, value = first.partition("=")
            if name in _ENV_KEPT:
                if not re.fullmatch(r"[\w.]+", value):
                    return _No(f"environment value {first!r} is not allowed")
                env.append((name, value))
            elif (name, value) != ("CGO_ENABLED", "0"):  # goverify always builds with cgo off
                return _No(f"environment assignments ({first}) are not allowed: only GOOS, GOARCH and their "
                           "variants are kept")
            argv = argv[1:]
        elif first in {"sudo", "time", "command"}:
            argv = argv[1:]
        elif first in {"docker", "podman"} and len(argv) > 1 and argv[1] == "run":
            after = _after_image(argv[2:])
            if isinstance(after, _No):
                return after
            argv = after
        else:
            break
    return argv, tuple(env)


def _after_image(args: list[str]) -> list[str] | _No:
    i = 0
    while i < len(args) and args[i].startswith("-"):
        flag = args[i].partition("=")[0]
        i += 2 if flag in _DOCKER_VALUE and "=" not in args[i] else 1
    if i >= len(args):
        return _No("`docker run` without an image and a command")
    return args[i + 1:]


def _check_path(flag: str, value: str) -> _No | None:
    if (value.startswith(("/", "~")) and value != "/dev/null") or ".." in re.split(r"[/\\]", value):
        return _No(f"{flag} {value!r} points outside the temporary directory")
    return None


def _check_gcflags(value: str) -> _No | None:
    flags = value.partition("=")[2] if re.match(r"^[\w./-]*=-", value) else value
    try:
        words = shlex.split(flags)
    except ValueError as exc:
        return _No(f"cannot parse -gcflags {value!r}: {exc}")
    i = 0
    while i < len(words):
        taken = _compiler_flag(words, i)
        if isinstance(taken, _No):
            return taken
        if taken is None:
            return _No(f"compiler flag {words[i]!r} reads a file the example does not provide")
        i += taken
    return None


def _compiler_flag(words: list[str], i: int) -> int | _No | None:
    """How many words the compiler flag at words[i] takes, when it may run; None: it reads a file (dropped from `go
    tool compile`, refused in -gcflags); `_No`: a flag the compiler does not know, a file outside the work
    directory, a debug setting that names one."""
    word = words[i]
    name, eq, value = word.partition("=")
    name = "-" + name.lstrip("-")
    kind = COMPILER_FLAGS.get(name)
    if kind is None:
        return _No(f"compiler flag {word!r} is not a flag the compiler knows")
    taken = 1
    if (kind in {"value", "write", "read"} or name == "-d") and not eq:
        if i + 1 >= len(words):
            return _No(f"compiler flag {name} needs a value")
        value, taken = words[i + 1], 2
    if kind == "print" and eq and not re.fullmatch(r"[\w.,]*", value):
        return _No(f"compiler flag {word!r} is not allowed")
    if kind == "read":
        return None
    if kind == "write" and (refused := _check_path(name, value)):
        return refused
    if name == "-d" or kind == "value":
        # -d=ssa/check_bce/debug=1 and the like print more; none of them may name a file outside the work directory
        for part in re.split(r"[,=]", value):
            if part.startswith(("/", "~")) or ".." in part.split("/") or "file:" in part:
                return _No(f"compiler flag {word!r} names a path outside the work directory")
    return taken


def _build_args(args: list[str], *, vet: bool = False,
                test: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]] | _No:
    """Check go build/vet/test flags; return the arguments to keep and the .go files named."""
    kept: list[str] = []
    files: list[str] = []
    packages: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.startswith("-") and arg != "-":
            name, eq, value = arg.partition("=")
            name = "-" + name.lstrip("-")
            if name in _REFUSED_WHY:
                return _No(f"flag {name} is not allowed ({_REFUSED_WHY[name]})")
            if test and (name in _TEST_RUN_VALUE or name.startswith("-test.")):
                i += 1 if eq or name.startswith("-test.") else 2
                continue
            if test and name in _TEST_RUN_BOOL:
                i += 1
                continue
            if vet:
                if not re.match(r"^-[a-z][\w.]*$", name) or (eq and not re.match(r"^[\w.,]*$", value)):
                    return _No(f"vet flag {arg!r} is not allowed")
                kept.append(arg)
            elif name in _BUILD_FLAGS_VALUE:
                if not eq:
                    i += 1
                    if i >= len(args):
                        return _No(f"flag {name} needs a value")
                    value = args[i]
                if name == "-gcflags" and (refused := _check_gcflags(value)):
                    return refused
                if name in {"-o", "-pgo"} and (refused := _check_path(name, value)):
                    return refused
                kept.append(f"{name}={value}")
            elif name in _BUILD_FLAGS_BOOL:
                kept.append(name if not eq else f"{name}={value}")
            else:
                return _No(f"flag {name} is not allowed")
        elif arg.endswith(".go"):
            if refused := _check_path("file", arg):
                return refused
            files.append(arg)
            kept.append(arg)
        else:
            if refused := _check_path("package", arg):
                return refused
            packages.append(arg)
            kept.append(arg)
        i += 1
    if files and packages:
        return _No("name either .go files or packages, not both")
    if not files and any(p not in {".", "./..."} for p in packages):
        return _No("only `.` and `./...` can be built as packages")
    return tuple(kept), tuple(files)


def _has_gcflags(args: list[str]) -> bool:
    return any(a == "-gcflags" or a.startswith(("-gcflags=", "--gcflags")) for a in args)


def _test(stated: str, argv: list[str], env: tuple, filters: tuple) -> Command | _No:
    if not _has_gcflags(argv[2:]):
        return _No("`go test` without -gcflags runs the tests (with -gcflags=-m goverify compiles the test "
                   "binary and compares its diagnostics)", not_run=True)
    built = _build_args(argv[2:], test=True)
    if isinstance(built, _No):
        return built
    args, files = built
    args = tuple(a for a in args if not a.startswith("-o="))
    return Command(stated, ("go", "test", "-c", "-o", "/dev/null", *args), files, env, filters, "test")


def _run(stated: str, argv: list[str], env: tuple, filters: tuple) -> Command | _No:
    rest = argv[2:]
    end = next((i + 1 for i, a in enumerate(rest) if a.endswith(".go") and not a.startswith("-")), None)
    if end is not None:
        while end < len(rest) and rest[end].endswith(".go"):
            end += 1
        rest = rest[:end]  # what follows the files are the program's arguments
    if not _has_gcflags(rest):
        return _No("`go run` runs the example (goverify runs code only in its sandbox, for an output block of its own; "
                   "with -gcflags=-m it compiles it and compares the diagnostics)", not_run=True)
    built = _build_args(rest)
    if isinstance(built, _No):
        return built
    args, files = built
    args = tuple(a for a in args if not a.startswith("-o="))
    return Command(stated, ("go", "build", *args[: len(args) - len(files)], "-o", "/dev/null", *files), files, env,
                   filters, "run")


def _tool(stated: str, argv: list[str], env: tuple, filters: tuple) -> Command | _No:
    if len(argv) < 3 or argv[2] != "compile":
        name = argv[2] if len(argv) > 2 else ""
        return _No(f"`go tool {name}` is not a compile-only command (it needs what building or running the "
                   "program produces)", not_run=True)
    kept: list[str] = []
    files: list[str] = []
    args = argv[3:]
    i = 0
    while i < len(args):
        arg = args[i]
        if arg.endswith(".go") and not arg.startswith("-"):
            if refused := _check_path("file", arg):
                return refused
            files.append(arg)
            i += 1
            continue
        if not arg.startswith("-"):
            return _No(f"`go tool compile` argument {arg!r} is neither a flag nor a .go file")
        taken = _compiler_flag(args, i)
        if isinstance(taken, _No):
            return taken
        if taken is None:  # -importcfg, -I: goverify gives the compiler the standard library's export data
            name = "-" + arg.partition("=")[0].lstrip("-")
            i += 1 if "=" in arg or name not in _SEPARATE_VALUE else 2
            continue
        kept.extend(args[i: i + taken])
        i += taken
    if not files:
        return _No("`go tool compile` names no .go file")
    return Command(stated, ("go", "tool", "compile", *kept, *files), tuple(files), env, filters, "compile")


# Between the commands of a chain: what the run stage follows (`go build main.go && ./main`, `a; b`), and what it
# cannot honour exactly (a pipe, a redirection, a command in the background, a subshell, `||`).
_CHAINED = {"&&", ";"}


def shell_words(text: str) -> list[str] | None:
    """A command line split as a shell splits it (quotes removed, `&&`, `;`, `|`, `>` their own words), or None
    when it cannot be read (an open quote)."""
    lexer = shlex.shlex(re.sub(r"\\\n\s*", " ", text), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:
        return None


def _operator(word: str) -> bool:
    """A word the shell acts on between commands (`&&`, `;`, `|`, `>`, `(`)."""
    return bool(word) and set(word) <= set("|&;<>()")


def _simple_commands(words: list[str]) -> tuple[list[list[str]], list[str]]:
    """The simple commands between a command line's operators, and its operators, in order."""
    commands: list[list[str]] = [[]]
    operators: list[str] = []
    for word in words:
        if _operator(word):
            operators.append(word)
            commands.append([])
        else:
            commands[-1].append(word)
    return [c for c in commands if c], operators


def chain(text: str) -> list[list[str]] | None:
    """The simple commands of a command line joined by `&&` or `;`, each as its argv; None when the line holds
    other shell (a pipe, a redirection, `||`, `&`, a subshell, an expansion) or cannot be read."""
    words = shell_words(text)
    if words is None or _shell_syntax_expands(text):
        return None
    commands, operators = _simple_commands(words)
    return commands if commands and set(operators) <= _CHAINED else None


def _shell_syntax_expands(text: str) -> bool:
    """`$HOME`, `$(cmd)`, backquotes, `*.go`: what the shell would replace (outside single quotes)."""
    bad = _shell_syntax(text)
    return bad is not None and bad not in "&;|<>()"


def _first_word(argv: list[str]) -> str:
    return next((w for w in argv if not re.match(r"^[A-Za-z_]\w*=", w) and w not in {"sudo", "time", "command"}), "")


def runs_binary(argv: list[str]) -> bool:
    """The simple command runs a binary the page built (`./prog`, `.\\main.exe`), not a go command."""
    return bool(re.match(r"^\.[/\\]", _first_word(argv)))


def runs_program(argv: list[str]) -> bool:
    """The simple command runs a program: a binary the page built (`./prog`), `go run`, or `go test` (without
    -gcflags, which goverify reads as the build that precedes the run)."""
    first = _first_word(argv)
    if runs_binary(argv):
        return True
    rest = argv[argv.index(first) + 1:] if first in {"go", "Go"} else []
    return bool(rest) and (rest[0] == "run" or (rest[0] == "test" and not _has_gcflags(rest[1:])))


def _runs(stated: str) -> _No | None:
    """A command line that runs a program the sandbox can run, or that it cannot honour: not run for the compile,
    and said why; None when it runs no program."""
    words = shell_words(stated)
    if not words:
        return None
    simple, operators = _simple_commands(words)
    if not any(runs_program(c) for c in simple):
        return None
    if chain(stated) is None:
        bad = next((w for w in operators if w not in _CHAINED), None)
        what = "shell expansion" if _shell_syntax_expands(stated) or not bad else f"`{bad}`"
        return _No(f"it runs the program through {what}, which goverify does not reproduce: the sandbox runs the "
                   "program alone, with no shell", not_run=True, shell=True)
    if len(simple) == 1 and not runs_binary(simple[0]):
        return None  # one `go run`/`go test`: its own reason
    if len(simple) == 1:
        return _No("it runs a program the page built (goverify runs it only in its sandbox, with the go build "
                   "the page states before it, for the output under it)", not_run=True)
    return _No("it runs the program it builds (goverify runs it only in its sandbox, for the output under it)",
               not_run=True)


def strip_prefixes(argv: list[str]) -> tuple[list[str], tuple[tuple[str, str], ...]] | str:
    """The command `sudo`, `time`, `docker run IMAGE` and environment assignments run, with the GOOS/GOARCH it sets;
    or why it is not read (a few words)."""
    stripped = _strip_prefixes(list(argv))
    return stripped.reason if isinstance(stripped, _No) else stripped

