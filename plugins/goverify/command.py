"""Which `go` commands an article may state, parsed with shlex and checked before anything runs.

Only commands that compile without executing the example are allowed: `go build` and `go vet`, with flags
that neither run another program (`-toolexec`, `-exec`), nor pass arbitrary flags to the linker
(`-ldflags`), nor read or write outside the temporary directory. Shell syntax is refused outright: the command
is never given to a shell.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

DEFAULT_COMMAND = 'go build -gcflags="-m -l" main.go'

_SHELL = re.compile(r"[|&;<>$`\\\n(){}*?!]")
_SUBCOMMANDS = {"build", "vet"}
# go build flags that only change what is compiled or printed.
_BUILD_FLAGS_BOOL = {"-a", "-n", "-v", "-x", "-trimpath", "-race", "-msan", "-asan", "-linkshared", "-work"}
_BUILD_FLAGS_VALUE = {"-gcflags", "-asmflags", "-tags", "-buildvcs", "-buildmode", "-p", "-o", "-mod", "-pgo"}
# Compiler flags (inside -gcflags) that only change what the compiler prints or optimises.
_GC_FLAG = re.compile(r"^-(?:m(?:=\d)?|l|N|S|B|e|live|smallframes|wb=(?:true|false)|lang=go1\.\d+|d=[a-z0-9_,=]+)$")
_REFUSED_WHY = {
    "-toolexec": "it runs another program",
    "-vettool": "it runs another program",
    "-exec": "it runs the compiled program",
    "-ldflags": "it passes arbitrary flags to the linker",
    "-overlay": "it reads files outside the example",
    "-modfile": "it reads files outside the example",
    "-C": "it changes directory",
}


class CommandError(ValueError):
    """A command the article states that goverify will not run."""


@dataclass(frozen=True)
class Command:
    text: str
    argv: tuple[str, ...]
    source_file: str  # the file the example is written to
    needs_module: bool  # the command builds a package, not files: write a go.mod beside it

    def __str__(self) -> str:
        return self.text


def _check_value_path(text: str, flag: str, value: str) -> None:
    if value.startswith(("/", "~")) and value != "/dev/null" or ".." in value.split("/"):
        raise CommandError(f"refusing {text!r}: {flag} {value!r} points outside the temporary directory")


def _check_gcflags(value: str) -> None:
    flags = value.partition("=")[2] if re.match(r"^[\w./-]*=-", value) else value
    for flag in shlex.split(flags):
        if not _GC_FLAG.match(flag):
            raise CommandError(f"compiler flag {flag!r} is not allowed (allowed: -m, -m=N, -l, -N, -S, -e, -d=...)")


def parse_command(text: str) -> Command:
    """Parse and check a command; raise CommandError saying why it is refused."""
    text = text.strip()
    bad = _SHELL.search(text)
    if bad:
        raise CommandError(f"refusing {text!r}: shell syntax {bad.group(0)!r} (goverify never runs a shell)")
    try:
        argv = shlex.split(text)
    except ValueError as exc:
        raise CommandError(f"cannot parse {text!r}: {exc}") from exc
    if argv and "=" in argv[0]:
        raise CommandError(f"refusing {text!r}: environment assignments ({argv[0]}) are not allowed")
    if len(argv) < 2 or argv[0] != "go":
        raise CommandError(f"refusing {text!r}: only `go build` and `go vet` are run")
    if argv[1] not in _SUBCOMMANDS:
        raise CommandError(
            f"refusing {text!r}: `go {argv[1]}` is not allowed (it may run the example's code); "
            "only `go build` and `go vet` are run"
        )
    files: list[str] = []
    packages: list[str] = []
    i = 2
    while i < len(argv):
        arg = argv[i]
        if arg.startswith("-"):
            name, eq, value = arg.partition("=")
            name = "-" + name.lstrip("-")
            if name in _REFUSED_WHY:
                raise CommandError(f"refusing {text!r}: flag {name} is not allowed ({_REFUSED_WHY[name]})")
            if argv[1] == "vet":
                if not re.match(r"^-[a-z][\w.]*$", name) or (eq and not re.match(r"^[\w.,]*$", value)):
                    raise CommandError(f"refusing {text!r}: vet flag {arg!r} is not allowed")
            elif name in _BUILD_FLAGS_VALUE:
                if not eq:
                    i += 1
                    if i >= len(argv):
                        raise CommandError(f"refusing {text!r}: flag {name} needs a value")
                    value = argv[i]
                if name == "-gcflags":
                    try:
                        _check_gcflags(value)
                    except CommandError as exc:
                        raise CommandError(f"refusing {text!r}: {exc}") from None
                elif name in {"-o", "-pgo"}:
                    _check_value_path(text, name, value)
            elif name not in _BUILD_FLAGS_BOOL:
                raise CommandError(f"refusing {text!r}: flag {name} is not allowed")
        elif arg.endswith(".go"):
            _check_value_path(text, "file", arg)
            files.append(arg)
        else:
            _check_value_path(text, "package", arg)
            packages.append(arg)
        i += 1
    if files and packages:
        raise CommandError(f"refusing {text!r}: name either .go files or packages, not both")
    if not files and any(p not in {".", "./..."} for p in packages):
        raise CommandError(f"refusing {text!r}: only `.` and `./...` can be built as packages")
    source_file = files[0] if files else "main.go"
    return Command(text, tuple(argv), source_file, needs_module=not files)
