"""Compile an example the way the go command would, without the go command, where that cannot change a line.

`go build -gcflags="-m -l" main.go` on a small example costs about 0.18 s of CPU, of which the compile is 0.01 s: the
rest is the go command starting, loading and hashing the standard library, then the link, none of which prints a
diagnostic. For a job whose build the go command only passes through, goverify runs the compiler itself with the
arguments the go command gives it and prints what the go command would print (`# command-line-arguments`, then the
compiler's lines; exit status 1 when the compile fails). Everything else runs the stated command as it always did.

A job is compiled directly only when all of this holds (else `why_not` says why, and it runs as stated):

- the command is `go build` of one named Go file with nothing but `-gcflags` (no package pattern such as `all=`) and
  `-o /dev/null`; GOOS/GOARCH assignments are allowed (the go command's arguments are read with them set);
- the file has a plain name (not `_test.go`, which `go build` leaves out; no leading `_` or `.`, which it ignores)
  and is written at the top of the work directory (a file named on the command line is built whatever its build
  constraints say: `//go:build` lines and `_linux.go` names change nothing);
- the source starts the way the go command's own reader accepts (a package clause, then import declarations of
  standard-library paths that are not internal, with comments), and holds no directive the go command acts on
  (`//go:embed`, `//go:debug`, `//go:linkname`, cgo): only `//go:build`, `//go:noinline` and the like, which only
  the compiler reads;
- nothing is left for the link to report: it runs only after a successful compile, and then fails only on symbols
  no Go file defines (`symbol too large` and the like are the compiler's). `//go:linkname` is the one way a Go file
  names such a symbol; the other is a `package main` without `func main`, for which the link's message is read
  once per toolchain from a real `go build` of a probe file, and printed after the compiler's lines when they
  compile.

The arguments come from `go build -n` (the commands the go command would run, printed, not run) of a probe file of
the same shape, once per toolchain, environment and command; the standard library's export data from one
`go list -export` per toolchain and environment, which compiles it into GOCACHE as the first build would. Whether
the output is byte-identical to the stated command's is proven by `tests/test_direct.py` on every example of the
corpus, the repository's site and the real articles.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from .command import Command
from .fragments import declares_main

# `go list -e -export -f LIST_FORMAT PKG...`: one line per package.
LIST_FORMAT = '{{.ImportPath}}\t{{.Export}}\t{{.Standard}}\t{{with .Error}}{{.Err}}{{end}}'
# The directives only the compiler reads: a source holding another `//go:` line runs the stated command.
_COMPILER_DIRECTIVES = {"build", "noinline", "nosplit", "noescape", "norace", "nocheckptr", "uintptrescapes",
                        "uintptrkeepalive", "registerparams", "nowritebarrier", "nowritebarrierrec",
                        "yeswritebarrierrec", "systemstack", "generate"}
_DIRECTIVE = re.compile(r"^[ \t]*//go:(\w+)", re.M)
_FILE = re.compile(r"^(?:\./)?([A-Za-z0-9][\w.-]*)\.go$")
_STD_PATH = re.compile(r"^[a-z0-9]+(?:/[a-z0-9_]+)*$")
_HEAD_PUNCTUATION = {"(", ")", ";", "."}
_TOKEN = re.compile(r'\s+|//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|[A-Za-z_]\w*|[();.]|.', re.S)
_SECTION = re.compile(r"^#\n# (?P<name>\S+)\n#\n", re.M)


@dataclass(frozen=True)
class Head:
    """What the go command reads of a Go file before it compiles it: its package and its imports."""

    package: str
    imports: tuple[str, ...]


def read_head(source: str) -> Head | None:
    """The package clause and import declarations, when the file starts as plainly as Go allows (comments, a package
    clause, `import "p"`, `import name "p"`, `import ( ... )`), after a byte-order mark if there is one (the compiler
    and the go command's import reader both skip it, as the spec allows); None for anything else (a raw-string import
    path, a syntax error there), which the go command, not the compiler, would report."""
    tokens = []
    for m in _TOKEN.finditer(source.removeprefix("\ufeff")):  # the head only: ended by a token no head holds
        token = m.group()
        if token.startswith(("//", "/*")) or (token.isspace() and "\n" not in token):
            continue
        token = ";" if token.isspace() else token  # a line end, where Go puts a semicolon
        if token == ";" and not tokens:
            continue
        tokens.append(token)
        if not (token in _HEAD_PUNCTUATION or token.startswith('"') or re.fullmatch(r"[A-Za-z_]\w*", token)):
            break
    if not tokens or tokens[0] != "package" or len(tokens) < 2:
        return None
    package = tokens[1]
    if not re.fullmatch(r"[A-Za-z_]\w*", package) or package == "_":
        return None
    if len(tokens) > 2 and tokens[2] != ";":
        return None
    i = 2
    while i < len(tokens) and tokens[i] == ";":
        i += 1
    imports: list[str] = []

    def spec(at: int) -> int | None:
        """One import spec at tokens[at]: the index after it, or None."""
        if at < len(tokens) and (tokens[at] in {".", "_"} or re.fullmatch(r"[A-Za-z_]\w*", tokens[at])) \
                and at + 1 < len(tokens) and tokens[at + 1].startswith('"'):
            at += 1
        if at >= len(tokens) or not tokens[at].startswith('"') or len(tokens[at]) < 2:
            return None
        imports.append(tokens[at][1:-1])
        if at + 1 < len(tokens) and tokens[at + 1] not in {";", ")"}:
            return None  # two specs on a line, or something after one
        return at + 1

    while i < len(tokens) and tokens[i] == "import":
        if i + 1 < len(tokens) and tokens[i + 1] == "(":
            i += 2
            while i < len(tokens) and tokens[i] != ")":
                if tokens[i] == ";":
                    i += 1
                    continue
                after = spec(i)
                if after is None:
                    return None
                i = after
            if i >= len(tokens):
                return None
            i += 1
        else:
            after = spec(i + 1)
            if after is None:
                return None
            i = after
        while i < len(tokens) and tokens[i] == ";":
            i += 1
    return Head(package, tuple(imports))


def why_not(source: str, command: Command, file: str) -> str | None:
    """Why this job must run the stated go command (a few words), or None when the compiler can run directly and
    print what the go command would (for `go tool compile`, what the author's own compiler prints: it is given the
    standard library's export data of the file's imports, the one thing a Go installation no longer has at hand)."""
    argv = command.argv
    if command.subcommand == "compile":
        return None if read_head(source) is not None else "a file the go command reads differently"
    if argv[:2] != ("go", "build"):
        return f"go {argv[1]}"
    if len(command.files) != 1 or command.files[0].removeprefix("./") != file or not _FILE.match(file):
        return "not one plain Go file"
    if _FILE.match(file).group(1).endswith("_test"):
        return "a test file (go build leaves it out)"
    rest = [a for a in argv[2:] if a not in command.files]
    if "-o" in rest and rest[rest.index("-o") + 1: rest.index("-o") + 2] == ["/dev/null"]:
        del rest[rest.index("-o"): rest.index("-o") + 2]
    for arg in rest:
        if arg == "-o=/dev/null":
            continue
        if not arg.startswith("-gcflags="):
            return f"flag {arg}"
        if re.match(r"^-gcflags=[\w./-]*=-", arg):  # pattern=flags, as command.py reads it
            return "-gcflags for a package pattern"
    for m in _DIRECTIVE.finditer(source):
        if m.group(1) not in _COMPILER_DIRECTIVES:
            return f"a //go:{m.group(1)} line"
    head = read_head(source)
    if head is None:
        return "a file the go command reads differently"
    for path in head.imports:
        parts = path.split("/")
        if path == "C" or not _STD_PATH.match(path) or parts[0] == "cmd" or "internal" in parts or "vendor" in parts:
            return f"import {path!r}"
    return None


def lacks_main(source: str, head: Head) -> bool:
    """A `package main` with no `func main`: the link fails, after a successful compile."""
    return head.package == "main" and not declares_main(source)


def shape(command: Command, file: str, main: bool) -> tuple:
    """What the go command's compile arguments depend on, for a job that passes `why_not`: its own arguments
    (the file aside), the file's name, its environment, whether the package is main."""
    return (tuple(a for a in command.argv if a not in command.files), file, command.env, main)


def probe_source(main: bool, nonce: str, with_main: bool = True) -> str:
    """A file of a shape's kind whose compile no one has cached (`go build -n` prints `cat` for a cached one)."""
    body = "func main() {}\n" if main and with_main else ""
    return f"// goverify probe {nonce}\npackage {'main' if main else 'probe'}\n\n{body}"


@dataclass(frozen=True)
class Template:
    """The compile command `go build` runs for a package of one shape, read from `go build -n`."""

    argv: tuple[str, ...]  # the compiler and its arguments, `$WORK` standing for the go command's work directory
    importcfg: str  # the -importcfg file, under $WORK
    implicit: tuple[str, ...]  # packages its import configuration names that the probe does not import (runtime)
    header: str  # what the go command prints before the compiler's output: `# command-line-arguments`


def parse_template(printed: str, file: str) -> Template | None:
    """The compile of the package under test in `go build -n` output; None when it is not one plain compile of
    `file` (anything that writes or reads more of $WORK than its output and import configuration)."""
    sections = list(_SECTION.finditer(printed))
    mine = [s for s in sections if s.group("name") == "command-line-arguments"]
    if len(mine) != 1:
        return None
    start = mine[0].end()
    following = [s.start() for s in sections if s.start() > start]
    body = printed[start: following[0] if following else len(printed)]
    lines = body.splitlines()
    implicit: list[str] = []
    config_file = None
    compile_argv: list[str] | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^cat >(\$WORK/\S+/importcfg) << 'EOF' # internal$", line)
        if m:
            config_file = m.group(1)
            i += 1
            while i < len(lines) and lines[i] != "EOF":
                entry = re.match(r"^packagefile (\S+)=", lines[i])
                if entry:
                    implicit.append(entry.group(1))
                elif lines[i] != "# import config":
                    return None  # importmap and the like: not the plain case
                i += 1
        elif re.match(r"^echo '# import config' > (\$WORK/\S+/importcfg) # internal$", line):
            config_file = line.split("> ", 1)[1].split(" ", 1)[0]
        elif re.match(r"^\S*/compile ", line):
            if compile_argv is not None:
                return None
            try:
                compile_argv = shlex.split(line)
            except ValueError:
                return None
        i += 1
    if compile_argv is None or config_file is None:
        return None
    files = [a for a in compile_argv[1:] if a.endswith(".go") and not a.startswith("-")]
    if files not in (["./" + file], [file]) or compile_argv[-1] != files[0]:
        return None
    for j, arg in enumerate(compile_argv):
        if "$WORK" in arg and not (j and compile_argv[j - 1] in {"-o", "-importcfg", "-trimpath"}):
            return None
    if "-importcfg" not in compile_argv or compile_argv[compile_argv.index("-importcfg") + 1] != config_file:
        return None
    return Template(tuple(compile_argv), config_file, tuple(implicit), f"# {mine[0].group('name')}")


def parse_exports(printed: str) -> dict[str, str]:
    """import path -> export data file, of the standard-library packages `go list -export` built ("" for unsafe,
    which has none); packages it could not list are left out."""
    exports: dict[str, str] = {}
    for line in printed.splitlines():
        parts = line.split("\t")
        if len(parts) != 4:
            continue
        path, export, standard, error = parts
        if standard == "true" and not error and (export or path == "unsafe"):
            exports[path] = export
    return exports


def compile_template(go: str, command: Command) -> Template:
    """`go tool compile` as the author runs it, told where the standard library's export data is: no header, no
    link, the compiler's own exit status."""
    return Template((go, "tool", "compile", "-importcfg", "$WORK/importcfg", *command.argv[3:]), "$WORK/importcfg",
                    (), "")


def import_config(template: Template, head: Head, exports: dict[str, str]) -> str | None:
    """The import configuration the go command would write for this file; None when a package it needs has no
    export data (not in the standard library, or it failed to build: the go command says so, not the compiler).
    For `go tool compile` (no header) such a package is left out: the compiler says it cannot import it."""
    lines = ["# import config"]
    for path in dict.fromkeys([*head.imports, *template.implicit]):
        if path not in exports and not template.header:
            continue
        if path not in exports:
            return None
        if exports[path]:
            lines.append(f"packagefile {path}={exports[path]}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Compile:
    """How one job is compiled directly: the go command's compile, its import configuration, and what the link
    prints after a successful compile when it cannot succeed (a `package main` without `func main`)."""

    template: Template
    importcfg: str
    link: tuple[str, int] | None = None  # (what `go build` prints for the link, its exit status)


def as_go_prints(compile: Compile, output: str, returncode: int) -> tuple[str, int]:
    """What `go build` prints around the compiler's output, and its exit status (`go tool compile`: the compiler's
    own)."""
    if not compile.template.header:
        return output, returncode
    if output and not output.endswith("\n"):
        output += "\n"
    printed = f"{compile.template.header}\n{output}" if output else ""
    if returncode != 0:
        return printed, 1
    if compile.link is not None:
        return printed + compile.link[0], compile.link[1]
    return printed, 0
